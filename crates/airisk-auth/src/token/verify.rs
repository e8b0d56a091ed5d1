//! The [`Verifier`]: every check of the module docs, in their order.

use super::claims::Claims;
use super::header::parse_header;
use super::policy::Policy;
use super::view::{ClaimsRef, RawClaims};
use super::{reader, strict, SMALL_PAYLOAD_LEN, STACK_PAYLOAD_LEN};
use crate::clock::{Clock, SystemClock};
use crate::diagnostic::Refusal;
use crate::encoding::{b64_decode, b64_decode_into};
use crate::error::{Error, Result};
use crate::keys::{Algorithm, Key, KeySet, MAX_SIGNATURE_LEN};
use crate::store::Store;
use core::fmt;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// Verifies tokens: a key set, a policy, a clock and an optional store (revoked ids and grants).
/// Cheap to share (`Send + Sync`); build once, verify from any thread.
#[derive(Clone)]
pub struct Verifier {
    keys: Arc<KeySet>,
    policy: Policy,
    clock: Arc<dyn Clock>,
    store: Option<Arc<dyn Store>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("keys", &self.keys)
            .field("policy", &self.policy)
            .field("clock", &self.clock)
            .field("store", &self.store.is_some())
            .finish()
    }
}

impl Verifier {
    /// A verifier on the system clock, without a store.
    #[must_use]
    pub fn new(keys: Arc<KeySet>, policy: Policy) -> Self {
        Verifier {
            keys,
            policy,
            clock: Arc::new(SystemClock),
            store: None,
        }
    }

    /// Uses `clock` for [`Verifier::verify`].
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Refuses tokens whose `jti` or grant is revoked in `store` (fails closed when it errs).
    #[must_use]
    pub fn with_store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = Some(store);
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
    /// The first rule broken, as listed in the [module docs](super).
    pub fn verify(&self, token: &str) -> Result<Claims> {
        self.verify_at(token, self.clock.now())
    }

    /// Verifies `token` at `now` (Unix seconds).
    ///
    /// # Errors
    /// The first rule broken, as listed in the [module docs](super).
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
    /// The first rule broken, as listed in the [module docs](super).
    pub fn verify_with<R>(
        &self,
        token: &str,
        now: u64,
        read: impl FnOnce(&ClaimsRef<'_>) -> R,
    ) -> Result<R> {
        self.verify_then(token, now, |raw| read(&ClaimsRef(&raw)))
    }

    /// Verifies `token` at `now`, then reads its whole claims object as a `T`
    /// (any members, custom ones included), as `jsonwebtoken::decode::<T>` does.
    /// The registered claims are checked first, exactly as by
    /// [`Verifier::verify_at`]; `T` only chooses what is read out.
    ///
    /// ```
    /// # use airisk_auth::keys::{Key, KeySet};
    /// # use airisk_auth::token::{Claims, Policy, Verifier};
    /// # use std::sync::Arc;
    /// # let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
    /// #[derive(serde::Deserialize)]
    /// struct Mine { sub: String, role: String }
    /// let mut claims = Claims::user("https://airisk.example", "abc123", "user_42", 1_000, 3_600, "id-1");
    /// claims.custom.insert("role".into(), "admin".into());
    /// let token = keys.mint(&claims)?;
    /// let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
    /// let mine: Mine = verifier.verify_as(&token, 2_000)?;
    /// assert_eq!((mine.sub.as_str(), mine.role.as_str()), ("user_42", "admin"));
    /// # Ok::<(), airisk_auth::Error>(())
    /// ```
    ///
    /// # Errors
    /// The first rule broken, as listed in the [module docs](super);
    /// [`Error::MalformedClaims`] when the claims are not a `T`.
    pub fn verify_as<T: DeserializeOwned>(&self, token: &str, now: u64) -> Result<T> {
        self.verify_then(token, now, |raw| serde_json::from_str::<T>(raw.json))?
            .map_err(|_| Error::MalformedClaims)
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

        let signing_input = &token.as_bytes()[..header.len() + 1 + payload.len()];
        let want = key.signature_len();
        if want <= SHORT_SIGNATURE_LEN {
            let mut sig = [0u8; SHORT_SIGNATURE_LEN];
            let sig_len = b64_decode_into(signature, &mut sig).ok_or(Error::MalformedToken)?;
            if sig_len != want {
                return Err(Error::InvalidSignature);
            }
            key.verify(signing_input, &sig[..sig_len])?;
        } else {
            verify_long_signature(key, signing_input, signature)?;
        }

        // Our payloads decode to 150-300 bytes: only a small buffer is zeroed for
        // them; up to STACK_PAYLOAD_LEN stays on the stack, longer ones go to the heap.
        let most = payload.len() / 4 * 3 + 2;
        let mut small = [0u8; SMALL_PAYLOAD_LEN];
        let mut large;
        let heap;
        let claims_json: &[u8] = if most <= SMALL_PAYLOAD_LEN {
            let n = b64_decode_into(payload, &mut small).ok_or(Error::MalformedToken)?;
            &small[..n]
        } else if most <= STACK_PAYLOAD_LEN {
            large = [0u8; STACK_PAYLOAD_LEN];
            let n = b64_decode_into(payload, &mut large).ok_or(Error::MalformedToken)?;
            &large[..n]
        } else {
            heap = b64_decode(payload).ok_or(Error::MalformedToken)?;
            &heap
        };
        let claims_json = core::str::from_utf8(claims_json).map_err(|_| Error::MalformedClaims)?;
        let claims = match reader::read(claims_json) {
            Some(claims) => claims,
            None => strict::parse_claims(claims_json)?,
        };
        self.check_claims(&claims, now)?;
        if let Some(store) = &self.store {
            if store.is_refused(&claims.issued(), now)? {
                return Err(Error::TokenRevoked);
            }
        }
        Ok(finish(claims))
    }

    /// Why `token` is refused at `now`, naming the claim at fault when there is
    /// one ([`Refusal::claim`]); `None` when it verifies. Verifies once more and,
    /// for [`Error::MissingClaim`] and [`Error::MalformedClaims`], decodes the
    /// claims again to find the claim: a slow call for logs and error pages
    /// after [`Verifier::verify_at`] refused, never for the request path.
    #[must_use]
    pub fn explain_at(&self, token: &str, now: u64) -> Option<Refusal> {
        let kind = self.verify_then(token, now, |_| ()).err()?;
        let claim = match kind {
            Error::MissingClaim | Error::MalformedClaims => {
                let payload = token.split('.').nth(1)?;
                let json = String::from_utf8(b64_decode(payload.as_bytes())?).ok()?;
                if kind == Error::MissingClaim {
                    let claims = match reader::read(&json) {
                        Some(claims) => claims,
                        None => strict::parse_claims(&json).ok()?,
                    };
                    self.missing_claim(&claims)
                } else {
                    strict::invalid_claim(&json)
                }
            }
            _ => None,
        };
        Some(Refusal { kind, claim })
    }

    /// The [`Refusal`] explaining `kind`, which verifying `token` at `now` just
    /// returned: the one conversion every binding and the CLI use on their
    /// refusal path. Only [`Error::MissingClaim`] and [`Error::MalformedClaims`]
    /// can name a claim, so only they pay for [`Verifier::explain_at`]; any
    /// other kind (or an explanation that disagrees, e.g. a revocation seen
    /// once and not again) gives `Refusal::of(kind)`.
    #[must_use]
    pub fn explain_refusal(&self, token: &str, now: u64, kind: Error) -> Refusal {
        match kind {
            Error::MissingClaim | Error::MalformedClaims => self
                .explain_at(token, now)
                .filter(|r| r.kind == kind)
                .unwrap_or(Refusal::of(kind)),
            _ => Refusal::of(kind),
        }
    }

    fn select_key_by_header(&self, encoded_header: &[u8]) -> Result<&Key> {
        // Other issuers' headers (an identity provider's RS256/ES256 tokens) are
        // short: decoded on the stack, so a valid ES256 token allocates nothing.
        let mut stack = [0u8; STACK_HEADER_LEN];
        let heap;
        let json: &[u8] = if let Some(n) = b64_decode_into(encoded_header, &mut stack) {
            &stack[..n]
        } else {
            heap = b64_decode(encoded_header).ok_or(Error::MalformedToken)?;
            &heap
        };
        let header = parse_header(json)?;
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

    /// The first claim the policy requires that `c` lacks: a static name, so
    /// the verify path allocates nothing for it.
    fn missing_claim(&self, c: &RawClaims<'_>) -> Option<&'static str> {
        if c.exp.is_none() {
            return Some("exp");
        }
        if self.policy.require_access_claims {
            let required = [
                ("sub", c.sub.is_some()),
                ("client_id", c.client_id.is_some()),
                ("iat", c.iat.is_some()),
                ("jti", c.jti.is_some()),
                ("user_token", c.user_token.is_some()),
            ];
            if let Some((name, _)) = required.iter().find(|(_, present)| !present) {
                return Some(name);
            }
        }
        // A user token names its user (the `userid`, carried as `sub`).
        if c.user_token == Some(true) && c.sub.as_deref().is_none_or(str::is_empty) {
            return Some("sub");
        }
        None
    }

    fn check_claims(&self, c: &RawClaims<'_>, now: u64) -> Result<()> {
        let p = &self.policy;
        if self.missing_claim(c).is_some() {
            return Err(Error::MissingClaim);
        }
        let exp = c.exp.ok_or(Error::MissingClaim)?;
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

/// The longest header decoded on the stack when it must be parsed.
const STACK_HEADER_LEN: usize = 256;

/// The longest signature checked in the common buffer: HS256, EdDSA and ES256.
const SHORT_SIGNATURE_LEN: usize = 64;

/// An RSA signature (256 to 1024 bytes), decoded into a buffer of its own so that
/// the common path does not zero a kilobyte on every verification.
#[inline(never)]
fn verify_long_signature(key: &Key, signing_input: &[u8], signature: &[u8]) -> Result<()> {
    let mut sig = [0u8; MAX_SIGNATURE_LEN];
    let sig_len = b64_decode_into(signature, &mut sig).ok_or(Error::MalformedToken)?;
    if sig_len != key.signature_len() {
        return Err(Error::InvalidSignature);
    }
    key.verify(signing_input, &sig[..sig_len])
}

/// Splits a compact JWS into its three segments: exactly two dots, no empty segment.
#[inline]
pub(super) fn split_compact(token: &str) -> Result<(&[u8], &[u8], &[u8])> {
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
}
