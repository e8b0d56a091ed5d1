#!/usr/bin/env bash
# The PostgreSQL store (crates/airisk-auth-postgres) against a real server: installs
# PostgreSQL when missing (scripts/postgres.sh), creates and starts a throwaway server
# (initdb + pg_ctl, 127.0.0.1 on a free port and a Unix socket, all in a temporary
# directory), runs the crate's tests with its addresses set (AIRISK_PG_REQUIRED=1, so
# none is skipped), then, alone, the test that stops and restarts the server mid-run;
# then the store-conformance suite from C and Python against it (scripts/store-conformance.sh);
# stops the server and removes its files on exit, whatever happens. About 30 s once built.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d "${TMPDIR:-/tmp}/airisk-pg.XXXXXX")
# The server runs as an unprivileged user when we are root: it must reach its directory.
chmod 711 "$work"
cleanup() { bash scripts/postgres.sh stop "$work/server" || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== postgres: server"
port=$(bash scripts/postgres.sh start "$work/server")
export AIRISK_PG_URL="host=127.0.0.1 port=$port user=airisk dbname=airisk_test"
export AIRISK_PG_SOCKET="host=$work/server/sock port=$port user=airisk dbname=airisk_test"
export AIRISK_PG_DIR="$work/server" AIRISK_PG_REQUIRED=1
echo "$("$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | head -n1)/postgres" --version 2>/dev/null || echo PostgreSQL) on 127.0.0.1:$port and $work/server/sock"

echo "== postgres: test"
set +e
cargo test -p airisk-auth-postgres --locked 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 0 ]; then
    echo "== postgres: the server stopped and restarted mid-run (alone)"
    AIRISK_PG_STOP_TEST=1 cargo test -p airisk-auth-postgres --locked --test postgres \
        with_the_server_stopped_mid_run -- --nocapture 2>&1 | tee -a "$work/test.log"
    status=${PIPESTATUS[0]}
fi
if ! AIRISK_STORES_REQUIRED=postgres env -u AIRISK_REDIS_URL -u AIRISK_REDIS_TLS_PORT \
        -u AIRISK_REDIS_CLUSTER_PORTS bash scripts/store-conformance.sh postgres; then
    status=1
    echo "postgres: the store-conformance suite from C or Python failed" >&2
fi
set -e
passed=$(grep -Eo '^test result: .* ([0-9]+) passed' "$work/test.log" | grep -Eo '[0-9]+ passed' | awk '{s += $1} END {print s + 0}')
failed=$(grep -Eo '^test result: .* ([0-9]+) failed' "$work/test.log" | grep -Eo '[0-9]+ failed' | awk '{s += $1} END {print s + 0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "cargo test exited with $status (build failure?)" >&2
    failed=1
fi
echo "postgres: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
