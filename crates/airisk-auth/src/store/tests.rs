//! The in-memory store's grant revocations, and the default methods' answers.
#![allow(clippy::unwrap_used)]

use super::*;

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
