//! The AIRisk endpoints, sans-IO: request parts in, a complete HTTP answer out.
//!
//! - [`Issuer::authorize`] is `GET /api/oauth2` (pass the raw query string);
//! - [`Issuer::exchange`] is `POST /api/oauth2/Token` (pass the `Content-Type`
//!   header and the raw body);
//! - [`check_bearer`] guards a protected resource (pass the `Authorization` header).
//!
//! Each returns a [`Response`] to send as it is: status, headers, body. A
//! failed response also carries the precise [`Error`] in
//! [`Response::reason`] for logs; the body never says which check failed.
//!
//! # Answers (docs/PROTOCOL.md)
//! | endpoint | case | status | body |
//! |---|---|---|---|
//! | authorize | success | 302 | empty; `Location: {redirect_uri}?code=…[&state=…]` |
//! | authorize | missing / repeated / malformed parameter, bad PKCE | 400 | problem+json, `Bad Request` |
//! | authorize | unknown client, unregistered redirect URI, unknown user | 401 | problem+json, `Unauthorized` |
//! | token | success | 200 | `{"access_token","expiration","token_type":"Bearer","expires_in"}` |
//! | token | `client_id` / `client_secret` / `redirect_uri` missing | 400 | `Invalid client_id` / `Invalid client_secret` / `Invalid redirect_uri` |
//! | token | `code` missing, invalid, expired, used, or bound otherwise (client, URI, userid, PKCE) | 400 | `Invalid Code` |
//! | token | body unparsable, repeated parameter, unsupported content type or grant | 400 | `Invalid request` |
//! | token | unknown client, wrong secret | 401 | problem+json, `Unauthorized` |
//! | any | ledger full or unreachable | 503 | problem+json, `Service Unavailable` |
//! | bearer | no `Authorization: Bearer` | 401 | `WWW-Authenticate: Bearer` |
//! | bearer | token refused | 401 | `WWW-Authenticate: Bearer error="invalid_token"` |
//! | bearer | generic token on a user-only resource | 403 | `WWW-Authenticate: Bearer error="insufficient_scope"` |
//! | bearer | revocation list unreachable | 503 | empty (the token is neither accepted nor blamed) |
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
//!   Unknown parameters are ignored; `grant_type`, if sent, must be `authorization_code`.
//! - An empty value counts as absent (so `userid=` asks for a generic token).
//!   `state` is returned whenever it was sent, even empty.
//! - PKCE: `code_challenge` with `code_challenge_method=S256` only; a challenge
//!   without the method, another method, or a method without a challenge is a
//!   bad request. Public clients must send one. A `code_verifier` sent for a
//!   code issued without a challenge is refused (RFC 9700 §4.8.2).
//! - A second redemption of a code is refused and revokes the token issued
//!   from it (RFC 6749 §4.1.2): the token's `jti` is derived from the code.
//! - Bounds: a query of at most 8 KiB, a token body of at most 16 KiB, each
//!   parameter to its documented length; larger input is refused before decoding.
//!
//! ```
//! use airisk_auth::prelude::*;
//! use std::sync::Arc;
//!
//! let mut registry = MemoryRegistry::new();
//! registry.add_client(Client::new("abc123", "s3cret", "https://localhost/callback")?)?;
//! registry.add_user(User::new("user_42", Some("acme"))?)?;
//! let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
//! let issuer = Issuer::new(IssuerConfig::new("https://airisk.example"), keys, CodeKey::generate()?, Arc::new(registry))?;
//!
//! let now = 1_743_423_132;
//! let answer = issuer.authorize_at("client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42&state=xyz", now);
//! assert_eq!(answer.status, 302);
//! let location = answer.header("Location").unwrap();
//! let code = location.split("code=").nth(1).unwrap().split('&').next().unwrap();
//!
//! let body = format!("client_id=abc123&client_secret=s3cret&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code={code}&userid=user_42");
//! let answer = issuer.exchange_at(Some("application/x-www-form-urlencoded"), body.as_bytes(), now + 5);
//! assert_eq!(answer.status, 200);
//! assert!(answer.body.contains("\"expiration\":\"2025-03-31T13:12:17Z\""));
//! # Ok::<(), airisk_auth::Error>(())
//! ```

mod authorize;
mod bearer;
mod params;
mod response;
#[cfg(test)]
mod tests;
mod token;

pub use bearer::{check_bearer, check_bearer_at, Access};
pub use response::Response;

use crate::clock::{Clock, SystemClock};
use crate::code::{CodeKey, DEFAULT_CODE_TTL, MAX_CODE_TTL};
use crate::error::{Error, Result};
use crate::keys::KeySet;
use crate::ledger::{MemoryLedger, RedemptionLedger, RevocationList};
use crate::registry::Registry;
use crate::token::{Policy, Verifier};
use core::fmt;
use std::sync::Arc;

/// The largest authorization query accepted, in bytes.
pub const MAX_QUERY_LEN: usize = 8 * 1024;
/// The largest token request body accepted, in bytes.
pub const MAX_BODY_LEN: usize = 16 * 1024;
/// The longest `state` accepted, in bytes.
pub const MAX_STATE_LEN: usize = 2048;
/// The default access-token lifetime, in seconds.
pub const DEFAULT_TOKEN_TTL: u64 = 3600;
/// The longest access-token lifetime accepted, in seconds.
pub const MAX_TOKEN_TTL: u64 = 86_400;

/// Settings of an [`Issuer`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuerConfig {
    /// The `iss` of every token, and what the verifier expects.
    pub issuer: String,
    /// The `aud` of every token, if any.
    pub audience: Option<String>,
    /// Code lifetime in seconds: 1 to 600, default 60.
    pub code_ttl: u64,
    /// Token lifetime in seconds: 60 to 86 400, default 3600.
    pub token_ttl: u64,
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
        }
    }

    fn validate(&self) -> Result<()> {
        if self.issuer.is_empty()
            || !(1..=MAX_CODE_TTL).contains(&self.code_ttl)
            || !(60..=MAX_TOKEN_TTL).contains(&self.token_ttl)
            || self.audience.as_deref().is_some_and(str::is_empty)
        {
            return Err(Error::InvalidConfiguration);
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
    ledger: Arc<dyn RedemptionLedger>,
    revocations: Arc<dyn RevocationList>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issuer")
            .field("config", &self.config)
            .field("keys", &self.keys)
            .field("code_key", &self.code_key)
            .field("registry", &self.registry)
            .field("ledger", &self.ledger)
            .finish_non_exhaustive()
    }
}

impl Issuer {
    /// An issuer with an in-memory ledger (also its revocation list) and the system clock.
    ///
    /// # Errors
    /// [`Error::InvalidConfiguration`] for settings out of range; [`Error::NoSigningKey`].
    pub fn new(
        config: IssuerConfig,
        keys: Arc<KeySet>,
        code_key: CodeKey,
        registry: Arc<dyn Registry>,
    ) -> Result<Self> {
        config.validate()?;
        keys.active()?;
        let ledger = Arc::new(MemoryLedger::default());
        Ok(Issuer {
            config,
            keys,
            code_key,
            registry,
            ledger: ledger.clone(),
            revocations: ledger,
            clock: Arc::new(SystemClock),
        })
    }

    /// Uses `ledger` to record redemptions.
    #[must_use]
    pub fn with_ledger(mut self, ledger: Arc<dyn RedemptionLedger>) -> Self {
        self.ledger = ledger;
        self
    }

    /// Uses `revocations` for replayed codes' tokens (and in [`Issuer::verifier`]).
    #[must_use]
    pub fn with_revocations(mut self, revocations: Arc<dyn RevocationList>) -> Self {
        self.revocations = revocations;
        self
    }

    /// Uses `clock` for the methods without `_at`.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The settings.
    #[must_use]
    pub fn config(&self) -> &IssuerConfig {
        &self.config
    }

    /// A verifier for this issuer's tokens: same keys, issuer, audience, clock and revocations.
    #[must_use]
    pub fn verifier(&self) -> Verifier {
        let mut policy = Policy::new(&self.config.issuer);
        if let Some(aud) = &self.config.audience {
            policy = policy.with_audience(aud);
        }
        Verifier::new(self.keys.clone(), policy)
            .with_clock(self.clock.clone())
            .with_revocations(self.revocations.clone())
    }
}
