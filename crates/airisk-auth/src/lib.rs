//! # airisk-auth
//!
//! The sans-IO engine of the AIRisk API's OAuth2 authorization-code flow
//! (`GET /api/oauth2`, `POST /api/oauth2/Token`, bearer tokens): it issues
//! short-lived single-use authorization codes, exchanges them for signed
//! access tokens carrying expiry and userid claims, and verifies bearer tokens.
//! It does no network and no I/O on the request path (only key and registry
//! files are read, at start-up, by [`file`](mod@file)): request parts go in, complete HTTP answers
//! come out, so any framework in Rust, C (`libairisk_auth`) or Python
//! (`import airisk_auth`) serves the endpoints in a few lines, with the same
//! bytes on the same inputs.
//!
//! # Where things live (from `ls` alone)
//!
//! | path | what |
//! |---|---|
//! | `src/flow/` | the endpoints, one file each: `authorize.rs` (`GET /api/oauth2`), `token.rs` (`POST /api/oauth2/Token`), `bearer.rs` (protected resources), `consent.rs`, `refresh.rs` (`grant_type=refresh_token`), `revoke.rs` (RFC 7009), `introspect.rs` (RFC 7662), `grant.rs` (`Issuer::revoke_grant`), `metadata.rs` (RFC 8414), `jwks.rs`; `mod.rs` the [`flow::Issuer`] and [`flow::IssuerConfig`], `response.rs` the [`flow::Response`], `params.rs` request decoding |
//! | `src/store/` | the one [`store::Store`] (single use, revocation, revoked grants, refresh tokens) and [`store::MemoryStore`] (one process only) |
//! | `src/refresh.rs` | refresh tokens: opaque, digest-only storage, rotation, lifetimes |
//! | `src/keys/` | `hs256.rs`, `ed25519.rs`, `jwk.rs`, `set.rs` ([`keys::KeySet`], rotation, JWKS) |
//! | `src/token.rs` | [`token::Claims`], minting, the strict [`token::Verifier`] and its [`token::Policy`] |
//! | `src/scope.rs` | scope names, the `scope` parameter, what a client and a user are granted |
//! | `src/code/` | self-contained authorization codes bound to client, URI, user and PKCE |
//! | `src/registry/` | `client.rs` (APIUser), `user.rs` (ApplicationUser), `memory.rs` ([`registry::MemoryRegistry`] and its JSON loader) |
//! | `src/clock.rs`, `src/random.rs` | the injected clock and randomness |
//! | `src/dangerous.rs` | `sign_jws` and `inspect_unverified`, fenced off from the safe API |
//! | `src/error.rs` | the one [`Error`] enum, with stable numbers: the C result codes and the Python exceptions are generated from it (`tests/generated.rs`) |
//! | `src/file.rs` | loading key and registry files: bounded, wiped, errors that name the file |
//! | `src/diagnostic.rs` | what an error is about, computed only when asked: the setting and its range, the claim, the position in a document |
//! | `../../bindings/c/src/` | the C ABI, one file per C type: `keyset.rs`, `verifier.rs`, `claims.rs`, `registry.rs`, `issuer.rs`, `store.rs` (the store callbacks), `response.rs`, `bearer.rs`, `result.rs` (codes generated into `result/codes.rs`); all `unsafe` in `ffi.rs`; header in `include/` |
//! | `../../bindings/python/src/` | the Python extension, one file per class: `keyset.rs`, `policy.rs`, `verifier.rs`, `claims.rs`, `registry.rs`, `issuer.rs`, `response.rs`, `bearer.rs`, `ledger.rs`, `errors.rs`; the exception classes in `../../bindings/python/python/airisk_auth/errors.py` (generated) |
//! | `../airisk-auth-cli/src/` | the `airisk-auth` command: `commands/` (one file per subcommand), `demo/` |
//! | `../../tests/vectors/` | the JSON vectors every language replays |
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

// The lint wall is the workspace's ([workspace.lints] in the root Cargo.toml);
// this crate alone goes further and forbids unsafe code outright.
#![forbid(unsafe_code)]

pub mod clock;
pub mod code;
pub mod dangerous;
pub mod diagnostic;
mod encoding;
pub mod error;
pub mod file;
pub mod flow;
pub mod keys;
pub mod random;
pub mod refresh;
pub mod registry;
pub mod scope;
pub mod store;
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
    pub use crate::flow::{
        check_bearer, check_bearer_at, Access, Issuer, IssuerConfig, Request, Response,
    };
    pub use crate::keys::{Algorithm, Key, KeySet};
    pub use crate::random::{Random, SystemRandom};
    pub use crate::registry::{Client, MemoryRegistry, Registry, User};
    pub use crate::store::{MemoryStore, Redemption, Store};
    pub use crate::token::{Claims, Policy, Verifier};
}
