//! The consent hook driven in-process: the page, the sealed ticket, approve and deny.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::prelude::*;
use airisk_auth_axum::{IssuerRouter, PlainConsentPage, RefusalReason};
use axum::body::Body;
use axum::Router;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

const QUERY: &str =
    "/api/oauth2?client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42&state=s%201";

fn issuer() -> Arc<Issuer> {
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(
            Client::new("abc123", "s3cret-0123456789", "https://localhost/callback").unwrap(),
        )
        .unwrap();
    registry
        .add_user(User::new("user_42", None).unwrap())
        .unwrap();
    let keys = Arc::new(KeySet::single(Key::hs256(Some("k1"), &[7; 32]).unwrap()).unwrap());
    let issuer = Issuer::new(
        IssuerConfig::new("https://airisk.example"),
        keys,
        CodeKey::generate().unwrap(),
        Arc::new(registry),
        Arc::new(MemoryStore::default()),
    )
    .unwrap();
    Arc::new(issuer)
}

fn app(blocking: bool) -> Router {
    IssuerRouter::new(issuer())
        .blocking_store(blocking)
        .consent_page(PlainConsentPage)
        .into_router()
}

async fn call(
    app: &Router,
    request: Request<Body>,
) -> (StatusCode, HeaderMap, String, Option<Error>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let reason = response.extensions().get::<RefusalReason>().map(|r| r.0);
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        String::from_utf8(body.to_vec()).unwrap(),
        reason,
    )
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn post(uri: &str, body: String) -> Request<Body> {
    Request::post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

/// The page for the request, and the ticket in its form.
async fn page(app: &Router) -> String {
    let (status, headers, html, _) = call(app, get(QUERY)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["content-security-policy"], "frame-ancestors 'none'");
    assert!(
        html.contains("<b>abc123</b>") && html.contains("<b>user_42</b>"),
        "{html}"
    );
    assert!(html.contains("action=\"/api/oauth2/decide\""), "{html}");
    let start = html.find("name=\"ticket\" value=\"").unwrap() + 21;
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

async fn consent_round_trip(blocking: bool) {
    let app = app(blocking);
    let ticket = page(&app).await;

    // A form that does not say what to do is refused and leaves the ticket usable.
    for form in [
        format!("ticket={ticket}"),
        format!("ticket={ticket}&decision=maybe"),
        format!("ticket={ticket}&decision=deny&decision=approve"),
        format!("ticket={ticket}&ticket={ticket}&decision=deny"),
    ] {
        let (status, _, body, reason) = call(&app, post("/api/oauth2/decide", form)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("\"error\":\"invalid_request\""), "{body}");
        assert_eq!(reason, Some(Error::InvalidTicket));
    }
    let json = Request::post("/api/oauth2/decide")
        .header("content-type", "application/json")
        .body(Body::from(format!(
            "{{\"ticket\":\"{ticket}\",\"decision\":\"deny\"}}"
        )))
        .unwrap();
    assert_eq!(call(&app, json).await.0, StatusCode::BAD_REQUEST);

    // Deny: access_denied with the state; the ticket is then used up.
    let deny = format!("ticket={ticket}&decision=deny");
    let (status, headers, _, reason) = call(&app, post("/api/oauth2/decide", deny)).await;
    assert_eq!(
        (status, reason),
        (StatusCode::FOUND, Some(Error::AccessDenied))
    );
    let location = headers["location"].to_str().unwrap();
    assert!(
        location.starts_with("https://localhost/callback?error=access_denied"),
        "{location}"
    );
    assert!(
        location.ends_with("state=s+1") && !location.contains("code="),
        "{location}"
    );
    let again = format!("ticket={ticket}&decision=approve");
    let (status, _, _, reason) = call(&app, post("/api/oauth2/decide", again)).await;
    assert_eq!(
        (status, reason),
        (StatusCode::BAD_REQUEST, Some(Error::InvalidTicket))
    );

    // Approve a fresh request: a code the token endpoint redeems.
    let ticket = page(&app).await;
    let approve = format!("ticket={ticket}&decision=approve");
    let (status, headers, _, _) = call(&app, post("/api/oauth2/decide", approve)).await;
    assert_eq!(status, StatusCode::FOUND);
    let location = headers["location"].to_str().unwrap();
    let code = location
        .strip_prefix("https://localhost/callback?code=")
        .and_then(|rest| rest.split('&').next())
        .unwrap();
    let exchange = format!(
        "client_id=abc123&client_secret=s3cret-0123456789&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code={code}&userid=user_42"
    );
    let (status, _, body, _) = call(&app, post("/api/oauth2/Token", exchange)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"access_token\""));

    // A tampered ticket, and a request the core refuses directly: no page.
    let mut tampered = page(&app).await.into_bytes();
    tampered[10] = if tampered[10] == b'A' { b'B' } else { b'A' };
    let tampered = format!(
        "ticket={}&decision=approve",
        String::from_utf8(tampered).unwrap()
    );
    let (status, _, _, reason) = call(&app, post("/api/oauth2/decide", tampered)).await;
    assert_eq!(
        (status, reason),
        (StatusCode::BAD_REQUEST, Some(Error::InvalidTicket))
    );
    let unknown = "/api/oauth2?client_id=nobody&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback";
    let (status, headers, _, reason) = call(&app, get(unknown)).await;
    assert_eq!(
        (status, reason),
        (StatusCode::UNAUTHORIZED, Some(Error::UnknownClient))
    );
    assert!(headers.get("x-frame-options").is_none());
}

#[tokio::test]
async fn consent_page_round_trip_inline() {
    consent_round_trip(false).await;
}

#[tokio::test]
async fn consent_page_round_trip_on_the_blocking_pool() {
    consent_round_trip(true).await;
}

#[tokio::test]
async fn without_a_consent_page_there_is_no_decide_route_and_authorize_approves() {
    let router: Router = IssuerRouter::new(issuer()).into_router();
    let (status, headers, _, _) = call(&router, get(QUERY)).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(headers["location"].to_str().unwrap().contains("code="));
    let (status, _, _, _) = call(&router, post("/api/oauth2/decide", "decision=deny".into())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
