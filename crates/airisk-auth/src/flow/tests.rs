//! Unit tests of the flow's private parsing and answer helpers.

use super::bearer::bearer_token;
use super::params::{body_kind, BodyKind, Params};
use super::response::trace_id;
use super::*;
use crate::store::{MemoryStore, Store};
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

/// Issue 20.1: the repeated-name check used to compare every name with every
/// earlier one, so a 16 KiB body of 5,000 short names made 12.5 million
/// comparisons (≈1,500× the time of a body of the same size with one name).
/// Counted, not timed: the flood must cost at most the bounded check.
#[test]
fn a_parameter_flood_costs_a_bounded_number_of_comparisons() {
    use super::params::COMPARISONS;
    fn comparisons(parse: impl FnOnce() -> Result<()>) -> (usize, Result<()>) {
        COMPARISONS.with(|c| c.set(0));
        let result = parse();
        (COMPARISONS.with(core::cell::Cell::get), result)
    }
    // Every name of one or two alphanumerics: 3,906 distinct names in 11 KiB.
    let alphabet: Vec<char> = ('0'..='9').chain('a'..='z').chain('A'..='Z').collect();
    let names: Vec<String> = alphabet
        .iter()
        .map(char::to_string)
        .chain(
            alphabet
                .iter()
                .flat_map(|a| alphabet.iter().map(move |b| format!("{a}{b}"))),
        )
        .collect();
    let flood_form = names.join("&");
    let one_form = format!("p={}", "x".repeat(flood_form.len()));
    let flood_json = format!("{{\"{}\":\"\"}}", names[..1800].join("\":\"\",\""));
    let one_json = format!("{{\"p\":\"{}\"}}", "x".repeat(flood_json.len()));
    assert!(flood_form.len() <= MAX_BODY_LEN && flood_json.len() <= MAX_BODY_LEN);

    let bound = MAX_PARAMS * (MAX_PARAMS - 1) / 2;
    let (one, ok) = comparisons(|| Params::from_form(one_form.as_bytes()).map(drop));
    assert_eq!((one, ok), (0, Ok(())));
    let (flood, refused) = comparisons(|| Params::from_form(flood_form.as_bytes()).map(drop));
    assert_eq!(refused, Err(Error::RequestTooLarge));
    assert!(flood <= bound, "{flood} comparisons for the form flood");
    let (one, ok) = comparisons(|| Params::from_json(one_json.as_bytes()).map(drop));
    assert_eq!((one, ok), (0, Ok(())));
    let (flood, refused) = comparisons(|| Params::from_json(flood_json.as_bytes()).map(drop));
    assert_eq!(refused, Err(Error::RequestTooLarge));
    assert!(flood <= bound, "{flood} comparisons for the JSON flood");

    // At the bound itself, every parameter is still read.
    let at_bound = names[..MAX_PARAMS].join("&");
    let params = Params::from_form(at_bound.as_bytes()).unwrap();
    assert_eq!(params.raw(&names[MAX_PARAMS - 1]), Some(""));
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
impl Store for Unreachable {
    fn redeem(&self, _: &crate::code::CodeId, _: u64, _: u64) -> Result<crate::store::Redemption> {
        Err(Error::LedgerUnavailable)
    }
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
    let verifier = Verifier::new(keys, Policy::new("i")).with_store(Arc::new(Unreachable));
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
    let id = trace_id(&SystemRandom);
    let parts: Vec<_> = id.split('-').collect();
    assert_eq!(parts.len(), 4);
    assert_eq!((parts[0], parts[3]), ("00", "00"));
    assert_eq!((parts[1].len(), parts[2].len()), (32, 16));
    assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
    assert_ne!(trace_id(&SystemRandom), id);
}

#[test]
fn an_injected_random_source_makes_codes_and_trace_ids_reproducible() {
    use crate::code::CodeKey;
    use crate::random::DeterministicRandom;
    use crate::registry::{Client, MemoryRegistry};
    use crate::store::MemoryStore;
    let make = || {
        let mut registry = MemoryRegistry::new();
        registry
            .add_client(Client::new("c", "s3cret", "https://localhost/cb").unwrap())
            .unwrap();
        let keys = Arc::new(
            KeySet::single(crate::keys::Key::hs256(Some("k"), &[1; 32]).unwrap()).unwrap(),
        );
        Issuer::new(
            IssuerConfig::new("i"),
            keys,
            CodeKey::from_bytes(&[2; 32]).unwrap(),
            Arc::new(registry),
            Arc::new(MemoryStore::default()),
        )
        .unwrap()
        .with_random(Arc::new(DeterministicRandom::new([3; 32])))
    };
    let (a, b) = (make(), make());
    let query = "client_id=c&redirect_uri=https%3A%2F%2Flocalhost%2Fcb";
    let first = a.authorize_at(query, 100);
    assert_eq!(first.status, 302);
    assert_eq!(
        first.header("Location"),
        b.authorize_at(query, 100).header("Location")
    );
    // The next code of the same issuer differs: the stream advances.
    assert_ne!(
        first.header("Location"),
        a.authorize_at(query, 100).header("Location")
    );
    let unknown = "client_id=nobody&redirect_uri=https%3A%2F%2Flocalhost%2Fcb";
    let (c, d) = (make(), make());
    assert_eq!(
        c.authorize_at(unknown, 100).body,
        d.authorize_at(unknown, 100).body
    );
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
        Arc::new(MemoryStore::default()),
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
        answer::basic_challenge("a\"b\\c\r\nd"),
        "Basic realm=\"a\\\"b\\\\cd\""
    );
}
