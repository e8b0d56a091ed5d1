//! The library as a whole: its version, result descriptions, owned strings.

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::ffi::{self, boundary_value};
use crate::result;
#[cfg(feature = "test-hooks")]
use crate::{ffi::boundary, result::airisk_result};
use core::ffi::c_char;

/// Major version of this library (also `airisk_version()`).
pub const AIRISK_AUTH_VERSION_MAJOR: u32 = 0;
/// Minor version of this library.
pub const AIRISK_AUTH_VERSION_MINOR: u32 = 1;
/// Patch version of this library.
pub const AIRISK_AUTH_VERSION_PATCH: u32 = 0;

/// A short English description of a result code, e.g. "the token has expired".
///
/// Never NULL: an unknown code gives "unknown result code". The string is
/// static (never free it) and safe to log: it never contains secrets or token
/// bytes. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_result_text(code: u32) -> *const c_char {
    boundary_value(c"internal error".as_ptr(), || result::text(code).as_ptr())
}

/// The name of a result code as in the Rust core and the test vectors, e.g.
/// "Expired" for `AIRISK_EXPIRED`, "Ok" for `AIRISK_OK`, "Unknown" for an unknown code.
///
/// Never NULL; static (never free it). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_result_name(code: u32) -> *const c_char {
    boundary_value(c"Internal".as_ptr(), || result::name(code).as_ptr())
}

/// What the last failing call on this thread knew beyond its result code:
/// for `airisk_keyset_from_file()` and `airisk_registry_from_file()` the file
/// and the OS error (`AIRISK_IO`) or the line and column in its document; for
/// `airisk_keyset_from_json()` and `airisk_registry_from_json()` the line,
/// column and what is wrong; for `airisk_verifier_new()` and
/// `airisk_issuer_new()` the setting out of range and what it allows; for
/// `airisk_verifier_verify()` and its `_at`, `_view` and `_view_at` forms,
/// after `AIRISK_MISSING_CLAIM` or `AIRISK_MALFORMED_CLAIMS`, the claim at
/// fault (e.g. "the token lacks a required claim: `client_id`").
/// An empty string when that failure had no detail (or none failed yet).
///
/// Never NULL; never contains a secret. Borrowed: valid until the next call
/// of this library on this thread that fails (copy it to keep it). Successful
/// calls leave it as it is. Thread-safe (one detail per thread).
#[no_mangle]
pub extern "C" fn airisk_last_error_detail() -> *const c_char {
    boundary_value(c"".as_ptr(), result::detail::last)
}

/// The library version, e.g. "0.1.0" (equal to `AIRISK_AUTH_VERSION_STRING`
/// when header and library match). Static; never NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_version() -> *const c_char {
    const VERSION: &core::ffi::CStr = match core::ffi::CStr::from_bytes_with_nul(
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
    ) {
        Ok(v) => v,
        Err(_) => c"unknown",
    };
    VERSION.as_ptr()
}

/// Frees a string returned by this library (minted tokens, JWKS text, exported
/// key sets), wiping its bytes first: an exported private key set leaves no copy
/// in freed memory. NULL is a no-op. Each string is freed once.
#[no_mangle]
pub extern "C" fn airisk_string_free(s: *mut c_char) {
    boundary_value((), || ffi::free_string(s));
}

/// Panics inside the library's panic boundary, to show that the caller gets
/// `AIRISK_INTERNAL` instead of an abort. Only in builds with the `test-hooks` feature.
///
/// # Panics
/// Always, inside the boundary: the caller never sees the panic.
#[cfg(feature = "test-hooks")]
#[no_mangle]
pub extern "C" fn airisk_test_panic() -> airisk_result {
    boundary(|| {
        #[allow(clippy::panic)] // the point of the hook
        {
            panic!("airisk_test_panic: a deliberate panic inside the boundary")
        }
    })
}
