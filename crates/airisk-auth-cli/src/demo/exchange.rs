//! The demo's requests to the core, and the checks of each answer against the docs.

use super::render::{reason_phrase, Check, Exchange, HttpRequest, HttpResponse, Step};
use super::walk::resource_answer;
use super::{Demo, HOST};
use airisk_auth::clock::{format_utc, Clock};
use airisk_auth::flow::{check_bearer, Access, Request, Response};
use airisk_auth::token::Claims;
use airisk_auth::Error;

/// `name=value` pairs of a URI's query (after `?`), decoded.
pub(super) fn query_param(uri: &str, name: &str) -> Option<String> {
    let (_, query) = uri.split_once('?')?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

pub(super) fn form(params: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

/// A JSON object of strings with its members in the given order.
pub(super) fn json_object(params: &[(&str, &str)]) -> String {
    let members: Vec<String> = params
        .iter()
        .map(|(n, v)| {
            format!(
                "{}:{}",
                serde_json::Value::from(*n),
                serde_json::Value::from(*v)
            )
        })
        .collect();
    format!("{{{}}}", members.join(","))
}

pub(super) fn is_trace_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    let hex = |s: &str, n: usize| {
        s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    parts.len() == 4
        && parts[0] == "00"
        && hex(parts[1], 32)
        && hex(parts[2], 16)
        && parts[3] == "00"
}

impl Demo {
    pub(super) fn step(&mut self, title: &str) {
        self.steps.push(Step {
            title: title.to_owned(),
            notes: Vec::new(),
            exchanges: Vec::new(),
        });
    }

    pub(super) fn label(&mut self, text: &str) {
        self.label = Some(text.to_owned());
    }

    pub(super) fn note(&mut self, text: &str) {
        if let Some(step) = self.steps.last_mut() {
            step.notes.push(text.to_owned());
        }
    }

    pub(super) fn record(&mut self, request: HttpRequest, response: &Response) {
        let exchange = Exchange {
            label: self.label.take(),
            request,
            response: HttpResponse {
                status: response.status,
                headers: response.headers.clone(),
                body: response.body.clone(),
                reason: response.reason.map(Error::name),
            },
            checks: Vec::new(),
        };
        if let Some(step) = self.steps.last_mut() {
            step.exchanges.push(exchange);
        }
    }

    pub(super) fn expect(
        &mut self,
        ok: bool,
        expected: impl Into<String>,
        got: impl FnOnce() -> String,
    ) {
        let check = Check {
            ok,
            expected: expected.into(),
            got: (!ok).then(got),
        };
        if let Some(exchange) = self.steps.last_mut().and_then(|s| s.exchanges.last_mut()) {
            exchange.checks.push(check);
        }
    }

    pub(super) fn expect_status(&mut self, r: &Response, status: u16) {
        self.expect(
            r.status == status,
            format!("{status} {}", reason_phrase(status)),
            || r.status.to_string(),
        );
    }

    pub(super) fn expect_header(&mut self, r: &Response, name: &str, value: &str) {
        let got = r.header(name);
        self.expect(got == Some(value), format!("{name}: {value}"), || {
            format!("{got:?}")
        });
    }

    pub(super) fn expect_text_body(&mut self, r: &Response, body: &str) {
        self.expect_header(r, "Content-Type", "text/plain; charset=utf-8");
        self.expect(r.body == body, format!("body \"{body}\""), || {
            format!("{:?}", r.body)
        });
    }

    pub(super) fn expect_reason(&mut self, r: &Response, reason: Error) {
        self.expect(
            r.reason == Some(reason),
            format!("logged reason {}", reason.name()),
            || format!("{:?}", r.reason.map(Error::name)),
        );
    }

    pub(super) fn expect_problem(&mut self, r: &Response) {
        self.expect_status(r, 401);
        self.expect_header(r, "Content-Type", "application/problem+json; charset=utf-8");
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        let shape_ok = body["type"] == "https://tools.ietf.org/html/rfc9110#section-15.5.2"
            && body["title"] == "Unauthorized"
            && body["status"] == 401
            && body["traceId"].as_str().is_some_and(is_trace_id)
            && body["error"].as_str().is_some()
            && body.as_object().is_some_and(|o| o.len() == 6);
        self.expect(
            shape_ok,
            "the documented problem body (type rfc9110#section-15.5.2, title, status, W3C traceId), with the RFC 6749 error members",
            || r.body.clone(),
        );
        self.expect(r.header("Location").is_none(), "no redirect", || {
            format!("{:?}", r.header("Location"))
        });
    }

    /// `GET /api/oauth2?…`.
    pub(super) fn authorize(&mut self, params: &[(&str, &str)]) -> Response {
        let query = form(params);
        let response = self.issuer.authorize(&query);
        self.record(
            HttpRequest {
                method: "GET",
                target: format!("/api/oauth2?{query}"),
                headers: vec![("Host".into(), HOST.into())],
                body: String::new(),
            },
            &response,
        );
        response
    }

    /// `POST /api/oauth2/Token` with `body` of `content_type`.
    pub(super) fn token(&mut self, content_type: &str, body: String) -> Response {
        let response = self
            .issuer
            .exchange(&Request::new(Some(content_type), body.as_bytes()));
        self.record(
            HttpRequest {
                method: "POST",
                target: "/api/oauth2/Token".into(),
                headers: vec![
                    ("Host".into(), HOST.into()),
                    ("Content-Type".into(), content_type.into()),
                    ("Content-Length".into(), body.len().to_string()),
                ],
                body,
            },
            &response,
        );
        response
    }

    pub(super) fn token_form(&mut self, params: &[(&str, &str)]) -> Response {
        self.token("application/x-www-form-urlencoded", form(params))
    }

    /// `GET path` on a protected resource: the core's bearer check decides.
    pub(super) fn resource(
        &mut self,
        path: &str,
        token: Option<&str>,
        access: Access,
    ) -> (Response, Option<Claims>) {
        let authorization = token.map(|t| format!("Bearer {t}"));
        let (response, claims) =
            match check_bearer(&self.verifier, authorization.as_deref(), access) {
                Ok(claims) => (resource_answer(path, &claims), Some(claims)),
                Err(refusal) => (refusal, None),
            };
        let mut headers = vec![("Host".into(), HOST.into())];
        if let Some(a) = authorization {
            headers.push(("Authorization".into(), a));
        }
        self.record(
            HttpRequest {
                method: "GET",
                target: path.into(),
                headers,
                body: String::new(),
            },
            &response,
        );
        (response, claims)
    }

    /// Checks a 302 to `redirect_uri` carrying a code and `state`; returns the code.
    pub(super) fn expect_redirect(
        &mut self,
        r: &Response,
        redirect_uri: &str,
        state: &str,
    ) -> String {
        self.expect_status(r, 302);
        let location = r.header("Location").unwrap_or_default().to_owned();
        let prefix = format!("{redirect_uri}?code=");
        self.expect(
            location.starts_with(&prefix),
            format!("Location is {redirect_uri}?code=…"),
            || location.clone(),
        );
        let code = query_param(&location, "code").unwrap_or_default();
        self.expect(
            query_param(&location, "state").as_deref() == Some(state),
            format!("state \"{state}\" returned unmodified"),
            || location.clone(),
        );
        self.expect_header(r, "Cache-Control", "no-store");
        code
    }

    /// Checks a 200 token answer expiring one hour from now; returns the token.
    pub(super) fn expect_token(&mut self, r: &Response) -> String {
        self.expect_status(r, 200);
        self.expect_header(r, "Content-Type", "application/json; charset=utf-8");
        self.expect_header(r, "Cache-Control", "no-store");
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        let expiration = format_utc(self.clock.now() + 3600).unwrap_or_default();
        let token = body["access_token"].as_str().unwrap_or_default().to_owned();
        self.expect(
            !token.is_empty()
                && body["expiration"] == expiration.as_str()
                && body["token_type"] == "Bearer"
                && body["expires_in"] == 3600,
            format!(
                "access_token, expiration \"{expiration}\", token_type Bearer, expires_in 3600"
            ),
            || r.body.clone(),
        );
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::CLOCK_START;

    #[test]
    fn helpers() {
        assert!(is_trace_id(
            "00-676e4f60e893d3cf6bb37b9262dda023-7d0ef785dd85a317-00"
        ));
        assert!(!is_trace_id(
            "00-676E4F60E893D3CF6BB37B9262DDA023-7d0ef785dd85a317-00"
        ));
        assert!(!is_trace_id(
            "00-676e4f60e893d3cf6bb37b9262dda023-7d0ef785dd85a317"
        ));
        assert_eq!(
            query_param("https://a.example/cb?code=x%2By&state=s", "code").as_deref(),
            Some("x+y")
        );
        assert_eq!(
            json_object(&[("a", "1\""), ("b", "2")]),
            r#"{"a":"1\"","b":"2"}"#
        );
        assert_eq!(
            format_utc(CLOCK_START + 2 + 3600).ok().as_deref(),
            Some("2025-03-31T13:12:17Z")
        );
    }
}
