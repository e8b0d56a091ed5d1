//! Access tokens: the claims, minting, and strict verification.
//!
//! # Format
//! A compact JWS (RFC 7515) JWT (RFC 7519). Tokens we mint have the header
//! `{"alg":"HS256","typ":"JWT","kid":"…"}` (or `"alg":"EdDSA"`; no `kid` when
//! the key has none) and the claims, in this order:
//!
//! | claim | meaning |
//! |---|---|
//! | `iss` | the issuer (always checked against [`Policy::issuer`]) |
//! | `sub` | the userid for a user token, the client_id for a generic token |
//! | `aud` | optional audience: a string, or an array when there are several |
//! | `client_id` | the APIUser the token was issued to (RFC 9068 §2.2) |
//! | `user_token` | `true` for a user-specific token, `false` for a generic one |
//! | `company_id` | optional: the user's company |
//! | `iat`, `nbf`, `exp` | integer NumericDates; `nbf` optional |
//! | `jti` | unique token id, used for revocation |
//! | `scope` | optional: space-separated scope names (RFC 9068 §2.2.3) |
//! | custom | optional: any other members the host adds ([`Claims::custom`]) |
//!
//! `user_token` is the explicit marker of docs/PROTOCOL.md §3: a generic token can
//! never pass as a user token, even when some userid equals some client_id.
//! A token without the marker is generic.
//!
//! # Verification (strict by default)
//! In this order, failing at the first problem:
//! 1. the length is checked against [`Policy::max_token_len`] before anything is decoded;
//! 2. exactly three non-empty segments of canonical unpadded base64url;
//! 3. the header: if it is byte-for-byte the header one of our keys mints with,
//!    that key is selected without parsing; otherwise it must be a JSON object
//!    without repeated members, without `crit` (no extension is understood, RFC 7515 §4.1.11),
//!    with `typ` absent or `JWT` / `at+jwt`, and a `kid` that names a key (or no `kid`
//!    and a one-key set). The algorithm is pinned by the key: `alg` must equal it
//!    exactly, so `none`, `HS512`, `hs256` or an HS256 MAC made with a public key are all refused.
//!    `jwk`, `jku`, `x5u`, `x5c` are never used;
//!    (Besides HS256 and EdDSA, a key set may hold another issuer's RS256, PS256 or
//!    ES256 public keys, verify only: see [`crate::keys`]. Their tokens pass the
//!    same checks in the same order; an RSA signature must be exactly as long as the modulus.)
//! 4. the signature (constant-time for HMAC), **before** the claims are parsed;
//! 5. the claims: a JSON object without repeated members; NumericDates must be
//!    non-negative JSON integers no later than year 9999 (strings, floats, `null`,
//!    negatives and overflow are malformed, never read as absent); `scope`, when
//!    present, must be a string;
//! 6. `exp` is required: now ≥ `exp` + leeway is expired; `nbf` and `iat` later than now + leeway
//!    are not yet valid; `iss` must equal the policy's issuer; with a policy audience `aud` must
//!    contain it, and without one a token carrying `aud` is refused (RFC 7519 §4.1.3);
//!    the access-token claims (`sub`, `client_id`, `iat`, `jti`, `user_token`) must be present
//!    unless the policy relaxes that; a user token is required when the policy says so;
//! 7. the token's `jti`, its refresh family and its grant are not revoked, when a store is attached.
//!
//! # How the claims are read
//! A payload in the shape we mint (compact, strings without escapes, integer
//! dates, at most 8 custom members) is read in one pass that borrows every
//! string and allocates nothing; anything else goes to the strict serde reader,
//! which decides. The one-pass reader never refuses on its own, so the verdicts
//! are the strict reader's; a differential fuzz target checks that the two read
//! the same claims from every input (docs/FUZZING.md). Custom claims are not
//! parsed during verification at all: [`ClaimsRef::claim_json`] and
//! [`Verifier::verify_as`] read them when asked.
//!
//! The default leeway is 30 seconds (at most 300); the default maximum token
//! length is 8 KiB (between 64 bytes and 64 KiB).
//!
//! ```
//! use airisk_auth::keys::{Key, KeySet};
//! use airisk_auth::token::{Claims, Policy, Verifier};
//! use std::sync::Arc;
//!
//! let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
//! let claims = Claims::user("https://airisk.example", "abc123", "user_42", 1_000, 3_600, "id-1");
//! let token = keys.mint(&claims)?;
//!
//! let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
//! let verified = verifier.verify_at(&token, 2_000)?;
//! assert_eq!(verified.userid(), Some("user_42"));
//! assert_eq!(verifier.verify_at(&token, 4_600 + 30), Err(airisk_auth::Error::Expired));
//! # Ok::<(), airisk_auth::Error>(())
//! ```

mod claims;
mod header;
mod mint;
mod policy;
mod reader;
mod strict;
mod verify;
mod view;

pub(crate) use claims::check_custom_claims;
pub use claims::{Claims, CustomClaims, MAX_CUSTOM_CLAIMS_LEN, RESERVED_CLAIM_NAMES};
pub(crate) use mint::sign_jws;
pub use policy::Policy;
pub use verify::Verifier;
pub use view::{custom_claims_in, ClaimsRef};

use crate::encoding::b64_decode;
use crate::error::{Error, Result};
use verify::split_compact;

/// The default clock-skew allowance, in seconds.
pub const DEFAULT_LEEWAY: u64 = 30;
/// The largest leeway a policy accepts, in seconds.
pub const MAX_LEEWAY: u64 = 300;
/// The default maximum token length, in bytes.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8 * 1024;
/// The largest maximum token length a policy accepts, in bytes.
pub const MAX_MAX_TOKEN_LEN: usize = 64 * 1024;
/// The smallest maximum token length a policy accepts, in bytes.
pub const MIN_MAX_TOKEN_LEN: usize = 64;
/// The largest payload decoded on the stack; longer ones go to the heap.
const STACK_PAYLOAD_LEN: usize = 1024;
/// The payloads decoded into a smaller stack buffer (ours, without large custom claims).
const SMALL_PAYLOAD_LEN: usize = 384;

/// An unverified look inside a token, for debugging only.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Unverified {
    /// The decoded header (any JSON).
    pub header: serde_json::Value,
    /// The decoded claims (any JSON).
    pub claims: serde_json::Value,
}

/// Decodes without verifying: public as [`crate::dangerous::inspect_unverified`].
pub(crate) fn inspect_unverified(token: &str) -> Result<Unverified> {
    if token.len() > MAX_MAX_TOKEN_LEN {
        return Err(Error::TokenTooLarge);
    }
    let (header, payload, _) = split_compact(token)?;
    let header = b64_decode(header).ok_or(Error::MalformedToken)?;
    let payload = b64_decode(payload).ok_or(Error::MalformedToken)?;
    Ok(Unverified {
        header: serde_json::from_slice(&header).map_err(|_| Error::MalformedHeader)?,
        claims: serde_json::from_slice(&payload).map_err(|_| Error::MalformedClaims)?,
    })
}

/// The one-pass claims reader beside the strict one, for the differential
/// fuzz target (`fuzz/`, feature `differential`): not part of the API.
#[cfg(feature = "differential")]
#[doc(hidden)]
pub mod differential {
    /// Reads `json` with both claims readers. `Err` describes a disagreement
    /// (the one-pass reader answered and the strict one refused, or read other
    /// claims); `Ok(true)` when the one-pass reader answered, `Ok(false)` when
    /// it left the payload to the strict reader.
    ///
    /// # Errors
    /// A description of the disagreement.
    pub fn compare_claims_readers(json: &str) -> Result<bool, String> {
        super::reader::compare_with_strict(json)
    }
}
