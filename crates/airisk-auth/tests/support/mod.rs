//! Shared by the integration tests: the vector runner, which the C and Python
//! suites mirror, and small helpers.
// Test helpers: the pedantic style lints are for the library, not for them.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::pedantic
)]

use airisk_auth::flow::{
    check_bearer_with_scopes_at, Access, Issuer, IssuerConfig, Request, Response,
};
use airisk_auth::keys::KeySet;
use airisk_auth::prelude::*;
use airisk_auth::store::MemoryStore;
use airisk_auth::token::Claims;
use airisk_auth::token::CustomClaims;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The shared vectors: `tests/vectors` here is a symlink to the repository's
/// `tests/vectors`, so the packaged crate (which holds a copy) finds them too.
pub fn vectors_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// The `<Claims>` JSON form of tests/vectors/README.md.
pub fn claims_json(c: &Claims) -> Value {
    serde_json::from_str(&c.to_json()).unwrap()
}

pub fn claims_from_json(v: &Value) -> Claims {
    let s = |k: &str| v[k].as_str().map(str::to_owned);
    {
        let mut claims = Claims::new(s("iss").unwrap(), v["exp"].as_u64().unwrap());
        claims.sub = s("sub");
        claims.aud = v["aud"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect();
        claims.client_id = s("client_id");
        claims.user_token = v["user_token"].as_bool().unwrap();
        claims.company_id = s("company_id");
        claims.iat = v["iat"].as_u64();
        claims.nbf = v["nbf"].as_u64();
        claims.jti = s("jti");
        claims
    }
}

pub fn policy_from_json(v: &Value) -> Policy {
    let mut p = Policy::new(v["issuer"].as_str().unwrap())
        .with_leeway(v["leeway"].as_u64().unwrap())
        .unwrap()
        .with_max_token_len(usize::try_from(v["max_token_len"].as_u64().unwrap()).unwrap())
        .unwrap()
        .require_user(v["require_user"].as_bool().unwrap())
        .require_access_token_claims(v["require_access_token_claims"].as_bool().unwrap());
    if let Some(aud) = v["audience"].as_str() {
        p = p.with_audience(aud);
    }
    p
}

pub fn error_name(e: Error) -> Value {
    Value::String(e.name().to_owned())
}

/// Builds the issuer of a flows.json `setup`.
pub fn issuer_from_setup(setup: &Value) -> Issuer {
    let registry = MemoryRegistry::from_json(&setup["registry"].to_string()).unwrap();
    let keys = Arc::new(KeySet::from_json(&setup["keyset"].to_string()).unwrap());
    let code_key = base64_url_decode(setup["code_key"].as_str().unwrap());
    let code_key = CodeKey::from_bytes(&code_key).unwrap();
    let cfg = &setup["issuer"];
    let mut config = IssuerConfig::new(cfg["issuer"].as_str().unwrap());
    config.audience = cfg["audience"].as_str().map(str::to_owned);
    config.code_ttl = cfg["code_ttl"].as_u64().unwrap();
    config.token_ttl = cfg["token_ttl"].as_u64().unwrap();
    Issuer::new(
        config,
        keys,
        code_key,
        Arc::new(registry),
        Arc::new(MemoryStore::default()),
    )
    .unwrap()
}

pub fn base64_url_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

pub fn base64_url_encode(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn substitute(text: &str, saved: &HashMap<String, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in saved {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

fn form_params(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn check_response(r: &Response, expect: &Value, what: &str) -> Result<(), String> {
    let fail = |m: String| Err(format!("{what}: {m}; got {r:?}"));
    if let Some(status) = expect.get("status") {
        if u64::from(r.status) != status.as_u64().unwrap() {
            return fail(format!("status {status}"));
        }
    }
    if let Some(reason) = expect.get("reason") {
        let got = r.reason.map(|e| e.name());
        if got != reason.as_str() {
            return fail(format!("reason {reason}"));
        }
    }
    if let Some(ct) = expect.get("content_type") {
        if r.content_type() != ct.as_str() {
            return fail(format!("content type {ct}"));
        }
    }
    if let Some(body) = expect.get("body") {
        if r.body != body.as_str().unwrap() {
            return fail(format!("body {body}"));
        }
    }
    if let Some(problem) = expect.get("problem") {
        let got: Value = serde_json::from_str(&r.body).map_err(|e| format!("{what}: {e}"))?;
        let obj = got.as_object().ok_or("problem body is not an object")?;
        let want = problem.as_object().unwrap();
        // Exactly the listed members and the (random) traceId.
        if obj.len() != want.len() + 1 {
            return fail("problem members".into());
        }
        for (k, v) in want {
            if &got[k] != v {
                return fail(format!("problem {k}"));
            }
        }
        let trace = got["traceId"].as_str().unwrap_or("");
        let parts: Vec<&str> = trace.split('-').collect();
        let hex = |s: &str, n: usize| {
            s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        };
        if !(parts.len() == 4
            && parts[0] == "00"
            && parts[3] == "00"
            && hex(parts[1], 32)
            && hex(parts[2], 16))
        {
            return fail("traceId".into());
        }
    }
    if let Some(headers) = expect.get("headers") {
        for (name, value) in headers.as_object().unwrap() {
            if r.header(name) != value.as_str() {
                return fail(format!("header {name}: {value}"));
            }
        }
    }
    if let Some(prefix) = expect.get("location_prefix") {
        if !r
            .header("Location")
            .unwrap_or("")
            .starts_with(prefix.as_str().unwrap())
        {
            return fail(format!("location prefix {prefix}"));
        }
    }
    if let Some(params) = expect.get("location_params") {
        let location = r.header("Location").unwrap_or("");
        let query = location.split_once('?').map_or("", |(_, q)| q);
        let got = form_params(query);
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
        let got: Value = serde_json::from_str(&r.body).map_err(|e| format!("{what}: {e}"))?;
        for (k, v) in members.as_object().unwrap() {
            if &got[k] != v {
                return fail(format!("json {k}={v}"));
            }
        }
    }
    Ok(())
}

fn check_claims(claims: &Claims, expect: &Value, what: &str) -> Result<(), String> {
    let got = claims_json(claims);
    for (k, v) in expect.as_object().unwrap() {
        if &got[k] != v {
            return Err(format!("{what}: claim {k}: want {v}, got {}", got[k]));
        }
    }
    Ok(())
}

/// Runs one flows.json scenario on a fresh issuer; `Err` says what differed.
pub fn run_scenario(setup: &Value, scenario: &Value) -> Result<(), String> {
    let issuer = issuer_from_setup(setup);
    let verifier = issuer.verifier();
    let mut saved: HashMap<String, String> = HashMap::new();
    let name = scenario["name"].as_str().unwrap();
    for (i, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
        let what = format!("{name} step {i}");
        let now = step["now"].as_u64().unwrap();
        let expect = &step["expect"];
        match step["op"].as_str().unwrap() {
            "authorize" => {
                let query = substitute(step["query"].as_str().unwrap(), &saved);
                let r = match step.get("claims") {
                    None => issuer.authorize_at(&query, now),
                    // Validate, then approve with the host's custom claims.
                    Some(claims) => {
                        let claims: CustomClaims = serde_json::from_value(claims.clone()).unwrap();
                        match issuer.validate_authorization(&query) {
                            Err(answer) => answer,
                            Ok(pending) => match issuer
                                .approve_with_claims_at(&pending, &claims, now)
                            {
                                Ok(answer) => answer,
                                Err(e)
                                    if expect.get("error").and_then(Value::as_str)
                                        == Some(e.name()) =>
                                {
                                    continue;
                                }
                                Err(e) => return Err(format!("{what}: approval refused: {e:?}")),
                            },
                        }
                    }
                };
                if expect.get("error").is_some() {
                    return Err(format!("{what}: approved, want {}", expect["error"]));
                }
                check_response(&r, expect, &what)?;
                if let Some(code_name) = step.pointer("/save/code").and_then(Value::as_str) {
                    let location = r.header("Location").unwrap_or("");
                    let query = location.split_once('?').map_or("", |(_, q)| q);
                    let code = form_params(query)
                        .into_iter()
                        .find(|(k, _)| k == "code")
                        .map(|(_, v)| v)
                        .ok_or(format!("{what}: no code to save"))?;
                    saved.insert(code_name.to_owned(), code);
                }
            }
            "exchange" => {
                let body = substitute(step["body"].as_str().unwrap(), &saved);
                let authorization = step
                    .get("authorization")
                    .and_then(Value::as_str)
                    .map(|a| substitute(a, &saved));
                let request = Request::new(step["content_type"].as_str(), body.as_bytes())
                    .with_authorization(authorization.as_deref())
                    .with_accept(step.get("accept").and_then(Value::as_str));
                let r = issuer.exchange_at(&request, now);
                check_response(&r, expect, &what)?;
                if r.status == 200 {
                    let json: Value = serde_json::from_str(&r.body).unwrap();
                    let token = json["access_token"].as_str().unwrap().to_owned();
                    if let Some(c) = expect.get("claims") {
                        let claims = verifier
                            .verify_at(&token, now)
                            .map_err(|e| format!("{what}: minted token refused: {e}"))?;
                        check_claims(&claims, c, &what)?;
                    }
                    if let Some(custom) = expect.get("custom") {
                        let got = verifier
                            .verify_with(&token, now, |c| c.custom_claims())
                            .map_err(|e| format!("{what}: minted token refused: {e}"))?;
                        if &serde_json::to_value(&got).unwrap() != custom {
                            return Err(format!("{what}: custom claims {got:?}, want {custom}"));
                        }
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
            }
            "seal" => {
                // Validate, then seal the pending request into a consent ticket.
                let query = substitute(step["query"].as_str().unwrap(), &saved);
                let pending = issuer
                    .validate_authorization(&query)
                    .map_err(|r| format!("{what}: not a valid request: {r:?}"))?;
                let ticket = issuer
                    .seal_at(&pending, now)
                    .map_err(|e| format!("{what}: seal: {e:?}"))?;
                let name = step
                    .pointer("/save/ticket")
                    .and_then(Value::as_str)
                    .unwrap();
                saved.insert(name.to_owned(), ticket);
            }
            "open" => {
                // Open a ticket (optionally tampered), then decide.
                let mut ticket = substitute(step["ticket"].as_str().unwrap(), &saved);
                if step.get("tamper").and_then(Value::as_bool) == Some(true) {
                    ticket = tamper(&ticket);
                }
                let r = match issuer.open_ticket_at(&ticket, now) {
                    Err(answer) => answer,
                    Ok(pending) if step["decision"] == "deny" => issuer.deny(&pending),
                    Ok(pending) => issuer.approve_at(&pending, now),
                };
                check_response(&r, expect, &what)?;
                if let Some(code_name) = step.pointer("/save/code").and_then(Value::as_str) {
                    let location = r.header("Location").unwrap_or("");
                    let query = location.split_once('?').map_or("", |(_, q)| q);
                    let code = form_params(query)
                        .into_iter()
                        .find(|(k, _)| k == "code")
                        .map(|(_, v)| v)
                        .ok_or(format!("{what}: no code to save"))?;
                    saved.insert(code_name.to_owned(), code);
                }
            }
            "bearer" => {
                let auth = step["authorization"]
                    .as_str()
                    .map(|a| substitute(a, &saved));
                let access = match step["access"].as_str().unwrap() {
                    "user" => Access::User,
                    _ => Access::Any,
                };
                let scopes = step.get("scopes").and_then(Value::as_str).unwrap_or("");
                let required: Vec<&str> = scopes.split(' ').filter(|s| !s.is_empty()).collect();
                match check_bearer_with_scopes_at(
                    &verifier,
                    auth.as_deref(),
                    access,
                    &required,
                    now,
                ) {
                    Ok(claims) => {
                        if expect["status"] != 200 {
                            return Err(format!("{what}: allowed, want {}", expect["status"]));
                        }
                        if let Some(c) = expect.get("claims") {
                            check_claims(&claims, c, &what)?;
                        }
                    }
                    Err(r) => check_response(&r, expect, &what)?,
                }
            }
            "revoke" | "introspect" => {
                let body = substitute(step["body"].as_str().unwrap(), &saved);
                let authorization = step
                    .get("authorization")
                    .and_then(Value::as_str)
                    .map(|a| substitute(a, &saved));
                let request = Request::new(step["content_type"].as_str(), body.as_bytes())
                    .with_authorization(authorization.as_deref())
                    .with_accept(step.get("accept").and_then(Value::as_str));
                let r = if step["op"] == "revoke" {
                    issuer.revoke_at(&request, now)
                } else {
                    issuer.introspect_at(&request, now)
                };
                check_response(&r, expect, &what)?;
            }
            "metadata" => check_response(&issuer.metadata(), expect, &what)?,
            "jwks" => check_response(&issuer.jwks(), expect, &what)?,
            "revoke_grant" => {
                let got = issuer.revoke_grant_at(
                    step["client_id"].as_str().unwrap(),
                    step["userid"].as_str(),
                    now,
                );
                let got = got.err().map(|e| e.name());
                if got != expect["error"].as_str() {
                    return Err(format!("{what}: revoke_grant gave {got:?}, want {expect}"));
                }
            }
            other => return Err(format!("{what}: unknown op {other}")),
        }
    }
    Ok(())
}

/// Whether every step of a flows.json scenario is a plain endpoint call
/// (authorize, exchange, bearer without required scopes): the scenarios that
/// also drive host calls (consent tickets, approval with custom claims, a
/// resource requiring scopes) are replayed by `run_scenario` but have no HTTP
/// or one-call form.
pub fn is_plain_endpoint_scenario(scenario: &Value) -> bool {
    scenario["steps"].as_array().unwrap().iter().all(|step| {
        matches!(
            step["op"].as_str(),
            Some("authorize" | "exchange" | "bearer")
        ) && step.get("claims").is_none()
            && step
                .get("scopes")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
    })
}

/// A ticket with its middle character changed (`A`, or `B` if it was `A`):
/// still base64url, so the MAC is what refuses it.
pub fn tamper(ticket: &str) -> String {
    let mut chars: Vec<char> = ticket.chars().collect();
    let middle = chars.len() / 2;
    if let Some(c) = chars.get_mut(middle) {
        *c = if *c == 'A' { 'B' } else { 'A' };
    }
    chars.into_iter().collect()
}

/// A case's token: `token`, or the concatenation described by `token_build`.
pub fn case_token(case: &Value) -> String {
    if let Some(t) = case["token"].as_str() {
        return t.to_owned();
    }
    case["token_build"]
        .as_array()
        .unwrap()
        .iter()
        .map(|part| {
            part[0]
                .as_str()
                .unwrap()
                .repeat(usize::try_from(part[1].as_u64().unwrap()).unwrap())
        })
        .collect()
}

/// Runs one tokens.json `verify` case.
pub fn run_verify_case(
    keysets: &Map<String, Value>,
    policies: &Map<String, Value>,
    case: &Value,
) -> Result<(), String> {
    let name = case["name"].as_str().unwrap();
    let keys = KeySet::from_json(&keysets[case["keyset"].as_str().unwrap()].to_string())
        .map_err(|e| format!("{name}: keyset: {e}"))?;
    let policy = policy_from_json(&policies[case["policy"].as_str().unwrap()]);
    let verifier = Verifier::new(Arc::new(keys), policy);
    let token = case_token(case);
    let got = verifier.verify_at(&token, case["now"].as_u64().unwrap());
    // The borrowing entry point gives the same verdict and the same claims.
    let lent = verifier.verify_with(&token, case["now"].as_u64().unwrap(), |c| c.to_claims());
    if lent != got {
        return Err(format!(
            "{name}: verify_with gave {lent:?}, verify_at {got:?}"
        ));
    }
    match (
        got,
        case["expect"].get("claims"),
        case["expect"].get("error"),
    ) {
        (Ok(c), Some(want), None) if &claims_json(&c) == want => Ok(()),
        (Err(e), None, Some(want)) if e.name() == want => Ok(()),
        (got, _, _) => Err(format!("{name}: got {got:?}, want {}", case["expect"])),
    }
}
