# shellcheck shell=bash
# Throwaway PostgreSQL cluster for tests and benchmarks.
#
# Source this file, then:
#
#     trap pg_cluster_stop EXIT
#     pg_cluster_start          # exports HOMEWARD_DATABASE_URL
#     ...
#     pg_cluster_stop           # safe to call more than once
#
# The cluster lives in a fresh temporary directory, listens only on 127.0.0.1 on a free
# port (plus a Unix socket inside the temporary directory), trusts every local connection
# and trades durability for speed. Nothing of it survives pg_cluster_stop.
#
# initdb refuses to run as root, so when running as root the cluster is owned by the
# `postgres` system user and the server binaries run through `runuser -u postgres --`.
#
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin).

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

_pg_log() {
    printf 'pg_cluster: %s\n' "$*" >&2
}

# Runs a server binary as the cluster owner, from inside the cluster directory (the owner
# may not be allowed into the caller's working directory).
_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd "$PG_CLUSTER_DIR" && runuser -u postgres -- "$@")
    else
        (cd "$PG_CLUSTER_DIR" && "$@")
    fi
}

_pg_free_port() {
    local py
    for py in "${PG_CLUSTER_PYTHON:-}" .venv/bin/python python3 python; do
        [ -n "$py" ] || continue
        if "$py" -c 'import sys' >/dev/null 2>&1; then
            "$py" -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
'
            return
        fi
    done
    _pg_log "no working Python found to pick a free port"
    return 1
}

pg_cluster_start() {
    if [ -n "${PG_CLUSTER_DIR:-}" ] && [ -d "$PG_CLUSTER_DIR" ]; then
        _pg_log "already running in $PG_CLUSTER_DIR"
        return 1
    fi
    local tool
    for tool in initdb pg_ctl postgres psql; do
        if [ ! -x "$PG_BIN/$tool" ]; then
            _pg_log "$PG_BIN/$tool not found (install PostgreSQL 15 or set PG_BIN)"
            return 1
        fi
    done
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        _pg_log "running as root but there is no 'postgres' system user to own the cluster"
        return 1
    fi

    local parent="${TMPDIR:-/tmp}"
    # The postgres user must be able to reach the directory; /tmp always allows that.
    [ "$(id -u)" -eq 0 ] && parent=/tmp
    PG_CLUSTER_DIR="$(mktemp -d "$parent/homeward-pg.XXXXXX")" || return 1
    export PG_CLUSTER_DIR
    mkdir -p "$PG_CLUSTER_DIR/data" "$PG_CLUSTER_DIR/socket"
    chmod 700 "$PG_CLUSTER_DIR" "$PG_CLUSTER_DIR/data"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres: "$PG_CLUSTER_DIR" || { pg_cluster_stop; return 1; }
    fi

    local locale_args=(--no-locale)
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
        locale_args=(--locale=C.UTF-8)
    fi
    _pg_log "initdb in $PG_CLUSTER_DIR"
    if ! _pg_as_owner "$PG_BIN/initdb" -D "$PG_CLUSTER_DIR/data" -U postgres -A trust \
        -E UTF8 "${locale_args[@]}" >"$PG_CLUSTER_DIR/initdb.log" 2>&1; then
        _pg_log "initdb failed:"
        cat "$PG_CLUSTER_DIR/initdb.log" >&2
        pg_cluster_stop
        return 1
    fi
    cat >>"$PG_CLUSTER_DIR/data/postgresql.conf" <<EOF

# Throwaway cluster: local only, no durability.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_CLUSTER_DIR/socket'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF

    # The port is free when picked but could be taken before the server binds it: retry.
    local attempt port=""
    for attempt in 1 2 3; do
        port="$(_pg_free_port)" || { pg_cluster_stop; return 1; }
        if _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/server.log" \
            -o "-p $port" -w -t 60 start >/dev/null; then
            break
        fi
        _pg_log "server did not start on port $port (attempt $attempt)"
        port=""
    done
    if [ -z "$port" ]; then
        cat "$PG_CLUSTER_DIR/server.log" >&2 || true
        pg_cluster_stop
        return 1
    fi
    PG_CLUSTER_PORT="$port"
    export PG_CLUSTER_PORT

    # Superuser so the test runner can create and drop test_homeward and any extensions.
    if ! "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE homeward LOGIN SUPERUSER CREATEDB" \
        -c "CREATE DATABASE homeward OWNER homeward" >/dev/null; then
        _pg_log "could not create role and database homeward"
        pg_cluster_stop
        return 1
    fi

    export HOMEWARD_DATABASE_URL="postgres://homeward@127.0.0.1:$port/homeward"
    _pg_log "$("$PG_BIN/postgres" -V | sed 's/^postgres (PostgreSQL)/PostgreSQL/') ready at $HOMEWARD_DATABASE_URL"
}

pg_cluster_stop() {
    if [ -z "${PG_CLUSTER_DIR:-}" ]; then
        return 0
    fi
    if [ -d "$PG_CLUSTER_DIR" ]; then
        if [ -f "$PG_CLUSTER_DIR/data/postmaster.pid" ]; then
            if ! _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m fast -w -t 30 stop \
                >/dev/null 2>&1; then
                _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate -w stop \
                    >/dev/null 2>&1 || _pg_log "could not stop the server in $PG_CLUSTER_DIR"
            fi
        fi
        rm -rf "$PG_CLUSTER_DIR"
        _pg_log "stopped and removed $PG_CLUSTER_DIR"
    fi
    if [ -n "${PG_CLUSTER_PORT:-}" ] \
        && [ "${HOMEWARD_DATABASE_URL:-}" = "postgres://homeward@127.0.0.1:$PG_CLUSTER_PORT/homeward" ]; then
        unset HOMEWARD_DATABASE_URL
    fi
    unset PG_CLUSTER_DIR PG_CLUSTER_PORT
}
