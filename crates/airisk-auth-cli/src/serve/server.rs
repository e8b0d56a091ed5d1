//! The server behind `serve`, built with the `serve` feature.

use super::net::{self, Tls};
use super::ServeArgs;
use crate::files::read_bounded;
use crate::shared_store::{self, SharedStore};
use crate::{describe, Failure};
use airisk_auth::code::CodeKey;
use airisk_auth::flow::{Issuer, IssuerConfig};
use airisk_auth::keys::{Key, KeySet, MAX_KEY_DOCUMENT_LEN};
use airisk_auth::registry::{MemoryRegistry, MAX_REGISTRY_DOCUMENT_LEN};
use airisk_auth::store::{MemoryStore, Store};
use airisk_auth_axum::{AnyToken, IssuerRouter, PlainConsentPage, UserToken};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::StatusCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The registry served when `--registry` is not given: the demo's client
/// `abc123` (secret `demo-secret-abc123-do-not-use-in-production`), the AIRisk
/// pages' placeholder client `YOUR_client_id` / `YOUR_client_secret`, and the
/// users `user_42` (company `acme`) and `user_7`. Its secrets are public: it is
/// for trying the flow on loopback, never for a deployment.
const DEFAULT_REGISTRY: &str = include_str!("registry.json");

/// The state of the sample routes.
#[derive(Clone)]
struct Samples {
    /// `[{"userid":…},…]`, rendered once.
    users_json: Arc<str>,
    ledger: Option<SharedStore>,
}

/// Runs the server until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub(crate) fn run(args: &ServeArgs) -> Result<(), Failure> {
    net::init_logs(args.log_format);
    // The store first: a build without `redis` refuses before anything is loaded.
    let ledger = match args.store.as_str() {
        "memory" => None,
        url if shared_store::is_shared_store_url(url) => Some(SharedStore::open(url)?),
        _ => {
            return Err(Failure::Usage(
                "--store must be `memory` or a redis:// URL".into(),
            ))
        }
    };
    let (registry, users_json) = load_registry(args)?;
    let keys = load_keys(args)?;
    let code_key = load_code_key(args)?;
    let config = IssuerConfig::new(&args.issuer);
    let store: Arc<dyn Store> = match &ledger {
        Some(ledger) => ledger.store(),
        // One process: this server's own memory.
        None => Arc::new(MemoryStore::default()),
    };
    let issuer = Issuer::new(config, Arc::new(keys), code_key, Arc::new(registry), store)
        .map_err(|e| Failure::Usage(format!("cannot start the issuer: {}", describe(e))))?;
    let timeout = Duration::from_secs(args.request_timeout.clamp(1, 300));
    let mut endpoints = IssuerRouter::new(Arc::new(issuer))
        .blocking_store(ledger.is_some())
        .request_timeout(timeout);
    if args.consent_page {
        endpoints = endpoints.consent_page(PlainConsentPage);
    }
    let bearer = endpoints.bearer();
    let samples = Samples {
        users_json: users_json.into(),
        ledger,
    };
    let protected = Router::new()
        .route("/api/GetConversations", get(conversations))
        .route("/api/ListUsers", get(list_users))
        .route("/api/Users/ListUsers", get(list_users))
        .with_state(bearer);
    let app = endpoints
        .into_router()
        .merge(protected.layer(axum::Extension(samples.clone())))
        .route("/healthz", get(healthz).with_state(samples))
        .layer(axum::middleware::from_fn(access_log));

    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(Tls::load(cert, key)?),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Io(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(net::serve(args.bind, app, tls, timeout))
}

fn load_registry(args: &ServeArgs) -> Result<(MemoryRegistry, String), Failure> {
    let text = match &args.registry {
        Some(path) => read_bounded(path, MAX_REGISTRY_DOCUMENT_LEN)?,
        None => zeroize::Zeroizing::new(DEFAULT_REGISTRY.to_owned()),
    };
    let registry = MemoryRegistry::from_json(&text)
        .map_err(|e| Failure::Usage(format!("invalid registry: {e}")))?;
    let mut userids: Vec<&str> = registry.userids().collect();
    userids.sort_unstable();
    let users: Vec<_> = userids
        .into_iter()
        .map(|userid| serde_json::json!({ "userid": userid }))
        .collect();
    let users_json = serde_json::Value::Array(users).to_string();
    Ok((registry, users_json))
}

fn load_keys(args: &ServeArgs) -> Result<KeySet, Failure> {
    let Some(path) = &args.keys else {
        let key = Key::generate_hs256(&format!("serve-{}", crate::commands::random_hex(4)?))
            .map_err(|e| Failure::Io(format!("cannot generate a key: {}", describe(e))))?;
        tracing::warn!("no --keys: signing with a fresh HS256 key; tokens die with the process");
        return KeySet::single(key).map_err(|e| Failure::Usage(describe(e)));
    };
    let text = read_bounded(path, MAX_KEY_DOCUMENT_LEN)?;
    KeySet::from_json(&text)
        .map_err(|e| Failure::Usage(format!("{}: {}", path.display(), describe(e))))
}

fn load_code_key(args: &ServeArgs) -> Result<CodeKey, Failure> {
    let Some(path) = &args.code_key else {
        return CodeKey::generate()
            .map_err(|e| Failure::Io(format!("cannot generate a code key: {}", describe(e))));
    };
    let text = read_bounded(path, 1024)?;
    let bytes = zeroize::Zeroizing::new(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim().trim_end_matches('='))
            .map_err(|_| Failure::Usage(format!("{} is not base64url", path.display())))?,
    );
    CodeKey::from_bytes(&bytes)
        .map_err(|e| Failure::Usage(format!("{}: {}", path.display(), describe(e))))
}

fn json(body: String) -> Response {
    (
        [
            (CONTENT_TYPE, "application/json; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// User tokens only (the AIRisk pages' example of a user-only route).
async fn conversations(UserToken(claims): UserToken) -> Response {
    let body = serde_json::json!([{
        "id": 1,
        "userid": claims.userid(),
        "company_id": claims.company_id,
        "title": "Welcome",
    }]);
    json(body.to_string())
}

/// Any token: the registry's users, for the pages' "select a user" use case.
async fn list_users(
    AnyToken(_): AnyToken,
    axum::Extension(samples): axum::Extension<Samples>,
) -> Response {
    json(samples.users_json.to_string())
}

async fn healthz(State(samples): State<Samples>) -> Response {
    let Some(ledger) = samples.ledger else {
        return (StatusCode::OK, "ok\n").into_response();
    };
    match tokio::task::spawn_blocking(move || ledger.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok\n").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "store unreachable\n").into_response(),
    }
}

/// One line per request: method, path (never the query, which may carry a
/// state or a userid), status and time taken.
async fn access_log(request: Request, next: Next) -> Response {
    if !tracing::enabled!(target: "airisk_auth::access", tracing::Level::INFO) {
        return next.run(request).await;
    }
    let start = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let micros = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
    tracing::info!(target: "airisk_auth::access", %method, path, status = response.status().as_u16(), micros);
    response
}
