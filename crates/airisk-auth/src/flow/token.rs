//! `POST /api/oauth2/Token`: the token endpoint, exchanging a code for an
//! access token (and, for clients that have them, a refresh token; the
//! `refresh_token` grant itself is in `refresh.rs`).

use super::answer::{OAuthError, Refusal};
use super::client_auth::authenticate_client;
use super::params::{body_kind, BodyKind, Params};
use super::request::Request;
use super::response::{Response, JSON_CONTENT_TYPE};
use super::{Issuer, CODE_CLOCK_LEEWAY, MAX_BODY_LEN};
use crate::clock::format_utc;
use crate::code::{CodeBinding, PKCE_VERIFIER_LEN};
use crate::error::{Error, Result};

use crate::refresh::RefreshToken;
use crate::registry::{ClientAuthMethod, MAX_ID_LEN, MAX_REDIRECT_URI_LEN};
use crate::store::{Grant, Issued, Redemption};
use crate::token::Claims;

/// The `grant_type`s the endpoint accepts (RFC 8414 `grant_types_supported`).
pub(super) const GRANT_TYPES: &[&str] = &["authorization_code", "refresh_token"];

impl Issuer {
    /// `POST /api/oauth2/Token` at the clock's time.
    #[must_use]
    pub fn exchange(&self, request: &Request<'_>) -> Response {
        self.exchange_at(request, self.clock.now())
    }

    /// `POST /api/oauth2/Token` at `now`.
    #[must_use]
    pub fn exchange_at(&self, request: &Request<'_>, now: u64) -> Response {
        match self.try_exchange(request, now) {
            Ok(body) => Response::answer(200, None)
                .with_body(JSON_CONTENT_TYPE, body)
                .with_header("Cache-Control", "no-store")
                .with_header("Pragma", "no-cache"),
            Err(refusal) => {
                refusal.answer(request.prefers_json(), &self.config.issuer, &*self.random)
            }
        }
    }

    fn try_exchange(
        &self,
        request: &Request<'_>,
        now: u64,
    ) -> core::result::Result<String, Refusal> {
        let params = token_params(request.content_type, request.body)?;
        let authenticated =
            authenticate_client(self.registry.as_ref(), request.authorization, &params)?;
        if params.raw("grant_type") == Some("refresh_token") {
            return self.try_refresh(&authenticated.client, &params, now);
        }
        let client = authenticated.client;
        let client_id = client.client_id();
        let missing = |field| Refusal::text(field, Error::MissingParameter);
        let redirect_uri = params
            .get("redirect_uri")
            .ok_or(missing("Invalid redirect_uri"))?;
        let code = params.get("code").ok_or(missing("Invalid Code"))?;
        let userid = params.get("userid");
        let verifier = params.get("code_verifier");
        if redirect_uri.len() > MAX_REDIRECT_URI_LEN
            || userid.is_some_and(|u| u.len() > MAX_ID_LEN)
            || verifier.is_some_and(|v| v.len() > *PKCE_VERIFIER_LEN.end())
        {
            return Err(Refusal::text("Invalid Code", Error::RequestTooLarge));
        }

        let invalid_code = |e| Refusal::text("Invalid Code", e);
        if authenticated.method == ClientAuthMethod::None && verifier.is_none() {
            // A public client proves nothing but PKCE: without it, refuse early.
            return Err(invalid_code(Error::PkceRequired));
        }
        let presented = CodeBinding::new(client_id, redirect_uri, userid, None);
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

        // A code of a grant revoked since it was issued is refused like a used one.
        let grant = Grant::new(client_id, user.as_ref().map(|u| u.userid()));
        let code_issued_at = checked.expires_at.saturating_sub(self.config.code_ttl);
        let issued = Issued::new(None, Some(grant), Some(code_issued_at));
        if self
            .store
            .is_refused(&issued, now)
            .map_err(Refusal::server)?
        {
            return Err(invalid_code(Error::TokenRevoked));
        }

        let jti = self.code_key.token_id(&checked.id);
        let ttl = self.config.token_ttl;
        match self
            .store
            .redeem(&checked.id, checked.expires_at, now)
            .map_err(Refusal::server)?
        {
            Redemption::First => {}
            Redemption::Replayed => {
                // The token issued on first use cannot outlive code expiry + its
                // lifetime; with refresh tokens, the family this jti names lives longer.
                let until = if client.issues_refresh_tokens() {
                    self.family_revocation_until(checked.expires_at)
                } else {
                    checked.expires_at.saturating_add(ttl)
                };
                let reason = match self.store.revoke(&jti, until, now) {
                    Ok(()) => Error::CodeAlreadyRedeemed,
                    Err(e) => e,
                };
                return Err(invalid_code(reason));
            }
        }

        let company_id = user.as_ref().and_then(|u| u.company_id());
        // With refresh tokens, the code's jti names the family and each access
        // token is `{family}.{generation}`, so that revoking one access token
        // leaves the family alone while revoking the family refuses them all.
        let scope = checked.scope.as_deref();
        let refresh = self.first_refresh(&client, &grant, company_id, scope, &jti, now)?;
        let access_jti = match refresh {
            Some(_) => format!("{jti}.1"),
            None => jti,
        };
        let carried = Carried {
            scope,
            custom: checked.claims.as_deref(),
        };
        let (token, exp) = self.mint_access(&grant, company_id, &carried, &access_jti, now)?;
        token_body(&token, exp, ttl, refresh.as_ref(), scope)
    }

    /// Mints the access token of `grant` with id `jti`: the token and its `exp`.
    pub(super) fn mint_access(
        &self,
        grant: &Grant<'_>,
        company_id: Option<&str>,
        carried: &Carried<'_>,
        jti: &str,
        now: u64,
    ) -> core::result::Result<(String, u64), Refusal> {
        let (issuer, ttl) = (&self.config.issuer, self.config.token_ttl);
        let mut claims = match grant.userid {
            Some(userid) => Claims::user(issuer, grant.client_id, userid, now, ttl, jti),
            None => Claims::generic(issuer, grant.client_id, now, ttl, jti),
        };
        claims.company_id = company_id.map(str::to_owned);
        claims.aud = self.config.audience.iter().cloned().collect();
        // Carried by the code as the approval wrote them (MAC-checked).
        claims.scope = carried.scope.map(str::to_owned);
        if let Some(custom) = carried.custom {
            claims.custom =
                serde_json::from_str(custom).map_err(|_| Refusal::server(Error::Internal))?;
        }
        let token = self.keys.mint(&claims).map_err(Refusal::server)?;
        Ok((token, claims.exp))
    }
}

/// The success body: AIRisk's `access_token` and `expiration`, RFC 6749's
/// `token_type` and `expires_in`, and the `refresh_token` if one was issued.
pub(super) fn token_body(
    token: &str,
    exp: u64,
    ttl: u64,
    refresh: Option<&RefreshToken>,
    scope: Option<&str>,
) -> core::result::Result<String, Refusal> {
    let expiration = format_utc(exp).map_err(Refusal::server)?;
    let mut body = format!(
        "{{\"access_token\":\"{token}\",\"expiration\":\"{expiration}\",\"token_type\":\"Bearer\",\"expires_in\":{ttl}"
    );
    if let Some(refresh) = refresh {
        body.push_str(",\"refresh_token\":\"");
        body.push_str(refresh.as_str());
        body.push('"');
    }
    // Scope names need no JSON escaping (crate::scope); absent when unused,
    // so the AIRisk answer stays as documented.
    if let Some(scope) = scope {
        body.push_str(",\"scope\":\"");
        body.push_str(scope);
        body.push('"');
    }
    body.push('}');
    Ok(body)
}

/// What a token carries beyond the grant: the granted scope and the host's
/// custom claims (JSON), as the code (or the refresh record) holds them.
pub(super) struct Carried<'a> {
    pub(super) scope: Option<&'a str>,
    pub(super) custom: Option<&'a str>,
}

/// The parameters of a token request body, bounded, strictly decoded.
fn token_params<'a>(
    content_type: Option<&str>,
    body: &'a [u8],
) -> core::result::Result<Params<'a>, Refusal> {
    let params =
        body_params(content_type, body).map_err(|e| Refusal::text("Invalid request", e))?;
    if params
        .raw("grant_type")
        .is_some_and(|g| !GRANT_TYPES.contains(&g))
    {
        return Err(Refusal::text("Invalid request", Error::MalformedRequest)
            .with_error(OAuthError::UnsupportedGrantType));
    }
    Ok(params)
}

/// The parameters of a POST body, bounded, strictly decoded (any endpoint that
/// takes a form or JSON body reads it this way).
pub(super) fn body_params<'a>(content_type: Option<&str>, body: &'a [u8]) -> Result<Params<'a>> {
    if body.len() > MAX_BODY_LEN {
        return Err(Error::RequestTooLarge);
    }
    match body_kind(content_type) {
        Some(BodyKind::Form) => Params::from_form(body),
        Some(BodyKind::Json) => Params::from_json(body),
        None => Err(Error::UnsupportedContentType),
    }
}
