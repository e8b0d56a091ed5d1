//! The Rust-call baseline of the C bench: `Verifier::verify_at` (owned claims) and
//! `Verifier::verify_with` (borrowed claims) in loops that run entirely in Rust, so that
//! `benches/c/bench_verify.c` can time each Rust call beside the same verification through
//! the C ABI (`airisk_verifier_verify_at` + `airisk_claims_free`, and the borrowed
//! `airisk_verifier_verify_view_at`) and libjwt, in one process and in interleaved rounds.
//!
//! The verifier is the C bench's: the same HS256 secret and key id, the issuer, and a
//! user token required (`AIRISK_POLICY_REQUIRE_USER`), with the default leeway and
//! length limit. Bench code only: it is linked into the bench binary, never shipped.

#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
#![warn(clippy::pedantic)]

use airisk_auth::prelude::*;
use std::hint::black_box;
use std::sync::{Arc, OnceLock};

/// The issuer the bench tokens carry (as `ISSUER` in `bench_verify.c` and `benches/src/lib.rs`).
const ISSUER: &str = "https://airisk.example";
/// The key id of the bench key.
const KID: &str = "k1";
/// The HS256 secret of the benches (32 bytes).
const HS256_SECRET: &[u8; 32] = b"airisk-auth bench HS256 secret!!";

/// Returned by [`airisk_bench_rust_verify_loop`] when its arguments are unusable.
const BAD_ARGUMENTS: u64 = u64::MAX;

fn verifier() -> Option<&'static Verifier> {
    static VERIFIER: OnceLock<Option<Verifier>> = OnceLock::new();
    VERIFIER
        .get_or_init(|| {
            let keys = KeySet::single(Key::hs256(Some(KID), HS256_SECRET).ok()?).ok()?;
            Some(Verifier::new(
                Arc::new(keys),
                Policy::new(ISSUER).require_user(true),
            ))
        })
        .as_ref()
}

/// What each iteration does (the `mode` argument of [`airisk_bench_rust_verify_loop`]):
/// the C bench times each beside its C ABI counterpart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// 0: `Verifier::verify_at`, its owned claims dropped (the counterpart of
    /// `airisk_verifier_verify_at` + `airisk_claims_free`).
    Owned,
    /// 1: `Verifier::verify_with`, reading the userid's length from the borrowed
    /// claims (the counterpart of `airisk_verifier_verify_view_at` with a callback
    /// that does the same).
    Borrowed,
}

/// Verifies the token `(token, token_len)` at `now`, `iterations` times, with one
/// verifier built once; returns how many verifications succeeded (`iterations` when the
/// token is good), or `u64::MAX` when the pointer is NULL, the token not UTF-8, `mode`
/// unknown or the verifier cannot be built. Each iteration's claims are dropped, as C
/// frees them. `mode`: 0 owned claims, 1 borrowed claims (see `Mode`).
///
/// # Safety
/// `token` must point to `token_len` readable bytes for the duration of the call.
#[no_mangle]
pub unsafe extern "C" fn airisk_bench_rust_verify_loop(
    token: *const u8,
    token_len: usize,
    now: u64,
    iterations: u64,
    mode: u32,
) -> u64 {
    if token.is_null() {
        return BAD_ARGUMENTS;
    }
    // SAFETY: non-NULL, and the caller guarantees `token_len` readable bytes.
    let bytes = unsafe { std::slice::from_raw_parts(token, token_len) };
    let mode = match mode {
        0 => Mode::Owned,
        1 => Mode::Borrowed,
        _ => return BAD_ARGUMENTS,
    };
    let (Ok(token), Some(verifier)) = (std::str::from_utf8(bytes), verifier()) else {
        return BAD_ARGUMENTS;
    };
    let mut accepted = 0;
    for _ in 0..iterations {
        // black_box: the token and the claims as opaque as the C ABI makes them.
        let ok = match mode {
            Mode::Owned => black_box(verifier.verify_at(black_box(token), now)).is_ok(),
            Mode::Borrowed => black_box(
                verifier.verify_with(black_box(token), now, |c| c.userid().map_or(0, str::len)),
            )
            .is_ok(),
        };
        if ok {
            accepted += 1;
        }
    }
    accepted
}
