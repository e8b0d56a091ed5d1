//! `POST /api/oauth2/introspect`: token introspection (RFC 7662).
//!
//! # Answers
//! | case | status | body |
//! |---|---|---|
//! | an access token that passes the full policy and is not revoked | 200 | `{"active":true,"token_type":"Bearer","client_id","sub","userid"?,"company_id"?,"iss","aud"?,"iat","exp","jti"}` |
//! | a live, unused refresh token of a family and grant not revoked | 200 | `{"active":true,"token_type":"refresh_token","client_id","sub","userid"?,"iat","exp"}` |
//! | any other token, whatever the reason | 200 | `{"active":false}` |
//! | body unparsable, `token` missing | 400 | `Invalid request` |
//! | client authentication fails, or the client is not a resource server | 401 | problem+json |
//! | store full or unreachable | 503 | problem+json |
//!
//! Every answer carries `Cache-Control: no-store` (RFC 7662 §4: a cached
//! "active" would outlive a revocation).
//!
//! # Decisions
//! - Only clients registered with `"introspect": true` (resource servers),
//!   authenticated with their secret (Basic or in the body; `none` proves
//!   nothing), may ask; any other gets the 401 of an unknown client.
//! - An inactive token gets `{"active":false}` and nothing else: no reason,
//!   no claim (RFC 7662 §2.2).
//! - A store that cannot answer gets 503, not `{"active":false}`: the token
//!   may be good, and the resource server should retry rather than blame it.
//! - `sub` is the token's subject (the userid of a user token, the client of
//!   a generic one); `userid` is present for user tokens only, as in the claims.

use super::answer::Refusal;
use super::client_auth::authenticate_client;
use super::request::Request;
use super::response::{Response, JSON_CONTENT_TYPE};
use super::token::body_params;
use super::Issuer;
use crate::error::Error;
use crate::refresh::{RefreshDigest, RefreshUse};
use crate::registry::ClientAuthMethod;
use crate::store::{Grant, Issued};
use serde_json::{json, Value};

/// How a resource server may authenticate here: with its secret. `none`
/// proves nothing, so a client without a secret cannot introspect.
pub(super) const INTROSPECTION_AUTH_METHODS: [ClientAuthMethod; 2] = [
    ClientAuthMethod::ClientSecretBasic,
    ClientAuthMethod::ClientSecretPost,
];

impl Issuer {
    /// `POST /api/oauth2/introspect` at the clock's time.
    #[must_use]
    pub fn introspect(&self, request: &Request<'_>) -> Response {
        self.introspect_at(request, self.clock.now())
    }

    /// `POST /api/oauth2/introspect` at `now`.
    #[must_use]
    pub fn introspect_at(&self, request: &Request<'_>, now: u64) -> Response {
        match self.try_introspect(request, now) {
            Ok(answer) => Response::answer(200, None)
                .with_body(JSON_CONTENT_TYPE, answer.to_string())
                .with_header("Cache-Control", "no-store"),
            Err(refusal) => refusal.answer(
                request.prefers_json(),
                &self.config.issuer,
                self.random.as_ref(),
            ),
        }
    }

    fn try_introspect(&self, request: &Request<'_>, now: u64) -> Result<Value, Refusal> {
        let params = body_params(request.content_type, request.body)
            .map_err(|e| Refusal::text("Invalid request", e))?;
        let authenticated =
            authenticate_client(self.registry.as_ref(), request.authorization, &params)?;
        let client = authenticated.client;
        if !client.may_introspect() || !INTROSPECTION_AUTH_METHODS.contains(&authenticated.method) {
            return Err(Refusal::problem(401, Error::UnknownClient));
        }
        let token = params
            .get("token")
            .ok_or(Refusal::text("Invalid request", Error::MissingParameter))?;
        let inactive = json!({ "active": false });
        if let Some(digest) = RefreshDigest::of_presented(token) {
            return self
                .introspect_refresh(&digest, now)
                .map(|active| active.unwrap_or(inactive));
        }
        let claims = match self.verifier().verify_at(token, now) {
            Ok(claims) => claims,
            Err(e @ (Error::LedgerUnavailable | Error::LedgerFull)) => {
                return Err(Refusal::server(e))
            }
            Err(_) => return Ok(inactive),
        };
        let mut answer = json!({
            "active": true,
            "token_type": "Bearer",
            "client_id": claims.client_id,
            "sub": claims.sub,
            "iss": claims.iss,
            "iat": claims.iat,
            "exp": claims.exp,
            "jti": claims.jti,
        });
        if let Some(userid) = claims.userid() {
            answer["userid"] = userid.into();
        }
        if let Some(company_id) = &claims.company_id {
            answer["company_id"] = company_id.as_str().into();
        }
        if !claims.aud.is_empty() {
            answer["aud"] = claims.aud.clone().into();
        }
        Ok(answer)
    }

    /// The active answer for a live refresh token, or `None`.
    fn introspect_refresh(
        &self,
        digest: &RefreshDigest,
        now: u64,
    ) -> Result<Option<Value>, Refusal> {
        let RefreshUse::First(record) = self
            .store
            .refresh_peek(digest, now)
            .map_err(Refusal::server)?
        else {
            return Ok(None);
        };
        let grant = Grant::new(&record.client_id, record.userid.as_deref());
        let issued = Issued::new(Some(&record.family), Some(grant), Some(record.issued_at));
        if self
            .store
            .is_refused(&issued, now)
            .map_err(Refusal::server)?
        {
            return Ok(None);
        }
        let mut answer = json!({
            "active": true,
            "token_type": "refresh_token",
            "client_id": record.client_id,
            "sub": record.userid.as_deref().unwrap_or(&record.client_id),
            "iat": record.issued_at,
            "exp": record.expires_at,
        });
        if let Some(userid) = &record.userid {
            answer["userid"] = userid.as_str().into();
        }
        Ok(Some(answer))
    }
}
