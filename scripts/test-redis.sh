#!/usr/bin/env bash
# The Redis store (crates/airisk-auth-redis) against real redis-servers: installs Redis
# when missing (scripts/redis.sh), starts on free 127.0.0.1 ports a plain server, a TLS-only
# server requiring client certificates (certificates generated with openssl) and a
# 3-primary/3-replica cluster, runs the crate's tests (the store-conformance suite against
# each, TLS refusals, cluster routing and WAIT, failover) with their addresses set (and
# AIRISK_REDIS_REQUIRED=1, so none is skipped), and stops every server on exit, whatever
# happens. Then the same conformance suite from C and Python (scripts/store-conformance.sh)
# against the three; and `airisk-auth revoke-grant` against a `serve --store redis://…`
# (scripts/revoke-grant-check.sh). About 1-2 minutes on 2 cores once built.
#
#   scripts/test-redis.sh           the tests
#   scripts/test-redis.sh --bench   the tests, then exchanges per second, in-memory vs Redis
set -euo pipefail
cd "$(dirname "$0")/.."

bench=0
case "${1:-}" in
    "") ;;
    --bench) bench=1 ;;
    *) echo "usage: $0 [--bench]" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/airisk-redis.XXXXXX")
cleanup() {
    local d
    for d in server tls cluster; do bash scripts/redis.sh stop "$work/$d" || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== redis: server"
port=$(bash scripts/redis.sh start "$work/server")
export AIRISK_REDIS_URL="redis://127.0.0.1:$port/0"
export AIRISK_REDIS_REQUIRED=1
AIRISK_REDIS_PID=$(bash scripts/redis.sh pid "$work/server")
export AIRISK_REDIS_PID
echo "$(redis-server --version | cut -d' ' -f1-3) on 127.0.0.1:$port (pid $AIRISK_REDIS_PID)"
AIRISK_REDIS_TLS_PORT=$(bash scripts/redis.sh start-tls "$work/tls")
export AIRISK_REDIS_TLS_PORT AIRISK_REDIS_TLS_DIR="$work/tls/tls"
echo "TLS (client certificates required) on 127.0.0.1:$AIRISK_REDIS_TLS_PORT"
AIRISK_REDIS_CLUSTER_PORTS=$(bash scripts/redis.sh start-cluster "$work/cluster")
export AIRISK_REDIS_CLUSTER_PORTS
echo "cluster (3 primaries, 3 replicas) on 127.0.0.1 ports $AIRISK_REDIS_CLUSTER_PORTS"

echo "== redis: test"
set +e
cargo test -p airisk-auth-redis -p airisk-auth-store-tests --locked 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo '^test result: .* ([0-9]+) passed' "$work/test.log" | grep -Eo '[0-9]+ passed' | awk '{s += $1} END {print s + 0}')
failed=$(grep -Eo '^test result: .* ([0-9]+) failed' "$work/test.log" | grep -Eo '[0-9]+ failed' | awk '{s += $1} END {print s + 0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "cargo test exited with $status (build failure?)" >&2
    failed=1
fi

# The same suite from C and Python, through the Rust store they link (and redis-py's
# RedisLedger checked key for key against it), on the plain, TLS and cluster servers.
if ! AIRISK_STORES_REQUIRED=redis,redis-tls,cluster bash scripts/store-conformance.sh redis; then
    failed=$((failed + 1))
    status=1
fi

# `airisk-auth revoke-grant` against the store `serve --store redis://…` runs on: the
# old token of the grant is refused on the server's next check, another user's is not,
# and a new consent (from the next second on) works again.
echo "== redis: airisk-auth revoke-grant refuses a serving instance's old token"
if ! bash scripts/revoke-grant-check.sh "$AIRISK_REDIS_URL"; then
    failed=$((failed + 1))
    status=1
fi

if [ "$bench" = 1 ] && [ "$status" -eq 0 ]; then
    echo "== redis: bench"
    cargo bench -p airisk-auth-redis --locked --bench exchange
fi

echo "redis: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
