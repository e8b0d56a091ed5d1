//! `airisk_store_callbacks`: the store (single use, revocation) kept by the application.

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use core::ffi::{c_char, c_void};

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

/// The store (single use and revocation) kept by the application, e.g. one
/// shared by every instance of a service (Redis, a database), given to
/// `airisk_issuer_new_with_store()` as callbacks.
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
/// - Lifetime: the struct itself is copied by the constructor; `user_data` and
///   the callbacks must stay valid until `release` is called. The library calls
///   `release(user_data)` exactly once per successful constructor call, when
///   that issuer and every verifier made from it are freed (never if the
///   constructor fails: then the caller still owns `user_data`). Giving one
///   `user_data` to several issuers means as many `release` calls: count them.
///   `release` may be NULL.
/// - Reentrancy: callbacks must not call into this library with the issuer or
///   verifier that called them (above all, never free it), must not unwind
///   (no C++ exception, no longjmp) and should return promptly: they run on the
///   request's thread, so bound the store's timeouts.
/// - Pointers given to a callback are valid only during the call.
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
    /// Releases `user_data`, once, after the last issuer or verifier using the
    /// ledger is freed; may be NULL.
    pub release: Option<unsafe extern "C" fn(user_data: *mut c_void)>,
}
