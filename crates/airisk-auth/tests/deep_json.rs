//! 100,000-deep JSON (issue 8) reaches every JSON reader of the core without
//! overflowing the stack: each refuses it with its documented error, or, where
//! the size bound comes first, before decoding at all.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use airisk_auth::dangerous::{inspect_unverified, sign_jws};
use airisk_auth::flow::IssuerConfig;
use airisk_auth::keys::{Key, KeySet};
use airisk_auth::prelude::*;
use airisk_auth::store::MemoryStore;
use airisk_auth::token::MAX_MAX_TOKEN_LEN;
use std::sync::Arc;

const DEPTH: usize = 100_000;

fn deep(open: &str, close: &str, depth: usize) -> String {
    [open.repeat(depth), close.repeat(depth)].concat()
}

#[test]
fn loaders_refuse_deep_documents() {
    let arrays = deep("[", "]", DEPTH);
    let objects = deep("{\"a\":", "}", DEPTH);
    for doc in [&arrays, &objects] {
        assert_eq!(Key::from_jwk(doc).unwrap_err(), Error::InvalidKey);
        assert_eq!(KeySet::from_json(doc).unwrap_err(), Error::InvalidKey);
        assert!(MemoryRegistry::from_json(doc).is_err());
        assert!(Claims::from_json(doc).is_err());
    }
    let inside = format!("{{\"keys\":[{{\"kty\":\"oct\",\"k\":{arrays}}}]}}");
    assert_eq!(KeySet::from_json(&inside).unwrap_err(), Error::InvalidKey);
}

#[test]
fn a_signed_deep_token_is_refused_without_overflow() {
    let key = Key::hs256(Some("k"), &[3; 32]).unwrap();
    let keys = Arc::new(KeySet::single(Key::hs256(Some("k"), &[3; 32]).unwrap()).unwrap());
    let policy = Policy::new("i")
        .with_max_token_len(MAX_MAX_TOKEN_LEN)
        .unwrap();
    let verifier = Verifier::new(keys, policy);
    // As deep as fits the largest policy. In a member the verifier reads, the
    // nesting is malformed at its first level; in one it skips, serde_json skips
    // it iteratively (no recursion), and the verdict is about the claims.
    let depth = MAX_MAX_TOKEN_LEN / 3;
    let nested = deep("[", "]", depth);
    let read = format!("{{\"iss\":\"i\",\"aud\":{nested}}}");
    let token = sign_jws(&key, br#"{"alg":"HS256","kid":"k"}"#, read.as_bytes()).unwrap();
    assert!(token.len() <= MAX_MAX_TOKEN_LEN, "{}", token.len());
    assert_eq!(verifier.verify_at(&token, 0), Err(Error::MalformedClaims));
    assert_eq!(
        inspect_unverified(&token).unwrap_err(),
        Error::MalformedClaims
    );
    let skipped = format!("{{\"iss\":\"i\",\"x\":{nested}}}");
    let token = sign_jws(&key, br#"{"alg":"HS256","kid":"k"}"#, skipped.as_bytes()).unwrap();
    assert_eq!(verifier.verify_at(&token, 0), Err(Error::MissingClaim));
    let header = format!("{{\"alg\":\"HS256\",\"kid\":{nested}}}");
    let token = sign_jws(&key, header.as_bytes(), b"{}").unwrap();
    assert_eq!(verifier.verify_at(&token, 0), Err(Error::MalformedHeader));
    // And 100,000 deep is refused by the size bound before any decoding.
    let token = sign_jws(
        &key,
        br#"{"alg":"HS256","kid":"k"}"#,
        deep("[", "]", DEPTH).as_bytes(),
    )
    .unwrap();
    assert_eq!(verifier.verify_at(&token, 0), Err(Error::TokenTooLarge));
}

#[test]
fn a_deep_token_request_body_is_refused() {
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(Client::new("abc123", "s3cret", "https://localhost/callback").unwrap())
        .unwrap();
    let keys = Arc::new(KeySet::single(Key::generate_hs256("k").unwrap()).unwrap());
    let issuer = Issuer::new(
        IssuerConfig::new("i"),
        keys,
        CodeKey::generate().unwrap(),
        Arc::new(registry),
        Arc::new(MemoryStore::default()),
    )
    .unwrap();
    // Within the 16 KiB body bound: malformed. Beyond it: refused unread.
    let within = deep("[", "]", 8_000);
    let answer = issuer.exchange_at(
        &Request::new(Some("application/json"), within.as_bytes()),
        0,
    );
    assert_eq!(
        (answer.status, answer.reason),
        (400, Some(Error::MalformedRequest))
    );
    let beyond = deep("{\"a\":", "}", DEPTH);
    let answer = issuer.exchange_at(
        &Request::new(Some("application/json"), beyond.as_bytes()),
        0,
    );
    assert_eq!(
        (answer.status, answer.reason),
        (400, Some(Error::RequestTooLarge))
    );
}
