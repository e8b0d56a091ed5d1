"""The ConfigError classes of :mod:`airisk_auth.errors`: import them from there.

Generated from ``airisk_auth::Error::ALL`` by ``crates/airisk-auth/tests/generated.rs``;
do not edit. Regenerate: ``UPDATE_GENERATED=1 cargo test -p airisk-auth --test generated``.
"""

from __future__ import annotations

from typing import ClassVar

from ._error_families import ConfigError


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
