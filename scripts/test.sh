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
    printf '\n\033[1;34m==> [%d/9] %s\033[0m\n' "$_step_no" "$*" >&2
}
fail() { printf '\n\033[1;31mFAILED:\033[0m %s\n' "$*" >&2; exit 1; }

step "virtualenv (.venv): requirements-test.txt + pip install -e ."
wfx_ensure_venv test

# The dashboard pages: rebuilt from the lock file, and the committed bundle must be what the
# sources build (the wheel ships the committed one; a stale one would ship old pages).
step "dashboard: npm ci, npm run build, committed bundle up to date"
# npm ci wipes node_modules every time; like the venv's stamps, skip it while the lock file is
# the one node_modules was installed from (a fresh clone has no stamp, so CI always installs).
lock_hash=$(sha256sum dashboard_extension/package-lock.json | cut -d' ' -f1)
if [[ "$(cat dashboard_extension/node_modules/.wfx-lock-sha256 2>/dev/null)" != "$lock_hash" ]]; then
    (cd dashboard_extension && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed"
    echo "$lock_hash" >dashboard_extension/node_modules/.wfx-lock-sha256
fi
(cd dashboard_extension && npm run --silent build) || fail "npm run build failed"
bundle=saleor_wfx_plugin/dashboard/static
if [[ -n "$(git status --porcelain -- "$bundle")" ]]; then
    git status --short -- "$bundle" >&2
    fail "the committed dashboard bundle is stale: commit $bundle as just built"
fi

step "dashboard: vitest"
(cd dashboard_extension && npx vitest run) || fail "vitest found problems"

# Browser tests drive Debian's chromium (Playwright's own downloads are not reachable from CI).
step "chromium for the browser tests"
# A CJK font too, so the zh-Hans screenshots the tests save show characters, not boxes.
if [[ ! -x /usr/bin/chromium ]] || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei) >&2 \
            || fail "could not install chromium (apt-get install chromium fonts-wqy-microhei)"
    elif [[ ! -x /usr/bin/chromium ]]; then
        fail "/usr/bin/chromium is missing: install Debian's chromium package (as root)"
    else
        printf 'no CJK font (fonts-wqy-microhei): zh-Hans screenshots will show boxes\n' >&2
    fi
fi
# tests/browser fail instead of skipping when this is set: CI must run them.
export WFX_BROWSER_TESTS_REQUIRED=1

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
