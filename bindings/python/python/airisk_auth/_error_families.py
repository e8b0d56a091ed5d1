"""The base class and the family classes of :mod:`airisk_auth.errors`: import them from there.

Generated from ``airisk_auth::Error::ALL`` by ``crates/airisk-auth/tests/generated.rs``;
do not edit. Regenerate: ``UPDATE_GENERATED=1 cargo test -p airisk-auth --test generated``.
"""

from __future__ import annotations

from typing import ClassVar


class AuthError(ValueError):
    """Base class of every airisk_auth error.

    ``code`` is the stable numeric kind (the C result code), ``name`` the core's name
    of the kind. Only the classes of kinds are raised; the base's ``code`` is 0.
    """

    code: ClassVar[int] = 0
    name: ClassVar[str] = "AuthError"
    claim: str | None = None
    setting: str | None = None
    allowed: str | None = None
    filename: str | None = None


class RefusalError(AuthError):
    """What was presented (a token, a request) is refused: a 4xx to its sender.

    Its families: :class:`TokenError`, :class:`RequestError`.
    """


class TokenError(RefusalError):
    """A bearer token was refused, or none was presented (a 401 or 403).

    Its kinds: ``TokenTooLargeError``, ``MalformedTokenError``,
    ``MalformedHeaderError``, ``AlgorithmMismatchError``, ``UnknownKeyIdError``,
    ``CriticalHeaderError``, ``InvalidSignatureError``, ``MalformedClaimsError``,
    ``MissingClaimError``, ``ExpiredError``, ``NotYetValidError``,
    ``InvalidIssuerError``, ``InvalidAudienceError``, ``UserTokenRequiredError``,
    ``TokenRevokedError``, ``WrongTokenTypeError``, ``MissingBearerError``,
    ``InsufficientScopeError``.
    """


class RequestError(RefusalError):
    """A request was refused: its client, user, parameters, code or PKCE (a 4xx).

    Its kinds: ``UnknownClientError``, ``InvalidClientSecretError``,
    ``InvalidRedirectUriError``, ``UnknownUserError``, ``MissingParameterError``,
    ``DuplicateParameterError``, ``MalformedRequestError``,
    ``UnsupportedContentTypeError``, ``InvalidCodeError``, ``CodeExpiredError``,
    ``CodeAlreadyRedeemedError``, ``UseridMismatchError``, ``PkceRequiredError``,
    ``PkceMismatchError``, ``PkceUnexpectedError``, ``UnsupportedPkceMethodError``,
    ``RequestTooLargeError``, ``InvalidClientCredentialsError``,
    ``MultipleClientAuthenticationError``, ``ClientAuthMethodNotAllowedError``,
    ``AccessDeniedError``, ``UnsupportedResponseTypeError``, ``InvalidScopeError``,
    ``InvalidTicketError``, ``TicketExpiredError``.
    """


class ConfigError(AuthError):
    """This side cannot work as set up or as it runs: fix the deployment or the code.

    Its kinds: ``WeakKeyError``, ``InvalidKeyError``, ``DuplicateKeyIdError``,
    ``NoSigningKeyError``, ``InvalidConfigurationError``, ``InvalidClaimsError``,
    ``RandomFailureError``, ``IoError``, ``InvalidRegistryError``, ``LedgerFullError``,
    ``LedgerUnavailableError``, ``InternalError``, ``InvalidArgumentError``,
    ``BufferTooSmallError``.
    """
