//! `demo`: the AIRisk OAuth2 flow, run in-process through the core's sans-IO
//! API, every answer printed as an HTTP exchange and checked against the docs.
//!
//! The HTTP text is rendered from the exact request bytes given to the core
//! and the exact [`Response`] it returned; only the 200 answers of the two
//! protected resources are the demo's own (the core decides whether they may
//! proceed, and answers 401/403 itself).

use crate::cli::{DemoArgs, KeyAlg};
use crate::commands::{emit, json_text};
use crate::{describe, style, Failure};
use airisk_auth::clock::{format_utc, Clock, ManualClock};
use airisk_auth::code::CodeKey;
use airisk_auth::flow::{check_bearer, Access, Issuer, IssuerConfig, Response};
use airisk_auth::keys::{Key, KeySet};
use airisk_auth::registry::MemoryRegistry;
use airisk_auth::token::{Claims, Verifier};
use airisk_auth::Error;
use serde::Serialize;
use std::sync::Arc;

/// The registry the demo runs on.
pub const DEMO_REGISTRY: &str = include_str!("demo_registry.json");
/// The secret of client abc123; the registry holds only its SHA-256 digest.
const CLIENT_SECRET: &str = "demo-secret-abc123-do-not-use-in-production";
const CLIENT_ID: &str = "abc123";
const HOST: &str = "api.airisk.example.com";
const ISSUER: &str = "https://api.airisk.example.com";
const CALLBACK: &str = "https://localhost/callback";
const APP_CALLBACK: &str = "https://app.example/cb";
/// The sample code of the AIRisk docs, used where a request fails before the code matters.
const SAMPLE_CODE: &str = "SplxlOBeZQQYbYS6WxSbIA";
/// 2025-03-31T12:12:15Z. The first token is issued two seconds later, so with the
/// default one-hour lifetime it expires at 2025-03-31T13:12:17Z, as in the docs' example.
const CLOCK_START: u64 = 1_743_423_135;
const RESOURCE_ANY: &str = "/api/demo/agents";
const RESOURCE_USER: &str = "/api/demo/profile";

#[derive(Serialize)]
struct HttpRequest {
    method: &'static str,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

#[derive(Serialize)]
struct HttpResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    /// The precise reason the core gives for logs (never sent to the client).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

#[derive(Serialize)]
struct Check {
    ok: bool,
    expected: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    got: Option<String>,
}

#[derive(Serialize)]
struct Exchange {
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    request: HttpRequest,
    response: HttpResponse,
    checks: Vec<Check>,
}

#[derive(Serialize)]
struct Step {
    title: String,
    notes: Vec<String>,
    exchanges: Vec<Exchange>,
}

#[derive(Serialize)]
struct Report<'a> {
    ok: bool,
    passed: usize,
    failed: usize,
    issuer: &'a str,
    algorithm: &'a str,
    clock_start: String,
    steps: &'a [Step],
}

struct Demo {
    issuer: Issuer,
    verifier: Verifier,
    clock: Arc<ManualClock>,
    steps: Vec<Step>,
    /// What the next exchange shows, printed above it.
    label: Option<String>,
}

/// Runs the demo; `Err` when any answer differs from the documented one.
pub fn run(args: &DemoArgs, json: bool) -> Result<(), Failure> {
    let broken = |what: &str, e: Error| {
        Failure::Refused(Some(format!("demo setup failed: {what}: {}", describe(e))))
    };
    let key = match args.alg {
        KeyAlg::Hs256 => Key::generate_hs256("demo-hs256"),
        KeyAlg::Eddsa => Key::generate_ed25519("demo-eddsa"),
    }
    .map_err(|e| broken("key", e))?;
    let algorithm = key.algorithm().as_str();
    let kid = key.kid().unwrap_or_default().to_owned();
    let keys = Arc::new(KeySet::single(key).map_err(|e| broken("key set", e))?);
    let registry = MemoryRegistry::from_json(DEMO_REGISTRY).map_err(|e| {
        Failure::Refused(Some(format!("the embedded demo registry is invalid: {e}")))
    })?;
    let clock = Arc::new(ManualClock::new(CLOCK_START));
    let issuer = Issuer::new(
        IssuerConfig::new(ISSUER),
        keys,
        CodeKey::generate().map_err(|e| broken("code key", e))?,
        Arc::new(registry),
    )
    .map_err(|e| broken("issuer", e))?
    .with_clock(clock.clone());
    let mut demo = Demo {
        verifier: issuer.verifier(),
        issuer,
        clock,
        steps: Vec::new(),
        label: None,
    };
    demo.walk();

    let checks = || {
        demo.steps
            .iter()
            .flat_map(|s| &s.exchanges)
            .flat_map(|x| &x.checks)
    };
    let passed = checks().filter(|c| c.ok).count();
    let failed = checks().count() - passed;
    let clock_start = format_utc(CLOCK_START).unwrap_or_default();
    if json {
        emit(&json_text(
            &Report {
                ok: failed == 0,
                passed,
                failed,
                issuer: ISSUER,
                algorithm,
                clock_start,
                steps: &demo.steps,
            },
            true,
        ))?;
    } else {
        let color = style::stdout_color();
        let mut out = intro(algorithm, &kid, &clock_start);
        for (number, step) in demo.steps.iter().enumerate() {
            render_step(&mut out, number + 1, step, color);
        }
        out.push('\n');
        if failed == 0 {
            out.push_str(&format!(
                "demo: all {passed} checks passed: authorize -> 302, token -> 200, bearer checks, \
                 replayed code refused and its token revoked, documented errors exact\n"
            ));
        } else {
            out.push_str(&format!(
                "demo: {failed} of {} checks {}: the flow did not behave as documented\n",
                passed + failed,
                style::fail(color)
            ));
        }
        emit(&out)?;
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(Failure::Refused(Some(format!(
            "{failed} demo check{} failed",
            if failed == 1 { "" } else { "s" }
        ))))
    }
}

fn intro(algorithm: &str, kid: &str, clock_start: &str) -> String {
    let mut out = String::from(
        "airisk-auth demo: the AIRisk OAuth2 authorization-code flow, run in-process through the\n\
         airisk-auth core's sans-IO API (no network). Every answer is checked against the docs.\n\n",
    );
    out.push_str(&format!("  issuer    {ISSUER}\n"));
    // Described from the embedded document itself, so the text cannot drift from it.
    if let Ok(doc) = serde_json::from_str::<serde_json::Value>(DEMO_REGISTRY) {
        let list = |key: &str, f: &dyn Fn(&serde_json::Value) -> String| -> String {
            doc[key]
                .as_array()
                .map(|a| a.iter().map(f).collect::<Vec<_>>().join("; "))
                .unwrap_or_default()
        };
        let clients = list("clients", &|c| {
            format!(
                "{} (redirect_uri \"{}\")",
                c["client_id"].as_str().unwrap_or("?"),
                c["redirect_uri"].as_str().unwrap_or("?")
            )
        });
        let users = list("users", &|u| match u["company_id"].as_str() {
            Some(company) => format!(
                "{} (company {company})",
                u["userid"].as_str().unwrap_or("?")
            ),
            None => u["userid"].as_str().unwrap_or("?").to_owned(),
        });
        out.push_str(&format!("  clients   {clients}\n  users     {users}\n"));
    }
    out.push_str(&format!(
        "  keys      a fresh {algorithm} signing key \"{kid}\" and a fresh authorization-code key\n\
         \x20 clock     pinned at {clock_start} and moved by hand between requests\n"
    ));
    out
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Tokens are long; in the text output an `Authorization` header shows the
/// start and end of its token (the full token is in the token response above it).
fn shown_header_value(name: &str, value: &str) -> String {
    match value.strip_prefix("Bearer ") {
        Some(token) if name == "Authorization" && token.len() > 40 => {
            format!("Bearer {}…{}", &token[..24], &token[token.len() - 8..])
        }
        _ => value.to_owned(),
    }
}

fn render_step(out: &mut String, number: usize, step: &Step, color: bool) {
    out.push_str(&format!(
        "\n{}\n",
        style::heading(&format!("== {number}. {} ==", step.title), color)
    ));
    for note in &step.notes {
        out.push_str(&format!("{note}\n"));
    }
    for exchange in &step.exchanges {
        if let Some(label) = &exchange.label {
            out.push_str(&format!("\n  -- {label}\n"));
        }
        let request = &exchange.request;
        out.push_str(&format!(
            "\n    {} {} HTTP/1.1\n",
            request.method, request.target
        ));
        for (name, value) in &request.headers {
            out.push_str(&format!(
                "    {name}: {}\n",
                shown_header_value(name, value)
            ));
        }
        out.push('\n');
        if !request.body.is_empty() {
            out.push_str(&format!("    {}\n\n", request.body));
        }
        let response = &exchange.response;
        out.push_str(&format!(
            "    HTTP/1.1 {} {}\n",
            response.status,
            reason_phrase(response.status)
        ));
        for (name, value) in &response.headers {
            out.push_str(&format!("    {name}: {value}\n"));
        }
        out.push('\n');
        if !response.body.is_empty() {
            out.push_str(&format!("    {}\n\n", response.body));
        }
        if let Some(reason) = response.reason {
            out.push_str(&format!(
                "    (reason given to the server's logs, not sent: {reason})\n\n"
            ));
        }
        for check in &exchange.checks {
            if check.ok {
                out.push_str(&format!(
                    "  {}      {}\n",
                    style::pass(color),
                    check.expected
                ));
            } else {
                out.push_str(&format!(
                    "  {}  {} (got {})\n",
                    style::fail(color),
                    check.expected,
                    check.got.as_deref().unwrap_or("something else")
                ));
            }
        }
    }
}

/// `name=value` pairs of a URI's query (after `?`), decoded.
fn query_param(uri: &str, name: &str) -> Option<String> {
    let (_, query) = uri.split_once('?')?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

fn form(params: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

/// A JSON object of strings with its members in the given order.
fn json_object(params: &[(&str, &str)]) -> String {
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

fn is_trace_id(id: &str) -> bool {
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
    fn step(&mut self, title: &str) {
        self.steps.push(Step {
            title: title.to_owned(),
            notes: Vec::new(),
            exchanges: Vec::new(),
        });
    }

    fn label(&mut self, text: &str) {
        self.label = Some(text.to_owned());
    }

    fn note(&mut self, text: &str) {
        if let Some(step) = self.steps.last_mut() {
            step.notes.push(text.to_owned());
        }
    }

    fn record(&mut self, request: HttpRequest, response: &Response) {
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

    fn expect(&mut self, ok: bool, expected: impl Into<String>, got: impl FnOnce() -> String) {
        let check = Check {
            ok,
            expected: expected.into(),
            got: (!ok).then(got),
        };
        if let Some(exchange) = self.steps.last_mut().and_then(|s| s.exchanges.last_mut()) {
            exchange.checks.push(check);
        }
    }

    fn expect_status(&mut self, r: &Response, status: u16) {
        self.expect(
            r.status == status,
            format!("{status} {}", reason_phrase(status)),
            || r.status.to_string(),
        );
    }

    fn expect_header(&mut self, r: &Response, name: &str, value: &str) {
        let got = r.header(name);
        self.expect(got == Some(value), format!("{name}: {value}"), || {
            format!("{got:?}")
        });
    }

    fn expect_text_body(&mut self, r: &Response, body: &str) {
        self.expect_header(r, "Content-Type", "text/plain; charset=utf-8");
        self.expect(r.body == body, format!("body \"{body}\""), || {
            format!("{:?}", r.body)
        });
    }

    fn expect_reason(&mut self, r: &Response, reason: Error) {
        self.expect(
            r.reason == Some(reason),
            format!("logged reason {}", reason.name()),
            || format!("{:?}", r.reason.map(Error::name)),
        );
    }

    fn expect_problem(&mut self, r: &Response) {
        self.expect_status(r, 401);
        self.expect_header(r, "Content-Type", "application/problem+json; charset=utf-8");
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        let shape_ok = body["type"] == "https://tools.ietf.org/html/rfc9110#section-15.5.2"
            && body["title"] == "Unauthorized"
            && body["status"] == 401
            && body["traceId"].as_str().is_some_and(is_trace_id)
            && body.as_object().is_some_and(|o| o.len() == 4);
        self.expect(
            shape_ok,
            "the documented problem body (type rfc9110#section-15.5.2, title, status, W3C traceId)",
            || r.body.clone(),
        );
        self.expect(r.header("Location").is_none(), "no redirect", || {
            format!("{:?}", r.header("Location"))
        });
    }

    /// `GET /api/oauth2?…`.
    fn authorize(&mut self, params: &[(&str, &str)]) -> Response {
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
    fn token(&mut self, content_type: &str, body: String) -> Response {
        let response = self.issuer.exchange(Some(content_type), body.as_bytes());
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

    fn token_form(&mut self, params: &[(&str, &str)]) -> Response {
        self.token("application/x-www-form-urlencoded", form(params))
    }

    /// `GET path` on a protected resource: the core's bearer check decides.
    fn resource(
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
    fn expect_redirect(&mut self, r: &Response, redirect_uri: &str, state: &str) -> String {
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
    fn expect_token(&mut self, r: &Response) -> String {
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

    fn walk(&mut self) {
        let state = "af0ifjsldkj";
        self.step("Authorization request, generic token (no userid)");
        self.note("The browser is sent to the authorization endpoint; it answers with a redirect.");
        let r = self.authorize(&[
            ("client_id", CLIENT_ID),
            ("redirect_uri", CALLBACK),
            ("state", state),
        ]);
        let generic_code = self.expect_redirect(&r, CALLBACK, state);

        self.step("Token request, form body");
        self.clock.advance(2);
        let first_exchange = [
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("redirect_uri", CALLBACK),
            ("code", generic_code.as_str()),
        ];
        let r = self.token_form(&first_exchange);
        let generic_token = self.expect_token(&r);

        self.step("Protected resources with the generic token");
        self.note(&format!(
            "{RESOURCE_ANY} accepts any token (Access::Any); {RESOURCE_USER} needs a user token \
             (Access::User).\nThe core's check_bearer decides; the 200 bodies are the demo resources' own."
        ));
        let (r, claims) = self.resource(RESOURCE_ANY, Some(&generic_token), Access::Any);
        self.expect_status(&r, 200);
        let who = claims.as_ref().map(|c| (c.client_id.clone(), c.user_token));
        self.expect(
            who == Some((Some(CLIENT_ID.into()), false)),
            "a generic token of client abc123",
            || format!("{who:?}"),
        );
        let (r, _) = self.resource(RESOURCE_USER, Some(&generic_token), Access::User);
        self.expect_status(&r, 403);
        self.expect_header(
            &r,
            "WWW-Authenticate",
            "Bearer error=\"insufficient_scope\"",
        );
        self.expect_reason(&r, Error::UserTokenRequired);

        self.step("User-specific token: userid=user_42, JSON token body");
        self.clock.advance(3);
        let state2 = "k5Hr0q";
        let r = self.authorize(&[
            ("client_id", CLIENT_ID),
            ("redirect_uri", APP_CALLBACK),
            ("userid", "user_42"),
            ("state", state2),
        ]);
        let user_code = self.expect_redirect(&r, APP_CALLBACK, state2);
        self.clock.advance(2);
        let r = self.token(
            "application/json",
            json_object(&[
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
                ("redirect_uri", APP_CALLBACK),
                ("code", &user_code),
                ("userid", "user_42"),
            ]),
        );
        let user_token = self.expect_token(&r);
        let (r, claims) = self.resource(RESOURCE_USER, Some(&user_token), Access::User);
        self.expect_status(&r, 200);
        let who = claims
            .as_ref()
            .map(|c| (c.userid().map(str::to_owned), c.company_id.clone()));
        self.expect(
            who == Some((Some("user_42".into()), Some("acme".into()))),
            "a user token of user_42, company acme",
            || format!("{who:?}"),
        );

        self.step("The first code replayed");
        self.note(
            "A code works once. Its second use is refused and revokes the token issued from it\n\
             (RFC 6749 §4.1.2); tokens from other codes are untouched.",
        );
        self.clock.advance(5);
        self.label("the same token request as in step 2");
        let r = self.token_form(&first_exchange);
        self.expect_status(&r, 400);
        self.expect_text_body(&r, "Invalid Code");
        self.expect_reason(&r, Error::CodeAlreadyRedeemed);
        self.label("the token issued from the replayed code");
        let (r, _) = self.resource(RESOURCE_ANY, Some(&generic_token), Access::Any);
        self.expect_status(&r, 401);
        self.expect_header(&r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        self.expect_reason(&r, Error::TokenRevoked);
        self.label("the user token, from another code, still works");
        let (r, _) = self.resource(RESOURCE_USER, Some(&user_token), Access::User);
        self.expect_status(&r, 200);

        self.step("Documented errors");
        self.label("client_id missing");
        let r = self.token_form(&[
            ("client_secret", CLIENT_SECRET),
            ("redirect_uri", CALLBACK),
            ("code", SAMPLE_CODE),
        ]);
        self.expect_status(&r, 400);
        self.expect_text_body(&r, "Invalid client_id");
        self.label("client_secret wrong");
        let r = self.token_form(&[
            ("client_id", CLIENT_ID),
            ("client_secret", "not-the-secret"),
            ("redirect_uri", CALLBACK),
            ("code", SAMPLE_CODE),
        ]);
        self.expect_problem(&r);
        self.expect_reason(&r, Error::InvalidClientSecret);
        self.label("unknown client_id at the authorization endpoint: no redirect");
        let r = self.authorize(&[("client_id", "unknown-client"), ("redirect_uri", CALLBACK)]);
        self.expect_problem(&r);
        self.expect_reason(&r, Error::UnknownClient);
        self.label("protected resource without a token");
        let (r, _) = self.resource(RESOURCE_ANY, None, Access::Any);
        self.expect_status(&r, 401);
        self.expect_header(&r, "WWW-Authenticate", "Bearer");
        self.expect_reason(&r, Error::MissingBearer);
    }
}

/// The demo resource's own 200 answer: who the verified token speaks for.
fn resource_answer(path: &str, claims: &Claims) -> Response {
    let body = serde_json::json!({
        "resource": path,
        "client_id": claims.client_id,
        "userid": claims.userid(),
        "company_id": claims.company_id,
    });
    Response {
        status: 200,
        headers: vec![(
            "Content-Type".into(),
            "application/json; charset=utf-8".into(),
        )],
        body: body.to_string(),
        reason: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
