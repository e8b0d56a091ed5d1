//! `airisk_registry`: clients (APIUser) and users (ApplicationUser).

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::ffi::{self, boundary, boundary_detailed, boundary_value};
use crate::result::airisk_result;
use crate::result::detail::Detailed;
use airisk_core::registry::MemoryRegistry;
use core::ffi::c_char;
use std::sync::Arc;

/// An in-memory registry of clients (APIUser) and users (ApplicationUser).
/// Immutable once loaded: share one between threads freely.
#[derive(Debug)]
pub struct airisk_registry {
    pub(crate) registry: Arc<MemoryRegistry>,
}

/// Loads a registry of clients and users from JSON text `(json, json_len)`
/// (the `MemoryRegistry` document of the Rust core). On success writes it to
/// `*out`; free it with `airisk_registry_free()`. Errors: `AIRISK_INVALID_REGISTRY`
/// (`airisk_last_error_detail()` then gives the line, column and what is wrong),
/// `AIRISK_INVALID_ARGUMENT`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_registry_from_json(
    json: *const c_char,
    json_len: usize,
    out: *mut *mut airisk_registry,
) -> airisk_result {
    boundary_detailed(|| {
        let out = ffi::out_ptr(out)?;
        let registry = MemoryRegistry::from_json(ffi::text(json, json_len)?)
            .map_err(|why| Detailed::new(airisk_core::Error::from(why.clone()), why.to_string()))?;
        ffi::give(
            out,
            airisk_registry {
                registry: Arc::new(registry),
            },
        );
        Ok(())
    })
}

/// Explains why a registry document `(json, json_len)` would be refused:
/// writes to `*explanation_out` an owned string (free it with
/// `airisk_string_free()`), empty when the document is valid, otherwise
/// "line L, column C: what is wrong" (never containing a secret). For the
/// operator's logs after `airisk_registry_from_json()` failed. Errors:
/// `AIRISK_INVALID_ARGUMENT` only. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_registry_explain(
    json: *const c_char,
    json_len: usize,
    explanation_out: *mut *mut c_char,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(explanation_out)?;
        let explanation = match MemoryRegistry::from_json(ffi::text(json, json_len)?) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        };
        ffi::give_string(out, explanation)
    })
}

/// Loads a registry from the file at `path` (NUL-terminated). At most the
/// document bound (16 MiB) plus one byte is read, and the text is wiped from
/// memory on every path. An unreadable file gives `AIRISK_IO`; a file over the
/// bound or not UTF-8 `AIRISK_INVALID_REGISTRY`; otherwise as
/// `airisk_registry_from_json()`. On failure `airisk_last_error_detail()` names
/// the file and says why (the OS error, or the line and column in the document).
#[no_mangle]
pub extern "C" fn airisk_registry_from_file(
    path: *const c_char,
    out: *mut *mut airisk_registry,
) -> airisk_result {
    boundary_detailed(|| {
        let out = ffi::out_ptr(out)?;
        let registry = MemoryRegistry::from_file(ffi::cstr(path)?)?;
        ffi::give(
            out,
            airisk_registry {
                registry: Arc::new(registry),
            },
        );
        Ok(())
    })
}

/// Frees a registry. NULL is a no-op. Issuers made from it keep their own reference.
#[no_mangle]
pub extern "C" fn airisk_registry_free(registry: *mut airisk_registry) {
    boundary_value((), || ffi::free(registry));
}
