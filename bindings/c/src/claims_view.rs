//! `airisk_claims_view`: the claims of one token lent to a callback, borrowed
//! from the decoded token instead of copied into an `airisk_claims`.
//!
//! `airisk_verifier_verify_at()` gives owned claims: the core copies each string
//! claim out of the decoded token, the library boxes them, and the caller frees
//! them. A service that reads a field or two per request (the userid, say) pays
//! for that copy on every verification; `airisk_verifier_verify_view_at()` lends
//! the same claims to a callback instead, on the core's `Verifier::verify_with`,
//! allocating nothing. The strings point into the decoded token, which lives on
//! the verifying call's stack: they are valid only during the callback and are
//! not NUL-terminated (the byte after each is the JSON's closing quote), so
//! they come as (pointer, length) pairs. What it saves, measured: BENCHMARKS.md.

#![allow(non_camel_case_types)]

use airisk_core::token::ClaimsRef;
use core::ffi::{c_char, c_void};

/// A string lent by an `airisk_claims_view`: `len` bytes of UTF-8 at `ptr`, **not**
/// NUL-terminated. `ptr` is NULL (and `len` 0) when the claim is absent.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct airisk_str {
    /// The first byte, or NULL when absent.
    pub ptr: *const c_char,
    /// The length in bytes.
    pub len: usize,
}

impl airisk_str {
    fn of(text: Option<&str>) -> Self {
        text.map_or(
            airisk_str {
                ptr: core::ptr::null(),
                len: 0,
            },
            |t| airisk_str {
                ptr: t.as_ptr().cast::<c_char>(),
                len: t.len(),
            },
        )
    }
}

/// The verified claims of one token, lent to an `airisk_claims_reader` by
/// `airisk_verifier_verify_view_at()`. Every pointer in it (and the view
/// itself) is valid only until the callback returns: copy what you keep.
/// The audiences (`aud`) are not in the view (the verifier has checked its
/// own); `airisk_verifier_verify_at()` gives them.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct airisk_claims_view {
    /// `iss`.
    pub iss: airisk_str,
    /// `sub` (the userid of a user token, the client_id of a generic one).
    pub sub: airisk_str,
    /// The userid: `sub` of a user token; absent for a generic (application) token.
    pub userid: airisk_str,
    /// `client_id`.
    pub client_id: airisk_str,
    /// `company_id`.
    pub company_id: airisk_str,
    /// `jti`.
    pub jti: airisk_str,
    /// `scope` (space-separated scopes).
    pub scope: airisk_str,
    /// `exp`, Unix seconds.
    pub exp: u64,
    /// `iat`, Unix seconds, when `has_iat`.
    pub iat: u64,
    /// `nbf`, Unix seconds, when `has_nbf`.
    pub nbf: u64,
    /// Whether the token has `iat`.
    pub has_iat: bool,
    /// Whether the token has `nbf`.
    pub has_nbf: bool,
    /// `user_token`: true for a user-specific token.
    pub user_token: bool,
}

impl airisk_claims_view {
    pub(crate) fn new(claims: &ClaimsRef<'_>) -> Self {
        airisk_claims_view {
            iss: airisk_str::of(Some(claims.iss())),
            sub: airisk_str::of(claims.sub()),
            userid: airisk_str::of(claims.userid()),
            client_id: airisk_str::of(claims.client_id()),
            company_id: airisk_str::of(claims.company_id()),
            jti: airisk_str::of(claims.jti()),
            scope: airisk_str::of(claims.scope()),
            exp: claims.exp(),
            iat: claims.iat().unwrap_or(0),
            nbf: claims.nbf().unwrap_or(0),
            has_iat: claims.iat().is_some(),
            has_nbf: claims.nbf().is_some(),
            user_token: claims.user_token(),
        }
    }
}

/// Called by `airisk_verifier_verify_view_at()` once, with the verified claims
/// and the caller's `context`, only when the token is accepted; on the
/// verifying thread, before that call returns. It must not unwind (no C++
/// exception, no longjmp) and must not keep any pointer of the view.
pub type airisk_claims_reader =
    Option<unsafe extern "C" fn(claims: *const airisk_claims_view, context: *mut c_void)>;
