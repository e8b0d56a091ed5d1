//! `airisk_pending`: a validated authorization request waiting for the user's
//! decision, and the issuer calls that make, decide and seal one.

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::ffi::{self, boundary, boundary_value};
use crate::issuer::airisk_issuer;
use crate::nul_str::{lend_opt, NulStr};
use crate::response::airisk_response;
use crate::result::airisk_result;
use airisk_core::flow::{Issuer, PendingAuthorization, Response};
use airisk_core::token::{CustomClaims, MAX_CUSTOM_CLAIMS_LEN};
use airisk_core::Error;
use core::ffi::c_char;

/// A validated authorization request waiting for the user's decision: what a
/// consent page shows. Made by `airisk_issuer_validate_authorization()` or
/// `airisk_issuer_open_ticket_at()`; freed with `airisk_pending_free()`.
/// Immutable: may be read from several threads.
#[derive(Debug)]
pub struct airisk_pending {
    pub(crate) pending: PendingAuthorization,
    client_id: NulStr,
    redirect_uri: NulStr,
    userid: Option<NulStr>,
    state: Option<NulStr>,
    scope: Option<NulStr>,
}

impl airisk_pending {
    fn new(pending: PendingAuthorization) -> Self {
        airisk_pending {
            client_id: NulStr::from_string(pending.client_id().to_owned()),
            redirect_uri: NulStr::from_string(pending.redirect_uri().to_owned()),
            userid: pending.userid().map(|u| NulStr::from_string(u.to_owned())),
            state: pending.state().map(|s| NulStr::from_string(s.to_owned())),
            scope: pending.scope().map(|s| NulStr::from_string(s.to_owned())),
            pending,
        }
    }
}

/// Frees a pending request. NULL is a no-op.
#[no_mangle]
pub extern "C" fn airisk_pending_free(pending: *mut airisk_pending) {
    boundary_value((), || ffi::free(pending));
}

/// The client asking; NUL-terminated, borrowed until `airisk_pending_free()`; its
/// length to `*len_out` when not NULL. NULL only for a NULL `pending`.
#[no_mangle]
pub extern "C" fn airisk_pending_client_id(
    pending: *const airisk_pending,
    len_out: *mut usize,
) -> *const c_char {
    field(pending, len_out, |p| Some(&p.client_id))
}

/// Where the answer will be sent, borrowed like `airisk_pending_client_id()`.
#[no_mangle]
pub extern "C" fn airisk_pending_redirect_uri(
    pending: *const airisk_pending,
    len_out: *mut usize,
) -> *const c_char {
    field(pending, len_out, |p| Some(&p.redirect_uri))
}

/// The user the token would act for, or NULL for a generic token; borrowed
/// like `airisk_pending_client_id()`.
#[no_mangle]
pub extern "C" fn airisk_pending_userid(
    pending: *const airisk_pending,
    len_out: *mut usize,
) -> *const c_char {
    field(pending, len_out, |p| p.userid.as_ref())
}

/// The client's `state`, or NULL when none was sent; borrowed like
/// `airisk_pending_client_id()`.
#[no_mangle]
pub extern "C" fn airisk_pending_state(
    pending: *const airisk_pending,
    len_out: *mut usize,
) -> *const c_char {
    field(pending, len_out, |p| p.state.as_ref())
}

/// The scope the token will carry (space-separated names), or NULL when
/// none; borrowed like `airisk_pending_client_id()`.
#[no_mangle]
pub extern "C" fn airisk_pending_scope(
    pending: *const airisk_pending,
    len_out: *mut usize,
) -> *const c_char {
    field(pending, len_out, |p| p.scope.as_ref())
}

fn field(
    pending: *const airisk_pending,
    len_out: *mut usize,
    pick: impl FnOnce(&airisk_pending) -> Option<&NulStr>,
) -> *const c_char {
    boundary_value(core::ptr::null(), || match ffi::handle(pending) {
        Ok(p) => lend_opt(pick(p), len_out),
        Err(_) => lend_opt(None, len_out),
    })
}

/// Validates the authorization request `(query, query_len)` (the raw query
/// string) without deciding it. Returns `AIRISK_OK` when it ran; then exactly
/// one out-param is written: `*pending_out` (to show, then approve or deny) or
/// `*response_out` (the answer to send instead: a direct 400/401, or an error
/// redirect). `AIRISK_INVALID_ARGUMENT` for NULL or non-UTF-8. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_validate_authorization(
    issuer: *const airisk_issuer,
    query: *const c_char,
    query_len: usize,
    pending_out: *mut *mut airisk_pending,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        let (pending_out, response_out) = (ffi::out_ptr(pending_out)?, ffi::out_ptr(response_out)?);
        let query = ffi::text(query, query_len)?;
        give_either(
            issuer.validate_authorization(query),
            pending_out,
            response_out,
        );
        Ok(())
    })
}

/// Approves `pending` at `now` (Unix seconds): the 302 with a code, to
/// `*response_out` (free with `airisk_response_free()`). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_approve_at(
    issuer: *const airisk_issuer,
    pending: *const airisk_pending,
    now: u64,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    decided(issuer, pending, response_out, |i, p| i.approve_at(p, now))
}

/// Approves `pending` at `now`, the token to carry the custom claims
/// `(claims_json, claims_json_len)`: a JSON object (e.g. `{"role":"admin"}`;
/// NULL or empty: none). `AIRISK_INVALID_CLAIMS` when it is not a JSON object,
/// names a registered claim (`sub`, `scope`, …) or exceeds 4 KiB of compact
/// JSON; then nothing is written. Otherwise like `airisk_issuer_approve_at()`.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_approve_with_claims_at(
    issuer: *const airisk_issuer,
    pending: *const airisk_pending,
    claims_json: *const c_char,
    claims_json_len: usize,
    now: u64,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        let pending = &ffi::handle(pending)?.pending;
        let out = ffi::out_ptr(response_out)?;
        let json = ffi::opt_text(claims_json, claims_json_len)?.unwrap_or_default();
        // Bounded before it is parsed (whitespace allowed: twice the compact bound).
        if json.len() > 2 * MAX_CUSTOM_CLAIMS_LEN {
            return Err(Error::InvalidClaims);
        }
        let claims: CustomClaims = if json.is_empty() {
            CustomClaims::new()
        } else {
            serde_json::from_str(json).map_err(|_| Error::InvalidClaims)?
        };
        let answer = issuer.approve_with_claims_at(pending, &claims, now)?;
        ffi::give(out, airisk_response::new(answer));
        Ok(())
    })
}

/// Denies `pending`: the 302 with `error=access_denied` and its `state`, to
/// `*response_out`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_deny(
    issuer: *const airisk_issuer,
    pending: *const airisk_pending,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    decided(issuer, pending, response_out, Issuer::deny)
}

fn decided(
    issuer: *const airisk_issuer,
    pending: *const airisk_pending,
    response_out: *mut *mut airisk_response,
    decide: impl FnOnce(&Issuer, &PendingAuthorization) -> Response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        let pending = &ffi::handle(pending)?.pending;
        let out = ffi::out_ptr(response_out)?;
        ffi::give(out, airisk_response::new(decide(issuer, pending)));
        Ok(())
    })
}

/// Seals `pending` at `now` into a short-lived, tamper-proof, single-use ticket
/// string (to carry through a login or consent page), written to `*ticket_out`
/// and freed with `airisk_string_free()`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_seal_at(
    issuer: *const airisk_issuer,
    pending: *const airisk_pending,
    now: u64,
    ticket_out: *mut *mut c_char,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        let pending = &ffi::handle(pending)?.pending;
        let out = ffi::out_ptr(ticket_out)?;
        ffi::give_string(out, issuer.seal_at(pending, now)?)
    })
}

/// Opens the ticket `(ticket, ticket_len)` once at `now`. Like
/// `airisk_issuer_validate_authorization()`, exactly one out-param is written:
/// `*pending_out`, or `*response_out` (400 for a malformed, forged, expired or
/// used ticket; 401 when its client or redirect URI is no longer registered;
/// 503 when the ledger cannot answer). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_open_ticket_at(
    issuer: *const airisk_issuer,
    ticket: *const c_char,
    ticket_len: usize,
    now: u64,
    pending_out: *mut *mut airisk_pending,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        let (pending_out, response_out) = (ffi::out_ptr(pending_out)?, ffi::out_ptr(response_out)?);
        let ticket = ffi::text(ticket, ticket_len)?;
        give_either(
            issuer.open_ticket_at(ticket, now),
            pending_out,
            response_out,
        );
        Ok::<(), Error>(())
    })
}

fn give_either(
    result: Result<PendingAuthorization, Response>,
    pending_out: ffi::OutPtr<*mut airisk_pending>,
    response_out: ffi::OutPtr<*mut airisk_response>,
) {
    match result {
        Ok(pending) => ffi::give(pending_out, airisk_pending::new(pending)),
        Err(answer) => ffi::give(response_out, airisk_response::new(answer)),
    }
}
