//! The result codes: `AIRISK_OK` and one per core error kind, with the core's numbers.
//!
//! Generated from `airisk_auth::Error::ALL` by `crates/airisk-auth/tests/generated.rs`;
//! do not edit. Regenerate: `UPDATE_GENERATED=1 cargo test -p airisk-auth --test generated`,
//! then `UPDATE_HEADER=1 cargo test -p airisk-auth-c --test header`.

/// The outcome of a call: `AIRISK_OK` (0) or the kind of failure.
///
/// The numbers are those of the Rust core's `airisk_auth::Error::code()` and are
/// never renumbered; new codes may be added. In the ABI this is a `uint32_t`
/// (see the typedef): compare it with the constants, and expect values you do
/// not know yet. `airisk_result_text()` and `airisk_result_name()` describe any code.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum airisk_result {
    /// Success.
    AIRISK_OK = 0,
    /// The token is longer than the policy's maximum; nothing was decoded.
    AIRISK_TOKEN_TOO_LARGE = 1,
    /// Not three non-empty segments of canonical unpadded base64url.
    AIRISK_MALFORMED_TOKEN = 2,
    /// The header is not a JSON object of the expected members (or repeats one).
    AIRISK_MALFORMED_HEADER = 3,
    /// The header's `alg` is not the algorithm of the key it selects (`none` included).
    AIRISK_ALGORITHM_MISMATCH = 4,
    /// The header's `kid` names no key of the key set (or none was given and the set has several).
    AIRISK_UNKNOWN_KEY_ID = 5,
    /// The header has a `crit` member: no extension is understood, so none is accepted.
    AIRISK_CRITICAL_HEADER = 6,
    /// The signature does not verify with the selected key.
    AIRISK_INVALID_SIGNATURE = 7,
    /// The claims are not a JSON object of well-typed members (or repeat one).
    AIRISK_MALFORMED_CLAIMS = 8,
    /// A claim the policy requires is absent.
    AIRISK_MISSING_CLAIM = 9,
    /// The current time is at or past `exp` (plus leeway).
    AIRISK_EXPIRED = 10,
    /// `nbf` or `iat` lies in the future (beyond the leeway); at the token
    /// endpoint, a code issued later than the endpoint's clock (beyond its leeway).
    AIRISK_NOT_YET_VALID = 11,
    /// `iss` is not the expected issuer.
    AIRISK_INVALID_ISSUER = 12,
    /// `aud` does not name this audience (or is present when none is expected).
    AIRISK_INVALID_AUDIENCE = 13,
    /// A generic (application) token was presented where a user token is required.
    AIRISK_USER_TOKEN_REQUIRED = 14,
    /// The token was revoked (its authorization code was used twice).
    AIRISK_TOKEN_REVOKED = 15,
    /// The header's `typ` says this is not an access token.
    AIRISK_WRONG_TOKEN_TYPE = 16,
    /// An HMAC secret shorter than 32 bytes (RFC 7518 §3.2).
    AIRISK_WEAK_KEY = 20,
    /// Key material that cannot be used: bad encoding, wrong size, small-order point, bad JWK.
    AIRISK_INVALID_KEY = 21,
    /// Two keys of a key set share a `kid`.
    AIRISK_DUPLICATE_KEY_ID = 22,
    /// Minting was asked of a key set that has no active signing key.
    AIRISK_NO_SIGNING_KEY = 23,
    /// A policy or issuer setting is out of its documented bounds.
    AIRISK_INVALID_CONFIGURATION = 24,
    /// Claims given to the minter are inconsistent (e.g. `exp` not after `iat`).
    AIRISK_INVALID_CLAIMS = 25,
    /// The system random number generator failed.
    AIRISK_RANDOM_FAILURE = 26,
    /// A key or registry file could not be opened or read: the operating system
    /// refused it (the file's error has the path and the OS error).
    AIRISK_IO = 27,
    /// A registry document is not valid (see the load error's position).
    AIRISK_INVALID_REGISTRY = 30,
    /// No client has this `client_id`.
    AIRISK_UNKNOWN_CLIENT = 31,
    /// The client secret does not match.
    AIRISK_INVALID_CLIENT_SECRET = 32,
    /// The `redirect_uri` is not one of the client's registered URIs.
    AIRISK_INVALID_REDIRECT_URI = 33,
    /// No user has this `userid`.
    AIRISK_UNKNOWN_USER = 34,
    /// A required request parameter is absent or empty.
    AIRISK_MISSING_PARAMETER = 35,
    /// A request parameter was given more than once.
    AIRISK_DUPLICATE_PARAMETER = 36,
    /// The request cannot be parsed (bad encoding, bad JSON, wrong value types, bad grant type).
    AIRISK_MALFORMED_REQUEST = 37,
    /// The token request's content type is neither form-urlencoded nor JSON.
    AIRISK_UNSUPPORTED_CONTENT_TYPE = 38,
    /// The code is malformed, forged, or bound to another client or redirect URI.
    AIRISK_INVALID_CODE = 39,
    /// The code's lifetime is over.
    AIRISK_CODE_EXPIRED = 40,
    /// The code was already redeemed (its token is now revoked).
    AIRISK_CODE_ALREADY_REDEEMED = 41,
    /// The `userid` of the token request differs from the authorization's (either way).
    AIRISK_USERID_MISMATCH = 42,
    /// PKCE is required (public client, or the code has a challenge) but was not given.
    AIRISK_PKCE_REQUIRED = 43,
    /// The PKCE verifier is malformed or does not match the challenge.
    AIRISK_PKCE_MISMATCH = 44,
    /// A PKCE verifier was sent for a code issued without a challenge (RFC 9700 §4.8.2).
    AIRISK_PKCE_UNEXPECTED = 45,
    /// A PKCE method other than `S256`, or a malformed challenge.
    AIRISK_UNSUPPORTED_PKCE_METHOD = 46,
    /// The in-memory ledger is at its capacity: no more codes can be redeemed until some expire.
    AIRISK_LEDGER_FULL = 47,
    /// The redemption ledger or revocation list could not be reached; failing closed.
    AIRISK_LEDGER_UNAVAILABLE = 48,
    /// No `Authorization` header, or one without bearer credentials.
    AIRISK_MISSING_BEARER = 49,
    /// A request or parameter is larger than its bound; it was not decoded.
    AIRISK_REQUEST_TOO_LARGE = 50,
    /// The `Authorization` header of a client is not well-formed `Basic` credentials
    /// (another scheme, not base64, no colon, bad escapes, over its bound), or names
    /// another client than the body's `client_id`.
    AIRISK_INVALID_CLIENT_CREDENTIALS = 51,
    /// A client authenticated in more than one way in one request (RFC 6749 §2.3).
    AIRISK_MULTIPLE_CLIENT_AUTHENTICATION = 52,
    /// The client is not registered for the authentication method it used.
    AIRISK_CLIENT_AUTH_METHOD_NOT_ALLOWED = 53,
    /// The user (or the host on their behalf) denied the authorization.
    AIRISK_ACCESS_DENIED = 54,
    /// A `response_type` other than `code`.
    AIRISK_UNSUPPORTED_RESPONSE_TYPE = 55,
    /// A requested scope is malformed, unknown, or not granted to the client or user.
    AIRISK_INVALID_SCOPE = 56,
    /// The token lacks a scope the resource requires.
    AIRISK_INSUFFICIENT_SCOPE = 57,
    /// A pending-authorization ticket is malformed, forged, or was already used.
    AIRISK_INVALID_TICKET = 58,
    /// A pending-authorization ticket's lifetime is over.
    AIRISK_TICKET_EXPIRED = 59,
    /// An internal failure (e.g. a panic caught at the C or Python boundary). A bug: please report.
    AIRISK_INTERNAL = 90,
    /// A NULL pointer or an argument a foreign caller passed that cannot be used.
    AIRISK_INVALID_ARGUMENT = 91,
    /// A caller-supplied output buffer is too small for the result.
    AIRISK_BUFFER_TOO_SMALL = 92,
}

impl airisk_result {
    /// The result code numbered `code`, if there is one.
    pub(crate) const fn from_code(code: u32) -> Option<Self> {
        match code {
            0 => Some(Self::AIRISK_OK),
            1 => Some(Self::AIRISK_TOKEN_TOO_LARGE),
            2 => Some(Self::AIRISK_MALFORMED_TOKEN),
            3 => Some(Self::AIRISK_MALFORMED_HEADER),
            4 => Some(Self::AIRISK_ALGORITHM_MISMATCH),
            5 => Some(Self::AIRISK_UNKNOWN_KEY_ID),
            6 => Some(Self::AIRISK_CRITICAL_HEADER),
            7 => Some(Self::AIRISK_INVALID_SIGNATURE),
            8 => Some(Self::AIRISK_MALFORMED_CLAIMS),
            9 => Some(Self::AIRISK_MISSING_CLAIM),
            10 => Some(Self::AIRISK_EXPIRED),
            11 => Some(Self::AIRISK_NOT_YET_VALID),
            12 => Some(Self::AIRISK_INVALID_ISSUER),
            13 => Some(Self::AIRISK_INVALID_AUDIENCE),
            14 => Some(Self::AIRISK_USER_TOKEN_REQUIRED),
            15 => Some(Self::AIRISK_TOKEN_REVOKED),
            16 => Some(Self::AIRISK_WRONG_TOKEN_TYPE),
            20 => Some(Self::AIRISK_WEAK_KEY),
            21 => Some(Self::AIRISK_INVALID_KEY),
            22 => Some(Self::AIRISK_DUPLICATE_KEY_ID),
            23 => Some(Self::AIRISK_NO_SIGNING_KEY),
            24 => Some(Self::AIRISK_INVALID_CONFIGURATION),
            25 => Some(Self::AIRISK_INVALID_CLAIMS),
            26 => Some(Self::AIRISK_RANDOM_FAILURE),
            27 => Some(Self::AIRISK_IO),
            30 => Some(Self::AIRISK_INVALID_REGISTRY),
            31 => Some(Self::AIRISK_UNKNOWN_CLIENT),
            32 => Some(Self::AIRISK_INVALID_CLIENT_SECRET),
            33 => Some(Self::AIRISK_INVALID_REDIRECT_URI),
            34 => Some(Self::AIRISK_UNKNOWN_USER),
            35 => Some(Self::AIRISK_MISSING_PARAMETER),
            36 => Some(Self::AIRISK_DUPLICATE_PARAMETER),
            37 => Some(Self::AIRISK_MALFORMED_REQUEST),
            38 => Some(Self::AIRISK_UNSUPPORTED_CONTENT_TYPE),
            39 => Some(Self::AIRISK_INVALID_CODE),
            40 => Some(Self::AIRISK_CODE_EXPIRED),
            41 => Some(Self::AIRISK_CODE_ALREADY_REDEEMED),
            42 => Some(Self::AIRISK_USERID_MISMATCH),
            43 => Some(Self::AIRISK_PKCE_REQUIRED),
            44 => Some(Self::AIRISK_PKCE_MISMATCH),
            45 => Some(Self::AIRISK_PKCE_UNEXPECTED),
            46 => Some(Self::AIRISK_UNSUPPORTED_PKCE_METHOD),
            47 => Some(Self::AIRISK_LEDGER_FULL),
            48 => Some(Self::AIRISK_LEDGER_UNAVAILABLE),
            49 => Some(Self::AIRISK_MISSING_BEARER),
            50 => Some(Self::AIRISK_REQUEST_TOO_LARGE),
            51 => Some(Self::AIRISK_INVALID_CLIENT_CREDENTIALS),
            52 => Some(Self::AIRISK_MULTIPLE_CLIENT_AUTHENTICATION),
            53 => Some(Self::AIRISK_CLIENT_AUTH_METHOD_NOT_ALLOWED),
            54 => Some(Self::AIRISK_ACCESS_DENIED),
            55 => Some(Self::AIRISK_UNSUPPORTED_RESPONSE_TYPE),
            56 => Some(Self::AIRISK_INVALID_SCOPE),
            57 => Some(Self::AIRISK_INSUFFICIENT_SCOPE),
            58 => Some(Self::AIRISK_INVALID_TICKET),
            59 => Some(Self::AIRISK_TICKET_EXPIRED),
            90 => Some(Self::AIRISK_INTERNAL),
            91 => Some(Self::AIRISK_INVALID_ARGUMENT),
            92 => Some(Self::AIRISK_BUFFER_TOO_SMALL),
            _ => None,
        }
    }
}
