//! [`MemoryStore`]: single use and revocation in this process's memory.

use super::grant::Grants;
use super::refresh::RefreshTable;
use super::{Grant, Issued, Redemption, Store};
use crate::code::CodeId;
use crate::error::{Error, Result};
use crate::refresh::{RefreshDigest, RefreshRecord, RefreshUse};
use core::fmt;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The default number of codes (and revocations) a [`MemoryStore`] holds.
pub const DEFAULT_STORE_CAPACITY: usize = 1_000_000;

/// Single use and revocation for **one process only**, with a hard cap on memory.
///
/// Two processes (or machines) each with their own `MemoryStore` each accept
/// every code once: a service with replicas needs a shared store.
pub struct MemoryStore {
    capacity: usize,
    codes: Mutex<Codes>,
    revoked: Mutex<HashMap<Box<str>, u64>>,
    /// Lets the verify hot path skip the lock while nothing is revoked.
    revoked_count: AtomicUsize,
    grants: Mutex<Grants>,
    /// Lets the verify hot path skip the lock while no grant is revoked.
    grant_count: AtomicUsize,
    refresh: Mutex<RefreshTable>,
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("capacity", &self.capacity)
            .field("codes", &lock(&self.codes).until.len())
            .field("revoked", &self.revoked_count.load(Ordering::Relaxed))
            .field("grants", &self.grant_count.load(Ordering::Relaxed))
            .field("refresh_tokens", &lock(&self.refresh).len())
            .finish()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new(DEFAULT_STORE_CAPACITY)
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
    /// of longer-lived issuers sharing the store may briefly shield later ones:
    /// harmless, as a full store sweeps everything.
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

impl MemoryStore {
    /// A store holding at most `capacity` live codes, `capacity` live
    /// revocations, `capacity` revoked grants and `capacity` refresh tokens.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        MemoryStore {
            capacity,
            codes: Mutex::new(Codes::default()),
            revoked: Mutex::new(HashMap::new()),
            revoked_count: AtomicUsize::new(0),
            grants: Mutex::new(Grants::default()),
            grant_count: AtomicUsize::new(0),
            refresh: Mutex::new(RefreshTable::default()),
        }
    }

    /// The number of codes currently remembered.
    #[must_use]
    pub fn outstanding_codes(&self) -> usize {
        lock(&self.codes).until.len()
    }
}

impl Store for MemoryStore {
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
        if grants.len() >= self.capacity && grants.get(grant).is_none() {
            grants.forget_expired(now);
            if grants.len() >= self.capacity {
                self.grant_count.store(grants.len(), Ordering::Release);
                return Err(Error::LedgerFull);
            }
        }
        grants.insert(grant, not_before, until);
        self.grant_count.store(grants.len(), Ordering::Release);
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
            Some((not_before, until)) if until > now => issued.predates(not_before),
            _ => false,
        })
    }

    fn refresh_insert(
        &self,
        digest: &RefreshDigest,
        record: &RefreshRecord,
        now: u64,
    ) -> Result<()> {
        let mut table = lock(&self.refresh);
        if table.len() >= self.capacity {
            table.forget_expired(now);
            if table.len() >= self.capacity {
                return Err(Error::LedgerFull);
            }
        }
        table.insert(digest, record);
        Ok(())
    }

    fn refresh_use(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        Ok(lock(&self.refresh).use_token(digest, now, true))
    }

    fn refresh_peek(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        Ok(lock(&self.refresh).use_token(digest, now, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_codes_are_forgotten_when_full() {
        let store = MemoryStore::new(2);
        assert_eq!(store.redeem(&CodeId([1; 16]), 10, 0), Ok(Redemption::First));
        assert_eq!(store.redeem(&CodeId([2; 16]), 20, 0), Ok(Redemption::First));
        assert_eq!(
            store.redeem(&CodeId([3; 16]), 30, 5),
            Err(Error::LedgerFull)
        );
        assert_eq!(
            store.redeem(&CodeId([3; 16]), 30, 10),
            Ok(Redemption::First)
        );
        assert_eq!(store.outstanding_codes(), 2);
        assert_eq!(
            store.redeem(&CodeId([2; 16]), 20, 11),
            Ok(Redemption::Replayed)
        );
    }

    #[test]
    fn expired_codes_are_forgotten_without_waiting_for_a_full_store() {
        let store = MemoryStore::new(100);
        for i in 0..10u8 {
            store
                .redeem(&CodeId([i; 16]), 60 + u64::from(i), u64::from(i))
                .unwrap();
        }
        assert_eq!(store.outstanding_codes(), 10);
        store.redeem(&CodeId([99; 16]), 200, 65).unwrap();
        // Codes 0..=5 expired at 60..=65 and are gone; 6..=9 and the new one remain.
        assert_eq!(store.outstanding_codes(), 5);
        assert_eq!(
            store.redeem(&CodeId([6; 16]), 66, 65),
            Ok(Redemption::Replayed)
        );
    }

    #[test]
    fn revocations_expire_and_are_bounded() {
        let store = MemoryStore::new(1);
        assert_eq!(store.is_revoked("a", 0), Ok(false));
        store.revoke("a", 10, 0).unwrap();
        assert_eq!(store.is_revoked("a", 9), Ok(true));
        assert_eq!(store.is_revoked("a", 10), Ok(false));
        assert_eq!(store.revoke("b", 10, 5), Err(Error::LedgerFull));
        store.revoke("b", 20, 10).unwrap();
        assert_eq!(store.is_revoked("b", 15), Ok(true));
    }
}
