"""Shared fixtures of the Python suite."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"


def load_vectors(name: str) -> Any:
    """A shared vector file; the suite fails (not skips) when it is missing."""
    path = VECTORS / name
    if not path.exists():
        pytest.fail(f"missing shared vectors: {path}")
    return json.loads(path.read_text(encoding="utf-8"))


REFERENCE_SERVER = ROOT / "examples" / "python" / "server.py"


def running_server(keys: Path | None = None) -> Iterator[str]:
    """The base URL of a server on 127.0.0.1, stopped afterwards: the reference
    Flask server, or `airisk-auth serve` on the same registry when
    AIRISK_SERVE_BIN names the binary (scripts/test-http.sh sets it). `keys` names a
    key-set file (default: a fresh HS256 key)."""
    serve_bin = os.environ.get("AIRISK_SERVE_BIN")
    command = (
        [serve_bin, "serve", "--bind", "127.0.0.1:0", "--issuer", "https://airisk.example",
         "--registry", str(REFERENCE_SERVER.parent / "registry.json")]
        if serve_bin
        else [sys.executable, str(REFERENCE_SERVER), "--host", "127.0.0.1", "--port", "0"]
    )
    if keys is not None:
        command += ["--keys", str(keys)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "listening on http://127.0.0.1:PORT", printed once bound
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)\n", line)
        assert match, f"server did not start: {line!r}"
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
