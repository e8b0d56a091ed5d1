//! Differential: the one-pass claims reader of the verify path against the
//! strict serde reader, on any text.
//!
//! Input: the claims JSON itself (non-UTF-8 input is skipped: the verifier
//! refuses it before either reader runs). Whenever the one-pass reader answers,
//! the strict reader must accept the same text and read the same claims
//! (every registered member, the audiences in order); when it passes, the
//! strict reader decides alone, which is the verifier's behaviour by design.
#![no_main]

use airisk_auth::token::differential::compare_claims_readers;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = core::str::from_utf8(data) else {
        return;
    };
    if let Err(disagreement) = compare_claims_readers(json) {
        panic!("{disagreement}: {json:?}");
    }
});
