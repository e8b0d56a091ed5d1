//! Access tokens: the claims, minting, and strict verification.
//!
//! # Format
//! A compact JWS (RFC 7515) JWT (RFC 7519). Tokens we mint have the header
//! `{"alg":"HS256","typ":"JWT","kid":"…"}` (or `"alg":"EdDSA"`; no `kid` when
//! the key has none) and the claims, in this order:
//!
//! | claim | meaning |
//! |---|---|
//! | `iss` | the issuer (always checked against [`Policy::issuer`]) |
//! | `sub` | the userid for a user token, the client_id for a generic token |
//! | `aud` | optional audience: a string, or an array when there are several |
//! | `client_id` | the APIUser the token was issued to (RFC 9068 §2.2) |
//! | `user_token` | `true` for a user-specific token, `false` for a generic one |
//! | `company_id` | optional: the user's company |
//! | `iat`, `nbf`, `exp` | integer NumericDates; `nbf` optional |
//! | `jti` | unique token id, used for revocation |
//!
//! `user_token` is the explicit marker of docs/PROTOCOL.md §3: a generic token can
//! never pass as a user token, even when some userid equals some client_id.
//! A token without the marker is generic.
//!
//! # Verification (strict by default)
//! In this order, failing at the first problem:
//! 1. the length is checked against [`Policy::max_token_len`] before anything is decoded;
//! 2. exactly three non-empty segments of canonical unpadded base64url;
//! 3. the header: if it is byte-for-byte the header one of our keys mints with,
//!    that key is selected without parsing; otherwise it must be a JSON object
//!    without repeated members, without `crit` (no extension is understood, RFC 7515 §4.1.11),
//!    with `typ` absent or `JWT` / `at+jwt`, and a `kid` that names a key (or no `kid`
//!    and a one-key set). The algorithm is pinned by the key: `alg` must equal it
//!    exactly, so `none`, `HS512`, `hs256` or an HS256 MAC made with a public key are all refused.
//!    `jwk`, `jku`, `x5u`, `x5c` are never used;
//! 4. the signature (constant-time for HMAC), **before** the claims are parsed;
//! 5. the claims: a JSON object without repeated members; NumericDates must be
//!    non-negative JSON integers no later than year 9999 (strings, floats, `null`,
//!    negatives and overflow are malformed, never read as absent);
//! 6. `exp` is required: now ≥ `exp` + leeway is expired; `nbf` and `iat` later than now + leeway
//!    are not yet valid; `iss` must equal the policy's issuer; with a policy audience `aud` must
//!    contain it, and without one a token carrying `aud` is refused (RFC 7519 §4.1.3);
//!    the access-token claims (`sub`, `client_id`, `iat`, `jti`, `user_token`) must be present
//!    unless the policy relaxes that; a user token is required when the policy says so;
//! 7. the token's `jti` is not revoked, when a revocation list is attached.
//!
//! The default leeway is 30 seconds (at most 300); the default maximum token
//! length is 8 KiB (between 64 bytes and 64 KiB).
//!
//! ```
//! use airisk_auth::keys::{Key, KeySet};
//! use airisk_auth::token::{Claims, Policy, Verifier};
//! use std::sync::Arc;
//!
//! let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
//! let claims = Claims::user("https://airisk.example", "abc123", "user_42", 1_000, 3_600, "id-1");
//! let token = keys.mint(&claims)?;
//!
//! let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
//! let verified = verifier.verify_at(&token, 2_000)?;
//! assert_eq!(verified.userid(), Some("user_42"));
//! assert_eq!(verifier.verify_at(&token, 4_600 + 30), Err(airisk_auth::Error::Expired));
//! # Ok::<(), airisk_auth::Error>(())
//! ```

use crate::clock::{Clock, SystemClock, MAX_NUMERIC_DATE};
use crate::encoding::{b64_decode, b64_decode_into, b64_encode};
use crate::error::{Error, Result};
use crate::keys::{Algorithm, Key, KeySet};
use crate::ledger::RevocationList;
use crate::text::Text;
use core::fmt;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The default clock-skew allowance, in seconds.
pub const DEFAULT_LEEWAY: u64 = 30;
/// The largest leeway a policy accepts, in seconds.
pub const MAX_LEEWAY: u64 = 300;
/// The default maximum token length, in bytes.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8 * 1024;
/// The largest maximum token length a policy accepts, in bytes.
pub const MAX_MAX_TOKEN_LEN: usize = 64 * 1024;
/// The smallest maximum token length a policy accepts, in bytes.
pub const MIN_MAX_TOKEN_LEN: usize = 64;
/// The largest payload decoded on the stack; longer ones go to the heap.
const STACK_PAYLOAD_LEN: usize = 1024;

/// The claims of an access token.
///
/// ```
/// use airisk_auth::token::Claims;
/// let generic = Claims::generic("https://airisk.example", "abc123", 1_000, 3_600, "jti-1");
/// assert_eq!(generic.sub.as_deref(), Some("abc123"));
/// assert_eq!(generic.userid(), None);
/// ```
///
/// Its serde form (used by [`Claims::to_json`] and [`Claims::from_json`], the
/// CLI, the C and Python bindings and the test vectors) has every member, in
/// this order, `null` when absent; reading it, only `iss` and `exp` are
/// required and unknown members are refused. (This is *not* the token's own
/// payload, which omits absent members: see [`KeySet::mint`].)
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// `iss`: who issued the token.
    pub iss: String,
    /// `sub`: the userid (user token) or the client_id (generic token).
    #[serde(default)]
    pub sub: Option<String>,
    /// `aud`: the audiences; empty when the token has none.
    #[serde(default)]
    pub aud: Vec<String>,
    /// `client_id`: the client the token was issued to.
    #[serde(default)]
    pub client_id: Option<String>,
    /// `user_token`: whether the token acts on behalf of a user.
    #[serde(default)]
    pub user_token: bool,
    /// `company_id`: the user's company, if known.
    #[serde(default)]
    pub company_id: Option<String>,
    /// `iat`: issued at, Unix seconds.
    #[serde(default)]
    pub iat: Option<u64>,
    /// `nbf`: not before, Unix seconds.
    #[serde(default)]
    pub nbf: Option<u64>,
    /// `exp`: expires at, Unix seconds.
    pub exp: u64,
    /// `jti`: the token's unique id.
    #[serde(default)]
    pub jti: Option<String>,
}

impl Claims {
    /// Claims of a generic (application) token: `sub` is the client_id.
    #[must_use]
    pub fn generic(iss: &str, client_id: &str, iat: u64, ttl: u64, jti: &str) -> Self {
        Claims {
            iss: iss.to_owned(),
            sub: Some(client_id.to_owned()),
            aud: Vec::new(),
            client_id: Some(client_id.to_owned()),
            user_token: false,
            company_id: None,
            iat: Some(iat),
            nbf: None,
            exp: iat.saturating_add(ttl),
            jti: Some(jti.to_owned()),
        }
    }

    /// Claims of a user-specific token: `sub` is the userid.
    #[must_use]
    pub fn user(iss: &str, client_id: &str, userid: &str, iat: u64, ttl: u64, jti: &str) -> Self {
        Claims {
            sub: Some(userid.to_owned()),
            user_token: true,
            ..Self::generic(iss, client_id, iat, ttl, jti)
        }
    }

    /// The userid this token acts for: `sub` of a user token, `None` for a generic token.
    #[must_use]
    pub fn userid(&self) -> Option<&str> {
        if self.user_token {
            self.sub.as_deref()
        } else {
            None
        }
    }

    /// The JSON text shared by the CLI, the C and Python bindings and the test
    /// vectors: compact, every member present, in this fixed order, `null` when absent.
    ///
    /// ```
    /// use airisk_auth::token::Claims;
    /// let c = Claims::generic("https://airisk.example", "abc123", 1_000, 60, "j");
    /// assert_eq!(c.to_json(), r#"{"iss":"https://airisk.example","sub":"abc123","aud":[],"client_id":"abc123","user_token":false,"company_id":null,"iat":1000,"nbf":null,"exp":1060,"jti":"j"}"#);
    /// ```
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads the JSON text of [`Claims::to_json`] (absent optional members allowed).
    ///
    /// # Errors
    /// [`Error::InvalidClaims`] for anything else.
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|_| Error::InvalidClaims)
    }

    fn check_mintable(&self) -> Result<()> {
        let dates = [self.iat, self.nbf, Some(self.exp)];
        if dates.iter().flatten().any(|&d| d > MAX_NUMERIC_DATE)
            || self.iat.is_some_and(|iat| iat >= self.exp)
            || self.nbf.is_some_and(|nbf| nbf >= self.exp)
            || (self.user_token && self.sub.as_deref().is_none_or(str::is_empty))
        {
            return Err(Error::InvalidClaims);
        }
        Ok(())
    }
}

#[derive(serde::Serialize)]
struct ClaimsOut<'a> {
    iss: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<AudOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<&'a str>,
    user_token: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nbf: Option<u64>,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    jti: Option<&'a str>,
}

#[derive(serde::Serialize)]
#[serde(untagged)]
enum AudOut<'a> {
    One(&'a str),
    Many(&'a [String]),
}

impl KeySet {
    /// Signs `claims` with the active key into a compact JWS.
    ///
    /// # Errors
    /// [`Error::NoSigningKey`]; [`Error::InvalidClaims`] when `exp` is not after
    /// `iat`/`nbf`, a date is past year 9999, or a user token has no `sub`.
    pub fn mint(&self, claims: &Claims) -> Result<String> {
        claims.check_mintable()?;
        let key = self.active()?;
        let out = ClaimsOut {
            iss: &claims.iss,
            sub: claims.sub.as_deref(),
            aud: match claims.aud.as_slice() {
                [] => None,
                [one] => Some(AudOut::One(one)),
                many => Some(AudOut::Many(many)),
            },
            client_id: claims.client_id.as_deref(),
            user_token: claims.user_token,
            company_id: claims.company_id.as_deref(),
            iat: claims.iat,
            nbf: claims.nbf,
            exp: claims.exp,
            jti: claims.jti.as_deref(),
        };
        let payload = serde_json::to_vec(&out).map_err(|_| Error::InvalidClaims)?;
        sign_compact(key, key.encoded_header().as_bytes(), &payload)
    }
}

/// Builds `header.payload.signature` from an already-encoded header and a raw payload.
fn sign_compact(key: &Key, encoded_header: &[u8], payload: &[u8]) -> Result<String> {
    let mut token = String::with_capacity(encoded_header.len() + payload.len() * 4 / 3 + 90);
    token.push_str(core::str::from_utf8(encoded_header).map_err(|_| Error::InvalidClaims)?);
    token.push('.');
    token.push_str(&b64_encode(payload));
    let signature = key.sign(token.as_bytes())?;
    token.push('.');
    token.push_str(&b64_encode(&signature));
    Ok(token)
}

/// Signs an arbitrary JWS: `header_json` and `payload` are encoded as given.
/// For interoperability tests and RFC examples; services use [`KeySet::mint`].
///
/// # Errors
/// [`Error::NoSigningKey`] for a verify-only key.
pub fn sign_jws(key: &Key, header_json: &[u8], payload: &[u8]) -> Result<String> {
    sign_compact(key, b64_encode(header_json).as_bytes(), payload)
}

/// What a verifier accepts. Built once and reused.
///
/// ```
/// use airisk_auth::token::Policy;
/// let policy = Policy::new("https://airisk.example")
///     .with_audience("airisk-api")
///     .with_leeway(10)?
///     .require_user(true);
/// assert_eq!(policy.leeway(), 10);
/// # Ok::<(), airisk_auth::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    issuer: String,
    audience: Option<String>,
    leeway: u64,
    max_token_len: usize,
    require_user: bool,
    require_access_claims: bool,
}

impl Policy {
    /// A strict policy for tokens issued by `issuer`.
    #[must_use]
    pub fn new(issuer: &str) -> Self {
        Policy {
            issuer: issuer.to_owned(),
            audience: None,
            leeway: DEFAULT_LEEWAY,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            require_user: false,
            require_access_claims: true,
        }
    }

    /// Requires `aud` to contain `audience`.
    #[must_use]
    pub fn with_audience(mut self, audience: &str) -> Self {
        self.audience = Some(audience.to_owned());
        self
    }

    /// Sets the clock-skew allowance.
    ///
    /// # Errors
    /// [`Error::InvalidConfiguration`] above [`MAX_LEEWAY`].
    pub fn with_leeway(mut self, seconds: u64) -> Result<Self> {
        if seconds > MAX_LEEWAY {
            return Err(Error::InvalidConfiguration);
        }
        self.leeway = seconds;
        Ok(self)
    }

    /// Sets the maximum token length, checked before any decoding.
    ///
    /// # Errors
    /// [`Error::InvalidConfiguration`] outside [`MIN_MAX_TOKEN_LEN`]..=[`MAX_MAX_TOKEN_LEN`].
    pub fn with_max_token_len(mut self, bytes: usize) -> Result<Self> {
        if !(MIN_MAX_TOKEN_LEN..=MAX_MAX_TOKEN_LEN).contains(&bytes) {
            return Err(Error::InvalidConfiguration);
        }
        self.max_token_len = bytes;
        Ok(self)
    }

    /// Whether only user-specific tokens are accepted.
    #[must_use]
    pub fn require_user(mut self, required: bool) -> Self {
        self.require_user = required;
        self
    }

    /// Whether `sub`, `client_id`, `iat`, `jti` and `user_token` must be present
    /// (the default). Turn off only to verify plain JWTs from other issuers.
    #[must_use]
    pub fn require_access_token_claims(mut self, required: bool) -> Self {
        self.require_access_claims = required;
        self
    }

    /// The expected issuer.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// The expected audience, if any.
    #[must_use]
    pub fn audience(&self) -> Option<&str> {
        self.audience.as_deref()
    }
    /// The leeway in seconds.
    #[must_use]
    pub fn leeway(&self) -> u64 {
        self.leeway
    }
    /// The maximum token length in bytes.
    #[must_use]
    pub fn max_token_len(&self) -> usize {
        self.max_token_len
    }
    /// Whether a user token is required.
    #[must_use]
    pub fn requires_user(&self) -> bool {
        self.require_user
    }
    /// Whether the access-token claims must be present.
    #[must_use]
    pub fn requires_access_token_claims(&self) -> bool {
        self.require_access_claims
    }
}

/// Verifies tokens: a key set, a policy, a clock and an optional revocation list.
/// Cheap to share (`Send + Sync`); build once, verify from any thread.
#[derive(Clone)]
pub struct Verifier {
    keys: Arc<KeySet>,
    policy: Policy,
    clock: Arc<dyn Clock>,
    revocations: Option<Arc<dyn RevocationList>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("keys", &self.keys)
            .field("policy", &self.policy)
            .field("clock", &self.clock)
            .field("revocations", &self.revocations.is_some())
            .finish()
    }
}

impl Verifier {
    /// A verifier on the system clock, without a revocation list.
    #[must_use]
    pub fn new(keys: Arc<KeySet>, policy: Policy) -> Self {
        Verifier {
            keys,
            policy,
            clock: Arc::new(SystemClock),
            revocations: None,
        }
    }

    /// Uses `clock` for [`Verifier::verify`].
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Refuses tokens whose `jti` is in `revocations` (fails closed when it errs).
    #[must_use]
    pub fn with_revocations(mut self, revocations: Arc<dyn RevocationList>) -> Self {
        self.revocations = Some(revocations);
        self
    }

    /// The policy.
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The key set.
    #[must_use]
    pub fn keys(&self) -> &Arc<KeySet> {
        &self.keys
    }

    /// The clock's current time.
    #[must_use]
    pub fn now(&self) -> u64 {
        self.clock.now()
    }

    /// Verifies `token` at the clock's current time.
    ///
    /// # Errors
    /// The first rule broken, as listed in the [module docs](self).
    pub fn verify(&self, token: &str) -> Result<Claims> {
        self.verify_at(token, self.clock.now())
    }

    /// Verifies `token` at `now` (Unix seconds).
    ///
    /// # Errors
    /// The first rule broken, as listed in the [module docs](self).
    pub fn verify_at(&self, token: &str, now: u64) -> Result<Claims> {
        // A closure, not the method path: `finish` must accept claims of any lifetime.
        #[allow(clippy::redundant_closure_for_method_calls)]
        self.verify_then(token, now, |raw| raw.into_owned())
    }

    /// Verifies `token` at `now` and lends its claims to `read`, without
    /// copying them out of the decoded token: the hot path for a service that
    /// needs only a field or two (the userid, say). Same checks, same errors,
    /// as [`Verifier::verify_at`].
    ///
    /// ```
    /// # use airisk_auth::keys::{Key, KeySet};
    /// # use airisk_auth::token::{Claims, Policy, Verifier};
    /// # use std::sync::Arc;
    /// # let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
    /// # let token = keys.mint(&Claims::user("https://airisk.example", "abc123", "user_42", 1_000, 3_600, "id-1"))?;
    /// let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
    /// let is_42 = verifier.verify_with(&token, 2_000, |claims| claims.userid() == Some("user_42"))?;
    /// assert!(is_42);
    /// # Ok::<(), airisk_auth::Error>(())
    /// ```
    ///
    /// # Errors
    /// The first rule broken, as listed in the [module docs](self).
    pub fn verify_with<R>(
        &self,
        token: &str,
        now: u64,
        read: impl FnOnce(&ClaimsRef<'_>) -> R,
    ) -> Result<R> {
        self.verify_then(token, now, |raw| read(&ClaimsRef(&raw)))
    }

    /// Every check of a verification; `finish` turns the accepted claims,
    /// still borrowed from the decoded payload, into the caller's result.
    fn verify_then<R>(
        &self,
        token: &str,
        now: u64,
        finish: impl FnOnce(RawClaims<'_>) -> R,
    ) -> Result<R> {
        if token.len() > self.policy.max_token_len {
            return Err(Error::TokenTooLarge);
        }
        let (header, payload, signature) = split_compact(token)?;
        let key = match self.keys.by_encoded_header(header) {
            Some(key) => key,
            None => self.select_key_by_header(header)?,
        };

        let alg = key.algorithm();
        let mut sig = [0u8; 64];
        let sig_len = b64_decode_into(signature, &mut sig).ok_or(Error::MalformedToken)?;
        if sig_len != alg.signature_len() {
            return Err(Error::InvalidSignature);
        }
        let signing_input = &token.as_bytes()[..header.len() + 1 + payload.len()];
        key.verify(signing_input, &sig[..sig_len])?;

        let mut stack = [0u8; STACK_PAYLOAD_LEN];
        let heap;
        let claims_json: &[u8] = match b64_decode_into(payload, &mut stack) {
            Some(n) => &stack[..n],
            None if payload.len() > STACK_PAYLOAD_LEN => {
                heap = b64_decode(payload).ok_or(Error::MalformedToken)?;
                &heap
            }
            None => return Err(Error::MalformedToken),
        };
        let claims = parse_claims(claims_json)?;
        self.check_claims(&claims, now)?;
        if let (Some(list), Some(jti)) = (&self.revocations, claims.jti.as_deref()) {
            if list.is_revoked(jti, now)? {
                return Err(Error::TokenRevoked);
            }
        }
        Ok(finish(claims))
    }

    fn select_key_by_header(&self, encoded_header: &[u8]) -> Result<&Key> {
        let json = b64_decode(encoded_header).ok_or(Error::MalformedToken)?;
        let header = parse_header(&json)?;
        if header.crit {
            return Err(Error::CriticalHeader);
        }
        let alg = header
            .alg
            .as_deref()
            .and_then(Algorithm::from_name)
            .ok_or(Error::AlgorithmMismatch)?;
        if let Some(typ) = header.typ.as_deref() {
            // RFC 7515 §4.1.9 suggests case-insensitive comparison of media types.
            if !typ.eq_ignore_ascii_case("JWT") && !typ.eq_ignore_ascii_case("at+jwt") {
                return Err(Error::WrongTokenType);
            }
        }
        let key = self.keys.select(header.kid.as_deref())?;
        if key.algorithm() != alg {
            return Err(Error::AlgorithmMismatch);
        }
        Ok(key)
    }

    fn check_claims(&self, c: &RawClaims<'_>, now: u64) -> Result<()> {
        let p = &self.policy;
        let exp = c.exp.ok_or(Error::MissingClaim)?;
        if p.require_access_claims
            && (c.sub.is_none()
                || c.client_id.is_none()
                || c.iat.is_none()
                || c.jti.is_none()
                || c.user_token.is_none())
        {
            return Err(Error::MissingClaim);
        }
        if c.user_token == Some(true) && c.sub.as_deref().is_none_or(str::is_empty) {
            return Err(Error::MissingClaim);
        }
        if now >= exp.saturating_add(p.leeway) {
            return Err(Error::Expired);
        }
        let horizon = now.saturating_add(p.leeway);
        if c.nbf.is_some_and(|nbf| nbf > horizon) || c.iat.is_some_and(|iat| iat > horizon) {
            return Err(Error::NotYetValid);
        }
        if c.iss.as_deref() != Some(p.issuer.as_str()) {
            return Err(Error::InvalidIssuer);
        }
        match (&p.audience, &c.aud) {
            (None, None) => {}
            (Some(want), Some(aud)) if aud.contains(want) => {}
            _ => return Err(Error::InvalidAudience),
        }
        if p.require_user && c.user_token != Some(true) {
            return Err(Error::UserTokenRequired);
        }
        Ok(())
    }
}

/// Splits a compact JWS into its three segments: exactly two dots, no empty segment.
#[inline]
fn split_compact(token: &str) -> Result<(&[u8], &[u8], &[u8])> {
    // `str::split_once(char)` searches with the standard library's word-at-a-time
    // memchr: the scan covers the whole token on every verification, and a
    // byte-by-byte loop cost up to a tenth of a verify (BENCHMARKS.md).
    let (header, rest) = token.split_once('.').ok_or(Error::MalformedToken)?;
    let (payload, signature) = rest.split_once('.').ok_or(Error::MalformedToken)?;
    if header.is_empty() || payload.is_empty() || signature.is_empty() || signature.contains('.') {
        return Err(Error::MalformedToken);
    }
    Ok((header.as_bytes(), payload.as_bytes(), signature.as_bytes()))
}

// ---------------------------------------------------------------------------
// Strict JSON: objects whose members may not repeat, borrowed where possible.

/// A NumericDate: a non-negative JSON integer no later than [`MAX_NUMERIC_DATE`].
struct NumericDate(u64);

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NumericDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer NumericDate")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> core::result::Result<Self::Value, E> {
                if v > MAX_NUMERIC_DATE {
                    return Err(E::custom("date out of range"));
                }
                Ok(NumericDate(v))
            }
        }
        // Only visit_u64 is implemented: i64 (negative), f64, strings, null, bool all fail.
        d.deserialize_u64(V)
    }
}

/// The `aud` claim: one string or an array of strings.
struct Aud<'a>(Vec<Text<'a>>);

impl Aud<'_> {
    fn contains(&self, want: &str) -> bool {
        self.0.iter().any(|a| a.as_str() == want)
    }
}

impl<'de> Deserialize<'de> for Aud<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Aud<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                v: &'de str,
            ) -> core::result::Result<Self::Value, E> {
                Ok(Aud(vec![Text::Borrowed(v)]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> core::result::Result<Self::Value, E> {
                Ok(Aud(vec![Text::Owned(Zeroizing::new(v.to_owned()))]))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<Text<'de>>()? {
                    out.push(s);
                }
                Ok(Aud(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Remembers member names to refuse repeats. Known members use a bit each;
/// unknown ones a set allocated only when the first one appears.
#[derive(Default)]
struct SeenMembers<'a> {
    known: u32,
    unknown: HashSet<Text<'a>>,
}

impl<'a> SeenMembers<'a> {
    fn known<E: de::Error>(&mut self, bit: u32) -> core::result::Result<(), E> {
        if self.known & bit != 0 {
            return Err(E::custom("repeated member"));
        }
        self.known |= bit;
        Ok(())
    }
    fn unknown<E: de::Error>(&mut self, name: Text<'a>) -> core::result::Result<(), E> {
        if !self.unknown.insert(name) {
            return Err(E::custom("repeated member"));
        }
        Ok(())
    }
}

struct RawHeader<'a> {
    alg: Option<Text<'a>>,
    typ: Option<Text<'a>>,
    kid: Option<Text<'a>>,
    crit: bool,
}

impl<'de> Deserialize<'de> for RawHeader<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawHeader<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JOSE header object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut seen = SeenMembers::default();
                let mut h = RawHeader {
                    alg: None,
                    typ: None,
                    kid: None,
                    crit: false,
                };
                while let Some(name) = map.next_key::<Text<'de>>()? {
                    match name.as_str() {
                        "alg" => {
                            seen.known(1)?;
                            h.alg = Some(map.next_value::<Text<'de>>()?);
                        }
                        "typ" => {
                            seen.known(2)?;
                            h.typ = Some(map.next_value::<Text<'de>>()?);
                        }
                        "kid" => {
                            seen.known(4)?;
                            h.kid = Some(map.next_value::<Text<'de>>()?);
                        }
                        "crit" => {
                            seen.known(8)?;
                            map.next_value::<IgnoredAny>()?;
                            h.crit = true;
                        }
                        _ => {
                            seen.unknown(name)?;
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(h)
            }
        }
        d.deserialize_map(V)
    }
}

/// The whole header must be UTF-8 (RFC 7515 §4), including members that are
/// skipped unparsed, which serde_json would not check.
fn parse_header(json: &[u8]) -> Result<RawHeader<'_>> {
    let text = core::str::from_utf8(json).map_err(|_| Error::MalformedHeader)?;
    serde_json::from_str(text).map_err(|_| Error::MalformedHeader)
}

struct RawClaims<'a> {
    iss: Option<Text<'a>>,
    sub: Option<Text<'a>>,
    aud: Option<Aud<'a>>,
    client_id: Option<Text<'a>>,
    user_token: Option<bool>,
    company_id: Option<Text<'a>>,
    iat: Option<u64>,
    nbf: Option<u64>,
    exp: Option<u64>,
    jti: Option<Text<'a>>,
}

impl RawClaims<'_> {
    fn into_owned(self) -> Claims {
        Claims {
            iss: self.iss.map(Text::into_string).unwrap_or_default(),
            sub: self.sub.map(Text::into_string),
            aud: self
                .aud
                .map(|a| a.0.into_iter().map(Text::into_string).collect())
                .unwrap_or_default(),
            client_id: self.client_id.map(Text::into_string),
            user_token: self.user_token.unwrap_or(false),
            company_id: self.company_id.map(Text::into_string),
            iat: self.iat,
            nbf: self.nbf,
            exp: self.exp.unwrap_or_default(),
            jti: self.jti.map(Text::into_string),
        }
    }
}

/// Verified claims lent by [`Verifier::verify_with`]: the same fields as
/// [`Claims`], borrowed from the decoded token instead of copied.
pub struct ClaimsRef<'a>(&'a RawClaims<'a>);

impl fmt::Debug for ClaimsRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimsRef")
            .field("iss", &self.iss())
            .field("sub", &self.sub())
            .field("client_id", &self.client_id())
            .field("user_token", &self.user_token())
            .field("exp", &self.exp())
            .finish_non_exhaustive()
    }
}

impl ClaimsRef<'_> {
    /// `iss`.
    #[must_use]
    pub fn iss(&self) -> &str {
        self.0.iss.as_deref().unwrap_or_default()
    }
    /// `sub`.
    #[must_use]
    pub fn sub(&self) -> Option<&str> {
        self.0.sub.as_deref()
    }
    /// The audiences (`aud`), in order.
    pub fn audiences(&self) -> impl Iterator<Item = &str> {
        self.0.aud.iter().flat_map(|a| a.0.iter().map(Text::as_str))
    }
    /// `client_id`.
    #[must_use]
    pub fn client_id(&self) -> Option<&str> {
        self.0.client_id.as_deref()
    }
    /// Whether this is a user-specific token.
    #[must_use]
    pub fn user_token(&self) -> bool {
        self.0.user_token == Some(true)
    }
    /// The userid of a user token (`sub`), `None` for a generic token.
    #[must_use]
    pub fn userid(&self) -> Option<&str> {
        if self.user_token() {
            self.sub()
        } else {
            None
        }
    }
    /// `company_id`.
    #[must_use]
    pub fn company_id(&self) -> Option<&str> {
        self.0.company_id.as_deref()
    }
    /// `iat`.
    #[must_use]
    pub fn iat(&self) -> Option<u64> {
        self.0.iat
    }
    /// `nbf`.
    #[must_use]
    pub fn nbf(&self) -> Option<u64> {
        self.0.nbf
    }
    /// `exp`.
    #[must_use]
    pub fn exp(&self) -> u64 {
        self.0.exp.unwrap_or_default()
    }
    /// `jti`.
    #[must_use]
    pub fn jti(&self) -> Option<&str> {
        self.0.jti.as_deref()
    }
    /// An owned copy, as [`Verifier::verify_at`] returns.
    #[must_use]
    pub fn to_claims(&self) -> Claims {
        Claims {
            iss: self.iss().to_owned(),
            sub: self.sub().map(str::to_owned),
            aud: self.audiences().map(str::to_owned).collect(),
            client_id: self.client_id().map(str::to_owned),
            user_token: self.user_token(),
            company_id: self.company_id().map(str::to_owned),
            iat: self.iat(),
            nbf: self.nbf(),
            exp: self.exp(),
            jti: self.jti().map(str::to_owned),
        }
    }
}

impl<'de> Deserialize<'de> for RawClaims<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawClaims<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JWT claims object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut seen = SeenMembers::default();
                let mut c = RawClaims {
                    iss: None,
                    sub: None,
                    aud: None,
                    client_id: None,
                    user_token: None,
                    company_id: None,
                    iat: None,
                    nbf: None,
                    exp: None,
                    jti: None,
                };
                while let Some(name) = map.next_key::<Text<'de>>()? {
                    match name.as_str() {
                        "iss" => {
                            seen.known(1)?;
                            c.iss = Some(map.next_value::<Text<'de>>()?);
                        }
                        "sub" => {
                            seen.known(2)?;
                            c.sub = Some(map.next_value::<Text<'de>>()?);
                        }
                        "aud" => {
                            seen.known(4)?;
                            c.aud = Some(map.next_value::<Aud<'de>>()?);
                        }
                        "client_id" => {
                            seen.known(8)?;
                            c.client_id = Some(map.next_value::<Text<'de>>()?);
                        }
                        "user_token" => {
                            seen.known(16)?;
                            c.user_token = Some(map.next_value::<bool>()?);
                        }
                        "company_id" => {
                            seen.known(32)?;
                            c.company_id = Some(map.next_value::<Text<'de>>()?);
                        }
                        "iat" => {
                            seen.known(64)?;
                            c.iat = Some(map.next_value::<NumericDate>()?.0);
                        }
                        "nbf" => {
                            seen.known(128)?;
                            c.nbf = Some(map.next_value::<NumericDate>()?.0);
                        }
                        "exp" => {
                            seen.known(256)?;
                            c.exp = Some(map.next_value::<NumericDate>()?.0);
                        }
                        "jti" => {
                            seen.known(512)?;
                            c.jti = Some(map.next_value::<Text<'de>>()?);
                        }
                        _ => {
                            seen.unknown(name)?;
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_map(V)
    }
}

/// The whole claims set must be UTF-8 (RFC 7519 §7.2), skipped members included.
fn parse_claims(json: &[u8]) -> Result<RawClaims<'_>> {
    let text = core::str::from_utf8(json).map_err(|_| Error::MalformedClaims)?;
    serde_json::from_str(text).map_err(|_| Error::MalformedClaims)
}

/// An unverified look inside a token, for debugging only.
#[derive(Clone, Debug, PartialEq)]
pub struct Unverified {
    /// The decoded header (any JSON).
    pub header: serde_json::Value,
    /// The decoded claims (any JSON).
    pub claims: serde_json::Value,
}

/// Decodes a token's header and claims **without verifying anything**.
///
/// Nothing read this way may be trusted: the signature, the expiry and the
/// issuer are not checked. Use [`Verifier::verify`] for anything but display.
///
/// # Errors
/// [`Error::TokenTooLarge`] past 64 KiB, [`Error::MalformedToken`],
/// [`Error::MalformedHeader`], [`Error::MalformedClaims`].
pub fn inspect_unverified(token: &str) -> Result<Unverified> {
    if token.len() > MAX_MAX_TOKEN_LEN {
        return Err(Error::TokenTooLarge);
    }
    let (header, payload, _) = split_compact(token)?;
    let header = b64_decode(header).ok_or(Error::MalformedToken)?;
    let payload = b64_decode(payload).ok_or(Error::MalformedToken)?;
    Ok(Unverified {
        header: serde_json::from_slice(&header).map_err(|_| Error::MalformedHeader)?,
        claims: serde_json::from_slice(&payload).map_err(|_| Error::MalformedClaims)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_needs_exactly_three_non_empty_segments() {
        assert!(split_compact("a.b.c").is_ok());
        for bad in [
            "a.b", "a.b.c.d", ".b.c", "a..c", "a.b.", "abc", "", "a.b.c.",
        ] {
            assert_eq!(split_compact(bad).unwrap_err(), Error::MalformedToken);
        }
    }

    #[test]
    fn header_members_may_not_repeat() {
        assert!(parse_header(br#"{"alg":"HS256","x":1,"y":2}"#).is_ok());
        for bad in [
            &br#"{"alg":"HS256","alg":"HS256"}"#[..],
            br#"{"alg":"HS256","x":1,"x":1}"#,
            br#"{"alg":"HS256","al\u0067":"none"}"#,
            b"[]",
            br#""s""#,
        ] {
            assert!(
                parse_header(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn numeric_dates_are_strict() {
        assert_eq!(parse_claims(br#"{"exp":5}"#).unwrap().exp, Some(5));
        for bad in [
            "\"5\"",
            "5.0",
            "5e0",
            "1e400",
            "-1",
            "null",
            "18446744073709551616",
            "253402300800",
            "true",
        ] {
            let json = format!(r#"{{"exp":{bad}}}"#);
            assert!(parse_claims(json.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn mint_refuses_inconsistent_claims() {
        let keys = KeySet::single(Key::hs256(Some("k"), &[9; 32]).unwrap()).unwrap();
        let mut c = Claims::generic("i", "c", 100, 0, "j");
        assert_eq!(keys.mint(&c).unwrap_err(), Error::InvalidClaims);
        c.exp = 200;
        c.user_token = true;
        c.sub = None;
        assert_eq!(keys.mint(&c).unwrap_err(), Error::InvalidClaims);
    }
}
