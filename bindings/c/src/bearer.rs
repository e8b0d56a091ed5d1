//! The bearer check of a protected resource (RFC 6750).

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::claims::airisk_claims;
use crate::ffi::{self, boundary};
use crate::response::airisk_response;
use crate::result::airisk_result;
use crate::verifier::airisk_verifier;
use airisk_core::flow::{check_bearer_with, explain_bearer_at, Access};
use airisk_core::scope::MAX_SCOPE_LEN;
use airisk_core::Error;
use core::ffi::c_char;

/// Bearer check: any valid token, generic or user-specific.
pub const AIRISK_ACCESS_ANY: u32 = 0;
/// Bearer check: a user-specific token (a generic one gets 403 `insufficient_scope`).
pub const AIRISK_ACCESS_USER: u32 = 1;

/// Checks the `Authorization` header `(authorization, authorization_len)` (NULL
/// when the request has none) of a request to a protected resource, at the
/// system clock's time. `access` is `AIRISK_ACCESS_ANY` or `AIRISK_ACCESS_USER`.
///
/// Returns `AIRISK_OK` when the check ran; then exactly one of the two
/// out-params is written: `*claims_out` (request allowed; free with
/// `airisk_claims_free()`) or `*response_out` (the 401/403 answer to send, with
/// its `WWW-Authenticate` challenge, reason and, for a missing or ill-typed
/// claim, `airisk_response_claim()`; free with `airisk_response_free()`).
/// Initialise both to NULL to tell which. Other codes (`AIRISK_INVALID_ARGUMENT`
/// for NULL, a non-UTF-8 header or an unknown `access`) write neither. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_verifier_check_bearer(
    verifier: *const airisk_verifier,
    authorization: *const c_char,
    authorization_len: usize,
    access: u32,
    claims_out: *mut *mut airisk_claims,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let verifier = ffi::handle(verifier)?;
        let now = verifier.verifier.now();
        bearer(
            verifier,
            (authorization, authorization_len),
            access,
            now,
            claims_out,
            response_out,
        )
    })
}

/// `airisk_verifier_check_bearer()` at `now` (Unix seconds) instead of the system clock; the same
/// ownership, out-parameters, errors and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_verifier_check_bearer_at(
    verifier: *const airisk_verifier,
    authorization: *const c_char,
    authorization_len: usize,
    access: u32,
    now: u64,
    claims_out: *mut *mut airisk_claims,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        bearer(
            ffi::handle(verifier)?,
            (authorization, authorization_len),
            access,
            now,
            claims_out,
            response_out,
        )
    })
}

/// `airisk_verifier_check_bearer_at()` for a resource that also requires the
/// scopes `(scopes, scopes_len)`: space-separated names (NULL or empty: none).
/// A valid token without every one of them gets the 403 answer with
/// `WWW-Authenticate: Bearer error="insufficient_scope", scope="…"` (RFC 6750
/// §3.1). The same ownership, out-parameters, errors and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_verifier_check_bearer_scopes_at(
    verifier: *const airisk_verifier,
    authorization: *const c_char,
    authorization_len: usize,
    access: u32,
    scopes: *const c_char,
    scopes_len: usize,
    now: u64,
    claims_out: *mut *mut airisk_claims,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let scopes = ffi::opt_text(scopes, scopes_len)?.unwrap_or_default();
        if scopes.len() > MAX_SCOPE_LEN {
            return Err(Error::InvalidArgument);
        }
        let required: Vec<&str> = scopes.split(' ').filter(|s| !s.is_empty()).collect();
        bearer_scoped(
            ffi::handle(verifier)?,
            (authorization, authorization_len),
            access,
            &required,
            now,
            claims_out,
            response_out,
        )
    })
}

fn bearer(
    verifier: &airisk_verifier,
    authorization: (*const c_char, usize),
    access: u32,
    now: u64,
    claims_out: *mut *mut airisk_claims,
    response_out: *mut *mut airisk_response,
) -> Result<(), Error> {
    bearer_scoped(
        verifier,
        authorization,
        access,
        &[],
        now,
        claims_out,
        response_out,
    )
}

fn bearer_scoped(
    verifier: &airisk_verifier,
    authorization: (*const c_char, usize),
    access: u32,
    required: &[&str],
    now: u64,
    claims_out: *mut *mut airisk_claims,
    response_out: *mut *mut airisk_response,
) -> Result<(), Error> {
    let claims_out = ffi::out_ptr(claims_out)?;
    let response_out = ffi::out_ptr(response_out)?;
    let access = match access {
        AIRISK_ACCESS_ANY => Access::Any,
        AIRISK_ACCESS_USER => Access::User,
        _ => return Err(Error::InvalidArgument),
    };
    let authorization = ffi::opt_text(authorization.0, authorization.1)?;
    // Copied once out of the decoded token (custom claims included, parsed when asked).
    let checked = check_bearer_with(
        &verifier.verifier,
        authorization,
        access,
        required,
        now,
        airisk_claims::from_view,
    );
    match checked {
        Ok(claims) => ffi::give(claims_out, claims),
        Err(answer) => {
            // The claim at fault, looked for only now that the token was refused.
            let claim = explain_bearer_at(&verifier.verifier, authorization, now, &answer)
                .and_then(|refusal| refusal.claim);
            ffi::give(response_out, airisk_response::refused(answer, claim));
        }
    }
    Ok(())
}
