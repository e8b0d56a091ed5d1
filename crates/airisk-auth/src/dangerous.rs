//! Calls that step outside the safe API, fenced off so that they stand out in
//! a review (jsonwebtoken's `dangerous`, rustls's `danger`).
//!
//! The safe API never lets a caller pick the algorithm (the key does) and never
//! hands out claims it has not verified. These two do exactly that: they exist
//! for interoperability tests, RFC examples and display tools, never for
//! deciding whether a request may proceed.

use crate::error::Result;
use crate::keys::Key;

pub use crate::token::Unverified;

/// Signs an arbitrary JWS: `header_json` and `payload` are encoded as given,
/// whatever `alg` the header names. For interoperability tests and RFC
/// examples; services use [`crate::keys::KeySet::mint`].
///
/// # Errors
/// [`crate::Error::NoSigningKey`] for a verify-only key.
pub fn sign_jws(key: &Key, header_json: &[u8], payload: &[u8]) -> Result<String> {
    crate::token::sign_jws(key, header_json, payload)
}

/// Decodes a token's header and claims **without verifying anything**.
///
/// Nothing read this way may be trusted: the signature, the expiry and the
/// issuer are not checked. Use [`crate::token::Verifier::verify`] for anything
/// but display.
///
/// # Errors
/// [`crate::Error::TokenTooLarge`] past 64 KiB, [`crate::Error::MalformedToken`],
/// [`crate::Error::MalformedHeader`], [`crate::Error::MalformedClaims`].
pub fn inspect_unverified(token: &str) -> Result<Unverified> {
    crate::token::inspect_unverified(token)
}
