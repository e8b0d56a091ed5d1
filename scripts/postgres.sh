#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests of crates/airisk-auth-postgres: its own
# cluster (initdb) in DIR, listening on 127.0.0.1 at a free port and on a Unix socket in
# DIR, trust authentication for the user `airisk` (loopback and the socket only), fsync
# off; `stop` removes DIR. When run as root, the server runs as the `postgres` user (or
# `nobody`): PostgreSQL refuses to run as root, and DIR's parents must be traversable by it.
#
#   scripts/postgres.sh install        installs PostgreSQL (Debian package) when initdb is missing
#   scripts/postgres.sh start DIR      installs if needed, creates and starts a server, prints its port
#   scripts/postgres.sh stop-server DIR   stops the server at once (pg_ctl -m immediate), keeps DIR
#   scripts/postgres.sh start-server DIR  starts the stopped server of DIR again (same port)
#   scripts/postgres.sh stop DIR       stops the server and removes DIR
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root (or sudo) to run: $*"; fi
}

bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
    done
    command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return; }
    return 1
}

install_pg() {
    bindir >/dev/null && return
    command -v apt-get >/dev/null || die "PostgreSQL is missing and apt-get is not available: install it (>= 12) by hand"
    echo "postgres.sh: installing PostgreSQL with apt-get" >&2
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
    bindir >/dev/null || die "apt-get did not provide initdb"
}

# Runs a PostgreSQL program as the server's user.
as_server_user() {
    if [ "$(id -u)" = 0 ]; then
        local user=postgres
        id "$user" >/dev/null 2>&1 || user=nobody
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

server_user() {
    if [ "$(id -u)" = 0 ]; then id postgres >/dev/null 2>&1 && echo postgres || echo nobody
    else id -un; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_start() {
    local dir=$1 bin port
    bin=$(bindir)
    port=$(cat "$dir/port")
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock -c fsync=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null
}

start_pg() {
    local dir=$1 bin port attempt
    install_pg
    bin=$(bindir)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ -d "$dir/data" ] && die "$dir already holds a server"
    mkdir -p "$dir/sock"
    if [ "$(id -u)" = 0 ]; then
        chown -R "$(server_user)" "$dir"
        as_server_user test -x "$dir" || die "$(server_user) cannot reach $dir: make its parent directories traversable (chmod o+x)"
    fi
    as_server_user "$bin/initdb" -D "$dir/data" -U airisk --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { tail -n 20 "$dir/initdb.log" >&2; die "initdb failed"; }
    for attempt in $(seq 1 20); do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        port_in_use "$port" && continue
        echo "$port" >"$dir/port"
        if pg_start "$dir"; then
            as_server_user "$bin/psql" -h "$dir/sock" -p "$port" -U airisk -d postgres -qc "CREATE DATABASE airisk_test" >/dev/null
            echo "$port"
            return
        fi
    done
    tail -n 20 "$dir/server.log" >&2
    die "could not start PostgreSQL (20 attempts)"
}

stop_server() {
    local dir=$1 bin
    bin=$(bindir)
    [ -f "$dir/data/postmaster.pid" ] || return 0
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
}

stop_pg() {
    local dir=$1
    [ -d "$dir" ] || return 0
    stop_server "$dir"
    rm -rf "$dir"
}

case "${1:-}" in
    install) install_pg ;;
    start) [ $# -eq 2 ] || die "usage: $0 start DIR"; start_pg "$2" ;;
    stop-server) [ $# -eq 2 ] || die "usage: $0 stop-server DIR"; stop_server "$2" ;;
    start-server) [ $# -eq 2 ] || die "usage: $0 start-server DIR"; pg_start "$(cd "$2" && pwd)" ;;
    stop) [ $# -eq 2 ] || die "usage: $0 stop DIR"; stop_pg "$2" ;;
    *) die "usage: $0 install | start DIR | stop-server DIR | start-server DIR | stop DIR" ;;
esac
