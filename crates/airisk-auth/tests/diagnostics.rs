//! Errors that name things (issue 17.5): the setting and its range, the claim,
//! the position in a key document, unknown members, unreadable files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::code::CodeKey;
use airisk_auth::dangerous::sign_jws;
use airisk_auth::diagnostic::{Allowed, SettingError};
use airisk_auth::flow::{Issuer, IssuerConfig};
use airisk_auth::keys::{Key, KeySet};
use airisk_auth::registry::MemoryRegistry;
use airisk_auth::store::MemoryStore;
use airisk_auth::token::{Claims, Policy, Verifier};
use airisk_auth::Error;
use std::sync::Arc;

const ISS: &str = "https://airisk.example";
const SECRET_B64: &str =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

fn keys() -> Arc<KeySet> {
    Arc::new(KeySet::single(Key::generate_hs256("k1").unwrap()).unwrap())
}

#[test]
fn a_policy_setting_out_of_range_is_named_with_its_range() {
    let e = Policy::new(ISS).with_leeway(9999).unwrap_err();
    assert_eq!(e.setting, "leeway");
    assert_eq!(e.allowed, Allowed::Range { min: 0, max: 300 });
    assert_eq!(
        e.to_string(),
        "the setting `leeway` is out of its allowed range: 0 to 300"
    );
    assert_eq!(Error::from(e), Error::InvalidConfiguration);

    let e = Policy::new(ISS).with_max_token_len(10).unwrap_err();
    assert_eq!(e, SettingError::range("max_token_len", 64, 65_536));
    assert!(Policy::new(ISS).with_leeway(300).is_ok());
}

#[test]
fn an_issuer_setting_out_of_range_is_named() {
    type Spoil = fn(&mut IssuerConfig);
    let cases: [(Spoil, &str, &str); 5] = [
        (|c| c.code_ttl = 0, "code_ttl", "1 to 600"),
        (|c| c.token_ttl = 59, "token_ttl", "60 to 86400"),
        (|c| c.ticket_ttl = 7200, "ticket_ttl", "1 to 3600"),
        (|c| c.issuer.clear(), "issuer", "a non-empty string"),
        (
            |c| c.audience = Some(String::new()),
            "audience",
            "absent or a non-empty string",
        ),
    ];
    for (spoil, setting, allowed) in cases {
        let mut config = IssuerConfig::new(ISS);
        spoil(&mut config);
        let e = config.check().unwrap_err();
        assert_eq!(e.setting, setting);
        assert!(e.to_string().ends_with(allowed), "{e}");
        assert!(e.to_string().contains(&format!("`{setting}`")), "{e}");
        let issuer = Issuer::new(
            config,
            keys(),
            CodeKey::generate().unwrap(),
            Arc::new(MemoryRegistry::new()),
            Arc::new(MemoryStore::default()),
        );
        assert_eq!(issuer.unwrap_err(), Error::InvalidConfiguration);
    }
    assert!(IssuerConfig::new(ISS).check().is_ok());
}

#[test]
fn a_missing_claim_is_named_on_request() {
    let keys = keys();
    let verifier = Verifier::new(keys.clone(), Policy::new(ISS));
    let full = Claims::generic(ISS, "abc123", 1_000, 3_600, "id-1");
    let valid = keys.mint(&full).unwrap();
    assert_eq!(verifier.explain_at(&valid, 2_000), None);

    for (name, spoil) in [
        ("client_id", {
            let spoil: fn(&mut Claims) = |c| c.client_id = None;
            spoil
        }),
        ("jti", |c| c.jti = None),
        ("iat", |c| c.iat = None),
        ("sub", |c| c.sub = None),
    ] {
        let mut claims = full.clone();
        spoil(&mut claims);
        let token = keys.mint(&claims).unwrap();
        assert_eq!(
            verifier.verify_at(&token, 2_000).unwrap_err(),
            Error::MissingClaim
        );
        let refusal = verifier.explain_at(&token, 2_000).unwrap();
        assert_eq!(
            (refusal.kind, refusal.claim),
            (Error::MissingClaim, Some(name))
        );
        assert_eq!(
            refusal.to_string(),
            format!("the token lacks a required claim: `{name}`")
        );
    }

    // No `exp` at all: only a hand-made token can lack it.
    let key = keys.active().unwrap();
    let token = sign_jws(
        key,
        br#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#,
        br#"{"iss":"https://airisk.example","sub":"abc123","client_id":"abc123","user_token":false,"iat":1000,"jti":"x"}"#,
    )
    .unwrap();
    let refusal = verifier.explain_at(&token, 2_000).unwrap();
    assert_eq!(
        (refusal.kind, refusal.claim),
        (Error::MissingClaim, Some("exp"))
    );
}

#[test]
fn a_claim_of_the_wrong_type_is_named_on_request() {
    let keys = keys();
    let verifier = Verifier::new(keys.clone(), Policy::new(ISS));
    let token = sign_jws(
        keys.active().unwrap(),
        br#"{"alg":"HS256","kid":"k1"}"#,
        br#"{"iss":"https://airisk.example","exp":"4600"}"#,
    )
    .unwrap();
    assert_eq!(
        verifier.verify_at(&token, 2_000).unwrap_err(),
        Error::MalformedClaims
    );
    let refusal = verifier.explain_at(&token, 2_000).unwrap();
    assert_eq!(
        (refusal.kind, refusal.claim),
        (Error::MalformedClaims, Some("exp"))
    );
    assert_eq!(refusal.to_string(), "the token claims are malformed: `exp`");

    // A refusal about no claim names none.
    let other = Verifier::new(keys.clone(), Policy::new("https://other.example"));
    let valid = keys
        .mint(&Claims::generic(ISS, "abc123", 1_000, 3_600, "id-1"))
        .unwrap();
    let refusal = other.explain_at(&valid, 2_000).unwrap();
    assert_eq!((refusal.kind, refusal.claim), (Error::InvalidIssuer, None));
}

#[test]
fn explain_refusal_names_the_claim_only_for_the_kinds_that_have_one() {
    let keys = keys();
    let verifier = Verifier::new(keys.clone(), Policy::new(ISS));
    let mut claims = Claims::generic(ISS, "abc123", 1_000, 3_600, "id-1");
    claims.client_id = None;
    let token = keys.mint(&claims).unwrap();
    let kind = verifier.verify_at(&token, 2_000).unwrap_err();
    let refusal = verifier.explain_refusal(&token, 2_000, kind);
    assert_eq!(
        (refusal.kind, refusal.claim),
        (Error::MissingClaim, Some("client_id"))
    );
    // Another kind is passed through without a second verification.
    let refusal = verifier.explain_refusal(&token, 2_000, Error::Expired);
    assert_eq!((refusal.kind, refusal.claim), (Error::Expired, None));
    // An explanation that disagrees with the kind given names nothing.
    let valid = keys
        .mint(&Claims::generic(ISS, "abc123", 1_000, 3_600, "id-2"))
        .unwrap();
    let refusal = verifier.explain_refusal(&valid, 2_000, Error::MissingClaim);
    assert_eq!((refusal.kind, refusal.claim), (Error::MissingClaim, None));
}

#[test]
fn unknown_members_of_a_key_document_are_refused_with_their_position() {
    let doc = format!("{{\"keys\": [{{\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"{SECRET_B64}\"}}],\n  \"activ_kid\": \"a\"}}");
    assert_eq!(KeySet::from_json(&doc).unwrap_err(), Error::InvalidKey);
    let why = KeySet::explain(&doc).unwrap();
    assert_eq!(why.line, 2);
    assert!(
        why.message.starts_with("unknown field `activ_kid`"),
        "{why}"
    );

    let doc = format!("{{\"keys\": [\n  {{\"kty\":\"oct\",\"kid\":\"a\",\"algg\":\"HS256\",\"k\":\"{SECRET_B64}\"}}\n]}}");
    assert_eq!(KeySet::from_json(&doc).unwrap_err(), Error::InvalidKey);
    let why = KeySet::explain(&doc).unwrap();
    assert_eq!((why.line, why.column), (2, 31), "{why}");
    assert!(why.message.starts_with("unknown field `algg`"), "{why}");
    assert!(!why.to_string().contains(SECRET_B64));

    let jwk = format!("{{\"kty\":\"oct\",\"algg\":\"HS256\",\"k\":\"{SECRET_B64}\"}}");
    assert_eq!(Key::from_jwk(&jwk).unwrap_err(), Error::InvalidKey);

    // The members RFC 7517 registers are accepted, as published JWKS carry them.
    let jwk = format!(
        "{{\"kty\":\"oct\",\"use\":\"sig\",\"key_ops\":[\"sign\"],\"k\":\"{SECRET_B64}\"}}"
    );
    assert!(Key::from_jwk(&jwk).is_ok());
    let eddsa = KeySet::single(Key::generate_ed25519("e").unwrap()).unwrap();
    assert_eq!(
        KeySet::from_json(&eddsa.to_jwks().to_string())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_bad_key_names_its_position_and_never_its_secret() {
    let doc = "{\"keys\": [\n  {\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"c2hvcnQ\"}]}";
    assert_eq!(KeySet::from_json(doc).unwrap_err(), Error::WeakKey);
    let why = KeySet::explain(doc).unwrap();
    assert_eq!(
        (why.line, why.column, why.message.as_str()),
        (2, 3, "the key is too short")
    );

    let doc = "{\"keys\": [{\"kty\":\"oct\",\"k\": 12345678}]}";
    let why = KeySet::explain(doc).unwrap();
    assert!(!why.to_string().contains("12345678"), "{why}");
    assert_eq!(why.line, 1);

    let doc = format!(
        "{{\"keys\": [{{\"kty\":\"oct\",\"k\":\"{SECRET_B64}\"}}], \"active_kid\": \"b\"}}"
    );
    let why = KeySet::explain(&doc).unwrap();
    assert_eq!(
        why.message,
        "active_kid \"b\": the token names a key that is not known"
    );
}

#[test]
fn an_unreadable_file_is_an_io_error_with_its_path_and_the_os_error() {
    let path = std::env::temp_dir().join("airisk-diagnostics-missing.json");
    let e = KeySet::from_file(&path).unwrap_err();
    assert_eq!(e.kind(), Error::Io);
    assert_eq!(e.kind().code(), 27);
    assert_eq!(e.path(), path);
    assert_eq!(
        e.io_error().map(std::io::Error::kind),
        Some(std::io::ErrorKind::NotFound)
    );
    assert!(e
        .to_string()
        .starts_with(&format!("cannot read {}: ", path.display())));

    let e = MemoryRegistry::from_file(&path).unwrap_err();
    assert_eq!(e.kind(), Error::Io);
    assert_eq!(e.path(), path);
}

#[test]
fn a_refused_key_file_says_where() {
    let path = std::env::temp_dir().join(format!("airisk-diagnostics-{}.json", std::process::id()));
    std::fs::write(&path, "{\"keys\": [],\n \"activ_kid\": \"a\"}").unwrap();
    let e = KeySet::from_file(&path).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(e.kind(), Error::InvalidKey);
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("{}: line 2, column ", path.display())),
        "{shown}"
    );
    assert!(shown.contains("unknown field `activ_kid`"), "{shown}");
}
