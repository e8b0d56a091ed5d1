//! `airisk_verifier`: a key set and a policy; verifies tokens into `airisk_claims`.

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::claims::airisk_claims;
use crate::claims_view::{airisk_claims_reader, airisk_claims_view};
use crate::ffi::{self, boundary_detailed, boundary_value};
use crate::keyset::airisk_keyset;
use crate::result::airisk_result;
use crate::result::detail::Detailed;
use airisk_core::token::{Policy, Verifier};
use airisk_core::Error;
use core::ffi::{c_char, c_void};

/// The default clock-skew allowance of a verifier, in seconds (at most 300).
pub const AIRISK_DEFAULT_LEEWAY: u64 = 30;
/// The default maximum token length of a verifier, in bytes (64 to 65536).
pub const AIRISK_DEFAULT_MAX_TOKEN_LEN: usize = 8192;

/// Verifier flag: only user-specific tokens are accepted (`AIRISK_USER_TOKEN_REQUIRED` otherwise).
pub const AIRISK_POLICY_REQUIRE_USER: u32 = 1;
/// Verifier flag: do not require the access-token claims `sub`, `client_id`, `iat`,
/// `jti`, `user_token`. Only to verify plain JWTs of other issuers.
pub const AIRISK_POLICY_ALLOW_PLAIN_JWT: u32 = 2;

/// A token verifier: a key set and a policy. Immutable: one verifier may be
/// used by any number of threads at once.
#[derive(Debug)]
pub struct airisk_verifier {
    pub(crate) verifier: Verifier,
}

/// Makes a verifier of tokens signed by `keyset` and issued by `issuer`
/// (NUL-terminated). `audience` (NUL-terminated) is required in `aud` when not
/// NULL; when NULL, tokens carrying `aud` are refused. `leeway` is the clock
/// skew allowed in seconds (`AIRISK_DEFAULT_LEEWAY`; at most 300),
/// `max_token_len` the longest token accepted (`AIRISK_DEFAULT_MAX_TOKEN_LEN`;
/// 64 to 65536), `flags` a combination of `AIRISK_POLICY_*` (0 for the strict default).
///
/// The verifier keeps its own reference to the key set. On success writes it to
/// `*out`; free it with `airisk_verifier_free()`. Errors:
/// `AIRISK_INVALID_CONFIGURATION` (leeway or length out of range;
/// `airisk_last_error_detail()` names the setting and its range),
/// `AIRISK_INVALID_ARGUMENT` (NULL, non-UTF-8, unknown flag). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_verifier_new(
    keyset: *const airisk_keyset,
    issuer: *const c_char,
    audience: *const c_char,
    leeway: u64,
    max_token_len: usize,
    flags: u32,
    out: *mut *mut airisk_verifier,
) -> airisk_result {
    boundary_detailed(|| {
        let out = ffi::out_ptr(out)?;
        let keyset = ffi::handle(keyset)?;
        if flags & !(AIRISK_POLICY_REQUIRE_USER | AIRISK_POLICY_ALLOW_PLAIN_JWT) != 0 {
            return Err(Error::InvalidArgument.into());
        }
        let mut policy = Policy::new(ffi::cstr(issuer)?);
        if let Some(audience) = ffi::opt_cstr(audience)? {
            policy = policy.with_audience(audience);
        }
        let policy = policy
            .with_leeway(leeway)?
            .with_max_token_len(max_token_len)?
            .require_user(flags & AIRISK_POLICY_REQUIRE_USER != 0)
            .require_access_token_claims(flags & AIRISK_POLICY_ALLOW_PLAIN_JWT == 0);
        ffi::give(
            out,
            airisk_verifier {
                verifier: Verifier::new(keyset.keys.clone(), policy),
            },
        );
        Ok(())
    })
}

/// Frees a verifier. NULL is a no-op. No other thread may be using it.
#[no_mangle]
pub extern "C" fn airisk_verifier_free(verifier: *mut airisk_verifier) {
    boundary_value((), || ffi::free(verifier));
}

/// Verifies the token `(token, token_len)` at the system clock's time.
///
/// On success writes its claims to `*claims_out`; the caller owns them and frees
/// them with `airisk_claims_free()`. On failure returns why (e.g. `AIRISK_EXPIRED`,
/// `AIRISK_INVALID_SIGNATURE`) and leaves `*claims_out` untouched. A token that is
/// not UTF-8 gives `AIRISK_INVALID_ARGUMENT`. After `AIRISK_MISSING_CLAIM` or
/// `AIRISK_MALFORMED_CLAIMS`, `airisk_last_error_detail()` names the claim at
/// fault (e.g. "the token lacks a required claim: `client_id`"); after any
/// other failure it is empty. The token is only read during the call.
/// Thread-safe: any number of threads may verify on one verifier at once.
#[no_mangle]
pub extern "C" fn airisk_verifier_verify(
    verifier: *const airisk_verifier,
    token: *const c_char,
    token_len: usize,
    claims_out: *mut *mut airisk_claims,
) -> airisk_result {
    boundary_detailed(|| verify(ffi::handle(verifier)?, token, token_len, None, claims_out))
}

/// `airisk_verifier_verify()` at `now` (Unix seconds) instead of the system clock; the same
/// ownership, out-parameters, errors, detail and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_verifier_verify_at(
    verifier: *const airisk_verifier,
    token: *const c_char,
    token_len: usize,
    now: u64,
    claims_out: *mut *mut airisk_claims,
) -> airisk_result {
    boundary_detailed(|| {
        verify(
            ffi::handle(verifier)?,
            token,
            token_len,
            Some(now),
            claims_out,
        )
    })
}

/// Verifies the token `(token, token_len)` at the system clock's time and lends
/// its claims to `read` instead of copying them: `read(view, context)` is called
/// once, before this returns, only when the token is accepted. Nothing is
/// allocated; the view and its strings (not NUL-terminated: see `airisk_str`)
/// are valid only during the callback. The same checks, errors, detail and
/// thread-safety as `airisk_verifier_verify()`; a NULL `read` gives
/// `AIRISK_INVALID_ARGUMENT` before anything is verified. `context` may be NULL.
#[no_mangle]
pub extern "C" fn airisk_verifier_verify_view(
    verifier: *const airisk_verifier,
    token: *const c_char,
    token_len: usize,
    read: airisk_claims_reader,
    context: *mut c_void,
) -> airisk_result {
    boundary_detailed(|| {
        let verifier = ffi::handle(verifier)?;
        verify_view(
            verifier,
            token,
            token_len,
            verifier.verifier.now(),
            read,
            context,
        )
    })
}

/// `airisk_verifier_verify_view()` at `now` (Unix seconds) instead of the system
/// clock; the same callback, errors, detail and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_verifier_verify_view_at(
    verifier: *const airisk_verifier,
    token: *const c_char,
    token_len: usize,
    now: u64,
    read: airisk_claims_reader,
    context: *mut c_void,
) -> airisk_result {
    boundary_detailed(|| verify_view(ffi::handle(verifier)?, token, token_len, now, read, context))
}

/// Why the token `(token, token_len)` is refused at `now` (Unix seconds),
/// naming the claim at fault: for logs and error pages after a verify call
/// failed. Verifies again (and, for `AIRISK_MISSING_CLAIM` and
/// `AIRISK_MALFORMED_CLAIMS`, decodes the claims again): slow, never for the
/// request path. The verify calls already leave this in
/// `airisk_last_error_detail()`; this call is for a token verified elsewhere.
///
/// On success writes the refusal's code to `*refusal_out` (`AIRISK_OK` when the
/// token verifies) and to `*claim_out` the name of the claim at fault (e.g.
/// `"client_id"`; free it with `airisk_string_free()`) or NULL when none is.
/// Errors: `AIRISK_INVALID_ARGUMENT` (NULL, non-UTF-8 token), out-parameters
/// untouched. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_verifier_explain_at(
    verifier: *const airisk_verifier,
    token: *const c_char,
    token_len: usize,
    now: u64,
    refusal_out: *mut u32,
    claim_out: *mut *mut c_char,
) -> airisk_result {
    boundary_detailed(|| {
        let verifier = ffi::handle(verifier)?;
        let refusal_out = ffi::out_ptr(refusal_out)?;
        let claim_out = ffi::out_ptr(claim_out)?;
        let token = ffi::text(token, token_len)?;
        let refusal = verifier.verifier.explain_at(token, now);
        match refusal.and_then(|r| r.claim) {
            Some(claim) => ffi::give_string(claim_out, claim.to_owned())?,
            None => ffi::put(claim_out, core::ptr::null_mut()),
        }
        // `AIRISK_OK` is 0; every other code is the core kind's number.
        ffi::put(refusal_out, refusal.map_or(0, |r| r.kind.code()));
        Ok(())
    })
}

fn verify_view(
    verifier: &airisk_verifier,
    token: *const c_char,
    token_len: usize,
    now: u64,
    read: airisk_claims_reader,
    context: *mut c_void,
) -> Result<(), Detailed> {
    let read = read.ok_or(Error::InvalidArgument)?;
    let token = ffi::text(token, token_len)?;
    verifier
        .verifier
        .verify_with(token, now, |claims| {
            ffi::read_claims(read, &airisk_claims_view::new(claims), context);
        })
        .map_err(|kind| refusal(verifier, token, now, kind))
}

/// A refusal with the claim at fault as its detail, when there is one: the
/// slow explanation runs only here, after the token was refused.
fn refusal(verifier: &airisk_verifier, token: &str, now: u64, kind: Error) -> Detailed {
    let refusal = verifier.verifier.explain_refusal(token, now, kind);
    match refusal.claim {
        Some(_) => Detailed::new(kind, refusal.to_string()),
        None => Detailed::from(kind),
    }
}

fn verify(
    verifier: &airisk_verifier,
    token: *const c_char,
    token_len: usize,
    now: Option<u64>,
    claims_out: *mut *mut airisk_claims,
) -> Result<(), Detailed> {
    let out = ffi::out_ptr(claims_out)?;
    let token = ffi::text(token, token_len)?;
    // verify_with: the claims are copied once, out of the decoded token, into the
    // C claims' one buffer (no owned `Claims` in between).
    let now = now.unwrap_or_else(|| verifier.verifier.now());
    let claims = verifier
        .verifier
        .verify_with(token, now, airisk_claims::from_view)
        .map_err(|kind| refusal(verifier, token, now, kind))?;
    ffi::give(out, claims);
    Ok(())
}
