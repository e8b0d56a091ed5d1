//! The one module of this crate that calls into the airisk-auth core.
//!
//! Everything the core decides (status, headers, body, the reason for logs) is
//! asked here and passed on unchanged; the rest of the crate only moves bytes
//! between hyper/axum and these functions. When the core's API changes, this
//! file is the one to adapt.
//!
//! # Decisions
//! - A header value that is not UTF-8 (HTTP allows `obs-text` bytes) is handed
//!   to the core with the bad bytes replaced by U+FFFD, so the core refuses it
//!   as it refuses any malformed value; nothing is decided here.
//! - A request with more than one `Authorization` header (or more than one
//!   `Content-Type` at the token endpoint) has no single value to check: it is
//!   handed to the core as if the header were absent, and so refused.

use crate::consent::{ConsentPage, DecisionForm};
use airisk_auth::flow::{self, Access, Issuer, Request, Response};
use airisk_auth::token::{Claims, Verifier};
use airisk_auth::Error;
use axum::body::Body;
use http::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};
use std::borrow::Cow;

/// The largest request body read from the network, in bytes: four times the
/// core's [`flow::MAX_BODY_LEN`] (16 KiB). A body up to this size reaches the
/// core, which answers one over its own bound with its documented `400 Invalid
/// request` (as the vectors say); a larger declared `Content-Length` is refused
/// with 413 before a byte of the body is read, and a larger chunked body is cut
/// off at this size. Memory per request stays bounded either way.
pub const MAX_READ_BODY_LEN: usize = 4 * flow::MAX_BODY_LEN;

/// How long a JWKS document may be cached, in seconds: keys are published before
/// they sign (`keygen --append` then a restart), and a retired key stays in the
/// set until its tokens have expired, so a verifier that caches the set for five
/// minutes never misses a key for longer than that.
pub const JWKS_MAX_AGE: u64 = 300;

/// `GET /api/oauth2`: `query` is the raw query string, without `?`.
pub fn authorize(issuer: &Issuer, query: Option<&str>) -> Response {
    issuer.authorize(query.unwrap_or_default())
}

/// `POST /api/oauth2/Token`: the request's headers (`Content-Type`,
/// `Authorization` for client credentials, `Accept` for JSON error bodies) and
/// its whole (bounded) body.
pub fn exchange(issuer: &Issuer, headers: &HeaderMap, body: &[u8]) -> Response {
    let content_type = single_header(headers, &CONTENT_TYPE);
    let authorization = single_header(headers, &AUTHORIZATION);
    let accept = single_header(headers, &ACCEPT);
    let request = Request::new(content_type.as_deref(), body)
        .with_authorization(authorization.as_deref())
        .with_accept(accept.as_deref());
    issuer.exchange(&request)
}

/// `GET /api/oauth2` with a consent page: the request validated (its error
/// answers sent as the core gives them), sealed into a ticket and shown by `page`
/// with a form posting to `action`.
pub fn ask_consent(
    issuer: &Issuer,
    query: Option<&str>,
    page: &dyn ConsentPage,
    action: &str,
) -> Response {
    let pending = match issuer.validate_authorization(query.unwrap_or_default()) {
        Ok(pending) => pending,
        Err(answer) => return answer,
    };
    let ticket = match issuer.seal(&pending) {
        Ok(ticket) => ticket,
        Err(e) => return Response::new(500).with_reason(e),
    };
    let html = page.render(&pending, &DecisionForm::new(action, &ticket));
    Response::new(200)
        .with_body("text/html; charset=utf-8", html)
        .with_header(CACHE_CONTROL.as_str(), "no-store")
        .with_header("X-Frame-Options", "DENY")
        .with_header("Content-Security-Policy", "frame-ancestors 'none'")
}

/// `POST` of the consent page's form (`ticket`, `decision`): the ticket opened
/// once, then the core's approval or denial. A form that does not say what to do
/// gets the core's answer for an unusable ticket, without using the ticket up.
pub fn decide(issuer: &Issuer, headers: &HeaderMap, body: &[u8]) -> Response {
    let is_form = single_header(headers, &CONTENT_TYPE).is_some_and(|t| {
        t.split(';').next().is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    });
    let fields = if is_form && body.len() <= flow::MAX_BODY_LEN {
        decision_fields(body)
    } else {
        None
    };
    let Some((ticket, approve)) = fields else {
        // The empty ticket is refused by the core before any store call.
        return match issuer.open_ticket("") {
            Err(answer) => answer,
            Ok(_) => Response::new(500).with_reason(Error::Internal),
        };
    };
    match issuer.open_ticket(&ticket) {
        Ok(pending) if approve => issuer.approve(&pending),
        Ok(pending) => issuer.deny(&pending),
        Err(answer) => answer,
    }
}

/// The ticket and whether the decision is `approve`, when the form has exactly
/// one of each and the decision is `approve` or `deny`.
fn decision_fields(body: &[u8]) -> Option<(String, bool)> {
    let (mut ticket, mut decision) = (None, None);
    for (name, value) in form_urlencoded::parse(body) {
        let slot = match name.as_ref() {
            "ticket" => &mut ticket,
            "decision" => &mut decision,
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return None;
        }
    }
    let approve = match decision?.as_ref() {
        "approve" => true,
        "deny" => false,
        _ => return None,
    };
    Some((ticket?.into_owned(), approve))
}

/// The bearer check of a protected route: the verified claims, or the 401/403/503 to send.
///
/// # Errors
/// The core's answer when the request may not proceed.
#[allow(clippy::result_large_err)] // the Err is the answer itself, sent once per refused request
pub fn check_bearer(
    verifier: &Verifier,
    headers: &HeaderMap,
    access: Access,
) -> Result<Claims, Response> {
    let authorization = single_header(headers, &AUTHORIZATION);
    flow::check_bearer(verifier, authorization.as_deref(), access)
}

/// The issuer's public keys as a JWKS document (RFC 7517 §5). Only Ed25519
/// public keys are listed: an HS256-only issuer publishes an empty set, because
/// its keys are secrets that verify and sign alike.
pub fn jwks(verifier: &Verifier) -> Response {
    Response::new(200)
        .with_body(
            "application/jwk-set+json",
            verifier.keys().to_jwks().to_string(),
        )
        .with_header(
            CACHE_CONTROL.as_str(),
            format!("public, max-age={JWKS_MAX_AGE}"),
        )
}

/// The answer when a store call could not finish (its task panicked or was
/// cancelled): 503 without blaming the request, as the core answers for a store
/// it cannot reach.
pub fn unavailable() -> Response {
    Response::new(503).with_reason(Error::LedgerUnavailable)
}

/// The error of a refused answer, as logged: its stable name and number.
pub fn reason_fields(answer: &Response) -> Option<(&'static str, u32)> {
    answer.reason.map(|e: Error| (e.name(), e.code()))
}

/// The core's answer as an HTTP response, status, headers in order and body as they are.
pub fn to_http(answer: Response) -> http::Response<Body> {
    let Response {
        status,
        headers,
        body,
        ..
    } = answer;
    let mut response = http::Response::new(Body::from(body));
    // The core only gives statuses and header names/values it wrote itself; one
    // that HTTP cannot carry would be a bug there, answered as a bare 500.
    let Ok(status) = StatusCode::from_u16(status) else {
        return internal_error();
    };
    *response.status_mut() = status;
    for (name, value) in headers {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) else {
            return internal_error();
        };
        response.headers_mut().append(name, value);
    }
    response
}

fn internal_error() -> http::Response<Body> {
    let mut response = http::Response::new(Body::empty());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

/// The value of `name` when the request has exactly one, as text.
fn single_header<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<Cow<'a, str>> {
    let mut values = headers.get_all(name).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    Some(String::from_utf8_lossy(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_header_has_no_single_value() {
        let mut headers = HeaderMap::new();
        assert_eq!(single_header(&headers, &AUTHORIZATION), None);
        headers.append(AUTHORIZATION, HeaderValue::from_static("Bearer a"));
        assert_eq!(
            single_header(&headers, &AUTHORIZATION).as_deref(),
            Some("Bearer a")
        );
        headers.append(AUTHORIZATION, HeaderValue::from_static("Bearer b"));
        assert_eq!(single_header(&headers, &AUTHORIZATION), None);
    }

    #[test]
    fn non_utf8_header_bytes_reach_the_core_as_replacement_characters() {
        let mut headers = HeaderMap::new();
        let value = HeaderValue::from_bytes(b"Bearer \xffabc").unwrap();
        headers.insert(AUTHORIZATION, value);
        assert_eq!(
            single_header(&headers, &AUTHORIZATION).as_deref(),
            Some("Bearer \u{fffd}abc")
        );
    }

    #[test]
    fn answers_keep_status_headers_and_body() {
        let answer = Response::new(302)
            .with_header("Location", "https://a/cb?code=x")
            .with_header("Cache-Control", "no-store");
        let response = to_http(answer);
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(response.headers()["location"], "https://a/cb?code=x");
        assert_eq!(response.headers()["cache-control"], "no-store");
    }

    #[test]
    fn a_header_http_cannot_carry_is_a_bare_500() {
        let answer = Response::new(200)
            .with_header("X-Bad", "line\nbreak")
            .with_body("text/plain", "secret-ish".into());
        assert_eq!(to_http(answer).status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
