#!/usr/bin/env bash
# HTTP load bench of `airisk-auth serve` (not a test): wrk (Debian's package, installed
# here when missing) against a release build on 127.0.0.1, each run bounded in time.
#
#   unguarded  GET /healthz                      (same server, no bearer check)
#   guarded    GET /api/ListUsers + bearer token (the bearer check, then a fixed body)
#   authorize  GET /api/oauth2?…                 (a fresh code per request; the codes are kept)
#   exchange   POST /api/oauth2/Token            (each kept code redeemed once; memory store,
#                                                 then Redis)
#
# Prints req/s, p50 and p99 per run and the ratio guarded / unguarded (goal >= 0.9), with
# the machine's load before and after, as a Markdown table for BENCHMARKS.md.
#
#   DURATION=5 CONNECTIONS=16 ROUNDS=3 bash scripts/bench-http.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-16}
ROUNDS=${ROUNDS:-3}

if ! command -v wrk >/dev/null; then
    echo "bench-http: installing wrk with apt-get" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/airisk-bench-http.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    bash scripts/redis.sh stop "$work/redis" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== bench-http: release build" >&2
# The server and the Redis store are the CLI's `serve` and `redis` features.
cargo build --release -p airisk-auth-cli --features serve,redis --locked --quiet
BIN=target/release/airisk-auth

start_serve() {
    local name=$1
    shift
    AIRISK_LOG=warn "$BIN" serve --bind 127.0.0.1:0 "$@" >"$work/$name.out" 2>"$work/$name.err" &
    pids+=($!)
    for _ in $(seq 100); do
        base=$(sed -n 's/^listening on \(http:\/\/[0-9.:]*\)$/\1/p' "$work/$name.out")
        [ -n "$base" ] && return 0
        sleep 0.1
    done
    echo "serve ($name) did not start" >&2
    exit 1
}

CALLBACK="https%3A%2F%2Flocalhost%2Fcallback"
AUTHORIZE_PATH="/api/oauth2?client_id=YOUR_client_id&redirect_uri=$CALLBACK&state=bench"
FORM="client_id=YOUR_client_id&client_secret=YOUR_client_secret&redirect_uri=$CALLBACK&code="

# Keeps every code of the 302s (one file per wrk thread: one thread here).
cat >"$work/authorize.lua" <<'LUA'
local out
function init(args)
  out = io.open(args[1], "w")
  out:setvbuf("line")
end
function response(status, headers, body)
  local location = headers["location"]
  if location then
    local code = location:match("code=([^&]+)")
    if code then out:write(code, "\n") end
  end
end
LUA
# Redeems each kept code once; a run that runs out of codes shows non-2xx answers.
cat >"$work/exchange.lua" <<'LUA'
local codes, next_code, form = {}, 0, ""
function init(args)
  for line in io.lines(args[1]) do codes[#codes + 1] = line end
  form = args[2]
end
function request()
  next_code = next_code + 1
  local body = form .. (codes[next_code] or "exhausted")
  return wrk.format("POST", "/api/oauth2/Token",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
LUA

results="$work/results"
: >"$results"
# run NAME DURATION URL [wrk options] [-- script args]: one bounded wrk run, its figures
# appended to $results.
run() {
    local name=$1 duration=$2 url=$3
    shift 3
    local options=() script_args=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do options+=("$1"); shift; done
    [ $# -gt 0 ] && shift && script_args=("$@")
    wrk -t1 -c"$CONNECTIONS" -d"${duration}s" --latency "${options[@]}" "$url" -- "${script_args[@]}" \
        >"$work/wrk.out"
    local rps p50 p99 non2xx
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out")
    p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.out")
    p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$work/wrk.out")
    echo "$name $rps $p50 $p99 ${non2xx:-0}" >>"$results"
    echo "  $name: $rps req/s, p50 $p50, p99 $p99, non-2xx/3xx ${non2xx:-0}" >&2
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== bench-http: memory store" >&2
start_serve memory
code=$(curl -sS -o /dev/null -w '%{redirect_url}' "$base$AUTHORIZE_PATH" | sed -n 's/.*code=\([^&]*\).*/\1/p')
token=$(curl -sS -X POST "$base/api/oauth2/Token" -H 'Content-Type: application/x-www-form-urlencoded' \
    -d "$FORM$code" | jq -er .access_token)
bearer="Authorization: Bearer $token"
curl -sS -o /dev/null "$base/healthz"
for _ in $(seq "$ROUNDS"); do
    run unguarded "$DURATION" "$base/healthz" -H "$bearer"
    run guarded "$DURATION" "$base/api/ListUsers" -H "$bearer"
done
run authorize "$DURATION" "$base$AUTHORIZE_PATH" -s "$work/authorize.lua" -- "$work/codes.memory"
run exchange-memory "$((DURATION * 2 / 3 > 0 ? DURATION * 2 / 3 : 1))" "$base" -s "$work/exchange.lua" -- "$work/codes.memory" "$FORM"
echo "  codes kept: $(wc -l <"$work/codes.memory")" >&2

echo "== bench-http: Redis store" >&2
redis_port=$(bash scripts/redis.sh start "$work/redis")
start_serve redis --store "redis://127.0.0.1:$redis_port/0"
run authorize-redis "$DURATION" "$base$AUTHORIZE_PATH" -s "$work/authorize.lua" -- "$work/codes.redis"
run exchange-redis "$((DURATION * 2 / 3 > 0 ? DURATION * 2 / 3 : 1))" "$base" -s "$work/exchange.lua" -- "$work/codes.redis" "$FORM"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# The table: medians over the rounds for the guarded/unguarded pair, single runs otherwise.
median() { grep "^$1 " "$results" | sort -k2 -g | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
unguarded=$(median unguarded)
guarded=$(median guarded)
ratio=$(awk -v g="$(cut -d' ' -f2 <<<"$guarded")" -v u="$(cut -d' ' -f2 <<<"$unguarded")" 'BEGIN {printf "%.2f", g / u}')
echo
echo "wrk 1 thread, $CONNECTIONS connections, ${DURATION} s runs (median of $ROUNDS for the first two rows);"
echo "$(nproc) cores, load average before: $load_before, after: $load_after"
echo
echo "| run | req/s | p50 | p99 | non-2xx/3xx |"
echo "|---|---:|---:|---:|---:|"
for line in "$unguarded" "$guarded" $(grep -vE '^(unguarded|guarded) ' "$results" | tr ' ' '|'); do
    echo "| $(tr ' ' '|' <<<"$line" | sed 's/|/ | /g') |"
done
echo
echo "guarded / unguarded = $ratio (goal >= 0.9)"
