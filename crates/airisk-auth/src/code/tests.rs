//! Unit tests of codes: every binding checked, PKCE, uniqueness.
use super::*;

fn binding<'a>(userid: Option<&'a str>, challenge: Option<&'a str>) -> CodeBinding<'a> {
    CodeBinding::new("abc123", "https://localhost/callback", userid, challenge)
}

#[test]
fn every_binding_is_checked() {
    let key = CodeKey::from_bytes(&[5; 32]).unwrap();
    let issued = key.issue(&binding(Some("u1"), None), 100, 60).unwrap();
    assert_eq!(issued.code.len(), CODE_LEN);
    let ok = binding(Some("u1"), None);
    assert!(key.check(&issued.code, &ok, None, 100).is_ok());
    assert_eq!(
        key.check(&issued.code, &binding(Some("u2"), None), None, 100),
        Err(Error::InvalidCode)
    );
    assert_eq!(
        key.check(&issued.code, &binding(None, None), None, 100),
        Err(Error::UseridMismatch)
    );
    let other_client = CodeBinding {
        client_id: "abc124",
        ..ok
    };
    assert_eq!(
        key.check(&issued.code, &other_client, None, 100),
        Err(Error::InvalidCode)
    );
    let other_uri = CodeBinding {
        redirect_uri: "https://localhost/callback/",
        ..ok
    };
    assert_eq!(
        key.check(&issued.code, &other_uri, None, 100),
        Err(Error::InvalidCode)
    );
    assert_eq!(
        key.check(&issued.code, &ok, Some(&"a".repeat(43)), 100),
        Err(Error::PkceUnexpected)
    );
    assert_eq!(
        key.check(&issued.code, &ok, None, 160),
        Err(Error::CodeExpired)
    );
    assert_eq!(
        key.check(&issued.code, &ok, None, 159)
            .map(|c| c.expires_at),
        Ok(160)
    );
    let other_key = CodeKey::from_bytes(&[6; 32]).unwrap();
    assert_eq!(
        other_key.check(&issued.code, &ok, None, 100),
        Err(Error::InvalidCode)
    );
}

#[test]
fn pkce_binding() {
    let key = CodeKey::from_bytes(&[5; 32]).unwrap();
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = s256_challenge(verifier).unwrap();
    let issued = key.issue(&binding(None, Some(&challenge)), 0, 60).unwrap();
    let b = binding(None, None);
    assert!(key.check(&issued.code, &b, Some(verifier), 1).is_ok());
    assert_eq!(
        key.check(&issued.code, &b, None, 1),
        Err(Error::PkceRequired)
    );
    let wrong = "eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    assert_eq!(
        key.check(&issued.code, &b, Some(wrong), 1),
        Err(Error::InvalidCode)
    );
    assert_eq!(
        key.check(&issued.code, &b, Some("short"), 1),
        Err(Error::PkceMismatch)
    );
    assert_eq!(
        key.issue(&binding(None, Some("plain-challenge")), 0, 60)
            .unwrap_err(),
        Error::UnsupportedPkceMethod
    );
}

#[test]
fn codes_differ_and_jti_is_stable() {
    let key = CodeKey::from_bytes(&[5; 32]).unwrap();
    let a = key.issue(&binding(None, None), 0, 60).unwrap();
    let b = key.issue(&binding(None, None), 0, 60).unwrap();
    assert_ne!(a.code, b.code);
    assert_eq!(key.token_id(&a.id), key.token_id(&a.id));
    assert_ne!(key.token_id(&a.id), key.token_id(&b.id));
    assert_eq!(
        key.issue(&binding(None, None), 0, 601).unwrap_err(),
        Error::InvalidConfiguration
    );
}

#[test]
fn a_code_carrying_scope_and_claims_is_version_2_and_bound_alike() {
    let key = CodeKey::from_bytes(&[5; 32]).unwrap();
    let carrying = binding(Some("u1"), None)
        .with_scope(Some("read write"))
        .with_claims(Some(r#"{"role":"admin"}"#));
    let issued = key.issue(&carrying, 100, 60).unwrap();
    assert!(issued.code.len() > CODE_LEN && issued.code.len() <= MAX_CODE_LEN);
    // At check time the presented binding's scope and claims are ignored: the code says.
    let checked = key
        .check(&issued.code, &binding(Some("u1"), None), None, 100)
        .unwrap();
    assert_eq!(checked.scope.as_deref(), Some("read write"));
    assert_eq!(checked.claims.as_deref(), Some(r#"{"role":"admin"}"#));
    assert_eq!(
        key.check(&issued.code, &binding(Some("u2"), None), None, 100),
        Err(Error::InvalidCode)
    );
    assert_eq!(
        key.check(&issued.code, &binding(Some("u1"), None), None, 160),
        Err(Error::CodeExpired)
    );
    // Only the scope: the claims field is empty and read as none.
    let scoped = key
        .issue(&binding(None, None).with_scope(Some("read")), 100, 60)
        .unwrap();
    let checked = key
        .check(&scoped.code, &binding(None, None), None, 100)
        .unwrap();
    assert_eq!(
        (checked.scope.as_deref(), checked.claims),
        (Some("read"), None)
    );
    // Empty scope and claims: a version 1 code, as before.
    let plain = key
        .issue(
            &binding(None, None).with_scope(Some("")).with_claims(None),
            100,
            60,
        )
        .unwrap();
    assert_eq!(plain.code.len(), CODE_LEN);
    assert_eq!(
        key.issue(
            &binding(None, None).with_scope(Some(&"a".repeat(1025))),
            100,
            60
        )
        .unwrap_err(),
        Error::InvalidClaims
    );
}
