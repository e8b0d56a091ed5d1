//! `serve`: the AIRisk endpoints over HTTP (or HTTPS), on airisk-auth-axum.
//!
//! Routes: `GET /api/oauth2`, `POST /api/oauth2/Token`, `POST /api/oauth2/revoke`
//! (RFC 7009), `POST /api/oauth2/introspect` (RFC 7662), `GET /api/oauth2/jwks`
//! and `GET /.well-known/oauth-authorization-server` (RFC 8414; the issuer's, all
//! from airisk-auth-axum's `IssuerRouter`), two sample protected resources as in the AIRisk pages —
//! `GET /api/GetConversations` (user tokens only) and `GET /api/ListUsers`
//! (any token; also at `/api/Users/ListUsers`, the path one page uses) — and
//! `GET /healthz` (200, or 503 when the store cannot be reached).

mod net;

use crate::files::read_bounded;
use crate::{describe, Failure};
use airisk_auth::code::CodeKey;
use airisk_auth::flow::{Issuer, IssuerConfig};
use airisk_auth::keys::{Key, KeySet, MAX_KEY_DOCUMENT_LEN};
use airisk_auth::registry::{MemoryRegistry, MAX_REGISTRY_DOCUMENT_LEN};
use airisk_auth::store::{MemoryStore, Store};
use airisk_auth_axum::{AnyToken, IssuerRouter, PlainConsentPage, UserToken};
use airisk_auth_redis::{RedisConfig, RedisStore};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use clap::{Args, ValueEnum};
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::StatusCode;
use net::Tls;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The registry served when `--registry` is not given: the demo's client
/// `abc123` (secret `demo-secret-abc123-do-not-use-in-production`), the AIRisk
/// pages' placeholder client `YOUR_client_id` / `YOUR_client_secret`, and the
/// users `user_42` (company `acme`) and `user_7`. Its secrets are public: it is
/// for trying the flow on loopback, never for a deployment.
const DEFAULT_REGISTRY: &str = include_str!("registry.json");

pub(crate) const SERVE_HELP: &str = "\
Without --registry the server runs on an embedded demo registry whose secrets are public
(client abc123 / demo-secret-abc123-do-not-use-in-production, and the AIRisk pages'
YOUR_client_id / YOUR_client_secret; users user_42 and user_7), and without --keys on a
fresh HS256 key: tokens and codes die with the process. Every flag can also be set by the
environment variable shown. Logs go to stderr (AIRISK_LOG sets the filter, e.g. warn or
airisk_auth=debug); the first line on stdout says where the server listens.

Several instances behind one load balancer share --keys, --code-key and --store redis://….
A code key file: `head -c 32 /dev/urandom | basenc --base64url > code.key` (mode 0600).

Examples:
  airisk-auth serve
  curl -i 'http://127.0.0.1:8080/api/oauth2?client_id=YOUR_client_id&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&state=xyz'
  airisk-auth serve --registry registry.json --keys keys.json --issuer https://api.airisk.example.com \\
      --store redis://127.0.0.1:6379/0 --code-key code.key --log-format json
  airisk-auth serve --bind 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem";

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per event.
    Json,
}

/// `serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The clients/users registry file (default: the embedded demo registry).
    #[arg(long, value_name = "FILE", env = "AIRISK_REGISTRY")]
    pub registry: Option<PathBuf>,
    /// The key set that signs tokens (default: a fresh HS256 key).
    #[arg(long, value_name = "FILE", env = "AIRISK_KEYS")]
    pub keys: Option<PathBuf>,
    /// A file holding the code key, base64url of at least 32 bytes (default: a fresh key).
    #[arg(long, value_name = "FILE", env = "AIRISK_CODE_KEY")]
    pub code_key: Option<PathBuf>,
    /// The issuer named in tokens (`iss`).
    #[arg(
        long,
        env = "AIRISK_ISSUER",
        default_value = "https://api.airisk.example.com"
    )]
    pub issuer: String,
    /// The address to listen on (port 0 picks a free one).
    #[arg(long, env = "AIRISK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Where redeemed codes and revoked tokens are kept: `memory` or `redis://HOST:PORT/DB`.
    #[arg(long, env = "AIRISK_STORE", default_value = "memory")]
    pub store: String,
    /// Log format.
    #[arg(long, value_enum, env = "AIRISK_LOG_FORMAT", default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// PEM certificate chain: serve HTTPS (with --tls-key).
    #[arg(
        long,
        value_name = "FILE",
        env = "AIRISK_TLS_CERT",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the certificate.
    #[arg(
        long,
        value_name = "FILE",
        env = "AIRISK_TLS_KEY",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,
    /// The most seconds a request may take: its head (then the connection is
    /// closed), and the whole request, body included (then 408). 1 to 300.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "AIRISK_REQUEST_TIMEOUT",
        default_value_t = 10
    )]
    pub request_timeout: u64,
    /// Ask the user on a plain consent page (approve / deny, posted to
    /// /api/oauth2/decide) instead of approving every valid request at once.
    #[arg(long, env = "AIRISK_CONSENT_PAGE")]
    pub consent_page: bool,
}

/// The state of the sample routes.
#[derive(Clone)]
struct Samples {
    /// `[{"userid":…},…]`, rendered once.
    users_json: Arc<str>,
    ledger: Option<Arc<RedisStore>>,
}

/// Runs the server until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub(crate) fn run(args: &ServeArgs) -> Result<(), Failure> {
    net::init_logs(args.log_format);
    let (registry, users_json) = load_registry(args)?;
    let keys = load_keys(args)?;
    let code_key = load_code_key(args)?;
    let config = IssuerConfig::new(&args.issuer);
    let ledger = match args.store.as_str() {
        "memory" => None,
        url if url.starts_with("redis://") || url.starts_with("rediss://") => {
            let ledger = RedisStore::new(RedisConfig::new(url))
                .map_err(|e| Failure::Usage(format!("--store: {}", describe(e))))?;
            Some(Arc::new(ledger))
        }
        _ => {
            return Err(Failure::Usage(
                "--store must be `memory` or a redis:// URL".into(),
            ))
        }
    };
    let store: Arc<dyn Store> = match &ledger {
        Some(ledger) => ledger.clone(),
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
