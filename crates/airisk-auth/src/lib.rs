//! # airisk-auth
//!
//! The sans-IO engine of the AIRisk API's OAuth2 authorization-code flow
//! (`GET /api/oauth2`, `POST /api/oauth2/Token`, bearer tokens): it issues
//! short-lived single-use authorization codes, exchanges them for signed
//! access tokens carrying expiry and userid claims, and verifies bearer tokens.
//! It does no network and no I/O: request parts go in, complete HTTP answers
//! come out, so any framework in Rust, C (`libairisk_auth`) or Python
//! (`import airisk_auth`) serves the endpoints in a few lines, with the same
//! bytes on the same inputs.
//!
//! | module | what |
//! |---|---|
//! | [`keys`] | HS256 secrets, Ed25519 keys, key sets with rotation, JWK / JWKS |
//! | [`token`] | claims, minting, the strict [`token::Verifier`] and its [`token::Policy`] |
//! | [`code`] | self-contained authorization codes bound to client, URI, user and PKCE |
//! | [`ledger`] | single use: the redemption ledger and revocation list |
//! | [`registry`] | clients (APIUser) and users (ApplicationUser) |
//! | [`flow`] | the two endpoints and the bearer check, as [`flow::Response`]s |
//! | [`clock`] | the injectable clock |
//! | [`error`] | the one [`Error`] enum, with stable numeric kinds |
//!
//! The contract, its decisions and the table of every answer are in the
//! repository's `docs/PROTOCOL.md`. Every decision where the AIRisk
//! documentation is silent is also written in the module that makes it
//! (see [`token`], [`code`], [`registry`], [`flow`]).
//! The rule throughout is to fail closed.
//!
//! ```
//! use airisk_auth::prelude::*;
//! use std::sync::Arc;
//!
//! let keys = Arc::new(KeySet::single(Key::generate_ed25519("2026-11")?)?);
//! let claims = Claims::generic("https://airisk.example", "abc123", 1_000, 3_600, "t-1");
//! let token = keys.mint(&claims)?;
//! let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
//! assert_eq!(verifier.verify_at(&token, 1_001)?.client_id.as_deref(), Some("abc123"));
//! # Ok::<(), airisk_auth::Error>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::pedantic)]
#![allow(
    clippy::module_name_repetitions,
    clippy::must_use_candidate,
    clippy::doc_markdown,
    clippy::struct_field_names,
    clippy::missing_fields_in_debug
)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod clock;
pub mod code;
mod encoding;
pub mod error;
pub mod flow;
pub mod keys;
pub mod ledger;
pub mod registry;
mod text;
pub mod token;

pub use error::{Error, Result};

/// The crate version, as in Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The types most programs need, in one `use`.
pub mod prelude {
    pub use crate::clock::{Clock, FixedClock, ManualClock, SystemClock};
    pub use crate::code::CodeKey;
    pub use crate::error::{Error, Result};
    pub use crate::flow::{check_bearer, check_bearer_at, Access, Issuer, IssuerConfig, Response};
    pub use crate::keys::{Algorithm, Key, KeySet};
    pub use crate::ledger::{MemoryLedger, RedemptionLedger, RevocationList};
    pub use crate::registry::{Client, MemoryRegistry, Registry, User};
    pub use crate::token::{Claims, Policy, Verifier};
}
