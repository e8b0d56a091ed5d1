//! The one place where a refusal becomes an answer: the AIRisk body (text or
//! problem+json), the RFC 6749 `error` code it carries, and the JSON body for
//! clients whose `Accept` prefers JSON.

use super::response::{server_status, Response, JSON_CONTENT_TYPE, TEXT_CONTENT_TYPE};
use crate::error::Error;
use crate::random::Random;

/// An OAuth 2 error code (RFC 6749 §4.1.2.1 and §5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OAuthError {
    /// `invalid_request`: missing, repeated or malformed parameters, or more than one client authentication.
    InvalidRequest,
    /// `invalid_client`: client authentication failed.
    InvalidClient,
    /// `invalid_grant`: the code is invalid, expired, used, or bound to another request.
    InvalidGrant,
    /// `unsupported_grant_type`.
    UnsupportedGrantType,
    /// `unsupported_response_type`.
    UnsupportedResponseType,
    /// `invalid_scope`.
    InvalidScope,
    /// `access_denied`.
    AccessDenied,
    /// `server_error`.
    ServerError,
    /// `temporarily_unavailable`: the store could not answer.
    TemporarilyUnavailable,
}

impl OAuthError {
    /// The RFC name, e.g. `"invalid_grant"`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => "invalid_request",
            OAuthError::InvalidClient => "invalid_client",
            OAuthError::InvalidGrant => "invalid_grant",
            OAuthError::UnsupportedGrantType => "unsupported_grant_type",
            OAuthError::UnsupportedResponseType => "unsupported_response_type",
            OAuthError::InvalidScope => "invalid_scope",
            OAuthError::AccessDenied => "access_denied",
            OAuthError::ServerError => "server_error",
            OAuthError::TemporarilyUnavailable => "temporarily_unavailable",
        }
    }

    /// A fixed human-readable `error_description`: one per code, never per
    /// reason, so it tells no more than the code (no oracle).
    #[must_use]
    pub const fn description(self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => {
                "The request is missing, repeats or misforms a parameter."
            }
            OAuthError::InvalidClient => "Client authentication failed.",
            OAuthError::InvalidGrant => {
                "The code or refresh token is invalid, expired, already used, or was issued for another request."
            }
            OAuthError::UnsupportedGrantType => "Only the authorization_code and refresh_token grants are supported.",
            OAuthError::UnsupportedResponseType => "Only the code response type is supported.",
            OAuthError::InvalidScope => "A requested scope is unknown or not granted.",
            OAuthError::AccessDenied => "The authorization was denied.",
            OAuthError::ServerError => "The server could not complete the request.",
            OAuthError::TemporarilyUnavailable => "The service is temporarily unavailable.",
        }
    }
}

/// The `error` of a token-endpoint refusal (also used by the other endpoints
/// that authenticate clients). `text` is the AIRisk plain-text body, if the
/// refusal has one.
pub(super) fn token_error(status: u16, reason: Error, text: Option<&str>) -> OAuthError {
    match (status, reason, text) {
        (503, ..) => OAuthError::TemporarilyUnavailable,
        (500.., ..) => OAuthError::ServerError,
        (401, ..) | (_, _, Some("Invalid client_secret")) => OAuthError::InvalidClient,
        (_, Error::MissingParameter | Error::RequestTooLarge, _) => OAuthError::InvalidRequest,
        (_, _, Some("Invalid Code")) => OAuthError::InvalidGrant,
        (_, Error::InvalidScope, _) => OAuthError::InvalidScope,
        _ => OAuthError::InvalidRequest,
    }
}

/// The `error` of a direct (non-redirect) authorization-endpoint answer. Every
/// 400 and 401 carries the same code, as they carry the same body: which of
/// client, redirect URI or user was wrong is not told (no oracle).
pub(super) fn authorize_error(status: u16) -> OAuthError {
    match status {
        503 => OAuthError::TemporarilyUnavailable,
        500.. => OAuthError::ServerError,
        _ => OAuthError::InvalidRequest,
    }
}

/// The `error` of an authorization-endpoint redirect (§4.1.2.1).
pub(super) fn redirect_error(reason: Error) -> OAuthError {
    match reason {
        Error::AccessDenied => OAuthError::AccessDenied,
        Error::UnsupportedResponseType => OAuthError::UnsupportedResponseType,
        Error::InvalidScope => OAuthError::InvalidScope,
        Error::LedgerFull | Error::LedgerUnavailable => OAuthError::TemporarilyUnavailable,
        Error::RandomFailure | Error::Internal | Error::InvalidConfiguration => {
            OAuthError::ServerError
        }
        _ => OAuthError::InvalidRequest,
    }
}

/// How a refusal's body is written for a request that does not ask for JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Body {
    /// An AIRisk plain-text body, e.g. `Invalid Code`.
    Text(&'static str),
    /// The AIRisk problem+json body (with the `error` members).
    Problem,
}

/// Why a token-style request (token, and later revoke/introspect) is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Refusal {
    pub(super) status: u16,
    pub(super) body: Body,
    pub(super) reason: Error,
    pub(super) error: OAuthError,
    /// The client tried `Authorization: Basic` (or another scheme): the 401
    /// must carry a `WWW-Authenticate: Basic` challenge (RFC 6749 §5.2).
    pub(super) basic_challenge: bool,
}

impl Refusal {
    /// A 400 with an AIRisk plain-text body.
    pub(super) fn text(body: &'static str, reason: Error) -> Self {
        Refusal {
            status: 400,
            body: Body::Text(body),
            reason,
            error: token_error(400, reason, Some(body)),
            basic_challenge: false,
        }
    }

    /// A problem+json refusal.
    pub(super) fn problem(status: u16, reason: Error) -> Self {
        Refusal {
            status,
            body: Body::Problem,
            reason,
            error: token_error(status, reason, None),
            basic_challenge: false,
        }
    }

    /// A store or signing failure: 503 or 500.
    pub(super) fn server(reason: Error) -> Self {
        Refusal::problem(server_status(reason), reason)
    }

    /// The same refusal with another `error` code.
    pub(super) fn with_error(mut self, error: OAuthError) -> Self {
        self.error = error;
        self
    }

    /// The same refusal, answered with a `Basic` challenge when `basic` (and it is a 401).
    pub(super) fn challenging(mut self, basic: bool) -> Self {
        self.basic_challenge = basic && self.status == 401;
        self
    }

    /// The answer: the AIRisk body (problem+json bodies gain `error` and
    /// `error_description`), or, for a text body when the client prefers
    /// JSON, `{"error","error_description"}` with the same status.
    pub(super) fn answer(self, prefers_json: bool, realm: &str, random: &dyn Random) -> Response {
        let response = match self.body {
            Body::Problem => Response::problem(self.status, self.reason, self.error, random),
            Body::Text(_) if prefers_json => Response::answer(self.status, Some(self.reason))
                .with_body(JSON_CONTENT_TYPE, error_json(self.error))
                .with_header("Cache-Control", "no-store")
                .with_header("Pragma", "no-cache"),
            Body::Text(text) => Response::answer(self.status, Some(self.reason))
                .with_body(TEXT_CONTENT_TYPE, text.to_owned())
                .with_header("Cache-Control", "no-store"),
        };
        if self.basic_challenge {
            response.with_header("WWW-Authenticate", basic_challenge(realm))
        } else {
            response
        }
    }
}

/// `{"error":"…","error_description":"…"}` (the names and descriptions need no escaping).
fn error_json(error: OAuthError) -> String {
    format!(
        "{{\"error\":\"{}\",\"error_description\":\"{}\"}}",
        error.name(),
        error.description()
    )
}

/// `Basic realm="<realm>"`, the realm quoted (RFC 9110 §5.6.4) and stripped of
/// control characters so it cannot split the header.
pub(super) fn basic_challenge(realm: &str) -> String {
    let mut out = String::with_capacity(realm.len() + 16);
    out.push_str("Basic realm=\"");
    for c in realm.chars().filter(|c| !c.is_control()) {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}
