//! Tokens we mint verify with the `jsonwebtoken` crate, and tokens it mints
//! with our claims verify with us (HS256 and EdDSA).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use airisk_auth::keys::{Key, KeySet};
use airisk_auth::token::{Claims, Policy, Verifier};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

const ISS: &str = "https://airisk.example";
const SECRET: &[u8; 32] = b"interop-secret-interop-secret-32";
const SEED: [u8; 32] = [0x2a; 32];

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct TheirClaims {
    iss: String,
    sub: String,
    client_id: String,
    user_token: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_id: Option<String>,
    iat: u64,
    exp: u64,
    jti: String,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn their_validation(alg: Algorithm) -> Validation {
    let mut v = Validation::new(alg);
    v.set_issuer(&[ISS]);
    v.set_required_spec_claims(&["exp", "iss", "sub"]);
    v
}

fn ours_hs() -> Arc<KeySet> {
    Arc::new(KeySet::single(Key::hs256(Some("k1"), SECRET).unwrap()).unwrap())
}

/// The Ed25519 key as PKCS#8 v1 DER (RFC 8410), which `jsonwebtoken` reads.
fn ed_pkcs8(seed: &[u8; 32]) -> Vec<u8> {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(seed);
    der
}

#[test]
fn our_hs256_tokens_decode_with_jsonwebtoken() {
    let t = now();
    let mut claims = Claims::user(ISS, "abc123", "user_42", t, 600, "jti-1");
    claims.company_id = Some("acme".into());
    let token = ours_hs().mint(&claims).unwrap();
    let data = jsonwebtoken::decode::<TheirClaims>(
        &token,
        &DecodingKey::from_secret(SECRET),
        &their_validation(Algorithm::HS256),
    )
    .unwrap();
    assert_eq!(data.header.kid.as_deref(), Some("k1"));
    assert_eq!(data.claims.sub, "user_42");
    assert!(data.claims.user_token);
    assert_eq!(data.claims.company_id.as_deref(), Some("acme"));
    assert_eq!(data.claims.exp, t + 600);
}

#[test]
fn jsonwebtoken_hs256_tokens_verify_with_us() {
    let t = now();
    let theirs = TheirClaims {
        iss: ISS.into(),
        sub: "abc123".into(),
        client_id: "abc123".into(),
        user_token: false,
        company_id: None,
        iat: t,
        exp: t + 600,
        jti: "their-jti".into(),
    };
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("k1".into());
    let token = jsonwebtoken::encode(&header, &theirs, &EncodingKey::from_secret(SECRET)).unwrap();
    let verifier = Verifier::new(ours_hs(), Policy::new(ISS));
    let claims = verifier.verify_at(&token, t + 1).unwrap();
    assert_eq!(claims.client_id.as_deref(), Some("abc123"));
    assert_eq!(claims.userid(), None);
    assert_eq!(claims.jti.as_deref(), Some("their-jti"));
    // And their token signed with another secret is refused.
    let forged =
        jsonwebtoken::encode(&header, &theirs, &EncodingKey::from_secret(&[1; 32])).unwrap();
    assert_eq!(
        verifier.verify_at(&forged, t + 1),
        Err(airisk_auth::Error::InvalidSignature)
    );
}

#[test]
fn eddsa_both_ways() {
    let t = now();
    let keys =
        Arc::new(KeySet::single(Key::ed25519_from_seed(Some("e1"), &SEED).unwrap()).unwrap());
    let claims = Claims::generic(ISS, "abc123", t, 600, "jti-e");
    let token = keys.mint(&claims).unwrap();
    let public = keys.active().unwrap().to_jwk(false).unwrap();
    let x = public["x"].as_str().unwrap();
    let decoding = DecodingKey::from_ed_components(x).unwrap();
    let data =
        jsonwebtoken::decode::<TheirClaims>(&token, &decoding, &their_validation(Algorithm::EdDSA))
            .unwrap();
    assert_eq!(data.claims.jti, "jti-e");

    let theirs = TheirClaims {
        iss: ISS.into(),
        sub: "abc123".into(),
        client_id: "abc123".into(),
        user_token: false,
        company_id: None,
        iat: t,
        exp: t + 600,
        jti: "their-e".into(),
    };
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some("e1".into());
    let encoding = EncodingKey::from_ed_der(&ed_pkcs8(&SEED));
    let token = jsonwebtoken::encode(&header, &theirs, &encoding).unwrap();
    let verifier = Verifier::new(keys, Policy::new(ISS));
    assert_eq!(
        verifier.verify_at(&token, t).unwrap().jti.as_deref(),
        Some("their-e")
    );
}
