//! # airisk-auth-store-tests
//!
//! The store-conformance suite: the contract every store of redemptions,
//! revocations, revoked grants and refresh tokens must keep, as one set of checks that each store's own tests run
//! against a live instance (memory here; Redis, Redis over TLS, Redis Cluster
//! and PostgreSQL in their crates; the C callback and Python protocol stores
//! through their bindings).
//!
//! ```
//! use airisk_auth::store::MemoryStore;
//! use std::sync::Arc;
//! airisk_auth_store_tests::run_all("memory", &|| Arc::new(MemoryStore::new(100_000)));
//! ```
//!
//! `make` gives a store with nothing in it (a fresh key namespace, schema or
//! instance) each time it is called. Every check uses the current Unix time as
//! `now`, so that stores which let their server expire entries (Redis) and
//! stores which read the caller's `now` (memory, PostgreSQL) answer alike.
//!
//! # The contract
//! 1. The first redemption of a code id is [`Redemption::First`], every later
//!    one [`Redemption::Replayed`], for as long as the code lives.
//! 2. Of any number of concurrent callers redeeming the same id, exactly one
//!    gets `First`.
//! 3. Ids are compared as 16 bytes: ids differing in one bit are distinct.
//! 4. A revoked `jti` is revoked until its `until`; a second, shorter
//!    revocation never shortens it; other `jti`s are untouched; any `jti` the
//!    core can produce (up to 256 bytes of printable ASCII) is kept exactly.
//! 5. Through an issuer: a replayed code is refused (400 `Invalid Code`) and
//!    the token issued from its first redemption is refused afterwards by a
//!    verifier consulting the same store.
//! 6. A revoked grant refuses, through [`Store::is_refused`], what was issued
//!    at or before its "not before" second (or has no issue time), and
//!    nothing of other grants (keys must not collide however ids are spelt);
//!    an earlier time never moves it back; the same lookup answers for a
//!    revoked `jti` and for a revoked refresh family (`{family}.{n}`).
//! 7. A refresh token is kept by digest with its record exactly; it is used
//!    once ([`airisk_auth::refresh::RefreshUse::First`]), then `Replayed`;
//!    peeking consumes nothing; an unknown digest is `Unknown`.
//! 8. Of 50 concurrent uses of one refresh token exactly one is `First`.
//! 9. Through an issuer: 50 concurrent refreshes of one token yield exactly
//!    one new pair, and the replays revoke the family, so the new access
//!    token is refused by a verifier on the same store.
//!
//! Failing closed (a store that cannot answer) depends on how each store fails,
//! so each store crate tests it itself.

#![forbid(unsafe_code)]
// Every check panics when the store breaks the contract: that is its purpose.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::missing_panics_doc
)]

use airisk_auth::code::CodeId;
use airisk_auth::prelude::*;
use airisk_auth::store::{Redemption, Store};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{SystemTime, UNIX_EPOCH};

mod lifecycle;
mod throughput;
pub use lifecycle::{
    a_refresh_race_through_an_issuer_yields_one_pair, concurrent_refresh_uses_have_one_winner,
    grants_refuse_what_they_predate, refresh_tokens_are_used_once,
};
pub use throughput::exchanges_per_second;

/// What the suite needs of a store: both roles, shareable across threads.
pub trait StoreUnderTest: Store {}
impl<T: Store + ?Sized> StoreUnderTest for T {}

/// A fresh, empty store each call.
pub type MakeStore<'a, S> = dyn Fn() -> Arc<S> + 'a;

/// One check of the contract: its name and the function that runs it.
pub type Check<S> = (&'static str, fn(&MakeStore<'_, S>));

/// Every check of the contract, in order.
#[must_use]
pub fn checks<S: StoreUnderTest + 'static>() -> Vec<Check<S>> {
    vec![
        ("first_then_replayed", first_then_replayed::<S>),
        (
            "ids_are_sixteen_exact_bytes",
            ids_are_sixteen_exact_bytes::<S>,
        ),
        (
            "concurrent_redemptions_have_one_winner",
            concurrent_redemptions_have_one_winner::<S>,
        ),
        (
            "revocations_hold_until_their_expiry",
            revocations_hold_until_their_expiry::<S>,
        ),
        (
            "any_core_jti_is_kept_exactly",
            any_core_jti_is_kept_exactly::<S>,
        ),
        (
            "a_replay_through_an_issuer_revokes_its_token",
            a_replay_through_an_issuer_revokes_its_token::<S>,
        ),
        (
            "grants_refuse_what_they_predate",
            grants_refuse_what_they_predate::<S>,
        ),
        (
            "refresh_tokens_are_used_once",
            refresh_tokens_are_used_once::<S>,
        ),
        (
            "concurrent_refresh_uses_have_one_winner",
            concurrent_refresh_uses_have_one_winner::<S>,
        ),
        (
            "a_refresh_race_through_an_issuer_yields_one_pair",
            a_refresh_race_through_an_issuer_yields_one_pair::<S>,
        ),
    ]
}

/// Runs every check against stores from `make`, printing each name to stderr
/// (`store-conformance[name]: check … ok`), and panics at the first failure.
pub fn run_all<S: StoreUnderTest + 'static>(name: &str, make: &MakeStore<'_, S>) {
    for (check, run) in checks::<S>() {
        eprintln!("store-conformance[{name}]: {check} …");
        run(make);
        eprintln!("store-conformance[{name}]: {check} ok");
    }
}

/// The current Unix time.
#[must_use]
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// An id unique in this process and (with the time and pid in it) across runs.
#[must_use]
pub fn fresh_id() -> CodeId {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&COUNTER.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    id[8..12].copy_from_slice(&std::process::id().to_be_bytes());
    id[12..].copy_from_slice(&nanos.to_le_bytes()[..4]);
    CodeId(id)
}

/// Contract point 1: first, then replayed, while the code lives.
pub fn first_then_replayed<S: StoreUnderTest>(make: &MakeStore<'_, S>) {
    let store = make();
    let now = unix_now();
    let (a, b) = (fresh_id(), fresh_id());
    assert_eq!(store.redeem(&a, now + 600, now), Ok(Redemption::First));
    assert_eq!(store.redeem(&a, now + 600, now), Ok(Redemption::Replayed));
    assert_eq!(
        store.redeem(&a, now + 600, now + 1),
        Ok(Redemption::Replayed)
    );
    assert_eq!(store.redeem(&b, now + 600, now), Ok(Redemption::First));
    assert_eq!(
        store.redeem(&a, now + 600, now + 2),
        Ok(Redemption::Replayed)
    );
    assert_eq!(
        store.redeem(&b, now + 600, now + 2),
        Ok(Redemption::Replayed)
    );
}

/// Contract point 3: ids differing in any one bit are distinct; the all-zero and all-ones ids work.
pub fn ids_are_sixteen_exact_bytes<S: StoreUnderTest>(make: &MakeStore<'_, S>) {
    let store = make();
    let now = unix_now();
    let base = fresh_id();
    assert_eq!(store.redeem(&base, now + 600, now), Ok(Redemption::First));
    for byte in 0..16 {
        for bit in [0x01u8, 0x80] {
            let mut other = base;
            other.0[byte] ^= bit;
            assert_eq!(
                store.redeem(&other, now + 600, now),
                Ok(Redemption::First),
                "byte {byte} bit {bit:#x}"
            );
            assert_eq!(
                store.redeem(&other, now + 600, now),
                Ok(Redemption::Replayed)
            );
        }
    }
    for edge in [CodeId([0; 16]), CodeId([0xff; 16])] {
        // Fresh stores are empty, but a server shared with an earlier run may remember them.
        let first = store.redeem(&edge, now + 600, now).unwrap();
        assert!(matches!(first, Redemption::First | Redemption::Replayed));
        assert_eq!(
            store.redeem(&edge, now + 600, now),
            Ok(Redemption::Replayed)
        );
    }
}

/// Contract point 2: many threads, the same ids, at the same moment: one winner per id.
pub fn concurrent_redemptions_have_one_winner<S: StoreUnderTest + 'static>(
    make: &MakeStore<'_, S>,
) {
    const THREADS: usize = 8;
    const IDS: usize = 64;
    let store = make();
    let now = unix_now();
    let ids: Arc<Vec<CodeId>> = Arc::new((0..IDS).map(|_| fresh_id()).collect());
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (store, ids, barrier) = (store.clone(), ids.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                // Half the threads walk the ids backwards, so they meet mid-way.
                let order: Vec<usize> = if t % 2 == 0 {
                    (0..IDS).collect()
                } else {
                    (0..IDS).rev().collect()
                };
                order
                    .into_iter()
                    .filter(|&i| {
                        store.redeem(&ids[i], now + 600, now).unwrap() == Redemption::First
                    })
                    .collect::<Vec<usize>>()
            })
        })
        .collect();
    let mut wins = vec![0usize; IDS];
    for handle in handles {
        for i in handle.join().unwrap() {
            wins[i] += 1;
        }
    }
    assert!(wins.iter().all(|&w| w == 1), "wins per id: {wins:?}");
}

/// Contract point 4: revocations are held, never shortened, independent.
pub fn revocations_hold_until_their_expiry<S: StoreUnderTest>(make: &MakeStore<'_, S>) {
    let store = make();
    let now = unix_now();
    let id = fresh_id();
    let (a, b) = (format!("jti-a-{id}"), format!("jti-b-{id}"));
    assert_eq!(store.is_revoked(&a, now), Ok(false));
    store.revoke(&a, now + 3600, now).unwrap();
    assert_eq!(store.is_revoked(&a, now), Ok(true));
    assert_eq!(store.is_revoked(&a, now + 1800), Ok(true));
    assert_eq!(store.is_revoked(&b, now), Ok(false));
    // A second, shorter revocation (e.g. its code replayed again) keeps the longer one.
    store.revoke(&a, now + 1, now).unwrap();
    assert_eq!(store.is_revoked(&a, now + 1800), Ok(true));
    // Revoking again is harmless.
    store.revoke(&a, now + 3600, now).unwrap();
    assert_eq!(store.is_revoked(&a, now), Ok(true));
    assert_eq!(store.is_revoked(&b, now), Ok(false));
}

/// Contract point 4: a `jti` is kept byte for byte (long ones, ones that differ
/// only at the end or in case, ones holding key-like separators).
pub fn any_core_jti_is_kept_exactly<S: StoreUnderTest>(make: &MakeStore<'_, S>) {
    let store = make();
    let now = unix_now();
    let id = fresh_id().to_string();
    let long = format!("{id}{}", "x".repeat(256 - id.len()));
    let mut long_other = long.clone();
    long_other.pop();
    long_other.push('y');
    let jtis = [
        long.clone(),
        format!("{id}:a:b"),
        format!("{id}*?[]{{}}'\"\\ %"),
        format!("{id}Q"),
    ];
    for jti in &jtis {
        store.revoke(jti, now + 600, now).unwrap();
    }
    for jti in &jtis {
        assert_eq!(store.is_revoked(jti, now), Ok(true), "{jti}");
    }
    for other in [
        long_other,
        format!("{id}:a"),
        format!("{id}q"),
        format!("{id}*"),
    ] {
        assert_eq!(store.is_revoked(&other, now), Ok(false), "{other}");
    }
}

/// Contract point 5: the whole single-use story through an issuer and a verifier on the store.
pub fn a_replay_through_an_issuer_revokes_its_token<S: StoreUnderTest + 'static>(
    make: &MakeStore<'_, S>,
) {
    let store = make();
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(Client::new("abc123", "s3cret", "https://localhost/callback").unwrap())
        .unwrap();
    let keys = Arc::new(KeySet::single(Key::hs256(Some("k1"), &[7; 32]).unwrap()).unwrap());
    let issuer = Issuer::new(
        IssuerConfig::new("https://airisk.example"),
        keys,
        CodeKey::generate().unwrap(),
        Arc::new(registry),
        store,
    )
    .unwrap();
    let answer =
        issuer.authorize("client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback");
    assert_eq!(answer.status, 302, "{answer:?}");
    let location = answer.header("Location").unwrap();
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let body = format!(
        "grant_type=authorization_code&client_id=abc123&client_secret=s3cret\
         &redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code={code}"
    );
    let exchange = || {
        issuer.exchange(&Request::new(
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
        ))
    };
    let first = exchange();
    assert_eq!(first.status, 200, "{first:?}");
    let token = first
        .body
        .split("\"access_token\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let verifier = issuer.verifier();
    assert!(verifier.verify(&token).is_ok());
    let replay = exchange();
    assert_eq!(replay.status, 400, "{replay:?}");
    assert_eq!(replay.body, "Invalid Code");
    assert_eq!(verifier.verify(&token).err(), Some(Error::TokenRevoked));
}

#[cfg(test)]
mod tests {
    use airisk_auth::code::CodeId;
    use airisk_auth::store::{MemoryStore, Redemption, Store};
    use airisk_auth::Result;
    use std::sync::Arc;

    #[test]
    fn the_memory_store_keeps_the_contract() {
        super::run_all("memory", &|| Arc::new(MemoryStore::new(100_000)));
    }

    /// A store that forgets: every redemption is a first one.
    #[derive(Debug)]
    struct Amnesiac(MemoryStore);
    impl Store for Amnesiac {
        fn redeem(&self, _: &CodeId, _: u64, _: u64) -> Result<Redemption> {
            Ok(Redemption::First)
        }
        fn revoke(&self, jti: &str, until: u64, now: u64) -> Result<()> {
            self.0.revoke(jti, until, now)
        }
        fn is_revoked(&self, jti: &str, now: u64) -> Result<bool> {
            self.0.is_revoked(jti, now)
        }
    }

    #[test]
    fn a_store_that_forgets_fails_every_redemption_check() {
        let make = || Arc::new(Amnesiac(MemoryStore::new(100)));
        for (name, check) in super::checks::<Amnesiac>() {
            let failed = std::panic::catch_unwind(|| check(&make)).is_err();
            // It keeps no grants and no refresh tokens either (the trait's
            // default methods refuse), so those checks fail too.
            let about_redemption_or_lifecycle = name != "revocations_hold_until_their_expiry"
                && name != "any_core_jti_is_kept_exactly";
            assert_eq!(failed, about_redemption_or_lifecycle, "{name}");
        }
    }
}
