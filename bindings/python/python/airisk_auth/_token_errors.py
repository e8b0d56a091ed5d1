"""The TokenError classes of :mod:`airisk_auth.errors`: import them from there.

Generated from ``airisk_auth::Error::ALL`` by ``crates/airisk-auth/tests/generated.rs``;
do not edit. Regenerate: ``UPDATE_GENERATED=1 cargo test -p airisk-auth --test generated``.
"""

from __future__ import annotations

from typing import ClassVar

from ._error_families import TokenError


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


class MissingBearerError(TokenError):
    """No bearer token was presented (code 49).

    No ``Authorization`` header, or one without bearer credentials.
    """

    code: ClassVar[int] = 49
    name: ClassVar[str] = "MissingBearer"


class InsufficientScopeError(TokenError):
    """The token lacks a required scope (code 57).

    The token lacks a scope the resource requires.
    """

    code: ClassVar[int] = 57
    name: ClassVar[str] = "InsufficientScope"
