"""Calls that step outside the safe API, fenced off so that they stand out in a
review (the Rust core's ``airisk_auth::dangerous``, jsonwebtoken's ``dangerous``).

The safe API never lets a caller pick the algorithm (the key does) and never
hands out claims it has not verified. What lives here does: it exists for
interoperability tests and RFC examples, never for deciding whether a request
may proceed.
"""

from __future__ import annotations

from ._native import KeySet, dangerous_sign_jws

__all__ = ["sign_jws"]


def sign_jws(keys: KeySet, header_json: str, payload: bytes | str) -> str:
    """Sign an arbitrary JWS with the active key of ``keys``: ``header_json`` and
    ``payload`` are encoded as given, whatever ``alg`` the header names.

    For interoperability tests and RFC examples; services use :meth:`KeySet.mint`.
    """
    return dangerous_sign_jws(keys, header_json, payload)
