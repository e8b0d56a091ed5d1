//! Refresh tokens: opaque, high-entropy, single use, stored only as a digest.
//!
//! A refresh token is `art1_` followed by 43 base64url characters: 256 random
//! bits, nothing else. It carries no data, so it can be neither read nor
//! forged; the issuer finds what it stands for in a [`RefreshStore`] under
//! the SHA-256 [`RefreshDigest`] of the whole string, never under the token
//! itself: a leaked store gives no usable token.
//!
//! Every refresh token belongs to a *family*: the tokens descended from one
//! authorization code, named by the `jti` the code derives (see
//! [`crate::code::CodeKey::token_id`]); the access token issued beside the
//! refresh token of generation `n` has the `jti` `{family}.{n}`. Each
//! use rotates (RFC 9700 §4.14.2): the presented token is consumed through
//! [`RefreshStore::take`], atomically, and a new one is issued in the same
//! family. Presenting a consumed token again is a replay: the whole family
//! (refresh tokens and the access tokens minted from them, whose `jti` is
//! `{family}.{generation}`) is revoked through the revocation list.
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
use core::fmt;
use ring::digest;
use ring::rand::{SecureRandom, SystemRandom};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
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
/// The default number of live refresh tokens a [`MemoryRefreshStore`] holds.
pub const DEFAULT_REFRESH_CAPACITY: usize = 1_000_000;

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
    /// A new token of 256 random bits.
    ///
    /// # Errors
    /// [`Error::RandomFailure`] when the system RNG fails.
    pub fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        SystemRandom::new()
            .fill(bytes.as_mut())
            .map_err(|_| Error::RandomFailure)?;
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

/// What a refresh token stands for, as a store holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
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

/// The outcome of [`RefreshStore::take`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefreshUse {
    /// This caller consumed the token first: it may rotate it.
    First(RefreshRecord),
    /// The token was consumed before: a replay. Revoke the family.
    Replayed(RefreshRecord),
    /// No such live token.
    Unknown,
}

/// Holds refresh tokens by digest. `take` must be atomic: of any number of
/// concurrent callers with the same digest, at most one gets [`RefreshUse::First`].
pub trait RefreshStore: Send + Sync + fmt::Debug {
    /// Stores a new, unused token until its `expires_at`.
    ///
    /// # Errors
    /// [`Error::LedgerFull`] or [`Error::LedgerUnavailable`]: no token may be issued.
    fn insert(&self, digest: &RefreshDigest, record: &RefreshRecord, now: u64) -> Result<()>;

    /// Consumes the token, keeping its record (marked used) until it expires.
    ///
    /// # Errors
    /// [`Error::LedgerUnavailable`]: the caller refuses.
    fn take(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse>;

    /// What [`RefreshStore::take`] would answer, without consuming anything
    /// (for revocation and introspection).
    ///
    /// # Errors
    /// [`Error::LedgerUnavailable`]: the caller refuses.
    fn peek(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse>;
}

/// An in-process [`RefreshStore`] with a hard cap, failing closed when full.
pub struct MemoryRefreshStore {
    capacity: usize,
    tokens: Mutex<HashMap<[u8; 32], (RefreshRecord, bool)>>,
}

impl fmt::Debug for MemoryRefreshStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryRefreshStore")
            .field("capacity", &self.capacity)
            .field("tokens", &lock(&self.tokens).len())
            .finish()
    }
}

impl Default for MemoryRefreshStore {
    fn default() -> Self {
        Self::new(DEFAULT_REFRESH_CAPACITY)
    }
}

/// A poisoned lock only means another thread panicked mid-update of a map
/// whose every state is valid, so the data is still used.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl MemoryRefreshStore {
    /// A store holding at most `capacity` live tokens (used or not).
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        MemoryRefreshStore {
            capacity,
            tokens: Mutex::new(HashMap::new()),
        }
    }
}

impl RefreshStore for MemoryRefreshStore {
    fn insert(&self, digest: &RefreshDigest, record: &RefreshRecord, now: u64) -> Result<()> {
        let mut tokens = lock(&self.tokens);
        if tokens.len() >= self.capacity {
            tokens.retain(|_, (r, _)| r.expires_at > now);
            if tokens.len() >= self.capacity {
                return Err(Error::LedgerFull);
            }
        }
        tokens.insert(digest.0, (record.clone(), false));
        Ok(())
    }

    fn take(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        let mut tokens = lock(&self.tokens);
        Ok(match tokens.get_mut(&digest.0) {
            Some((record, used)) if record.expires_at > now => {
                let first = !*used;
                *used = true;
                use_of(record, first)
            }
            _ => RefreshUse::Unknown,
        })
    }

    fn peek(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        Ok(match lock(&self.tokens).get(&digest.0) {
            Some((record, used)) if record.expires_at > now => use_of(record, !*used),
            _ => RefreshUse::Unknown,
        })
    }
}

fn use_of(record: &RefreshRecord, first: bool) -> RefreshUse {
    if first {
        RefreshUse::First(record.clone())
    } else {
        RefreshUse::Replayed(record.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(expires_at: u64) -> RefreshRecord {
        RefreshRecord {
            family: "fam".into(),
            generation: 1,
            client_id: "c".into(),
            userid: Some("u".into()),
            company_id: None,
            scope: None,
            family_started: 0,
            issued_at: 0,
            expires_at,
        }
    }

    #[test]
    fn tokens_are_opaque_random_and_redacted() {
        let a = RefreshToken::generate().unwrap();
        let b = RefreshToken::generate().unwrap();
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

    #[test]
    fn a_token_is_taken_once_then_replayed_until_it_expires() {
        let store = MemoryRefreshStore::new(2);
        let t = RefreshToken::generate().unwrap();
        store.insert(&t.digest(), &record(100), 0).unwrap();
        assert_eq!(
            store.take(&t.digest(), 1),
            Ok(RefreshUse::First(record(100)))
        );
        assert_eq!(
            store.take(&t.digest(), 2),
            Ok(RefreshUse::Replayed(record(100)))
        );
        assert_eq!(store.take(&t.digest(), 100), Ok(RefreshUse::Unknown));
        let other = RefreshToken::generate().unwrap();
        assert_eq!(store.take(&other.digest(), 1), Ok(RefreshUse::Unknown));
    }

    #[test]
    fn the_store_is_bounded_and_fails_closed() {
        let store = MemoryRefreshStore::new(1);
        let a = RefreshToken::generate().unwrap();
        let b = RefreshToken::generate().unwrap();
        store.insert(&a.digest(), &record(10), 0).unwrap();
        assert_eq!(
            store.insert(&b.digest(), &record(10), 5),
            Err(Error::LedgerFull)
        );
        store.insert(&b.digest(), &record(20), 10).unwrap();
    }
}
