//! Tokens we mint verify with the `jsonwebtoken` crate, and tokens it mints
//! with our claims verify with us (HS256 and EdDSA); the RS256/PS256/ES256
//! vectors of `tests/vectors/interop.json` (RFC 7515, PyJWT, and jsonwebtoken
//! tokens minted here under `UPDATE_VECTORS=1`) hold.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

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

/// Mints the jsonwebtoken cases of interop.json with its test-only signing keys.
fn jsonwebtoken_cases(doc: &serde_json::Value) -> Vec<serde_json::Value> {
    let now = doc["now"].as_u64().unwrap();
    let iss = doc["policies"]["interop_idp"]["issuer"].as_str().unwrap();
    let source = "jsonwebtoken 11 (rust_crypto)";
    let mut cases = Vec::new();
    for (alg, kid) in [
        (Algorithm::RS256, "rs-2048"),
        (Algorithm::PS256, "ps-3072"),
        (Algorithm::ES256, "es-p256"),
    ] {
        let pem = doc["signing_keys"][kid].as_str().unwrap().as_bytes();
        let key = match alg {
            Algorithm::ES256 => EncodingKey::from_ec_pem(pem),
            _ => EncodingKey::from_rsa_pem(pem),
        }
        .unwrap();
        let theirs = TheirClaims {
            iss: iss.into(),
            sub: format!("jwt-rs-{kid}"),
            client_id: "idp-client".into(),
            user_token: true,
            company_id: Some("acme".into()),
            iat: now - 100,
            exp: now + 3500,
            jti: format!("jti-jwt-rs-{kid}"),
        };
        let mut header = Header::new(alg);
        header.kid = Some(kid.into());
        let token = jsonwebtoken::encode(&header, &theirs, &key).unwrap();
        let mut want = Claims::user(iss, "idp-client", &theirs.sub, now - 100, 3600, &theirs.jti);
        want.company_id.clone_from(&theirs.company_id);
        cases.push(serde_json::json!({
            "name": format!("jsonwebtoken {alg:?}"), "source": source, "keyset": "interop_idp",
            "policy": "interop_idp", "now": now, "token": token,
            "expect": {"claims": support::claims_json(&want)},
        }));
    }
    cases
}

#[test]
fn interop_vectors_hold() {
    let path = support::vectors_dir().join("interop.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        let minted = jsonwebtoken_cases(&doc);
        let verify = doc["verify"].as_array_mut().unwrap();
        verify.retain(|c| !c["source"].as_str().unwrap().starts_with("jsonwebtoken"));
        verify.extend(minted);
        std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
    }
    let keysets = doc["keysets"].as_object().unwrap();
    let policies = doc["policies"].as_object().unwrap();
    let mut failures = Vec::new();
    let mut names = std::collections::HashSet::new();
    let verify = doc["verify"].as_array().unwrap();
    let from_jsonwebtoken = verify
        .iter()
        .filter(|c| c["source"].as_str().unwrap().starts_with("jsonwebtoken"))
        .count();
    assert_eq!(
        from_jsonwebtoken, 3,
        "run with UPDATE_VECTORS=1 to mint them"
    );
    for case in verify {
        assert!(
            names.insert(case["name"].as_str().unwrap()),
            "{}",
            case["name"]
        );
        if let Err(e) = support::run_verify_case(keysets, policies, case) {
            failures.push(e);
        }
    }
    for case in doc["keys"].as_array().unwrap() {
        let got = match (case.get("jwk"), case.get("keyset")) {
            (Some(jwk), _) => Key::from_jwk(jwk.as_str().unwrap()).map(|_| ()),
            (_, Some(set)) => KeySet::from_json(set.as_str().unwrap()).map(|_| ()),
            _ => panic!("key case without input"),
        };
        if got.err().map(airisk_auth::Error::name) != case["expect"]["error"].as_str() {
            failures.push(format!("key {}: got {got:?}", case["name"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every single-character change of the PyJWT RS256, PS256 and ES256 tokens
/// (each position, to a neighbouring base64url character) is refused.
#[test]
fn no_single_character_change_of_an_interop_token_verifies() {
    let path = support::vectors_dir().join("interop.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let keys = Arc::new(KeySet::from_json(&doc["keysets"]["interop_idp"].to_string()).unwrap());
    let policy = support::policy_from_json(&doc["policies"]["interop_idp"]);
    let verifier = Verifier::new(keys, policy);
    let now = doc["now"].as_u64().unwrap();
    let mut checked = 0;
    for name in ["PyJWT RS256", "PyJWT PS256", "PyJWT ES256"] {
        let case = doc["verify"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap();
        let token = case["token"].as_str().unwrap();
        assert!(verifier.verify_at(token, now).is_ok(), "{name}");
        for (i, c) in token.char_indices() {
            let other = match c {
                '.' => continue,
                'A' => 'B',
                _ => 'A',
            };
            let mut changed = token.to_owned();
            changed.replace_range(i..=i, other.encode_utf8(&mut [0; 4]));
            assert!(verifier.verify_at(&changed, now).is_err(), "{name} at {i}");
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// RSA and EC JWKs of arbitrary members load or fail with a key error,
    /// never a panic; a key that loads round-trips through its JWK.
    #[test]
    fn rsa_and_ec_jwk_loading_never_panics(
        kty in proptest::sample::select(vec!["RSA", "EC"]),
        crv in proptest::option::of(proptest::sample::select(vec!["P-256", "P-384"])),
        alg in proptest::option::of(proptest::sample::select(vec!["RS256", "PS256", "ES256", "HS256"])),
        n in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        e in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..6),
        x in proptest::collection::vec(proptest::prelude::any::<u8>(), 30..34),
        y in proptest::collection::vec(proptest::prelude::any::<u8>(), 30..34),
    ) {
        use base64::Engine as _;
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        let jwk = if kty == "RSA" {
            serde_json::json!({"kty": kty, "alg": alg, "n": b64(&n), "e": b64(&e)})
        } else {
            serde_json::json!({"kty": kty, "crv": crv, "alg": alg, "x": b64(&x), "y": b64(&y)})
        };
        match Key::from_jwk(&jwk.to_string()) {
            Ok(key) => {
                proptest::prop_assert!(!key.can_sign());
                let again = Key::from_jwk(&key.to_jwk(false).unwrap().to_string()).unwrap();
                proptest::prop_assert_eq!(again.algorithm(), key.algorithm());
                proptest::prop_assert_eq!(again.signature_len(), key.signature_len());
            }
            Err(e) => proptest::prop_assert!(
                matches!(e, airisk_auth::Error::InvalidKey | airisk_auth::Error::WeakKey),
                "{:?}", e
            ),
        }
    }
}
