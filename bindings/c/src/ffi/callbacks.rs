//! The application's store callbacks (`airisk_store_callbacks`) as the core's [`Store`].
//!
//! Every call of a callback is here (with the rest of the crate's `unsafe`, in
//! the `ffi` module). The answers come back as C enum values and are mapped
//! onto the core's enums; anything else fails closed.

#![allow(unsafe_code)]

use crate::store::{
    airisk_store_callbacks, AIRISK_GRANT_NOT_REVOKED, AIRISK_GRANT_REVOKED, AIRISK_JTI_NOT_REVOKED,
    AIRISK_JTI_REVOKED, AIRISK_REDEMPTION_FIRST, AIRISK_REDEMPTION_REPLAYED, AIRISK_REFRESH_FIRST,
    AIRISK_REFRESH_RECORD_MAX, AIRISK_REFRESH_REPLAYED, AIRISK_REFRESH_UNKNOWN,
};
use airisk_core::code::CodeId;
use airisk_core::refresh::{family_of, RefreshDigest, RefreshRecord, RefreshUse};
use airisk_core::store::{Grant, Issued, Redemption, Store};
use airisk_core::Error;
use core::ffi::{c_char, c_void};
use core::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

/// The application's store callbacks as the core's [`Store`].
///
/// Fails closed: a non-zero return, a NULL callback or an out-value that is not
/// one of the documented ones is [`Error::LedgerUnavailable`] (a store may say
/// [`Error::LedgerFull`] by returning its code). Once [armed](CallbackLedger::arm)
/// (when the constructor that took it has succeeded), calls `release` once, on
/// drop, that is when the last issuer or verifier holding this (in an `Arc`) is freed.
pub(crate) struct CallbackLedger {
    callbacks: airisk_store_callbacks,
    owns_user_data: AtomicBool,
}

// SAFETY: the contract of `airisk_store_callbacks` (in the header): the
// callbacks may be called with `user_data` from any thread, and `release` too.
unsafe impl Send for CallbackLedger {}
// SAFETY: the same contract: the callbacks are thread-safe for concurrent
// calls with one `user_data`, and this type only reads its fields.
unsafe impl Sync for CallbackLedger {}

impl CallbackLedger {
    /// Wraps `callbacks`; `user_data` stays the caller's until [`CallbackLedger::arm`].
    ///
    /// # Errors
    /// [`Error::InvalidConfiguration`] for half of an optional group: a store
    /// that records grant revocations but cannot be asked about them would
    /// accept the tokens of a revoked grant.
    pub(crate) fn new(callbacks: airisk_store_callbacks) -> Result<Self, Error> {
        let grants = [
            callbacks.revoke_grant.is_some(),
            callbacks.grant_not_before.is_some(),
        ];
        let refresh = [
            callbacks.refresh_insert.is_some(),
            callbacks.refresh_use.is_some(),
            callbacks.refresh_peek.is_some(),
        ];
        let whole = |group: &[bool]| group.iter().all(|&b| b) || !group.iter().any(|&b| b);
        if !whole(&grants) || !whole(&refresh) {
            return Err(Error::InvalidConfiguration);
        }
        Ok(CallbackLedger {
            callbacks,
            owns_user_data: AtomicBool::new(false),
        })
    }

    /// Takes ownership of `user_data`: `release` is called on drop from now on.
    pub(crate) fn arm(&self) {
        self.owns_user_data.store(true, Ordering::Release);
    }
}

impl fmt::Debug for CallbackLedger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackLedger").finish_non_exhaustive()
    }
}

impl Drop for CallbackLedger {
    fn drop(&mut self) {
        if !self.owns_user_data.load(Ordering::Acquire) {
            return;
        }
        if let Some(release) = self.callbacks.release {
            // SAFETY: the contract: `release` accepts `user_data`; this is the
            // only call, as the store is dropped once and no callback runs after.
            unsafe { release(self.callbacks.user_data) };
        }
    }
}

/// A callback's return code: 0 is success, `AIRISK_LEDGER_FULL` a full store,
/// anything else an unavailable one.
fn callback_status(rc: u32) -> Result<(), Error> {
    match rc {
        0 => Ok(()),
        rc if rc == Error::LedgerFull.code() => Err(Error::LedgerFull),
        _ => Err(Error::LedgerUnavailable),
    }
}

impl Store for CallbackLedger {
    fn redeem(&self, code: &CodeId, expires_at: u64, now: u64) -> Result<Redemption, Error> {
        let redeem = self.callbacks.redeem.ok_or(Error::LedgerUnavailable)?;
        // Left at 0 unless the callback answers: then the exchange fails closed.
        let mut redemption = 0u32;
        // SAFETY: the contract of `redeem`: a thread-safe function taking
        // `user_data`, 16 readable bytes (the code id, alive during the call)
        // and a writable `uint32_t` (a local, alive during the call).
        let rc = unsafe {
            redeem(
                self.callbacks.user_data,
                code.0.as_ptr(),
                expires_at,
                now,
                &raw mut redemption,
            )
        };
        callback_status(rc)?;
        match redemption {
            AIRISK_REDEMPTION_FIRST => Ok(Redemption::First),
            AIRISK_REDEMPTION_REPLAYED => Ok(Redemption::Replayed),
            _ => Err(Error::LedgerUnavailable),
        }
    }

    fn revoke(&self, jti: &str, until: u64, now: u64) -> Result<(), Error> {
        let revoke = self.callbacks.revoke.ok_or(Error::LedgerUnavailable)?;
        // SAFETY: the contract of `revoke`: a thread-safe function taking
        // `user_data` and `jti_len` readable bytes alive during the call.
        let rc = unsafe {
            revoke(
                self.callbacks.user_data,
                jti.as_ptr().cast::<c_char>(),
                jti.len(),
                until,
                now,
            )
        };
        callback_status(rc)
    }

    fn is_revoked(&self, jti: &str, now: u64) -> Result<bool, Error> {
        let is_revoked = self.callbacks.is_revoked.ok_or(Error::LedgerUnavailable)?;
        let mut revoked = 0u32;
        // SAFETY: the contract of `is_revoked`: a thread-safe function taking
        // `user_data`, `jti_len` readable bytes and a writable `uint32_t`, all
        // alive during the call.
        let rc = unsafe {
            is_revoked(
                self.callbacks.user_data,
                jti.as_ptr().cast::<c_char>(),
                jti.len(),
                now,
                &raw mut revoked,
            )
        };
        callback_status(rc)?;
        match revoked {
            AIRISK_JTI_NOT_REVOKED => Ok(false),
            AIRISK_JTI_REVOKED => Ok(true),
            _ => Err(Error::LedgerUnavailable),
        }
    }
    fn revoke_grant(
        &self,
        grant: &Grant<'_>,
        not_before: u64,
        until: u64,
        now: u64,
    ) -> Result<(), Error> {
        let revoke_grant = self
            .callbacks
            .revoke_grant
            .ok_or(Error::LedgerUnavailable)?;
        let (client, client_len) = text_parts(Some(grant.client_id));
        let (user, user_len) = text_parts(grant.userid);
        // SAFETY: the contract of `revoke_grant`: a thread-safe function taking
        // `user_data` and two texts readable during the call (NULL for no user).
        let rc = unsafe {
            revoke_grant(
                self.callbacks.user_data,
                client,
                client_len,
                user,
                user_len,
                not_before,
                until,
                now,
            )
        };
        callback_status(rc)
    }

    fn is_refused(&self, issued: &Issued<'_>, now: u64) -> Result<bool, Error> {
        if let Some(jti) = issued.jti {
            if self.is_revoked(jti, now)? {
                return Ok(true);
            }
            if let Some(family) = family_of(jti) {
                if self.is_revoked(family, now)? {
                    return Ok(true);
                }
            }
        }
        match (issued.grant, self.callbacks.grant_not_before) {
            (Some(grant), Some(_)) => Ok(self
                .grant_not_before(&grant, now)?
                .is_some_and(|nb| issued.predates(nb))),
            // A store without grant callbacks never recorded a grant revocation
            // (`airisk_store_callbacks_new` refuses half the pair).
            _ => Ok(false),
        }
    }

    fn refresh_insert(
        &self,
        digest: &RefreshDigest,
        record: &RefreshRecord,
        now: u64,
    ) -> Result<(), Error> {
        let insert = self
            .callbacks
            .refresh_insert
            .ok_or(Error::LedgerUnavailable)?;
        let json = record.to_json()?;
        // SAFETY: the contract of `refresh_insert`: a thread-safe function taking
        // `user_data`, 32 readable bytes and a text, all alive during the call.
        let rc = unsafe {
            insert(
                self.callbacks.user_data,
                digest.0.as_ptr(),
                json.as_ptr().cast::<c_char>(),
                json.len(),
                record.expires_at,
                now,
            )
        };
        callback_status(rc)
    }

    fn refresh_use(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse, Error> {
        self.refresh_lookup(self.callbacks.refresh_use, digest, now)
    }

    fn refresh_peek(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse, Error> {
        self.refresh_lookup(self.callbacks.refresh_peek, digest, now)
    }
}

/// `refresh_use` and `refresh_peek` have one signature.
type RefreshCallback = unsafe extern "C" fn(
    *mut c_void,
    *const u8,
    u64,
    *mut u32,
    *mut c_char,
    usize,
    *mut usize,
) -> u32;

/// Optional text as a (pointer, length) pair: NULL and 0 for `None`.
fn text_parts(text: Option<&str>) -> (*const c_char, usize) {
    text.map_or((core::ptr::null(), 0), |t| {
        (t.as_ptr().cast::<c_char>(), t.len())
    })
}

impl CallbackLedger {
    /// The "not before" time of `grant` if it is revoked at `now`.
    fn grant_not_before(&self, grant: &Grant<'_>, now: u64) -> Result<Option<u64>, Error> {
        let lookup = self
            .callbacks
            .grant_not_before
            .ok_or(Error::LedgerUnavailable)?;
        let (client, client_len) = text_parts(Some(grant.client_id));
        let (user, user_len) = text_parts(grant.userid);
        // Left as they are unless the callback answers: no state fails closed,
        // a revoked state without a time refuses everything of the grant.
        let mut state = 0u32;
        let mut not_before = u64::MAX;
        // SAFETY: the contract of `grant_not_before`: a thread-safe function
        // taking `user_data`, two texts (NULL for no user), a writable
        // `uint32_t` and a writable `uint64_t` (locals), all alive during the call.
        let rc = unsafe {
            lookup(
                self.callbacks.user_data,
                client,
                client_len,
                user,
                user_len,
                now,
                &raw mut state,
                &raw mut not_before,
            )
        };
        callback_status(rc)?;
        match state {
            AIRISK_GRANT_NOT_REVOKED => Ok(None),
            AIRISK_GRANT_REVOKED => Ok(Some(not_before)),
            _ => Err(Error::LedgerUnavailable),
        }
    }

    /// Asks `refresh_use` or `refresh_peek` about `digest`, and reads the record back.
    fn refresh_lookup(
        &self,
        callback: Option<RefreshCallback>,
        digest: &RefreshDigest,
        now: u64,
    ) -> Result<RefreshUse, Error> {
        let callback = callback.ok_or(Error::LedgerUnavailable)?;
        let mut state = 0u32;
        let mut buf = vec![0u8; AIRISK_REFRESH_RECORD_MAX];
        // Past the buffer unless the callback writes it: a forgetful one fails closed.
        let mut len = usize::MAX;
        // SAFETY: the contract of `refresh_use`/`refresh_peek`: a thread-safe
        // function taking `user_data`, 32 readable bytes, a writable `uint32_t`,
        // `buf.len()` writable bytes and a writable `size_t`, all alive during the call.
        let rc = unsafe {
            callback(
                self.callbacks.user_data,
                digest.0.as_ptr(),
                now,
                &raw mut state,
                buf.as_mut_ptr().cast::<c_char>(),
                buf.len(),
                &raw mut len,
            )
        };
        callback_status(rc)?;
        if state == AIRISK_REFRESH_UNKNOWN {
            return Ok(RefreshUse::Unknown);
        }
        if state != AIRISK_REFRESH_FIRST && state != AIRISK_REFRESH_REPLAYED {
            return Err(Error::LedgerUnavailable);
        }
        let record = buf.get(..len).ok_or(Error::LedgerUnavailable)?;
        let record = core::str::from_utf8(record).map_err(|_| Error::LedgerUnavailable)?;
        let record = RefreshRecord::from_json(record)?;
        if record.expires_at <= now {
            // The store kept it too long: an expired token is no token.
            return Ok(RefreshUse::Unknown);
        }
        Ok(if state == AIRISK_REFRESH_FIRST {
            RefreshUse::First(record)
        } else {
            RefreshUse::Replayed(record)
        })
    }
}
