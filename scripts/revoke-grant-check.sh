#!/usr/bin/env bash
# `airisk-auth revoke-grant --store URL` against `airisk-auth serve --store URL` (issue 15):
# a user token issued by the server is refused on its next check once the grant is
# revoked from another process (the CLI); another user's token of the same client still
# works; a new consent from the next second on issues a token that works. Builds the CLI,
# starts the server on a free 127.0.0.1 port, stops it on exit. Needs curl and jq.
#
#   scripts/revoke-grant-check.sh redis://127.0.0.1:PORT/0
set -euo pipefail
cd "$(dirname "$0")/.."
url=${1:?usage: $0 redis://HOST:PORT/DB}

# The server and the Redis store are the CLI's `serve` and `redis` features.
cargo build -p airisk-auth-cli --features serve,redis --locked --quiet
BIN="$PWD/target/debug/airisk-auth"
work=$(mktemp -d "${TMPDIR:-/tmp}/airisk-revoke-grant.XXXXXX")
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "revoke-grant: FAIL: $*" >&2; [ -f "$work/serve.err" ] && tail -20 "$work/serve.err" >&2; exit 1; }

"$BIN" serve --bind 127.0.0.1:0 --store "$url" >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
base=
for _ in $(seq 100); do
    base=$(sed -n 's/^listening on \(http:\/\/[0-9.:]*\)$/\1/p' "$work/serve.out")
    [ -n "$base" ] && break
    sleep 0.1
done
[ -n "$base" ] || fail "serve did not start"

cb="https%3A%2F%2Flocalhost%2Fcallback"
# A user token of YOUR_client_id for $1, through the documented flow.
user_token() {
    local code
    code=$(curl -sS -o /dev/null -w '%{redirect_url}' \
        "$base/api/oauth2?client_id=YOUR_client_id&redirect_uri=$cb&userid=$1" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
    curl -sS -X POST "$base/api/oauth2/Token" -H "Content-Type: application/x-www-form-urlencoded" \
        -d "client_id=YOUR_client_id&client_secret=YOUR_client_secret&redirect_uri=$cb&code=$code&userid=$1" |
        jq -er .access_token
}
route() { curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" "$base/api/GetConversations"; }

old=$(user_token user_42) || fail "no token for user_42"
other=$(user_token user_7) || fail "no token for user_7"
[ "$(route "$old")" = 200 ] || fail "the fresh token is refused before the revocation"

"$BIN" revoke-grant --store "$url" --client-id YOUR_client_id --userid user_42 >"$work/cli.out" ||
    fail "revoke-grant exited $?: $(cat "$work/cli.out")"
grep -q "revoked the grant of client YOUR_client_id for user user_42" "$work/cli.out" || fail "revoke-grant said: $(cat "$work/cli.out")"
[ "$(route "$old")" = 401 ] || fail "the server still accepts the revoked grant's token"
[ "$(route "$other")" = 200 ] || fail "another user's grant was revoked too"

# Unusable stores: a usage error (2) and an unreachable Redis (1, nothing revoked).
set +e
"$BIN" revoke-grant --store memory --client-id YOUR_client_id >/dev/null 2>&1; usage=$?
"$BIN" revoke-grant --store redis://127.0.0.1:1/0 --client-id YOUR_client_id >/dev/null 2>"$work/down.err"; down=$?
set -e
[ "$usage" = 2 ] || fail "--store memory exited $usage, not 2"
[ "$down" = 1 ] || fail "an unreachable store exited $down, not 1"
grep -q "nothing was revoked" "$work/down.err" || fail "an unreachable store said: $(cat "$work/down.err")"

sleep 1.1  # "issued before" is by the second: a re-consent in the next second works
again=$(user_token user_42) || fail "no token after re-consent"
[ "$(route "$again")" = 200 ] || fail "a re-consent after the revocation is refused"
echo "revoke-grant: old token refused by serve, other grant untouched, re-consent works, bad stores refused"
