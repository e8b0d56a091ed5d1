//! The in-memory store's grant revocations and refresh tokens, and the
//! default methods' answers.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::random::SystemRandom;
use crate::refresh::RefreshToken;

fn issued<'a>(client_id: &'a str, userid: Option<&'a str>, iat: Option<u64>) -> Issued<'a> {
    Issued::new(Some("j"), Some(Grant::new(client_id, userid)), iat)
}

#[test]
fn a_revoked_grant_refuses_what_it_issued_up_to_its_second() {
    let store = MemoryStore::new(10);
    let user = Grant::new("c", Some("u"));
    assert_eq!(
        store.is_refused(&issued("c", Some("u"), Some(5)), 6),
        Ok(false)
    );
    store.revoke_grant(&user, 10, 100, 10).unwrap();
    for (iat, refused) in [
        (Some(5), true),
        (Some(10), true),
        (None, true),
        (Some(11), false),
    ] {
        assert_eq!(
            store.is_refused(&issued("c", Some("u"), iat), 12),
            Ok(refused),
            "{iat:?}"
        );
    }
    // Other grants are untouched: another user, the generic grant, another client.
    assert_eq!(
        store.is_refused(&issued("c", Some("v"), Some(5)), 12),
        Ok(false)
    );
    assert_eq!(store.is_refused(&issued("c", None, Some(5)), 12), Ok(false));
    assert_eq!(
        store.is_refused(&issued("d", Some("u"), Some(5)), 12),
        Ok(false)
    );
    // An earlier revocation never moves the time back; a later one moves it on.
    store.revoke_grant(&user, 3, 100, 12).unwrap();
    assert_eq!(
        store.is_refused(&issued("c", Some("u"), Some(9)), 12),
        Ok(true)
    );
    store.revoke_grant(&user, 20, 100, 20).unwrap();
    assert_eq!(
        store.is_refused(&issued("c", Some("u"), Some(15)), 21),
        Ok(true)
    );
    // Forgotten once everything it refused has expired.
    assert_eq!(
        store.is_refused(&issued("c", Some("u"), Some(15)), 100),
        Ok(false)
    );
}

#[test]
fn the_generic_grant_is_its_own_grant() {
    let store = MemoryStore::new(10);
    store
        .revoke_grant(&Grant::new("c", None), 10, 100, 10)
        .unwrap();
    assert_eq!(store.is_refused(&issued("c", None, Some(9)), 11), Ok(true));
    assert_eq!(
        store.is_refused(&issued("c", Some("u"), Some(9)), 11),
        Ok(false)
    );
}

#[test]
fn grant_revocations_are_bounded() {
    let store = MemoryStore::new(2);
    let grant = |u| Grant::new("c", Some(u));
    store.revoke_grant(&grant("a"), 1, 10, 1).unwrap();
    store.revoke_grant(&grant("b"), 1, 20, 1).unwrap();
    // Re-revoking a known grant needs no room.
    store.revoke_grant(&grant("a"), 2, 10, 2).unwrap();
    assert_eq!(
        store.revoke_grant(&grant("x"), 5, 30, 5),
        Err(Error::LedgerFull)
    );
    // Once "a" has expired there is room again, and "b" is still held.
    store.revoke_grant(&grant("x"), 10, 30, 10).unwrap();
    assert_eq!(
        store.is_refused(&issued("c", Some("b"), Some(1)), 10),
        Ok(true)
    );
    assert_eq!(
        store.is_refused(&issued("c", Some("x"), Some(9)), 10),
        Ok(true)
    );
}

/// A store written before grants existed: only the three original methods.
#[derive(Debug)]
struct JtiOnly;

impl Store for JtiOnly {
    fn redeem(&self, _: &CodeId, _: u64, _: u64) -> Result<Redemption> {
        Ok(Redemption::First)
    }
    fn revoke(&self, _: &str, _: u64, _: u64) -> Result<()> {
        Ok(())
    }
    fn is_revoked(&self, jti: &str, _: u64) -> Result<bool> {
        Ok(jti == "bad")
    }
}

#[test]
fn a_store_without_grants_refuses_to_record_one() {
    let store = JtiOnly;
    assert_eq!(
        store.revoke_grant(&Grant::new("c", None), 1, 2, 1),
        Err(Error::LedgerUnavailable)
    );
    let mut token = issued("c", None, Some(1));
    assert_eq!(store.is_refused(&token, 1), Ok(false));
    token.jti = Some("bad");
    assert_eq!(store.is_refused(&token, 1), Ok(true));
}

fn record(expires_at: u64) -> RefreshRecord {
    RefreshRecord::new("fam", "c", Some("u"), 0, expires_at)
}

#[test]
fn a_refresh_token_is_used_once_then_replayed_until_it_expires() {
    let store = MemoryStore::new(2);
    let t = RefreshToken::generate(&SystemRandom).unwrap();
    store.refresh_insert(&t.digest(), &record(100), 0).unwrap();
    assert_eq!(
        store.refresh_peek(&t.digest(), 1),
        Ok(RefreshUse::First(record(100)))
    );
    assert_eq!(
        store.refresh_use(&t.digest(), 1),
        Ok(RefreshUse::First(record(100)))
    );
    assert_eq!(
        store.refresh_use(&t.digest(), 2),
        Ok(RefreshUse::Replayed(record(100)))
    );
    assert_eq!(
        store.refresh_peek(&t.digest(), 2),
        Ok(RefreshUse::Replayed(record(100)))
    );
    assert_eq!(store.refresh_use(&t.digest(), 100), Ok(RefreshUse::Unknown));
    let other = RefreshToken::generate(&SystemRandom).unwrap();
    assert_eq!(
        store.refresh_use(&other.digest(), 1),
        Ok(RefreshUse::Unknown)
    );
}

#[test]
fn the_refresh_table_is_bounded_and_fails_closed() {
    let store = MemoryStore::new(1);
    let a = RefreshToken::generate(&SystemRandom).unwrap();
    let b = RefreshToken::generate(&SystemRandom).unwrap();
    store.refresh_insert(&a.digest(), &record(10), 0).unwrap();
    assert_eq!(
        store.refresh_insert(&b.digest(), &record(10), 5),
        Err(Error::LedgerFull)
    );
    store.refresh_insert(&b.digest(), &record(20), 10).unwrap();
}

#[test]
fn a_revoked_family_refuses_its_access_tokens() {
    let store = MemoryStore::new(10);
    store.revoke("fam", 100, 0).unwrap();
    for jti in ["fam.1", "fam.7", "fam"] {
        assert_eq!(
            store.is_refused(&Issued::new(Some(jti), None, Some(1)), 1),
            Ok(true),
            "{jti}"
        );
    }
    assert_eq!(
        store.is_refused(&Issued::new(Some("other.1"), None, Some(1)), 1),
        Ok(false)
    );
    // The default method of a store written before refresh tokens does the same.
    assert_eq!(
        JtiOnly.is_refused(&Issued::new(Some("bad.2"), None, None), 1),
        Ok(true)
    );
}

#[test]
fn a_store_without_refresh_tokens_refuses_them() {
    let t = RefreshToken::generate(&SystemRandom).unwrap();
    assert_eq!(
        JtiOnly.refresh_insert(&t.digest(), &record(10), 0),
        Err(Error::LedgerUnavailable)
    );
    assert_eq!(
        JtiOnly.refresh_use(&t.digest(), 0),
        Err(Error::LedgerUnavailable)
    );
    assert_eq!(
        JtiOnly.refresh_peek(&t.digest(), 0),
        Err(Error::LedgerUnavailable)
    );
}
