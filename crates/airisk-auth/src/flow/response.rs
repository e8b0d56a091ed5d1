//! The [`Response`] every endpoint answers with, and its standard bodies.

use super::answer::OAuthError;
use crate::error::Error;
use crate::random::Random;

pub(super) const PROBLEM_CONTENT_TYPE: &str = "application/problem+json; charset=utf-8";
pub(super) const TEXT_CONTENT_TYPE: &str = "text/plain; charset=utf-8";
pub(super) const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// A complete HTTP answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty for a redirect or a bearer challenge).
    pub body: String,
    /// For a failure: the precise reason, for logs only (never sent).
    pub reason: Option<Error>,
}

impl Response {
    /// An answer with `status`, no headers and an empty body: for a host's own
    /// answers (a protected resource's 200), built up with [`Response::with_header`]
    /// and [`Response::with_body`].
    #[must_use]
    pub fn new(status: u16) -> Self {
        Response::answer(status, None)
    }

    pub(super) fn answer(status: u16, reason: Option<Error>) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: String::new(),
            reason,
        }
    }

    /// Appends a header.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// Records why the request failed, for the host's logs (never sent).
    #[must_use]
    pub fn with_reason(mut self, reason: Error) -> Self {
        self.reason = Some(reason);
        self
    }

    /// Sets the body and its `Content-Type`.
    #[must_use]
    pub fn with_body(mut self, content_type: &str, body: String) -> Self {
        self.body = body;
        self.with_header("Content-Type", content_type)
    }

    /// The first header called `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `Content-Type` header, if any.
    #[must_use]
    pub fn content_type(&self) -> Option<&str> {
        self.header("Content-Type")
    }

    /// A problem+json answer (RFC 9457) in the AIRisk shape, with a fresh trace
    /// id and the RFC 6749 `error` / `error_description` as extension members.
    pub(super) fn problem(
        status: u16,
        reason: Error,
        error: OAuthError,
        random: &dyn Random,
    ) -> Self {
        let (section, title) = match status {
            400 => ("15.5.1", "Bad Request"),
            401 => ("15.5.2", "Unauthorized"),
            503 => ("15.6.4", "Service Unavailable"),
            _ => ("15.6.1", "Internal Server Error"),
        };
        let body = format!(
            "{{\"type\":\"https://tools.ietf.org/html/rfc9110#section-{section}\",\"title\":\"{title}\",\"status\":{status},\"traceId\":\"{}\",\"error\":\"{}\",\"error_description\":\"{}\"}}",
            trace_id(random),
            error.name(),
            error.description()
        );
        Response::answer(status, Some(reason))
            .with_body(PROBLEM_CONTENT_TYPE, body)
            .with_header("Cache-Control", "no-store")
    }
}

/// A W3C traceparent string: `00-` 32 hex `-` 16 hex `-00`.
pub(super) fn trace_id(random: &dyn Random) -> String {
    let mut bytes = [0u8; 24];
    // A failed RNG still yields a well-formed (all-zero) id: the answer must go out.
    let _ = random.fill(&mut bytes);
    let hex = crate::encoding::hex(&bytes);
    format!("00-{}-{}-00", &hex[..32], &hex[32..])
}

pub(super) fn server_status(e: Error) -> u16 {
    match e {
        Error::LedgerFull | Error::LedgerUnavailable => 503,
        _ => 500,
    }
}
