//! Clients (AIRisk's APIUser) and users (ApplicationUser), and where they come from.
//!
//! The flows look clients and users up through the [`Registry`] trait, so a
//! service can back it with its own database; [`MemoryRegistry`] is built in
//! code or loaded from JSON:
//!
//! ```json
//! {
//!   "clients": [
//!     {"client_id": "abc123", "client_secret": "…",
//!      "redirect_uri": "https://localhost/callback,https://app.example/cb"},
//!     {"client_id": "mobile", "client_secret_sha256": "<64 hex digits>",
//!      "redirect_uri": "com.example.app:/cb", "public": true, "refresh_tokens": true},
//!     {"client_id": "spa", "token_endpoint_auth_method": "none",
//!      "redirect_uri": "https://app.example/cb"},
//!     {"client_id": "backend", "client_secret": "…", "redirect_uri": "https://b.example/cb",
//!      "token_endpoint_auth_method": ["client_secret_basic"],
//!      "scopes": ["read:risk", "write:risk"], "default_scopes": ["read:risk"]}
//!   ],
//!   "users": [{"userid": "user_42", "company_id": "acme", "scopes": ["read:risk"]}]
//! }
//! ```
//!
//! # Decisions
//! - `redirect_uri` is AIRisk's comma-separated column, parsed strictly at load:
//!   an empty entry, or one with surrounding or inner whitespace, is refused, as is
//!   one without a scheme, with a fragment (RFC 6749 §3.1.2), with userinfo, or
//!   `http:` to a host other than a loopback one (RFC 9700 §2.6).
//!   At request time the match is an exact string comparison (RFC 9700 §4.1.3).
//! - Secrets are kept only as their SHA-256 digest, whether given in clear
//!   (`client_secret`) or as a digest (`client_secret_sha256`), and compared in
//!   constant time. SHA-256 is not a password hash: client secrets must be
//!   high-entropy random strings, as the AIRisk admin UI issues them.
//! - `"public": true` marks a client that must use PKCE (S256).
//! - `token_endpoint_auth_method` (RFC 7591's member, here a name or a list of
//!   names) says how the client authenticates at the token endpoint:
//!   `client_secret_basic`, `client_secret_post` (both by default for a client
//!   with a secret) or `none`. `none` is for public clients only: such a client
//!   has no secret (`"public": true` without a secret means `none`), is always
//!   public (PKCE S256 required), and cannot be combined with the secret methods,
//!   which would let anyone skip the secret.
//! - `"native": true` (off by default) marks a native app (RFC 8252): its
//!   registered loopback URIs (`http://127.0.0.1/…`, `http://[::1]/…`; IP
//!   literals only, §8.3) match the same URI on any port (§7.3), since such an
//!   app listens on whatever port it gets. Everything else still matches exactly,
//!   and the code stays bound to the exact URI presented.
//! - `"refresh_tokens": true` lets a client receive refresh tokens (off by
//!   default: a client that never asked for long-lived access never holds
//!   it). They are always rotated, so a public client may have them.
//! - `"introspect": true` marks a resource server that may ask the
//!   introspection endpoint about tokens (RFC 7662 §2.1); other clients may not.
//! - `"scopes"` (a list of names) grants a client the scopes it may ask for,
//!   `"default_scopes"` (a subset) what it gets when it asks for none; a
//!   user's `"scopes"` limits that user's tokens. See [`crate::scope`].
//! - Unknown members and repeated ids are errors, so typos do not pass silently.

mod client;
mod memory;
#[cfg(test)]
mod tests;
mod user;

pub use client::{Client, ClientAuthMethod};
pub use memory::MemoryRegistry;
pub(crate) use memory::{entry_error, position, strip_position};
pub use user::User;

use crate::error::{Error, Result};
use core::fmt;
use std::sync::Arc;

/// The longest client_id or userid accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;
/// The longest redirect URI accepted, in bytes.
pub const MAX_REDIRECT_URI_LEN: usize = 2048;
/// The longest client secret accepted, in bytes.
pub const MAX_SECRET_LEN: usize = 1024;
/// The largest registry document accepted, in bytes.
pub const MAX_REGISTRY_DOCUMENT_LEN: usize = 16 * 1024 * 1024;

fn check_id(id: &str) -> core::result::Result<(), &'static str> {
    if id.is_empty() {
        return Err("is empty");
    }
    if id.len() > MAX_ID_LEN {
        return Err("is longer than 256 bytes");
    }
    if id.chars().any(char::is_control) {
        return Err("contains a control character");
    }
    Ok(())
}

/// Where the flows find clients and users. Implement it on your own store;
/// an `Err` makes the flow fail closed.
pub trait Registry: Send + Sync + fmt::Debug {
    /// The client with this id.
    ///
    /// # Errors
    /// When the store cannot answer.
    fn client(&self, client_id: &str) -> Result<Option<Arc<Client>>>;

    /// The user with this id.
    ///
    /// # Errors
    /// When the store cannot answer.
    fn user(&self, userid: &str) -> Result<Option<Arc<User>>>;

    /// Every scope some client may be granted, sorted and without repeats: the
    /// metadata's `scopes_supported` (RFC 8414 §2). `None`, the default, when
    /// the registry cannot list its clients cheaply; the metadata then leaves
    /// the member out (it is RECOMMENDED, not required).
    fn scopes_supported(&self) -> Option<Vec<String>> {
        None
    }
}

/// Why a registry document was refused, with its position.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
#[non_exhaustive]
pub struct LoadError {
    /// 1-based line of the problem (0 when it concerns the whole document).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong. Never contains a secret.
    pub message: String,
}

impl LoadError {
    /// An error at `line` and `column` (1-based; 0 for the whole document).
    #[must_use]
    pub fn new(line: usize, column: usize, message: impl Into<String>) -> Self {
        LoadError {
            line,
            column,
            message: message.into(),
        }
    }
}

impl From<LoadError> for Error {
    fn from(_: LoadError) -> Self {
        Error::InvalidRegistry
    }
}
