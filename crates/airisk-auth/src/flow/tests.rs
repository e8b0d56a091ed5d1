//! Unit tests of the flow's private parsing and answer helpers.

use super::bearer::bearer_token;
use super::params::{body_kind, BodyKind, Params};
use super::response::trace_id;
use super::*;
use crate::token::Claims;

#[test]
fn form_decoding_is_strict() {
    let p = Params::from_form(b"a=1+2&b=%41%42&c&&d=").unwrap();
    assert_eq!(p.get("a"), Some("1 2"));
    assert_eq!(p.get("b"), Some("AB"));
    assert_eq!(p.raw("c"), Some(""));
    assert_eq!(p.get("d"), None);
    assert_eq!(
        Params::from_form(b"a=1&a=2").err(),
        Some(Error::DuplicateParameter)
    );
    assert_eq!(
        Params::from_form(b"a=%4").err(),
        Some(Error::MalformedRequest)
    );
    assert_eq!(
        Params::from_form(b"a=%zz").err(),
        Some(Error::MalformedRequest)
    );
    assert_eq!(
        Params::from_form(b"a=%ff").err(),
        Some(Error::MalformedRequest)
    );
    assert_eq!(
        Params::from_form(b"%61=1&a=2").err(),
        Some(Error::DuplicateParameter)
    );
}

#[test]
fn json_params_are_strings_without_repeats() {
    assert!(Params::from_json(br#"{"a":"1","b":"2"}"#).is_ok());
    for bad in [
        &br#"{"a":"1","a":"2"}"#[..],
        br#"{"a":1}"#,
        br#"{"a":null}"#,
        br#"["a"]"#,
        b"{",
    ] {
        assert!(Params::from_json(bad).is_err());
    }
}

#[test]
fn content_types() {
    assert!(matches!(
        body_kind(Some("application/json")),
        Some(BodyKind::Json)
    ));
    assert!(matches!(
        body_kind(Some("Application/JSON; charset=UTF-8")),
        Some(BodyKind::Json)
    ));
    assert!(matches!(
        body_kind(Some("application/x-www-form-urlencoded;charset=\"utf-8\"")),
        Some(BodyKind::Form)
    ));
    for bad in [
        "text/plain",
        "application/json; charset=latin1",
        "application/json; x=y",
        "",
    ] {
        assert!(body_kind(Some(bad)).is_none(), "{bad}");
    }
    assert!(body_kind(None).is_none());
}

#[test]
fn bearer_header_forms() {
    assert_eq!(bearer_token("Bearer abc"), Some("abc"));
    assert_eq!(bearer_token("bearer  abc "), Some("abc"));
    assert_eq!(bearer_token("Basic abc"), None);
    assert_eq!(bearer_token("Bearer"), None);
    assert_eq!(bearer_token("Bearer "), None);
}

#[derive(Debug)]
struct Unreachable;
impl RevocationList for Unreachable {
    fn revoke(&self, _: &str, _: u64, _: u64) -> Result<()> {
        Err(Error::LedgerUnavailable)
    }
    fn is_revoked(&self, _: &str, _: u64) -> Result<bool> {
        Err(Error::LedgerUnavailable)
    }
}

#[test]
fn bearer_fails_closed_with_503_when_revocations_are_unreachable() {
    let keys =
        Arc::new(KeySet::single(crate::keys::Key::hs256(Some("k"), &[1; 32]).unwrap()).unwrap());
    let token = keys
        .mint(&Claims::generic("i", "c", 100, 3600, "j"))
        .unwrap();
    let verifier = Verifier::new(keys, Policy::new("i")).with_revocations(Arc::new(Unreachable));
    let answer = check_bearer_at(
        &verifier,
        Some(&format!("Bearer {token}")),
        Access::Any,
        200,
    )
    .unwrap_err();
    assert_eq!(answer.status, 503);
    assert_eq!(answer.reason, Some(Error::LedgerUnavailable));
    assert_eq!(answer.header("WWW-Authenticate"), None);
}

#[test]
fn trace_ids_are_w3c_shaped() {
    let id = trace_id();
    let parts: Vec<_> = id.split('-').collect();
    assert_eq!(parts.len(), 4);
    assert_eq!((parts[0], parts[3]), ("00", "00"));
    assert_eq!((parts[1].len(), parts[2].len()), (32, 16));
    assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
    assert_ne!(trace_id(), id);
}

fn basic_issuer() -> Issuer {
    let mut registry = crate::registry::MemoryRegistry::new();
    registry
        .add_client(
            crate::registry::Client::new("abc123", "s3cret-0123456789", "https://localhost/cb")
                .unwrap(),
        )
        .unwrap();
    let keys =
        Arc::new(KeySet::single(crate::keys::Key::hs256(Some("k"), &[1; 32]).unwrap()).unwrap());
    Issuer::new(
        IssuerConfig::new("https://airisk.example"),
        keys,
        CodeKey::from_bytes(&[2; 32]).unwrap(),
        Arc::new(registry),
    )
    .unwrap()
}

#[test]
fn hostile_basic_headers_get_a_401_challenge_never_a_500() {
    let issuer = basic_issuer();
    let body = b"grant_type=authorization_code&redirect_uri=https%3A%2F%2Flocalhost%2Fcb&code=x";
    let megabyte = format!("Basic {}", "QUFB".repeat(256 * 1024));
    let random: String = (0..5000u32)
        .map(|i| char::from(b"A+/=:%"[usize::try_from(i * 7 % 6).unwrap()]))
        .collect();
    for header in [
        megabyte.as_str(),
        "Basic not base64!",
        "Basic YWJjMTIz",         // "abc123": no colon
        "Basic YWJjMTIzOiV6eg==", // "abc123:%zz"
        "Basic \u{e9}\u{e9}",
        random.as_str(),
        "",
    ] {
        let request = Request::new(Some("application/x-www-form-urlencoded"), body)
            .with_authorization(Some(header));
        let answer = issuer.exchange_at(&request, 1_000);
        assert_eq!(answer.status, 401, "{header:.40}");
        assert_eq!(answer.reason, Some(Error::InvalidClientCredentials));
        assert_eq!(
            answer.header("WWW-Authenticate"),
            Some("Basic realm=\"https://airisk.example\"")
        );
        assert!(answer.body.contains("\"error\":\"invalid_client\""));
    }
}

#[test]
fn the_realm_cannot_break_out_of_its_quotes() {
    assert_eq!(
        super::answer::basic_challenge("a\"b\\c\r\nd"),
        "Basic realm=\"a\\\"b\\\\cd\""
    );
}
