#!/usr/bin/env bash
# Fuzz one target of fuzz/ (cargo-fuzz, libFuzzer) for a number of executions.
#
#   bash scripts/fuzz.sh <target> [runs] [extra libFuzzer flags…]
#   bash scripts/fuzz.sh list
#   bash scripts/fuzz.sh seeds            # only (re)generate the seed corpora
#
# targets: verify_token, token_request, authorize_request, load_keys_and_registry, claims_reader
# runs:    libFuzzer -runs (default 10000000); 0 or -1 fuzzes until stopped.
#
# Seeds are derived from tests/vectors/*.json into fuzz/corpus/<target>/ (git-ignored,
# libFuzzer adds what it finds there). Crashes land in fuzz/artifacts/<target>/.
# Environment: SANITIZER=address|none (default address), FUZZ_TOOLCHAIN (default nightly).
# One process, one core: the machine is shared, so no -jobs/-workers beyond one.
# See docs/FUZZING.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGETS=(verify_token token_request authorize_request load_keys_and_registry claims_reader)
TOOLCHAIN="${FUZZ_TOOLCHAIN:-nightly}"
SANITIZER="${SANITIZER:-address}"

usage() {
    sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit "${1:-2}"
}

max_len() {
    case "$1" in
        verify_token) echo 16384 ;;
        token_request) echo 20480 ;;
        authorize_request) echo 10240 ;;
        load_keys_and_registry) echo 8192 ;;
        claims_reader) echo 4096 ;;
    esac
}

# Writes fuzz/corpus/<target>/seed-* from the shared vectors. The selector bytes
# follow fuzz/src/lib.rs: key sets and policies in name order, CONTENT_TYPES,
# and the code-saving authorization queries of flows.json in file order.
generate_seeds() {
    python3 - "$ROOT" <<'PY'
import base64, hashlib, json, os, sys

root = sys.argv[1]
tokens = json.load(open(os.path.join(root, "tests/vectors/tokens.json")))
flows = json.load(open(os.path.join(root, "tests/vectors/flows.json")))
corpus = os.path.join(root, "fuzz/corpus")
CAP = 16000  # inputs past the target's -max_len would be cut anyway

def write(target, data):
    data = data[:CAP]
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def b64d(s):
    try:
        return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    except Exception:
        return None

# verify_token: [selector][mode] token | header \0 payload
keysets = sorted(tokens["keysets"])
policies = sorted(tokens["policies"])
NOWS = [1750000000, 0, 1750000000 + 86400, 2**64 - 1]
for case in tokens["verify"]:
    if "token" in case:
        token = case["token"]
    else:  # token_build: a megabyte and more; a capped prefix keeps the shape
        token = "".join(text * min(times, CAP) for text, times in case["token_build"])
    sel = keysets.index(case["keyset"]) * len(policies) + policies.index(case["policy"])
    now = NOWS.index(case["now"]) if case["now"] in NOWS else 0
    mode = now << 1
    write("verify_token", bytes([sel % 256, mode]) + token.encode())
    parts = token.split(".")
    if len(parts) == 3:
        h, p = b64d(parts[0]), b64d(parts[1])
        if p is not None:
            write("claims_reader", p)
        if h is not None and p is not None:
            write("verify_token", bytes([sel % 256, mode | 1]) + h + b"\0" + p)

# claims_reader: claims JSON; beside the vectors' payloads, our shape with every member kind
for extra in [
    b'{"iss":"i","sub":"u","aud":["a","b"],"client_id":"c","user_token":true,"company_id":"co","iat":1,"nbf":1,"exp":2,"jti":"j","scope":"read write"}',
    b'{"iss":"i","aud":"a","exp":253402300799,"role":"admin","level":-1.5e+3,"tenants":[{"id":1},{"id":null}],"flag":false}',
    b'{"aud":[],"exp":0}',
    b'{}',
]:
    write("claims_reader", extra)

# token_request: [content type][code query] body; authorize_request: query
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/json",
    "application/x-www-form-urlencoded; charset=UTF-8",
    "application/json; charset=utf-8",
    None,
    "text/plain",
    "application/x-www-form-urlencoded; charset=iso-8859-1",
]
code_queries = []
for sc in flows["scenarios"]:
    for st in sc["steps"]:
        if st["op"] == "authorize" and "code" in st.get("save", {}):
            if st["query"] not in code_queries:
                code_queries.append(st["query"])
for sc in flows["scenarios"]:
    last_query = 0
    replayed = set()
    for st in sc["steps"]:
        if st["op"] == "authorize":
            write("authorize_request", st["query"].encode())
            if "code" in st.get("save", {}):
                last_query = code_queries.index(st["query"])
        elif st["op"] == "exchange":
            ct = st["content_type"]
            body = st["body"].encode()
            code = last_query
            if st["body"] in replayed:
                code |= 0x80
            replayed.add(st["body"])
            if ct in CONTENT_TYPES:
                write("token_request", bytes([CONTENT_TYPES.index(ct), code]) + body)
            else:
                write("token_request", bytes([len(CONTENT_TYPES), code]) + ct.encode() + b"\n" + body)

# load_keys_and_registry: [loader] document
for case in tokens["keys"]:
    if "jwk" in case:
        write("load_keys_and_registry", b"\0" + case["jwk"].encode())
    else:
        write("load_keys_and_registry", b"\1" + case["keyset"].encode())
for keyset in tokens["keysets"].values():
    write("load_keys_and_registry", b"\1" + json.dumps(keyset).encode())
    for jwk in keyset["keys"]:
        write("load_keys_and_registry", b"\0" + json.dumps(jwk).encode())
write("load_keys_and_registry", b"\1" + json.dumps(flows["setup"]["keyset"]).encode())
write("load_keys_and_registry", b"\2" + json.dumps(flows["setup"]["registry"], indent=1).encode())
for client in flows["setup"]["registry"]["clients"]:
    write("load_keys_and_registry", b"\2" + json.dumps({"clients": [client]}).encode())
PY
}

ensure_cargo_fuzz() {
    if ! cargo "+$TOOLCHAIN" --version >/dev/null 2>&1; then
        echo "fuzz.sh: the $TOOLCHAIN toolchain is needed (libFuzzer instrumentation)" >&2
        exit 1
    fi
    if ! cargo fuzz --version >/dev/null 2>&1; then
        cargo install cargo-fuzz --locked
    fi
}

[[ $# -ge 1 ]] || usage
case "$1" in
    -h | --help) usage 0 ;;
    list) printf '%s\n' "${TARGETS[@]}"; exit 0 ;;
    seeds) generate_seeds; exit 0 ;;
esac
target="$1"
runs="${2:-10000000}"
shift $(($# >= 2 ? 2 : 1))
if [[ ! " ${TARGETS[*]} " == *" $target "* ]]; then
    echo "fuzz.sh: unknown target '$target' (one of: ${TARGETS[*]})" >&2
    exit 2
fi

ensure_cargo_fuzz
generate_seeds
cd "$ROOT/fuzz"
mkdir -p "artifacts/$target"
dict=()
case "$target" in token_request | authorize_request) dict=(-dict=dicts/token_request.dict) ;; esac
exec cargo "+$TOOLCHAIN" fuzz run --sanitizer "$SANITIZER" "$target" "corpus/$target" -- \
    -runs="$runs" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "${dict[@]}" "$@"
