//! # libairisk_auth: the C ABI of airisk-auth
//!
//! `include/airisk_auth.h` is generated from this crate by a pinned cbindgen
//! (`tests/header.rs` fails when the committed header is stale; rewrite it with
//! `UPDATE_HEADER=1 cargo test -p airisk-auth-c --test header`).
//!
//! Boundary discipline, after rustls-ffi:
//! - every exported function runs inside one panic boundary (`ffi::boundary`):
//!   a panic becomes `AIRISK_INTERNAL`, nothing unwinds into C;
//! - NULL arguments and non-UTF-8 text give `AIRISK_INVALID_ARGUMENT`;
//! - results are the `repr(u32)` [`result::airisk_result`], the core's error numbers;
//!   no Rust enum is ever taken by value from C (codes and flags come in as `u32`);
//! - out-parameters are written only on success;
//! - opaque handles, each with a `_free` that accepts NULL;
//! - every `unsafe` operation lives in `ffi` (checked by `tests/unsafe_confined.rs`).
//!
//! The library adds no behaviour of its own: each call is one call of the
//! Rust core (`airisk_auth`), with the same bytes in and out.

// Unsafe code is confined to ffi.rs (tests/unsafe_confined.rs); the modules with
// exports allow it only for `#[no_mangle]`.
#![deny(unsafe_code)]

pub mod bearer;
pub mod claims;
pub mod claims_view;
pub mod consent;
mod ffi;
pub mod issuer;
pub mod keyset;
pub mod keyset_builder;
pub mod library;
mod nul_str;
pub mod registry;
pub mod response;
pub mod result;
pub mod store;
pub mod verifier;

// The header promises that these may be shared between threads.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<keyset::airisk_keyset>();
    shareable::<keyset_builder::airisk_keyset_builder>();
    shareable::<registry::airisk_registry>();
    shareable::<verifier::airisk_verifier>();
    shareable::<issuer::airisk_issuer>();
    shareable::<claims::airisk_claims>();
    shareable::<response::airisk_response>();
    shareable::<consent::airisk_pending>();
    shareable::<store::airisk_store>();
};
