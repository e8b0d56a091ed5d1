//! Single use: the redemption ledger and the revocation list.
//!
//! Authorization codes are self-contained (see [`crate::code`]): any instance
//! holding the code key can check one. The only shared state is the fact that
//! a code *was already redeemed*, kept by a [`RedemptionLedger`], and the ids
//! of tokens revoked because their code was redeemed twice (RFC 6749 §4.1.2),
//! kept by a [`RevocationList`] that verifiers consult.
//!
//! # Grant revocation
//! A *grant* is what a user (or, for generic tokens, the client itself)
//! consented to: the pair (client, userid) or (client, generic). Revoking it
//! ([`RevocationList::revoke_grant`]) records one "not before" time for the
//! pair; every token, code and refresh token of the grant issued at or before
//! that second is refused from then on, in every process sharing the list,
//! without listing them. Verification asks for the token's `jti` and its
//! grant in one call ([`RevocationList::is_refused`]), so a shared store
//! answers both in one round trip.
//!
//! Decisions:
//! - Seconds are the resolution of `iat`, so "issued before" means "issued at
//!   or before the second of the revocation": a token minted in that same
//!   second might predate it, and is refused (fail closed). A re-consent from
//!   the next second on issues tokens that work again.
//! - The record is kept until every token issued before it has expired
//!   anyway (the caller passes that time as `until`), then forgotten.
//! - A token whose grant was revoked but which carries no `iat` is refused.
//! - A list that cannot store grant revocations (the default methods) fails
//!   [`RevocationList::revoke_grant`] with [`Error::LedgerUnavailable`]; as
//!   it then never recorded one, its `is_refused` may answer from the `jti`
//!   alone.
//!
//! [`MemoryLedger`] implements both for one process. It forgets a code once the
//! code has expired (a replay after that fails as expired anyway), holds at most
//! `capacity` codes and `capacity` revocations, and fails closed with
//! [`Error::LedgerFull`] rather than forgetting live entries. Services with
//! several processes or machines plug a shared store behind the same traits.
//!
//! ```
//! use airisk_auth::code::CodeId;
//! use airisk_auth::ledger::{MemoryLedger, Redemption, RedemptionLedger};
//! let ledger = MemoryLedger::new(1000);
//! let id = CodeId([7; 16]);
//! assert_eq!(ledger.redeem(&id, 160, 100)?, Redemption::First);
//! assert_eq!(ledger.redeem(&id, 160, 101)?, Redemption::Replayed);
//! # Ok::<(), airisk_auth::Error>(())
//! ```

use crate::code::CodeId;
use crate::error::{Error, Result};
use core::fmt;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The outcome of an atomic redemption.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redemption {
    /// This caller redeemed the code first: it may issue a token.
    First,
    /// The code had already been redeemed: refuse, and revoke what it issued.
    Replayed,
}

/// Records redeemed codes. `redeem` must be atomic: of any number of concurrent
/// callers with the same id, exactly one gets [`Redemption::First`].
pub trait RedemptionLedger: Send + Sync + fmt::Debug {
    /// Marks `code` redeemed, remembering it at least until `expires_at`.
    ///
    /// # Errors
    /// [`Error::LedgerFull`] or [`Error::LedgerUnavailable`]: the caller must then refuse the exchange.
    fn redeem(&self, code: &CodeId, expires_at: u64, now: u64) -> Result<Redemption>;
}

/// A grant: a client's access on behalf of one user, or its generic access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Grant<'a> {
    /// The client the grant was given to.
    pub client_id: &'a str,
    /// The user who gave it, or `None` for the client's generic grant.
    pub userid: Option<&'a str>,
}

/// What [`RevocationList::is_refused`] needs of a token, code or refresh token.
///
/// A `jti` of the form `{family}.{generation}` (an access token minted by a
/// refresh, see [`crate::refresh`]) is refused also when its family is revoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Issued<'a> {
    /// Its own id (`jti`), if it has one that can be revoked on its own.
    pub jti: Option<&'a str>,
    /// The grant it was issued under, if known.
    pub grant: Option<Grant<'a>>,
    /// When it was issued (`iat`), if known.
    pub issued_at: Option<u64>,
}

/// Revoked token ids (`jti`), each remembered until its token would expire
/// anyway, and revoked grants (see the [module docs](self)).
pub trait RevocationList: Send + Sync + fmt::Debug {
    /// Revokes `jti` until `until`.
    ///
    /// # Errors
    /// [`Error::LedgerFull`] or [`Error::LedgerUnavailable`].
    fn revoke(&self, jti: &str, until: u64, now: u64) -> Result<()>;

    /// Whether `jti` is revoked at `now`.
    ///
    /// # Errors
    /// [`Error::LedgerUnavailable`]: the verifier then refuses the token.
    fn is_revoked(&self, jti: &str, now: u64) -> Result<bool>;

    /// Refuses, from now until `until`, everything of `grant` issued at or
    /// before `not_before`. A later call with an earlier `not_before` never
    /// un-revokes anything.
    ///
    /// # Errors
    /// [`Error::LedgerFull`] or [`Error::LedgerUnavailable`] (also for a list
    /// that cannot store grants: the default).
    fn revoke_grant(&self, grant: &Grant<'_>, not_before: u64, until: u64, now: u64) -> Result<()> {
        let _ = (grant, not_before, until, now);
        Err(Error::LedgerUnavailable)
    }

    /// Whether `issued` is refused at `now`: its `jti` is revoked, or its
    /// grant was revoked at or after its issue time. One lookup for both.
    ///
    /// # Errors
    /// [`Error::LedgerUnavailable`]: the caller then refuses.
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
}

/// The default number of codes (and revocations) a [`MemoryLedger`] holds.
pub const DEFAULT_LEDGER_CAPACITY: usize = 1_000_000;

/// An in-process ledger and revocation list with a hard cap on memory.
pub struct MemoryLedger {
    capacity: usize,
    codes: Mutex<Codes>,
    revoked: Mutex<HashMap<Box<str>, u64>>,
    /// Lets the verify hot path skip the lock while nothing is revoked.
    revoked_count: AtomicUsize,
    grants: Mutex<Grants>,
    /// Lets the verify hot path skip the lock while no grant is revoked.
    grant_count: AtomicUsize,
}

/// Revoked grants by client, looked up without allocating.
#[derive(Default)]
struct Grants {
    by_client: HashMap<Box<str>, ClientGrants>,
    len: usize,
}

/// One client's revoked grants: `(not_before, until)` each.
#[derive(Default)]
struct ClientGrants {
    generic: Option<(u64, u64)>,
    users: HashMap<Box<str>, Option<(u64, u64)>>,
}

impl Grants {
    fn get(&self, grant: &Grant<'_>) -> Option<(u64, u64)> {
        let client = self.by_client.get(grant.client_id)?;
        match grant.userid {
            None => client.generic,
            Some(userid) => client.users.get(userid).copied().flatten(),
        }
    }

    fn forget_expired(&mut self, now: u64) {
        let mut len = 0;
        self.by_client.retain(|_, c| {
            c.generic = c.generic.filter(|&(_, until)| until > now);
            c.users
                .retain(|_, slot| slot.is_some_and(|(_, until)| until > now));
            len += c.users.len() + usize::from(c.generic.is_some());
            c.generic.is_some() || !c.users.is_empty()
        });
        self.len = len;
    }
}

impl fmt::Debug for MemoryLedger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryLedger")
            .field("capacity", &self.capacity)
            .field("codes", &lock(&self.codes).until.len())
            .field("revoked", &self.revoked_count.load(Ordering::Relaxed))
            .field("grants", &self.grant_count.load(Ordering::Relaxed))
            .finish()
    }
}

impl Default for MemoryLedger {
    fn default() -> Self {
        Self::new(DEFAULT_LEDGER_CAPACITY)
    }
}

/// Redeemed codes with their expiries, and their ids in redemption order so
/// that expired ones are forgotten in amortized O(1) per redemption. (The order
/// holds ids only, 16 bytes each: 1,000,000 codes fit in under 100 MB.)
#[derive(Default)]
struct Codes {
    until: HashMap<[u8; 16], u64>,
    order: VecDeque<[u8; 16]>,
}

impl Codes {
    /// Forgets codes from the front of the queue while they have expired. Codes
    /// of longer-lived issuers sharing the ledger may briefly shield later ones:
    /// harmless, as a full ledger sweeps everything.
    fn forget_expired_front(&mut self, now: u64) {
        while let Some(id) = self.order.front() {
            match self.until.get(id) {
                Some(&until) if until > now => break,
                Some(_) => {
                    self.until.remove(id);
                }
                None => {}
            }
            self.order.pop_front();
        }
    }

    fn forget_all_expired(&mut self, now: u64) {
        self.until.retain(|_, until| *until > now);
        let until = &self.until;
        self.order.retain(|id| until.contains_key(id));
    }
}

/// A poisoned lock only means another thread panicked mid-update of a map whose
/// every state is valid, so the data is still used.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl MemoryLedger {
    /// A ledger holding at most `capacity` live codes and `capacity` live revocations.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        MemoryLedger {
            capacity,
            codes: Mutex::new(Codes::default()),
            revoked: Mutex::new(HashMap::new()),
            revoked_count: AtomicUsize::new(0),
            grants: Mutex::new(Grants::default()),
            grant_count: AtomicUsize::new(0),
        }
    }

    /// The number of codes currently remembered.
    #[must_use]
    pub fn outstanding_codes(&self) -> usize {
        lock(&self.codes).until.len()
    }
}

impl RedemptionLedger for MemoryLedger {
    fn redeem(&self, code: &CodeId, expires_at: u64, now: u64) -> Result<Redemption> {
        let mut codes = lock(&self.codes);
        codes.forget_expired_front(now);
        if let Some(&until) = codes.until.get(&code.0) {
            if until > now {
                return Ok(Redemption::Replayed);
            }
        }
        if codes.until.len() >= self.capacity {
            codes.forget_all_expired(now);
            if codes.until.len() >= self.capacity {
                return Err(Error::LedgerFull);
            }
        }
        codes.until.insert(code.0, expires_at);
        codes.order.push_back(code.0);
        Ok(Redemption::First)
    }
}

impl RevocationList for MemoryLedger {
    fn revoke(&self, jti: &str, until: u64, now: u64) -> Result<()> {
        let mut revoked = lock(&self.revoked);
        if revoked.len() >= self.capacity && !revoked.contains_key(jti) {
            revoked.retain(|_, u| *u > now);
            if revoked.len() >= self.capacity {
                self.revoked_count.store(revoked.len(), Ordering::Release);
                return Err(Error::LedgerFull);
            }
        }
        let entry = revoked.entry(jti.into()).or_insert(until);
        *entry = (*entry).max(until);
        self.revoked_count.store(revoked.len(), Ordering::Release);
        Ok(())
    }

    #[inline]
    fn is_revoked(&self, jti: &str, now: u64) -> Result<bool> {
        if self.revoked_count.load(Ordering::Acquire) == 0 {
            return Ok(false);
        }
        Ok(lock(&self.revoked)
            .get(jti)
            .is_some_and(|&until| until > now))
    }

    fn revoke_grant(&self, grant: &Grant<'_>, not_before: u64, until: u64, now: u64) -> Result<()> {
        let mut grants = lock(&self.grants);
        if grants.len >= self.capacity && grants.get(grant).is_none() {
            grants.forget_expired(now);
            if grants.len >= self.capacity {
                self.grant_count.store(grants.len, Ordering::Release);
                return Err(Error::LedgerFull);
            }
        }
        let Grants { by_client, len } = &mut *grants;
        let client = by_client.entry(grant.client_id.into()).or_default();
        let slot = match grant.userid {
            None => &mut client.generic,
            Some(userid) => client.users.entry(userid.into()).or_default(),
        };
        if slot.is_none() {
            *len += 1;
        }
        *slot = Some(slot.map_or((not_before, until), |(nb, u)| {
            (nb.max(not_before), u.max(until))
        }));
        self.grant_count.store(*len, Ordering::Release);
        Ok(())
    }

    #[inline]
    fn is_refused(&self, issued: &Issued<'_>, now: u64) -> Result<bool> {
        if let Some(jti) = issued.jti {
            if self.is_revoked(jti, now)? {
                return Ok(true);
            }
            if let Some(family) = crate::refresh::family_of(jti) {
                if self.is_revoked(family, now)? {
                    return Ok(true);
                }
            }
        }
        let Some(grant) = issued.grant else {
            return Ok(false);
        };
        if self.grant_count.load(Ordering::Acquire) == 0 {
            return Ok(false);
        }
        Ok(match lock(&self.grants).get(&grant) {
            Some((not_before, until)) if until > now => {
                issued.issued_at.is_none_or(|iat| iat <= not_before)
            }
            _ => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_codes_are_forgotten_when_full() {
        let ledger = MemoryLedger::new(2);
        assert_eq!(
            ledger.redeem(&CodeId([1; 16]), 10, 0),
            Ok(Redemption::First)
        );
        assert_eq!(
            ledger.redeem(&CodeId([2; 16]), 20, 0),
            Ok(Redemption::First)
        );
        assert_eq!(
            ledger.redeem(&CodeId([3; 16]), 30, 5),
            Err(Error::LedgerFull)
        );
        assert_eq!(
            ledger.redeem(&CodeId([3; 16]), 30, 10),
            Ok(Redemption::First)
        );
        assert_eq!(ledger.outstanding_codes(), 2);
        assert_eq!(
            ledger.redeem(&CodeId([2; 16]), 20, 11),
            Ok(Redemption::Replayed)
        );
    }

    #[test]
    fn expired_codes_are_forgotten_without_waiting_for_a_full_ledger() {
        let ledger = MemoryLedger::new(100);
        for i in 0..10u8 {
            ledger
                .redeem(&CodeId([i; 16]), 60 + u64::from(i), u64::from(i))
                .unwrap();
        }
        assert_eq!(ledger.outstanding_codes(), 10);
        ledger.redeem(&CodeId([99; 16]), 200, 65).unwrap();
        // Codes 0..=5 expired at 60..=65 and are gone; 6..=9 and the new one remain.
        assert_eq!(ledger.outstanding_codes(), 5);
        assert_eq!(
            ledger.redeem(&CodeId([6; 16]), 66, 65),
            Ok(Redemption::Replayed)
        );
    }

    #[test]
    fn revocations_expire_and_are_bounded() {
        let ledger = MemoryLedger::new(1);
        assert_eq!(ledger.is_revoked("a", 0), Ok(false));
        ledger.revoke("a", 10, 0).unwrap();
        assert_eq!(ledger.is_revoked("a", 9), Ok(true));
        assert_eq!(ledger.is_revoked("a", 10), Ok(false));
        assert_eq!(ledger.revoke("b", 10, 5), Err(Error::LedgerFull));
        ledger.revoke("b", 20, 10).unwrap();
        assert_eq!(ledger.is_revoked("b", 15), Ok(true));
    }
}

#[cfg(test)]
mod grant_tests {
    use super::*;

    fn issued<'a>(client_id: &'a str, userid: Option<&'a str>, iat: Option<u64>) -> Issued<'a> {
        Issued {
            jti: Some("j"),
            grant: Some(Grant { client_id, userid }),
            issued_at: iat,
        }
    }

    #[test]
    fn a_revoked_grant_refuses_what_it_issued_up_to_its_second() {
        let ledger = MemoryLedger::new(10);
        let user = Grant {
            client_id: "c",
            userid: Some("u"),
        };
        assert_eq!(
            ledger.is_refused(&issued("c", Some("u"), Some(5)), 6),
            Ok(false)
        );
        ledger.revoke_grant(&user, 10, 100, 10).unwrap();
        for (iat, refused) in [
            (Some(5), true),
            (Some(10), true),
            (None, true),
            (Some(11), false),
        ] {
            assert_eq!(
                ledger.is_refused(&issued("c", Some("u"), iat), 12),
                Ok(refused),
                "{iat:?}"
            );
        }
        // Other grants are untouched: another user, the generic grant, another client.
        assert_eq!(
            ledger.is_refused(&issued("c", Some("v"), Some(5)), 12),
            Ok(false)
        );
        assert_eq!(
            ledger.is_refused(&issued("c", None, Some(5)), 12),
            Ok(false)
        );
        assert_eq!(
            ledger.is_refused(&issued("d", Some("u"), Some(5)), 12),
            Ok(false)
        );
        // An earlier revocation never moves the time back; a later one moves it on.
        ledger.revoke_grant(&user, 3, 100, 12).unwrap();
        assert_eq!(
            ledger.is_refused(&issued("c", Some("u"), Some(9)), 12),
            Ok(true)
        );
        ledger.revoke_grant(&user, 20, 100, 20).unwrap();
        assert_eq!(
            ledger.is_refused(&issued("c", Some("u"), Some(15)), 21),
            Ok(true)
        );
        // Forgotten once everything it refused has expired.
        assert_eq!(
            ledger.is_refused(&issued("c", Some("u"), Some(15)), 100),
            Ok(false)
        );
    }

    #[test]
    fn the_generic_grant_is_its_own_grant() {
        let ledger = MemoryLedger::new(10);
        let generic = Grant {
            client_id: "c",
            userid: None,
        };
        ledger.revoke_grant(&generic, 10, 100, 10).unwrap();
        assert_eq!(ledger.is_refused(&issued("c", None, Some(9)), 11), Ok(true));
        assert_eq!(
            ledger.is_refused(&issued("c", Some("u"), Some(9)), 11),
            Ok(false)
        );
    }

    #[test]
    fn grant_revocations_are_bounded() {
        let ledger = MemoryLedger::new(2);
        let grant = |u| Grant {
            client_id: "c",
            userid: Some(u),
        };
        ledger.revoke_grant(&grant("a"), 1, 10, 1).unwrap();
        ledger.revoke_grant(&grant("b"), 1, 20, 1).unwrap();
        // Re-revoking a known grant needs no room.
        ledger.revoke_grant(&grant("a"), 2, 10, 2).unwrap();
        assert_eq!(
            ledger.revoke_grant(&grant("x"), 5, 30, 5),
            Err(Error::LedgerFull)
        );
        // Once "a" has expired there is room again, and "b" is still held.
        ledger.revoke_grant(&grant("x"), 10, 30, 10).unwrap();
        assert_eq!(
            ledger.is_refused(&issued("c", Some("b"), Some(1)), 10),
            Ok(true)
        );
        assert_eq!(
            ledger.is_refused(&issued("c", Some("x"), Some(9)), 10),
            Ok(true)
        );
    }

    #[derive(Debug)]
    struct JtiOnly;
    impl RevocationList for JtiOnly {
        fn revoke(&self, _: &str, _: u64, _: u64) -> Result<()> {
            Ok(())
        }
        fn is_revoked(&self, jti: &str, _: u64) -> Result<bool> {
            Ok(jti == "bad")
        }
    }

    #[test]
    fn a_list_without_grants_refuses_to_record_one() {
        let list = JtiOnly;
        let grant = Grant {
            client_id: "c",
            userid: None,
        };
        assert_eq!(
            list.revoke_grant(&grant, 1, 2, 1),
            Err(Error::LedgerUnavailable)
        );
        let mut token = issued("c", None, Some(1));
        assert_eq!(list.is_refused(&token, 1), Ok(false));
        token.jti = Some("bad");
        assert_eq!(list.is_refused(&token, 1), Ok(true));
    }
}
