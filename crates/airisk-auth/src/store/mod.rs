//! Single use and revocation: the one [`Store`] every issuer is built with.
//!
//! Authorization codes are self-contained (see [`crate::code`]): any instance
//! holding the code key can check one. The only shared state is the fact that
//! a code *was already redeemed*, and the ids of tokens revoked because their
//! code was redeemed twice (RFC 6749 §4.1.2), which verifiers consult. Both live
//! in one [`Store`], named when the issuer is built
//! ([`crate::flow::Issuer::new`]): there is no silent default, so two replicas
//! cannot each keep their own memory and accept every code once.
//!
//! [`MemoryStore`] is for **one process only**. It forgets a code once the
//! code has expired (a replay after that fails as expired anyway), holds at most
//! `capacity` codes and `capacity` revocations, and fails closed with
//! [`crate::Error::LedgerFull`] rather than forgetting live entries. Services with
//! several processes or machines use a shared store (`airisk-auth-redis`, or
//! their own implementation of [`Store`]).
//!
//! # Decisions
//! - The answer of [`Store::redeem`] is the enum [`Redemption`], never a bool:
//!   a bool means "first use" in one language and "replayed" in another, and an
//!   adapter ported between them turns single use off. The bindings map their
//!   own answers (a C enum value, a C++ `enum class`, a Python `Redemption`)
//!   onto it, and anything else fails closed (503).
//! - Every error of a store is a refusal: the token exchange answers 503 and
//!   issues nothing, a verifier refuses the token. The store errors keep the
//!   names `LedgerFull` / `LedgerUnavailable` (their numbers never change).
//! - Room to grow: the coming capabilities (grant "not before" times, refresh-token
//!   families, single-use consent tickets, each keyed by 16 random bytes like a
//!   code id) arrive as new methods with default bodies that fail closed
//!   ([`crate::Error::LedgerUnavailable`]), so an existing store keeps compiling and
//!   refuses what it cannot do rather than allowing it.
//!
//! ```
//! use airisk_auth::code::CodeId;
//! use airisk_auth::store::{MemoryStore, Redemption, Store};
//! let store = MemoryStore::new(1000);
//! let id = CodeId([7; 16]);
//! assert_eq!(store.redeem(&id, 160, 100)?, Redemption::First);
//! assert_eq!(store.redeem(&id, 160, 101)?, Redemption::Replayed);
//! # Ok::<(), airisk_auth::Error>(())
//! ```

mod memory;

pub use memory::{MemoryStore, DEFAULT_STORE_CAPACITY};

use crate::code::CodeId;
use crate::error::Result;
use core::fmt;

/// The outcome of an atomic redemption.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Redemption {
    /// This caller redeemed the id first: it may issue a token.
    First,
    /// The id had already been redeemed: refuse, and revoke what it issued.
    Replayed,
}

/// Where single use and revocation are kept: shared by every process that
/// serves the same issuer.
///
/// `redeem` must be atomic: of any number of concurrent callers with the same
/// id, across every process sharing the store, exactly one gets
/// [`Redemption::First`]. Any `Err` makes the caller refuse (fail closed).
pub trait Store: Send + Sync + fmt::Debug {
    /// Marks `id` (a code id: 16 random bytes) redeemed, remembering it at
    /// least until `expires_at` (Unix seconds; `now` is the current time).
    ///
    /// # Errors
    /// [`crate::Error::LedgerFull`] or [`crate::Error::LedgerUnavailable`]: the caller must then refuse.
    fn redeem(&self, id: &CodeId, expires_at: u64, now: u64) -> Result<Redemption>;

    /// Revokes the token id `jti` until `until` (when the token would expire anyway).
    ///
    /// # Errors
    /// [`crate::Error::LedgerFull`] or [`crate::Error::LedgerUnavailable`].
    fn revoke(&self, jti: &str, until: u64, now: u64) -> Result<()>;

    /// Whether `jti` is revoked at `now`.
    ///
    /// # Errors
    /// [`crate::Error::LedgerUnavailable`]: the verifier then refuses the token.
    fn is_revoked(&self, jti: &str, now: u64) -> Result<bool>;
}
