//! Refresh tokens: opaque, high-entropy, single use, stored only as a digest.
//!
//! A refresh token is `art1_` followed by 43 base64url characters: 256 random
//! bits, nothing else. It carries no data, so it can be neither read nor
//! forged; the issuer finds what it stands for in the issuer's
//! [`Store`](crate::store::Store) under
//! the SHA-256 [`RefreshDigest`] of the whole string, never under the token
//! itself: a leaked store gives no usable token.
//!
//! Every refresh token belongs to a *family*: the tokens descended from one
//! authorization code, named by the `jti` the code derives (see
//! [`crate::code::CodeKey::token_id`]); the access token issued beside the
//! refresh token of generation `n` has the `jti` `{family}.{n}`. Each
//! use rotates (RFC 9700 §4.14.2): the presented token is consumed through
//! [`Store::refresh_use`](crate::store::Store::refresh_use), atomically, and a new one is issued in the same
//! family. Presenting a consumed token again is a replay: the whole family
//! (refresh tokens and the access tokens minted from them, whose `jti` is
//! `{family}.{generation}`) is revoked through [`Store::revoke`](crate::store::Store::revoke) under the
//! family's name, which [`Store::is_refused`](crate::store::Store::is_refused)
//! checks beside each `jti`.
//!
//! # Decisions
//! - Lifetimes ([`RefreshLifetimes`]): a family lives at most `absolute`
//!   seconds from its code's exchange (default 30 days, at most 365), and
//!   each token at most `idle` seconds from its own issue (default 7 days,
//!   at most `absolute`): a token expires at the earlier of the two.
//! - A consumed token's record is kept until it would have expired, so a
//!   replay is recognised (and the family revoked) for as long as the token
//!   could have been used at all.
//! - Presented tokens are checked for length and alphabet before hashing;
//!   anything else is simply unknown.

use crate::encoding::b64_encode;
use crate::error::{Error, Result};
use crate::random::Random;
use core::fmt;
use ring::digest;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// What every refresh token starts with (a scanner's hint; not a secret).
pub const REFRESH_TOKEN_PREFIX: &str = "art1_";
/// The length of a refresh token: the prefix and 43 base64url characters.
pub const REFRESH_TOKEN_LEN: usize = REFRESH_TOKEN_PREFIX.len() + 43;
/// The default absolute lifetime of a family, in seconds (30 days).
pub const DEFAULT_REFRESH_ABSOLUTE_TTL: u64 = 30 * 86_400;
/// The default idle lifetime of one refresh token, in seconds (7 days).
pub const DEFAULT_REFRESH_IDLE_TTL: u64 = 7 * 86_400;
/// The longest absolute lifetime accepted, in seconds (365 days).
pub const MAX_REFRESH_ABSOLUTE_TTL: u64 = 365 * 86_400;

/// The family of an access token minted by a refresh: the part of its `jti`
/// before the first `.`, or `None` for any other `jti`.
#[must_use]
pub fn family_of(jti: &str) -> Option<&str> {
    jti.split_once('.').map(|(family, _)| family)
}

/// A refresh token as handed to a client. Wiped on drop; `Debug` is redacted.
pub struct RefreshToken(Zeroizing<String>);

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(<redacted>)")
    }
}

impl RefreshToken {
    /// A new token of 256 bits drawn from `random`.
    ///
    /// # Errors
    /// [`Error::RandomFailure`] when `random` fails.
    pub fn generate(random: &dyn Random) -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        random.fill(bytes.as_mut())?;
        let mut text = Zeroizing::new(String::with_capacity(REFRESH_TOKEN_LEN));
        text.push_str(REFRESH_TOKEN_PREFIX);
        text.push_str(&Zeroizing::new(b64_encode(bytes.as_ref())));
        Ok(RefreshToken(text))
    }

    /// The token text, to send to the client once.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digest it is stored under.
    #[must_use]
    pub fn digest(&self) -> RefreshDigest {
        RefreshDigest::hash(&self.0)
    }
}

/// The SHA-256 of a refresh token: the only form a store ever holds.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RefreshDigest(pub [u8; 32]);

impl fmt::Debug for RefreshDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RefreshDigest({})", self.to_hex())
    }
}

impl RefreshDigest {
    /// The digest of a presented token, or `None` when the text cannot be
    /// one of ours (checked before hashing).
    #[must_use]
    pub fn of_presented(presented: &str) -> Option<Self> {
        let body = presented.strip_prefix(REFRESH_TOKEN_PREFIX)?;
        (presented.len() == REFRESH_TOKEN_LEN
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .then(|| Self::hash(presented))
    }

    fn hash(text: &str) -> Self {
        let mut out = [0u8; 32];
        out.copy_from_slice(digest::digest(&digest::SHA256, text.as_bytes()).as_ref());
        RefreshDigest(out)
    }

    /// Lowercase hex, for store keys.
    #[must_use]
    pub fn to_hex(&self) -> String {
        crate::encoding::hex(&self.0)
    }
}

/// The lifetimes of refresh tokens (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefreshLifetimes {
    /// Seconds a family lives from its code's exchange.
    pub absolute: u64,
    /// Seconds one token lives from its issue, unless the family ends first.
    pub idle: u64,
}

impl Default for RefreshLifetimes {
    fn default() -> Self {
        RefreshLifetimes {
            absolute: DEFAULT_REFRESH_ABSOLUTE_TTL,
            idle: DEFAULT_REFRESH_IDLE_TTL,
        }
    }
}

impl RefreshLifetimes {
    /// A family lives `absolute` seconds, each token `idle` seconds at most
    /// (checked by [`RefreshLifetimes::is_valid`] when the issuer is built).
    #[must_use]
    pub const fn new(absolute: u64, idle: u64) -> Self {
        RefreshLifetimes { absolute, idle }
    }

    /// Whether both lifetimes are in range: `60 ≤ idle ≤ absolute ≤ 365 days`.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.idle >= 60 && self.idle <= self.absolute && self.absolute <= MAX_REFRESH_ABSOLUTE_TTL
    }

    /// When a token issued at `now` in a family started at `family_started` expires.
    #[must_use]
    pub fn expires_at(&self, family_started: u64, now: u64) -> u64 {
        family_started
            .saturating_add(self.absolute)
            .min(now.saturating_add(self.idle))
    }
}

/// The longest serialized [`RefreshRecord`] a store may hand back (checked
/// before decoding): four ids of at most 256 bytes, a scope, and numbers.
pub const MAX_REFRESH_RECORD_LEN: usize = 8192;

/// What a refresh token stands for, as a store holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RefreshRecord {
    /// The family: the `jti` the code derives (its access tokens are `{family}.{n}`).
    pub family: String,
    /// Which token of the family this is: 1 for the one issued with the code.
    pub generation: u32,
    /// The client it was issued to.
    pub client_id: String,
    /// The user, or `None` for a generic grant.
    pub userid: Option<String>,
    /// The `company_id` claim to carry on.
    pub company_id: Option<String>,
    /// The granted scope (space-separated), if any.
    pub scope: Option<String>,
    /// When the family started (the code's exchange).
    pub family_started: u64,
    /// When this token was issued.
    pub issued_at: u64,
    /// When this token expires.
    pub expires_at: u64,
}

impl RefreshRecord {
    /// The first token (generation 1) of `family`, issued to `client_id`
    /// for `userid` at `now`, expiring at `expires_at`; no company, no scope
    /// (set the public fields to add them).
    #[must_use]
    pub fn new(
        family: &str,
        client_id: &str,
        userid: Option<&str>,
        now: u64,
        expires_at: u64,
    ) -> Self {
        RefreshRecord {
            family: family.to_owned(),
            generation: 1,
            client_id: client_id.to_owned(),
            userid: userid.map(str::to_owned),
            company_id: None,
            scope: None,
            family_started: now,
            issued_at: now,
            expires_at,
        }
    }

    /// The record as JSON, for stores that keep it as a string.
    ///
    /// # Errors
    /// [`Error::LedgerUnavailable`] if it cannot be serialized (it always can).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|_| Error::LedgerUnavailable)
    }

    /// A record read back from a store, bounded before decoding.
    ///
    /// # Errors
    /// [`Error::LedgerUnavailable`] for anything that is not a record this
    /// crate wrote: the store answered nonsense, so the caller refuses.
    pub fn from_json(json: &str) -> Result<Self> {
        if json.len() > MAX_REFRESH_RECORD_LEN {
            return Err(Error::LedgerUnavailable);
        }
        serde_json::from_str(json).map_err(|_| Error::LedgerUnavailable)
    }
}

/// The outcome of [`Store::refresh_use`](crate::store::Store::refresh_use).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefreshUse {
    /// This caller consumed the token first: it may rotate it.
    First(RefreshRecord),
    /// The token was consumed before: a replay. Revoke the family.
    Replayed(RefreshRecord),
    /// No such live token.
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SystemRandom;

    #[test]
    fn tokens_are_opaque_random_and_redacted() {
        let a = RefreshToken::generate(&SystemRandom).unwrap();
        let b = RefreshToken::generate(&SystemRandom).unwrap();
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(a.as_str().len(), REFRESH_TOKEN_LEN);
        assert!(!format!("{a:?}").contains(&a.as_str()[5..]));
        assert_eq!(RefreshDigest::of_presented(a.as_str()), Some(a.digest()));
        for bad in [
            "",
            "art1_",
            "art1_short",
            &a.as_str()[1..],
            &format!("{}=", a.as_str()),
        ] {
            assert_eq!(RefreshDigest::of_presented(bad), None, "{bad}");
        }
        let wrong_alphabet = format!("{}{}", REFRESH_TOKEN_PREFIX, "+".repeat(43));
        assert_eq!(RefreshDigest::of_presented(&wrong_alphabet), None);
    }

    #[test]
    fn records_round_trip_through_json_and_nonsense_is_refused() {
        let mut record = RefreshRecord::new("fam", "c", Some("u"), 5, 100);
        record.scope = Some("read write".into());
        assert_eq!(
            RefreshRecord::from_json(&record.to_json().unwrap()),
            Ok(record)
        );
        for bad in ["", "{}", "[1]", "{\"family\":1}"] {
            assert_eq!(RefreshRecord::from_json(bad), Err(Error::LedgerUnavailable));
        }
        let long = format!("{{\"family\":\"{}\"}}", "a".repeat(MAX_REFRESH_RECORD_LEN));
        assert_eq!(
            RefreshRecord::from_json(&long),
            Err(Error::LedgerUnavailable)
        );
    }

    #[test]
    fn lifetimes_take_the_earlier_end() {
        let l = RefreshLifetimes {
            absolute: 1000,
            idle: 100,
        };
        assert!(l.is_valid());
        assert_eq!(l.expires_at(0, 10), 110);
        assert_eq!(l.expires_at(0, 950), 1000);
        assert!(!RefreshLifetimes {
            absolute: 100,
            idle: 1000
        }
        .is_valid());
        assert!(!RefreshLifetimes {
            absolute: MAX_REFRESH_ABSOLUTE_TTL + 1,
            idle: 60
        }
        .is_valid());
        assert!(!RefreshLifetimes {
            absolute: 1000,
            idle: 59
        }
        .is_valid());
    }
}
