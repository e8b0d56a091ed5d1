//! Scopes and custom claims through the flow (issue 14, points 6 and 7):
//! requested at authorize, checked against the registry, carried by the code
//! (and a ticket) into the token and its response; required by a resource.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// `|c| c.to_claims_with_custom()`: the method path is not general over lifetimes.
#![allow(clippy::redundant_closure_for_method_calls)]

use airisk_auth::flow::{check_bearer_with, check_bearer_with_scopes_at, Access};
use airisk_auth::prelude::*;
use airisk_auth::token::{CustomClaims, MAX_CUSTOM_CLAIMS_LEN};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::sync::Arc;

const NOW: u64 = 1_743_423_132;
const CB: &str = "https%3A%2F%2Flocalhost%2Fcb";

fn issuer() -> Issuer {
    let registry = MemoryRegistry::from_json(
        r#"{"clients": [
            {"client_id": "abc123", "client_secret": "s3cret-0123456789", "redirect_uri": "https://localhost/cb",
             "scopes": ["read:risk", "write:risk", "admin"], "default_scopes": ["read:risk", "write:risk"]},
            {"client_id": "plain", "client_secret": "s3cret-0123456789", "redirect_uri": "https://localhost/cb"}
         ],
         "users": [{"userid": "user_42"}, {"userid": "reader", "scopes": ["read:risk"]}]}"#,
    )
    .unwrap();
    let keys = Arc::new(KeySet::single(Key::generate_hs256("k").unwrap()).unwrap());
    Issuer::new(
        IssuerConfig::new("https://airisk.example"),
        keys,
        CodeKey::generate().unwrap(),
        Arc::new(registry),
        Arc::new(MemoryStore::default()),
    )
    .unwrap()
}

fn location_params(answer: &Response) -> Vec<(String, String)> {
    let location = answer.header("Location").unwrap();
    let query = location.split_once('?').unwrap().1;
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param(answer: &Response, name: &str) -> Option<String> {
    location_params(answer)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn exchange(issuer: &Issuer, client: &str, code: &str, userid: Option<&str>) -> Response {
    let user = userid.map(|u| format!("&userid={u}")).unwrap_or_default();
    let body = format!(
        "client_id={client}&client_secret=s3cret-0123456789&redirect_uri={CB}&code={code}{user}"
    );
    issuer.exchange_at(
        &Request::new(Some("application/x-www-form-urlencoded"), body.as_bytes()),
        NOW + 1,
    )
}

/// Authorize with `extra` and exchange: the token response's JSON.
fn token_for(
    issuer: &Issuer,
    client: &str,
    extra: &str,
    userid: Option<&str>,
) -> serde_json::Value {
    let user = userid.map(|u| format!("&userid={u}")).unwrap_or_default();
    let answer = issuer.authorize_at(
        &format!("client_id={client}&redirect_uri={CB}{user}{extra}"),
        NOW,
    );
    assert_eq!(answer.status, 302, "{:?}", answer.header("Location"));
    let code = param(&answer, "code").unwrap();
    let answer = exchange(issuer, client, &code, userid);
    assert_eq!(answer.status, 200, "{}", answer.body);
    serde_json::from_str(&answer.body).unwrap()
}

fn verified(issuer: &Issuer, token: &serde_json::Value) -> Claims {
    issuer
        .verifier()
        .verify_at(token["access_token"].as_str().unwrap(), NOW + 2)
        .unwrap()
}

#[test]
fn a_granted_scope_reaches_the_token_and_the_response() {
    let issuer = issuer();
    let token = token_for(
        &issuer,
        "abc123",
        "&scope=write%3Arisk+admin+write%3Arisk",
        None,
    );
    assert_eq!(token["scope"], "write:risk admin");
    assert_eq!(
        verified(&issuer, &token).scope.as_deref(),
        Some("write:risk admin")
    );
}

#[test]
fn no_scope_gets_the_default_set_narrowed_to_the_user() {
    let issuer = issuer();
    let token = token_for(&issuer, "abc123", "", None);
    assert_eq!(token["scope"], "read:risk write:risk");
    let token = token_for(&issuer, "abc123", "", Some("reader"));
    assert_eq!(token["scope"], "read:risk");
    let token = token_for(&issuer, "abc123", "&scope=", Some("user_42"));
    assert_eq!(token["scope"], "read:risk write:risk");
}

#[test]
fn a_client_without_scopes_answers_as_before() {
    let issuer = issuer();
    let token = token_for(&issuer, "plain", "", None);
    assert!(token.get("scope").is_none());
    assert_eq!(
        token.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["access_token", "expiration", "expires_in", "token_type"]
    );
    assert_eq!(verified(&issuer, &token).scope, None);
    let answer = issuer.authorize_at(
        "client_id=plain&redirect_uri=https%3A%2F%2Flocalhost%2Fcb",
        NOW,
    );
    // A code without scope or claims is the 56-character version 1 code.
    assert_eq!(
        param(&answer, "code").unwrap().len(),
        airisk_auth::code::CODE_LEN
    );
}

#[test]
fn a_scope_not_granted_is_an_error_redirect_with_state() {
    let issuer = issuer();
    for (client, user, scope) in [
        ("abc123", "", "delete"),
        ("abc123", "&userid=reader", "write%3Arisk"),
        ("abc123", "", "read%3Arisk++admin"),
        ("abc123", "", "%22quoted%22"),
        ("plain", "", "read%3Arisk"),
    ] {
        let answer = issuer.authorize_at(
            &format!("client_id={client}&redirect_uri={CB}{user}&scope={scope}&state=s1"),
            NOW,
        );
        assert_eq!(answer.status, 302, "{scope}");
        assert_eq!(answer.reason, Some(Error::InvalidScope), "{scope}");
        assert_eq!(param(&answer, "error").as_deref(), Some("invalid_scope"));
        assert_eq!(param(&answer, "state").as_deref(), Some("s1"));
        assert_eq!(param(&answer, "code"), None);
    }
}

#[test]
fn an_oversized_scope_is_refused_before_it_is_split() {
    let issuer = issuer();
    // 33 distinct names fit the length bound but not the count.
    let names: Vec<String> = (0..33).map(|i| format!("s{i}")).collect();
    let answer = issuer.authorize_at(
        &format!(
            "client_id=abc123&redirect_uri={CB}&scope={}",
            names.join("+")
        ),
        NOW,
    );
    assert_eq!(
        (answer.status, answer.reason),
        (302, Some(Error::InvalidScope))
    );
    // Over 1 KiB: a direct 400, like any other parameter over its bound.
    let long = vec!["a"; 600].join("+");
    let answer = issuer.authorize_at(
        &format!("client_id=abc123&redirect_uri={CB}&scope={long}"),
        NOW,
    );
    assert_eq!(
        (answer.status, answer.reason),
        (400, Some(Error::RequestTooLarge))
    );
    // 10,000 names: over the query's own bound, never decoded.
    let flood = vec!["a"; 10_000].join("+");
    let answer = issuer.authorize_at(
        &format!("client_id=abc123&redirect_uri={CB}&scope={flood}"),
        NOW,
    );
    assert_eq!(
        (answer.status, answer.reason),
        (400, Some(Error::RequestTooLarge))
    );
}

#[test]
fn a_ticket_carries_the_scope() {
    let issuer = issuer();
    let pending = issuer
        .validate_authorization(&format!("client_id=abc123&redirect_uri={CB}&scope=admin"))
        .unwrap();
    assert_eq!(pending.scopes().collect::<Vec<_>>(), ["admin"]);
    let ticket = issuer.seal_at(&pending, NOW).unwrap();
    let reopened = issuer.open_ticket_at(&ticket, NOW + 1).unwrap();
    assert_eq!(reopened.scope(), Some("admin"));
    let code = param(&issuer.approve_at(&reopened, NOW), "code").unwrap();
    let token: serde_json::Value =
        serde_json::from_str(&exchange(&issuer, "abc123", &code, None).body).unwrap();
    assert_eq!(token["scope"], "admin");
}

#[test]
fn a_tampered_scope_in_a_code_is_refused() {
    let issuer = issuer();
    let answer = issuer.authorize_at(
        &format!("client_id=abc123&redirect_uri={CB}&scope=read%3Arisk"),
        NOW,
    );
    let code = param(&answer, "code").unwrap();
    // Flip one bit inside the scope bytes of the (base64url) code.
    let mut raw = URL_SAFE_NO_PAD.decode(&code).unwrap();
    raw[29] ^= 1;
    let forged = URL_SAFE_NO_PAD.encode(&raw);
    let answer = exchange(&issuer, "abc123", &forged, None);
    assert_eq!(
        (answer.status, answer.reason),
        (400, Some(Error::InvalidCode))
    );
    // The genuine code still works (the forgery did not burn it).
    assert_eq!(exchange(&issuer, "abc123", &code, None).status, 200);
}

#[test]
fn a_resource_requiring_a_scope_answers_403_with_the_scope() {
    let issuer = issuer();
    let token = token_for(&issuer, "abc123", "&scope=read%3Arisk", Some("user_42"));
    let header = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let verifier = issuer.verifier();
    let ok = check_bearer_with_scopes_at(
        &verifier,
        Some(&header),
        Access::User,
        &["read:risk"],
        NOW + 2,
    );
    assert_eq!(ok.unwrap().scope.as_deref(), Some("read:risk"));
    let refused = check_bearer_with_scopes_at(
        &verifier,
        Some(&header),
        Access::User,
        &["read:risk", "write:risk"],
        NOW + 2,
    )
    .unwrap_err();
    assert_eq!(refused.status, 403);
    assert_eq!(refused.reason, Some(Error::InsufficientScope));
    assert_eq!(
        refused.header("WWW-Authenticate"),
        Some("Bearer error=\"insufficient_scope\", scope=\"read:risk write:risk\"")
    );
    // A token without any scope (a client that uses none) lacks every scope.
    let plain = token_for(&issuer, "plain", "", None);
    let header = format!("Bearer {}", plain["access_token"].as_str().unwrap());
    let refused = check_bearer_with_scopes_at(
        &verifier,
        Some(&header),
        Access::Any,
        &["read:risk"],
        NOW + 2,
    )
    .unwrap_err();
    assert_eq!(
        (refused.status, refused.reason),
        (403, Some(Error::InsufficientScope))
    );
}

#[derive(serde::Deserialize)]
struct Mine {
    role: String,
    tenant: serde_json::Value,
    scope: String,
    sub: String,
}

#[test]
fn custom_claims_added_at_approval_reach_the_token() {
    let issuer = issuer();
    let pending = issuer
        .validate_authorization(&format!(
            "client_id=abc123&redirect_uri={CB}&userid=user_42&scope=admin"
        ))
        .unwrap();
    let mut claims = CustomClaims::new();
    claims.insert("role".into(), "admin".into());
    claims.insert(
        "tenant".into(),
        serde_json::json!({"id": 7, "name": "Ünïcode \"q\""}),
    );
    let answer = issuer
        .approve_with_claims_at(&pending, &claims, NOW)
        .unwrap();
    let code = param(&answer, "code").unwrap();
    let answer = exchange(&issuer, "abc123", &code, Some("user_42"));
    assert_eq!(answer.status, 200, "{}", answer.body);
    let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    let token = body["access_token"].as_str().unwrap();
    let mine: Mine = issuer.verifier().verify_as(token, NOW + 2).unwrap();
    assert_eq!(mine.role, "admin");
    assert_eq!(mine.tenant["name"], "Ünïcode \"q\"");
    assert_eq!(mine.scope, "admin");
    assert_eq!(mine.sub, "user_42");
    // The bearer check can keep them: the bindings' path.
    let header = format!("Bearer {token}");
    let full = check_bearer_with(
        &issuer.verifier(),
        Some(&header),
        Access::User,
        &["admin"],
        NOW + 2,
        |c| c.to_claims_with_custom(),
    )
    .unwrap();
    assert_eq!(full.custom["role"], "admin");
    assert_eq!(full.custom.len(), 2);
    assert_eq!(full.scope.as_deref(), Some("admin"));
    assert!(issuer
        .verifier()
        .verify_at(token, NOW + 2)
        .unwrap()
        .custom
        .is_empty());
}

#[test]
fn custom_claims_are_refused_at_approval_when_reserved_or_too_large() {
    let issuer = issuer();
    let pending = issuer
        .validate_authorization(&format!("client_id=abc123&redirect_uri={CB}"))
        .unwrap();
    for name in airisk_auth::token::RESERVED_CLAIM_NAMES.iter().chain(&[""]) {
        let mut claims = CustomClaims::new();
        claims.insert((*name).to_owned(), "x".into());
        assert_eq!(
            issuer
                .approve_with_claims_at(&pending, &claims, NOW)
                .unwrap_err(),
            Error::InvalidClaims,
            "{name}"
        );
    }
    let mut claims = CustomClaims::new();
    claims.insert("blob".into(), "x".repeat(MAX_CUSTOM_CLAIMS_LEN).into());
    assert_eq!(
        issuer
            .approve_with_claims_at(&pending, &claims, NOW)
            .unwrap_err(),
        Error::InvalidClaims
    );
    // Just under the bound: accepted, and the code stays within MAX_CODE_LEN.
    let mut claims = CustomClaims::new();
    claims.insert("blob".into(), "x".repeat(MAX_CUSTOM_CLAIMS_LEN - 12).into());
    let answer = issuer
        .approve_with_claims_at(&pending, &claims, NOW)
        .unwrap();
    let code = param(&answer, "code").unwrap();
    assert!(code.len() <= airisk_auth::code::MAX_CODE_LEN);
    assert_eq!(exchange(&issuer, "abc123", &code, None).status, 200);
}

#[test]
fn random_bytes_as_a_long_code_are_refused_cleanly() {
    let issuer = issuer();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for len in [
        57,
        63,
        100,
        1000,
        airisk_auth::code::MAX_CODE_LEN,
        airisk_auth::code::MAX_CODE_LEN + 1,
    ] {
        let code: String = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                char::from(alphabet[usize::try_from(seed % 64).unwrap()])
            })
            .collect();
        let answer = exchange(&issuer, "abc123", &code, None);
        assert_eq!(answer.status, 400, "{len}");
        assert_eq!(answer.body, "Invalid Code");
    }
}
