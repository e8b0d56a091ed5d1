//! What an error is about: the claim, the setting, the position, the file.
//!
//! [`Error`] is a `Copy`, fieldless kind with a stable number: it is what the
//! verify path returns, what the C result codes and Python classes are, and
//! it never allocates. Saying *which* claim or setting is the job of the
//! types here, chosen so that the valid path costs nothing more:
//!
//! # Decisions
//! - **Settings** are checked where they are given: a setter that refuses a
//!   value returns a [`SettingError`] (a `Copy` value of static names and the
//!   allowed range, built only on refusal), which converts into
//!   [`Error::InvalidConfiguration`] with `?`. A whole
//!   [`IssuerConfig`](crate::flow::IssuerConfig) is checked by
//!   [`IssuerConfig::check`](crate::flow::IssuerConfig::check), which names the
//!   first setting out of range ([`Issuer::new`](crate::flow::Issuer::new) keeps
//!   returning the kind).
//! - **Claims**: the verifier finds a missing claim by name on its way
//!   (static names, no allocation) but returns only the kind. The slow
//!   [`Verifier::explain_at`](crate::token::Verifier::explain_at) verifies again
//!   and, on refusal, gives a [`Refusal`] whose [`Refusal::claim`] names the
//!   claim missing, or of the wrong type, in the token. It is for logs and
//!   error pages after a refusal, never for the request path.
//! - **Documents**: key and registry documents are read at start-up, so their
//!   errors may allocate: [`LoadError`] (line, column, message) comes from
//!   [`MemoryRegistry::from_json`](crate::registry::MemoryRegistry::from_json)
//!   and [`KeySet::explain`](crate::keys::KeySet::explain), and a file's
//!   [`FileError`](crate::file::FileError) carries it with the path. Unknown
//!   members are refused in both documents, so a typo is an error, not a default.
//! - **Files**: a file that cannot be opened or read is its own kind,
//!   [`Error::Io`], kept apart from a document that was read and refused; its
//!   [`FileError`](crate::file::FileError) has the path and the OS error.

use crate::error::Error;
use core::fmt;

pub use crate::registry::LoadError;

/// What values a setting allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Allowed {
    /// An integer from `min` to `max`, both included.
    Range {
        /// The smallest allowed value.
        min: u64,
        /// The largest allowed value.
        max: u64,
    },
    /// A rule that is not a range, e.g. "a non-empty string".
    Rule(&'static str),
}

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Allowed::Range { min, max } => write!(f, "{min} to {max}"),
            Allowed::Rule(rule) => f.write_str(rule),
        }
    }
}

/// A setting refused: which one and what it allows. Converts into
/// [`Error::InvalidConfiguration`].
///
/// ```
/// use airisk_auth::token::Policy;
/// let e = Policy::new("https://airisk.example").with_leeway(9999).unwrap_err();
/// assert_eq!(e.setting, "leeway");
/// assert_eq!(e.to_string(), "the setting `leeway` is out of its allowed range: 0 to 300");
/// assert_eq!(airisk_auth::Error::from(e), airisk_auth::Error::InvalidConfiguration);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SettingError {
    /// The setting's name, as the builder method or field spells it (`leeway`, `token_ttl`).
    pub setting: &'static str,
    /// What it allows.
    pub allowed: Allowed,
}

impl SettingError {
    /// `setting` must be an integer from `min` to `max`.
    #[must_use]
    pub const fn range(setting: &'static str, min: u64, max: u64) -> Self {
        SettingError {
            setting,
            allowed: Allowed::Range { min, max },
        }
    }

    /// `setting` must follow `rule`.
    #[must_use]
    pub const fn rule(setting: &'static str, rule: &'static str) -> Self {
        SettingError {
            setting,
            allowed: Allowed::Rule(rule),
        }
    }

    /// The error kind: always [`Error::InvalidConfiguration`].
    #[must_use]
    pub const fn kind(&self) -> Error {
        Error::InvalidConfiguration
    }
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.allowed {
            Allowed::Range { .. } => write!(
                f,
                "the setting `{}` is out of its allowed range: {}",
                self.setting, self.allowed
            ),
            Allowed::Rule(rule) => write!(f, "the setting `{}` must be {rule}", self.setting),
        }
    }
}

impl std::error::Error for SettingError {}

impl From<SettingError> for Error {
    fn from(e: SettingError) -> Self {
        e.kind()
    }
}

/// Why a token was refused, with the claim at fault when there is one: what
/// [`Verifier::explain_at`](crate::token::Verifier::explain_at) answers.
///
/// ```
/// # use airisk_auth::keys::{Key, KeySet};
/// # use airisk_auth::token::{Claims, Policy, Verifier};
/// # use std::sync::Arc;
/// # let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
/// let mut claims = Claims::user("https://airisk.example", "abc123", "user_42", 1_000, 3_600, "id-1");
/// claims.client_id = None;
/// let token = keys.mint(&claims)?;
/// let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
/// let refusal = verifier.explain_at(&token, 2_000).unwrap();
/// assert_eq!(refusal.kind, airisk_auth::Error::MissingClaim);
/// assert_eq!(refusal.claim, Some("client_id"));
/// assert_eq!(refusal.to_string(), "the token lacks a required claim: `client_id`");
/// # Ok::<(), airisk_auth::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Refusal {
    /// The error kind, as `verify` returns it.
    pub kind: Error,
    /// The registered claim missing ([`Error::MissingClaim`]) or not of its
    /// type ([`Error::MalformedClaims`]), when one is at fault.
    pub claim: Option<&'static str>,
}

impl Refusal {
    /// A refusal of `kind` naming no claim.
    #[must_use]
    pub const fn of(kind: Error) -> Self {
        Refusal { kind, claim: None }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.claim {
            Some(claim) => write!(f, "{}: `{claim}`", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl std::error::Error for Refusal {}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        r.kind
    }
}
