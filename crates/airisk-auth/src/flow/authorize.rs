//! `GET /api/oauth2`: the authorization endpoint.

use super::answer::authorize_error;
use super::params::Params;
use super::response::{server_status, Response};
use super::{Issuer, MAX_QUERY_LEN, MAX_STATE_LEN};
use crate::code::CodeBinding;
use crate::error::{Error, Result};
use crate::registry::{MAX_ID_LEN, MAX_REDIRECT_URI_LEN};

impl Issuer {
    /// `GET /api/oauth2` at the clock's time. `query` is the raw query string (without `?`).
    #[must_use]
    pub fn authorize(&self, query: &str) -> Response {
        self.authorize_at(query, self.clock.now())
    }

    /// `GET /api/oauth2` at `now`.
    #[must_use]
    pub fn authorize_at(&self, query: &str, now: u64) -> Response {
        match self.try_authorize(query, now) {
            Ok(location) => Response::answer(302, None)
                .with_header("Location", location)
                .with_header("Cache-Control", "no-store"),
            Err(e) => {
                let status = authorize_status(e);
                Response::problem(status, e, authorize_error(status), &*self.random)
            }
        }
    }

    fn try_authorize(&self, query: &str, now: u64) -> Result<String> {
        if query.len() > MAX_QUERY_LEN {
            return Err(Error::RequestTooLarge);
        }
        let params = Params::from_form(query.as_bytes())?;
        let client_id = params.get("client_id").ok_or(Error::MissingParameter)?;
        let redirect_uri = params.get("redirect_uri").ok_or(Error::MissingParameter)?;
        let userid = params.get("userid");
        let state = params.raw("state");
        let challenge = params.get("code_challenge");
        let method = params.get("code_challenge_method");
        if client_id.len() > MAX_ID_LEN
            || redirect_uri.len() > MAX_REDIRECT_URI_LEN
            || userid.is_some_and(|u| u.len() > MAX_ID_LEN)
            || state.is_some_and(|s| s.len() > MAX_STATE_LEN)
        {
            return Err(Error::RequestTooLarge);
        }
        match (challenge, method) {
            (None, None) | (Some(_), Some("S256")) => {}
            _ => return Err(Error::UnsupportedPkceMethod),
        }

        let client = self
            .registry
            .client(client_id)?
            .ok_or(Error::UnknownClient)?;
        if !client.allows_redirect_uri(redirect_uri) {
            return Err(Error::InvalidRedirectUri);
        }
        if let Some(userid) = userid {
            self.registry.user(userid)?.ok_or(Error::UnknownUser)?;
        }
        if client.is_public() && challenge.is_none() {
            return Err(Error::PkceRequired);
        }

        let binding = CodeBinding {
            client_id,
            redirect_uri,
            userid,
            code_challenge: challenge,
        };
        let issued =
            self.code_key
                .issue_with(&binding, now, self.config.code_ttl, &*self.random)?;
        let mut location = String::with_capacity(redirect_uri.len() + 100);
        location.push_str(redirect_uri);
        location.push(if redirect_uri.contains('?') { '&' } else { '?' });
        location.push_str("code=");
        location.push_str(&issued.code);
        if let Some(state) = state {
            location.push_str("&state=");
            location.extend(form_urlencoded::byte_serialize(state.as_bytes()));
        }
        Ok(location)
    }
}

fn authorize_status(e: Error) -> u16 {
    match e {
        Error::MissingParameter
        | Error::DuplicateParameter
        | Error::MalformedRequest
        | Error::RequestTooLarge
        | Error::UnsupportedPkceMethod
        | Error::PkceRequired => 400,
        Error::UnknownClient | Error::InvalidRedirectUri | Error::UnknownUser => 401,
        other => server_status(other),
    }
}
