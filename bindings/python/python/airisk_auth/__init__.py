"""airisk_auth: the AIRisk OAuth2 authorization-code engine, for Python.

A thin package over the native module ``airisk_auth._native`` (Rust, the same core
as the Rust crate and the C library, so the same inputs give the same bytes):

- :class:`KeySet`, :class:`Policy`, :class:`Verifier`, :class:`Claims`: mint and
  strictly verify access tokens;
- :class:`Registry`, :class:`Issuer`: serve ``GET /api/oauth2`` and
  ``POST /api/oauth2/Token`` as complete :class:`Response` objects;
- :func:`check_bearer`: guard a protected resource;
- :class:`AuthError` (a ``ValueError``) and one subclass per error kind, e.g.
  :class:`ExpiredError`, each with the stable numeric ``code``.

Single use across processes: pass any object with a ``redeem`` method as
``Issuer(..., ledger=obj)`` (and one with ``revoke``/``is_revoked`` as
``revocations=obj``); :class:`RedemptionLedger` and :class:`RevocationList` say
what they must do, and :class:`RedisLedger` is one on Redis (wrapping your
``redis.Redis`` client; ``redis`` is not a dependency).

Framework helpers live in :mod:`airisk_auth.flask` and :mod:`airisk_auth.fastapi`
(imported only when used; neither framework is a dependency).
"""

from __future__ import annotations

from . import _native
from ._native import (
    AuthError,
    Claims,
    Issuer,
    PendingAuthorization,
    KeySet,
    Policy,
    Registry,
    Response,
    Verifier,
    __version__,
    check_bearer,
    error_kinds,
)
from .ledger import RedemptionLedger, RevocationList
from .redis_ledger import RedisLedger

__all__ = [
    "AuthError",
    "Claims",
    "Issuer",
    "PendingAuthorization",
    "KeySet",
    "Policy",
    "RedemptionLedger",
    "RedisLedger",
    "Registry",
    "Response",
    "RevocationList",
    "Verifier",
    "__version__",
    "check_bearer",
    "error_kinds",
]

# One class per core error kind, created by the native module from the core's list
# (so none can be missing or misnumbered); re-exported here under their own names.
for _name, _code, _message in error_kinds():
    globals()[_name + "Error"] = getattr(_native, _name + "Error")
    __all__.append(_name + "Error")
del _name, _code, _message
