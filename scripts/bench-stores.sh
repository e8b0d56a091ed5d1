#!/usr/bin/env bash
# Store throughput for BENCHMARKS.md: complete token exchanges per second at 1, 8 and 32
# concurrent callers, in memory, on Redis (beside `redis-benchmark -t set` at the same
# concurrency, the server's own ceiling for one write per request) and on PostgreSQL.
# Starts a throwaway Redis and PostgreSQL on loopback (scripts/redis.sh, scripts/postgres.sh)
# and stops them on exit. Builds in release mode (a few minutes the first time); the
# measurements themselves take about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d "${TMPDIR:-/tmp}/airisk-bench-stores.XXXXXX")
chmod 711 "$work"
cleanup() {
    bash scripts/redis.sh stop "$work/redis" || true
    bash scripts/postgres.sh stop "$work/pg" || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cargo bench -p airisk-auth-redis -p airisk-auth-postgres --bench callers --no-run --locked >/dev/null 2>&1 \
    || cargo bench -p airisk-auth-redis -p airisk-auth-postgres --bench callers --no-run --locked

rport=$(bash scripts/redis.sh start "$work/redis")
pport=$(bash scripts/postgres.sh start "$work/pg")
export AIRISK_REDIS_URL="redis://127.0.0.1:$rport/0"
export AIRISK_PG_URL="host=127.0.0.1 port=$pport user=airisk dbname=airisk_test"

echo "== redis-benchmark -t set"
for c in 1 8 32; do
    rate=$(redis-benchmark -h 127.0.0.1 -p "$rport" -t set -c "$c" -n 100000 -q 2>/dev/null \
        | tr '\r' '\n' | grep -Eo 'SET: [0-9.]+' | tail -n1 | grep -Eo '[0-9.]+$')
    echo "store=redis-benchmark-set callers=$c requests_per_second=${rate%.*}" | tee -a "$work/results"
done
echo "== exchanges"
# One invocation for both crates: the same feature set as the build above (no rebuild).
cargo bench -p airisk-auth-redis -p airisk-auth-postgres --bench callers --locked 2>/dev/null \
    | grep '^store=' | tee -a "$work/results"

echo
echo "| callers | in memory | Redis | redis-benchmark SET | Redis ÷ SET | PostgreSQL |"
echo "|---|---|---|---|---|---|"
for c in 1 8 32; do
    get() { grep "^store=$1 callers=$c " "$work/results" | grep -Eo '[0-9]+$' || echo 0; }
    m=$(get memory); r=$(get redis); s=$(get redis-benchmark-set); p=$(get postgres)
    ratio=$(awk -v r="$r" -v s="$s" 'BEGIN { if (s > 0) printf "%.2f", r / s; else print "-" }')
    echo "| $c | $m | $r | $s | $ratio | $p |"
done
echo "($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
