"""Single use across processes and machines: a ledger on Redis, for Python.

:class:`RedisLedger` wraps a ``redis.Redis`` client that you build (this module never
imports ``redis``, so ``airisk_auth`` has no dependency on it) and implements both
:class:`~airisk_auth.ledger.RedemptionLedger` and
:class:`~airisk_auth.ledger.RevocationList` with exactly the keys and commands of the
Rust crate ``airisk-auth-redis``, so Python, Rust and C services can share one Redis:

========================  =============================================  ==========================
operation                 Redis                                          key (default prefix)
========================  =============================================  ==========================
redeem a code             ``SET key 1 NX EX <remaining life, >= 1 s>``   ``airisk:code:<hex id>``
revoke a token            ``EVAL`` of a script: ``SET key 1 EX <ttl>``,  ``airisk:revoked:<jti>``
                          never shortening an earlier revocation
is it revoked?            ``EXISTS key``                                 ``airisk:revoked:<jti>``
revoke a grant            ``EVAL`` of a script: ``SET key not_before``,  ``airisk:code:grant:<n>:``
                          never moving it or its expiry back             ``<client>:u:<userid>``
                                                                         (``:g`` generic; ``<n>``:
                                                                         the client id's bytes)
is the grant revoked?     ``GET key``, compared with the issue time      as above
store a refresh token     ``EVAL``: ``HSET key rec <json> used 0``,      ``airisk:code:refresh:``
                          ``EXPIRE``                                     ``<digest hex>``
use a refresh token       ``EVAL``: ``HGET rec``, ``HINCRBY used 1``     as above
peek at a refresh token   ``HMGET key rec used``                         as above
========================  =============================================  ==========================

It so implements the whole :class:`~airisk_auth.ledger.LifecycleStore` (grant
revocation and refresh tokens too).

Any client error (refused connection, timeout, error reply) propagates, and an
unexpected reply raises :class:`airisk_auth.LedgerUnavailableError`: plugged into an
``Issuer`` either one refuses the exchange with 503, never issues a second token.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import LedgerUnavailableError
from .ledger import Redemption

__all__ = [
    "MAX_SECONDS",
    "REFRESH_INSERT_SCRIPT",
    "REFRESH_USE_SCRIPT",
    "REVOKE_GRANT_SCRIPT",
    "REVOKE_SCRIPT",
    "RedisLedger",
]

#: The largest expiry sent to Redis, in seconds: the core's largest NumericDate
#: (9999-12-31T23:59:59Z), as the Rust crate caps it.
MAX_SECONDS = 253_402_300_799

#: Keeps a revocation's expiry from ever moving earlier; ``TTL`` is -2 for a missing
#: key and -1 for a key without expiry (kept as it is: revoked for good). The same
#: text as the Rust crate's, so both behave the same on one server.
REVOKE_SCRIPT = (
    "local t = redis.call('TTL', KEYS[1]) "
    "if t == -1 then return 0 end "
    "if t < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'EX', ARGV[1]) end "
    "return 1"
)

#: Records a grant's "not before" time, never moving it (or the key's expiry) back; a
#: key without expiry keeps none. The Rust crate's text.
REVOKE_GRANT_SCRIPT = (
    "local cur = tonumber(redis.call('GET', KEYS[1]) or '-1') "
    "local nb = math.max(cur, tonumber(ARGV[1])) "
    "local t = redis.call('TTL', KEYS[1]) "
    "if t == -1 then redis.call('SET', KEYS[1], nb, 'KEEPTTL') return 1 end "
    "redis.call('SET', KEYS[1], nb, 'EX', math.max(t, tonumber(ARGV[2]))) "
    "return 1"
)

#: Stores an unused refresh token with its record and expiry. The Rust crate's text.
REFRESH_INSERT_SCRIPT = (
    "redis.call('DEL', KEYS[1]) "
    "redis.call('HSET', KEYS[1], 'rec', ARGV[1], 'used', 0) "
    "redis.call('EXPIRE', KEYS[1], ARGV[2]) "
    "return 1"
)

#: Consumes a refresh token atomically: its record and how many uses it has had now (1:
#: this caller was first), or nil. The Rust crate's text.
REFRESH_USE_SCRIPT = (
    "local r = redis.call('HGET', KEYS[1], 'rec') "
    "if not r then return false end "
    "return {r, redis.call('HINCRBY', KEYS[1], 'used', 1)}"
)

_HEX = frozenset("0123456789abcdef")
#: The longest refresh record read back (the core's MAX_REFRESH_RECORD_LEN).
_MAX_RECORD = 8192


def _seconds(value: object, what: str) -> int:
    if type(value) is not int or not 0 <= value <= MAX_SECONDS:
        raise ValueError(f"{what} must be an int of Unix seconds in 0..={MAX_SECONDS}")
    return value


class RedisLedger:
    """A redemption ledger and revocation list on one Redis server, shared by every
    process and machine whose client points at it.

    ``client`` is a ``redis.Redis`` (or anything with its ``set``, ``eval`` and
    ``exists``); give it short timeouts (``socket_timeout``,
    ``socket_connect_timeout``) and few retries, since a request waits on them
    while Redis is down. ``prefix`` starts every key: ``<prefix>code:<hex id>`` and
    ``<prefix>revoked:<jti>``; the default matches the Rust crate's defaults. Give
    each deployment sharing a server its own. ``extra_retention`` (seconds, default
    0) keeps entries that much longer than needed: set it to the largest clock
    difference between the machines sharing the ledger.

    Thread-safe as far as the client is (``redis.Redis`` is: it has a connection pool).
    """

    __slots__ = ("_client", "_code_prefix", "_extra_retention", "_revoked_prefix")

    def __init__(self, client: Any, prefix: str = "airisk:", *, extra_retention: int = 0) -> None:
        if not isinstance(prefix, str) or not prefix:
            raise ValueError("prefix must be a non-empty str")
        self._extra_retention = _seconds(extra_retention, "extra_retention")
        for method in ("set", "eval", "exists"):
            if not callable(getattr(client, method, None)):
                raise TypeError(f"client must be a redis.Redis (it has no `{method}` method)")
        self._client = client
        self._code_prefix = prefix + "code:"
        self._revoked_prefix = prefix + "revoked:"

    @property
    def client(self) -> Any:
        """The Redis client."""
        return self._client

    def code_key(self, code_id: str) -> str:
        """The key of a redeemed code: ``<prefix>code:<code_id>``."""
        if not isinstance(code_id, str) or len(code_id) != 32 or not _HEX.issuperset(code_id):
            raise ValueError("code_id must be 32 lower-case hex digits")
        return self._code_prefix + code_id

    def revoked_key(self, jti: str) -> str:
        """The key of a revoked token id: ``<prefix>revoked:<jti>``."""
        if not isinstance(jti, str) or not jti:
            raise ValueError("jti must be a non-empty str")
        return self._revoked_prefix + jti

    def seconds_until(self, until: int, now: int) -> int:
        """The expiry sent to Redis for an entry needed until ``until``: the remaining
        life, at least 1 s (Redis refuses ``EX 0``), plus ``extra_retention``."""
        remaining = max(_seconds(until, "until") - _seconds(now, "now"), 1)
        return min(remaining + self._extra_retention, MAX_SECONDS)

    def redeem(self, code_id: str, expires_at: int, now: int) -> Redemption:
        """``SET <prefix>code:<code_id> 1 NX EX <ttl>``: ``Redemption.FIRST`` when this
        call set it, ``Redemption.REPLAYED`` when it was already there."""
        key = self.code_key(code_id)
        reply = self._client.set(key, 1, nx=True, ex=self.seconds_until(expires_at, now))
        if reply is True:
            return Redemption.FIRST
        if reply is None:
            return Redemption.REPLAYED
        # A proxy or module answering otherwise: not a proof of first use.
        raise LedgerUnavailableError(f"unexpected reply to SET NX: {type(reply).__name__}")

    def revoke(self, jti: str, until: int, now: int) -> None:
        """Revokes ``jti`` until ``until``, never shortening an earlier revocation."""
        key = self.revoked_key(jti)
        reply = self._client.eval(REVOKE_SCRIPT, 1, key, self.seconds_until(until, now))
        if type(reply) is not int or reply not in (0, 1):
            raise LedgerUnavailableError(f"unexpected reply to the revocation script: {type(reply).__name__}")

    def is_revoked(self, jti: str, now: int) -> bool:
        """``EXISTS <prefix>revoked:<jti>`` (Redis expires the key when the revocation ends)."""
        _seconds(now, "now")
        reply = self._client.exists(self.revoked_key(jti))
        if type(reply) is not int or reply not in (0, 1):
            raise LedgerUnavailableError(f"unexpected reply to EXISTS: {type(reply).__name__}")
        return reply == 1

    # ------------------------------------------------------------ the lifecycle groups

    def grant_key(self, client_id: str, userid: str | None) -> str:
        """The key of a revoked grant: ``<prefix>code:grant:<bytes of client_id>:<client_id>:``
        then ``u:<userid>``, or ``g`` for the generic grant (the Rust crate's key)."""
        if not isinstance(client_id, str) or not client_id:
            raise ValueError("client_id must be a non-empty str")
        who = "g" if userid is None else "u:" + userid
        return f"{self._code_prefix}grant:{len(client_id.encode())}:{client_id}:{who}"

    def refresh_key(self, digest: str) -> str:
        """The key of a refresh token: ``<prefix>code:refresh:<digest>`` (64 hex digits)."""
        if not isinstance(digest, str) or len(digest) != 64 or not _HEX.issuperset(digest):
            raise ValueError("digest must be 64 lower-case hex digits")
        return self._code_prefix + "refresh:" + digest

    def revoke_grant(self, client_id: str, userid: str | None, not_before: int, until: int, now: int) -> None:
        """Refuses everything of the grant issued at or before ``not_before``, until
        ``until``; never moves either back."""
        key = self.grant_key(client_id, userid)
        reply = self._client.eval(REVOKE_GRANT_SCRIPT, 1, key, _seconds(not_before, "not_before"),
                                  self.seconds_until(until, now))
        if type(reply) is not int or reply != 1:
            raise LedgerUnavailableError(f"unexpected reply to the grant script: {type(reply).__name__}")

    def is_grant_revoked(self, client_id: str, userid: str | None, issued_at: int | None, now: int) -> bool:
        """``GET`` the grant's key: revoked when it holds a time at or after ``issued_at``
        (``None``: any)."""
        _seconds(now, "now")
        reply = self._client.get(self.grant_key(client_id, userid))
        if reply is None:
            return False
        if not isinstance(reply, bytes) or not reply.isdigit():
            raise LedgerUnavailableError(f"unexpected reply to GET: {type(reply).__name__}")
        return issued_at is None or _seconds(issued_at, "issued_at") <= int(reply)

    def refresh_insert(self, digest: str, record: str, expires_at: int, now: int) -> None:
        """Holds a new, unused refresh token with its record until ``expires_at``."""
        key = self.refresh_key(digest)
        if not isinstance(record, str) or len(record) > _MAX_RECORD:
            raise ValueError("record must be a str of at most 8 KiB")
        reply = self._client.eval(REFRESH_INSERT_SCRIPT, 1, key, record, self.seconds_until(expires_at, now))
        if type(reply) is not int or reply != 1:
            raise LedgerUnavailableError(f"unexpected reply to the refresh script: {type(reply).__name__}")

    def refresh_use(self, digest: str, now: int) -> tuple[Redemption, str] | None:
        """Consumes the token atomically (one script): ``(FIRST, record)`` for the first
        use, ``(REPLAYED, record)`` after, ``None`` when there is no live token."""
        reply = self._client.eval(REFRESH_USE_SCRIPT, 1, self.refresh_key(digest))
        if reply is None:
            return None
        if (not isinstance(reply, list) or len(reply) != 2 or not isinstance(reply[0], bytes)
                or type(reply[1]) is not int or reply[1] < 1):
            raise LedgerUnavailableError("unexpected reply to the refresh-use script")
        return self._answer(reply[0], reply[1] == 1, now)

    def refresh_peek(self, digest: str, now: int) -> tuple[Redemption, str] | None:
        """What :meth:`refresh_use` would answer, consuming nothing (``HMGET``)."""
        reply = self._client.hmget(self.refresh_key(digest), ["rec", "used"])
        if not isinstance(reply, list) or len(reply) != 2:
            raise LedgerUnavailableError("unexpected reply to HMGET")
        record, used = reply
        if record is None and used is None:
            return None
        if not isinstance(record, bytes) or not isinstance(used, bytes):
            raise LedgerUnavailableError("unexpected reply to HMGET")
        return self._answer(record, used == b"0", now)

    @staticmethod
    def _answer(record: bytes, first: bool, now: int) -> tuple[Redemption, str] | None:
        """A stored record's answer: ``None`` once it expired (Redis may keep it
        ``extra_retention`` longer), else first or replayed."""
        if len(record) > _MAX_RECORD:
            raise LedgerUnavailableError("refresh record too long")
        text = record.decode("utf-8")
        expires_at = json.loads(text).get("expires_at")
        if type(expires_at) is not int:
            raise LedgerUnavailableError("refresh record without expires_at")
        if expires_at <= _seconds(now, "now"):
            return None
        return (Redemption.FIRST if first else Redemption.REPLAYED, text)

    def ping(self) -> None:
        """Checks that Redis answers (for readiness probes); raises if it does not."""
        if self._client.ping() is not True:
            raise LedgerUnavailableError("unexpected reply to PING")

    def __repr__(self) -> str:
        # The client's own repr may show a URL; its type is enough here.
        return (
            f"RedisLedger(client={type(self._client).__name__}, "
            f"prefix={self._code_prefix[: -len('code:')]!r}, extra_retention={self._extra_retention})"
        )
