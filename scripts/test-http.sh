#!/usr/bin/env bash
# HTTP acceptance (part of scripts/test-all.sh): the endpoints over real sockets on 127.0.0.1.
#
#  1. every endpoint scenario of flows.json and lifecycle.json over the wire (airisk-auth-axum,
#     hyper client, byte-exact; host calls such as consent tickets stay with the core's replayers);
#  2. `airisk-auth serve` against bad input (1 MB query, 32 MiB bodies with RSS measured,
#     non-UTF-8 bytes, header floods, slow body and slow head, 50 parallel redemptions of
#     one code, SIGTERM with a request in flight);
#  3. the AIRisk pages' own curl commands against `serve`, host replaced, over HTTP and
#     over TLS (a throwaway self-signed certificate), JSON logs, and the Redis store;
#     two instances sharing keys, code key and Redis;
#  4. the Python end-to-end suites (tests/python/test_server_e2e.py, and test_oauth_clients.py: authlib and
#     requests-oauthlib) against `serve` — the
#     same tests scripts/test-python.sh runs against the reference Flask server — and the
#     Flask server's own bounds (413 before reading a 32 MiB body, `state` unchanged).
#
# Every server is started on a free loopback port and stopped on exit, whatever happens;
# every wait is a bounded loop.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/airisk-http.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    bash scripts/redis.sh stop "$work/redis" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "test-http: FAILED: $*" >&2; exit 1; }
passed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }

echo "== http: build"
# The server and its Redis store are the CLI's `serve` and `redis` features; the tests
# below build with the same ones, so target/debug/airisk-auth stays this build.
cli_features=(--features serve,redis)
cargo build -p airisk-auth-cli "${cli_features[@]}" --locked --quiet
BIN="$ROOT/target/debug/airisk-auth"

echo "== http: flows.json and lifecycle.json over the wire (airisk-auth-axum)"
cargo test -p airisk-auth-axum --locked --test wire_vectors -- --ignored

echo "== http: airisk-auth serve against bad input"
cargo test -p airisk-auth-cli "${cli_features[@]}" --locked --test http -- --ignored --test-threads 2 --nocapture

# Starts `serve` with the given flags; sets $base to its URL. Waits at most 10 s.
start_serve() {
    local name=$1
    shift
    AIRISK_LOG=${AIRISK_LOG:-info} "$BIN" serve --bind 127.0.0.1:0 "$@" \
        >"$work/$name.out" 2>"$work/$name.err" &
    pids+=($!)
    for _ in $(seq 100); do
        base=$(sed -n 's/^listening on \(https\{0,1\}:\/\/[0-9.:]*\)$/\1/p' "$work/$name.out")
        [ -n "$base" ] && return 0
        sleep 0.1
    done
    cat "$work/$name.err" >&2
    fail "serve ($name) did not start"
}

# The code from a 302 Location, for the authorization URL given.
code_from() {
    curl -sS -o /dev/null -w '%{redirect_url}' "$@" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p'
}

echo "== http: the AIRisk pages' curl commands against serve (host replaced)"
start_serve plain
host=$base
# seeds/003: "Example Authorization URL" (generic, then with userid=user_42), placeholder client.
code=$(code_from "$host/api/oauth2?client_id=YOUR_client_id&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback")
[ ${#code} -eq 56 ] || fail "no code from the authorization URL"
# seeds/000: "Example Token Request – Generic Token", AUTH_CODE_HERE replaced by the code.
answer=$(curl -sS -X POST "$host/api/oauth2/Token" \
    -H "Content-Type: application/x-www-form-urlencoded" \
    -d "client_id=YOUR_client_id&client_secret=YOUR_client_secret&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code=$code")
token=$(jq -er .access_token <<<"$answer") || fail "token request: $answer"
jq -e '.expiration | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' <<<"$answer" >/dev/null
ok "generic token by the pages' form curl"
# seeds/003 "Generic vs. User-Specific": a generic token lists the users ...
users=$(curl -sS -H "Authorization: Bearer $token" "$host/api/ListUsers")
[ "$users" = '[{"userid":"user_42"},{"userid":"user_7"}]' ] || fail "ListUsers: $users"
ok "GET /api/ListUsers with the generic token"
# ... but not a user-only route (seeds/001, /api/GetConversations).
status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$host/api/GetConversations")
[ "$status" = 403 ] || fail "GetConversations with a generic token: $status"
ok "GET /api/GetConversations with the generic token: 403"
# seeds/000 "User-Specific Token": userid=user_42 in both steps.
code=$(code_from "$host/api/oauth2?client_id=YOUR_client_id&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42")
answer=$(curl -sS -X POST "$host/api/oauth2/Token" \
     -H "Content-Type: application/x-www-form-urlencoded" \
     -d "client_id=YOUR_client_id&client_secret=YOUR_client_secret&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code=$code&userid=user_42")
token=$(jq -er .access_token <<<"$answer") || fail "user token request: $answer"
# seeds/001 "Usage of the Access Token".
conversations=$(curl -sS -H "Authorization: Bearer $token" \
     "$host/api/GetConversations")
jq -e '.[0].userid == "user_42"' <<<"$conversations" >/dev/null || fail "GetConversations: $conversations"
ok "user token by the pages' curl, then GET /api/GetConversations"
# The documented errors, exactly.
body=$(curl -sS -X POST "$host/api/oauth2/Token" -H "Content-Type: application/x-www-form-urlencoded" -d "client_secret=x&code=y")
[ "$body" = "Invalid client_id" ] || fail "missing client_id: $body"
status=$(curl -sS -o "$work/problem" -w '%{http_code} %{content_type}' "$host/api/oauth2?client_id=nobody&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback")
[ "$status" = "401 application/problem+json; charset=utf-8" ] || fail "unknown client: $status"
jq -e '.traceId | test("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$")' "$work/problem" >/dev/null
ok "documented errors: 400 Invalid client_id, 401 problem+json"
grep -q '"request refused"\|request refused' "$work/plain.err" || fail "no refusal logged"
! grep -q "$token" "$work/plain.err" || fail "a token reached the logs"
ok "refusals logged by name and number, no token text in the logs"

echo "== http: serve --consent-page (the consent hook)"
start_serve consent --consent-page
page=$(curl -sS -D "$work/consent.head" "$base/api/oauth2?client_id=YOUR_client_id&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42&state=st")
grep -qi '^x-frame-options: DENY' "$work/consent.head" || fail "consent page without X-Frame-Options"
ticket=$(sed -n 's/.*name="ticket" value="\([A-Za-z0-9_-]*\)".*/\1/p' <<<"$page")
[ -n "$ticket" ] || fail "no ticket in the consent page: $page"
denied=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -X POST "$base/api/oauth2/decide" -d "ticket=$ticket&decision=deny")
case $denied in "302 https://localhost/callback?error=access_denied"*"state=st") ;; *) fail "deny: $denied" ;; esac
reused=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$base/api/oauth2/decide" -d "ticket=$ticket&decision=approve")
[ "$reused" = 400 ] || fail "a used ticket: $reused"
page=$(curl -sS "$base/api/oauth2?client_id=YOUR_client_id&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback")
ticket=$(sed -n 's/.*name="ticket" value="\([A-Za-z0-9_-]*\)".*/\1/p' <<<"$page")
code=$(curl -sS -o /dev/null -w '%{redirect_url}' -X POST "$base/api/oauth2/decide" -d "ticket=$ticket&decision=approve" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
answer=$(curl -sS -X POST "$base/api/oauth2/Token" -u YOUR_client_id:YOUR_client_secret \
    -d "grant_type=authorization_code&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code=$code")
jq -er .access_token <<<"$answer" >/dev/null || fail "token after consent: $answer"
ok "serve --consent-page: page with a ticket, deny (access_denied, state), a used ticket 400, approve then Basic exchange"

echo "== http: TLS (self-signed certificate for 127.0.0.1) and JSON logs"
openssl req -x509 -newkey ed25519 -nodes -days 1 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
start_serve tls --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" --log-format json
case $base in https://*) ;; *) fail "TLS server says $base" ;; esac
health=$(curl -sS --cacert "$work/cert.pem" "$base/healthz")
[ "$health" = ok ] || fail "healthz over TLS: $health"
code=$(code_from --cacert "$work/cert.pem" "$base/api/oauth2?client_id=YOUR_client_id&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback")
[ ${#code} -eq 56 ] || fail "no code over TLS"
ok "HTTPS with rustls: healthz and authorize"
jq -se 'length > 2 and all(.[]; .level != null and .fields != null)' "$work/tls.err" >/dev/null || fail "logs are not JSON"
ok "--log-format json writes one JSON object per line"

echo "== http: the Redis store"
redis_port=$(bash scripts/redis.sh start "$work/redis")
start_serve redis --store "redis://127.0.0.1:$redis_port/0"
[ "$(curl -sS "$base/healthz")" = ok ] || fail "healthz with Redis"
code=$(code_from "$base/api/oauth2?client_id=YOUR_client_id&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback")
form="client_id=YOUR_client_id&client_secret=YOUR_client_secret&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code=$code"
token=$(curl -sS -X POST "$base/api/oauth2/Token" -H "Content-Type: application/x-www-form-urlencoded" -d "$form" | jq -er .access_token)
replay=$(curl -sS -X POST "$base/api/oauth2/Token" -H "Content-Type: application/x-www-form-urlencoded" -d "$form")
[ "$replay" = "Invalid Code" ] || fail "replay with Redis: $replay"
status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/ListUsers")
[ "$status" = 401 ] || fail "the replayed code's token still works: $status"
ok "Redis store: replay refused, its token revoked"
# Two instances sharing keys, code key and Redis: a code from one is redeemed at the
# other, the replay at the first is refused, and each accepts the other's tokens.
"$BIN" keygen --alg eddsa --kid shared --out "$work/keys.json" >/dev/null
head -c 32 /dev/urandom | basenc --base64url >"$work/code.key"
shared=(--store "redis://127.0.0.1:$redis_port/0" --keys "$work/keys.json" --code-key "$work/code.key")
start_serve shared-a "${shared[@]}"
base_a=$base
start_serve shared-b "${shared[@]}"
base_b=$base
code=$(code_from "$base_a/api/oauth2?client_id=YOUR_client_id&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_7")
form="client_id=YOUR_client_id&client_secret=YOUR_client_secret&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code=$code&userid=user_7"
token=$(curl -sS -X POST "$base_b/api/oauth2/Token" -H "Content-Type: application/x-www-form-urlencoded" -d "$form" | jq -er .access_token) \
    || fail "a code from instance A was not redeemed at B"
replay=$(curl -sS -X POST "$base_a/api/oauth2/Token" -H "Content-Type: application/x-www-form-urlencoded" -d "$form")
[ "$replay" = "Invalid Code" ] || fail "replay at A after redemption at B: $replay"
status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base_b/api/GetConversations")
[ "$status" = 401 ] || fail "the token of a code replayed at A still works at B: $status"
code=$(code_from "$base_b/api/oauth2?client_id=YOUR_client_id&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_7")
token=$(curl -sS -X POST "$base_a/api/oauth2/Token" -H "Content-Type: application/x-www-form-urlencoded" \
    -d "${form%%&code=*}&code=$code&userid=user_7" | jq -er .access_token) || fail "a code from B at A"
status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base_b/api/GetConversations")
[ "$status" = 200 ] || fail "A's token at B: $status"
[ "$(curl -sS "$base_a/api/oauth2/jwks" | jq -r '.keys[0].kid')" = shared ] || fail "JWKS of the shared EdDSA key"
ok "two instances sharing --keys, --code-key and Redis: one redemption, replay revokes everywhere"
bash scripts/redis.sh stop "$work/redis" >/dev/null
status=$(curl -sS -o /dev/null -w '%{http_code}' "$base/healthz")
[ "$status" = 503 ] || fail "healthz with Redis stopped: $status"
status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/ListUsers")
[ "$status" = 503 ] || fail "bearer check with Redis stopped: $status"
ok "Redis stopped: healthz and the bearer check of a valid token answer 503 (fail closed)"

echo "== http: the Python end-to-end suite against serve"
# The virtualenv and extension scripts/test-python.sh builds (it runs before this part).
if ! { [ -x .venv/bin/python ] && .venv/bin/python -c 'import airisk_auth, pytest, requests' 2>/dev/null; }; then
    # shellcheck source=scripts/python-venv.sh
    . scripts/python-venv.sh
    ensure_venv "$ROOT/.venv" requirements-dev.txt
    VIRTUAL_ENV="$ROOT/.venv" PATH="$ROOT/.venv/bin:$PATH" \
        "$ROOT/.venv/bin/maturin" develop --quiet --features "$MATURIN_TEST_FEATURES" -m bindings/python/Cargo.toml
fi
AIRISK_SERVE_BIN="$BIN" .venv/bin/python -m pytest -q -p no:cacheprovider tests/python/test_server_e2e.py tests/python/test_oauth_clients.py

echo "== http: the reference Flask server's bounds"
.venv/bin/python examples/python/server.py --port 0 >"$work/flask.out" 2>"$work/flask.err" &
flask_pid=$!
pids+=("$flask_pid")
for _ in $(seq 100); do
    flask=$(sed -n 's/^listening on \(http:\/\/[0-9.:]*\)$/\1/p' "$work/flask.out")
    [ -n "$flask" ] && break
    sleep 0.1
done
[ -n "$flask" ] || fail "the Flask server did not start"
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
before=$(rss "$flask_pid")
status=$(head -c $((32 << 20)) /dev/zero | tr '\0' a | curl -sS -o /dev/null -w '%{http_code}' -X POST \
    -H "Content-Type: application/x-www-form-urlencoded" --data-binary @- "$flask/api/oauth2/Token" || true)
after=$(rss "$flask_pid")
[ "$status" = 413 ] || fail "Flask: a 32 MiB body got $status"
[ "$after" -lt $((before + 8192)) ] || fail "Flask: RSS grew from $before to $after KiB"
ok "Flask: a 32 MiB body gets 413 before it is read (RSS $before -> $after KiB)"
location=$(curl -sS -o /dev/null -w '%{redirect_url}' --globoff \
    "$flask/api/oauth2?client_id=YOUR_client_id&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&state=aéb")
case $location in *"&state=a%C3%A9b") ;; *) fail "Flask: state came back as ${location##*&state=}" ;; esac
ok "Flask: an unescaped UTF-8 state comes back unchanged"

echo "test-http: $passed passed, 0 failed (script checks; cargo and pytest counts above)"
