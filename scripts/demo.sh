#!/usr/bin/env bash
# Runs the self-contained sandbox demo (SQLite, no PostgreSQL, no Saleor) in the repository's
# virtualenv. Usage: scripts/demo.sh [demo args...]
set -euo pipefail

WFX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The demo keeps its SQLite file at the repository root (ignored by git), wherever it's run from.
cd "$WFX_ROOT"

# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh
# Only the project: the demo needs none of the test tools, so a first run stays quick.
wfx_ensure_venv project

exec python -m saleor_wfx_plugin.sandbox.demo "$@"
