//! HTTP acceptance: every scenario of `tests/vectors/flows.json` replayed over
//! a real loopback socket with a real HTTP client (hyper), against the
//! crate's `IssuerRouter` and two extractor-guarded routes. Status, the listed
//! headers and the bodies must be what the vectors say, byte for byte; the
//! refusal reason (never sent) is read from the `RefusalReason` extension.
//!
//! Run by `scripts/test-http.sh` (`cargo test -p airisk-auth-axum --test
//! wire_vectors -- --ignored`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::prelude::*;
use airisk_auth_axum::{AnyToken, IssuerRouter, RefusalReason, UserToken};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response as AxumResponse;
use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

type HttpClient =
    Client<hyper_util::client::legacy::connect::HttpConnector, Full<axum::body::Bytes>>;

/// What came back over the wire.
#[derive(Debug)]
struct Wire {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    reason: Option<String>,
}

impl Wire {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

const REASON_HEADER: &str = "x-test-refusal-reason";

/// Copies the (never sent) refusal reason into a header the test can read.
async fn expose_reason(request: Request, next: Next) -> AxumResponse {
    let mut response = next.run(request).await;
    if let Some(RefusalReason(e)) = response.extensions().get::<RefusalReason>().copied() {
        response
            .headers_mut()
            .insert(REASON_HEADER, e.name().parse().unwrap());
    }
    response
}

fn claims_json(claims: &Claims) -> String {
    serde_json::to_string(claims).unwrap()
}

async fn any_route(AnyToken(claims): AnyToken) -> String {
    claims_json(&claims)
}

async fn user_route(UserToken(claims): UserToken) -> String {
    claims_json(&claims)
}

fn issuer_from_setup(setup: &Value, clock: Arc<ManualClock>) -> Issuer {
    let registry = MemoryRegistry::from_json(&setup["registry"].to_string()).unwrap();
    let keys = Arc::new(KeySet::from_json(&setup["keyset"].to_string()).unwrap());
    let code_key = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(setup["code_key"].as_str().unwrap())
        .unwrap();
    let cfg = &setup["issuer"];
    let mut config = IssuerConfig::new(cfg["issuer"].as_str().unwrap());
    config.audience = cfg["audience"].as_str().map(str::to_owned);
    config.code_ttl = cfg["code_ttl"].as_u64().unwrap();
    config.token_ttl = cfg["token_ttl"].as_u64().unwrap();
    Issuer::new(
        config,
        keys,
        CodeKey::from_bytes(&code_key).unwrap(),
        Arc::new(registry),
        Arc::new(MemoryStore::default()),
    )
    .unwrap()
    .with_clock(clock)
}

/// Starts a server for one scenario (a fresh issuer, so a fresh ledger).
async fn start(setup: &Value, clock: Arc<ManualClock>) -> SocketAddr {
    let endpoints = IssuerRouter::new(Arc::new(issuer_from_setup(setup, clock)));
    let resources = Router::new()
        .route("/any", get(any_route))
        .route("/user", get(user_route))
        .with_state(endpoints.bearer());
    let app = endpoints
        .into_router()
        .merge(resources)
        .layer(axum::middleware::from_fn(expose_reason));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

async fn send(
    client: &HttpClient,
    method: &str,
    uri: String,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Wire {
    let mut request = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = client
        .request(request.body(Full::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let mut headers = Vec::new();
    let mut reason = None;
    for (name, value) in response.headers() {
        let value = value.to_str().unwrap().to_owned();
        if name == REASON_HEADER {
            reason = Some(value);
        } else {
            headers.push((name.as_str().to_owned(), value));
        }
    }
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8(bytes.to_vec()).unwrap();
    Wire {
        status,
        headers,
        body,
        reason,
    }
}

fn substitute(text: &str, saved: &HashMap<String, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in saved {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

fn location_params(wire: &Wire) -> Vec<(String, String)> {
    let location = wire.header("location").unwrap_or("");
    let query = location.split_once('?').map_or("", |(_, q)| q);
    form_urlencoded_pairs(query)
}

/// Form decoding of a Location query (the vectors' codes and states are ASCII-safe or %-escaped).
fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Checks one answer against a step's `expect`, as tests/vectors/README.md defines it.
fn check(wire: &Wire, expect: &Value, what: &str) -> Result<(), String> {
    let fail = |m: String| Err(format!("{what}: {m}; got {wire:?}"));
    if let Some(status) = expect.get("status") {
        if u64::from(wire.status) != status.as_u64().unwrap() {
            return fail(format!("status {status}"));
        }
    }
    if let Some(reason) = expect.get("reason") {
        if wire.reason.as_deref() != reason.as_str() {
            return fail(format!("reason {reason}"));
        }
    }
    if let Some(ct) = expect.get("content_type") {
        if wire.header("content-type") != ct.as_str() {
            return fail(format!("content type {ct}"));
        }
    }
    if let Some(body) = expect.get("body") {
        if wire.body != body.as_str().unwrap() {
            return fail(format!("body {body}"));
        }
    }
    if let Some(problem) = expect.get("problem") {
        let got: Value = serde_json::from_str(&wire.body).map_err(|e| format!("{what}: {e}"))?;
        for k in ["type", "title", "status"] {
            if got[k] != problem[k] {
                return fail(format!("problem {k}"));
            }
        }
        let trace = got["traceId"].as_str().unwrap_or("");
        let parts: Vec<&str> = trace.split('-').collect();
        let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
        if !(parts.len() == 4 && hex(parts[1], 32) && hex(parts[2], 16)) {
            return fail("traceId".into());
        }
    }
    if let Some(headers) = expect.get("headers") {
        for (name, value) in headers.as_object().unwrap() {
            if wire.header(name) != value.as_str() {
                return fail(format!("header {name}: {value}"));
            }
        }
    }
    if let Some(prefix) = expect.get("location_prefix") {
        let location = wire.header("location").unwrap_or("");
        if !location.starts_with(prefix.as_str().unwrap()) {
            return fail(format!("location prefix {prefix}"));
        }
    }
    if let Some(params) = expect.get("location_params") {
        let got = location_params(wire);
        let want = params.as_object().unwrap();
        if got.len() != want.len() {
            return fail("location params count".into());
        }
        for (k, v) in want {
            let Some((_, value)) = got.iter().find(|(n, _)| n == k) else {
                return fail(format!("location param {k}"));
            };
            let ok = if v == "<code>" {
                value.len() == 56
            } else {
                v == value
            };
            if !ok {
                return fail(format!("location param {k}={v}"));
            }
        }
    }
    if let Some(members) = expect.get("json") {
        let got: Value = serde_json::from_str(&wire.body).map_err(|e| format!("{what}: {e}"))?;
        for (k, v) in members.as_object().unwrap() {
            if &got[k] != v {
                return fail(format!("json {k}={v}"));
            }
        }
    }
    Ok(())
}

fn check_claims(claims: &Claims, expect: &Value, what: &str) -> Result<(), String> {
    let got = serde_json::to_value(claims).unwrap();
    for (k, v) in expect.as_object().unwrap() {
        if &got[k] != v {
            return Err(format!("{what}: claim {k}: want {v}, got {}", got[k]));
        }
    }
    Ok(())
}

async fn run_scenario(client: &HttpClient, setup: &Value, scenario: &Value) -> Result<(), String> {
    let clock = Arc::new(ManualClock::new(0));
    let addr = start(setup, clock.clone()).await;
    let verifier_issuer = issuer_from_setup(setup, clock.clone());
    let verifier = verifier_issuer.verifier();
    let mut saved: HashMap<String, String> = HashMap::new();
    let name = scenario["name"].as_str().unwrap();
    for (i, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
        let what = format!("{name} step {i}");
        let now = step["now"].as_u64().unwrap();
        clock.set(now);
        let expect = &step["expect"];
        match step["op"].as_str().unwrap() {
            "authorize" => {
                let query = substitute(step["query"].as_str().unwrap(), &saved);
                let uri = format!("http://{addr}/api/oauth2?{query}");
                let wire = send(client, "GET", uri, &[], Vec::new()).await;
                check(&wire, expect, &what)?;
                if let Some(code_name) = step.pointer("/save/code").and_then(Value::as_str) {
                    let code = location_params(&wire)
                        .into_iter()
                        .find(|(k, _)| k == "code")
                        .map(|(_, v)| v)
                        .ok_or(format!("{what}: no code to save"))?;
                    saved.insert(code_name.to_owned(), code);
                }
            }
            "exchange" => {
                let uri = format!("http://{addr}/api/oauth2/Token");
                exchange_step(client, uri, step, &verifier, &mut saved, &what).await?;
            }
            "revoke" | "introspect" => {
                let body = substitute(step["body"].as_str().unwrap(), &saved);
                let authorization = step
                    .get("authorization")
                    .and_then(Value::as_str)
                    .map(|a| substitute(a, &saved));
                let headers = form_headers(step, authorization.as_deref());
                let op = step["op"].as_str().unwrap();
                let uri = format!("http://{addr}/api/oauth2/{op}");
                let wire = send(client, "POST", uri, &headers, body.into_bytes()).await;
                check(&wire, expect, &what)?;
            }
            "metadata" => {
                let uri = format!("http://{addr}{}", verifier_issuer.metadata_path());
                check(
                    &send(client, "GET", uri, &[], Vec::new()).await,
                    expect,
                    &what,
                )?;
            }
            "jwks" => {
                let uri = format!("http://{addr}/api/oauth2/jwks");
                check(
                    &send(client, "GET", uri, &[], Vec::new()).await,
                    expect,
                    &what,
                )?;
            }
            "bearer" => {
                let auth = step["authorization"]
                    .as_str()
                    .map(|a| substitute(a, &saved));
                let path = match step["access"].as_str().unwrap() {
                    "user" => "user",
                    _ => "any",
                };
                let headers: Vec<(&str, &str)> = auth
                    .as_deref()
                    .map(|a| ("authorization", a))
                    .into_iter()
                    .collect();
                let uri = format!("http://{addr}/{path}");
                let wire = send(client, "GET", uri, &headers, Vec::new()).await;
                if wire.status == 200 {
                    if expect["status"] != 200 {
                        return Err(format!("{what}: allowed, want {}", expect["status"]));
                    }
                    if let Some(c) = expect.get("claims") {
                        let claims = Claims::from_json(&wire.body).unwrap();
                        check_claims(&claims, c, &what)?;
                    }
                } else {
                    check(&wire, expect, &what)?;
                }
            }
            other => return Err(format!("{what}: unknown op {other}")),
        }
    }
    Ok(())
}

/// An `exchange` step: POST the token request, check the answer, save what it names.
async fn exchange_step(
    client: &HttpClient,
    uri: String,
    step: &Value,
    verifier: &Verifier,
    saved: &mut HashMap<String, String>,
    what: &str,
) -> Result<(), String> {
    let (expect, now) = (&step["expect"], step["now"].as_u64().unwrap());
    let body = substitute(step["body"].as_str().unwrap(), saved);
    let authorization = step
        .get("authorization")
        .and_then(Value::as_str)
        .map(|a| substitute(a, saved));
    let headers = form_headers(step, authorization.as_deref());
    let wire = send(client, "POST", uri, &headers, body.into_bytes()).await;
    check(&wire, expect, what)?;
    if wire.status == 200 {
        let json: Value = serde_json::from_str(&wire.body).unwrap();
        let token = json["access_token"].as_str().unwrap().to_owned();
        if let Some(c) = expect.get("claims") {
            let claims = verifier
                .verify_at(&token, now)
                .map_err(|e| format!("{what}: minted token refused: {e}"))?;
            check_claims(&claims, c, what)?;
        }
        if let Some(n) = step.pointer("/save/token").and_then(Value::as_str) {
            saved.insert(n.to_owned(), token);
        }
        if let Some(n) = step.pointer("/save/refresh").and_then(Value::as_str) {
            let refresh = json["refresh_token"]
                .as_str()
                .ok_or(format!("{what}: no refresh_token to save"))?;
            saved.insert(n.to_owned(), refresh.to_owned());
        }
    }
    Ok(())
}

/// The headers of a form request step: `Content-Type`, `Authorization`, `Accept`.
fn form_headers<'a>(
    step: &'a Value,
    authorization: Option<&'a str>,
) -> Vec<(&'static str, &'a str)> {
    [
        step["content_type"].as_str().map(|ct| ("content-type", ct)),
        authorization.map(|a| ("authorization", a)),
        step.get("accept")
            .and_then(Value::as_str)
            .map(|a| ("accept", a)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Whether every step is an endpoint call (as `support::is_plain_endpoint_scenario`
/// of the core's tests decides).
fn is_plain_endpoint_scenario(scenario: &Value) -> bool {
    scenario["steps"].as_array().unwrap().iter().all(|step| {
        matches!(
            step["op"].as_str(),
            Some(
                "authorize" | "exchange" | "bearer" | "revoke" | "introspect" | "metadata" | "jwks"
            )
        ) && step.get("claims").is_none()
            && step
                .get("scopes")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
    })
}

/// Replays every endpoint scenario of a vector file over the wire.
async fn replay_over_the_wire(file: &str) {
    // tests/vectors is a symlink to the repository's, packaged as a copy with the crate.
    let path = format!("{}/tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let mut failures = Vec::new();
    let mut steps = 0;
    let all = doc["scenarios"].as_array().unwrap();
    // Consent tickets, approval with custom claims, resources requiring scopes
    // and grant revocation are host calls with no route in the IssuerRouter
    // (consent has its own HTML route, tested in tests/consent.rs): the core's
    // replayers (Rust, C, Python) run them; here only the endpoints' scenarios.
    let scenarios: Vec<&Value> = all
        .iter()
        .filter(|s| is_plain_endpoint_scenario(s))
        .collect();
    println!(
        "{file}: {} of {} scenarios drive host calls (consent, approval with claims, scoped resources, grant revocation): not HTTP routes",
        all.len() - scenarios.len(),
        all.len()
    );
    for scenario in &scenarios {
        steps += scenario["steps"].as_array().unwrap().len();
        if let Err(e) = run_scenario(&client, &doc["setup"], scenario).await {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{file}: {} of {} scenarios differ over the wire:\n{}",
        failures.len(),
        scenarios.len(),
        failures.join("\n")
    );
    println!(
        "{file}: {} scenarios, {steps} HTTP exchanges, all as the vectors say",
        scenarios.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "HTTP acceptance: run by scripts/test-http.sh"]
async fn every_flow_vector_holds_over_the_wire() {
    replay_over_the_wire("flows.json").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "HTTP acceptance: run by scripts/test-http.sh"]
async fn every_lifecycle_vector_holds_over_the_wire() {
    replay_over_the_wire("lifecycle.json").await;
}
