//! Grant revocation through the issuer: tokens and outstanding codes of the
//! grant are refused from the revocation on, in every issuer sharing the
//! store; other grants are untouched; a re-consent works again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::flow::{check_bearer_at, Access, Issuer, IssuerConfig, Request};
use airisk_auth::prelude::*;
use serde_json::Value;
use std::sync::Arc;

const NOW: u64 = 1_743_423_132;
const REDIRECT_ENC: &str = "https%3A%2F%2Flocalhost%2Fcallback";

/// Two issuers (two "processes") sharing one store and code key.
fn issuers() -> (Issuer, Issuer) {
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(Client::new("abc123", "s3cret", "https://localhost/callback").unwrap())
        .unwrap();
    registry
        .add_user(User::new("user_42", None).unwrap())
        .unwrap();
    registry
        .add_user(User::new("user_7", None).unwrap())
        .unwrap();
    let registry = Arc::new(registry);
    let keys = Arc::new(KeySet::single(Key::generate_ed25519("k").unwrap()).unwrap());
    let code_key = CodeKey::generate().unwrap();
    let store = Arc::new(MemoryStore::default());
    let make = |store: Arc<dyn Store>| {
        Issuer::new(
            IssuerConfig::new("https://airisk.example"),
            keys.clone(),
            CodeKey::from_bytes(code_key.secret_bytes()).unwrap(),
            registry.clone(),
            store,
        )
        .unwrap()
    };
    (make(store.clone()), make(store))
}

fn code(issuer: &Issuer, userid: Option<&str>, now: u64) -> String {
    let user = userid.map_or(String::new(), |u| format!("&userid={u}"));
    let answer = issuer.authorize_at(
        &format!("client_id=abc123&redirect_uri={REDIRECT_ENC}{user}"),
        now,
    );
    assert_eq!(answer.status, 302, "{answer:?}");
    let location = answer.header("Location").unwrap();
    location.split("code=").nth(1).unwrap().to_owned()
}

fn exchange(issuer: &Issuer, code: &str, userid: Option<&str>, now: u64) -> Result<String, u16> {
    let user = userid.map_or(String::new(), |u| format!("&userid={u}"));
    let body = format!(
        "client_id=abc123&client_secret=s3cret&redirect_uri={REDIRECT_ENC}&code={code}{user}"
    );
    let answer = issuer.exchange_at(
        &Request::new(Some("application/x-www-form-urlencoded"), body.as_bytes()),
        now,
    );
    if answer.status != 200 {
        return Err(answer.status);
    }
    let v: Value = serde_json::from_str(&answer.body).unwrap();
    Ok(v["access_token"].as_str().unwrap().to_owned())
}

fn token(issuer: &Issuer, userid: Option<&str>, now: u64) -> String {
    exchange(issuer, &code(issuer, userid, now), userid, now).unwrap()
}

fn status(issuer: &Issuer, token: &str, now: u64) -> u16 {
    let header = format!("Bearer {token}");
    match check_bearer_at(&issuer.verifier(), Some(&header), Access::Any, now) {
        Ok(_) => 200,
        Err(answer) => answer.status,
    }
}

#[test]
fn a_revoked_grant_is_refused_everywhere_and_a_new_consent_works() {
    let (one, two) = issuers();
    let revoked = token(&one, Some("user_42"), NOW);
    let other_user = token(&one, Some("user_7"), NOW);
    let generic = token(&one, None, NOW);
    let outstanding = code(&one, Some("user_42"), NOW + 1);
    assert_eq!(status(&two, &revoked, NOW + 2), 200);

    // Revoked in one process…
    one.revoke_grant_at("abc123", Some("user_42"), NOW + 2)
        .unwrap();
    // …refused in the other on its next check, and in the first.
    assert_eq!(status(&two, &revoked, NOW + 3), 401);
    assert_eq!(status(&one, &revoked, NOW + 3), 401);
    // The code issued before the revocation cannot be exchanged any more.
    assert_eq!(
        exchange(&two, &outstanding, Some("user_42"), NOW + 3),
        Err(400)
    );
    // Other grants are untouched.
    assert_eq!(status(&two, &other_user, NOW + 3), 200);
    assert_eq!(status(&two, &generic, NOW + 3), 200);

    // A new consent after the revocation issues a token that works.
    let renewed = token(&two, Some("user_42"), NOW + 3);
    assert_eq!(status(&one, &renewed, NOW + 4), 200);
    assert_eq!(status(&one, &revoked, NOW + 4), 401);

    // The generic grant is revoked on its own.
    two.revoke_grant_at("abc123", None, NOW + 5).unwrap();
    assert_eq!(status(&one, &generic, NOW + 6), 401);
    assert_eq!(status(&one, &other_user, NOW + 6), 200);
}

#[test]
fn a_token_of_the_very_second_of_the_revocation_is_refused() {
    let (one, _) = issuers();
    let same_second = token(&one, Some("user_42"), NOW);
    one.revoke_grant_at("abc123", Some("user_42"), NOW).unwrap();
    assert_eq!(status(&one, &same_second, NOW), 401);
    // A consent within that same second might predate the revocation: refused too.
    let code = code(&one, Some("user_42"), NOW);
    assert_eq!(exchange(&one, &code, Some("user_42"), NOW), Err(400));
    let next_second = token(&one, Some("user_42"), NOW + 1);
    assert_eq!(status(&one, &next_second, NOW + 1), 200);
}

#[test]
fn a_store_that_cannot_record_grants_says_so() {
    #[derive(Debug)]
    struct JtiOnly;
    impl Store for JtiOnly {
        fn redeem(&self, _: &airisk_auth::code::CodeId, _: u64, _: u64) -> Result<Redemption> {
            Ok(Redemption::First)
        }
        fn revoke(&self, _: &str, _: u64, _: u64) -> Result<()> {
            Ok(())
        }
        fn is_revoked(&self, _: &str, _: u64) -> Result<bool> {
            Ok(false)
        }
    }
    let keys = Arc::new(KeySet::single(Key::generate_hs256("k").unwrap()).unwrap());
    let one = Issuer::new(
        IssuerConfig::new("https://airisk.example"),
        keys,
        CodeKey::generate().unwrap(),
        Arc::new(MemoryRegistry::new()),
        Arc::new(JtiOnly),
    )
    .unwrap();
    assert_eq!(
        one.revoke_grant_at("abc123", Some("user_42"), NOW),
        Err(Error::LedgerUnavailable)
    );
}
