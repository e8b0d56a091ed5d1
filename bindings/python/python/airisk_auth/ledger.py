"""What an object must provide to be an issuer's store (the core's ``Store``
trait, for Python).

``Issuer(..., store=obj)`` records redemptions of authorization codes and revoked
token ids in ``obj``; ``Verifier(..., store=obj)`` consults the revoked ids. ``obj``
is a native store (:class:`airisk_auth.MemoryStore` for one process,
:class:`airisk_auth.RedisStore` or :class:`airisk_auth.PostgresStore`, the Rust
implementations shared with Rust and C services) or any object implementing
:class:`Store`. With a store shared by every process, a code is honoured once
across all of them. (``ledger=`` and ``revocations=``, which took a
:class:`RedemptionLedger` and a :class:`RevocationList` apart, are deprecated.)

``redeem`` answers a :class:`Redemption`, never a bool: a bool meant "first use"
here and "a replay" in the C++ API, and a store ported from one to the other
turned single use off. The issuer fails closed: an exception, a missing method, or
an answer of the wrong type (``True`` is not ``Redemption.FIRST``, ``1`` is not
``True``) makes the exchange answer 503 (and the verifier refuse the token) with the
reason ``LedgerUnavailable``, and is logged on the ``airisk_auth`` logger. The
methods are called like any Python code (the GIL is taken again for them), possibly
from several threads at once.

Two optional groups of methods let a store hold the grant lifecycle (issue 15); a
group is all or nothing (half of one is a ``TypeError`` when the store is given):

- :class:`GrantRevocations` (``revoke_grant``, ``is_grant_revoked``): without it,
  ``Issuer.revoke_grant`` raises ``LedgerUnavailableError`` (nothing was revoked)
  and tokens are checked against their ``jti`` alone.
- :class:`RefreshTokens` (``refresh_insert``, ``refresh_use``, ``refresh_peek``):
  without it, no refresh token is issued or accepted (503).

A refresh token is kept by its SHA-256 digest only (64 lower-case hex digits), with
its record: a JSON string the store keeps as it is and hands back unchanged (it is
checked, bounded, when read back: anything else refuses with 503).
:class:`LifecycleStore` is a store with both groups; the native stores and
:class:`~airisk_auth.RedisLedger` have them.
"""

from __future__ import annotations

import enum
from typing import Protocol, runtime_checkable

__all__ = [
    "GrantRevocations",
    "LifecycleStore",
    "Redemption",
    "RedemptionLedger",
    "RefreshTokens",
    "RevocationList",
    "Store",
]


class Redemption(enum.Enum):
    """The answer of :meth:`RedemptionLedger.redeem`."""

    #: This call redeemed the code first: the issuer issues a token.
    FIRST = "first"
    #: The code had already been redeemed: refused, and its token revoked.
    REPLAYED = "replayed"


@runtime_checkable
class RedemptionLedger(Protocol):
    """Records redeemed authorization codes."""

    def redeem(self, code_id: str, expires_at: int, now: int) -> Redemption:
        """Marks the code ``code_id`` (32 lower-case hex digits) redeemed.

        Returns ``Redemption.FIRST`` for the first redemption of ``code_id`` and
        ``Redemption.REPLAYED`` for every later one, atomically: of any number of
        concurrent callers, in any process sharing the store, exactly one gets
        ``Redemption.FIRST``. Remember the code at
        least until ``expires_at`` (Unix seconds; ``now`` is the issuer's time).
        Raise when unsure: that refuses the exchange.
        """
        ...


@runtime_checkable
class RevocationList(Protocol):
    """Revoked access-token ids (``jti``), each until its token would expire anyway."""

    def revoke(self, jti: str, until: int, now: int) -> None:
        """Revokes ``jti`` until ``until`` (Unix seconds); never shortens an earlier revocation."""
        ...

    def is_revoked(self, jti: str, now: int) -> bool:
        """Whether ``jti`` is revoked at ``now``. Raise when unsure: that refuses the token."""
        ...


@runtime_checkable
class Store(RedemptionLedger, RevocationList, Protocol):
    """An issuer's whole store: :meth:`redeem` (a :class:`Redemption`),
    :meth:`revoke` and :meth:`is_revoked`. The native stores implement it too, so
    one conformance suite runs against every store (``tests/python/store_conformance.py``)."""


@runtime_checkable
class GrantRevocations(Protocol):
    """Revoked grants: a "not before" time per (client, userid), or per (client,
    generic) for ``userid=None``."""

    def revoke_grant(self, client_id: str, userid: str | None, not_before: int, until: int, now: int) -> None:
        """Refuses, until ``until``, everything of the grant issued at or before
        ``not_before``. A later call never moves either time back."""
        ...

    def is_grant_revoked(self, client_id: str, userid: str | None, issued_at: int | None, now: int) -> bool:
        """Whether the grant has a revocation still kept at ``now`` (``until > now``)
        whose ``not_before`` is at or after ``issued_at`` (``None``: unknown, so any
        revocation refuses). Raise when unsure: that refuses the token."""
        ...


@runtime_checkable
class RefreshTokens(Protocol):
    """Refresh tokens by digest, each single use."""

    def refresh_insert(self, digest: str, record: str, expires_at: int, now: int) -> None:
        """Holds a new, unused token ``digest`` with its ``record`` until ``expires_at``."""
        ...

    def refresh_use(self, digest: str, now: int) -> tuple[Redemption, str] | None:
        """Consumes the token atomically: ``(Redemption.FIRST, record)`` for exactly one
        caller across every process, ``(Redemption.REPLAYED, record)`` for every later
        one (keep the used record until it expires), ``None`` when there is no live
        token ``digest`` (unknown or expired)."""
        ...

    def refresh_peek(self, digest: str, now: int) -> tuple[Redemption, str] | None:
        """What :meth:`refresh_use` would answer, consuming nothing."""
        ...


@runtime_checkable
class LifecycleStore(Store, GrantRevocations, RefreshTokens, Protocol):
    """A store with the whole grant lifecycle: :class:`Store`, :class:`GrantRevocations`
    and :class:`RefreshTokens`."""
