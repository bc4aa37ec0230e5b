# shellcheck shell=bash
# Shared by scripts/test.sh and scripts/demo.sh (sourced, never run directly): builds or
# reuses the repository's virtualenv at .venv.
#
# Callers set WFX_ROOT (the repository root) before sourcing, then call
#   wfx_ensure_venv project   # the project only (pip install -e .)
#   wfx_ensure_venv test      # requirements-test.txt + the project
# Afterwards WFX_VENV is the venv's path and its bin/ is first on PATH.
#
# Re-running pip on every invocation costs many seconds even when nothing changed, so each
# install step leaves a stamp (a hash of its inputs) inside .venv and is skipped while the
# stamp still matches. Stamps live inside .venv so deleting the venv also forgets them.

: "${WFX_ROOT:?WFX_ROOT must be set before sourcing _venv.sh}"
WFX_VENV="$WFX_ROOT/.venv"

# pip's own chatter is noise in CI logs, and CI has no stdin to answer a prompt with.
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

_wfx_log() { printf '\033[1m[venv]\033[0m %s\n' "$*" >&2; }
_wfx_die() { printf '\033[1;31m[venv] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# Prints "X.Y" for a usable interpreter, nothing (and non-zero) otherwise. A pyenv shim such
# as python3.12 exists on PATH even when that version is not selected and then fails when run,
# so a candidate counts only if it actually starts and can build venvs.
_wfx_py_version() {
    [[ -x "$1" ]] || return 1
    "$1" -c 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

# Newest patch release first; a plain glob would put 3.12.10 before 3.12.9.
_wfx_glob_newest_first() {
    local pattern=$1 f
    for f in $pattern; do [[ -x "$f" ]] && printf '%s\n' "$f"; done | sort -rV
}

# Saleor 3.24 runs on Python 3.12 only, so 3.12 gives the most faithful test run; the project
# itself supports >=3.11, so 3.11 is an acceptable fallback on machines without 3.12.
wfx_pick_python() {
    local want cand pyenv_root=""
    local -a cands
    if command -v pyenv >/dev/null 2>&1; then pyenv_root=$(pyenv root 2>/dev/null || true); fi
    for want in 3.12 3.11; do
        cands=()
        cand=$(command -v "python$want" 2>/dev/null) && cands+=("$cand")
        mapfile -t -O "${#cands[@]}" cands < <(_wfx_glob_newest_first "/root/.pyenv/versions/$want*/bin/python3")
        if [[ -n "$pyenv_root" ]]; then
            mapfile -t -O "${#cands[@]}" cands < <(_wfx_glob_newest_first "$pyenv_root/versions/$want*/bin/python3")
        fi
        # The default python3 is worth trying last: it may itself be the wanted version.
        cand=$(command -v python3 2>/dev/null) && cands+=("$cand")
        for cand in "${cands[@]}"; do
            if [[ "$(_wfx_py_version "$cand")" == "$want" ]]; then
                printf '%s\n' "$cand"
                return 0
            fi
        done
    done
    return 1
}

# Identifies an interpreter precisely (resolved path + full version), so that switching from a
# 3.11 fallback to a newly installed 3.12, or a pyenv patch upgrade, rebuilds the venv.
_wfx_py_identity() {
    "$1" -c 'import os, sys; print(os.path.realpath(sys.executable)); print(sys.version)'
}

# Hash of the named files' names and contents (missing files hash as absent), plus extra text.
_wfx_inputs_hash() {
    local extra=$1 f
    shift
    {
        printf '%s\n' "$extra"
        for f in "$@"; do
            if [[ -f "$WFX_ROOT/$f" ]]; then
                printf '== %s\n' "$f"
                cat "$WFX_ROOT/$f"
            else
                printf '== %s (absent)\n' "$f"
            fi
        done
    } | sha256sum | cut -d' ' -f1
}

_wfx_stamp_ok() { [[ -f "$WFX_VENV/.wfx-stamp-$1" && "$(cat "$WFX_VENV/.wfx-stamp-$1")" == "$2" ]]; }
_wfx_stamp_write() { printf '%s\n' "$2" >"$WFX_VENV/.wfx-stamp-$1"; }

_wfx_ensure_venv_locked() {
    local mode=$1 base base_id venv_id hash

    base=$(wfx_pick_python) || _wfx_die "no usable Python 3.12 or 3.11 found (looked for python3.12/python3.11 on PATH, /root/.pyenv/versions/3.1[12]*, \$(pyenv root)/versions and python3)."
    base_id=$(_wfx_py_identity "$base")

    # A venv is rebuilt, not repaired, when its interpreter no longer runs (base removed) or is
    # not the one we would pick now: half-upgraded venvs fail in confusing ways later.
    if [[ -d "$WFX_VENV" ]]; then
        venv_id=$(cat "$WFX_VENV/.wfx-python" 2>/dev/null || true)
        if [[ "$venv_id" != "$base_id" ]] || ! "$WFX_VENV/bin/python" -c '' 2>/dev/null; then
            _wfx_log "existing .venv was built with a different or missing interpreter; rebuilding"
            rm -rf "$WFX_VENV"
        fi
    fi
    if [[ ! -d "$WFX_VENV" ]]; then
        _wfx_log "creating .venv with $base ($("$base" -V 2>&1))"
        local t0=$SECONDS
        "$base" -m venv "$WFX_VENV" || _wfx_die "python -m venv failed"
        printf '%s\n' "$base_id" >"$WFX_VENV/.wfx-python"
        _wfx_log "venv created in $((SECONDS - t0))s"
    fi

    # Once a venv carries the test pins, every later install keeps honouring them, whichever
    # script runs: otherwise demo.sh re-installing the project after a setup.py change could
    # let pip move Django or celery off the pins and test.sh would never notice.
    local with_test=0
    [[ "$mode" == test || -f "$WFX_VENV/.wfx-stamp-test" ]] && with_test=1

    if ((with_test)); then
        [[ -f "$WFX_ROOT/requirements-test.txt" ]] || _wfx_die "requirements-test.txt is missing"
        hash=$(_wfx_inputs_hash "$base_id" requirements-test.txt)
        if ! _wfx_stamp_ok test "$hash"; then
            _wfx_log "installing requirements-test.txt"
            local t0=$SECONDS
            "$WFX_VENV/bin/python" -m pip install -r "$WFX_ROOT/requirements-test.txt" \
                || _wfx_die "pip install -r requirements-test.txt failed"
            _wfx_stamp_write test "$hash"
            # New pins may have moved the project's dependencies: re-resolve the project too.
            rm -f "$WFX_VENV/.wfx-stamp-project"
            _wfx_log "test requirements installed in $((SECONDS - t0))s"
        fi
    fi

    # The install is editable, so source edits never need a reinstall; only packaging metadata
    # (dependencies, entry points, package layout) does.
    hash=$(_wfx_inputs_hash "$base_id" setup.py setup.cfg pyproject.toml)
    if ! _wfx_stamp_ok project "$hash"; then
        [[ -f "$WFX_ROOT/setup.py" || -f "$WFX_ROOT/pyproject.toml" ]] \
            || _wfx_die "no setup.py or pyproject.toml in $WFX_ROOT: the project cannot be installed"
        local -a pins=()
        # Resolving the project together with the pins makes a clash between setup.py's ranges
        # and the pins an error instead of a silent up- or downgrade.
        ((with_test)) && pins=(-r "$WFX_ROOT/requirements-test.txt")
        _wfx_log "installing the project (pip install -e .${pins:+ with the test pins})"
        local t0=$SECONDS
        (cd "$WFX_ROOT" && "$WFX_VENV/bin/python" -m pip install -e . "${pins[@]}") \
            || _wfx_die "pip install -e . FAILED: the project itself does not install (see pip's output above); nothing else can run until setup.py is fixed."
        _wfx_stamp_write project "$hash"
        _wfx_log "project installed in $((SECONDS - t0))s"
    fi
}

wfx_ensure_venv() {
    local mode=${1:?usage: wfx_ensure_venv project|test}
    [[ "$mode" == project || "$mode" == test ]] || _wfx_die "unknown mode '$mode'"

    # Several people (and CI) may run the scripts in one tree at once; two pip runs writing the
    # same venv corrupt it, so venv setup is serialised. The lock file sits outside the tree so
    # it never shows up in git status; its name is keyed by the tree's path.
    if command -v flock >/dev/null 2>&1; then
        local lock
        lock="/tmp/wfx-venv-$(printf '%s' "$WFX_ROOT" | sha256sum | cut -c1-16).lock"
        (
            flock 9
            _wfx_ensure_venv_locked "$mode"
        ) 9>>"$lock" || exit 1
    else
        _wfx_ensure_venv_locked "$mode"
    fi

    export VIRTUAL_ENV="$WFX_VENV"
    export PATH="$WFX_VENV/bin:$PATH"
    hash -r
}
