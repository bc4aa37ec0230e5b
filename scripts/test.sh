#!/usr/bin/env bash
# The full check CI runs: lint, format check, type check of the domain layer, and the test
# suite against a real, throwaway PostgreSQL. Usage: scripts/test.sh [pytest args...]
#
# PostgreSQL is not optional: the plugin's guarantees (row locks, unique constraints under
# concurrency) only mean something on the database Saleor runs on, so there is deliberately no
# switch to skip it or to fall back to SQLite.
set -euo pipefail

# Callers may be anywhere (CI, an editor, another script); every path below is repo-relative.
WFX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$WFX_ROOT"

# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh
# shellcheck source=scripts/pg_throwaway.sh
source scripts/pg_throwaway.sh

_step_no=0
step() {
    _step_no=$((_step_no + 1))
    printf '\n\033[1;34m==> [%d/6] %s\033[0m\n' "$_step_no" "$*" >&2
}
fail() { printf '\n\033[1;31mFAILED:\033[0m %s\n' "$*" >&2; exit 1; }

step "virtualenv (.venv): requirements-test.txt + pip install -e ."
wfx_ensure_venv test

# Started before the checks, so a machine that cannot run PostgreSQL fails at once; its trap
# stops the cluster and deletes its files however this script ends.
step "throwaway PostgreSQL"
pg_throwaway_start || fail "could not start the throwaway PostgreSQL"

step "ruff check ."
ruff check . || fail "ruff check found problems (ruff check --fix . may fix some)"

step "ruff format --check ."
ruff format --check . || fail "files need formatting (run: .venv/bin/ruff format .)"

step "mypy saleor_wfx_plugin/domain"
mypy saleor_wfx_plugin/domain || fail "mypy found type errors in saleor_wfx_plugin/domain"

step "pytest -p no:cacheprovider $*"
# No cache provider: .pytest_cache from one run must not reorder or skip tests in the next
# (--lf/--ff), and CI starts from a clean clone anyway.
rc=0
pytest -p no:cacheprovider "$@" || rc=$?
if ((rc == 5)); then
    # CI counts a green run that executed nothing as a pass; a suite that silently collects no
    # tests (wrong testpaths, import-time skip) must turn it red instead.
    printf '\n\033[1;31mFAILED:\033[0m pytest collected no tests (exit 5); CI must run real tests.\n' >&2
fi
exit "$rc"
