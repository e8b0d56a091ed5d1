"""Shared fixtures of the Python suite."""

from __future__ import annotations

import json
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
