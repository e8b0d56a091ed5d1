#!/usr/bin/env bash
# The store-conformance suite from C and Python (tests/c/test_store_conformance.c,
# tests/python/test_store_conformance.py) against the servers whose addresses are in the
# environment (AIRISK_REDIS_URL, AIRISK_REDIS_TLS_PORT + AIRISK_REDIS_TLS_DIR,
# AIRISK_REDIS_CLUSTER_PORTS, AIRISK_PG_URL); AIRISK_STORES_REQUIRED (e.g. "redis,postgres")
# fails, rather than skips, a store whose server is missing. Run by scripts/test-redis.sh and
# scripts/test-postgres.sh once their servers are up. Builds the C library (debug, with the
# `redis` and `postgres` features a default build leaves out, and test-hooks: the build
# scripts/test-c.sh makes) and the Python extension into
# ./.venv (as scripts/test-python.sh does) when needed.
#
#   scripts/store-conformance.sh LABEL     LABEL names the run in the output
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
label="${1:-stores}"
status=0

echo "== $label: store conformance from C"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
if cargo build -q -p airisk-auth-c --features test-hooks,redis,postgres --locked &&
   cc -std=c11 -Wall -Wextra -Werror -pedantic -g -Iinclude -pthread tests/c/test_store_conformance.c \
      "$target_dir/debug/libairisk_auth_c.a" -lpthread -ldl -lm -o "$work/conformance"; then
    "$work/conformance" || status=1
else
    echo "$label: the C conformance suite does not build" >&2
    status=1
fi

echo "== $label: store conformance from Python"
VENV="$ROOT/.venv"
# shellcheck source=scripts/python-venv.sh
. "$ROOT/scripts/python-venv.sh"
if ensure_venv "$VENV" requirements-dev.txt &&
   VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" "$VENV/bin/maturin" develop --quiet --features "$MATURIN_TEST_FEATURES" -m bindings/python/Cargo.toml; then
    "$PY" -m pytest -q -p no:cacheprovider tests/python/test_store_conformance.py || status=1
else
    echo "$label: the Python extension does not build" >&2
    status=1
fi
exit "$status"
