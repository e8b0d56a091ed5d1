//! `airisk_response`: a complete HTTP answer, and its accessors.

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::ffi::{self, boundary_value};
use crate::nul_str::{lend_opt, NulStr};
use airisk_core::flow::Response;
use airisk_core::Error;
use core::ffi::c_char;

/// A complete HTTP answer (status, headers, body). Owned by the caller; immutable.
#[derive(Debug)]
pub struct airisk_response {
    status: u16,
    headers: Vec<(NulStr, NulStr)>,
    body: NulStr,
    reason: u32,
    /// The claim at fault of a refused bearer token, when there is one.
    claim: Option<NulStr>,
}

impl airisk_response {
    pub(crate) fn new(r: Response) -> Self {
        airisk_response {
            status: r.status,
            headers: r
                .headers
                .into_iter()
                .map(|(n, v)| (NulStr::from_string(n), NulStr::from_string(v)))
                .collect(),
            body: NulStr::from_string(r.body),
            reason: r.reason.map_or(0, Error::code),
            claim: None,
        }
    }

    /// A refused bearer check's answer, with the claim at fault.
    pub(crate) fn refused(r: Response, claim: Option<&'static str>) -> Self {
        let mut response = Self::new(r);
        response.claim = claim.map(|c| NulStr::from_string(c.to_owned()));
        response
    }
}

/// Frees a response. NULL is a no-op. Every pointer borrowed from it becomes invalid.
#[no_mangle]
pub extern "C" fn airisk_response_free(response: *mut airisk_response) {
    boundary_value((), || ffi::free(response));
}

/// The HTTP status (0 for a NULL `response`). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_response_status(response: *const airisk_response) -> u16 {
    boundary_value(0, || ffi::handle(response).map_or(0, |r| r.status))
}

/// Why the request failed, for logs only (never send it): an `AIRISK_*` code,
/// or `AIRISK_OK` (0) for a successful answer or a NULL `response`.
#[no_mangle]
pub extern "C" fn airisk_response_reason(response: *const airisk_response) -> u32 {
    boundary_value(0, || ffi::handle(response).map_or(0, |r| r.reason))
}

/// For a refused bearer token, the claim missing or not of its type (e.g.
/// `client_id`, with `airisk_response_reason()` `AIRISK_MISSING_CLAIM` or
/// `AIRISK_MALFORMED_CLAIMS`), for logs like the reason; NUL-terminated and
/// borrowed like `airisk_response_header_name()`. NULL when no claim is at
/// fault (or for a NULL `response`). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_response_claim(
    response: *const airisk_response,
    len_out: *mut usize,
) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        let claim = ffi::handle(response).ok().and_then(|r| r.claim.as_ref());
        lend_opt(claim, len_out)
    })
}

/// The number of headers. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_response_header_count(response: *const airisk_response) -> usize {
    boundary_value(0, || ffi::handle(response).map_or(0, |r| r.headers.len()))
}

/// The name of the header at `index` (0-based, in order), NUL-terminated and
/// borrowed: valid until `airisk_response_free(response)`. Its length goes to
/// `*len_out` when not NULL. NULL past the end.
#[no_mangle]
pub extern "C" fn airisk_response_header_name(
    response: *const airisk_response,
    index: usize,
    len_out: *mut usize,
) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        let found = ffi::handle(response)
            .ok()
            .and_then(|r| r.headers.get(index))
            .map(|(n, _)| n);
        lend_opt(found, len_out)
    })
}

/// The value of the header at `index`, borrowed like `airisk_response_header_name()`.
#[no_mangle]
pub extern "C" fn airisk_response_header_value(
    response: *const airisk_response,
    index: usize,
    len_out: *mut usize,
) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        let found = ffi::handle(response)
            .ok()
            .and_then(|r| r.headers.get(index))
            .map(|(_, v)| v);
        lend_opt(found, len_out)
    })
}

/// The value of the first header called `name` (NUL-terminated, compared
/// case-insensitively), borrowed like `airisk_response_header_name()`; NULL when absent.
#[no_mangle]
pub extern "C" fn airisk_response_header(
    response: *const airisk_response,
    name: *const c_char,
    len_out: *mut usize,
) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        let found = match (ffi::handle(response), ffi::cstr(name)) {
            (Ok(r), Ok(name)) => r
                .headers
                .iter()
                .find(|(n, _)| n.text().eq_ignore_ascii_case(name.as_bytes()))
                .map(|(_, v)| v),
            _ => None,
        };
        lend_opt(found, len_out)
    })
}

/// The body, NUL-terminated and borrowed like `airisk_response_header_name()`
/// (empty for a redirect or a bearer challenge; NULL only for a NULL `response`).
/// Send exactly `*len_out` bytes.
#[no_mangle]
pub extern "C" fn airisk_response_body(
    response: *const airisk_response,
    len_out: *mut usize,
) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        lend_opt(ffi::handle(response).ok().map(|r| &r.body), len_out)
    })
}
