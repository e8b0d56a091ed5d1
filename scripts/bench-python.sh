#!/usr/bin/env bash
# The Python bench of issue 7: our extension (release build) beside PyJWT, pyjwt-rs,
# joserfc and CPython's own hmac, on the same HS256 token; prints medians and ratios.
# Builds a release wheel of bindings/python and installs it, with the pinned peers of
# requirements-bench.txt, into .venv-bench at the repository root (the test .venv is left
# alone). Not part of the test command. Extra arguments go to bench_verify.py
# (--rounds N, --target SECONDS, --json FILE).
# Needs python3 (>= 3.9, with venv and pip) and cargo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv-bench"
# shellcheck source=scripts/python-venv.sh
. "$ROOT/scripts/python-venv.sh"
ensure_venv "$VENV" requirements-bench.txt

echo "== building the extension (maturin build --release)"
# A wheel installed as a copy: `maturin develop` would put the release .so into
# bindings/python/python/, the source folder the test .venv imports from.
WHEELS="$(mktemp -d "${TMPDIR:-/tmp}/airisk-bench-wheel.XXXXXX")"
trap 'rm -rf "$WHEELS"' EXIT
"$VENV/bin/maturin" build --release --quiet -m bindings/python/Cargo.toml -i "$PY" -o "$WHEELS"
"$PY" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "$WHEELS"/*.whl

echo "== benches/python/bench_verify.py"
# sys.path starts with benches/python, so the installed copy of airisk_auth is imported.
"$PY" "$ROOT/benches/python/bench_verify.py" "$@"
