//! `airisk_store`: where single use and revocation are kept, one handle for every kind of store.
//!
//! One C type, several constructors (rustls-ffi's one-module-per-type layout, the
//! constructors of the remote stores in their own files): `airisk_store_memory_new`
//! (this process only), `airisk_store_callbacks_new` (the application's own store),
//! `airisk_store_redis_new` and `airisk_store_postgres_new` (the Rust crates
//! `airisk-auth-redis` and `airisk-auth-postgres`, the same keys and tables as a Rust
//! service uses). Every issuer is built with one (`airisk_issuer_new`).
//!
//! # Decisions
//! - The remote stores are behind the cargo features `redis` and `postgres`, off by
//!   default: their clients, runtime and TLS stack are three times the rest of the
//!   library, which most C services (one process, or their own store through
//!   callbacks) never call. Their functions are always exported, so the header does
//!   not depend on how the library was built: built without the feature, the
//!   constructor answers `AIRISK_INVALID_CONFIGURATION`, writes nothing, and
//!   `airisk_last_error_detail()` names the feature to build with.
//! - Their options are one zero-initialisable struct each (`= {0}` is every default),
//!   not a builder: a C caller sets the few fields it needs in one place. Durations
//!   are whole milliseconds.
//! - The handle is reference-counted: an issuer keeps the store alive after
//!   `airisk_store_free`, so the caller frees its handle whenever it likes.

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

mod postgres;
mod redis;

pub use self::postgres::{airisk_postgres_options, airisk_store_postgres_new};
pub use self::redis::{
    airisk_redis_options, airisk_store_redis_new, AIRISK_REDIS_MAX_SEEDS,
    AIRISK_REDIS_WAIT_DEFAULT, AIRISK_REDIS_WAIT_NONE,
};

use crate::ffi::{self, boundary, boundary_value};
use crate::result::airisk_result;
use airisk_core::code::CodeId;
use airisk_core::store::{MemoryStore, Redemption, Store};
use airisk_core::Error;
use core::ffi::{c_char, c_void};
use std::sync::Arc;

/// Written by a store's `redeem` callback to `*redemption`: this call redeemed
/// the code first; the library issues a token.
pub const AIRISK_REDEMPTION_FIRST: u32 = 1;
/// Written by a store's `redeem` callback to `*redemption`: the code had
/// already been redeemed; the library refuses the exchange and revokes the token
/// issued on first use.
pub const AIRISK_REDEMPTION_REPLAYED: u32 = 2;
/// Written by a store's `is_revoked` callback to `*revoked`: the `jti` is not revoked.
pub const AIRISK_JTI_NOT_REVOKED: u32 = 1;
/// Written by a store's `is_revoked` callback to `*revoked`: the `jti` is revoked.
pub const AIRISK_JTI_REVOKED: u32 = 2;
/// Written by a store's `grant_not_before` callback to `*state`: the grant was
/// never revoked (or its record has expired).
pub const AIRISK_GRANT_NOT_REVOKED: u32 = 1;
/// Written by a store's `grant_not_before` callback to `*state`: the grant was
/// revoked; its "not before" time is written to `*not_before`.
pub const AIRISK_GRANT_REVOKED: u32 = 2;
/// Written by a store's `refresh_use` or `refresh_peek` callback to `*state`:
/// the refresh token is live and was not used before (`refresh_use`: this call
/// consumed it first); its record is written to the buffer.
pub const AIRISK_REFRESH_FIRST: u32 = 1;
/// Written by a store's `refresh_use` or `refresh_peek` callback to `*state`:
/// the refresh token is live but was already used: a replay (the library then
/// revokes its family); its record is written to the buffer.
pub const AIRISK_REFRESH_REPLAYED: u32 = 2;
/// Written by a store's `refresh_use` or `refresh_peek` callback to `*state`:
/// no such live refresh token (never stored, or expired); nothing else is written.
pub const AIRISK_REFRESH_UNKNOWN: u32 = 3;
/// The size of the buffer the library gives `refresh_use` and `refresh_peek`
/// for a record: no record the library writes is longer.
// Written out (cbindgen reads this crate only); the assertion keeps it the core's.
pub const AIRISK_REFRESH_RECORD_MAX: usize = 8192;
const _: () = assert!(AIRISK_REFRESH_RECORD_MAX == airisk_core::refresh::MAX_REFRESH_RECORD_LEN);
/// The length of a refresh-token digest given to the refresh callbacks (SHA-256).
pub const AIRISK_REFRESH_DIGEST_LEN: usize = 32;

/// The store (single use and revocation) kept by the application, e.g. one
/// shared by every instance of a service (Redis, a database), made into an
/// `airisk_store` by `airisk_store_callbacks_new()`.
///
/// Each callback gets `user_data` first and returns 0 for success. Any other
/// return, a NULL callback, or an out-value left unwritten (or not one of the
/// documented values) makes the library fail closed: the token exchange answers
/// 503 with reason `AIRISK_LEDGER_UNAVAILABLE` and issues no token, a verifier
/// refuses every token with `AIRISK_LEDGER_UNAVAILABLE`, and a bearer check answers 503.
/// Returning `AIRISK_LEDGER_FULL` reports a full store (also 503, with that reason).
///
/// The contract the application keeps:
/// - Threads: callbacks may be called concurrently, from every thread that uses
///   the issuer or a verifier made from it (`airisk_issuer_verifier()`); they
///   must be thread-safe for that `user_data`.
/// - Atomicity: `redeem` must be atomic: of any number of concurrent calls with
///   the same code id, across every process sharing the store, exactly one may
///   write `AIRISK_REDEMPTION_FIRST` (e.g. Redis `SET key 1 NX EXAT expires_at`).
/// - Lifetime: the struct itself is copied by `airisk_store_callbacks_new()`;
///   `user_data` and the callbacks must stay valid until `release` is called.
///   The library calls `release(user_data)` exactly once per successful
///   `airisk_store_callbacks_new()`, when that store handle and every issuer and
///   verifier using it are freed (never if the constructor fails: then the
///   caller still owns `user_data`). `release` may be NULL.
/// - Reentrancy: callbacks must not call into this library with the issuer or
///   verifier that called them (above all, never free it), must not unwind
///   (no C++ exception, no longjmp) and should return promptly: they run on the
///   request's thread, so bound the store's timeouts.
/// - Pointers given to a callback are valid only during the call.
/// - Growth: later versions add members at the end. Zero-initialise the struct
///   (`= {0}` or designated initialisers) so that members you do not set are
///   NULL, and rebuild against the header of the library you link.
///
/// The grant lifecycle (issue 15) is optional, in two groups that a store has
/// entirely or not at all (`airisk_store_callbacks_new()` refuses half a group
/// with `AIRISK_INVALID_CONFIGURATION`):
/// - grant revocation: `revoke_grant` and `grant_not_before`. Without them
///   `airisk_issuer_revoke_grant()` fails with `AIRISK_LEDGER_UNAVAILABLE` and
///   tokens are checked by `jti` alone (nothing can have been revoked by grant);
/// - refresh tokens: `refresh_insert`, `refresh_use` and `refresh_peek`. Without
///   them a client registered for refresh tokens is refused at the token
///   endpoint (503), as is `grant_type=refresh_token`.
///
/// A refresh family is revoked through `revoke` under the family's name (the
/// part of the access tokens' `jti` before the first `.`), and checked through
/// `is_revoked`: no further callback. A bearer check asks `is_revoked` for the
/// token's `jti` and for its family (when the `jti` has one), then
/// `grant_not_before` for its grant (when the store has it).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct airisk_store_callbacks {
    /// The application's context, passed to every callback; may be NULL.
    pub user_data: *mut c_void,
    /// Atomically marks the authorization code `code_id` (16 bytes) redeemed,
    /// remembering it at least until `expires_at` (Unix seconds; `now` is the
    /// request's time), and writes to `*redemption` `AIRISK_REDEMPTION_FIRST` if
    /// this call redeemed it or `AIRISK_REDEMPTION_REPLAYED` if it already was.
    pub redeem: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            code_id: *const u8,
            expires_at: u64,
            now: u64,
            redemption: *mut u32,
        ) -> u32,
    >,
    /// Revokes the token id `(jti, jti_len)` (UTF-8, not NUL-terminated) until
    /// `until` (Unix seconds), when its code was replayed. Revoking a `jti` again
    /// keeps the later `until`.
    pub revoke: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            jti: *const c_char,
            jti_len: usize,
            until: u64,
            now: u64,
        ) -> u32,
    >,
    /// Writes to `*revoked` `AIRISK_JTI_REVOKED` if the token id `(jti, jti_len)`
    /// (UTF-8, not NUL-terminated) is revoked at `now`, `AIRISK_JTI_NOT_REVOKED`
    /// otherwise. Called on every verification of a token with a `jti`: keep it fast.
    pub is_revoked: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            jti: *const c_char,
            jti_len: usize,
            now: u64,
            revoked: *mut u32,
        ) -> u32,
    >,
    /// Releases `user_data`, once, after the store handle and the last issuer or
    /// verifier using it are freed; may be NULL.
    pub release: Option<unsafe extern "C" fn(user_data: *mut c_void)>,
    /// Optional (with `grant_not_before`). Records that the grant of the client
    /// `(client_id, client_id_len)` on behalf of the user `(userid, userid_len)`
    /// — or its generic grant when `userid` is NULL — refuses everything issued at
    /// or before `not_before`, and keeps that record until `until` (Unix
    /// seconds). Never moves either time back: keep the later of each.
    pub revoke_grant: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            client_id: *const c_char,
            client_id_len: usize,
            userid: *const c_char,
            userid_len: usize,
            not_before: u64,
            until: u64,
            now: u64,
        ) -> u32,
    >,
    /// Optional (with `revoke_grant`). Writes to `*state` `AIRISK_GRANT_REVOKED`
    /// and to `*not_before` its time if the grant (as for `revoke_grant`; `userid`
    /// NULL for the generic grant) has a record still kept at `now`, else
    /// `AIRISK_GRANT_NOT_REVOKED`. Called on every verification of a token with
    /// a grant: keep it fast. (A revoked state without a time refuses every
    /// token of the grant.)
    pub grant_not_before: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            client_id: *const c_char,
            client_id_len: usize,
            userid: *const c_char,
            userid_len: usize,
            now: u64,
            state: *mut u32,
            not_before: *mut u64,
        ) -> u32,
    >,
    /// Optional (with `refresh_use` and `refresh_peek`). Stores a new, unused
    /// refresh token under its digest (`AIRISK_REFRESH_DIGEST_LEN` bytes: the
    /// token itself is never given) with its record `(record, record_len)`
    /// (opaque UTF-8 text of at most `AIRISK_REFRESH_RECORD_MAX` bytes, to hand
    /// back byte for byte), until `expires_at` (Unix seconds).
    pub refresh_insert: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            digest: *const u8,
            record: *const c_char,
            record_len: usize,
            expires_at: u64,
            now: u64,
        ) -> u32,
    >,
    /// Optional (with `refresh_insert` and `refresh_peek`). Atomically consumes
    /// the refresh token `digest`: writes to `*state` `AIRISK_REFRESH_FIRST` if it
    /// is live and this call used it first (marking it used, and keeping it until
    /// its `expires_at`), `AIRISK_REFRESH_REPLAYED` if it is live but was used
    /// before, `AIRISK_REFRESH_UNKNOWN` otherwise; for the first two, copies its
    /// record into `(record_buf, record_cap)` (`record_cap` is
    /// `AIRISK_REFRESH_RECORD_MAX`) and its length to `*record_len`. Of concurrent
    /// calls with one digest, across every process sharing the store, at most one
    /// may write `AIRISK_REFRESH_FIRST`.
    pub refresh_use: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            digest: *const u8,
            now: u64,
            state: *mut u32,
            record_buf: *mut c_char,
            record_cap: usize,
            record_len: *mut usize,
        ) -> u32,
    >,
    /// Optional (with `refresh_insert` and `refresh_use`). What `refresh_use`
    /// would write, consuming nothing (for revocation and introspection).
    pub refresh_peek: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            digest: *const u8,
            now: u64,
            state: *mut u32,
            record_buf: *mut c_char,
            record_cap: usize,
            record_len: *mut usize,
        ) -> u32,
    >,
}

/// Where an issuer keeps single use and revocation: made by one of the
/// `airisk_store_*_new` constructors, given to `airisk_issuer_new()`, freed with
/// `airisk_store_free()`. Reference-counted: every issuer (and every verifier made
/// from one) keeps the store alive, so the handle may be freed as soon as the
/// issuers are built. Thread-safe.
pub struct airisk_store {
    pub(crate) store: Arc<dyn Store>,
}

impl core::fmt::Debug for airisk_store {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("airisk_store")
            .field("store", &self.store)
            .finish()
    }
}

/// The default number of codes (and of revoked token ids) an in-memory store holds.
// Written out (cbindgen reads this crate only, so a path to the core's constant
// left it out of the header); the assertion keeps it the core's.
pub const AIRISK_DEFAULT_STORE_CAPACITY: usize = 1_000_000;
const _: () = assert!(AIRISK_DEFAULT_STORE_CAPACITY == airisk_core::store::DEFAULT_STORE_CAPACITY);

/// Makes a store in this process's memory: for **one process only** (two processes,
/// each with its own, each accept every code once). It holds at most `capacity`
/// codes and `capacity` revoked token ids (0: `AIRISK_DEFAULT_STORE_CAPACITY`),
/// forgets them once expired, and when full refuses (`AIRISK_LEDGER_FULL`, 503)
/// rather than forgetting live ones. On success writes it to `*out`; free it
/// with `airisk_store_free()`. Errors: `AIRISK_INVALID_ARGUMENT`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_store_memory_new(
    capacity: usize,
    out: *mut *mut airisk_store,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let capacity = if capacity == 0 {
            AIRISK_DEFAULT_STORE_CAPACITY
        } else {
            capacity
        };
        give_store(out, Arc::new(MemoryStore::new(capacity)));
        Ok(())
    })
}

/// Makes a store of the application's callbacks `*callbacks` (see
/// `airisk_store_callbacks` for the contract: thread-safety, atomicity of
/// `redeem`, lifetime of `user_data`). `*callbacks` is copied. On success the
/// library owns `user_data`: it calls `release(user_data)` once, when this
/// handle and every issuer and verifier using the store are freed; on failure
/// nothing is called and `user_data` stays the caller's. Writes the store to
/// `*out`; free it with `airisk_store_free()`. Errors: `AIRISK_INVALID_ARGUMENT`
/// (NULL), `AIRISK_INVALID_CONFIGURATION` (half of an optional group of
/// callbacks: see `airisk_store_callbacks`). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_store_callbacks_new(
    callbacks: *const airisk_store_callbacks,
    out: *mut *mut airisk_store,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let callbacks = ffi::read(callbacks)?;
        let store = ffi::CallbackLedger::new(callbacks)?;
        // From here nothing fails: the library owns `user_data`.
        store.arm();
        give_store(out, Arc::new(store));
        Ok(())
    })
}

/// Marks the code id `code_id` (16 bytes) redeemed until `expires_at` (Unix
/// seconds; `now` is the caller's time), as an issuer does, and writes to
/// `*redemption_out` `AIRISK_REDEMPTION_FIRST` (this call redeemed it) or
/// `AIRISK_REDEMPTION_REPLAYED`. For tests of a store (the conformance suite)
/// and tools; an issuer calls it itself. Errors: `AIRISK_LEDGER_UNAVAILABLE`,
/// `AIRISK_LEDGER_FULL`, `AIRISK_INVALID_ARGUMENT`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_store_redeem(
    store: *const airisk_store,
    code_id: *const u8,
    expires_at: u64,
    now: u64,
    redemption_out: *mut u32,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(redemption_out)?;
        let store = &ffi::handle(store)?.store;
        let id: [u8; 16] = ffi::bytes(code_id, 16)?
            .try_into()
            .map_err(|_| Error::InvalidArgument)?;
        let answer = match store.redeem(&CodeId(id), expires_at, now)? {
            Redemption::First => AIRISK_REDEMPTION_FIRST,
            Redemption::Replayed => AIRISK_REDEMPTION_REPLAYED,
            // A later kind of answer is not a proof of first use.
            _ => return Err(Error::LedgerUnavailable),
        };
        ffi::put(out, answer);
        Ok(())
    })
}

/// Revokes the token id `(jti, jti_len)` (UTF-8) until `until` (Unix seconds), as
/// an issuer does when a code is replayed. Errors: `AIRISK_LEDGER_UNAVAILABLE`,
/// `AIRISK_LEDGER_FULL`, `AIRISK_INVALID_ARGUMENT`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_store_revoke(
    store: *const airisk_store,
    jti: *const c_char,
    jti_len: usize,
    until: u64,
    now: u64,
) -> airisk_result {
    boundary(|| {
        let store = &ffi::handle(store)?.store;
        store.revoke(ffi::text(jti, jti_len)?, until, now)
    })
}

/// Writes to `*revoked_out` `AIRISK_JTI_REVOKED` if the token id `(jti, jti_len)`
/// (UTF-8) is revoked at `now`, else `AIRISK_JTI_NOT_REVOKED`, as a verifier
/// asks. Errors: `AIRISK_LEDGER_UNAVAILABLE`, `AIRISK_INVALID_ARGUMENT`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_store_is_revoked(
    store: *const airisk_store,
    jti: *const c_char,
    jti_len: usize,
    now: u64,
    revoked_out: *mut u32,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(revoked_out)?;
        let store = &ffi::handle(store)?.store;
        let revoked = store.is_revoked(ffi::text(jti, jti_len)?, now)?;
        ffi::put(
            out,
            if revoked {
                AIRISK_JTI_REVOKED
            } else {
                AIRISK_JTI_NOT_REVOKED
            },
        );
        Ok(())
    })
}

/// Frees a store handle. Issuers and verifiers built with it keep using the
/// store; it is closed (connections, `release`) when the last of them is freed.
/// NULL is a no-op. No other thread may be using this handle.
#[no_mangle]
pub extern "C" fn airisk_store_free(store: *mut airisk_store) {
    boundary_value((), || ffi::free(store));
}

/// Hands a new store to C.
pub(crate) fn give_store(out: ffi::OutPtr<*mut airisk_store>, store: Arc<dyn Store>) {
    ffi::give(out, airisk_store { store });
}

/// A millisecond count from C as a duration, `default` for 0.
#[cfg_attr(not(any(feature = "redis", feature = "postgres")), allow(dead_code))]
pub(crate) fn millis_or(ms: u32, default: core::time::Duration) -> core::time::Duration {
    if ms == 0 {
        default
    } else {
        core::time::Duration::from_millis(u64::from(ms))
    }
}
