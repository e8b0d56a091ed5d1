//! The AIRisk endpoints, sans-IO: request parts in, a complete HTTP answer out.
//!
//! - [`Issuer::authorize`] is `GET /api/oauth2` (pass the raw query string);
//! - [`Issuer::exchange`] is `POST /api/oauth2/Token` (pass a [`Request`]: the
//!   `Content-Type`, `Authorization` and `Accept` headers and the raw body);
//! - [`check_bearer`] guards a protected resource (pass the `Authorization` header);
//! - [`Issuer::revoke`] is `POST /api/oauth2/revoke` (RFC 7009) and
//!   [`Issuer::introspect`] `POST /api/oauth2/introspect` (RFC 7662);
//! - [`Issuer::revoke_grant`] withdraws a whole grant (the host's "connected
//!   apps" page); `grant_type=refresh_token` rotates refresh tokens;
//! - [`Issuer::metadata`] is `GET /.well-known/oauth-authorization-server`
//!   (RFC 8414) and [`Issuer::jwks`] the public key set its `jwks_uri` names.
//!
//! Each returns a [`Response`] to send as it is: status, headers, body. A
//! failed response also carries the precise [`Error`] in
//! [`Response::reason`] for logs; the body never says which check failed.
//!
//! # Answers (docs/PROTOCOL.md, RFC 6749)
//! The `error` column is the RFC 6749 §4.1.2.1 / §5.2 code ([`OAuthError`]):
//! problem+json bodies always carry it (with a fixed `error_description`) as
//! RFC 9457 extension members; a plain-text body is replaced by
//! `{"error","error_description"}` (`application/json`, same status) when the
//! request's `Accept` prefers `application/json` ([`Request::prefers_json`]),
//! as OAuth client libraries send it.
//!
//! | endpoint | case | status | body | `error` |
//! |---|---|---|---|---|
//! | authorize | success (approved) | 302 | empty; `Location: {redirect_uri}?code=…[&state=…]` | |
//! | authorize | `client_id` / `redirect_uri` missing or repeated, a bad percent escape or UTF-8 anywhere, a query or `state` over its bound | 400 | problem+json, `Bad Request` | `invalid_request` |
//! | authorize | unknown client, unregistered redirect URI, unknown user | 401 | problem+json, `Unauthorized` | `invalid_request` (one code for all three: no oracle) |
//! | authorize | denied ([`Issuer::deny`]) | 302 | `Location: {redirect_uri}?error=…[&state=…]` | `access_denied` |
//! | authorize | `response_type` other than `code` | 302 | error redirect | `unsupported_response_type` |
//! | authorize | another parameter repeated, bad PKCE, public client without PKCE | 302 | error redirect | `invalid_request` |
//! | authorize | `scope` over [`MAX_SCOPE_LEN`](crate::scope::MAX_SCOPE_LEN) bytes | 400 | problem+json, `Bad Request` | `invalid_request` |
//! | authorize | `scope` malformed, over [`MAX_SCOPES`](crate::scope::MAX_SCOPES) names, or a name the client (or the user) is not granted | 302 | error redirect | `invalid_scope` |
//! | authorize | consent ticket malformed, forged, expired or used | 400 | problem+json, `Bad Request` | `invalid_request` |
//! | token | success | 200 | `{"access_token","expiration","token_type":"Bearer","expires_in"[,"refresh_token"][,"scope"]}`: `refresh_token` for clients registered for it, `scope` when the token carries one | |
//! | token | body unparsable, repeated parameter, unsupported content type | 400 | `Invalid request` | `invalid_request` |
//! | token | `grant_type` other than `authorization_code` or `refresh_token` | 400 | `Invalid request` | `unsupported_grant_type` |
//! | token (refresh) | `refresh_token` missing, unknown, expired, used (the family is then revoked), another client's, revoked | 400 | `Invalid refresh_token` | `invalid_grant` |
//! | token (refresh) | `scope` wider than the grant's | 400 | `Invalid scope` | `invalid_scope` |
//! | revoke | any `token` (valid, unknown, expired, revoked, another client's) | 200 | empty | |
//! | revoke, introspect | body unparsable, `token` missing | 400 | `Invalid request` | `invalid_request` |
//! | revoke, introspect | client authentication fails (as at the token endpoint) | 401 | problem+json | `invalid_client` |
//! | introspect | a client not registered with `"introspect": true`, or using `none` | 401 | problem+json | `invalid_client` |
//! | introspect | a good access or refresh token | 200 | `{"active":true,…}` | |
//! | introspect | any other token | 200 | `{"active":false}` | |
//! | metadata, jwks | always | 200 | JSON, `Cache-Control: public, max-age=300` | |
//! | token | Basic credentials and `client_secret` in one request | 400 | `Invalid request` | `invalid_request` |
//! | token | `client_id` missing (no Basic either) | 400 | `Invalid client_id` | `invalid_request` |
//! | token | no secret from a client not registered for `none` (or unknown) | 400 | `Invalid client_secret` | `invalid_client` |
//! | token | `redirect_uri` / `code` missing | 400 | `Invalid redirect_uri` / `Invalid Code` | `invalid_request` |
//! | token | `code` invalid, expired, used, or bound otherwise (client, URI, userid, PKCE) | 400 | `Invalid Code` | `invalid_grant` |
//! | token | unknown client, wrong secret, method not registered for the client | 401 | problem+json, `Unauthorized` | `invalid_client` |
//! | token | any of those with `Authorization: Basic`, or a malformed `Authorization` | 401 | problem+json, plus `WWW-Authenticate: Basic realm="<issuer>"` | `invalid_client` |
//! | any | store full or unreachable | 503 | problem+json, `Service Unavailable` | `temporarily_unavailable` |
//! | bearer | no `Authorization: Bearer` | 401 | `WWW-Authenticate: Bearer` | |
//! | bearer | token refused | 401 | `WWW-Authenticate: Bearer error="invalid_token"` | |
//! | bearer | generic token on a user-only resource | 403 | `WWW-Authenticate: Bearer error="insufficient_scope"` | |
//! | bearer | token without a scope the resource requires ([`check_bearer_with_scopes`]) | 403 | `WWW-Authenticate: Bearer error="insufficient_scope", scope="<every required name>"` | |
//! | bearer | store unreachable | 503 | empty (the token is neither accepted nor blamed) | |
//!
//! Text bodies are `text/plain; charset=utf-8`; problem bodies are
//! `application/problem+json; charset=utf-8` with a fresh W3C `traceId`; the
//! success body is `application/json; charset=utf-8`. Every authorize and token
//! answer carries `Cache-Control: no-store` (RFC 6749 §5.1).
//!
//! # Decisions
//! - Parameters are form-urlencoded (query and form body) or a JSON object of
//!   strings (body with `application/json`). A repeated parameter, an invalid
//!   percent escape or invalid UTF-8, or a non-string JSON value is malformed.
//!   Unknown parameters are ignored; `grant_type`, if sent, must be
//!   `authorization_code` (the default) or `refresh_token`.
//! - Client authentication (Basic, body, or `none` + PKCE) and its answers are
//!   decided in one place, `client_auth` (its decisions are repeated here):
//!   an `Authorization` header of any scheme is an attempt at Basic; Basic
//!   credentials are form-urldecoded after base64 (RFC 6749 §2.3.1); Basic
//!   beside a body `client_secret` is two methods, refused; a body `client_id`
//!   beside Basic must name the same client. The header is bounded
//!   ([`MAX_CLIENT_AUTHORIZATION_LEN`]) before it is decoded. Brute force
//!   (rate limits, lockouts) is the host's job.
//! - `Accept` decides text or JSON for the text bodies only: the pages' readers
//!   (browsers, curl: `*/*` or nothing) keep the documented text; OAuth client
//!   libraries (`Accept: application/json`) get RFC 6749 §5.2 JSON. On equal
//!   weights JSON wins only when named more specifically than text.
//! - Errors found once the client and its redirect URI are trusted redirect
//!   (RFC 6749 §4.1.2.1) with `error`, a fixed `error_description` and `state`
//!   (unless `state` itself was repeated). Before that, and for an unknown
//!   `userid` (as the pages document), the answer is direct and never a
//!   redirect. `response_type` may be absent (the pages never send it) or `code`.
//! - Consent and its sealed tickets: see [`PendingAuthorization`] and the
//!   decisions in the `consent` module (written here too): a ticket is an
//!   HMAC under the code key over the pending request, single use through the
//!   ledger, [`IssuerConfig::ticket_ttl`] long, bounded by [`MAX_TICKET_LEN`].
//! - Scopes (RFC 6749 §3.3): checked against the registry (the client's
//!   `scopes`, a user's `scopes`), the client's `default_scopes` when none is
//!   sent, bound into the code and the ticket, carried as the token's `scope`
//!   claim and the response's `scope`; see [`crate::scope`] for every decision.
//!   A client without registered scopes gets none, and its answers are
//!   AIRisk's, byte for byte.
//! - Custom claims are added by the host when it approves
//!   ([`Issuer::approve_with_claims_at`]); the code carries them to the token.
//! - An empty value counts as absent (so `userid=` asks for a generic token).
//!   `state` is returned whenever it was sent, even empty.
//! - PKCE: `code_challenge` with `code_challenge_method=S256` only; a challenge
//!   without the method, another method, or a method without a challenge is a
//!   bad request. Public clients must send one. A `code_verifier` sent for a
//!   code issued without a challenge is refused (RFC 9700 §4.8.2).
//! - A second redemption of a code is refused and revokes the token issued
//!   from it (RFC 6749 §4.1.2): the token's `jti` is derived from the code.
//! - A code replayed **after it expired** is refused as [`Error::CodeExpired`]
//!   and does **not** revoke its token (RFC 6749 §4.1.2 says SHOULD). Deciding
//!   it would need the ledger to remember every redeemed code until its token
//!   expires (`token_ttl`, an hour by default) instead of until the code does
//!   (`code_ttl`, a minute): 60 times the entries, in memory or in Redis, for
//!   every code, to catch a replay that has already failed. A replay within
//!   the code's life, the case an attacker racing the client creates, revokes.
//! - A code issued later than the token endpoint's clock (its issue time being
//!   its expiry minus this issuer's `code_ttl`) by more than [`CODE_CLOCK_LEEWAY`]
//!   is refused as [`Error::NotYetValid`] ("Invalid Code"), so instances whose
//!   clocks disagree fail visibly instead of stretching codes' lives. Lowering
//!   `code_ttl` refuses the codes issued under the longer one until they expire.
//! - Bounds: a query of at most 8 KiB, a token body of at most 16 KiB, each
//!   parameter to its documented length; larger input is refused before decoding.
//!   At most [`MAX_PARAMS`] parameters: the 33rd refuses the request as
//!   [`Error::RequestTooLarge`] (400), before any client is looked up, so a flood
//!   of short names costs no more than a request of the same size with one.
//!
//! ```
//! use airisk_auth::prelude::*;
//! use std::sync::Arc;
//!
//! let mut registry = MemoryRegistry::new();
//! registry.add_client(Client::new("abc123", "s3cret", "https://localhost/callback")?)?;
//! registry.add_user(User::new("user_42", Some("acme"))?)?;
//! let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
//! let issuer = Issuer::new(IssuerConfig::new("https://airisk.example"), keys, CodeKey::generate()?, Arc::new(registry), Arc::new(MemoryStore::default()))?;
//!
//! let now = 1_743_423_132;
//! let answer = issuer.authorize_at("client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42&state=xyz", now);
//! assert_eq!(answer.status, 302);
//! let location = answer.header("Location").unwrap();
//! let code = location.split("code=").nth(1).unwrap().split('&').next().unwrap();
//!
//! let body = format!("client_id=abc123&client_secret=s3cret&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code={code}&userid=user_42");
//! let request = Request::new(Some("application/x-www-form-urlencoded"), body.as_bytes());
//! let answer = issuer.exchange_at(&request, now + 5);
//! assert_eq!(answer.status, 200);
//! assert!(answer.body.contains("\"expiration\":\"2025-03-31T13:12:17Z\""));
//! # Ok::<(), airisk_auth::Error>(())
//! ```

mod answer;
mod authorize;
mod bearer;
mod client_auth;
mod consent;
mod grant;
mod introspect;
mod jwks;
mod metadata;
mod params;
mod refresh;
mod request;
mod response;
mod revoke;
#[cfg(test)]
mod tests;
mod token;

pub use answer::OAuthError;
pub use bearer::{
    check_bearer, check_bearer_at, check_bearer_with, check_bearer_with_scopes,
    check_bearer_with_scopes_at, explain_bearer_at, Access,
};
pub use client_auth::MAX_CLIENT_AUTHORIZATION_LEN;
pub use consent::{PendingAuthorization, MAX_TICKET_LEN};
pub use jwks::JWKS_MAX_AGE;
pub use metadata::{EndpointPaths, WELL_KNOWN};
pub use request::{Request, MAX_ACCEPT_LEN};
pub use response::Response;

use crate::clock::{Clock, SystemClock};
use crate::code::{CodeKey, DEFAULT_CODE_TTL, MAX_CODE_TTL};
use crate::diagnostic::SettingError;
use crate::error::{Error, Result};
use crate::keys::KeySet;
use crate::random::{Random, SystemRandom};
use crate::refresh::RefreshLifetimes;
use crate::registry::Registry;
use crate::store::Store;
use crate::token::{Policy, Verifier};
use core::fmt;
use std::sync::Arc;

/// The largest authorization query accepted, in bytes.
pub const MAX_QUERY_LEN: usize = 8 * 1024;
/// The largest token request body accepted, in bytes.
pub const MAX_BODY_LEN: usize = 16 * 1024;
/// The most parameters a query or token request body may hold (names, each
/// counted once): a flow needs at most eight, and a request of thousands of
/// short names is refused before anything else of it is checked.
pub const MAX_PARAMS: usize = 32;
/// How far ahead of the token endpoint's clock a code's issue time may be, in
/// seconds (instances' clocks differ a little): a code issued later than that,
/// by the token endpoint's clock, is refused as [`Error::NotYetValid`].
pub const CODE_CLOCK_LEEWAY: u64 = 30;
/// The longest `state` accepted, in bytes.
pub const MAX_STATE_LEN: usize = 2048;
/// The default access-token lifetime, in seconds.
pub const DEFAULT_TOKEN_TTL: u64 = 3600;
/// The longest access-token lifetime accepted, in seconds.
pub const MAX_TOKEN_TTL: u64 = 86_400;
/// The default lifetime of a consent ticket, in seconds (time to log in and decide).
pub const DEFAULT_TICKET_TTL: u64 = 600;
/// The longest consent-ticket lifetime accepted, in seconds.
pub const MAX_TICKET_TTL: u64 = 3600;

/// Settings of an [`Issuer`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IssuerConfig {
    /// The `iss` of every token, and what the verifier expects.
    pub issuer: String,
    /// The `aud` of every token, if any.
    pub audience: Option<String>,
    /// Code lifetime in seconds: 1 to 600, default 60.
    pub code_ttl: u64,
    /// Token lifetime in seconds: 60 to 86 400, default 3600.
    pub token_ttl: u64,
    /// Consent-ticket lifetime in seconds: 1 to 3600, default 600.
    pub ticket_ttl: u64,
    /// Where the endpoints are served below `issuer`, for the metadata document.
    pub endpoints: EndpointPaths,
    /// Lifetimes of refresh tokens, for clients registered to receive them.
    pub refresh: RefreshLifetimes,
}

impl IssuerConfig {
    /// Defaults for `issuer`.
    #[must_use]
    pub fn new(issuer: &str) -> Self {
        IssuerConfig {
            issuer: issuer.to_owned(),
            audience: None,
            code_ttl: DEFAULT_CODE_TTL,
            token_ttl: DEFAULT_TOKEN_TTL,
            ticket_ttl: DEFAULT_TICKET_TTL,
            endpoints: EndpointPaths::default(),
            refresh: RefreshLifetimes::default(),
        }
    }

    /// Checks every setting, naming the first one out of its range (what
    /// [`Issuer::new`] refuses as [`Error::InvalidConfiguration`]).
    ///
    /// ```
    /// use airisk_auth::flow::IssuerConfig;
    /// let mut config = IssuerConfig::new("https://airisk.example");
    /// config.token_ttl = 10;
    /// let e = config.check().unwrap_err();
    /// assert_eq!(e.setting, "token_ttl");
    /// assert_eq!(e.to_string(), "the setting `token_ttl` is out of its allowed range: 60 to 86400");
    /// ```
    ///
    /// # Errors
    /// A [`SettingError`] naming the setting and what it allows.
    pub fn check(&self) -> core::result::Result<(), SettingError> {
        if self.issuer.is_empty() {
            return Err(SettingError::rule("issuer", "a non-empty string"));
        }
        if !(1..=MAX_CODE_TTL).contains(&self.code_ttl) {
            return Err(SettingError::range("code_ttl", 1, MAX_CODE_TTL));
        }
        if !(60..=MAX_TOKEN_TTL).contains(&self.token_ttl) {
            return Err(SettingError::range("token_ttl", 60, MAX_TOKEN_TTL));
        }
        if !(1..=MAX_TICKET_TTL).contains(&self.ticket_ttl) {
            return Err(SettingError::range("ticket_ttl", 1, MAX_TICKET_TTL));
        }
        if self.audience.as_deref().is_some_and(str::is_empty) {
            return Err(SettingError::rule(
                "audience",
                "absent or a non-empty string",
            ));
        }
        if !self.endpoints.is_valid() {
            return Err(SettingError::rule(
                "endpoints",
                "paths starting with `/`, of at most 512 bytes, not the metadata's own",
            ));
        }
        if !self.refresh.is_valid() {
            return Err(SettingError::rule(
                "refresh",
                "lifetimes with 60 s <= idle <= absolute <= 365 days",
            ));
        }
        Ok(())
    }
}

/// The authorization server: serves both AIRisk endpoints.
///
/// Thread-safe; build once and share.
pub struct Issuer {
    config: IssuerConfig,
    keys: Arc<KeySet>,
    code_key: CodeKey,
    registry: Arc<dyn Registry>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
}

impl fmt::Debug for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issuer")
            .field("config", &self.config)
            .field("keys", &self.keys)
            .field("code_key", &self.code_key)
            .field("registry", &self.registry)
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Issuer {
    /// An issuer on `store` (single use and revocation: a [`crate::store::MemoryStore`]
    /// for one process, a shared store for several), the system clock and the OS CSPRNG.
    ///
    /// # Errors
    /// [`Error::InvalidConfiguration`] for settings out of range; [`Error::NoSigningKey`].
    pub fn new(
        config: IssuerConfig,
        keys: Arc<KeySet>,
        code_key: CodeKey,
        registry: Arc<dyn Registry>,
        store: Arc<dyn Store>,
    ) -> Result<Self> {
        config.check().map_err(Error::from)?;
        keys.active()?;
        Ok(Issuer {
            config,
            keys,
            code_key,
            registry,
            store,
            clock: Arc::new(SystemClock),
            random: Arc::new(SystemRandom),
        })
    }

    /// Uses `clock` for the methods without `_at`.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Uses `random` for code ids and trace ids (the OS CSPRNG by default).
    #[must_use]
    pub fn with_random(mut self, random: Arc<dyn Random>) -> Self {
        self.random = random;
        self
    }

    /// The settings.
    #[must_use]
    pub fn config(&self) -> &IssuerConfig {
        &self.config
    }

    /// The store this issuer redeems codes and revokes tokens in.
    #[must_use]
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// A verifier for this issuer's tokens: same keys, issuer, audience, clock and store.
    #[must_use]
    pub fn verifier(&self) -> Verifier {
        let mut policy = Policy::new(&self.config.issuer);
        if let Some(aud) = &self.config.audience {
            policy = policy.with_audience(aud);
        }
        Verifier::new(self.keys.clone(), policy)
            .with_clock(self.clock.clone())
            .with_store(self.store.clone())
    }
}
