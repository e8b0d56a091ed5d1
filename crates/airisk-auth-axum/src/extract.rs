//! Extractors for protected routes: the verified claims, or the core's 401/403.

use crate::adapter;
use crate::response::AuthResponse;
use airisk_auth::flow::{Access, Issuer};
use airisk_auth::token::{Claims, Verifier};
use axum::extract::{FromRef, FromRequestParts};
use core::marker::PhantomData;
use http::request::Parts;
use http::HeaderMap;
use std::sync::Arc;

/// What the bearer extractors verify with: a shared [`Verifier`], taken from
/// the router's state through [`FromRef`] (so it can be the state itself, or one
/// field of the host's state with `#[derive(FromRef)]` or a three-line impl).
#[derive(Clone, Debug)]
pub struct Bearer {
    verifier: Arc<Verifier>,
    blocking: bool,
}

impl Bearer {
    /// Checks tokens with `verifier`.
    #[must_use]
    pub fn new(verifier: Verifier) -> Self {
        Bearer::from_arc(Arc::new(verifier))
    }

    /// Checks tokens with a verifier already shared elsewhere.
    #[must_use]
    pub fn from_arc(verifier: Arc<Verifier>) -> Self {
        Bearer {
            verifier,
            blocking: false,
        }
    }

    /// Checks the tokens `issuer` mints (same keys, issuer, audience, clock and revocations).
    #[must_use]
    pub fn for_issuer(issuer: &Issuer) -> Self {
        Bearer::new(issuer.verifier())
    }

    /// Runs each check on tokio's blocking pool. Set it when the verifier's
    /// revocation list makes blocking calls (a network store such as Redis), so
    /// a slow store never stalls the async workers; leave it off for in-memory lists.
    #[must_use]
    pub fn blocking(mut self, blocking: bool) -> Self {
        self.blocking = blocking;
        self
    }

    /// The verifier.
    #[must_use]
    pub fn verifier(&self) -> &Arc<Verifier> {
        &self.verifier
    }

    /// Checks the request's `Authorization` header for `access`.
    ///
    /// # Errors
    /// The core's 401, 403 or 503 answer, to send as it is.
    pub async fn check(&self, headers: &HeaderMap, access: Access) -> Result<Claims, AuthResponse> {
        self.check_scopes(headers, access, &[]).await
    }

    /// Checks the request's `Authorization` header for `access` and every
    /// scope in `required` (403 `insufficient_scope` naming them otherwise).
    ///
    /// # Errors
    /// The core's 401, 403 or 503 answer, to send as it is.
    pub async fn check_scopes(
        &self,
        headers: &HeaderMap,
        access: Access,
        required: &'static [&'static str],
    ) -> Result<Claims, AuthResponse> {
        let answer = if self.blocking {
            let verifier = self.verifier.clone();
            let only_authorization = only_authorization(headers);
            tokio::task::spawn_blocking(move || {
                adapter::check_bearer_with_scopes(&verifier, &only_authorization, access, required)
            })
            .await
            .unwrap_or_else(|_| Err(adapter::unavailable()))
        } else {
            adapter::check_bearer_with_scopes(&self.verifier, headers, access, required)
        };
        answer.map_err(|refused| {
            // The slow path, after a refusal only: which claim was at fault.
            let claim = adapter::refused_claim(&self.verifier, headers, &refused);
            AuthResponse::refusal_of_claim(refused, claim)
        })
    }
}

/// A copy of the `Authorization` headers alone, for the blocking pool.
fn only_authorization(headers: &HeaderMap) -> HeaderMap {
    let mut only = HeaderMap::new();
    for value in headers.get_all(http::header::AUTHORIZATION) {
        only.append(http::header::AUTHORIZATION, value.clone());
    }
    only
}

macro_rules! bearer_extractor {
    ($(#[$doc:meta])* $name:ident, $access:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name(pub Claims);

        impl<S> FromRequestParts<S> for $name
        where
            Bearer: FromRef<S>,
            S: Send + Sync,
        {
            type Rejection = AuthResponse;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                Bearer::from_ref(state).check(&parts.headers, $access).await.map($name)
            }
        }
    };
}

bearer_extractor!(
    /// Any valid token of the issuer, generic or user-specific: the route runs
    /// with its claims; otherwise the core's 401 (`WWW-Authenticate: Bearer …`) is sent.
    AnyToken,
    Access::Any
);

bearer_extractor!(
    /// A valid user-specific token: the route runs with its claims (the userid
    /// is `claims.userid()`); a generic token gets the core's 403
    /// `insufficient_scope`, anything else its 401.
    UserToken,
    Access::User
);

/// The scopes a [`Scoped`] route requires: a marker type per route (or per set).
///
/// ```
/// use airisk_auth_axum::{RequiredScopes, Scoped};
///
/// struct ReadRisk;
/// impl RequiredScopes for ReadRisk {
///     const SCOPES: &'static [&'static str] = &["risk:read"];
/// }
///
/// async fn reports(Scoped(claims, _): Scoped<ReadRisk>) -> String {
///     format!("reports for {}", claims.client_id.unwrap_or_default())
/// }
/// ```
pub trait RequiredScopes: Send + Sync + 'static {
    /// Every scope name the token's `scope` claim must hold.
    const SCOPES: &'static [&'static str];
}

/// A valid token (generic or user-specific) holding every scope of `S`: the
/// route runs with its claims; a token without one of them gets the core's 403
/// with `WWW-Authenticate: Bearer error="insufficient_scope", scope="…"`
/// (RFC 6750 §3.1), anything else its 401.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scoped<S: RequiredScopes>(pub Claims, pub PhantomData<S>);

impl<S, St> FromRequestParts<St> for Scoped<S>
where
    S: RequiredScopes,
    Bearer: FromRef<St>,
    St: Send + Sync,
{
    type Rejection = AuthResponse;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, Self::Rejection> {
        Bearer::from_ref(state)
            .check_scopes(&parts.headers, Access::Any, S::SCOPES)
            .await
            .map(|claims| Scoped(claims, PhantomData))
    }
}
