"""The RequestError classes of :mod:`airisk_auth.errors`: import them from there.

Generated from ``airisk_auth::Error::ALL`` by ``crates/airisk-auth/tests/generated.rs``;
do not edit. Regenerate: ``UPDATE_GENERATED=1 cargo test -p airisk-auth --test generated``.
"""

from __future__ import annotations

from typing import ClassVar

from ._error_families import RequestError


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
