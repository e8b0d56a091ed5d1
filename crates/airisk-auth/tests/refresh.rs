//! Refresh tokens through the token endpoint: issued only to clients that opt
//! in, rotated on every use, a replay revokes the whole family (refresh and
//! access tokens), lifetimes bound the family, and concurrent uses of one
//! token yield exactly one new pair.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::flow::{check_bearer_at, Access, Issuer, IssuerConfig, Request};
use airisk_auth::prelude::*;
use airisk_auth::refresh::RefreshLifetimes;
use serde_json::Value;
use std::sync::Arc;

const NOW: u64 = 1_743_423_132;
const REDIRECT: &str = "https://localhost/callback";
const REDIRECT_ENC: &str = "https%3A%2F%2Flocalhost%2Fcallback";
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

fn issuer() -> Issuer {
    let mut registry = MemoryRegistry::new();
    for (id, refresh) in [("rt", true), ("other", true), ("plain", false)] {
        let client = Client::new(id, "s3cret", REDIRECT).unwrap();
        registry
            .add_client(client.with_refresh_tokens(refresh))
            .unwrap();
    }
    registry
        .add_user(User::new("user_42", Some("acme")).unwrap())
        .unwrap();
    let mut config = IssuerConfig::new("https://airisk.example");
    config.refresh = RefreshLifetimes::new(10_000, 1_000);
    Issuer::new(
        config,
        Arc::new(KeySet::single(Key::generate_ed25519("k").unwrap()).unwrap()),
        CodeKey::generate().unwrap(),
        Arc::new(registry),
        Arc::new(MemoryStore::default()),
    )
    .unwrap()
}

/// The token response of a fresh code for `client`.
fn first_pair(issuer: &Issuer, client: &str, now: u64) -> Value {
    let answer = issuer.authorize_at(
        &format!("client_id={client}&redirect_uri={REDIRECT_ENC}&userid=user_42"),
        now,
    );
    let location = answer.header("Location").unwrap();
    let code = location.split("code=").nth(1).unwrap();
    let body = format!("client_id={client}&client_secret=s3cret&redirect_uri={REDIRECT_ENC}&code={code}&userid=user_42");
    let answer = issuer.exchange_at(&Request::new(FORM, body.as_bytes()), now);
    assert_eq!(answer.status, 200, "{answer:?}");
    serde_json::from_str(&answer.body).unwrap()
}

fn refresh(issuer: &Issuer, client: &str, token: &str, extra: &str, now: u64) -> (u16, Value) {
    let body = format!(
        "grant_type=refresh_token&client_id={client}&client_secret=s3cret&refresh_token={token}{extra}"
    );
    let answer = issuer.exchange_at(&Request::new(FORM, body.as_bytes()), now);
    let value = if answer.status == 200 {
        assert_eq!(answer.header("Cache-Control"), Some("no-store"));
        serde_json::from_str(&answer.body).unwrap()
    } else {
        Value::String(answer.body)
    };
    (answer.status, value)
}

fn bearer(issuer: &Issuer, pair: &Value, now: u64) -> u16 {
    let header = format!("Bearer {}", pair["access_token"].as_str().unwrap());
    match check_bearer_at(&issuer.verifier(), Some(&header), Access::User, now) {
        Ok(claims) => {
            assert_eq!(claims.userid(), Some("user_42"));
            assert_eq!(claims.company_id.as_deref(), Some("acme"));
            200
        }
        Err(answer) => answer.status,
    }
}

fn rt(pair: &Value) -> &str {
    pair["refresh_token"].as_str().unwrap()
}

#[test]
fn only_clients_that_opt_in_get_refresh_tokens() {
    let issuer = issuer();
    assert!(first_pair(&issuer, "plain", NOW)
        .get("refresh_token")
        .is_none());
    let pair = first_pair(&issuer, "rt", NOW);
    assert!(rt(&pair).starts_with("art1_"));
    // A client without refresh tokens cannot use another's either.
    assert_eq!(refresh(&issuer, "plain", rt(&pair), "", NOW + 1).0, 400);
}

#[test]
fn rotation_then_a_replay_revokes_the_family() {
    let issuer = issuer();
    let first = first_pair(&issuer, "rt", NOW);
    let (status, second) = refresh(&issuer, "rt", rt(&first), "", NOW + 10);
    assert_eq!(status, 200, "{second}");
    assert_ne!(rt(&second), rt(&first), "rotated");
    assert_ne!(second["access_token"], first["access_token"]);
    assert_eq!(bearer(&issuer, &second, NOW + 11), 200);
    assert_eq!(bearer(&issuer, &first, NOW + 11), 200);
    let (status, third) = refresh(&issuer, "rt", rt(&second), "", NOW + 20);
    assert_eq!(status, 200);

    // The consumed first token again: refused, and the family is gone.
    let (status, body) = refresh(&issuer, "rt", rt(&first), "", NOW + 30);
    assert_eq!(
        (status, body.as_str()),
        (400, Some("Invalid refresh_token"))
    );
    for pair in [&first, &second, &third] {
        assert_eq!(bearer(&issuer, pair, NOW + 31), 401);
    }
    assert_eq!(refresh(&issuer, "rt", rt(&third), "", NOW + 32).0, 400);

    // Another family of the same user is untouched.
    let fresh = first_pair(&issuer, "rt", NOW + 40);
    assert_eq!(refresh(&issuer, "rt", rt(&fresh), "", NOW + 41).0, 200);
}

#[test]
fn a_token_presented_by_another_client_is_refused_and_revokes_its_family() {
    let issuer = issuer();
    let pair = first_pair(&issuer, "rt", NOW);
    assert_eq!(refresh(&issuer, "other", rt(&pair), "", NOW + 1).0, 400);
    assert_eq!(refresh(&issuer, "rt", rt(&pair), "", NOW + 2).0, 400);
    assert_eq!(bearer(&issuer, &pair, NOW + 2), 401);
}

#[test]
fn lifetimes_idle_and_absolute() {
    let issuer = issuer();
    // Idle: 1,000 s after its issue a token is gone.
    let pair = first_pair(&issuer, "rt", NOW);
    assert_eq!(refresh(&issuer, "rt", rt(&pair), "", NOW + 1_000).0, 400);
    // Used every 900 s, a family still ends 10,000 s after it started.
    let mut pair = first_pair(&issuer, "rt", NOW);
    let mut now = NOW;
    loop {
        now += 900;
        let (status, next) = refresh(&issuer, "rt", rt(&pair), "", now);
        if status != 200 {
            break;
        }
        pair = next;
    }
    assert!(now > NOW + 9_000 && now <= NOW + 10_800, "{}", now - NOW);
}

#[test]
fn scopes_may_narrow_never_widen() {
    let issuer = issuer();
    let pair = first_pair(&issuer, "rt", NOW);
    // The grant has no scope: asking for one widens it.
    let (status, body) = refresh(&issuer, "rt", rt(&pair), "&scope=admin", NOW + 1);
    assert_eq!((status, body.as_str()), (400, Some("Invalid scope")));
}

#[test]
fn revoked_grants_and_replayed_codes_end_refresh() {
    let issuer = issuer();
    let pair = first_pair(&issuer, "rt", NOW);
    issuer
        .revoke_grant_at("rt", Some("user_42"), NOW + 5)
        .unwrap();
    assert_eq!(refresh(&issuer, "rt", rt(&pair), "", NOW + 6).0, 400);
    let renewed = first_pair(&issuer, "rt", NOW + 7);
    assert_eq!(refresh(&issuer, "rt", rt(&renewed), "", NOW + 8).0, 200);

    // A code redeemed twice revokes its token's refresh family too.
    let answer = issuer.authorize_at(
        &format!("client_id=rt&redirect_uri={REDIRECT_ENC}&userid=user_42"),
        NOW + 10,
    );
    let location = answer.header("Location").unwrap();
    let code = location.split("code=").nth(1).unwrap();
    let body = format!(
        "client_id=rt&client_secret=s3cret&redirect_uri={REDIRECT_ENC}&code={code}&userid=user_42"
    );
    let answer = issuer.exchange_at(&Request::new(FORM, body.as_bytes()), NOW + 10);
    let pair: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(
        issuer
            .exchange_at(&Request::new(FORM, body.as_bytes()), NOW + 11)
            .status,
        400
    );
    assert_eq!(refresh(&issuer, "rt", rt(&pair), "", NOW + 12).0, 400);
}

#[test]
fn malformed_refresh_tokens_are_plain_refusals() {
    let issuer = issuer();
    let long = "a".repeat(10_000);
    for bad in ["", "art1_", "art1_%00", "x", long.as_str()] {
        let (status, _) = refresh(&issuer, "rt", bad, "", NOW);
        assert_eq!(status, 400, "{bad:.20}");
    }
    // Client authentication comes first, as for codes.
    let pair = first_pair(&issuer, "rt", NOW);
    let body = format!(
        "grant_type=refresh_token&client_id=rt&client_secret=wrong&refresh_token={}",
        rt(&pair)
    );
    assert_eq!(
        issuer
            .exchange_at(&Request::new(FORM, body.as_bytes()), NOW)
            .status,
        401
    );
    assert_eq!(refresh(&issuer, "rt", rt(&pair), "", NOW + 1).0, 200);
}

#[test]
fn fifty_concurrent_refreshes_yield_exactly_one_pair() {
    let issuer = Arc::new(issuer());
    let pair = first_pair(&issuer, "rt", NOW);
    let token = rt(&pair).to_owned();
    let barrier = Arc::new(std::sync::Barrier::new(50));
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let (issuer, token, barrier) = (issuer.clone(), token.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                refresh(&issuer, "rt", &token, "", NOW + 1)
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let winners: Vec<_> = results.iter().filter(|(s, _)| *s == 200).collect();
    assert_eq!(winners.len(), 1);
    // The 49 replays revoked the family, the winner's new pair included.
    assert_eq!(bearer(&issuer, &winners[0].1, NOW + 2), 401);
    assert_eq!(
        refresh(&issuer, "rt", rt(&winners[0].1), "", NOW + 2).0,
        400
    );
}
