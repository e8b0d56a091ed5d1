//! `airisk_keyset_builder`: a key set assembled in code — HS256 keys from raw
//! secrets, generated HS256 and Ed25519 keys, keys from JWKs — then built into
//! an immutable `airisk_keyset`.
//!
//! Decisions the issue leaves open:
//! - keys are checked when added (weak or oversized secrets, duplicate `kid`s,
//!   by the key set's own rules), so a failed call names the key that caused it;
//!   `build` only checks the choice of the active key, and leaves the builder as
//!   it was when it fails;
//! - without `set_active`, the set follows `airisk_keyset_from_json()`: a set
//!   whose one signing-capable key is alone among the signers makes it active;
//! - generated keys draw from the operating system's random source (the core's
//!   `SystemRandom`), as `airisk_issuer_new` does for codes;
//! - a builder is one caller's scratch space, but it is internally locked, so
//!   sharing one between threads is safe (if pointless).

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::ffi::{self, boundary, boundary_value};
use crate::keyset::airisk_keyset;
use crate::result::airisk_result;
use airisk_core::keys::{Key, KeySet};
use airisk_core::Error;
use core::ffi::c_char;
use std::sync::{Arc, Mutex, MutexGuard};

/// The most keys a builder holds: a rotation needs two or three, and a set is
/// read on every verification.
pub const AIRISK_KEYSET_BUILDER_MAX_KEYS: usize = 64;

/// Keys being gathered for a key set. Made by `airisk_keyset_builder_new()`,
/// freed by `airisk_keyset_builder_free()`, which wipes the secrets of the keys
/// still in it.
#[derive(Debug, Default)]
pub struct airisk_keyset_builder {
    state: Mutex<Pending>,
}

#[derive(Debug, Default)]
struct Pending {
    // The keys go straight into the set they will be used from: a key moved out of
    // a heap buffer would leave an unwiped copy of its inline secrets behind.
    set: KeySet,
    active_kid: Option<String>,
}

impl airisk_keyset_builder {
    fn lock(&self) -> Result<MutexGuard<'_, Pending>, Error> {
        self.state.lock().map_err(|_| Error::Internal)
    }

    /// Adds `key` by the set's own rule (a kid appears once; a key without one is
    /// alone in its set), so that `build` cannot fail on it.
    fn add(&self, key: Key) -> Result<(), Error> {
        let mut pending = self.lock()?;
        if pending.set.len() >= AIRISK_KEYSET_BUILDER_MAX_KEYS {
            return Err(Error::InvalidKey);
        }
        if pending.set.is_empty() && key.kid().is_none() {
            // Only a set of one may hold a key without a kid; it is active when it can sign.
            pending.set = KeySet::single(key)?;
            Ok(())
        } else {
            pending.set.insert(key)
        }
    }
}

impl Pending {
    /// The kid of the one signing-capable key, when there is exactly one with a kid
    /// (a kid-less one is alone and already active).
    fn only_signer(&self) -> Option<String> {
        let mut signers = self.set.keys().filter(|k| k.can_sign());
        match (signers.next(), signers.next()) {
            (Some(only), None) => only.kid().map(str::to_owned),
            _ => None,
        }
    }

    /// Chooses the active key, then moves the set out; a refused choice leaves
    /// the builder as it was.
    fn build(&mut self) -> Result<KeySet, Error> {
        if let Some(kid) = &self.active_kid {
            self.set.set_active(kid)?;
        } else if let Some(kid) = self.only_signer() {
            self.set.set_active(&kid)?;
        }
        self.active_kid = None;
        Ok(core::mem::take(&mut self.set))
    }
}

/// Makes an empty key-set builder and writes it to `*out`; the caller frees it
/// with `airisk_keyset_builder_free()`. Errors: `AIRISK_INVALID_ARGUMENT` (NULL).
#[no_mangle]
pub extern "C" fn airisk_keyset_builder_new(out: *mut *mut airisk_keyset_builder) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        ffi::give(out, airisk_keyset_builder::default());
        Ok(())
    })
}

/// Adds an HS256 key made from the raw secret `(secret, secret_len)` (for
/// instance the bytes of an environment variable), under `kid` (NUL-terminated
/// UTF-8; NULL only for the sole key of a set). The secret is copied into memory
/// wiped when the key is freed; the caller's bytes are only read during the call.
/// Errors: `AIRISK_WEAK_KEY` under 32 bytes, `AIRISK_INVALID_KEY` over 1024 bytes,
/// for an empty or overlong `kid` or past `AIRISK_KEYSET_BUILDER_MAX_KEYS` keys,
/// `AIRISK_DUPLICATE_KEY_ID`, `AIRISK_INVALID_ARGUMENT` (NULL builder, NULL
/// `secret` with a non-zero length, `kid` not UTF-8). The builder is unchanged on failure.
#[no_mangle]
pub extern "C" fn airisk_keyset_builder_add_hs256_secret(
    builder: *mut airisk_keyset_builder,
    kid: *const c_char,
    secret: *const u8,
    secret_len: usize,
) -> airisk_result {
    boundary(|| {
        let builder = ffi::handle(builder)?;
        let key = Key::hs256(ffi::opt_cstr(kid)?, ffi::bytes(secret, secret_len)?)?;
        builder.add(key)
    })
}

/// Adds a new random 32-byte HS256 key under `kid` (NUL-terminated UTF-8).
/// Errors: `AIRISK_RANDOM_FAILURE`, `AIRISK_INVALID_KEY` (bad `kid`, too many
/// keys), `AIRISK_DUPLICATE_KEY_ID`, `AIRISK_INVALID_ARGUMENT` (NULL).
#[no_mangle]
pub extern "C" fn airisk_keyset_builder_generate_hs256(
    builder: *mut airisk_keyset_builder,
    kid: *const c_char,
) -> airisk_result {
    boundary(|| {
        let builder = ffi::handle(builder)?;
        builder.add(Key::generate_hs256(ffi::cstr(kid)?)?)
    })
}

/// Adds a new random Ed25519 key pair under `kid` (NUL-terminated UTF-8); its
/// public half appears in `airisk_keyset_to_jwks()`. Errors as
/// `airisk_keyset_builder_generate_hs256()`.
#[no_mangle]
pub extern "C" fn airisk_keyset_builder_generate_ed25519(
    builder: *mut airisk_keyset_builder,
    kid: *const c_char,
) -> airisk_result {
    boundary(|| {
        let builder = ffi::handle(builder)?;
        builder.add(Key::generate_ed25519(ffi::cstr(kid)?)?)
    })
}

/// Adds the key of a JWK `(json, json_len)` (RFC 7517; private members allowed),
/// e.g. the public key of another issuer. Errors: `AIRISK_INVALID_KEY`,
/// `AIRISK_WEAK_KEY`, `AIRISK_DUPLICATE_KEY_ID`, `AIRISK_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn airisk_keyset_builder_add_jwk(
    builder: *mut airisk_keyset_builder,
    json: *const c_char,
    json_len: usize,
) -> airisk_result {
    boundary(|| {
        let builder = ffi::handle(builder)?;
        builder.add(Key::from_jwk(ffi::text(json, json_len)?)?)
    })
}

/// Chooses the key that signs (NUL-terminated `kid`); checked by
/// `airisk_keyset_builder_build()`. Without it, the set's only signing-capable
/// key is active, and a set with several has none (it verifies but cannot mint).
/// Errors: `AIRISK_INVALID_ARGUMENT` (NULL, not UTF-8).
#[no_mangle]
pub extern "C" fn airisk_keyset_builder_set_active(
    builder: *mut airisk_keyset_builder,
    kid: *const c_char,
) -> airisk_result {
    boundary(|| {
        let builder = ffi::handle(builder)?;
        let kid = ffi::cstr(kid)?.to_owned();
        builder.lock()?.active_kid = Some(kid);
        Ok(())
    })
}

/// Moves the builder's keys into a new key set, written to `*out` (free it with
/// `airisk_keyset_free()`); the builder is then empty and may be reused or freed.
/// Errors: `AIRISK_UNKNOWN_KEY_ID` / `AIRISK_NO_SIGNING_KEY` for an active `kid`
/// that is absent or verify-only, `AIRISK_INVALID_ARGUMENT` (NULL); on failure
/// `*out` and the builder are unchanged.
#[no_mangle]
pub extern "C" fn airisk_keyset_builder_build(
    builder: *mut airisk_keyset_builder,
    out: *mut *mut airisk_keyset,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let builder = ffi::handle(builder)?;
        let keys = builder.lock()?.build()?;
        ffi::give(
            out,
            airisk_keyset {
                keys: Arc::new(keys),
            },
        );
        Ok(())
    })
}

/// Frees a builder and the keys still in it, wiping their secrets. NULL is a no-op.
#[no_mangle]
pub extern "C" fn airisk_keyset_builder_free(builder: *mut airisk_keyset_builder) {
    boundary_value((), || ffi::free(builder));
}
