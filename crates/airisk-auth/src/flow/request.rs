//! [`Request`]: the parts of an HTTP request the endpoints read.

use core::fmt;

/// The longest `Accept` header read, in bytes; a longer one is ignored (the
/// documented text answers are given).
pub const MAX_ACCEPT_LEN: usize = 1024;

/// The parts of an HTTP request that the token endpoint (and the other POST
/// endpoints built on it) read: three headers and the raw body. The host fills
/// it from whatever framework it uses; a header absent from the request is
/// `None`. Nothing here is decoded until an endpoint asks, and each part is
/// bounded before it is decoded.
///
/// ```
/// use airisk_auth::flow::Request;
/// let body = b"grant_type=authorization_code&code=x&redirect_uri=https%3A%2F%2Flocalhost%2Fcb";
/// let request = Request::new(Some("application/x-www-form-urlencoded"), body)
///     .with_authorization(Some("Basic YWJjMTIzOnMzY3JldA=="))
///     .with_accept(Some("application/json"));
/// assert!(request.prefers_json());
/// assert!(!Request::new(None, b"").with_accept(Some("*/*")).prefers_json());
/// // Debug never shows credentials or the body.
/// assert!(!format!("{request:?}").contains("YWJj"));
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Request<'a> {
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The `Authorization` header (client credentials at the token endpoint).
    pub authorization: Option<&'a str>,
    /// The `Accept` header: `application/json` preferred over text gets RFC 6749
    /// §5.2 JSON error bodies instead of the AIRisk plain-text ones.
    pub accept: Option<&'a str>,
    /// The raw body.
    pub body: &'a [u8],
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("content_type", &self.content_type)
            .field("authorization", &self.authorization.map(|_| "<redacted>"))
            .field("accept", &self.accept)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl<'a> Request<'a> {
    /// A request with this `Content-Type` and body, and no `Authorization` or `Accept`.
    #[must_use]
    pub fn new(content_type: Option<&'a str>, body: &'a [u8]) -> Self {
        Request {
            content_type,
            authorization: None,
            accept: None,
            body,
        }
    }

    /// The same request with this `Authorization` header.
    #[must_use]
    pub fn with_authorization(mut self, authorization: Option<&'a str>) -> Self {
        self.authorization = authorization;
        self
    }

    /// The same request with this `Accept` header.
    #[must_use]
    pub fn with_accept(mut self, accept: Option<&'a str>) -> Self {
        self.accept = accept;
        self
    }

    /// Whether `Accept` prefers `application/json` to `text/plain` (RFC 9110
    /// §12.5.1: each type takes the weight of the most specific range that
    /// matches it). On equal weights JSON wins only when it is named more
    /// specifically than text (`application/json, */*`); `*/*`, no header, a
    /// malformed or an over-long one keep the documented text.
    #[must_use]
    pub fn prefers_json(&self) -> bool {
        let Some(accept) = self.accept.filter(|a| a.len() <= MAX_ACCEPT_LEN) else {
            return false;
        };
        // (specificity, weight in thousandths) of the best range for each type.
        let mut json = (0u8, 0u16);
        let mut text = (0u8, 0u16);
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim();
            let Some(weight) = weight(parts) else {
                return false;
            };
            let Some((kind, sub)) = media.split_once('/') else {
                continue;
            };
            for (target, best) in [
                (("application", "json"), &mut json),
                (("text", "plain"), &mut text),
            ] {
                let specificity = match (kind, sub) {
                    ("*", "*") => 1,
                    (k, "*") if k.eq_ignore_ascii_case(target.0) => 2,
                    (k, s)
                        if k.eq_ignore_ascii_case(target.0) && s.eq_ignore_ascii_case(target.1) =>
                    {
                        3
                    }
                    _ => 0,
                };
                if specificity > best.0 {
                    *best = (specificity, weight);
                }
            }
        }
        json.1 > text.1 || (json.1 == text.1 && json.1 > 0 && json.0 > text.0)
    }
}

/// The `q` of one media range's parameters, in thousandths (1000 when absent);
/// `None` when it is not a valid qvalue.
fn weight<'a>(params: impl Iterator<Item = &'a str>) -> Option<u16> {
    for param in params {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        if !name.trim().eq_ignore_ascii_case("q") {
            continue;
        }
        let value = value.trim();
        let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
        if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let thousandths = fraction
            .bytes()
            .chain(core::iter::repeat(b'0'))
            .take(3)
            .fold(0u16, |n, b| n * 10 + u16::from(b - b'0'));
        return match whole {
            "0" => Some(thousandths),
            "1" if thousandths == 0 => Some(1000),
            _ => None,
        };
    }
    Some(1000)
}
