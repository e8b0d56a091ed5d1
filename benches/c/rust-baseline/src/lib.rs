//! The Rust-call baseline of the C bench: `Verifier::verify_at` in a loop that runs
//! entirely in Rust, so that `benches/c/bench_verify.c` can time the Rust call beside
//! the same verification through the C ABI (`airisk_verifier_verify_at` + `airisk_claims_free`)
//! and libjwt, in one process and in interleaved rounds.
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

/// What each iteration does besides `Verifier::verify_at` (the `mode` argument of
/// [`airisk_bench_rust_verify_loop`]): the C bench uses the extra modes to show where the
/// C ABI's time over the Rust call goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// 0: the Rust call alone, its claims dropped.
    RustCall,
    /// 1: plus what `airisk_verifier_verify_at` adds per call in `bindings/c` (version of
    /// 2026-11-22): the token's UTF-8 check, a NUL appended to every string claim
    /// (`NulStr::from_string`, a `realloc` when the string has no spare capacity) and
    /// the boxed claims.
    LikeCAbi,
    /// 2: as 1 without the reallocations: what the C ABI would cost if the core
    /// allocated each string claim with one spare byte for the NUL.
    LikeCAbiSpareByte,
}

/// A string claim as `bindings/c` keeps it: the bytes and a NUL.
fn nul_terminated(s: String, spare_byte: bool) -> Vec<u8> {
    let mut bytes = s.into_bytes();
    if !spare_byte {
        bytes.push(0);
    }
    // With a spare byte the push would be a store into capacity already there: a few
    // instructions, left out, so the time is the binding's without its reallocations.
    bytes
}

/// The claims converted as `bindings/c` does, boxed like an `airisk_claims`.
type CClaims = Box<(Vec<u8>, [Option<Vec<u8>>; 4], Vec<Vec<u8>>)>;

fn like_c_abi(token: &[u8], now: u64, spare_byte: bool) -> Option<CClaims> {
    let token = std::str::from_utf8(black_box(token)).ok()?;
    let c = verifier()?.verify_at(token, now).ok()?;
    let nul = |s: String| nul_terminated(s, spare_byte);
    Some(Box::new((
        nul(c.iss),
        [
            c.sub.map(nul),
            c.client_id.map(nul),
            c.company_id.map(nul),
            c.jti.map(nul),
        ],
        c.aud.into_iter().map(nul).collect(),
    )))
}

/// Verifies the token `(token, token_len)` at `now`, `iterations` times, with one
/// verifier built once; returns how many verifications succeeded (`iterations` when the
/// token is good), or `u64::MAX` when the pointer is NULL, the token not UTF-8, `mode`
/// unknown or the verifier cannot be built. Each iteration's claims are dropped, as C
/// frees them. `mode`: 0 the Rust call, 1 and 2 the extra work of the C ABI (see `Mode`).
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
        0 => Mode::RustCall,
        1 => Mode::LikeCAbi,
        2 => Mode::LikeCAbiSpareByte,
        _ => return BAD_ARGUMENTS,
    };
    let (Ok(token), Some(verifier)) = (std::str::from_utf8(bytes), verifier()) else {
        return BAD_ARGUMENTS;
    };
    let mut accepted = 0;
    for _ in 0..iterations {
        // black_box: the token and the claims as opaque as the C ABI makes them.
        let ok = match mode {
            Mode::RustCall => black_box(verifier.verify_at(black_box(token), now)).is_ok(),
            Mode::LikeCAbi => black_box(like_c_abi(bytes, now, false)).is_some(),
            Mode::LikeCAbiSpareByte => black_box(like_c_abi(bytes, now, true)).is_some(),
        };
        if ok {
            accepted += 1;
        }
    }
    accepted
}
