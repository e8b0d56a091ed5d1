//! Single use, revocation, revoked grants and refresh tokens: the one
//! [`Store`] every issuer is built with.
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
//! - Refresh tokens ([`crate::refresh`]) are kept by digest with their
//!   record; [`Store::refresh_use`] consumes one atomically, like
//!   [`Store::redeem`] a code. A refresh family is revoked with
//!   [`Store::revoke`] under the family's name, so the bearer check's one call
//!   ([`Store::is_refused`]) covers it too.
//! - Room to grow: new capabilities (grant "not before" times, refresh-token
//!   families) arrive as new methods with default bodies that fail closed
//!   ([`crate::Error::LedgerUnavailable`]), so an existing store keeps compiling and
//!   refuses what it cannot do rather than allowing it.
//!
//! # Grant revocation
//! A *grant* is what a user (or, for generic tokens, the client itself)
//! consented to: the pair (client, userid) or (client, generic). Revoking it
//! ([`Store::revoke_grant`]) records one "not before" time for the pair;
//! every token, code and refresh token of the grant issued at or before that
//! second is refused from then on, in every process sharing the store,
//! without listing them. Verification asks for the token's `jti` and its
//! grant in one call ([`Store::is_refused`]), so a shared store answers both
//! in one round trip.
//!
//! Decisions:
//! - Seconds are the resolution of `iat`, so "issued before" means "issued at
//!   or before the second of the revocation": a token minted in that same
//!   second might predate it, and is refused (fail closed). A re-consent from
//!   the next second on issues tokens that work again.
//! - The record is kept until every token issued before it has expired
//!   anyway (the caller passes that time as `until`), then forgotten.
//! - A token whose grant was revoked but which carries no `iat` is refused.
//! - A store that cannot keep grant revocations (the default methods) fails
//!   [`Store::revoke_grant`] with [`crate::Error::LedgerUnavailable`], so the
//!   host learns nothing was revoked; as such a store never recorded a grant
//!   revocation, its default [`Store::is_refused`] answers from the `jti`
//!   (and its refresh family) alone: refusing every token there would turn
//!   a store written before grants into an outage, not into safety.
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

mod grant;
mod memory;
mod refresh;
#[cfg(test)]
mod tests;

pub use grant::{Grant, Issued};
pub use memory::{MemoryStore, DEFAULT_STORE_CAPACITY};

use crate::code::CodeId;
use crate::error::{Error, Result};
use crate::refresh::{RefreshDigest, RefreshRecord, RefreshUse};
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

    /// Refuses, from now until `until`, everything of `grant` issued at or
    /// before `not_before`. A later call with an earlier `not_before` never
    /// un-revokes anything, nor does an earlier `until` shorten the record.
    ///
    /// # Errors
    /// [`crate::Error::LedgerFull`] or [`crate::Error::LedgerUnavailable`]
    /// (also for a store that cannot keep grants: the default).
    fn revoke_grant(&self, grant: &Grant<'_>, not_before: u64, until: u64, now: u64) -> Result<()> {
        let _ = (grant, not_before, until, now);
        Err(Error::LedgerUnavailable)
    }

    /// Whether `issued` is refused at `now`: its `jti` (or the refresh family
    /// the `jti` names) is revoked, or its grant was revoked at or after its
    /// issue time. A shared store answers all of it in one round trip: this is
    /// the bearer check's one store call.
    ///
    /// # Errors
    /// [`crate::Error::LedgerUnavailable`]: the caller then refuses.
    fn is_refused(&self, issued: &Issued<'_>, now: u64) -> Result<bool> {
        let Some(jti) = issued.jti else {
            return Ok(false);
        };
        if self.is_revoked(jti, now)? {
            return Ok(true);
        }
        match crate::refresh::family_of(jti) {
            Some(family) => self.is_revoked(family, now),
            None => Ok(false),
        }
    }

    /// Stores a new, unused refresh token (by its digest only) until its
    /// `record.expires_at`.
    ///
    /// # Errors
    /// [`crate::Error::LedgerFull`] or [`crate::Error::LedgerUnavailable`]
    /// (also for a store that cannot keep refresh tokens: the default): no
    /// refresh token may then be issued.
    fn refresh_insert(
        &self,
        digest: &RefreshDigest,
        record: &RefreshRecord,
        now: u64,
    ) -> Result<()> {
        let _ = (digest, record, now);
        Err(Error::LedgerUnavailable)
    }

    /// Consumes the refresh token, atomically, keeping its record (marked
    /// used) until it expires: of any number of concurrent callers with the
    /// same digest, across every process sharing the store, at most one gets
    /// [`RefreshUse::First`]; the others get [`RefreshUse::Replayed`].
    ///
    /// # Errors
    /// [`crate::Error::LedgerUnavailable`] (also the default): the caller refuses.
    fn refresh_use(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        let _ = (digest, now);
        Err(Error::LedgerUnavailable)
    }

    /// What [`Store::refresh_use`] would answer, consuming nothing (for
    /// revocation and introspection).
    ///
    /// # Errors
    /// [`crate::Error::LedgerUnavailable`] (also the default): the caller refuses.
    fn refresh_peek(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        let _ = (digest, now);
        Err(Error::LedgerUnavailable)
    }
}
