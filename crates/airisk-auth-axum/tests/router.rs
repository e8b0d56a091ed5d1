//! The extractors and the issuer's router, driven in-process through tower.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::prelude::*;
use airisk_auth_axum::{
    AnyToken, Bearer, IssuerRouter, RefusalClaim, RefusalReason, RequiredScopes, Scoped, UserToken,
};
use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

const ISSUER: &str = "https://airisk.example";

fn keys() -> Arc<KeySet> {
    Arc::new(KeySet::single(Key::hs256(Some("k1"), &[7; 32]).unwrap()).unwrap())
}

fn protected(bearer: Bearer) -> Router {
    Router::new()
        .route(
            "/user",
            get(|UserToken(c): UserToken| async move { c.userid().unwrap_or_default().to_owned() }),
        )
        .route(
            "/any",
            get(|AnyToken(c): AnyToken| async move { c.client_id.unwrap_or_default() }),
        )
        .with_state(bearer)
}

async fn call(
    app: Router,
    request: Request<Body>,
) -> (StatusCode, http::HeaderMap, String, Option<Error>) {
    let response = app.oneshot(request).await.unwrap();
    let reason = response.extensions().get::<RefusalReason>().map(|r| r.0);
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        String::from_utf8(body.to_vec()).unwrap(),
        reason,
    )
}

fn get_with(path: &str, authorization: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.body(Body::empty()).unwrap()
}

async fn guarded_routes_answer_as_the_core(blocking: bool) {
    let keys = keys();
    let now = SystemClock.now();
    let user = keys
        .mint(&Claims::user(ISSUER, "abc123", "user_42", now, 600, "u"))
        .unwrap();
    let generic = keys
        .mint(&Claims::generic(ISSUER, "abc123", now, 600, "g"))
        .unwrap();
    let bearer = Bearer::new(Verifier::new(keys, Policy::new(ISSUER))).blocking(blocking);
    let app = protected(bearer);

    let (status, _, body, reason) = call(
        app.clone(),
        get_with("/user", Some(&format!("Bearer {user}"))),
    )
    .await;
    assert_eq!(
        (status, body.as_str(), reason),
        (StatusCode::OK, "user_42", None)
    );

    let (status, headers, body, reason) = call(
        app.clone(),
        get_with("/user", Some(&format!("Bearer {generic}"))),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        headers["www-authenticate"],
        "Bearer error=\"insufficient_scope\""
    );
    assert_eq!(
        (body.as_str(), reason),
        ("", Some(Error::UserTokenRequired))
    );

    let (status, _, body, _) = call(
        app.clone(),
        get_with("/any", Some(&format!("Bearer {generic}"))),
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "abc123"));

    let (status, headers, _, reason) = call(app.clone(), get_with("/any", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers["www-authenticate"], "Bearer");
    assert_eq!(reason, Some(Error::MissingBearer));

    let (status, headers, _, _) = call(app, get_with("/any", Some("Bearer not.a.token"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        headers["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
}

#[tokio::test]
async fn guarded_routes_answer_as_the_core_inline() {
    guarded_routes_answer_as_the_core(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guarded_routes_answer_as_the_core_on_the_blocking_pool() {
    guarded_routes_answer_as_the_core(true).await;
}

fn issuer(keys: Arc<KeySet>) -> Arc<Issuer> {
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(
            Client::new("abc123", "s3cret-0123456789", "https://localhost/callback").unwrap(),
        )
        .unwrap();
    Arc::new(
        Issuer::new(
            IssuerConfig::new(ISSUER),
            keys,
            CodeKey::generate().unwrap(),
            Arc::new(registry),
            Arc::new(MemoryStore::default()),
        )
        .unwrap(),
    )
}

fn token_request(content_length: Option<usize>, body: Vec<u8>) -> Request<Body> {
    let mut request = Request::post("/api/oauth2/Token")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(length) = content_length {
        request = request.header("content-length", length);
    }
    request.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn bodies_over_the_read_bound_get_413_and_bodies_over_the_core_bound_its_400() {
    let app: Router = IssuerRouter::new(issuer(keys())).into_router();
    // Declared far larger than the read bound: 413 from the length alone.
    let (status, _, _, _) = call(app.clone(), token_request(Some(32 << 20), vec![b'a'; 10])).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // Over the core's 16 KiB but under the read bound: the core's documented answer.
    let body = vec![b'a'; 20 * 1024];
    let (status, headers, text, reason) =
        call(app.clone(), token_request(Some(body.len()), body)).await;
    assert_eq!(
        (status, text.as_str()),
        (StatusCode::BAD_REQUEST, "Invalid request")
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(reason, Some(Error::RequestTooLarge));
    // A streamed body past the read bound is cut off there.
    let (status, _, _, _) = call(app, token_request(None, vec![b'a'; 100 * 1024])).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn authorize_passes_the_raw_query_and_the_core_headers() {
    let app: Router = IssuerRouter::new(issuer(keys())).into_router();
    let request = get_with(
        "/api/oauth2?client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&state=a%C3%A9b",
        None,
    );
    let (status, headers, body, reason) = call(app.clone(), request).await;
    assert_eq!(
        (status, body.as_str(), reason),
        (StatusCode::FOUND, "", None)
    );
    let location = headers["location"].to_str().unwrap();
    assert!(location.starts_with("https://localhost/callback?code="));
    assert!(location.ends_with("&state=a%C3%A9b"), "{location}");
    assert_eq!(headers["cache-control"], "no-store");
    let (status, headers, body, reason) = call(app, get_with("/api/oauth2", None)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        headers["content-type"],
        "application/problem+json; charset=utf-8"
    );
    assert!(body.contains("\"title\":\"Bad Request\""));
    assert_eq!(reason, Some(Error::MissingParameter));
}

#[tokio::test]
async fn jwks_lists_public_keys_only() {
    let hs: Router = IssuerRouter::new(issuer(keys())).into_router();
    let (status, headers, body, _) = call(hs, get_with("/api/oauth2/jwks", None)).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "{\"keys\":[]}"));
    assert_eq!(headers["cache-control"], "public, max-age=300");
    let ed =
        Arc::new(KeySet::single(Key::ed25519_from_seed(Some("e1"), &[9; 32]).unwrap()).unwrap());
    let app: Router = IssuerRouter::new(issuer(ed)).into_router();
    let (_, _, body, _) = call(app, get_with("/api/oauth2/jwks", None)).await;
    let jwks: serde_json::Value = serde_json::from_str(&body).unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(
        (key["kty"].as_str(), key["kid"].as_str()),
        (Some("OKP"), Some("e1"))
    );
    assert!(key.get("d").is_none(), "a private member was published");
}

fn form(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// The lifecycle routes answer as the core: metadata at the well-known path,
/// revocation (200 empty, then the token is refused), introspection (only for
/// a client registered for it), inline and on the blocking pool.
async fn lifecycle_routes_answer_as_the_core(blocking: bool) {
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(Client::new("app", "s3cret-0123456789", "https://localhost/callback").unwrap())
        .unwrap();
    registry
        .add_client(
            Client::new("rs", "s3cret-0123456789", "https://localhost/callback")
                .unwrap()
                .with_introspection(true),
        )
        .unwrap();
    let issuer = Arc::new(
        Issuer::new(
            IssuerConfig::new(ISSUER),
            keys(),
            CodeKey::generate().unwrap(),
            Arc::new(registry),
            Arc::new(MemoryStore::default()),
        )
        .unwrap(),
    );
    let router = IssuerRouter::new(issuer.clone()).blocking_store(blocking);
    let app: Router = router.into_router().merge(protected(
        IssuerRouter::new(issuer.clone())
            .blocking_store(blocking)
            .bearer(),
    ));

    let (status, headers, body, _) = call(
        app.clone(),
        get_with("/.well-known/oauth-authorization-server", None),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "public, max-age=300");
    let metadata: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        metadata["revocation_endpoint"],
        format!("{ISSUER}/api/oauth2/revoke")
    );
    assert_eq!(
        metadata["introspection_endpoint"],
        format!("{ISSUER}/api/oauth2/introspect")
    );

    let location = issuer
        .authorize("client_id=app&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback")
        .header("Location")
        .unwrap()
        .to_owned();
    let code = location.split("code=").nth(1).unwrap();
    let body = format!(
        "client_id=app&client_secret=s3cret-0123456789&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code={code}"
    );
    let (status, _, body, _) = call(app.clone(), form("/api/oauth2/Token", &body)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();

    let introspect = |client: &str| {
        form(
            "/api/oauth2/introspect",
            &format!("client_id={client}&client_secret=s3cret-0123456789&token={token}"),
        )
    };
    let (status, _, body, _) = call(app.clone(), introspect("rs")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with("{\"active\":true"), "{body}");
    let (status, _, _, reason) = call(app.clone(), introspect("app")).await;
    assert_eq!(
        (status, reason),
        (StatusCode::UNAUTHORIZED, Some(Error::UnknownClient))
    );

    let revoke = form(
        "/api/oauth2/revoke",
        &format!("client_id=app&client_secret=s3cret-0123456789&token={token}"),
    );
    let (status, headers, body, _) = call(app.clone(), revoke).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, ""));
    assert_eq!(headers["cache-control"], "no-store");
    let (status, _, _, reason) = call(
        app.clone(),
        get_with("/any", Some(&format!("Bearer {token}"))),
    )
    .await;
    assert_eq!(
        (status, reason),
        (StatusCode::UNAUTHORIZED, Some(Error::TokenRevoked))
    );
    let (status, _, body, _) = call(app, introspect("rs")).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "{\"active\":false}")
    );
}

#[tokio::test]
async fn lifecycle_routes_answer_as_the_core_inline() {
    lifecycle_routes_answer_as_the_core(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_routes_answer_as_the_core_on_the_blocking_pool() {
    lifecycle_routes_answer_as_the_core(true).await;
}

struct ReadRisk;
impl RequiredScopes for ReadRisk {
    const SCOPES: &'static [&'static str] = &["risk:read"];
}

#[tokio::test]
async fn scoped_routes_need_every_scope_and_hand_over_custom_claims() {
    let keys = keys();
    let now = SystemClock.now();
    let mut scoped = Claims::user(ISSUER, "abc123", "user_42", now, 600, "s");
    scoped.scope = Some("risk:read risk:write".to_owned());
    scoped
        .custom
        .insert("role".to_owned(), serde_json::json!("admin"));
    let scoped = keys.mint(&scoped).unwrap();
    let mut narrow = Claims::generic(ISSUER, "abc123", now, 600, "n");
    narrow.scope = Some("risk:write".to_owned());
    let narrow = keys.mint(&narrow).unwrap();
    let unscoped = keys
        .mint(&Claims::generic(ISSUER, "abc123", now, 600, "u"))
        .unwrap();
    let app = Router::new()
        .route(
            "/reports",
            get(|Scoped(c, _): Scoped<ReadRisk>| async move { c.custom["role"].to_string() }),
        )
        .route(
            "/any",
            get(|AnyToken(c): AnyToken| async move { c.custom["role"].to_string() }),
        )
        .with_state(Bearer::new(Verifier::new(keys, Policy::new(ISSUER))));

    let ok = call(
        app.clone(),
        get_with("/reports", Some(&format!("Bearer {scoped}"))),
    )
    .await;
    assert_eq!((ok.0, ok.2.as_str()), (StatusCode::OK, "\"admin\""));
    let any = call(
        app.clone(),
        get_with("/any", Some(&format!("Bearer {scoped}"))),
    )
    .await;
    assert_eq!((any.0, any.2.as_str()), (StatusCode::OK, "\"admin\""));
    for token in [&narrow, &unscoped] {
        let (status, headers, _, reason) = call(
            app.clone(),
            get_with("/reports", Some(&format!("Bearer {token}"))),
        )
        .await;
        assert_eq!(
            (status, reason),
            (StatusCode::FORBIDDEN, Some(Error::InsufficientScope))
        );
        assert_eq!(
            headers["www-authenticate"],
            "Bearer error=\"insufficient_scope\", scope=\"risk:read\""
        );
    }
    let (status, _, _, _) = call(app, get_with("/reports", Some("Bearer nope"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// What a test subscriber wrote: the log lines of the refusals.
#[derive(Clone, Default)]
struct LogLines(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogLines {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn a_refusal_for_a_claim_names_it(blocking: bool) {
    let lines = LogLines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _log = tracing::subscriber::set_default(subscriber);

    let keys = keys();
    let now = SystemClock.now();
    let mut claims = Claims::user(ISSUER, "abc123", "user_42", now, 600, "u");
    claims.client_id = None;
    let incomplete = keys.mint(&claims).unwrap();
    let expired = keys
        .mint(&Claims::user(
            ISSUER,
            "abc123",
            "user_42",
            now - 700,
            600,
            "e",
        ))
        .unwrap();
    let app = protected(Bearer::new(Verifier::new(keys, Policy::new(ISSUER))).blocking(blocking));

    let response = app
        .clone()
        .oneshot(get_with("/user", Some(&format!("Bearer {incomplete}"))))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.extensions().get::<RefusalReason>(),
        Some(&RefusalReason(Error::MissingClaim))
    );
    assert_eq!(
        response.extensions().get::<RefusalClaim>(),
        Some(&RefusalClaim("client_id"))
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(
        !String::from_utf8_lossy(&body).contains("client_id"),
        "the claim is never sent"
    );

    let response = app
        .oneshot(get_with("/user", Some(&format!("Bearer {expired}"))))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.extensions().get::<RefusalClaim>(), None);

    let written = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
    let refusals: Vec<&str> = written
        .lines()
        .filter(|l| l.contains("request refused"))
        .collect();
    assert_eq!(refusals.len(), 2, "{written}");
    assert!(
        refusals[0].contains("error=\"MissingClaim\"")
            && refusals[0].contains("claim=\"client_id\""),
        "{}",
        refusals[0]
    );
    assert!(
        refusals[1].contains("error=\"Expired\"") && !refusals[1].contains("claim="),
        "{}",
        refusals[1]
    );
    assert!(
        !written.contains(&incomplete) && !written.contains(&expired),
        "no token is logged"
    );
}

#[tokio::test]
async fn a_refusal_for_a_claim_names_it_inline() {
    a_refusal_for_a_claim_names_it(false).await;
}

#[tokio::test]
async fn a_refusal_for_a_claim_names_it_on_the_blocking_pool() {
    a_refusal_for_a_claim_names_it(true).await;
}
