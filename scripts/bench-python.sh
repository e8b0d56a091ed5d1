#!/usr/bin/env bash
# The Python bench of issues 7 and 18: our extension (release build) beside PyJWT, pyjwt-rs
# (when a wheel exists), joserfc and CPython's own hmac, on the same HS256 token; prints medians,
# ratios, and where one verify_at call goes (probes of the `bench` feature).
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
# pyjwt-rs only from a wheel: PyPI has none for some platforms, and its source build (a Rust
# crate and its tree) took over 10 minutes on the 2-core machine. Tried once per venv.
PYJWT_RS="pyjwt-rs==1.2.2"
if [ ! -e "$VENV/.pyjwt-rs-tried" ]; then
    "$PY" -m pip install --quiet --disable-pip-version-check --only-binary=:all: "$PYJWT_RS" >/dev/null 2>&1 ||
        echo "bench-python: no wheel of $PYJWT_RS for this platform: pyjwt-rs is left out" >&2
    touch "$VENV/.pyjwt-rs-tried"
fi

echo "== building the extension (maturin build --release --features bench)"
# A wheel installed as a copy: `maturin develop` would put the release .so into
# bindings/python/python/, the source folder the test .venv imports from.
# The `bench` feature adds the probes that split a verification into its parts
# (bindings/python/src/bench.rs); the verification itself is the published code.
WHEELS="$(mktemp -d "${TMPDIR:-/tmp}/airisk-bench-wheel.XXXXXX")"
trap 'rm -rf "$WHEELS"' EXIT
"$VENV/bin/maturin" build --release --quiet -m bindings/python/Cargo.toml -i "$PY" -o "$WHEELS" \
    --features bench,pyo3/extension-module
"$PY" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "$WHEELS"/*.whl

echo "== benches/python/bench_verify.py"
# sys.path starts with benches/python, so the installed copy of airisk_auth is imported.
"$PY" "$ROOT/benches/python/bench_verify.py" "$@"
