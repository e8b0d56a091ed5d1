//! `POST /api/oauth2/Token`: the token endpoint, exchanging a code for an access token.

use super::params::{body_kind, BodyKind, Params};
use super::response::{server_status, Response, JSON_CONTENT_TYPE};
use super::{Issuer, CODE_CLOCK_LEEWAY, MAX_BODY_LEN};
use crate::clock::format_utc;
use crate::code::{CodeBinding, PKCE_VERIFIER_LEN};
use crate::error::{Error, Result};
use crate::registry::{MAX_ID_LEN, MAX_REDIRECT_URI_LEN, MAX_SECRET_LEN};
use crate::store::Redemption;
use crate::token::Claims;

impl Issuer {
    /// `POST /api/oauth2/Token` at the clock's time.
    #[must_use]
    pub fn exchange(&self, content_type: Option<&str>, body: &[u8]) -> Response {
        self.exchange_at(content_type, body, self.clock.now())
    }

    /// `POST /api/oauth2/Token` at `now`.
    #[must_use]
    pub fn exchange_at(&self, content_type: Option<&str>, body: &[u8], now: u64) -> Response {
        match self.try_exchange(content_type, body, now) {
            Ok(body) => Response::answer(200, None)
                .with_body(JSON_CONTENT_TYPE, body)
                .with_header("Cache-Control", "no-store")
                .with_header("Pragma", "no-cache"),
            Err(Refusal::Text(body, e)) => Response::text(400, body, e),
            Err(Refusal::Problem(status, e)) => Response::problem(status, e, &*self.random),
        }
    }

    fn try_exchange(
        &self,
        content_type: Option<&str>,
        body: &[u8],
        now: u64,
    ) -> core::result::Result<String, Refusal> {
        let params =
            token_params(content_type, body).map_err(|e| Refusal::Text("Invalid request", e))?;
        let missing = |field| Refusal::Text(field, Error::MissingParameter);
        let client_id = params
            .get("client_id")
            .ok_or(missing("Invalid client_id"))?;
        let secret = params
            .get("client_secret")
            .ok_or(missing("Invalid client_secret"))?;
        let redirect_uri = params
            .get("redirect_uri")
            .ok_or(missing("Invalid redirect_uri"))?;
        let code = params.get("code").ok_or(missing("Invalid Code"))?;
        let userid = params.get("userid");
        let verifier = params.get("code_verifier");
        if client_id.len() > MAX_ID_LEN || secret.len() > MAX_SECRET_LEN {
            return Err(Refusal::Problem(401, Error::RequestTooLarge));
        }
        if redirect_uri.len() > MAX_REDIRECT_URI_LEN
            || userid.is_some_and(|u| u.len() > MAX_ID_LEN)
            || verifier.is_some_and(|v| v.len() > *PKCE_VERIFIER_LEN.end())
        {
            return Err(Refusal::Text("Invalid Code", Error::RequestTooLarge));
        }

        let client = self
            .registry
            .client(client_id)
            .map_err(Refusal::server)?
            .ok_or(Refusal::Problem(401, Error::UnknownClient))?;
        if !client.check_secret(secret) {
            return Err(Refusal::Problem(401, Error::InvalidClientSecret));
        }

        let invalid_code = |e| Refusal::Text("Invalid Code", e);
        let presented = CodeBinding {
            client_id,
            redirect_uri,
            userid,
            code_challenge: None,
        };
        let checked = self
            .code_key
            .check(code, &presented, verifier, now)
            .map_err(invalid_code)?;
        // Issued (expiry − code_ttl) later than now, beyond the leeway: this
        // instance's clock is behind the issuing one's; fail visibly (issue 20.6).
        if checked.expires_at > now.saturating_add(self.config.code_ttl + CODE_CLOCK_LEEWAY) {
            return Err(invalid_code(Error::NotYetValid));
        }
        if !client.allows_redirect_uri(redirect_uri) {
            return Err(invalid_code(Error::InvalidRedirectUri));
        }
        let user = match userid {
            Some(u) => Some(
                self.registry
                    .user(u)
                    .map_err(Refusal::server)?
                    .ok_or(invalid_code(Error::UnknownUser))?,
            ),
            None => None,
        };

        let jti = self.code_key.token_id(&checked.id);
        let ttl = self.config.token_ttl;
        match self
            .store
            .redeem(&checked.id, checked.expires_at, now)
            .map_err(Refusal::server)?
        {
            Redemption::First => {}
            Redemption::Replayed => {
                // The token issued on first use cannot outlive code expiry + its lifetime.
                let until = checked.expires_at.saturating_add(ttl);
                let reason = match self.store.revoke(&jti, until, now) {
                    Ok(()) => Error::CodeAlreadyRedeemed,
                    Err(e) => e,
                };
                return Err(invalid_code(reason));
            }
        }

        let mut claims = match &user {
            Some(user) => Claims::user(
                &self.config.issuer,
                client_id,
                user.userid(),
                now,
                ttl,
                &jti,
            ),
            None => Claims::generic(&self.config.issuer, client_id, now, ttl, &jti),
        };
        claims.company_id = user
            .as_ref()
            .and_then(|u| u.company_id().map(str::to_owned));
        claims.aud = self.config.audience.iter().cloned().collect();
        let token = self.keys.mint(&claims).map_err(Refusal::server)?;
        let expiration = format_utc(claims.exp).map_err(Refusal::server)?;
        Ok(format!(
            "{{\"access_token\":\"{token}\",\"expiration\":\"{expiration}\",\"token_type\":\"Bearer\",\"expires_in\":{ttl}}}"
        ))
    }
}

/// The parameters of a token request body, bounded, strictly decoded.
fn token_params<'a>(content_type: Option<&str>, body: &'a [u8]) -> Result<Params<'a>> {
    if body.len() > MAX_BODY_LEN {
        return Err(Error::RequestTooLarge);
    }
    let params = match body_kind(content_type) {
        Some(BodyKind::Form) => Params::from_form(body),
        Some(BodyKind::Json) => Params::from_json(body),
        None => Err(Error::UnsupportedContentType),
    }?;
    if params
        .raw("grant_type")
        .is_some_and(|g| g != "authorization_code")
    {
        return Err(Error::MalformedRequest);
    }
    Ok(params)
}

enum Refusal {
    Text(&'static str, Error),
    Problem(u16, Error),
}

impl Refusal {
    fn server(e: Error) -> Self {
        Refusal::Problem(server_status(e), e)
    }
}
