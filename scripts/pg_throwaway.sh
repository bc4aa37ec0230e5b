#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: fresh data dir, random loopback port, trust auth,
# durability switched off for speed, and always torn down afterwards.
#
# Two ways to use it:
#   scripts/pg_throwaway.sh CMD [ARGS...]   run CMD with DATABASE_URL set, then tear down;
#                                           exits with CMD's status (no CMD: wait for Ctrl-C)
#   source scripts/pg_throwaway.sh          (from bash) defines pg_throwaway_start and
#                                           pg_throwaway_stop; pg_throwaway_start installs an
#                                           EXIT/INT/TERM trap that stops the cluster
# Either way DATABASE_URL=postgres://wfx@127.0.0.1:PORT/wfx is exported; role wfx is a superuser
# (Django's test runner needs to create and drop the test database).
#
# Nothing here reads PGHOST/PGPORT/PGDATA from the caller's environment: every command gets
# explicit flags, so a developer's own PostgreSQL settings cannot redirect the tests.

_pg_log() { printf '\033[1m[pg]\033[0m %s\n' "$*" >&2; }
_pg_die() { printf '\033[1;31m[pg] ERROR:\033[0m %s\n' "$*" >&2; return 1; }

# Directory holding initdb/pg_ctl, or non-zero. pg_config alone is not proof: Debian's libpq-dev
# ships pg_config pointing at the server directory even when no server is installed.
_pg_find_bindir() {
    local d
    if command -v pg_config >/dev/null 2>&1; then
        d=$(pg_config --bindir 2>/dev/null || true)
        if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then printf '%s\n' "$d"; return 0; fi
    fi
    d=$(for x in /usr/lib/postgresql/*/bin; do [[ -x "$x/initdb" ]] && printf '%s\n' "$x"; done | sort -V | tail -n1)
    if [[ -n "$d" ]]; then printf '%s\n' "$d"; return 0; fi
    # Other distributions put the server binaries straight on PATH.
    d=$(command -v initdb 2>/dev/null) && [[ -x "$(dirname "$d")/pg_ctl" ]] && { dirname "$d"; return 0; }
    return 1
}

_pg_ensure_bindir() {
    PG_BINDIR=$(_pg_find_bindir) && return 0
    # A fresh CI machine may lack the server; install it rather than skip database tests.
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        _pg_log "PostgreSQL server binaries not found; installing them with apt-get"
        if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; } >&2; then
            _pg_die "apt-get install postgresql failed"
            return 1
        fi
        PG_BINDIR=$(_pg_find_bindir) && return 0
    fi
    _pg_die "PostgreSQL server binaries (initdb, pg_ctl) not found; install PostgreSQL (Debian: apt-get install postgresql)"
}

# PostgreSQL refuses to run as root, so as root the cluster belongs to an unprivileged user.
_pg_pick_user() {
    PG_RUN_USER=""
    [[ $EUID -eq 0 ]] || return 0
    if id -u postgres >/dev/null 2>&1; then
        PG_RUN_USER=postgres
    else
        id -u wfxpg >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin wfxpg \
            || { _pg_die "could not create system user wfxpg"; return 1; }
        PG_RUN_USER=wfxpg
    fi
}

# Runs a command as the cluster's owner, from inside the temp dir (the caller's cwd may not be
# readable by that user, which makes PostgreSQL tools complain).
_pg_as_owner() {
    if [[ -z "$PG_RUN_USER" ]]; then
        (cd "$PG_TMP" && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$PG_TMP" && runuser -u "$PG_RUN_USER" -- "$@")
    else
        # The user's shell is nologin, hence -s.
        (cd "$PG_TMP" && su "$PG_RUN_USER" -s /bin/sh -c "$(printf '%q ' "$@")")
    fi
}

_pg_free_port() {
    local py
    py=$(command -v python3 || command -v python) || { _pg_die "python3 is needed to pick a free port"; return 1; }
    "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_throwaway_start() {
    local t0=$SECONDS attempt started=0
    _pg_ensure_bindir || return 1
    _pg_pick_user || return 1

    # Under /tmp rather than $TMPDIR: the cluster's owner must be able to traverse the path, and
    # a root's TMPDIR may well be under /root.
    PG_TMP=$(mktemp -d /tmp/wfx-pg.XXXXXX) || { _pg_die "mktemp failed"; return 1; }
    # The trap goes in before anything can fail half-way, so no half-built cluster survives.
    trap 'pg_throwaway_stop' EXIT
    trap 'pg_throwaway_stop; trap - INT; kill -INT $$' INT
    trap 'pg_throwaway_stop; trap - TERM; kill -TERM $$' TERM

    chmod 755 "$PG_TMP"
    mkdir -p "$PG_TMP/sock"
    [[ -n "$PG_RUN_USER" ]] && chown -R "$PG_RUN_USER:" "$PG_TMP"

    # The C locale keeps text ordering identical on every machine; UTF8 keeps Chinese text intact.
    if ! _pg_as_owner "$PG_BINDIR/initdb" -D "$PG_TMP/data" -U wfx --auth=trust -E UTF8 --no-locale \
        --no-sync >"$PG_TMP/initdb.log" 2>&1; then
        cat "$PG_TMP/initdb.log" >&2
        _pg_die "initdb failed"
        return 1
    fi

    # Durability is pointless for a cluster deleted minutes later, and costs most of the I/O.
    cat >>"$PG_TMP/data/postgresql.conf" <<EOF

# --- throwaway test cluster (scripts/pg_throwaway.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_TMP/sock'
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

    # The free port is only free when picked; another process may grab it before the postmaster
    # binds, so a failed start gets a new port and another go.
    for attempt in 1 2 3; do
        PG_PORT=$(_pg_free_port) || return 1
        if _pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
            -o "-p $PG_PORT" start >/dev/null 2>&1; then
            started=1
            break
        fi
        _pg_log "start attempt $attempt on port $PG_PORT failed; retrying"
    done
    if ((!started)); then
        tail -n 30 "$PG_TMP/server.log" >&2 2>/dev/null
        _pg_die "PostgreSQL did not start (server log above)"
        return 1
    fi

    local isready=pg_isready
    [[ -x "$PG_BINDIR/pg_isready" ]] && isready="$PG_BINDIR/pg_isready"
    for attempt in $(seq 1 60); do
        "$isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1 && break
        if ((attempt == 60)); then
            tail -n 30 "$PG_TMP/server.log" >&2
            _pg_die "PostgreSQL is not accepting connections on 127.0.0.1:$PG_PORT"
            return 1
        fi
        sleep 0.5
    done

    # initdb -U wfx made wfx the bootstrap superuser; it only lacks its own database.
    if ! "$PG_BINDIR/createdb" -h 127.0.0.1 -p "$PG_PORT" -U wfx -O wfx wfx; then
        _pg_die "createdb wfx failed"
        return 1
    fi

    export DATABASE_URL="postgres://wfx@127.0.0.1:$PG_PORT/wfx"
    _pg_log "PostgreSQL $("$PG_BINDIR/postgres" -V | awk '{print $3}') ready at $DATABASE_URL (${PG_RUN_USER:-$(id -un)}, $((SECONDS - t0))s)"
}

# Idempotent and quiet on success: it runs from traps, and its output would otherwise land
# after pytest's summary line, which CI reads as the run's result.
pg_throwaway_stop() {
    [[ -n "${PG_TMP:-}" && -d "$PG_TMP" ]] || return 0
    local pid="" _
    if [[ -f "$PG_TMP/data/postmaster.pid" ]]; then
        pid=$(head -n1 "$PG_TMP/data/postmaster.pid")
        # immediate: nothing in this cluster is worth a clean checkpoint.
        _pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        # Last resort; children exit on their own once the postmaster is gone.
        if kill -0 "$pid" 2>/dev/null; then
            _pg_log "postmaster $pid ignored pg_ctl stop; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf "$PG_TMP"
    PG_TMP=""
}

# Executed rather than sourced: wrap the given command.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -uo pipefail
    pg_throwaway_start || exit 1
    if (($# == 0)); then
        _pg_log "no command given; the cluster runs until Ctrl-C"
        # In the background so that a TERM runs the trap at once instead of after the sleep.
        while :; do sleep 3600 & wait $!; done
    fi
    "$@"
    exit $?
fi
