#!/usr/bin/env bash
# A throwaway redis-server for the tests of crates/airisk-auth-redis: loopback only,
# a free port, no persistence, everything in one directory that `stop` removes.
#
#   scripts/redis.sh install      installs redis-server (Debian package) when it is missing
#   scripts/redis.sh start DIR    installs if needed, starts a server with its files in DIR
#                                 (created; must not hold a running server), prints its port
#   scripts/redis.sh pid DIR      prints the server's pid
#   scripts/redis.sh stop DIR     stops the server (no save) and removes DIR
set -euo pipefail

die() { echo "redis.sh: $*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root (or sudo) to run: $*"; fi
}

install_redis() {
    if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then return; fi
    command -v apt-get >/dev/null || die "redis-server is missing and apt-get is not available: install Redis (>= 6) by hand"
    echo "redis.sh: installing redis-server with apt-get" >&2
    as_root apt-get update -qq >&2
    # The package's own service may start on 6379; ours never uses that port's server.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >&2
    command -v redis-server >/dev/null || die "apt-get did not provide redis-server"
}

# Whether something accepts connections on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_redis() {
    local dir=$1
    install_redis
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
        die "a server from $dir is already running"
    fi
    local attempt port
    for attempt in $(seq 1 20); do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        port_in_use "$port" && continue
        rm -f "$dir/redis.pid"
        # --daemonize writes the pid file only once the port is bound, so a taken port
        # (lost race with another program) shows as a missing pid file: try another.
        redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes \
            --save '' --appendonly no --dir "$dir" \
            --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null || continue
        local i
        for i in $(seq 1 50); do
            if [ -s "$dir/redis.pid" ] && [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; then
                echo "$port" >"$dir/port"
                echo "$port"
                return
            fi
            sleep 0.1
        done
        # Not answering: stop whatever we started before trying another port.
        [ -s "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    done
    [ -f "$dir/redis.log" ] && tail -n 20 "$dir/redis.log" >&2
    die "could not start redis-server (20 attempts)"
}

stop_redis() {
    local dir=$1 pid i
    [ -d "$dir" ] || return 0
    if [ -s "$dir/redis.pid" ]; then
        pid=$(cat "$dir/redis.pid")
        # Only a redis-server we started: the pid file is ours and the process is redis.
        if kill -0 "$pid" 2>/dev/null && grep -q redis "/proc/$pid/cmdline" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    install) install_redis ;;
    start) [ $# -eq 2 ] || die "usage: $0 start DIR"; start_redis "$2" ;;
    pid) [ $# -eq 2 ] || die "usage: $0 pid DIR"; cat "$2/redis.pid" ;;
    stop) [ $# -eq 2 ] || die "usage: $0 stop DIR"; stop_redis "$2" ;;
    *) die "usage: $0 install | start DIR | pid DIR | stop DIR" ;;
esac
