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

from ._error_families import (
    AuthError,
    RefusalError,
    TokenError,
    RequestError,
    ConfigError,
)
from ._token_errors import (
    TokenTooLargeError,
    MalformedTokenError,
    MalformedHeaderError,
    AlgorithmMismatchError,
    UnknownKeyIdError,
    CriticalHeaderError,
    InvalidSignatureError,
    MalformedClaimsError,
    MissingClaimError,
    ExpiredError,
    NotYetValidError,
    InvalidIssuerError,
    InvalidAudienceError,
    UserTokenRequiredError,
    TokenRevokedError,
    WrongTokenTypeError,
    MissingBearerError,
    InsufficientScopeError,
)
from ._request_errors import (
    UnknownClientError,
    InvalidClientSecretError,
    InvalidRedirectUriError,
    UnknownUserError,
    MissingParameterError,
    DuplicateParameterError,
    MalformedRequestError,
    UnsupportedContentTypeError,
    InvalidCodeError,
    CodeExpiredError,
    CodeAlreadyRedeemedError,
    UseridMismatchError,
    PkceRequiredError,
    PkceMismatchError,
    PkceUnexpectedError,
    UnsupportedPkceMethodError,
    RequestTooLargeError,
    InvalidClientCredentialsError,
    MultipleClientAuthenticationError,
    ClientAuthMethodNotAllowedError,
    AccessDeniedError,
    UnsupportedResponseTypeError,
    InvalidScopeError,
    InvalidTicketError,
    TicketExpiredError,
)
from ._config_errors import (
    WeakKeyError,
    InvalidKeyError,
    DuplicateKeyIdError,
    NoSigningKeyError,
    InvalidConfigurationError,
    InvalidClaimsError,
    RandomFailureError,
    IoError,
    InvalidRegistryError,
    LedgerFullError,
    LedgerUnavailableError,
    InternalError,
    InvalidArgumentError,
    BufferTooSmallError,
)

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

# Defined in the private modules above, at home here: pickle, repr and the docs
# find every class as airisk_auth.errors.<name>.
for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
