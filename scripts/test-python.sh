#!/usr/bin/env bash
# The Python suite: builds the extension into the project's virtualenv (.venv at the
# repository root, created here with the pinned tools of requirements-dev.txt), then
# starts a throwaway redis-server (scripts/redis.sh, which installs it with apt-get when
# missing) for the ledger tests, runs pytest on tests/python and mypy.stubtest on the
# package. Exits non-zero on any failure. Needs python3 (>= 3.9, with venv and pip), cargo,
# and redis-server (or apt-get).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
# shellcheck source=scripts/python-venv.sh
. "$ROOT/scripts/python-venv.sh"
ensure_venv "$VENV" requirements-dev.txt

echo "== building the extension (maturin develop)"
# maturin develop installs into the virtualenv named by VIRTUAL_ENV.
VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" \
    "$VENV/bin/maturin" develop --quiet --features "$MATURIN_TEST_FEATURES" -m bindings/python/Cargo.toml

echo "== redis-server for the ledger tests (scripts/redis.sh)"
# A throwaway server on a free 127.0.0.1 port, stopped on exit whatever happens; the
# ledger tests fail (not skip) without it.
REDIS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/airisk-pyredis.XXXXXX")"
trap 'bash "$ROOT/scripts/redis.sh" stop "$REDIS_DIR/server" || true; rm -rf "$REDIS_DIR"' EXIT
trap 'exit 130' INT TERM
REDIS_PORT="$(bash scripts/redis.sh start "$REDIS_DIR/server")"
export AIRISK_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export AIRISK_REDIS_REQUIRED=1

echo "== pytest tests/python"
"$PY" -m pytest -q tests/python

# Again with CPython's debug allocator: it catches buffer overruns, use after free
# and API misuse on the Python heap (issue 8).
echo "== pytest tests/python under PYTHONMALLOC=debug"
PYTHONMALLOC=debug "$PY" -m pytest -q -p no:cacheprovider tests/python

echo "== mypy.stubtest airisk_auth"
# From a neutral directory, so the installed package (not a source folder) is checked.
(cd "$VENV" && "$PY" -m mypy.stubtest airisk_auth)
