"""Type stubs of the native module ``airisk_auth._native`` (re-exported by ``airisk_auth``)."""

from __future__ import annotations

import os
from typing import Any, ClassVar, Literal, Sequence, Union, final

from .errors import AuthError
from .ledger import Redemption, RedemptionLedger, RevocationList, Store

__version__: str
__all__ = [
    "Claims",
    "KeySet",
    "Policy",
    "Verifier",
    "Registry",
    "Response",
    "Issuer",
    "MemoryStore",
    "RedisStore",
    "PostgresStore",
    "PendingAuthorization",
    "check_bearer",
    "dangerous_sign_jws",
    "error_kinds",
    "__version__",
]

def error_kinds() -> list[tuple[str, int, str]]:
    """Every core error kind as ``(name, code, message)``, in numeric order."""

def check_bearer(
    verifier: Verifier,
    authorization: str | None,
    *,
    access: Literal["any", "user"] = "any",
    scopes: Sequence[str] = ...,
    now: int | None = None,
) -> Claims | Response:
    """Check a protected request's ``Authorization`` header value.

    Returns the verified :class:`Claims`, or the 401/403 :class:`Response` to send
    (with the RFC 6750 ``WWW-Authenticate`` challenge). ``access="user"`` refuses a
    generic token with 403 ``insufficient_scope``; so does a token without every
    scope of ``scopes`` (the challenge then names them: ``scope="..."``).
    ``now`` defaults to the system clock.
    """

@final
class Claims:
    """The claims of an access token (read-only attributes)."""

    def __new__(
        cls,
        iss: str,
        exp: int,
        *,
        sub: str | None = None,
        aud: Sequence[str] = ...,
        client_id: str | None = None,
        user_token: bool = False,
        company_id: str | None = None,
        iat: int | None = None,
        nbf: int | None = None,
        jti: str | None = None,
        scope: str | None = None,
        custom: dict[str, Any] | None = None,
        **extra: Any,
    ) -> Claims:
        """Claims to mint with :meth:`KeySet.mint` (verification returns them too).

        Custom claims come from ``custom`` and any other keyword
        (``Claims(iss, exp, role="admin")``); reserved names or more than 4 KiB
        of JSON raise ``InvalidClaims`` at mint."""
    @staticmethod
    def generic(iss: str, client_id: str, iat: int, ttl: int, jti: str) -> Claims:
        """Claims of a generic (application) token: ``sub`` is the client_id."""
    @staticmethod
    def user(iss: str, client_id: str, userid: str, iat: int, ttl: int, jti: str) -> Claims:
        """Claims of a user-specific token: ``sub`` is the userid."""
    @property
    def iss(self) -> str:
        """Who issued the token."""
    @property
    def sub(self) -> str | None:
        """The userid (user token) or the client_id (generic token)."""
    @property
    def aud(self) -> tuple[str, ...]:
        """The audiences; empty when the token has none."""
    @property
    def client_id(self) -> str | None:
        """The client (APIUser) the token was issued to."""
    @property
    def user_token(self) -> bool:
        """Whether the token acts on behalf of a user."""
    @property
    def company_id(self) -> str | None:
        """The user's company, if known."""
    @property
    def iat(self) -> int | None:
        """Issued at, Unix seconds."""
    @property
    def nbf(self) -> int | None:
        """Not before, Unix seconds."""
    @property
    def exp(self) -> int:
        """Expires at, Unix seconds."""
    @property
    def jti(self) -> str | None:
        """The token's unique id."""
    @property
    def userid(self) -> str | None:
        """The userid this token acts for: ``sub`` of a user token, None for a generic one."""
    @property
    def scope(self) -> str | None:
        """``scope``: space-separated scope names, if any."""
    @property
    def scopes(self) -> tuple[str, ...]:
        """The scope names, in order."""
    def has_scopes(self, required: Sequence[str]) -> bool:
        """Whether the token grants every scope in ``required``."""
    @property
    def custom(self) -> dict[str, Any]:
        """The custom claims (every member but the registered ones), as a new dict."""
    def __getitem__(self, key: str, /) -> Any:
        """Any claim the token has, registered or custom (``claims["role"]``); ``KeyError`` when absent."""
    def __contains__(self, key: str, /) -> bool:
        """Whether the token has the claim ``key``."""
    def get(self, name: str, default: Any = None) -> Any:
        """The claim ``name``, or ``default`` when absent."""
    def to_dict(self) -> dict[str, Any]:
        """Every claim in a dict (``aud`` as a list), the shape of the shared test vectors;
        ``scope`` only when the token has one; custom claims are in :attr:`custom`."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class KeySet:
    """Signing and verification keys, with at most one active signing key.

    ``repr()`` shows key ids and algorithms, never key material.
    """

    @staticmethod
    def from_json(json: str) -> KeySet:
        """A key set from JSON: a JWKS whose keys may hold private members, optional ``active_kid``.

        Besides HS256 (``oct``) and EdDSA (``OKP``) keys: another issuer's public keys,
        verify only, ``RSA`` (RS256/PS256, 2048 to 8192 bits; ``WeakKeyError`` below) and
        ``EC`` P-256 (ES256), the algorithm pinned by the JWK's ``alg`` (without one: RS256
        for RSA, ES256 for P-256). They never sign (``NoSigningKeyError``).
        """
    @staticmethod
    def from_file(path: str | os.PathLike[str]) -> KeySet:
        """A key set from a file in the form :meth:`from_json` reads, read bounded and wiped.

        ``OSError`` (with ``filename``) if unreadable; ``InvalidKeyError`` (with ``filename``)
        if too large, not UTF-8 or refused.
        """
    @staticmethod
    def from_hs256_secret(secret: bytes, kid: str | None = None) -> KeySet:
        """A one-key set from a raw HS256 secret of 32 to 1024 bytes (``WeakKeyError`` below 32)."""
    @staticmethod
    def generate_hs256(kid: str) -> KeySet:
        """A one-key set with a new random HS256 secret, active."""
    @staticmethod
    def generate_ed25519(kid: str) -> KeySet:
        """A one-key set with a new random Ed25519 key pair, active."""
    def to_jwks(self) -> str:
        """The public keys as a JWKS document (JSON text). HS256 keys are secret and never listed;
        other issuers' RSA and P-256 keys are not republished."""
    def to_json(self, include_private: bool = False) -> str:
        """The whole set as JSON text, the form :meth:`from_json` reads; secrets only when asked."""
    def mint(self, claims: Claims) -> str:
        """Sign ``claims`` with the active key into a compact JWS (``InvalidClaimsError``, ``NoSigningKeyError``)."""
    def kids(self) -> list[str | None]:
        """The key ids in insertion order (None for a key without one)."""
    @property
    def active_kid(self) -> str | None:
        """The kid of the active signing key, if any."""
    def __len__(self) -> int: ...

@final
class Policy:
    """What a :class:`Verifier` accepts. Strict by default."""

    def __new__(
        cls,
        issuer: str,
        *,
        audience: str | None = None,
        leeway: int = 30,
        max_token_len: int = 8192,
        require_user: bool = False,
        require_access_token_claims: bool = True,
    ) -> Policy:
        """``leeway`` at most 300 s; ``max_token_len`` 64 to 65536 bytes (else ``InvalidConfigurationError``)."""
    @property
    def issuer(self) -> str:
        """The expected ``iss``."""
    @property
    def audience(self) -> str | None:
        """The audience ``aud`` must contain; None refuses tokens that carry ``aud``."""
    @property
    def leeway(self) -> int:
        """Clock-skew allowance, seconds."""
    @property
    def max_token_len(self) -> int:
        """Longest token accepted, checked before decoding."""
    @property
    def require_user(self) -> bool:
        """Whether only user-specific tokens are accepted."""
    @property
    def require_access_token_claims(self) -> bool:
        """Whether ``sub``, ``client_id``, ``iat``, ``jti`` and ``user_token`` must be present."""

@final
class Verifier:
    """Verifies tokens with a key set and a policy. Thread-safe; build once, share."""

    def __new__(
        cls,
        keys: KeySet,
        policy: Policy,
        *,
        store: Store | MemoryStore | RedisStore | PostgresStore | None = None,
        revocations: RevocationList | None = None,
    ) -> Verifier:
        """``store``: refuse tokens whose ``jti`` it lists as revoked (fails closed when it errs).
        ``revocations`` is its deprecated former name."""
    def verify(self, token: str) -> Claims:
        """Verify ``token`` at the system clock's time; raises an :class:`AuthError` subclass."""
    def verify_at(self, token: str, now: int) -> Claims:
        """Verify ``token`` at ``now`` (Unix seconds); raises an :class:`AuthError` subclass."""
    def verify_many(
        self, tokens: Sequence[str], now: int | None = None
    ) -> list[Union[Claims, AuthError]]:
        """Verify many tokens with the GIL released; each item is the claims or the error (returned)."""
    @property
    def issuer(self) -> str:
        """The expected issuer."""

@final
class Registry:
    """Clients (APIUser) and users (ApplicationUser)."""

    @staticmethod
    def from_json(json: str) -> Registry:
        """Load a registry document; ``InvalidRegistryError`` says where it is wrong."""
    @staticmethod
    def from_file(path: str | os.PathLike[str]) -> Registry:
        """Load a registry document from a UTF-8 file, read bounded and wiped.

        ``OSError`` (with ``filename``) if unreadable; ``InvalidRegistryError`` (with
        ``filename``) if too large, not UTF-8 or refused.
        """
    @property
    def client_count(self) -> int:
        """The number of clients."""
    @property
    def user_count(self) -> int:
        """The number of users."""

@final
class Response:
    """A complete HTTP answer: send ``status``, ``headers`` and ``body`` as they are."""

    @property
    def status(self) -> int:
        """The HTTP status code."""
    @property
    def headers(self) -> list[tuple[str, str]]:
        """The headers, in order."""
    @property
    def body(self) -> str:
        """The body (empty for a redirect or a bearer challenge)."""
    @property
    def reason(self) -> str | None:
        """For a failure, the core's name of the precise reason (for logs only, never sent)."""
    @property
    def reason_code(self) -> int | None:
        """For a failure, the numeric kind of the reason."""
    @property
    def claim(self) -> str | None:
        """For a refused bearer token, the claim missing or of the wrong type (e.g.
        ``"client_id"``), as an exception's ``.claim``; ``None`` otherwise."""
    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` header, if any."""
    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive)."""

@final
class PendingAuthorization:
    """A validated authorization request waiting for the user's decision."""
    @property
    def client_id(self) -> str:
        """The client asking."""
    @property
    def redirect_uri(self) -> str:
        """Where the answer will be sent."""
    @property
    def userid(self) -> str | None:
        """The user the token would act for, or None."""
    @property
    def state(self) -> str | None:
        """The client's state."""
    @property
    def uses_pkce(self) -> bool:
        """Whether the code will be bound to a PKCE challenge."""
    @property
    def scope(self) -> str | None:
        """The scope the token will carry (space-separated names), if any."""

@final
class Issuer:
    """The authorization server: ``GET /api/oauth2`` and ``POST /api/oauth2/Token``.

    ``repr()`` never shows the code key.
    """

    def __new__(
        cls,
        keys: KeySet,
        registry: Registry,
        *,
        issuer: str,
        store: Store | MemoryStore | RedisStore | PostgresStore | None = None,
        audience: str | None = None,
        code_ttl: int = 60,
        token_ttl: int = 3600,
        code_key: bytes | None = None,
        ledger: RedemptionLedger | None = None,
        revocations: RevocationList | None = None,
    ) -> Issuer:
        """``code_key``: 32+ secret bytes shared by every instance of a deployment (random when None).

        ``store`` (required) records redemptions and revoked token ids:
        :class:`MemoryStore` for one process; :class:`RedisStore`,
        :class:`PostgresStore` or your own :class:`~airisk_auth.Store` shared by every
        process for single use across processes. Without it: ``TypeError``. An
        object lacking a method raises ``TypeError``. ``ledger`` and ``revocations``
        (deprecated, ``DeprecationWarning``) are its two halves, in memory when not given.
        """
    def authorize(self, query: str) -> Response:
        """``GET /api/oauth2`` now; ``query`` is the raw query string without ``?``."""
    def authorize_at(self, query: str, now: int) -> Response:
        """``GET /api/oauth2`` at ``now`` (Unix seconds)."""
    def exchange(
        self,
        content_type: str | None,
        body: bytes | str,
        *,
        authorization: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """``POST /api/oauth2/Token`` now: the ``Content-Type`` header, the raw body,
        and the ``Authorization`` (client credentials: Basic) and ``Accept`` headers
        (``application/json`` preferred gets RFC 6749 JSON error bodies)."""
    def exchange_at(
        self,
        content_type: str | None,
        body: bytes | str,
        now: int,
        *,
        authorization: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """``POST /api/oauth2/Token`` at ``now`` (Unix seconds)."""
    def revoke(
        self,
        content_type: str | None,
        body: bytes | str,
        *,
        authorization: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """``POST /api/oauth2/revoke`` now (RFC 7009): the same request parts as
        :meth:`exchange`. 200 with an empty body for any token (valid, unknown,
        expired, already revoked); only the requesting client's tokens are revoked.
        A refresh token revokes its whole family."""
    def revoke_at(
        self,
        content_type: str | None,
        body: bytes | str,
        now: int,
        *,
        authorization: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """``POST /api/oauth2/revoke`` at ``now`` (Unix seconds)."""
    def introspect(
        self,
        content_type: str | None,
        body: bytes | str,
        *,
        authorization: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """``POST /api/oauth2/introspect`` now (RFC 7662), for clients registered with
        ``"introspect": true``: ``{"active":true,…}`` for a good token,
        ``{"active":false}`` for any other."""
    def introspect_at(
        self,
        content_type: str | None,
        body: bytes | str,
        now: int,
        *,
        authorization: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """``POST /api/oauth2/introspect`` at ``now`` (Unix seconds)."""
    def metadata(self) -> Response:
        """``GET /.well-known/oauth-authorization-server`` (RFC 8414), a complete answer."""
    def metadata_json(self) -> dict[str, Any]:
        """The RFC 8414 metadata document as a ``dict``."""
    def metadata_path(self) -> str:
        """The path the metadata is served at."""
    def jwks(self) -> Response:
        """``GET /api/oauth2/jwks``: the public keys only (an HS256-only issuer: ``{"keys":[]}``)."""
    def revoke_grant(self, client_id: str, userid: str | None = None) -> None:
        """Revokes the grant of ``client_id`` for ``userid`` (``None``: its generic grant)
        now: every token, code and refresh token of it issued up to this second is
        refused by every process sharing the store. Raises ``LedgerUnavailableError``
        or ``LedgerFullError`` when nothing was revoked."""
    def revoke_grant_at(self, client_id: str, userid: str | None, now: int) -> None:
        """Revokes a grant at ``now`` (Unix seconds)."""
    def validate_authorization(self, query: str) -> PendingAuthorization | Response:
        """Validates an authorization request without deciding it: a pending request
        to approve or deny, or the answer to send instead."""
    def approve(self, pending: PendingAuthorization, *, claims: dict[str, Any] | None = None) -> Response:
        """Approves a pending request now: 302 with a code. ``claims`` are custom claims
        the token will carry (reserved names or over 4 KiB raise ``InvalidClaims``)."""
    def approve_at(
        self, pending: PendingAuthorization, now: int, *, claims: dict[str, Any] | None = None
    ) -> Response:
        """Approves a pending request at ``now`` (Unix seconds), with optional custom ``claims``."""
    def deny(self, pending: PendingAuthorization) -> Response:
        """Denies a pending request: 302 with ``error=access_denied`` and its state."""
    def seal(self, pending: PendingAuthorization) -> str:
        """Seals a pending request into a short-lived, tamper-proof, single-use ticket."""
    def seal_at(self, pending: PendingAuthorization, now: int) -> str:
        """Seals a pending request at ``now`` (Unix seconds)."""
    def open_ticket(self, ticket: str) -> PendingAuthorization | Response:
        """Opens a ticket once: the pending request, or the answer to send."""
    def open_ticket_at(self, ticket: str, now: int) -> PendingAuthorization | Response:
        """Opens a ticket at ``now`` (Unix seconds)."""
    def verifier(self) -> Verifier:
        """A verifier for this issuer's tokens (revoked tokens refused)."""
    @property
    def issuer(self) -> str:
        """The ``iss`` of every token."""
    @property
    def audience(self) -> str | None:
        """The ``aud`` of every token, if any."""
    @property
    def code_ttl(self) -> int:
        """Code lifetime, seconds."""
    @property
    def token_ttl(self) -> int:
        """Token lifetime, seconds."""

def dangerous_sign_jws(keys: KeySet, header_json: str, payload: bytes | str) -> str:
    """The native half of :func:`airisk_auth.dangerous.sign_jws`."""

@final
class MemoryStore:
    """Single use and revocation in this process's memory: **one process only**
    (two processes each with their own accept every code once). Holds at most
    ``capacity`` codes and ``capacity`` revoked ids; when full, refuses (503)
    rather than forgetting a live one."""

    def __new__(cls, capacity: int = 1_000_000) -> MemoryStore: ...
    def redeem(self, code_id: str, expires_at: int, now: int) -> Redemption:
        """Marks ``code_id`` (32 lower-case hex digits) redeemed: ``FIRST`` once, then ``REPLAYED``."""
    def revoke(self, jti: str, until: int, now: int) -> None:
        """Revokes ``jti`` until ``until`` (never shortening an earlier revocation)."""
    def is_revoked(self, jti: str, now: int) -> bool:
        """Whether ``jti`` is revoked at ``now``."""
    def revoke_grant(self, client_id: str, userid: str | None, not_before: int, until: int, now: int) -> None:
        """Refuses everything of the grant issued at or before ``not_before``, until ``until``."""
    def is_grant_revoked(self, client_id: str, userid: str | None, issued_at: int | None, now: int) -> bool:
        """Whether something of the grant issued at ``issued_at`` (``None``: unknown) is refused."""
    def refresh_insert(self, digest: str, record: str, expires_at: int, now: int) -> None:
        """Holds a new refresh token ``digest`` (64 hex digits) with its ``record`` (the core's JSON)."""
    def refresh_use(self, digest: str, now: int) -> tuple[Redemption, str] | None:
        """Consumes a refresh token: ``(FIRST, record)`` once, then ``(REPLAYED, record)``; ``None`` if unknown."""
    def refresh_peek(self, digest: str, now: int) -> tuple[Redemption, str] | None:
        """What :meth:`refresh_use` would answer, consuming nothing."""

@final
class RedisStore:
    """The Rust Redis store (crate ``airisk-auth-redis``): the same keys and commands as
    Rust and C services, so all three share one Redis. ``url`` is ``redis://``,
    ``rediss://`` (TLS: ``ca_file``, and ``client_cert_file`` + ``client_key_file`` for
    mutual TLS) or ``redis+unix://``; ``cluster=True`` for a Redis Cluster (more seeds
    in ``more_seeds``). ``wait_replicas`` replicas confirm each write (``WAIT``) within
    ``wait_timeout`` seconds (None: 0 for one server, 1 in a cluster). Timeouts are
    seconds. No connection is opened here: while Redis is down, every call raises
    ``LedgerUnavailableError`` and an issuer answers 503. Raises
    ``InvalidConfigurationError`` for a bad setting (or a build without Redis)."""

    def __new__(
        cls,
        url: str,
        *,
        cluster: bool = False,
        more_seeds: Sequence[str] = ...,
        ca_file: str | os.PathLike[str] | None = None,
        client_cert_file: str | os.PathLike[str] | None = None,
        client_key_file: str | os.PathLike[str] | None = None,
        code_prefix: str = "airisk:code:",
        revoked_prefix: str = "airisk:revoked:",
        connect_timeout: float = 1.0,
        io_timeout: float = 0.5,
        pool_size: int = 16,
        wait_replicas: int | None = None,
        wait_timeout: float = 0.25,
        extra_retention: int = 0,
    ) -> RedisStore: ...
    def ping(self) -> None:
        """Checks that Redis answers; raises ``LedgerUnavailableError`` when it does not."""
    def redeem(self, code_id: str, expires_at: int, now: int) -> Redemption:
        """``SET <code_prefix><code_id> 1 NX EX <ttl>``: ``FIRST`` once, then ``REPLAYED``."""
    def revoke(self, jti: str, until: int, now: int) -> None:
        """Revokes ``jti`` until ``until`` (never shortening an earlier revocation)."""
    def is_revoked(self, jti: str, now: int) -> bool:
        """``EXISTS <revoked_prefix><jti>``."""
    def revoke_grant(self, client_id: str, userid: str | None, not_before: int, until: int, now: int) -> None:
        """Refuses everything of the grant issued at or before ``not_before``, until ``until``."""
    def is_grant_revoked(self, client_id: str, userid: str | None, issued_at: int | None, now: int) -> bool:
        """Whether something of the grant issued at ``issued_at`` (``None``: unknown) is refused."""
    def refresh_insert(self, digest: str, record: str, expires_at: int, now: int) -> None:
        """Holds a new refresh token ``digest`` (64 hex digits) with its ``record`` (the core's JSON)."""
    def refresh_use(self, digest: str, now: int) -> tuple[Redemption, str] | None:
        """Consumes a refresh token: ``(FIRST, record)`` once, then ``(REPLAYED, record)``; ``None`` if unknown."""
    def refresh_peek(self, digest: str, now: int) -> tuple[Redemption, str] | None:
        """What :meth:`refresh_use` would answer, consuming nothing."""

@final
class PostgresStore:
    """The Rust PostgreSQL store (crate ``airisk-auth-postgres``): the same tables as
    Rust and C services. ``dsn`` is a libpq-style connection string. ``migrate=True``
    creates (or completes) the schema now; otherwise no connection is opened here, and
    every call raises ``LedgerUnavailableError`` while the server is down or the
    schema missing. Timeouts are seconds. Raises ``InvalidConfigurationError`` for a
    bad setting (or a build without PostgreSQL)."""

    def __new__(
        cls,
        dsn: str,
        *,
        schema: str = "airisk",
        connect_timeout: float = 1.0,
        statement_timeout: float = 0.5,
        pool_size: int = 8,
        extra_retention: int = 0,
        migrate: bool = False,
    ) -> PostgresStore: ...
    def migrate(self) -> None:
        """Creates (or completes) the schema: idempotent, serialised across processes."""
    def ping(self) -> None:
        """Checks that the database answers and holds the tables."""
    def delete_expired(self, now: int, batch: int) -> int:
        """Deletes at most ``batch`` expired rows per table; the number deleted."""
    def redeem(self, code_id: str, expires_at: int, now: int) -> Redemption:
        """Marks ``code_id`` redeemed: ``FIRST`` once, then ``REPLAYED``."""
    def revoke(self, jti: str, until: int, now: int) -> None:
        """Revokes ``jti`` until ``until`` (never shortening an earlier revocation)."""
    def is_revoked(self, jti: str, now: int) -> bool:
        """Whether ``jti`` is revoked at ``now``."""
    def revoke_grant(self, client_id: str, userid: str | None, not_before: int, until: int, now: int) -> None:
        """Refuses everything of the grant issued at or before ``not_before``, until ``until``."""
    def is_grant_revoked(self, client_id: str, userid: str | None, issued_at: int | None, now: int) -> bool:
        """Whether something of the grant issued at ``issued_at`` (``None``: unknown) is refused."""
    def refresh_insert(self, digest: str, record: str, expires_at: int, now: int) -> None:
        """Holds a new refresh token ``digest`` (64 hex digits) with its ``record`` (the core's JSON)."""
    def refresh_use(self, digest: str, now: int) -> tuple[Redemption, str] | None:
        """Consumes a refresh token: ``(FIRST, record)`` once, then ``(REPLAYED, record)``; ``None`` if unknown."""
    def refresh_peek(self, digest: str, now: int) -> tuple[Redemption, str] | None:
        """What :meth:`refresh_use` would answer, consuming nothing."""
