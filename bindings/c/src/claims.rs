//! `airisk_claims`: the verified claims of one token, and their accessors.

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::ffi::{self, boundary, boundary_value};
use crate::nul_str::{lend_opt, NulStr};
use crate::result::airisk_result;
use airisk_core::token::Claims;
use airisk_core::Error;
use core::ffi::c_char;

/// Claim field for `airisk_claims_copy`: `iss`.
pub const AIRISK_CLAIM_ISS: u32 = 1;
/// Claim field for `airisk_claims_copy`: `sub`.
pub const AIRISK_CLAIM_SUB: u32 = 2;
/// Claim field for `airisk_claims_copy`: `client_id`.
pub const AIRISK_CLAIM_CLIENT_ID: u32 = 3;
/// Claim field for `airisk_claims_copy`: `company_id`.
pub const AIRISK_CLAIM_COMPANY_ID: u32 = 4;
/// Claim field for `airisk_claims_copy`: `jti`.
pub const AIRISK_CLAIM_JTI: u32 = 5;
/// Claim field for `airisk_claims_copy`: the userid (`sub` of a user token; absent for a generic one).
pub const AIRISK_CLAIM_USERID: u32 = 6;

/// The verified claims of one token. Owned by the caller; immutable.
#[derive(Debug)]
pub struct airisk_claims {
    // The core's strings, each moved (not copied) and NUL-terminated for C.
    iss: NulStr,
    sub: Option<NulStr>,
    client_id: Option<NulStr>,
    company_id: Option<NulStr>,
    jti: Option<NulStr>,
    aud: Vec<NulStr>,
    user_token: bool,
    /// `Claims::userid().is_some()`: then the userid is `sub`.
    has_userid: bool,
    iat: Option<u64>,
    nbf: Option<u64>,
    exp: u64,
}

impl airisk_claims {
    pub(crate) fn new(claims: Claims) -> Self {
        let has_userid = claims.userid().is_some();
        airisk_claims {
            has_userid,
            iss: NulStr::from_string(claims.iss),
            sub: claims.sub.map(NulStr::from_string),
            client_id: claims.client_id.map(NulStr::from_string),
            company_id: claims.company_id.map(NulStr::from_string),
            jti: claims.jti.map(NulStr::from_string),
            aud: claims.aud.into_iter().map(NulStr::from_string).collect(),
            user_token: claims.user_token,
            iat: claims.iat,
            nbf: claims.nbf,
            exp: claims.exp,
        }
    }

    fn field(&self, field: u32) -> Result<Option<&NulStr>, Error> {
        Ok(match field {
            AIRISK_CLAIM_ISS => Some(&self.iss),
            AIRISK_CLAIM_SUB => self.sub.as_ref(),
            AIRISK_CLAIM_CLIENT_ID => self.client_id.as_ref(),
            AIRISK_CLAIM_COMPANY_ID => self.company_id.as_ref(),
            AIRISK_CLAIM_JTI => self.jti.as_ref(),
            AIRISK_CLAIM_USERID => self.sub.as_ref().filter(|_| self.has_userid),
            _ => return Err(Error::InvalidArgument),
        })
    }
}

/// Frees claims. NULL is a no-op. Every pointer borrowed from them becomes invalid.
#[no_mangle]
pub extern "C" fn airisk_claims_free(claims: *mut airisk_claims) {
    boundary_value((), || ffi::free(claims));
}

/// The userid the token acts for: `sub` of a user token, or NULL for a generic
/// (application) token or a NULL `claims`. The string is NUL-terminated and
/// borrowed: valid until `airisk_claims_free(claims)`. Its length is written to
/// `*len_out` when `len_out` is not NULL (0 for NULL). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_claims_userid(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_USERID, len_out)
}

/// `iss`, borrowed like `airisk_claims_userid()`; NULL only for a NULL `claims`.
#[no_mangle]
pub extern "C" fn airisk_claims_iss(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_ISS, len_out)
}

/// `sub` (userid or client_id), borrowed like `airisk_claims_userid()`; NULL when absent.
#[no_mangle]
pub extern "C" fn airisk_claims_sub(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_SUB, len_out)
}

/// `client_id`, borrowed like `airisk_claims_userid()`; NULL when absent.
#[no_mangle]
pub extern "C" fn airisk_claims_client_id(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_CLIENT_ID, len_out)
}

/// `company_id`, borrowed like `airisk_claims_userid()`; NULL when absent.
#[no_mangle]
pub extern "C" fn airisk_claims_company_id(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_COMPANY_ID, len_out)
}

/// `jti`, borrowed like `airisk_claims_userid()`; NULL when absent.
#[no_mangle]
pub extern "C" fn airisk_claims_jti(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_JTI, len_out)
}

fn claim_str(claims: *const airisk_claims, field: u32, len_out: *mut usize) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        let found = ffi::handle(claims)
            .ok()
            .and_then(|c| c.field(field).ok().flatten());
        lend_opt(found, len_out)
    })
}

/// Copies a string claim (`AIRISK_CLAIM_*`) and a terminating NUL into the
/// caller's buffer `(buf, buf_len)`; the copy is the caller's.
/// Errors: `AIRISK_MISSING_CLAIM` when the token lacks it (e.g. the userid of a
/// generic token), `AIRISK_BUFFER_TOO_SMALL` when it does not fit with its NUL,
/// `AIRISK_INVALID_ARGUMENT`. The buffer is written only on success. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_claims_copy(
    claims: *const airisk_claims,
    field: u32,
    buf: *mut c_char,
    buf_len: usize,
) -> airisk_result {
    boundary(|| {
        let value = ffi::handle(claims)?
            .field(field)?
            .ok_or(Error::MissingClaim)?;
        ffi::copy_out(value.text(), buf, buf_len)
    })
}

/// `exp`: when the token expires, Unix seconds (0 for a NULL `claims`). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_claims_exp(claims: *const airisk_claims) -> u64 {
    boundary_value(0, || ffi::handle(claims).map_or(0, |c| c.exp))
}

/// `iat`: writes it to `*out` and returns true when the token has it; false otherwise
/// (`*out` untouched). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_claims_iat(claims: *const airisk_claims, out: *mut u64) -> bool {
    claim_date(claims, out, |c| c.iat)
}

/// `nbf`, like `airisk_claims_iat()`.
#[no_mangle]
pub extern "C" fn airisk_claims_nbf(claims: *const airisk_claims, out: *mut u64) -> bool {
    claim_date(claims, out, |c| c.nbf)
}

fn claim_date(
    claims: *const airisk_claims,
    out: *mut u64,
    get: impl FnOnce(&airisk_claims) -> Option<u64>,
) -> bool {
    boundary_value(false, || {
        let found = ffi::handle(claims).ok().and_then(get);
        match (found, ffi::out_ptr(out)) {
            (Some(value), Ok(out)) => {
                ffi::put(out, value);
                true
            }
            _ => false,
        }
    })
}

/// `user_token`: true for a user-specific token, false for a generic one (or NULL). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_claims_user_token(claims: *const airisk_claims) -> bool {
    boundary_value(false, || ffi::handle(claims).is_ok_and(|c| c.user_token))
}

/// The number of audiences in `aud` (0 when absent or for a NULL `claims`).
#[no_mangle]
pub extern "C" fn airisk_claims_audience_count(claims: *const airisk_claims) -> usize {
    boundary_value(0, || ffi::handle(claims).map_or(0, |c| c.aud.len()))
}

/// The audience at `index` (0-based), borrowed like `airisk_claims_userid()`;
/// NULL past the end.
#[no_mangle]
pub extern "C" fn airisk_claims_audience(
    claims: *const airisk_claims,
    index: usize,
    len_out: *mut usize,
) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        let found = ffi::handle(claims).ok().and_then(|c| c.aud.get(index));
        lend_opt(found, len_out)
    })
}
