#!/usr/bin/env bash
# The Python suite: builds the extension into the project's virtualenv (.venv at the
# repository root, created here with the pinned tools of requirements-dev.txt), then
# runs pytest on tests/python and mypy.stubtest on the package. Exits non-zero on any
# failure. Needs only python3 (>= 3.9, with venv and pip) and cargo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

if [ ! -x "$PY" ]; then
    echo "== creating $VENV"
    python3 -m venv "$VENV"
fi
# Reinstall the pinned tools only when requirements-dev.txt changed.
STAMP="$VENV/.requirements-dev.sha256"
WANT="$(sha256sum requirements-dev.txt | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" ]; then
    echo "== installing requirements-dev.txt"
    "$PY" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
    echo "$WANT" > "$STAMP"
fi

echo "== building the extension (maturin develop)"
# maturin develop installs into the virtualenv named by VIRTUAL_ENV.
VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" \
    "$VENV/bin/maturin" develop --quiet -m bindings/python/Cargo.toml

echo "== pytest tests/python"
"$PY" -m pytest -q tests/python

echo "== mypy.stubtest airisk_auth"
# From a neutral directory, so the installed package (not a source folder) is checked.
(cd "$VENV" && "$PY" -m mypy.stubtest airisk_auth)
