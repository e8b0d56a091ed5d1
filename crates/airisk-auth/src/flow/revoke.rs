//! `POST /api/oauth2/revoke`: token revocation (RFC 7009).
//!
//! # Answers
//! | case | status | body |
//! |---|---|---|
//! | any `token`: valid, unknown, expired, already revoked, another client's | 200 | empty |
//! | body unparsable, `token` missing | 400 | `Invalid request` |
//! | client authentication fails | 401 | problem+json, as at the token endpoint |
//! | store full or unreachable | 503 | problem+json (RFC 7009 §2.2.1) |
//!
//! # Decisions
//! - The answer never says whether the token was known, valid or revoked
//!   (RFC 7009 §2.2: no oracle), and a client revokes only its own tokens:
//!   another client's token is left alone, with the same 200.
//! - An access token is revoked by putting its `jti` in the store
//!   until it would expire anyway (plus the largest leeway). A refresh token
//!   revokes its whole family: every refresh token of it and every access
//!   token minted from the same code (RFC 7009 §2.1 allows, RFC 9700 asks).
//!   Revoking an access token leaves its refresh token alone.
//! - `token_type_hint` is only a hint (RFC 7009 §2.1): the token's own form
//!   decides. Both kinds the issuer makes can be revoked, so
//!   `unsupported_token_type` (§2.2.1) never applies: anything else is an
//!   unknown token, answered 200.

use super::answer::Refusal;
use super::client_auth::authenticate_client;
use super::request::Request;
use super::response::{Response, TEXT_CONTENT_TYPE};
use super::token::body_params;
use super::Issuer;
use crate::error::Error;
use crate::refresh::{RefreshDigest, RefreshUse};
use crate::token::MAX_LEEWAY;

impl Issuer {
    /// `POST /api/oauth2/revoke` at the clock's time.
    #[must_use]
    pub fn revoke(&self, request: &Request<'_>) -> Response {
        self.revoke_at(request, self.clock.now())
    }

    /// `POST /api/oauth2/revoke` at `now`.
    #[must_use]
    pub fn revoke_at(&self, request: &Request<'_>, now: u64) -> Response {
        match self.try_revoke(request, now) {
            Ok(()) => Response::answer(200, None)
                .with_body(TEXT_CONTENT_TYPE, String::new())
                .with_header("Cache-Control", "no-store"),
            Err(refusal) => refusal.answer(
                request.prefers_json(),
                &self.config.issuer,
                self.random.as_ref(),
            ),
        }
    }

    fn try_revoke(&self, request: &Request<'_>, now: u64) -> Result<(), Refusal> {
        let params = body_params(request.content_type, request.body)
            .map_err(|e| Refusal::text("Invalid request", e))?;
        let authenticated =
            authenticate_client(self.registry.as_ref(), request.authorization, &params)?;
        let client = authenticated.client;
        let token = params
            .get("token")
            .ok_or(Refusal::text("Invalid request", Error::MissingParameter))?;
        if let Some(digest) = RefreshDigest::of_presented(token) {
            let record = match self.store.refresh_peek(&digest, now) {
                Ok(RefreshUse::First(r) | RefreshUse::Replayed(r)) => r,
                Ok(RefreshUse::Unknown) => return Ok(()),
                Err(e) => return Err(Refusal::server(e)),
            };
            if record.client_id == client.client_id() {
                let until = self.family_revocation_until(record.family_started);
                self.store
                    .revoke(&record.family, until, now)
                    .map_err(Refusal::server)?;
            }
            return Ok(());
        }
        // An access token: only one that verifies can be revoked, and only by
        // its own client. Any failure is an unknown token, answered alike.
        let claims = match self.verifier().verify_at(token, now) {
            Ok(claims) => claims,
            Err(e @ (Error::LedgerUnavailable | Error::LedgerFull)) => {
                return Err(Refusal::server(e))
            }
            Err(_) => return Ok(()),
        };
        match (claims.client_id.as_deref(), claims.jti.as_deref()) {
            (Some(owner), Some(jti)) if owner == client.client_id() => self
                .store
                .revoke(jti, claims.exp.saturating_add(MAX_LEEWAY), now)
                .map_err(Refusal::server),
            _ => Ok(()),
        }
    }
}
