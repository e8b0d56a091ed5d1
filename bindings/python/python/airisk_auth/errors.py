"""The exceptions of airisk_auth: one class per error kind of the Rust core.

Generated from ``airisk_auth::Error::ALL`` by ``crates/airisk-auth/tests/generated.rs``;
do not edit. Regenerate: ``UPDATE_GENERATED=1 cargo test -p airisk-auth --test generated``.

Every class is an :class:`AuthError` (a ``ValueError``) carrying the stable
numeric ``code`` of its kind (the C result code, never renumbered) and the core's
``name`` of it; the message is the core's and never echoes a secret or a token.

The classes fall in two families, decided per kind by the core
(``airisk_auth::Error::family``). The rule: an error is a refusal when what was
presented is at fault, so the answer is a 4xx to its sender and nothing on this
side needs fixing; it is a configuration error when this side cannot do what was
asked as it is set up or as it runs (keys, settings, a registry document, the
store, the random source, an unusable argument, a bug), which no change by the
sender would help.

- :class:`RefusalError`: what was presented is refused.

  - :class:`TokenError`: a bearer token (or none was presented);
  - :class:`RequestError`: an authorization or token request.

- :class:`ConfigError`: this side; a store that cannot answer is one
  (``LedgerUnavailableError``: the request is refused with a 503, failing closed).

So ``except TokenError`` never swallows a ``WeakKeyError`` or a store outage.

What an error is about is carried by attributes, ``None`` when they do not apply:
``claim`` (the claim missing or of the wrong type, e.g. ``"client_id"``),
``setting`` and ``allowed`` (the setting out of range, e.g. ``"leeway"``, and what
it allows, e.g. ``"0 to 300"``), ``filename`` (the key or registry file). A file
that cannot be read raises ``IoError``, which is also an ``OSError`` with the OS
error's ``errno`` and ``strerror``.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AuthError",
    "RefusalError",
    "TokenError",
    "RequestError",
    "ConfigError",
    "TokenTooLargeError",
    "MalformedTokenError",
    "MalformedHeaderError",
    "AlgorithmMismatchError",
    "UnknownKeyIdError",
    "CriticalHeaderError",
    "InvalidSignatureError",
    "MalformedClaimsError",
    "MissingClaimError",
    "ExpiredError",
    "NotYetValidError",
    "InvalidIssuerError",
    "InvalidAudienceError",
    "UserTokenRequiredError",
    "TokenRevokedError",
    "WrongTokenTypeError",
    "WeakKeyError",
    "InvalidKeyError",
    "DuplicateKeyIdError",
    "NoSigningKeyError",
    "InvalidConfigurationError",
    "InvalidClaimsError",
    "RandomFailureError",
    "IoError",
    "InvalidRegistryError",
    "UnknownClientError",
    "InvalidClientSecretError",
    "InvalidRedirectUriError",
    "UnknownUserError",
    "MissingParameterError",
    "DuplicateParameterError",
    "MalformedRequestError",
    "UnsupportedContentTypeError",
    "InvalidCodeError",
    "CodeExpiredError",
    "CodeAlreadyRedeemedError",
    "UseridMismatchError",
    "PkceRequiredError",
    "PkceMismatchError",
    "PkceUnexpectedError",
    "UnsupportedPkceMethodError",
    "LedgerFullError",
    "LedgerUnavailableError",
    "MissingBearerError",
    "RequestTooLargeError",
    "InvalidClientCredentialsError",
    "MultipleClientAuthenticationError",
    "ClientAuthMethodNotAllowedError",
    "AccessDeniedError",
    "UnsupportedResponseTypeError",
    "InvalidScopeError",
    "InsufficientScopeError",
    "InvalidTicketError",
    "TicketExpiredError",
    "InternalError",
    "InvalidArgumentError",
    "BufferTooSmallError",
]


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


class TokenTooLargeError(TokenError):
    """The token is longer than the allowed maximum (code 1).

    The token is longer than the policy's maximum; nothing was decoded.
    """

    code: ClassVar[int] = 1
    name: ClassVar[str] = "TokenTooLarge"


class MalformedTokenError(TokenError):
    """The token is not a well-formed compact JWS (code 2).

    Not three non-empty segments of canonical unpadded base64url.
    """

    code: ClassVar[int] = 2
    name: ClassVar[str] = "MalformedToken"


class MalformedHeaderError(TokenError):
    """The token header is malformed (code 3).

    The header is not a JSON object of the expected members (or repeats one).
    """

    code: ClassVar[int] = 3
    name: ClassVar[str] = "MalformedHeader"


class AlgorithmMismatchError(TokenError):
    """The token algorithm is not the one of its key (code 4).

    The header's ``alg`` is not the algorithm of the key it selects (``none`` included).
    """

    code: ClassVar[int] = 4
    name: ClassVar[str] = "AlgorithmMismatch"


class UnknownKeyIdError(TokenError):
    """The token names a key that is not known (code 5).

    The header's ``kid`` names no key of the key set (or none was given and the set has several).
    """

    code: ClassVar[int] = 5
    name: ClassVar[str] = "UnknownKeyId"


class CriticalHeaderError(TokenError):
    """The token header has critical extensions (code 6).

    The header has a ``crit`` member: no extension is understood, so none is accepted.
    """

    code: ClassVar[int] = 6
    name: ClassVar[str] = "CriticalHeader"


class InvalidSignatureError(TokenError):
    """The token signature is invalid (code 7).

    The signature does not verify with the selected key.
    """

    code: ClassVar[int] = 7
    name: ClassVar[str] = "InvalidSignature"


class MalformedClaimsError(TokenError):
    """The token claims are malformed (code 8).

    The claims are not a JSON object of well-typed members (or repeat one).
    """

    code: ClassVar[int] = 8
    name: ClassVar[str] = "MalformedClaims"


class MissingClaimError(TokenError):
    """The token lacks a required claim (code 9).

    A claim the policy requires is absent.
    """

    code: ClassVar[int] = 9
    name: ClassVar[str] = "MissingClaim"


class ExpiredError(TokenError):
    """The token has expired (code 10).

    The current time is at or past ``exp`` (plus leeway).
    """

    code: ClassVar[int] = 10
    name: ClassVar[str] = "Expired"


class NotYetValidError(TokenError):
    """The token is not yet valid (code 11).

    ``nbf`` or ``iat`` lies in the future (beyond the leeway); at the token
    endpoint, a code issued later than the endpoint's clock (beyond its leeway).
    """

    code: ClassVar[int] = 11
    name: ClassVar[str] = "NotYetValid"


class InvalidIssuerError(TokenError):
    """The token issuer is not accepted (code 12).

    ``iss`` is not the expected issuer.
    """

    code: ClassVar[int] = 12
    name: ClassVar[str] = "InvalidIssuer"


class InvalidAudienceError(TokenError):
    """The token audience is not accepted (code 13).

    ``aud`` does not name this audience (or is present when none is expected).
    """

    code: ClassVar[int] = 13
    name: ClassVar[str] = "InvalidAudience"


class UserTokenRequiredError(TokenError):
    """A user-specific token is required (code 14).

    A generic (application) token was presented where a user token is required.
    """

    code: ClassVar[int] = 14
    name: ClassVar[str] = "UserTokenRequired"


class TokenRevokedError(TokenError):
    """The token has been revoked (code 15).

    The token was revoked (its authorization code was used twice).
    """

    code: ClassVar[int] = 15
    name: ClassVar[str] = "TokenRevoked"


class WrongTokenTypeError(TokenError):
    """The token is not an access token (code 16).

    The header's ``typ`` says this is not an access token.
    """

    code: ClassVar[int] = 16
    name: ClassVar[str] = "WrongTokenType"


class WeakKeyError(ConfigError):
    """The key is too short (code 20).

    An HMAC secret shorter than 32 bytes (RFC 7518 §3.2).
    """

    code: ClassVar[int] = 20
    name: ClassVar[str] = "WeakKey"


class InvalidKeyError(ConfigError):
    """The key is invalid (code 21).

    Key material that cannot be used: bad encoding, wrong size, small-order point, bad JWK.
    """

    code: ClassVar[int] = 21
    name: ClassVar[str] = "InvalidKey"


class DuplicateKeyIdError(ConfigError):
    """Two keys share a key id (code 22).

    Two keys of a key set share a ``kid``.
    """

    code: ClassVar[int] = 22
    name: ClassVar[str] = "DuplicateKeyId"


class NoSigningKeyError(ConfigError):
    """The key set has no signing key (code 23).

    Minting was asked of a key set that has no active signing key.
    """

    code: ClassVar[int] = 23
    name: ClassVar[str] = "NoSigningKey"


class InvalidConfigurationError(ConfigError):
    """A setting is out of its allowed range (code 24).

    A policy or issuer setting is out of its documented bounds.
    """

    code: ClassVar[int] = 24
    name: ClassVar[str] = "InvalidConfiguration"


class InvalidClaimsError(ConfigError):
    """The claims to sign are invalid (code 25).

    Claims given to the minter are inconsistent (e.g. ``exp`` not after ``iat``).
    """

    code: ClassVar[int] = 25
    name: ClassVar[str] = "InvalidClaims"


class RandomFailureError(ConfigError):
    """The random number generator failed (code 26).

    The system random number generator failed.
    """

    code: ClassVar[int] = 26
    name: ClassVar[str] = "RandomFailure"


class IoError(OSError, ConfigError):
    """A file could not be read (code 27).

    A key or registry file could not be opened or read: the operating system
    refused it (the file's error has the path and the OS error).
    """

    code: ClassVar[int] = 27
    name: ClassVar[str] = "Io"


class InvalidRegistryError(ConfigError):
    """The registry is invalid (code 30).

    A registry document is not valid (see the load error's position).
    """

    code: ClassVar[int] = 30
    name: ClassVar[str] = "InvalidRegistry"


class UnknownClientError(RequestError):
    """The client is not known (code 31).

    No client has this ``client_id``.
    """

    code: ClassVar[int] = 31
    name: ClassVar[str] = "UnknownClient"


class InvalidClientSecretError(RequestError):
    """The client secret is wrong (code 32).

    The client secret does not match.
    """

    code: ClassVar[int] = 32
    name: ClassVar[str] = "InvalidClientSecret"


class InvalidRedirectUriError(RequestError):
    """The redirect URI is not registered for the client (code 33).

    The ``redirect_uri`` is not one of the client's registered URIs.
    """

    code: ClassVar[int] = 33
    name: ClassVar[str] = "InvalidRedirectUri"


class UnknownUserError(RequestError):
    """The user is not known (code 34).

    No user has this ``userid``.
    """

    code: ClassVar[int] = 34
    name: ClassVar[str] = "UnknownUser"


class MissingParameterError(RequestError):
    """A required parameter is missing (code 35).

    A required request parameter is absent or empty.
    """

    code: ClassVar[int] = 35
    name: ClassVar[str] = "MissingParameter"


class DuplicateParameterError(RequestError):
    """A parameter was repeated (code 36).

    A request parameter was given more than once.
    """

    code: ClassVar[int] = 36
    name: ClassVar[str] = "DuplicateParameter"


class MalformedRequestError(RequestError):
    """The request is malformed (code 37).

    The request cannot be parsed (bad encoding, bad JSON, wrong value types, bad grant type).
    """

    code: ClassVar[int] = 37
    name: ClassVar[str] = "MalformedRequest"


class UnsupportedContentTypeError(RequestError):
    """The content type is not supported (code 38).

    The token request's content type is neither form-urlencoded nor JSON.
    """

    code: ClassVar[int] = 38
    name: ClassVar[str] = "UnsupportedContentType"


class InvalidCodeError(RequestError):
    """The authorization code is invalid (code 39).

    The code is malformed, forged, or bound to another client or redirect URI.
    """

    code: ClassVar[int] = 39
    name: ClassVar[str] = "InvalidCode"


class CodeExpiredError(RequestError):
    """The authorization code has expired (code 40).

    The code's lifetime is over.
    """

    code: ClassVar[int] = 40
    name: ClassVar[str] = "CodeExpired"


class CodeAlreadyRedeemedError(RequestError):
    """The authorization code was already used (code 41).

    The code was already redeemed (its token is now revoked).
    """

    code: ClassVar[int] = 41
    name: ClassVar[str] = "CodeAlreadyRedeemed"


class UseridMismatchError(RequestError):
    """The userid does not match the authorization (code 42).

    The ``userid`` of the token request differs from the authorization's (either way).
    """

    code: ClassVar[int] = 42
    name: ClassVar[str] = "UseridMismatch"


class PkceRequiredError(RequestError):
    """A PKCE code challenge or verifier is required (code 43).

    PKCE is required (public client, or the code has a challenge) but was not given.
    """

    code: ClassVar[int] = 43
    name: ClassVar[str] = "PkceRequired"


class PkceMismatchError(RequestError):
    """The PKCE code verifier does not match (code 44).

    The PKCE verifier is malformed or does not match the challenge.
    """

    code: ClassVar[int] = 44
    name: ClassVar[str] = "PkceMismatch"


class PkceUnexpectedError(RequestError):
    """A PKCE code verifier was sent for a code without a challenge (code 45).

    A PKCE verifier was sent for a code issued without a challenge (RFC 9700 §4.8.2).
    """

    code: ClassVar[int] = 45
    name: ClassVar[str] = "PkceUnexpected"


class UnsupportedPkceMethodError(RequestError):
    """The PKCE method is not supported (code 46).

    A PKCE method other than ``S256``, or a malformed challenge.
    """

    code: ClassVar[int] = 46
    name: ClassVar[str] = "UnsupportedPkceMethod"


class LedgerFullError(ConfigError):
    """The redemption ledger is full (code 47).

    The in-memory ledger is at its capacity: no more codes can be redeemed until some expire.
    """

    code: ClassVar[int] = 47
    name: ClassVar[str] = "LedgerFull"


class LedgerUnavailableError(ConfigError):
    """The redemption ledger is unavailable (code 48).

    The redemption ledger or revocation list could not be reached; failing closed.
    """

    code: ClassVar[int] = 48
    name: ClassVar[str] = "LedgerUnavailable"


class MissingBearerError(TokenError):
    """No bearer token was presented (code 49).

    No ``Authorization`` header, or one without bearer credentials.
    """

    code: ClassVar[int] = 49
    name: ClassVar[str] = "MissingBearer"


class RequestTooLargeError(RequestError):
    """The request is too large (code 50).

    A request or parameter is larger than its bound; it was not decoded.
    """

    code: ClassVar[int] = 50
    name: ClassVar[str] = "RequestTooLarge"


class InvalidClientCredentialsError(RequestError):
    """The client credentials are malformed (code 51).

    The ``Authorization`` header of a client is not well-formed ``Basic`` credentials
    (another scheme, not base64, no colon, bad escapes, over its bound), or names
    another client than the body's ``client_id``.
    """

    code: ClassVar[int] = 51
    name: ClassVar[str] = "InvalidClientCredentials"


class MultipleClientAuthenticationError(RequestError):
    """The client used more than one authentication method (code 52).

    A client authenticated in more than one way in one request (RFC 6749 §2.3).
    """

    code: ClassVar[int] = 52
    name: ClassVar[str] = "MultipleClientAuthentication"


class ClientAuthMethodNotAllowedError(RequestError):
    """The client may not authenticate this way (code 53).

    The client is not registered for the authentication method it used.
    """

    code: ClassVar[int] = 53
    name: ClassVar[str] = "ClientAuthMethodNotAllowed"


class AccessDeniedError(RequestError):
    """The authorization was denied (code 54).

    The user (or the host on their behalf) denied the authorization.
    """

    code: ClassVar[int] = 54
    name: ClassVar[str] = "AccessDenied"


class UnsupportedResponseTypeError(RequestError):
    """The response type is not supported (code 55).

    A ``response_type`` other than ``code``.
    """

    code: ClassVar[int] = 55
    name: ClassVar[str] = "UnsupportedResponseType"


class InvalidScopeError(RequestError):
    """A requested scope is not granted (code 56).

    A requested scope is malformed, unknown, or not granted to the client or user.
    """

    code: ClassVar[int] = 56
    name: ClassVar[str] = "InvalidScope"


class InsufficientScopeError(TokenError):
    """The token lacks a required scope (code 57).

    The token lacks a scope the resource requires.
    """

    code: ClassVar[int] = 57
    name: ClassVar[str] = "InsufficientScope"


class InvalidTicketError(RequestError):
    """The authorization ticket is invalid (code 58).

    A pending-authorization ticket is malformed, forged, or was already used.
    """

    code: ClassVar[int] = 58
    name: ClassVar[str] = "InvalidTicket"


class TicketExpiredError(RequestError):
    """The authorization ticket has expired (code 59).

    A pending-authorization ticket's lifetime is over.
    """

    code: ClassVar[int] = 59
    name: ClassVar[str] = "TicketExpired"


class InternalError(ConfigError):
    """Internal error (code 90).

    An internal failure (e.g. a panic caught at the C or Python boundary). A bug: please report.
    """

    code: ClassVar[int] = 90
    name: ClassVar[str] = "Internal"


class InvalidArgumentError(ConfigError):
    """An argument is invalid (code 91).

    A NULL pointer or an argument a foreign caller passed that cannot be used.
    """

    code: ClassVar[int] = 91
    name: ClassVar[str] = "InvalidArgument"


class BufferTooSmallError(ConfigError):
    """The output buffer is too small (code 92).

    A caller-supplied output buffer is too small for the result.
    """

    code: ClassVar[int] = 92
    name: ClassVar[str] = "BufferTooSmall"
