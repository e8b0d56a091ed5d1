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
//! # Answers (PROTOCOL.md)
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

use crate::clock::{format_utc, Clock, SystemClock};
use crate::code::{CodeBinding, CodeKey, DEFAULT_CODE_TTL, MAX_CODE_TTL, PKCE_VERIFIER_LEN};
use crate::error::{Error, Result};
use crate::keys::KeySet;
use crate::ledger::{MemoryLedger, Redemption, RedemptionLedger, RevocationList};
use crate::registry::{Registry, MAX_ID_LEN, MAX_REDIRECT_URI_LEN, MAX_SECRET_LEN};
use crate::text::Text;
use crate::token::{Claims, Policy, Verifier};
use core::fmt;
use ring::rand::{SecureRandom, SystemRandom};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::sync::Arc;
use zeroize::Zeroizing;

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

const PROBLEM_CONTENT_TYPE: &str = "application/problem+json; charset=utf-8";
const TEXT_CONTENT_TYPE: &str = "text/plain; charset=utf-8";
const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// A complete HTTP answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty for a redirect or a bearer challenge).
    pub body: String,
    /// For a failure: the precise reason, for logs only (never sent).
    pub reason: Option<Error>,
}

impl Response {
    fn new(status: u16, reason: Option<Error>) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: String::new(),
            reason,
        }
    }

    fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    fn with_body(mut self, content_type: &str, body: String) -> Self {
        self.body = body;
        self.with_header("Content-Type", content_type)
    }

    /// The first header called `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `Content-Type` header, if any.
    #[must_use]
    pub fn content_type(&self) -> Option<&str> {
        self.header("Content-Type")
    }

    /// A problem+json answer (RFC 9457) in the AIRisk shape, with a fresh trace id.
    fn problem(status: u16, reason: Error) -> Self {
        let (section, title) = match status {
            400 => ("15.5.1", "Bad Request"),
            401 => ("15.5.2", "Unauthorized"),
            503 => ("15.6.4", "Service Unavailable"),
            _ => ("15.6.1", "Internal Server Error"),
        };
        let body = format!(
            "{{\"type\":\"https://tools.ietf.org/html/rfc9110#section-{section}\",\"title\":\"{title}\",\"status\":{status},\"traceId\":\"{}\"}}",
            trace_id()
        );
        Response::new(status, Some(reason))
            .with_body(PROBLEM_CONTENT_TYPE, body)
            .with_header("Cache-Control", "no-store")
    }

    fn text(status: u16, body: &str, reason: Error) -> Self {
        Response::new(status, Some(reason))
            .with_body(TEXT_CONTENT_TYPE, body.to_owned())
            .with_header("Cache-Control", "no-store")
    }
}

/// A W3C traceparent string: `00-` 32 hex `-` 16 hex `-00`.
fn trace_id() -> String {
    let mut bytes = [0u8; 24];
    // A failed RNG still yields a well-formed (all-zero) id: the answer must go out.
    let _ = SystemRandom::new().fill(&mut bytes);
    let hex = crate::encoding::hex(&bytes);
    format!("00-{}-{}-00", &hex[..32], &hex[32..])
}

/// Parameters of one request: names and values, decoded, none repeated.
#[derive(Default)]
struct Params<'a>(Vec<(Text<'a>, Text<'a>)>);

impl<'a> Params<'a> {
    fn push(&mut self, name: Text<'a>, value: Text<'a>) -> Result<()> {
        if self.0.iter().any(|(n, _)| n.as_str() == name.as_str()) {
            return Err(Error::DuplicateParameter);
        }
        self.0.push((name, value));
        Ok(())
    }

    /// The value, if present (possibly empty).
    fn raw(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value, if present and not empty.
    fn get(&self, name: &str) -> Option<&str> {
        self.raw(name).filter(|v| !v.is_empty())
    }

    /// Strict `application/x-www-form-urlencoded` (the WHATWG algorithm, minus its
    /// lossy UTF-8 and its tolerance of bad percent escapes).
    fn from_form(input: &'a [u8]) -> Result<Self> {
        let mut params = Params::default();
        for pair in input.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            params.push(form_decode(name)?, form_decode(value)?)?;
        }
        Ok(params)
    }

    fn from_json(input: &'a [u8]) -> Result<Self> {
        let JsonParams(params) =
            serde_json::from_slice(input).map_err(|_| Error::MalformedRequest)?;
        Ok(params)
    }
}

fn form_decode(raw: &[u8]) -> Result<Text<'_>> {
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
        let text = core::str::from_utf8(raw).map_err(|_| Error::MalformedRequest)?;
        return Ok(Text::Borrowed(text));
    }
    // Decoding never grows the text, so this buffer is never reallocated (and
    // no unwiped copy of a secret is left behind).
    let mut bytes = Zeroizing::new(Vec::with_capacity(raw.len()));
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = raw.get(i + 1..i + 3).ok_or(Error::MalformedRequest)?;
                let hex = core::str::from_utf8(hex).map_err(|_| Error::MalformedRequest)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::MalformedRequest);
                }
                bytes.push(u8::from_str_radix(hex, 16).map_err(|_| Error::MalformedRequest)?);
                i += 2;
            }
            b => bytes.push(b),
        }
        i += 1;
    }
    core::str::from_utf8(&bytes).map_err(|_| Error::MalformedRequest)?;
    String::from_utf8(core::mem::take(&mut *bytes))
        .map(|text| Text::Owned(Zeroizing::new(text)))
        .map_err(|_| Error::MalformedRequest)
}

/// A JSON object whose values are all strings and whose members do not repeat.
struct JsonParams<'a>(Params<'a>);

impl<'de> de::Deserialize<'de> for JsonParams<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JsonParams<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut params = Params::default();
                while let Some(name) = map.next_key::<Text<'de>>()? {
                    let value = map.next_value::<Text<'de>>()?;
                    params
                        .push(name, value)
                        .map_err(|_| de::Error::custom("repeated member"))?;
                }
                Ok(JsonParams(params))
            }
        }
        d.deserialize_map(V)
    }
}

/// What a protected resource requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Any valid token: generic or user-specific.
    Any,
    /// A user-specific token.
    User,
}

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

    /// `GET /api/oauth2` at the clock's time. `query` is the raw query string (without `?`).
    #[must_use]
    pub fn authorize(&self, query: &str) -> Response {
        self.authorize_at(query, self.clock.now())
    }

    /// `GET /api/oauth2` at `now`.
    #[must_use]
    pub fn authorize_at(&self, query: &str, now: u64) -> Response {
        match self.try_authorize(query, now) {
            Ok(location) => Response::new(302, None)
                .with_header("Location", location)
                .with_header("Cache-Control", "no-store"),
            Err(e) => Response::problem(authorize_status(e), e),
        }
    }

    fn try_authorize(&self, query: &str, now: u64) -> Result<String> {
        if query.len() > MAX_QUERY_LEN {
            return Err(Error::RequestTooLarge);
        }
        let params = Params::from_form(query.as_bytes())?;
        let client_id = params.get("client_id").ok_or(Error::MissingParameter)?;
        let redirect_uri = params.get("redirect_uri").ok_or(Error::MissingParameter)?;
        let userid = params.get("userid");
        let state = params.raw("state");
        let challenge = params.get("code_challenge");
        let method = params.get("code_challenge_method");
        if client_id.len() > MAX_ID_LEN
            || redirect_uri.len() > MAX_REDIRECT_URI_LEN
            || userid.is_some_and(|u| u.len() > MAX_ID_LEN)
            || state.is_some_and(|s| s.len() > MAX_STATE_LEN)
        {
            return Err(Error::RequestTooLarge);
        }
        match (challenge, method) {
            (None, None) | (Some(_), Some("S256")) => {}
            _ => return Err(Error::UnsupportedPkceMethod),
        }

        let client = self
            .registry
            .client(client_id)?
            .ok_or(Error::UnknownClient)?;
        if !client.allows_redirect_uri(redirect_uri) {
            return Err(Error::InvalidRedirectUri);
        }
        if let Some(userid) = userid {
            self.registry.user(userid)?.ok_or(Error::UnknownUser)?;
        }
        if client.is_public() && challenge.is_none() {
            return Err(Error::PkceRequired);
        }

        let binding = CodeBinding {
            client_id,
            redirect_uri,
            userid,
            code_challenge: challenge,
        };
        let issued = self.code_key.issue(&binding, now, self.config.code_ttl)?;
        let mut location = String::with_capacity(redirect_uri.len() + 100);
        location.push_str(redirect_uri);
        location.push(if redirect_uri.contains('?') { '&' } else { '?' });
        location.push_str("code=");
        location.push_str(&issued.code);
        if let Some(state) = state {
            location.push_str("&state=");
            location.extend(form_urlencoded::byte_serialize(state.as_bytes()));
        }
        Ok(location)
    }

    /// `POST /api/oauth2/Token` at the clock's time.
    #[must_use]
    pub fn exchange(&self, content_type: Option<&str>, body: &[u8]) -> Response {
        self.exchange_at(content_type, body, self.clock.now())
    }

    /// `POST /api/oauth2/Token` at `now`.
    #[must_use]
    pub fn exchange_at(&self, content_type: Option<&str>, body: &[u8], now: u64) -> Response {
        match self.try_exchange(content_type, body, now) {
            Ok(body) => Response::new(200, None)
                .with_body(JSON_CONTENT_TYPE, body)
                .with_header("Cache-Control", "no-store")
                .with_header("Pragma", "no-cache"),
            Err(Refusal::Text(body, e)) => Response::text(400, body, e),
            Err(Refusal::Problem(status, e)) => Response::problem(status, e),
        }
    }

    fn try_exchange(
        &self,
        content_type: Option<&str>,
        body: &[u8],
        now: u64,
    ) -> core::result::Result<String, Refusal> {
        let params =
            token_params(content_type, body).map_err(|e| Refusal::Text("Invalid request", e))?;
        let missing = |field| Refusal::Text(field, Error::MissingParameter);
        let client_id = params
            .get("client_id")
            .ok_or(missing("Invalid client_id"))?;
        let secret = params
            .get("client_secret")
            .ok_or(missing("Invalid client_secret"))?;
        let redirect_uri = params
            .get("redirect_uri")
            .ok_or(missing("Invalid redirect_uri"))?;
        let code = params.get("code").ok_or(missing("Invalid Code"))?;
        let userid = params.get("userid");
        let verifier = params.get("code_verifier");
        if client_id.len() > MAX_ID_LEN || secret.len() > MAX_SECRET_LEN {
            return Err(Refusal::Problem(401, Error::RequestTooLarge));
        }
        if redirect_uri.len() > MAX_REDIRECT_URI_LEN
            || userid.is_some_and(|u| u.len() > MAX_ID_LEN)
            || verifier.is_some_and(|v| v.len() > *PKCE_VERIFIER_LEN.end())
        {
            return Err(Refusal::Text("Invalid Code", Error::RequestTooLarge));
        }

        let client = self
            .registry
            .client(client_id)
            .map_err(Refusal::server)?
            .ok_or(Refusal::Problem(401, Error::UnknownClient))?;
        if !client.check_secret(secret) {
            return Err(Refusal::Problem(401, Error::InvalidClientSecret));
        }

        let invalid_code = |e| Refusal::Text("Invalid Code", e);
        let presented = CodeBinding {
            client_id,
            redirect_uri,
            userid,
            code_challenge: None,
        };
        let checked = self
            .code_key
            .check(code, &presented, verifier, now)
            .map_err(invalid_code)?;
        if !client.allows_redirect_uri(redirect_uri) {
            return Err(invalid_code(Error::InvalidRedirectUri));
        }
        let user = match userid {
            Some(u) => Some(
                self.registry
                    .user(u)
                    .map_err(Refusal::server)?
                    .ok_or(invalid_code(Error::UnknownUser))?,
            ),
            None => None,
        };

        let jti = self.code_key.token_id(&checked.id);
        let ttl = self.config.token_ttl;
        match self
            .ledger
            .redeem(&checked.id, checked.expires_at, now)
            .map_err(Refusal::server)?
        {
            Redemption::First => {}
            Redemption::Replayed => {
                // The token issued on first use cannot outlive code expiry + its lifetime.
                let until = checked.expires_at.saturating_add(ttl);
                let reason = match self.revocations.revoke(&jti, until, now) {
                    Ok(()) => Error::CodeAlreadyRedeemed,
                    Err(e) => e,
                };
                return Err(invalid_code(reason));
            }
        }

        let mut claims = match &user {
            Some(user) => Claims::user(
                &self.config.issuer,
                client_id,
                user.userid(),
                now,
                ttl,
                &jti,
            ),
            None => Claims::generic(&self.config.issuer, client_id, now, ttl, &jti),
        };
        claims.company_id = user
            .as_ref()
            .and_then(|u| u.company_id().map(str::to_owned));
        claims.aud = self.config.audience.iter().cloned().collect();
        let token = self.keys.mint(&claims).map_err(Refusal::server)?;
        let expiration = format_utc(claims.exp).map_err(Refusal::server)?;
        Ok(format!(
            "{{\"access_token\":\"{token}\",\"expiration\":\"{expiration}\",\"token_type\":\"Bearer\",\"expires_in\":{ttl}}}"
        ))
    }
}

/// The parameters of a token request body, bounded, strictly decoded.
fn token_params<'a>(content_type: Option<&str>, body: &'a [u8]) -> Result<Params<'a>> {
    if body.len() > MAX_BODY_LEN {
        return Err(Error::RequestTooLarge);
    }
    let params = match body_kind(content_type) {
        Some(BodyKind::Form) => Params::from_form(body),
        Some(BodyKind::Json) => Params::from_json(body),
        None => Err(Error::UnsupportedContentType),
    }?;
    if params
        .raw("grant_type")
        .is_some_and(|g| g != "authorization_code")
    {
        return Err(Error::MalformedRequest);
    }
    Ok(params)
}

enum Refusal {
    Text(&'static str, Error),
    Problem(u16, Error),
}

impl Refusal {
    fn server(e: Error) -> Self {
        Refusal::Problem(server_status(e), e)
    }
}

fn server_status(e: Error) -> u16 {
    match e {
        Error::LedgerFull | Error::LedgerUnavailable => 503,
        _ => 500,
    }
}

fn authorize_status(e: Error) -> u16 {
    match e {
        Error::MissingParameter
        | Error::DuplicateParameter
        | Error::MalformedRequest
        | Error::RequestTooLarge
        | Error::UnsupportedPkceMethod
        | Error::PkceRequired => 400,
        Error::UnknownClient | Error::InvalidRedirectUri | Error::UnknownUser => 401,
        other => server_status(other),
    }
}

enum BodyKind {
    Form,
    Json,
}

/// The body format named by a `Content-Type`: its media type, case-insensitive,
/// with at most a `charset=utf-8` parameter.
fn body_kind(content_type: Option<&str>) -> Option<BodyKind> {
    let mut parts = content_type?.split(';');
    let media = parts.next()?.trim();
    for param in parts {
        let (name, value) = param.split_once('=')?;
        let value = value.trim().trim_matches('"');
        if !name.trim().eq_ignore_ascii_case("charset") || !value.eq_ignore_ascii_case("utf-8") {
            return None;
        }
    }
    if media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Some(BodyKind::Form)
    } else if media.eq_ignore_ascii_case("application/json") {
        Some(BodyKind::Json)
    } else {
        None
    }
}

/// Checks the `Authorization` header of a request to a protected resource.
///
/// `Ok` holds the verified claims; `Err` holds the 401 or 403 answer to send,
/// with the RFC 6750 `WWW-Authenticate` challenge and the reason for logs.
///
/// ```
/// use airisk_auth::flow::{check_bearer, Access};
/// # use airisk_auth::prelude::*; use std::sync::Arc;
/// # let keys = Arc::new(KeySet::single(Key::generate_hs256("k")?)?);
/// let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
/// let refused = check_bearer(&verifier, None, Access::Any).unwrap_err();
/// assert_eq!(refused.status, 401);
/// assert_eq!(refused.header("WWW-Authenticate"), Some("Bearer"));
/// # Ok::<(), airisk_auth::Error>(())
/// ```
///
/// # Errors
/// The answer to send when the request may not proceed.
#[allow(clippy::result_large_err)] // the Err is the answer itself, sent once per refused request
pub fn check_bearer(
    verifier: &Verifier,
    authorization: Option<&str>,
    access: Access,
) -> core::result::Result<Claims, Response> {
    check_bearer_at(verifier, authorization, access, verifier.now())
}

/// [`check_bearer`] at `now`.
///
/// # Errors
/// The answer to send when the request may not proceed.
#[allow(clippy::result_large_err)]
pub fn check_bearer_at(
    verifier: &Verifier,
    authorization: Option<&str>,
    access: Access,
    now: u64,
) -> core::result::Result<Claims, Response> {
    let Some(token) = authorization.and_then(bearer_token) else {
        return Err(Response::new(401, Some(Error::MissingBearer))
            .with_header("WWW-Authenticate", "Bearer"));
    };
    let insufficient = || {
        Response::new(403, Some(Error::UserTokenRequired))
            .with_header("WWW-Authenticate", "Bearer error=\"insufficient_scope\"")
    };
    match verifier.verify_at(token, now) {
        Ok(claims) if access == Access::User && !claims.user_token => Err(insufficient()),
        Ok(claims) => Ok(claims),
        Err(Error::UserTokenRequired) => Err(insufficient()),
        // The token may be fine: the revocation list could not say. Refuse without
        // blaming the token, so clients retry rather than re-authenticate.
        Err(e @ (Error::LedgerUnavailable | Error::LedgerFull)) => Err(Response::new(503, Some(e))),
        Err(e) => Err(Response::new(401, Some(e))
            .with_header("WWW-Authenticate", "Bearer error=\"invalid_token\"")),
    }
}

/// The token of an `Authorization: Bearer <token>` value (scheme case-insensitive,
/// RFC 9110 §11.1), or `None` for another scheme or no token.
fn bearer_token(header: &str) -> Option<&str> {
    let header = header.trim_matches([' ', '\t']);
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim_start_matches(' ');
    (scheme.eq_ignore_ascii_case("Bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_is_strict() {
        let p = Params::from_form(b"a=1+2&b=%41%42&c&&d=").unwrap();
        assert_eq!(p.get("a"), Some("1 2"));
        assert_eq!(p.get("b"), Some("AB"));
        assert_eq!(p.raw("c"), Some(""));
        assert_eq!(p.get("d"), None);
        assert_eq!(
            Params::from_form(b"a=1&a=2").err(),
            Some(Error::DuplicateParameter)
        );
        assert_eq!(
            Params::from_form(b"a=%4").err(),
            Some(Error::MalformedRequest)
        );
        assert_eq!(
            Params::from_form(b"a=%zz").err(),
            Some(Error::MalformedRequest)
        );
        assert_eq!(
            Params::from_form(b"a=%ff").err(),
            Some(Error::MalformedRequest)
        );
        assert_eq!(
            Params::from_form(b"%61=1&a=2").err(),
            Some(Error::DuplicateParameter)
        );
    }

    #[test]
    fn json_params_are_strings_without_repeats() {
        assert!(Params::from_json(br#"{"a":"1","b":"2"}"#).is_ok());
        for bad in [
            &br#"{"a":"1","a":"2"}"#[..],
            br#"{"a":1}"#,
            br#"{"a":null}"#,
            br#"["a"]"#,
            b"{",
        ] {
            assert!(Params::from_json(bad).is_err());
        }
    }

    #[test]
    fn content_types() {
        assert!(matches!(
            body_kind(Some("application/json")),
            Some(BodyKind::Json)
        ));
        assert!(matches!(
            body_kind(Some("Application/JSON; charset=UTF-8")),
            Some(BodyKind::Json)
        ));
        assert!(matches!(
            body_kind(Some("application/x-www-form-urlencoded;charset=\"utf-8\"")),
            Some(BodyKind::Form)
        ));
        for bad in [
            "text/plain",
            "application/json; charset=latin1",
            "application/json; x=y",
            "",
        ] {
            assert!(body_kind(Some(bad)).is_none(), "{bad}");
        }
        assert!(body_kind(None).is_none());
    }

    #[test]
    fn bearer_header_forms() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }

    #[derive(Debug)]
    struct Unreachable;
    impl RevocationList for Unreachable {
        fn revoke(&self, _: &str, _: u64, _: u64) -> Result<()> {
            Err(Error::LedgerUnavailable)
        }
        fn is_revoked(&self, _: &str, _: u64) -> Result<bool> {
            Err(Error::LedgerUnavailable)
        }
    }

    #[test]
    fn bearer_fails_closed_with_503_when_revocations_are_unreachable() {
        let keys = Arc::new(
            KeySet::single(crate::keys::Key::hs256(Some("k"), &[1; 32]).unwrap()).unwrap(),
        );
        let token = keys
            .mint(&Claims::generic("i", "c", 100, 3600, "j"))
            .unwrap();
        let verifier =
            Verifier::new(keys, Policy::new("i")).with_revocations(Arc::new(Unreachable));
        let answer = check_bearer_at(
            &verifier,
            Some(&format!("Bearer {token}")),
            Access::Any,
            200,
        )
        .unwrap_err();
        assert_eq!(answer.status, 503);
        assert_eq!(answer.reason, Some(Error::LedgerUnavailable));
        assert_eq!(answer.header("WWW-Authenticate"), None);
    }

    #[test]
    fn trace_ids_are_w3c_shaped() {
        let id = trace_id();
        let parts: Vec<_> = id.split('-').collect();
        assert_eq!(parts.len(), 4);
        assert_eq!((parts[0], parts[3]), ("00", "00"));
        assert_eq!((parts[1].len(), parts[2].len()), (32, 16));
        assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
        assert_ne!(trace_id(), id);
    }
}
