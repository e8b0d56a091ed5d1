//! `GET /api/oauth2`: the authorization endpoint, in two steps: validate the
//! request into a [`PendingAuthorization`] (or a direct answer, or an error
//! redirect), then approve or deny it (see `consent`).

use super::answer::{authorize_error, redirect_error};
use super::consent::PendingAuthorization;
use super::params::Params;
use super::response::{server_status, Response};
use super::{Issuer, MAX_QUERY_LEN, MAX_STATE_LEN};
use crate::code::is_valid_challenge;
use crate::error::Error;
use crate::registry::{MAX_ID_LEN, MAX_REDIRECT_URI_LEN};
use crate::scope::{grant, parse_scope, MAX_SCOPE_LEN};

/// The `response_type`s the endpoint issues (RFC 8414 `response_types_supported`).
pub(super) const RESPONSE_TYPES: &[&str] = &["code"];
/// The PKCE methods accepted (RFC 8414 `code_challenge_methods_supported`).
pub(super) const CODE_CHALLENGE_METHODS: &[&str] = &["S256"];

impl Issuer {
    /// `GET /api/oauth2` at the clock's time: validate, then approve at once
    /// (AIRisk's default). `query` is the raw query string (without `?`).
    #[must_use]
    pub fn authorize(&self, query: &str) -> Response {
        self.authorize_at(query, self.clock.now())
    }

    /// `GET /api/oauth2` at `now`: [`Issuer::validate_authorization`], then
    /// [`Issuer::approve_at`].
    #[must_use]
    pub fn authorize_at(&self, query: &str, now: u64) -> Response {
        match self.validate_authorization(query) {
            Ok(pending) => self.approve_at(&pending, now),
            Err(answer) => answer,
        }
    }

    /// Validates an authorization request without deciding it.
    ///
    /// `Ok` is the request a consent page shows and the host approves or
    /// denies. `Err` is the answer to send as it is: a direct 400/401 when the
    /// client or its redirect URI cannot be trusted (never a redirect), else a
    /// 302 to the redirect URI with an RFC 6749 §4.1.2.1 `error` and `state`.
    ///
    /// # Errors
    /// The answer to send instead of asking the user.
    #[allow(clippy::result_large_err)] // the Err is the answer itself
    pub fn validate_authorization(&self, query: &str) -> Result<PendingAuthorization, Response> {
        let direct = |e: Error| {
            let status = authorize_status(e);
            Response::problem(status, e, authorize_error(status), &*self.random)
        };
        if query.len() > MAX_QUERY_LEN {
            return Err(direct(Error::RequestTooLarge));
        }
        let (params, repeated) = Params::from_form_lenient(query.as_bytes()).map_err(direct)?;
        if repeated
            .iter()
            .any(|n| matches!(n.as_str(), "client_id" | "redirect_uri"))
        {
            return Err(direct(Error::DuplicateParameter));
        }
        let client_id = params
            .get("client_id")
            .ok_or_else(|| direct(Error::MissingParameter))?;
        let redirect_uri = params
            .get("redirect_uri")
            .ok_or_else(|| direct(Error::MissingParameter))?;
        let userid = params.get("userid");
        // A repeated state is ambiguous: none is echoed.
        let state = params
            .raw("state")
            .filter(|_| !repeated.iter().any(|n| n.as_str() == "state"));
        if client_id.len() > MAX_ID_LEN
            || redirect_uri.len() > MAX_REDIRECT_URI_LEN
            || userid.is_some_and(|u| u.len() > MAX_ID_LEN)
            || params.raw("state").is_some_and(|s| s.len() > MAX_STATE_LEN)
            || params.raw("scope").is_some_and(|s| s.len() > MAX_SCOPE_LEN)
        {
            return Err(direct(Error::RequestTooLarge));
        }
        let client = self
            .registry
            .client(client_id)
            .map_err(direct)?
            .ok_or_else(|| direct(Error::UnknownClient))?;
        if !client.allows_redirect_uri(redirect_uri) {
            return Err(direct(Error::InvalidRedirectUri));
        }
        let user = match userid {
            Some(userid) => Some(
                self.registry
                    .user(userid)
                    .map_err(direct)?
                    .ok_or_else(|| direct(Error::UnknownUser))?,
            ),
            None => None,
        };

        // The client and its redirect URI are trusted from here: errors redirect.
        let redirect = |e| error_redirect(redirect_uri, state, e);
        if !repeated.is_empty() {
            return Err(redirect(Error::DuplicateParameter));
        }
        if params
            .raw("response_type")
            .is_some_and(|t| !RESPONSE_TYPES.contains(&t))
        {
            return Err(redirect(Error::UnsupportedResponseType));
        }
        let challenge = params.get("code_challenge");
        match (challenge, params.get("code_challenge_method")) {
            (None, None) => {}
            (Some(c), Some(m)) if CODE_CHALLENGE_METHODS.contains(&m) && is_valid_challenge(c) => {}
            _ => return Err(redirect(Error::UnsupportedPkceMethod)),
        }
        if client.is_public() && challenge.is_none() {
            return Err(redirect(Error::PkceRequired));
        }
        let requested = params.get("scope").map(parse_scope).transpose();
        let scope = requested
            .and_then(|requested| {
                grant(
                    requested.as_deref(),
                    client.scopes(),
                    client.default_scopes(),
                    user.as_ref().and_then(|u| u.scopes()),
                )
            })
            .map_err(redirect)?;
        Ok(PendingAuthorization {
            client_id: client_id.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            userid: userid.map(str::to_owned),
            state: state.map(str::to_owned),
            code_challenge: challenge.map(str::to_owned),
            scope,
        })
    }
}

/// `302 {redirect_uri}?key=value…[&state=…]`: the one way an authorization
/// answer reaches the client (a code, or an error).
pub(super) fn redirect_with(
    redirect_uri: &str,
    params: &[(&str, &str)],
    state: Option<&str>,
    reason: Option<Error>,
) -> Response {
    let mut location = String::with_capacity(redirect_uri.len() + 100);
    location.push_str(redirect_uri);
    let mut separator = if redirect_uri.contains('?') { '&' } else { '?' };
    for (key, value) in params.iter().copied().chain(state.map(|s| ("state", s))) {
        location.push(separator);
        separator = '&';
        location.push_str(key);
        location.push('=');
        location.extend(form_urlencoded::byte_serialize(value.as_bytes()));
    }
    Response::answer(302, reason)
        .with_header("Location", location)
        .with_header("Cache-Control", "no-store")
}

/// The RFC 6749 §4.1.2.1 error redirect for `reason`.
pub(super) fn error_redirect(redirect_uri: &str, state: Option<&str>, reason: Error) -> Response {
    let error = redirect_error(reason);
    redirect_with(
        redirect_uri,
        &[
            ("error", error.name()),
            ("error_description", error.description()),
        ],
        state,
        Some(reason),
    )
}

fn authorize_status(e: Error) -> u16 {
    match e {
        Error::MissingParameter
        | Error::DuplicateParameter
        | Error::MalformedRequest
        | Error::RequestTooLarge => 400,
        Error::UnknownClient | Error::InvalidRedirectUri | Error::UnknownUser => 401,
        other => server_status(other),
    }
}
