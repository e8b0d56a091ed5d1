//! The grant lifecycle of an issuer (issue 15): RFC 7009 revocation, RFC 7662
//! introspection, RFC 8414 metadata, the JWKS and grant revocation.
//!
//! Each export is one call of the core's `Issuer` with the same request parts
//! as `airisk_issuer_exchange_request()` and the same complete answer.
//!
//! # Decisions
//! - Refresh tokens need no function of their own: `grant_type=refresh_token`
//!   goes through `airisk_issuer_exchange_request(_at)` like a code.
//! - `airisk_issuer_revoke_grant(_at)` takes NUL-terminated ids (they come from
//!   the host's own pages, not from a request) and reads at most
//!   `MAX_ID_LEN + 1` bytes of each looking for the NUL: a longer id is
//!   `AIRISK_INVALID_ARGUMENT`, never scanned to its end.
//! - A grant revocation the store cannot keep is the call's result
//!   (`AIRISK_LEDGER_UNAVAILABLE`, `AIRISK_LEDGER_FULL`), not an answer: the
//!   host's "connected apps" page must say that nothing was revoked.

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]

use super::{airisk_issuer, airisk_request, request_of};
use crate::ffi::{self, boundary};
use crate::response::airisk_response;
use crate::result::airisk_result;
use airisk_core::flow::{Issuer, Request, Response};
use airisk_core::registry::MAX_ID_LEN;
use airisk_core::Error;
use core::ffi::c_char;

/// Which of the two form endpoints a request is for.
#[derive(Clone, Copy)]
enum Endpoint {
    Revoke,
    Introspect,
}

/// Answers `request` at `endpoint` (at `now`, or the issuer's clock) into `*response_out`.
fn answer(
    issuer: *const airisk_issuer,
    request: *const airisk_request,
    endpoint: Endpoint,
    now: Option<u64>,
    response_out: *mut *mut airisk_response,
) -> Result<(), Error> {
    let out = ffi::out_ptr(response_out)?;
    let issuer = &ffi::handle(issuer)?.issuer;
    let parts = ffi::read(request)?;
    let request: Request<'_> = request_of(&parts)?;
    let answer = match (endpoint, now) {
        (Endpoint::Revoke, Some(now)) => issuer.revoke_at(&request, now),
        (Endpoint::Revoke, None) => issuer.revoke(&request),
        (Endpoint::Introspect, Some(now)) => issuer.introspect_at(&request, now),
        (Endpoint::Introspect, None) => issuer.introspect(&request),
    };
    ffi::give(out, airisk_response::new(answer));
    Ok(())
}

/// `POST …/revoke` (RFC 7009) at the system clock's time, from the full request
/// (the parts of `airisk_issuer_exchange_request()`; the client authenticates as
/// at the token endpoint). Writes the complete answer to `*response_out` (free it
/// with `airisk_response_free()`): 200 with an empty body for any token (valid,
/// unknown, expired, already revoked or another client's: no oracle), 400, 401
/// or 503. Revoking a refresh token revokes its whole family. `AIRISK_OK`
/// whenever an answer was made; `AIRISK_INVALID_ARGUMENT` for NULL or non-UTF-8
/// header values. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_revoke(
    issuer: *const airisk_issuer,
    request: *const airisk_request,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| answer(issuer, request, Endpoint::Revoke, None, response_out))
}

/// `airisk_issuer_revoke()` at `now` (Unix seconds) instead of the system clock; the
/// same ownership, out-parameters, errors and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_issuer_revoke_at(
    issuer: *const airisk_issuer,
    request: *const airisk_request,
    now: u64,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| answer(issuer, request, Endpoint::Revoke, Some(now), response_out))
}

/// `POST …/introspect` (RFC 7662) at the system clock's time, from the full
/// request (the parts of `airisk_issuer_exchange_request()`). Only a client
/// registered with `"introspect": true` and authenticated with its secret may
/// ask. Writes the complete answer to `*response_out` (free it with
/// `airisk_response_free()`): 200 with `{"active":true,…}` for a good token and
/// exactly `{"active":false}` for any other, 400, 401 or 503; always
/// `Cache-Control: no-store`. `AIRISK_OK` whenever an answer was made;
/// `AIRISK_INVALID_ARGUMENT` for NULL or non-UTF-8 header values. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_introspect(
    issuer: *const airisk_issuer,
    request: *const airisk_request,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| answer(issuer, request, Endpoint::Introspect, None, response_out))
}

/// `airisk_issuer_introspect()` at `now` (Unix seconds) instead of the system clock;
/// the same ownership, out-parameters, errors and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_issuer_introspect_at(
    issuer: *const airisk_issuer,
    request: *const airisk_request,
    now: u64,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        answer(
            issuer,
            request,
            Endpoint::Introspect,
            Some(now),
            response_out,
        )
    })
}

/// Writes a document answer of `issuer` made by `make` to `*response_out`.
fn document(
    issuer: *const airisk_issuer,
    make: fn(&Issuer) -> Response,
    response_out: *mut *mut airisk_response,
) -> Result<(), Error> {
    let out = ffi::out_ptr(response_out)?;
    let issuer = &ffi::handle(issuer)?.issuer;
    ffi::give(out, airisk_response::new(make(issuer)));
    Ok(())
}

/// `GET /.well-known/oauth-authorization-server` (RFC 8414): the metadata
/// document made from the issuer's configuration, 200 `application/json` with a
/// `Cache-Control` max-age. Writes it to `*response_out` (free it with
/// `airisk_response_free()`). Errors: `AIRISK_INVALID_ARGUMENT` (NULL). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_metadata(
    issuer: *const airisk_issuer,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| document(issuer, Issuer::metadata, response_out))
}

/// `GET …/jwks`: the issuer's public keys (Ed25519 only; an HS256-only issuer
/// publishes `{"keys":[]}`, as a shared secret is never published), 200
/// `application/json` with a `Cache-Control` max-age. Writes it to
/// `*response_out` (free it with `airisk_response_free()`). Errors:
/// `AIRISK_INVALID_ARGUMENT` (NULL). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_jwks(
    issuer: *const airisk_issuer,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| document(issuer, Issuer::jwks, response_out))
}

/// Revokes the grant of `client_id` on behalf of `userid` (both NUL-terminated,
/// at most 256 bytes), or the client's generic grant when `userid` is NULL, at
/// the system clock's time: every access token, refresh token and code of that
/// grant issued up to this second is refused from now on, by every issuer and
/// verifier sharing the store; a new consent issues tokens that work again.
/// Errors: `AIRISK_LEDGER_UNAVAILABLE` (also for a store that cannot keep grant
/// revocations), `AIRISK_LEDGER_FULL` (nothing was revoked: say so),
/// `AIRISK_INVALID_ARGUMENT` (NULL `issuer` or `client_id`, an id too long or
/// not UTF-8). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_revoke_grant(
    issuer: *const airisk_issuer,
    client_id: *const c_char,
    userid: *const c_char,
) -> airisk_result {
    boundary(|| revoke_grant(issuer, client_id, userid, None))
}

/// `airisk_issuer_revoke_grant()` at `now` (Unix seconds) instead of the system
/// clock; the same errors and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_issuer_revoke_grant_at(
    issuer: *const airisk_issuer,
    client_id: *const c_char,
    userid: *const c_char,
    now: u64,
) -> airisk_result {
    boundary(|| revoke_grant(issuer, client_id, userid, Some(now)))
}

fn revoke_grant(
    issuer: *const airisk_issuer,
    client_id: *const c_char,
    userid: *const c_char,
    now: Option<u64>,
) -> Result<(), Error> {
    let issuer = &ffi::handle(issuer)?.issuer;
    let client_id = ffi::cstr_bounded(client_id, MAX_ID_LEN)?;
    let userid = if userid.is_null() {
        None
    } else {
        Some(ffi::cstr_bounded(userid, MAX_ID_LEN)?)
    };
    match now {
        Some(now) => issuer.revoke_grant_at(client_id, userid, now),
        None => issuer.revoke_grant(client_id, userid),
    }
}
