//! Contract points 6–9: revoked grants, the bearer check's one lookup, and
//! refresh tokens (single use, concurrent use, through an issuer).

use crate::{unix_now, MakeStore, StoreUnderTest};
use airisk_auth::prelude::*;
use airisk_auth::random::SystemRandom;
use airisk_auth::refresh::{RefreshDigest, RefreshRecord, RefreshToken, RefreshUse};
use airisk_auth::store::{Grant, Issued};
use std::sync::{Arc, Barrier};

/// A digest no other check (or run) uses.
fn fresh_digest() -> RefreshDigest {
    RefreshToken::generate(&SystemRandom).unwrap().digest()
}

/// A name unique to this call, for clients, users and families.
fn fresh_name(what: &str) -> String {
    format!("{what}-{}", crate::fresh_id())
}

/// Contract point 6: a revoked grant refuses what was issued at or before its
/// "not before" second (and what has no issue time), nothing else; a later
/// revocation with an earlier time never moves it back; the bearer check's
/// one lookup also answers for a revoked `jti` and a revoked refresh family.
pub fn grants_refuse_what_they_predate<S: StoreUnderTest>(make: &MakeStore<'_, S>) {
    let store = make();
    let now = unix_now();
    let client = fresh_name("client");
    let user = Grant::new(&client, Some("user:42"));
    let jti = fresh_name("jti");
    let refused = |grant: Grant<'_>, iat: Option<u64>| {
        store
            .is_refused(&Issued::new(Some(&jti), Some(grant), iat), now)
            .unwrap()
    };
    assert!(!refused(user, Some(now - 10)));
    store.revoke_grant(&user, now, now + 600, now).unwrap();
    assert!(refused(user, Some(now - 10)));
    assert!(refused(user, Some(now)));
    assert!(refused(user, None));
    assert!(!refused(user, Some(now + 1)));
    // Other grants: another user, the generic grant, another client, and ids
    // whose separators would collide if keys were naively joined.
    assert!(!refused(
        Grant::new(&client, Some("user:43")),
        Some(now - 10)
    ));
    assert!(!refused(Grant::new(&client, None), Some(now - 10)));
    let shifted_client = format!("{client}:user");
    assert!(!refused(
        Grant::new(&shifted_client, Some("42")),
        Some(now - 10)
    ));
    // An earlier time never moves it back; a later one moves it on.
    store
        .revoke_grant(&user, now - 100, now + 600, now)
        .unwrap();
    assert!(refused(user, Some(now - 10)));
    store.revoke_grant(&user, now + 5, now + 600, now).unwrap();
    assert!(refused(user, Some(now + 3)));
    // The generic grant is its own.
    let generic = Grant::new(&client, None);
    store.revoke_grant(&generic, now, now + 600, now).unwrap();
    assert!(refused(generic, Some(now)));
    assert!(!refused(Grant::new(&client, Some("user:43")), Some(now)));

    // The same lookup answers for a revoked jti and a revoked refresh family.
    let other = Grant::new(&client, Some("user:43"));
    let family = fresh_name("family");
    let (access, revoked) = (format!("{family}.3"), fresh_name("jti"));
    let lookup = |jti: &str| {
        store
            .is_refused(&Issued::new(Some(jti), Some(other), Some(now)), now)
            .unwrap()
    };
    assert!(!lookup(&access));
    assert!(!lookup(&revoked));
    store.revoke(&revoked, now + 600, now).unwrap();
    store.revoke(&family, now + 600, now).unwrap();
    assert!(lookup(&access));
    assert!(lookup(&family));
    assert!(lookup(&revoked));
    assert!(!lookup(&fresh_name("jti")));
}

/// Contract point 7: a refresh token is kept by digest with its record exactly,
/// used once (`First`), then `Replayed`; peeking consumes nothing.
pub fn refresh_tokens_are_used_once<S: StoreUnderTest>(make: &MakeStore<'_, S>) {
    let store = make();
    let now = unix_now();
    let family = fresh_name("family");
    let mut record = RefreshRecord::new(&family, "client:1", Some("user \"42\""), now, now + 600);
    record.company_id = Some("acme".into());
    record.scope = Some("read write".into());
    record.generation = 7;
    let generic = RefreshRecord::new(&family, "client:1", None, now, now + 600);
    let (digest, other) = (fresh_digest(), fresh_digest());
    store.refresh_insert(&digest, &record, now).unwrap();
    store.refresh_insert(&other, &generic, now).unwrap();
    assert_eq!(
        store.refresh_peek(&digest, now),
        Ok(RefreshUse::First(record.clone()))
    );
    assert_eq!(
        store.refresh_use(&digest, now),
        Ok(RefreshUse::First(record.clone()))
    );
    assert_eq!(
        store.refresh_use(&digest, now),
        Ok(RefreshUse::Replayed(record.clone()))
    );
    assert_eq!(
        store.refresh_peek(&digest, now),
        Ok(RefreshUse::Replayed(record))
    );
    assert_eq!(
        store.refresh_use(&other, now),
        Ok(RefreshUse::First(generic))
    );
    assert_eq!(
        store.refresh_use(&fresh_digest(), now),
        Ok(RefreshUse::Unknown)
    );
    assert_eq!(
        store.refresh_peek(&fresh_digest(), now),
        Ok(RefreshUse::Unknown)
    );
}

/// Contract point 8: 50 concurrent uses of one refresh token: one `First`.
pub fn concurrent_refresh_uses_have_one_winner<S: StoreUnderTest + 'static>(
    make: &MakeStore<'_, S>,
) {
    const THREADS: usize = 50;
    let store = make();
    let now = unix_now();
    let digest = fresh_digest();
    let record = RefreshRecord::new(&fresh_name("family"), "c", Some("u"), now, now + 600);
    store.refresh_insert(&digest, &record, now).unwrap();
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (store, barrier) = (store.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                store.refresh_use(&digest, now).unwrap()
            })
        })
        .collect();
    let answers: Vec<RefreshUse> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let firsts = answers
        .iter()
        .filter(|a| matches!(a, RefreshUse::First(_)))
        .count();
    let replays = answers
        .iter()
        .filter(|a| matches!(a, RefreshUse::Replayed(_)))
        .count();
    assert_eq!((firsts, replays), (1, THREADS - 1), "{answers:?}");
}

/// Contract point 9: through an issuer, 50 concurrent refreshes of one token
/// yield exactly one new pair, and the replays revoke the family: the new
/// access token is refused by a verifier on the same store.
pub fn a_refresh_race_through_an_issuer_yields_one_pair<S: StoreUnderTest + 'static>(
    make: &MakeStore<'_, S>,
) {
    const THREADS: usize = 50;
    let store = make();
    let mut registry = MemoryRegistry::new();
    let client = Client::new("rt", "s3cret", "https://localhost/callback").unwrap();
    registry
        .add_client(client.with_refresh_tokens(true))
        .unwrap();
    let keys = Arc::new(KeySet::single(Key::hs256(Some("k1"), &[7; 32]).unwrap()).unwrap());
    let issuer = Arc::new(
        Issuer::new(
            IssuerConfig::new("https://airisk.example"),
            keys,
            CodeKey::generate().unwrap(),
            Arc::new(registry),
            store,
        )
        .unwrap(),
    );
    let answer = issuer.authorize("client_id=rt&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback");
    let location = answer.header("Location").unwrap();
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let body = format!(
        "client_id=rt&client_secret=s3cret&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code={code}"
    );
    let form = Some("application/x-www-form-urlencoded");
    let first = issuer.exchange(&Request::new(form, body.as_bytes()));
    assert_eq!(first.status, 200, "{first:?}");
    let refresh = member(&first.body, "refresh_token");
    let body = Arc::new(format!(
        "grant_type=refresh_token&client_id=rt&client_secret=s3cret&refresh_token={refresh}"
    ));
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (issuer, body, barrier) = (issuer.clone(), body.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                issuer.exchange(&Request::new(form, body.as_bytes()))
            })
        })
        .collect();
    let answers: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let pairs: Vec<_> = answers.iter().filter(|a| a.status == 200).collect();
    assert_eq!(pairs.len(), 1, "{answers:?}");
    assert!(
        answers.iter().all(|a| a.status == 200 || a.status == 400),
        "{answers:?}"
    );
    let new_access = member(&pairs[0].body, "access_token");
    assert_eq!(
        issuer.verifier().verify(&new_access).err(),
        Some(Error::TokenRevoked)
    );
}

/// A string member of a JSON token response.
fn member(body: &str, name: &str) -> String {
    body.split(&format!("\"{name}\":\""))
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}
