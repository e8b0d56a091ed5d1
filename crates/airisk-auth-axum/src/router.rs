//! A `Router` serving the issuer's endpoints.

use crate::adapter;
use crate::consent::ConsentPage;
use crate::extract::Bearer;
use crate::response::AuthResponse;
use airisk_auth::flow::Issuer;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRef, RawQuery, State};
use axum::routing::{get, post};
use axum::Router;
use http::{HeaderMap, StatusCode};
use std::sync::Arc;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// The paths of the issuer's endpoints. The defaults are AIRisk's, as the
/// core's `EndpointPaths` (which the metadata document advertises) has them;
/// the metadata itself is served at the issuer's `Issuer::metadata_path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    /// The authorization endpoint (`GET`).
    pub authorize: String,
    /// The token endpoint (`POST`).
    pub token: String,
    /// Token revocation, RFC 7009 (`POST`).
    pub revoke: String,
    /// Token introspection, RFC 7662 (`POST`).
    pub introspect: String,
    /// The public keys, as a JWKS document (`GET`).
    pub jwks: String,
    /// Where a [`ConsentPage`]'s form posts the user's decision (`POST`);
    /// served only when the router has a consent page.
    pub decide: String,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            authorize: "/api/oauth2".to_owned(),
            token: "/api/oauth2/Token".to_owned(),
            revoke: "/api/oauth2/revoke".to_owned(),
            introspect: "/api/oauth2/introspect".to_owned(),
            jwks: "/api/oauth2/jwks".to_owned(),
            decide: "/api/oauth2/decide".to_owned(),
        }
    }
}

/// The default time a whole request may take, body included: a client that
/// sends its body a byte at a time (slowloris) gets 408 when it runs out.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The state of the issuer's routes: the issuer, and a bearer checker for its tokens.
#[derive(Clone, Debug)]
pub struct IssuerState {
    issuer: Arc<Issuer>,
    bearer: Bearer,
    blocking: bool,
    consent: Option<Consent>,
}

/// The consent page and where its form posts.
#[derive(Clone)]
struct Consent {
    page: Arc<dyn ConsentPage>,
    action: Arc<str>,
}

impl core::fmt::Debug for Consent {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Consent")
            .field("action", &self.action)
            .finish_non_exhaustive()
    }
}

impl IssuerState {
    /// The issuer.
    #[must_use]
    pub fn issuer(&self) -> &Arc<Issuer> {
        &self.issuer
    }
}

impl FromRef<IssuerState> for Bearer {
    fn from_ref(state: &IssuerState) -> Bearer {
        state.bearer.clone()
    }
}

/// Builds the [`Router`] of an issuer's endpoints.
///
/// ```
/// use airisk_auth::prelude::*;
/// use airisk_auth_axum::IssuerRouter;
/// use std::sync::Arc;
///
/// # let mut registry = MemoryRegistry::new();
/// # registry.add_client(Client::new("abc123", "s3cret", "https://localhost/callback")?)?;
/// # let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
/// let store = Arc::new(MemoryStore::default()); // one process; a shared store for several
/// let issuer = Issuer::new(IssuerConfig::new("https://airisk.example"), keys, CodeKey::generate()?, Arc::new(registry), store)?;
/// let app: axum::Router = IssuerRouter::new(Arc::new(issuer)).into_router();
/// # Ok::<(), airisk_auth::Error>(())
/// ```
#[derive(Debug)]
pub struct IssuerRouter {
    state: IssuerState,
    paths: Paths,
    request_timeout: Duration,
}

impl IssuerRouter {
    /// The endpoints of `issuer` at AIRisk's paths, store calls made inline.
    #[must_use]
    pub fn new(issuer: Arc<Issuer>) -> Self {
        let bearer = Bearer::for_issuer(&issuer);
        IssuerRouter {
            state: IssuerState {
                issuer,
                bearer,
                blocking: false,
                consent: None,
            },
            paths: Paths::default(),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }

    /// Serves the endpoints at `paths`.
    #[must_use]
    pub fn paths(mut self, paths: Paths) -> Self {
        self.paths = paths;
        self
    }

    /// Runs the calls that reach the store (token exchange, revocation,
    /// introspection, bearer checks) on
    /// tokio's blocking pool: set it when the store is a network one (Redis).
    #[must_use]
    pub fn blocking_store(mut self, blocking: bool) -> Self {
        self.state.blocking = blocking;
        self.state.bearer = self.state.bearer.blocking(blocking);
        self
    }

    /// Asks the user on `page` before issuing a code, instead of approving at
    /// once (the default); the page's form posts to [`Paths::decide`]. See
    /// [`ConsentPage`] for what is sent and checked.
    #[must_use]
    pub fn consent_page(mut self, page: impl ConsentPage) -> Self {
        self.state.consent = Some(Consent {
            page: Arc::new(page),
            action: Arc::from(""),
        });
        self
    }

    /// The most time a whole request may take (default [`DEFAULT_REQUEST_TIMEOUT`]).
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The bearer checker for the issuer's tokens, for the host's own protected routes.
    #[must_use]
    pub fn bearer(&self) -> Bearer {
        self.state.bearer.clone()
    }

    /// The router. Add the host's routes with `merge`, or nest it.
    pub fn into_router<S>(self) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let IssuerRouter {
            mut state,
            paths,
            request_timeout,
        } = self;
        let metadata_path = state.issuer.metadata_path();
        let mut router = Router::new()
            .route(&paths.authorize, get(authorize))
            .route(&paths.token, post(token))
            .route(&paths.revoke, post(revoke))
            .route(&paths.introspect, post(introspect))
            .route(&paths.jwks, get(jwks))
            .route(&metadata_path, get(metadata));
        if let Some(consent) = &mut state.consent {
            consent.action = Arc::from(paths.decide.as_str());
            router = router.route(&paths.decide, post(decide));
        }
        router
            .with_state(state)
            // Both refuse a declared Content-Length over the limit with 413 before
            // reading a byte; a chunked body is cut off at the limit while read.
            .layer(DefaultBodyLimit::max(adapter::MAX_READ_BODY_LEN))
            .layer(RequestBodyLimitLayer::new(adapter::MAX_READ_BODY_LEN))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                request_timeout,
            ))
    }
}

async fn authorize(State(state): State<IssuerState>, RawQuery(query): RawQuery) -> AuthResponse {
    // Authorization touches no store: codes and tickets are self-contained.
    AuthResponse::from(match &state.consent {
        None => adapter::authorize(&state.issuer, query.as_deref()),
        Some(consent) => adapter::ask_consent(
            &state.issuer,
            query.as_deref(),
            consent.page.as_ref(),
            &consent.action,
        ),
    })
}

async fn decide(State(state): State<IssuerState>, headers: HeaderMap, body: Bytes) -> AuthResponse {
    // Opening a ticket uses it up in the store.
    if !state.blocking {
        return AuthResponse::from(adapter::decide(&state.issuer, &headers, &body));
    }
    let issuer = state.issuer.clone();
    let answer =
        tokio::task::spawn_blocking(move || adapter::decide(&issuer, &headers, &body)).await;
    AuthResponse::from(answer.unwrap_or_else(|_| adapter::unavailable()))
}

/// A form endpoint that reaches the store: inline, or on the blocking pool.
async fn form_endpoint(
    state: IssuerState,
    headers: HeaderMap,
    body: Bytes,
    endpoint: fn(&Issuer, &HeaderMap, &[u8]) -> airisk_auth::flow::Response,
) -> AuthResponse {
    if !state.blocking {
        return AuthResponse::from(endpoint(&state.issuer, &headers, &body));
    }
    let issuer = state.issuer.clone();
    let answer = tokio::task::spawn_blocking(move || endpoint(&issuer, &headers, &body)).await;
    AuthResponse::from(answer.unwrap_or_else(|_| adapter::unavailable()))
}

async fn token(State(state): State<IssuerState>, headers: HeaderMap, body: Bytes) -> AuthResponse {
    form_endpoint(state, headers, body, adapter::exchange).await
}

async fn revoke(State(state): State<IssuerState>, headers: HeaderMap, body: Bytes) -> AuthResponse {
    form_endpoint(state, headers, body, adapter::revoke).await
}

async fn introspect(
    State(state): State<IssuerState>,
    headers: HeaderMap,
    body: Bytes,
) -> AuthResponse {
    form_endpoint(state, headers, body, adapter::introspect).await
}

async fn metadata(State(state): State<IssuerState>) -> AuthResponse {
    // Generated from the issuer's configuration; touches no store.
    AuthResponse::from(adapter::metadata(&state.issuer))
}

async fn jwks(State(state): State<IssuerState>) -> AuthResponse {
    AuthResponse::from(adapter::jwks(&state.issuer))
}
