//! `airisk_issuer`: the authorization server, serving both AIRisk endpoints
//! and the grant lifecycle (revocation, introspection, discovery: `lifecycle.rs`).

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

mod lifecycle;

pub use lifecycle::{
    airisk_issuer_introspect, airisk_issuer_introspect_at, airisk_issuer_jwks,
    airisk_issuer_metadata, airisk_issuer_revoke, airisk_issuer_revoke_at,
    airisk_issuer_revoke_grant, airisk_issuer_revoke_grant_at,
};

use crate::ffi::{self, boundary, boundary_detailed, boundary_value};
use crate::keyset::airisk_keyset;
use crate::registry::airisk_registry;
use crate::response::airisk_response;
use crate::result::airisk_result;
use crate::result::detail::Detailed;
use crate::store::airisk_store;
use crate::verifier::airisk_verifier;
use airisk_core::flow::{Issuer, IssuerConfig, Request};
use airisk_core::store::Store;
use airisk_core::{code::CodeKey, Error};
use core::ffi::c_char;
use std::sync::Arc;

/// The default authorization-code lifetime of an issuer, in seconds (1 to 600).
pub const AIRISK_DEFAULT_CODE_TTL: u64 = 60;
/// The default access-token lifetime of an issuer, in seconds (60 to 86400).
pub const AIRISK_DEFAULT_TOKEN_TTL: u64 = 3600;

/// The authorization server: both endpoints, with its store.
/// Thread-safe: one issuer may serve any number of threads at once.
#[derive(Debug)]
pub struct airisk_issuer {
    pub(crate) issuer: Issuer,
}

/// Makes an authorization server that keeps single use and revocation in
/// `store` (from `airisk_store_memory_new()` for one process,
/// `airisk_store_redis_new()`, `airisk_store_postgres_new()` or
/// `airisk_store_callbacks_new()` for a store shared by every instance). The
/// issuer keeps its own reference to the store, as to `registry` and `keyset`:
/// their handles may be freed once it is built.
///
/// `(code_key, code_key_len)` is the 32 to 1024 secret bytes that make and check
/// authorization codes (copied; share it between the instances of one deployment).
/// `issuer` (NUL-terminated) is the `iss` of every token; `audience` its `aud`
/// or NULL; `code_ttl` (1..600, `AIRISK_DEFAULT_CODE_TTL`) and `token_ttl`
/// (60..86400, `AIRISK_DEFAULT_TOKEN_TTL`) are lifetimes in seconds.
/// On success writes it to `*out`; free it with `airisk_issuer_free()`. Errors:
/// `AIRISK_INVALID_CONFIGURATION` (`airisk_last_error_detail()` names the
/// setting and its range), `AIRISK_NO_SIGNING_KEY`, `AIRISK_WEAK_KEY`,
/// `AIRISK_INVALID_KEY`, `AIRISK_INVALID_ARGUMENT` (NULL, `store` included). Thread-safe.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // one C argument per setting
pub extern "C" fn airisk_issuer_new(
    registry: *const airisk_registry,
    keyset: *const airisk_keyset,
    code_key: *const u8,
    code_key_len: usize,
    issuer: *const c_char,
    audience: *const c_char,
    code_ttl: u64,
    token_ttl: u64,
    store: *const airisk_store,
    out: *mut *mut airisk_issuer,
) -> airisk_result {
    boundary_detailed(|| {
        let out = ffi::out_ptr(out)?;
        let store = ffi::handle(store)?.store.clone();
        let issuer = new_issuer(
            registry,
            keyset,
            (code_key, code_key_len),
            (issuer, audience),
            (code_ttl, token_ttl),
            store,
        )?;
        ffi::give(out, airisk_issuer { issuer });
        Ok(())
    })
}

fn new_issuer(
    registry: *const airisk_registry,
    keyset: *const airisk_keyset,
    code_key: (*const u8, usize),
    (issuer, audience): (*const c_char, *const c_char),
    (code_ttl, token_ttl): (u64, u64),
    store: Arc<dyn Store>,
) -> Result<Issuer, Detailed> {
    let registry = ffi::handle(registry)?;
    let keyset = ffi::handle(keyset)?;
    let code_key = CodeKey::from_bytes(ffi::bytes(code_key.0, code_key.1)?)?;
    let mut config = IssuerConfig::new(ffi::cstr(issuer)?);
    config.audience = ffi::opt_cstr(audience)?.map(str::to_owned);
    config.code_ttl = code_ttl;
    config.token_ttl = token_ttl;
    config.check()?;
    Ok(Issuer::new(
        config,
        keyset.keys.clone(),
        code_key,
        registry.registry.clone(),
        store,
    )?)
}

/// Frees an issuer (and its store, unless its handle or a verifier made from
/// the issuer still uses it). NULL is a no-op. No other thread may be using it.
#[no_mangle]
pub extern "C" fn airisk_issuer_free(issuer: *mut airisk_issuer) {
    boundary_value((), || ffi::free(issuer));
}

/// A verifier for this issuer's tokens: same keys, issuer and audience, and the
/// issuer's revocation list (tokens of replayed codes are refused). Free it with
/// `airisk_verifier_free()`; it stays valid after the issuer is freed. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_verifier(
    issuer: *const airisk_issuer,
    out: *mut *mut airisk_verifier,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let verifier = ffi::handle(issuer)?.issuer.verifier();
        ffi::give(out, airisk_verifier { verifier });
        Ok(())
    })
}

/// `GET /api/oauth2` at the system clock's time: `(query, query_len)` is the raw
/// query string, without `?`. Writes the complete answer (302 with `Location`,
/// or 400/401/503 problem+json) to `*response_out`; free it with
/// `airisk_response_free()`. Returns `AIRISK_OK` whenever an answer was made —
/// read its status; `AIRISK_INVALID_ARGUMENT` for NULL or a non-UTF-8 query.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_authorize(
    issuer: *const airisk_issuer,
    query: *const c_char,
    query_len: usize,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        authorize(issuer, query, query_len, None, response_out)
    })
}

/// `airisk_issuer_authorize()` at `now` (Unix seconds) instead of the system clock; the same
/// ownership, out-parameters, errors and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_issuer_authorize_at(
    issuer: *const airisk_issuer,
    query: *const c_char,
    query_len: usize,
    now: u64,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        authorize(issuer, query, query_len, Some(now), response_out)
    })
}

fn authorize(
    issuer: &Issuer,
    query: *const c_char,
    query_len: usize,
    now: Option<u64>,
    response_out: *mut *mut airisk_response,
) -> Result<(), Error> {
    let out = ffi::out_ptr(response_out)?;
    let query = ffi::text(query, query_len)?;
    let answer = match now {
        Some(now) => issuer.authorize_at(query, now),
        None => issuer.authorize(query),
    };
    ffi::give(out, airisk_response::new(answer));
    Ok(())
}

/// `POST /api/oauth2/Token` at the system clock's time: `(content_type,
/// content_type_len)` is the `Content-Type` header value (NULL when the request
/// has none) and `(body, body_len)` the raw body. Writes the complete answer
/// (200 with the token JSON, or 400/401/503) to `*response_out`; free it with
/// `airisk_response_free()`. Returns `AIRISK_OK` whenever an answer was made;
/// `AIRISK_INVALID_ARGUMENT` for NULL or a non-UTF-8 content type. Thread-safe;
/// a code is redeemed at most once even under concurrent requests.
#[no_mangle]
pub extern "C" fn airisk_issuer_exchange(
    issuer: *const airisk_issuer,
    content_type: *const c_char,
    content_type_len: usize,
    body: *const c_char,
    body_len: usize,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        exchange(
            issuer,
            (content_type, content_type_len),
            (body, body_len),
            None,
            response_out,
        )
    })
}

/// `airisk_issuer_exchange()` at `now` (Unix seconds) instead of the system clock; the same
/// ownership, out-parameters, errors and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_issuer_exchange_at(
    issuer: *const airisk_issuer,
    content_type: *const c_char,
    content_type_len: usize,
    body: *const c_char,
    body_len: usize,
    now: u64,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        exchange(
            issuer,
            (content_type, content_type_len),
            (body, body_len),
            Some(now),
            response_out,
        )
    })
}

/// The parts of a token request (`POST /api/oauth2/Token`) for
/// `airisk_issuer_exchange_request()`: three headers and the raw body, each a
/// (pointer, length) pair. A header the request does not have is NULL (its
/// length is then ignored); the body may be NULL only with length 0. Header
/// values must be UTF-8; every part is bounded by the library before it is
/// decoded, and only read during the call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct airisk_request {
    /// The `Content-Type` header value, or NULL.
    pub content_type: *const c_char,
    /// Its length in bytes.
    pub content_type_len: usize,
    /// The `Authorization` header value (client credentials: `Basic …`), or NULL.
    pub authorization: *const c_char,
    /// Its length in bytes.
    pub authorization_len: usize,
    /// The `Accept` header value, or NULL. When it prefers `application/json`,
    /// the plain-text error bodies are replaced by RFC 6749 §5.2 JSON ones.
    pub accept: *const c_char,
    /// Its length in bytes.
    pub accept_len: usize,
    /// The raw body.
    pub body: *const c_char,
    /// Its length in bytes.
    pub body_len: usize,
}

/// `POST /api/oauth2/Token` at the system clock's time, from the full request:
/// client authentication by `Authorization: Basic` (RFC 6749 §2.3.1), by the
/// body, or none (public clients, with PKCE), and error bodies chosen by
/// `Accept`. Writes the complete answer to `*response_out` (free it with
/// `airisk_response_free()`); `AIRISK_OK` whenever an answer was made,
/// `AIRISK_INVALID_ARGUMENT` for NULL or non-UTF-8 header values. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_exchange_request(
    issuer: *const airisk_issuer,
    request: *const airisk_request,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        exchange_request(issuer, request, None, response_out)
    })
}

/// `airisk_issuer_exchange_request()` at `now` (Unix seconds) instead of the system
/// clock; the same ownership, out-parameters, errors and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_issuer_exchange_request_at(
    issuer: *const airisk_issuer,
    request: *const airisk_request,
    now: u64,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        exchange_request(issuer, request, Some(now), response_out)
    })
}

fn exchange_request(
    issuer: &Issuer,
    request: *const airisk_request,
    now: Option<u64>,
    response_out: *mut *mut airisk_response,
) -> Result<(), Error> {
    let out = ffi::out_ptr(response_out)?;
    let parts = ffi::read(request)?;
    let request = request_of(&parts)?;
    let answer = match now {
        Some(now) => issuer.exchange_at(&request, now),
        None => issuer.exchange(&request),
    };
    ffi::give(out, airisk_response::new(answer));
    Ok(())
}

/// The core's request from the C parts (borrowed for the call).
fn request_of(parts: &airisk_request) -> Result<Request<'_>, Error> {
    Ok(Request::new(
        ffi::opt_text(parts.content_type, parts.content_type_len)?,
        ffi::bytes(parts.body.cast::<u8>(), parts.body_len)?,
    )
    .with_authorization(ffi::opt_text(parts.authorization, parts.authorization_len)?)
    .with_accept(ffi::opt_text(parts.accept, parts.accept_len)?))
}

fn exchange(
    issuer: &Issuer,
    content_type: (*const c_char, usize),
    body: (*const c_char, usize),
    now: Option<u64>,
    response_out: *mut *mut airisk_response,
) -> Result<(), Error> {
    let out = ffi::out_ptr(response_out)?;
    let request = Request::new(
        ffi::opt_text(content_type.0, content_type.1)?,
        ffi::bytes(body.0.cast::<u8>(), body.1)?,
    );
    let answer = match now {
        Some(now) => issuer.exchange_at(&request, now),
        None => issuer.exchange(&request),
    };
    ffi::give(out, airisk_response::new(answer));
    Ok(())
}
