//! The one error type of the crate, with a stable numeric kind per variant.
//!
//! Every failure in keys, tokens, codes, the registry and the flows is one of
//! these variants. Each has a numeric [`Error::code`] that is never renumbered
//! (the C result codes are these numbers, the Python exception classes are
//! named after [`Error::name`]) and a message that never echoes a secret or any
//! part of a token: errors are safe to log as they are.
//!
//! [`Error::ALL`] is the one list of error kinds. From it (with each kind's
//! name, number, message, [`Error::doc_lines`] and [`Error::family`]) the C result
//! codes (`bindings/c/src/result/codes.rs`, and from that the `airisk_result` enum
//! of `include/airisk_auth.h`) and the Python exception classes
//! (`bindings/python/python/airisk_auth/errors.py`) are generated, and the test
//! command fails when a committed copy is stale. Adding a kind here is the only
//! edit; then regenerate:
//!
//! ```text
//! UPDATE_GENERATED=1 cargo test -p airisk-auth --test generated
//! UPDATE_HEADER=1 cargo test -p airisk-auth-c --test header
//! ```
//!
//! ```
//! use airisk_auth::Error;
//! assert_eq!(Error::Expired.code(), 10);
//! assert_eq!(Error::from_code(10), Some(Error::Expired));
//! assert_eq!(Error::Expired.name(), "Expired");
//! assert_eq!(Error::Expired.to_string(), "the token has expired");
//! ```

macro_rules! define_errors {
    ($( $(#[doc = $doc:literal])* $variant:ident = $code:literal => $msg:literal, )+) => {
        /// Every way an operation of this crate can fail.
        ///
        /// New variants may be added (with new numbers); existing numbers never change.
        #[non_exhaustive]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
        #[repr(u32)]
        pub enum Error {
            $( $(#[doc = $doc])* #[error($msg)] $variant = $code, )+
        }

        impl Error {
            /// Every variant, in numeric order: what the C and Python layers are checked against.
            pub const ALL: &'static [Error] = &[ $( Error::$variant, )+ ];

            /// The stable numeric kind of this error (never 0: 0 is success in C).
            #[must_use]
            pub const fn code(self) -> u32 {
                match self { $( Error::$variant => $code, )+ }
            }

            /// The variant's name, e.g. `"InvalidSignature"`: the name used in test
            /// vectors and, with an `Error` suffix, the Python exception class.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $( Error::$variant => stringify!($variant), )+ }
            }

            /// The error with this numeric kind, if there is one.
            #[must_use]
            pub fn from_code(code: u32) -> Option<Error> {
                match code { $( $code => Some(Error::$variant), )+ _ => None }
            }

            /// The error with this name (as given by [`Error::name`]), if there is one.
            #[must_use]
            pub fn from_name(name: &str) -> Option<Error> {
                match name { $( stringify!($variant) => Some(Error::$variant), )+ _ => None }
            }

            /// The variant's documentation, one entry per line of its doc comment
            /// (each as rustdoc has it, with its leading space): what the C header and
            /// the Python docstrings say of the kind beyond its message.
            #[must_use]
            pub const fn doc_lines(self) -> &'static [&'static str] {
                match self { $( Error::$variant => &[ $( $doc, )* ], )+ }
            }
        }
    };
}

define_errors! {
    // ---- token structure (1..=19) ----
    /// The token is longer than the policy's maximum; nothing was decoded.
    TokenTooLarge = 1 => "the token is longer than the allowed maximum",
    /// Not three non-empty segments of canonical unpadded base64url.
    MalformedToken = 2 => "the token is not a well-formed compact JWS",
    /// The header is not a JSON object of the expected members (or repeats one).
    MalformedHeader = 3 => "the token header is malformed",
    /// The header's `alg` is not the algorithm of the key it selects (`none` included).
    AlgorithmMismatch = 4 => "the token algorithm is not the one of its key",
    /// The header's `kid` names no key of the key set (or none was given and the set has several).
    UnknownKeyId = 5 => "the token names a key that is not known",
    /// The header has a `crit` member: no extension is understood, so none is accepted.
    CriticalHeader = 6 => "the token header has critical extensions",
    /// The signature does not verify with the selected key.
    InvalidSignature = 7 => "the token signature is invalid",
    /// The claims are not a JSON object of well-typed members (or repeat one).
    MalformedClaims = 8 => "the token claims are malformed",
    /// A claim the policy requires is absent.
    MissingClaim = 9 => "the token lacks a required claim",
    /// The current time is at or past `exp` (plus leeway).
    Expired = 10 => "the token has expired",
    /// `nbf` or `iat` lies in the future (beyond the leeway); at the token
    /// endpoint, a code issued later than the endpoint's clock (beyond its leeway).
    NotYetValid = 11 => "the token is not yet valid",
    /// `iss` is not the expected issuer.
    InvalidIssuer = 12 => "the token issuer is not accepted",
    /// `aud` does not name this audience (or is present when none is expected).
    InvalidAudience = 13 => "the token audience is not accepted",
    /// A generic (application) token was presented where a user token is required.
    UserTokenRequired = 14 => "a user-specific token is required",
    /// The token was revoked (its authorization code was used twice).
    TokenRevoked = 15 => "the token has been revoked",
    /// The header's `typ` says this is not an access token.
    WrongTokenType = 16 => "the token is not an access token",

    // ---- keys and configuration (20..=29) ----
    /// An HMAC secret shorter than 32 bytes (RFC 7518 §3.2).
    WeakKey = 20 => "the key is too short",
    /// Key material that cannot be used: bad encoding, wrong size, small-order point, bad JWK.
    InvalidKey = 21 => "the key is invalid",
    /// Two keys of a key set share a `kid`.
    DuplicateKeyId = 22 => "two keys share a key id",
    /// Minting was asked of a key set that has no active signing key.
    NoSigningKey = 23 => "the key set has no signing key",
    /// A policy or issuer setting is out of its documented bounds.
    InvalidConfiguration = 24 => "a setting is out of its allowed range",
    /// Claims given to the minter are inconsistent (e.g. `exp` not after `iat`).
    InvalidClaims = 25 => "the claims to sign are invalid",
    /// The system random number generator failed.
    RandomFailure = 26 => "the random number generator failed",
    /// A key or registry file could not be opened or read: the operating system
    /// refused it (the file's error has the path and the OS error).
    Io = 27 => "a file could not be read",

    // ---- registry and flow (30..=59) ----
    /// A registry document is not valid (see the load error's position).
    InvalidRegistry = 30 => "the registry is invalid",
    /// No client has this `client_id`.
    UnknownClient = 31 => "the client is not known",
    /// The client secret does not match.
    InvalidClientSecret = 32 => "the client secret is wrong",
    /// The `redirect_uri` is not one of the client's registered URIs.
    InvalidRedirectUri = 33 => "the redirect URI is not registered for the client",
    /// No user has this `userid`.
    UnknownUser = 34 => "the user is not known",
    /// A required request parameter is absent or empty.
    MissingParameter = 35 => "a required parameter is missing",
    /// A request parameter was given more than once.
    DuplicateParameter = 36 => "a parameter was repeated",
    /// The request cannot be parsed (bad encoding, bad JSON, wrong value types, bad grant type).
    MalformedRequest = 37 => "the request is malformed",
    /// The token request's content type is neither form-urlencoded nor JSON.
    UnsupportedContentType = 38 => "the content type is not supported",
    /// The code is malformed, forged, or bound to another client or redirect URI.
    InvalidCode = 39 => "the authorization code is invalid",
    /// The code's lifetime is over.
    CodeExpired = 40 => "the authorization code has expired",
    /// The code was already redeemed (its token is now revoked).
    CodeAlreadyRedeemed = 41 => "the authorization code was already used",
    /// The `userid` of the token request differs from the authorization's (either way).
    UseridMismatch = 42 => "the userid does not match the authorization",
    /// PKCE is required (public client, or the code has a challenge) but was not given.
    PkceRequired = 43 => "a PKCE code challenge or verifier is required",
    /// The PKCE verifier is malformed or does not match the challenge.
    PkceMismatch = 44 => "the PKCE code verifier does not match",
    /// A PKCE verifier was sent for a code issued without a challenge (RFC 9700 §4.8.2).
    PkceUnexpected = 45 => "a PKCE code verifier was sent for a code without a challenge",
    /// A PKCE method other than `S256`, or a malformed challenge.
    UnsupportedPkceMethod = 46 => "the PKCE method is not supported",
    /// The in-memory ledger is at its capacity: no more codes can be redeemed until some expire.
    LedgerFull = 47 => "the redemption ledger is full",
    /// The redemption ledger or revocation list could not be reached; failing closed.
    LedgerUnavailable = 48 => "the redemption ledger is unavailable",
    /// No `Authorization` header, or one without bearer credentials.
    MissingBearer = 49 => "no bearer token was presented",
    /// A request or parameter is larger than its bound; it was not decoded.
    RequestTooLarge = 50 => "the request is too large",
    /// The `Authorization` header of a client is not well-formed `Basic` credentials
    /// (another scheme, not base64, no colon, bad escapes, over its bound), or names
    /// another client than the body's `client_id`.
    InvalidClientCredentials = 51 => "the client credentials are malformed",
    /// A client authenticated in more than one way in one request (RFC 6749 §2.3).
    MultipleClientAuthentication = 52 => "the client used more than one authentication method",
    /// The client is not registered for the authentication method it used.
    ClientAuthMethodNotAllowed = 53 => "the client may not authenticate this way",
    /// The user (or the host on their behalf) denied the authorization.
    AccessDenied = 54 => "the authorization was denied",
    /// A `response_type` other than `code`.
    UnsupportedResponseType = 55 => "the response type is not supported",
    /// A requested scope is malformed, unknown, or not granted to the client or user.
    InvalidScope = 56 => "a requested scope is not granted",
    /// The token lacks a scope the resource requires.
    InsufficientScope = 57 => "the token lacks a required scope",
    /// A pending-authorization ticket is malformed, forged, or was already used.
    InvalidTicket = 58 => "the authorization ticket is invalid",
    /// A pending-authorization ticket's lifetime is over.
    TicketExpired = 59 => "the authorization ticket has expired",

    // ---- boundary (90..) ----
    /// An internal failure (e.g. a panic caught at the C or Python boundary). A bug: please report.
    Internal = 90 => "internal error",
    /// A NULL pointer or an argument a foreign caller passed that cannot be used.
    InvalidArgument = 91 => "an argument is invalid",
    /// A caller-supplied output buffer is too small for the result.
    BufferTooSmall = 92 => "the output buffer is too small",
}

/// Which side an error is the fault of: what decides the Python exception families.
///
/// Decided per error kind by [`Error::family`]. The rule: an error is a refusal
/// ([`Family::Token`] or [`Family::Request`]) when what was presented (a token, a
/// request) is at fault, so the answer is a 4xx to its sender and nothing on this
/// side needs fixing; it is [`Family::Config`] when this side cannot do what was
/// asked as it is set up or as it runs (keys, settings, a registry document, the
/// store, the random source, a caller's argument, a bug), which no change by the
/// sender would help.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// A bearer token was refused, or none was presented (a 401 or 403).
    Token,
    /// An authorization or token request was refused: its client, user,
    /// parameters, code or PKCE (a 4xx).
    Request,
    /// This side's configuration or environment, or a bug (a 5xx, or an error
    /// at start-up): fix the deployment or the code.
    Config,
}

impl Error {
    /// The family of this error kind (see [`Family`] for the rule).
    ///
    /// By number range, as the kinds are numbered: 1–19 (token structure and
    /// claims) are [`Family::Token`], 20–29 (keys and settings) [`Family::Config`],
    /// 30–89 (registry and flow) [`Family::Request`], 90 and above (the foreign
    /// boundary: a bug, an unusable argument, a short buffer) [`Family::Config`];
    /// except [`Error::MissingBearer`] (a token refusal), and
    /// [`Error::InvalidRegistry`], [`Error::LedgerFull`] and
    /// [`Error::LedgerUnavailable`] (this side's registry and store: a 503, never a
    /// refusal of the request). A new kind outside these rules is named here.
    #[must_use]
    pub const fn family(self) -> Family {
        match self {
            Error::MissingBearer | Error::InsufficientScope => Family::Token,
            Error::InvalidRegistry | Error::LedgerFull | Error::LedgerUnavailable => Family::Config,
            _ => match self.code() {
                1..=19 => Family::Token,
                30..=89 => Family::Request,
                _ => Family::Config,
            },
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn codes_and_names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &e in Error::ALL {
            assert_ne!(e.code(), 0);
            assert!(seen.insert(e.code()), "duplicate code {}", e.code());
            assert_eq!(Error::from_code(e.code()), Some(e));
            assert_eq!(Error::from_name(e.name()), Some(e));
        }
        assert_eq!(Error::from_code(0), None);
        assert_eq!(Error::from_name("NoSuchError"), None);
    }

    #[test]
    fn numbering_is_stable() {
        // These numbers are ABI: the C header and Python classes depend on them.
        assert_eq!(Error::TokenTooLarge.code(), 1);
        assert_eq!(Error::InvalidSignature.code(), 7);
        assert_eq!(Error::WeakKey.code(), 20);
        assert_eq!(Error::Io.code(), 27);
        assert_eq!(Error::InvalidRegistry.code(), 30);
        assert_eq!(Error::RequestTooLarge.code(), 50);
        assert_eq!(Error::Internal.code(), 90);
        assert_eq!(Error::BufferTooSmall.code(), 92);
    }

    #[test]
    fn families_split_refusals_from_this_sides_faults() {
        use super::Family;
        assert_eq!(Error::InvalidSignature.family(), Family::Token);
        assert_eq!(Error::MissingBearer.family(), Family::Token);
        assert_eq!(Error::InvalidCode.family(), Family::Request);
        assert_eq!(Error::RequestTooLarge.family(), Family::Request);
        for config in [
            Error::WeakKey,
            Error::InvalidConfiguration,
            Error::Io,
            Error::InvalidRegistry,
            Error::LedgerFull,
            Error::LedgerUnavailable,
            Error::Internal,
        ] {
            assert_eq!(config.family(), Family::Config, "{config:?}");
        }
    }

    #[test]
    fn every_kind_is_documented() {
        for &e in Error::ALL {
            assert!(!e.doc_lines().is_empty(), "{e:?}");
            assert!(e.doc_lines().iter().all(|l| !l.contains('\n')), "{e:?}");
        }
        assert_eq!(
            Error::InvalidSignature.doc_lines(),
            &[" The signature does not verify with the selected key."]
        );
    }
}
