"""airisk_auth: the AIRisk OAuth2 authorization-code engine, for Python.

A thin package over the native module ``airisk_auth._native`` (Rust, the same core
as the Rust crate and the C library, so the same inputs give the same bytes):

- :class:`KeySet`, :class:`Policy`, :class:`Verifier`, :class:`Claims`: mint and
  strictly verify access tokens;
- :class:`Registry`, :class:`Issuer`: serve ``GET /api/oauth2`` and
  ``POST /api/oauth2/Token`` as complete :class:`Response` objects;
- :func:`check_bearer`: guard a protected resource;
- :class:`AuthError` (a ``ValueError``) and one subclass per error kind, e.g.
  :class:`ExpiredError`, each with the stable numeric ``code``, in two families:
  refusals (:class:`TokenError`, :class:`RequestError`) and :class:`ConfigError`
  (see :mod:`airisk_auth.errors`, where they live).

Every issuer is built with its store: ``Issuer(..., store=MemoryStore())`` for one
process; for single use across processes, :class:`RedisStore` or
:class:`PostgresStore` (the Rust stores, shared with Rust and C services) or any
object implementing :class:`Store` (``redeem``/``revoke``/``is_revoked``), e.g.
:class:`RedisLedger` on your own ``redis.Redis`` client (the same keys as
:class:`RedisStore`; ``redis`` is not a dependency).

Framework helpers live in :mod:`airisk_auth.flask`, :mod:`airisk_auth.fastapi` and
:mod:`airisk_auth.django` (imported only when used; no framework is a dependency).
Each logs every refusal to the ``airisk_auth`` logger, never the token.
"""

from __future__ import annotations

# The exception classes first: the native module looks them up when it is loaded.
from . import errors
from .errors import *  # noqa: F403 (every class of errors.__all__, re-exported)
from ._native import (
    Claims,
    Issuer,
    PendingAuthorization,
    KeySet,
    MemoryStore,
    Policy,
    PostgresStore,
    RedisStore,
    Registry,
    Response,
    Verifier,
    __version__,
    check_bearer,
    error_kinds,
)
from .ledger import (
    GrantRevocations,
    LifecycleStore,
    Redemption,
    RedemptionLedger,
    RefreshTokens,
    RevocationList,
    Store,
)
from .redis_ledger import RedisLedger

__all__ = [
    "Claims",
    "GrantRevocations",
    "Issuer",
    "PendingAuthorization",
    "KeySet",
    "LifecycleStore",
    "MemoryStore",
    "Policy",
    "PostgresStore",
    "Redemption",
    "RedemptionLedger",
    "RedisLedger",
    "RedisStore",
    "RefreshTokens",
    "Registry",
    "Response",
    "RevocationList",
    "Store",
    "Verifier",
    "__version__",
    "check_bearer",
    "error_kinds",
]

__all__ += errors.__all__
