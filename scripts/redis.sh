#!/usr/bin/env bash
# A throwaway redis-server for the tests of crates/airisk-auth-redis: loopback only,
# a free port, no persistence, everything in one directory that `stop` removes.
#
#   scripts/redis.sh install      installs redis-server (Debian package) when it is missing
#   scripts/redis.sh start DIR    installs if needed, starts a server with its files in DIR
#                                 (created; must not hold a running server), prints its port
#   scripts/redis.sh start-tls DIR
#                                 the same with TLS only (no plain port), client certificates
#                                 required (mTLS); generates with openssl, in DIR/tls: ca.crt,
#                                 server.crt/.key (SAN IP:127.0.0.1 only), client.crt/.key and
#                                 other-ca.crt (a CA that signed nothing here); prints the port
#   scripts/redis.sh start-cluster DIR
#                                 six cluster-enabled servers (3 primaries, 3 replicas) joined
#                                 by `redis-cli --cluster create`; prints the six ports once
#                                 every node reports cluster_state:ok
#   scripts/redis.sh pid DIR      prints the (first) server's pid
#   scripts/redis.sh stop DIR     stops every server started in DIR (no save) and removes DIR
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

# Starts redis-server with its files in $dir named $name, on a free port (tried up to 20
# times) and any further arguments; `port_args PORT` gives the port options. Prints the port.
# $ping is the redis-cli command (without -p) that must answer PONG.
launch() {
    local dir=$1 name=$2 port_args=$3; shift 3
    local attempt port i
    for attempt in $(seq 1 20); do
        # Cluster bus ports are port + 10000: keep them below 65536.
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 25000 ))
        port_in_use "$port" && continue
        port_in_use $((port + 10000)) && continue
        rm -f "$dir/$name.pid"
        # --daemonize writes the pid file only once the port is bound, so a taken port
        # (lost race with another program) shows as a missing pid file: try another.
        redis-server --bind 127.0.0.1 $($port_args "$port") --protected-mode yes \
            --save '' --appendonly no --dir "$dir" \
            --daemonize yes --pidfile "$dir/$name.pid" --logfile "$dir/$name.log" "$@" >/dev/null || continue
        for i in $(seq 1 50); do
            if [ -s "$dir/$name.pid" ] && [ "$($ping -p "$port" ping 2>/dev/null)" = PONG ]; then
                echo "$port"
                return
            fi
            sleep 0.1
        done
        # Not answering: stop whatever we started before trying another port.
        [ -s "$dir/$name.pid" ] && kill "$(cat "$dir/$name.pid")" 2>/dev/null || true
    done
    [ -f "$dir/$name.log" ] && tail -n 20 "$dir/$name.log" >&2
    die "could not start redis-server $name (20 attempts)"
}

plain_port() { echo "--port $1"; }
tls_port() { echo "--port 0 --tls-port $1"; }

fresh_dir() {
    local dir=$1
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    local f
    for f in "$dir"/*.pid; do
        [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && die "a server from $dir is already running"
    done
    echo "$dir"
}

start_redis() {
    install_redis
    local dir port
    dir=$(fresh_dir "$1")
    ping="redis-cli -h 127.0.0.1"
    port=$(launch "$dir" redis plain_port)
    echo "$port" >"$dir/port"
    echo "$port"
}

# A CA, a server certificate for IP 127.0.0.1 only (so `localhost` is a wrong name), a client
# certificate, and a second CA that signed nothing the server shows.
make_certs() {
    local t=$1
    mkdir -p "$t"
    command -v openssl >/dev/null || die "openssl is missing (apt-get install openssl)"
    (
        cd "$t"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -subj /CN=airisk-test-ca -keyout ca.key -out ca.crt 2>/dev/null
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -subj /CN=airisk-other-ca -keyout other-ca.key -out other-ca.crt 2>/dev/null
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -subj /CN=127.0.0.1 -keyout server.key -out server.csr 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
            -extfile server.ext -out server.crt 2>/dev/null
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -subj /CN=airisk-test-client -keyout client.key -out client.csr 2>/dev/null
        printf 'extendedKeyUsage=clientAuth\n' >client.ext
        openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
            -extfile client.ext -out client.crt 2>/dev/null
        chmod 600 ./*.key
    ) || die "openssl could not make the test certificates"
    [ -s "$t/client.crt" ] || die "openssl could not make the test certificates"
}

start_tls() {
    install_redis
    local dir port t
    dir=$(fresh_dir "$1")
    t="$dir/tls"
    make_certs "$t"
    ping="redis-cli -h 127.0.0.1 --tls --cacert $t/ca.crt --cert $t/client.crt --key $t/client.key"
    port=$(launch "$dir" redis tls_port \
        --tls-cert-file "$t/server.crt" --tls-key-file "$t/server.key" \
        --tls-ca-cert-file "$t/ca.crt" --tls-auth-clients yes)
    echo "$port" >"$dir/port"
    echo "$port"
}

start_cluster() {
    install_redis
    local dir n port ports=() nodes=() i ok
    dir=$(fresh_dir "$1")
    ping="redis-cli -h 127.0.0.1"
    for n in 1 2 3 4 5 6; do
        port=$(launch "$dir" "node$n" plain_port --cluster-enabled yes \
            --cluster-config-file "$dir/nodes-$n.conf" --cluster-node-timeout 2000)
        ports+=("$port")
        nodes+=("127.0.0.1:$port")
    done
    echo "${ports[*]}" >"$dir/port"
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 \
        || { tail -n 20 "$dir/create.log" >&2; die "redis-cli --cluster create failed"; }
    for i in $(seq 1 150); do
        ok=1
        for port in "${ports[@]}"; do
            redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || ok=0
        done
        # Every replica attached and synced too (WAIT 1 needs them).
        [ "$ok" = 1 ] && [ "$(for port in "${ports[@]}"; do redis-cli -h 127.0.0.1 -p "$port" info replication; done \
            | grep -c 'master_link_status:up')" = 3 ] && { echo "${ports[*]}"; return; }
        sleep 0.2
    done
    die "the cluster did not become ready in 30 s"
}

stop_redis() {
    local dir=$1 pid i f
    [ -d "$dir" ] || return 0
    for f in "$dir"/*.pid; do
        [ -s "$f" ] || continue
        pid=$(cat "$f")
        # Only a redis-server we started: the pid file is ours and the process is redis.
        if kill -0 "$pid" 2>/dev/null && grep -q redis "/proc/$pid/cmdline" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$dir"
}

case "${1:-}" in
    install) install_redis ;;
    start) [ $# -eq 2 ] || die "usage: $0 start DIR"; start_redis "$2" ;;
    start-tls) [ $# -eq 2 ] || die "usage: $0 start-tls DIR"; start_tls "$2" ;;
    start-cluster) [ $# -eq 2 ] || die "usage: $0 start-cluster DIR"; start_cluster "$2" ;;
    pid) [ $# -eq 2 ] || die "usage: $0 pid DIR"; cat "$2/redis.pid" ;;
    stop) [ $# -eq 2 ] || die "usage: $0 stop DIR"; stop_redis "$2" ;;
    *) die "usage: $0 install | start DIR | start-tls DIR | start-cluster DIR | pid DIR | stop DIR" ;;
esac
