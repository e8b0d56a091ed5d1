//! `GET /api/oauth2/jwks`: the issuer's public keys, as a JWKS (RFC 7517 §5).
//!
//! # Decisions
//! - Only public keys are published: the `x` of each Ed25519 key, never a
//!   seed. An HS256 key has no public half (whoever can verify with it can
//!   also mint), so it is never published; an HS256-only issuer answers
//!   `{"keys":[]}`, and its verifiers must be given the secret out of band.
//! - Every key of the issuer's [`KeySet`](crate::keys::KeySet) is published,
//!   the active one and the ones kept for verification. Rotation therefore
//!   keeps a key published until its tokens expire, as long as the operator
//!   follows the key set's rule: retire a key only once `token_ttl` has
//!   passed since it stopped signing.
//! - `Cache-Control: public, max-age=300` ([`JWKS_MAX_AGE`]). A cached set
//!   delays only the *arrival* of a new key at verifiers, never the removal
//!   of a good one, so the rule for rotation is: add the new key, wait at
//!   least five minutes, then make it active. Five minutes is short next to
//!   any rotation schedule and long enough that verifiers fetching on every
//!   unknown `kid` cannot hammer the issuer.

use super::response::{Response, JSON_CONTENT_TYPE};
use super::Issuer;

/// How long a key set (and the metadata) may be cached, in seconds.
pub const JWKS_MAX_AGE: u64 = 300;

impl Issuer {
    /// `GET /api/oauth2/jwks`: the public keys, `200 application/json`.
    #[must_use]
    pub fn jwks(&self) -> Response {
        Response::answer(200, None)
            .with_body(JSON_CONTENT_TYPE, self.keys.to_jwks().to_string())
            .with_header("Cache-Control", format!("public, max-age={JWKS_MAX_AGE}"))
    }
}
