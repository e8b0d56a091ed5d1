//! The shared test vectors: defined here with hand-written expectations, checked
//! against the core, and kept identical to `tests/vectors/*.json`, which the C
//! and Python suites replay. Run with `UPDATE_VECTORS=1` to rewrite the files
//! after an intended change, and review the diff.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines
)]

mod support;

use airisk_auth::dangerous::sign_jws;
use airisk_auth::keys::{Key, KeySet};
use airisk_auth::token::{Claims, Verifier};
use serde_json::{json, Value};
use std::sync::Arc;
use support::{base64_url_decode, base64_url_encode, claims_json};

const ISS: &str = "https://airisk.example";
/// 2025-06-15T15:06:40Z: a fixed "now" for token cases.
const NOW: u64 = 1_750_000_000;
const HS_2026: &[u8; 32] = b"airisk-auth-vectors-hs256-key-01";
const HS_2025: &[u8; 32] = b"airisk-auth-vectors-hs256-key-00";
const ED_SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];
/// Ed25519's group order L, little-endian (for the S+L malleability case).
const ED_L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn hs_key() -> Key {
    Key::hs256(Some("hs-2026"), HS_2026).unwrap()
}
fn ed_key() -> Key {
    Key::ed25519_from_seed(Some("ed-2026"), &ED_SEED).unwrap()
}

/// hs-2026 (active), hs-2025 (rotated out but still verifying), ed-2026.
fn mixed_set() -> KeySet {
    let mut set = KeySet::new();
    set.insert(hs_key()).unwrap();
    set.insert(Key::hs256(Some("hs-2025"), HS_2025).unwrap())
        .unwrap();
    set.insert(ed_key()).unwrap();
    set.set_active("hs-2026").unwrap();
    set
}

fn set_with_active(key: Key, kid: &str) -> KeySet {
    let mut set = KeySet::new();
    set.insert(key).unwrap();
    set.set_active(kid).unwrap();
    set
}

fn policy(issuer: &str) -> Value {
    json!({"issuer": issuer, "audience": null, "leeway": 30, "max_token_len": 8192,
           "require_user": false, "require_access_token_claims": true})
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn generic() -> Claims {
    Claims::generic(ISS, "abc123", NOW - 100, 3600, "jti-generic-1")
}
fn user() -> Claims {
    let mut c = Claims::user(ISS, "abc123", "user_42", NOW - 100, 3600, "jti-user-1");
    c.company_id = Some("acme".into());
    c
}

/// Signs arbitrary header and payload text with `key`.
fn craft(key: &Key, header: &str, payload: &str) -> String {
    sign_jws(key, header.as_bytes(), payload.as_bytes()).unwrap()
}

const HS_HEADER: &str = r#"{"alg":"HS256","typ":"JWT","kid":"hs-2026"}"#;

fn claims_text(c: &Claims) -> String {
    let mut v = claims_json(c);
    let obj = v.as_object_mut().unwrap();
    obj.retain(|_, v| !v.is_null());
    if obj["aud"].as_array().is_some_and(Vec::is_empty) {
        obj.remove("aud");
    }
    v.to_string()
}

/// Replaces the signature segment.
fn with_signature(token: &str, sig: &str) -> String {
    let (head, _) = token.rsplit_once('.').unwrap();
    format!("{head}.{sig}")
}

/// What every case family shares: the key sets, their tokens, and the claims behind them.
struct Fixture {
    mixed: KeySet,
    hs_only: KeySet,
    ed_only: KeySet,
    rfc8037: KeySet,
    hs: Key,
    ed: Key,
    /// A generic and a user token of the mixed set.
    g: String,
    u: String,
    ed_token: String,
    /// A token of the rotated-out key.
    old: String,
    exp: u64,
    /// The generic claims as JSON text.
    gc: String,
    rfc7515_token: &'static str,
    aud_one_token: String,
    aud_many: Claims,
}

impl Fixture {
    fn new() -> Self {
        let mixed = mixed_set();
        let hs_only = set_with_active(hs_key(), "hs-2026");
        let ed_only = set_with_active(ed_key(), "ed-2026");
        let rfc8037 = KeySet::from_json(r#"{"keys":[{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#).unwrap();
        let hs = hs_key();
        let ed = ed_key();
        let g = mixed.mint(&generic()).unwrap();
        let u = mixed.mint(&user()).unwrap();
        let ed_token = ed_only.mint(&user()).unwrap();
        let old = set_with_active(Key::hs256(Some("hs-2025"), HS_2025).unwrap(), "hs-2025")
            .mint(&generic())
            .unwrap();
        let exp = NOW - 100 + 3600;
        let rfc7515_token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let mut aud_one = generic();
        aud_one.aud = vec!["airisk-api".into()];
        let aud_one_token = mixed.mint(&aud_one).unwrap();
        let mut aud_many = generic();
        aud_many.aud = vec!["other".into(), "airisk-api".into()];
        Fixture {
            gc: claims_text(&generic()),
            mixed,
            hs_only,
            ed_only,
            rfc8037,
            hs,
            ed,
            g,
            u,
            ed_token,
            old,
            exp,
            rfc7515_token,
            aud_one_token,
            aud_many,
        }
    }

    /// Signs `claims` under `header` with the HS256 key hs-2026.
    fn hs_with(&self, header: &str, claims: &str) -> String {
        craft(&self.hs, header, claims)
    }
}

/// The verify cases, in file order.
#[derive(Default)]
struct Cases(Vec<Value>);

impl Cases {
    #[allow(clippy::too_many_arguments)]
    fn ok(
        &mut self,
        name: &str,
        source: &str,
        keyset: &str,
        policy: &str,
        now: u64,
        token: &str,
        claims: &Claims,
    ) {
        self.0.push(
            json!({"name": name, "source": source, "keyset": keyset, "policy": policy,
            "now": now, "token": token, "expect": {"claims": claims_json(claims)}}),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn err(
        &mut self,
        name: &str,
        source: &str,
        keyset: &str,
        policy: &str,
        now: u64,
        token: &str,
        error: &str,
    ) {
        assert!(airisk_auth::Error::from_name(error).is_some(), "{error}");
        self.0.push(
            json!({"name": name, "source": source, "keyset": keyset, "policy": policy,
            "now": now, "token": token, "expect": {"error": error}}),
        );
    }

    fn push(&mut self, case: Value) {
        self.0.push(case);
    }
}

fn tokens_document() -> Value {
    let f = Fixture::new();
    let mut ed_public = KeySet::new();
    let public_jwk = ed_key().to_jwk(false).unwrap().to_string();
    ed_public
        .insert(Key::from_jwk(&public_jwk).unwrap())
        .unwrap();
    let rfc7515 = KeySet::from_json(r#"{"keys":[{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}]}"#).unwrap();

    let keysets = json!({
        "mixed": f.mixed.to_json(true),
        "hs": f.hs_only.to_json(true),
        "ed": f.ed_only.to_json(true),
        "ed_public": ed_public.to_json(true),
        "rfc7515": rfc7515.to_json(true),
        "rfc8037": f.rfc8037.to_json(true),
    });
    let policies = json!({
        "default": policy(ISS),
        "user": with(policy(ISS), "require_user", json!(true)),
        "aud": with(policy(ISS), "audience", json!("airisk-api")),
        "no_leeway": with(policy(ISS), "leeway", json!(0)),
        "rfc7515": with(with(policy("joe"), "require_access_token_claims", json!(false)), "leeway", json!(0)),
        "small": with(policy(ISS), "max_token_len", json!(256)),
    });

    let mut cases = Cases::default();
    valid_tokens(&f, &mut cases);
    time(&f, &mut cases);
    claim_shapes(&f, &mut cases);
    algorithms_and_keys(&f, &mut cases);
    signatures(&f, &mut cases);
    encoding(&f, &mut cases);
    custom_claims(&f, &mut cases);
    signed_shapes(&f, &mut cases);
    large_inputs(&mut cases);
    json!({
        "description": "Shared token vectors. Generated by crates/airisk-auth/tests/vectors.rs (UPDATE_VECTORS=1); format in README.md.",
        "keysets": keysets, "policies": policies, "verify": cases.0, "mint": mint_cases(&f), "jws": jws_cases(&f), "keys": key_cases(&f),
    })
}

/// Tokens that verify: both algorithms, rotation, RFC examples, `aud`, `nbf`.
fn valid_tokens(f: &Fixture, cases: &mut Cases) {
    let Fixture {
        mixed,
        hs,
        g,
        u,
        ed_token,
        old,
        exp,
        ..
    } = f;
    let exp = *exp;
    cases.ok(
        "generic token",
        "PROTOCOL.md §3",
        "mixed",
        "default",
        NOW,
        g,
        &generic(),
    );
    cases.ok(
        "user token",
        "PROTOCOL.md §3",
        "mixed",
        "default",
        NOW,
        u,
        &user(),
    );
    cases.ok(
        "user token where a user is required",
        "PROTOCOL.md §3",
        "mixed",
        "user",
        NOW,
        u,
        &user(),
    );
    cases.ok(
        "EdDSA user token",
        "RFC 8037",
        "ed",
        "default",
        NOW,
        ed_token,
        &user(),
    );
    cases.ok(
        "EdDSA token on a verify-only public key",
        "RFC 8037; issue 2",
        "ed_public",
        "default",
        NOW,
        ed_token,
        &user(),
    );
    cases.ok(
        "EdDSA token in a mixed set",
        "issue 2",
        "mixed",
        "default",
        NOW,
        ed_token,
        &user(),
    );
    cases.ok(
        "rotated-out key still verifies",
        "issue 2 (rotation)",
        "mixed",
        "default",
        NOW,
        old,
        &generic(),
    );
    cases.ok(
        "last second before exp + leeway",
        "RFC 7519 §4.1.4",
        "mixed",
        "default",
        exp + 29,
        g,
        &generic(),
    );
    let rfc7515_token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let rfc7515_claims = {
        let mut claims = Claims::new("joe", 1_300_819_380);
        claims.sub = None;
        claims.aud = vec![];
        claims.client_id = None;
        claims.user_token = false;
        claims.company_id = None;
        claims.iat = None;
        claims.nbf = None;
        claims.jti = None;
        claims
    };
    cases.ok(
        "RFC 7515 A.1 HS256 example",
        "RFC 7515 A.1",
        "rfc7515",
        "rfc7515",
        1_300_819_379,
        rfc7515_token,
        &rfc7515_claims,
    );
    let mut aud_one = generic();
    aud_one.aud = vec!["airisk-api".into()];
    let aud_one_token = mixed.mint(&aud_one).unwrap();
    cases.ok(
        "aud string matches",
        "RFC 7519 §4.1.3",
        "mixed",
        "aud",
        NOW,
        &aud_one_token,
        &aud_one,
    );
    let mut aud_many = generic();
    aud_many.aud = vec!["other".into(), "airisk-api".into()];
    let aud_many_token = mixed.mint(&aud_many).unwrap();
    cases.ok(
        "aud array contains",
        "RFC 7519 §4.1.3",
        "mixed",
        "aud",
        NOW,
        &aud_many_token,
        &aud_many,
    );
    let at_jwt = craft(
        hs,
        r#"{"alg":"HS256","typ":"at+jwt","kid":"hs-2026"}"#,
        &claims_text(&generic()),
    );
    cases.ok(
        "typ at+jwt",
        "RFC 9068 §2.1",
        "mixed",
        "default",
        NOW,
        &at_jwt,
        &generic(),
    );
    let unknown_members = craft(
        hs,
        r#"{"alg":"HS256","kid":"hs-2026","jku":"https://evil.example/jwks","x5u":"https://evil.example/x"}"#,
        &claims_text(&generic())
            .replace('}', r#","role":"admin","http://example.com/is_root":true}"#),
    );
    cases.ok(
        "jku/x5u and unknown claims are ignored",
        "RFC 8725 §3.10",
        "mixed",
        "default",
        NOW,
        &unknown_members,
        &generic(),
    );
    let mut nbf = generic();
    nbf.nbf = Some(NOW + 29);
    let nbf_token = mixed.mint(&nbf).unwrap();
    cases.ok(
        "nbf within leeway",
        "RFC 7519 §4.1.5",
        "mixed",
        "default",
        NOW,
        &nbf_token,
        &nbf,
    );
}

/// Time: `exp`, `nbf`, `iat` against `now` and the leeway.
fn time(f: &Fixture, cases: &mut Cases) {
    let Fixture {
        mixed,
        g,
        exp,
        rfc7515_token,
        ..
    } = f;
    let exp = *exp;
    cases.err(
        "expired at exp + leeway",
        "RFC 7519 §4.1.4",
        "mixed",
        "default",
        exp + 30,
        g,
        "Expired",
    );
    cases.err(
        "expired at exp without leeway",
        "RFC 7519 §4.1.4",
        "mixed",
        "no_leeway",
        exp,
        g,
        "Expired",
    );
    cases.err(
        "RFC 7515 A.1 after its exp",
        "RFC 7515 A.1",
        "rfc7515",
        "rfc7515",
        1_300_819_380,
        rfc7515_token,
        "Expired",
    );
    cases.err(
        "nbf in the future",
        "RFC 7519 §4.1.5",
        "mixed",
        "default",
        NOW,
        &{
            let mut c = generic();
            c.nbf = Some(NOW + 31);
            mixed.mint(&c).unwrap()
        },
        "NotYetValid",
    );
    cases.err(
        "iat in the future",
        "RFC 7519 §4.1.6",
        "mixed",
        "default",
        NOW,
        &{
            let mut c = generic();
            c.iat = Some(NOW + 31);
            c.exp = NOW + 4000;
            mixed.mint(&c).unwrap()
        },
        "NotYetValid",
    );
}

/// Claims shapes: types, required members, generic vs user tokens.
fn claim_shapes(f: &Fixture, cases: &mut Cases) {
    let Fixture {
        mixed,
        g,
        exp,
        gc,
        aud_one_token,
        ..
    } = f;
    let exp = *exp;
    for (label, value) in [
        ("a string", "\"9999999999\""),
        ("a float", "9999999999.0"),
        ("an exponent", "1e10"),
        ("1e400", "1e400"),
        ("2^64", "18446744073709551616"),
        ("negative", "-1"),
        ("null", "null"),
        ("past year 9999", "253402300800"),
        ("true", "true"),
    ] {
        let claims = gc.replacen(&format!("\"exp\":{exp}"), &format!("\"exp\":{value}"), 1);
        cases.err(
            &format!("exp is {label}"),
            "RFC 7519 §2 NumericDate",
            "mixed",
            "default",
            NOW,
            &f.hs_with(HS_HEADER, &claims),
            "MalformedClaims",
        );
    }
    for (label, value) in [
        ("a string", "\"1\""),
        ("a float", "1.5"),
        ("negative", "-1"),
        ("null", "null"),
    ] {
        let claims = gc.replacen(
            &format!("\"iat\":{}", NOW - 100),
            &format!("\"iat\":{value}"),
            1,
        );
        cases.err(
            &format!("iat is {label}"),
            "RFC 7519 §2 NumericDate",
            "mixed",
            "default",
            NOW,
            &f.hs_with(HS_HEADER, &claims),
            "MalformedClaims",
        );
        let claims = gc.replacen('}', &format!(",\"nbf\":{value}}}"), 1);
        cases.err(
            &format!("nbf is {label}"),
            "RFC 7519 §2 NumericDate",
            "mixed",
            "default",
            NOW,
            &f.hs_with(HS_HEADER, &claims),
            "MalformedClaims",
        );
    }
    let no_exp = gc.replacen(&format!(",\"exp\":{exp}"), "", 1);
    cases.err(
        "exp missing",
        "RFC 8725 §3.10 (decided: exp required)",
        "mixed",
        "default",
        NOW,
        &f.hs_with(HS_HEADER, &no_exp),
        "MissingClaim",
    );
    let no_jti = gc.replacen(",\"jti\":\"jti-generic-1\"", "", 1);
    cases.err(
        "jti missing",
        "PROTOCOL.md §3",
        "mixed",
        "default",
        NOW,
        &f.hs_with(HS_HEADER, &no_jti),
        "MissingClaim",
    );
    let no_marker = gc.replacen(",\"user_token\":false", "", 1);
    cases.err(
        "user marker missing",
        "PROTOCOL.md §3",
        "mixed",
        "default",
        NOW,
        &f.hs_with(HS_HEADER, &no_marker),
        "MissingClaim",
    );
    let user_no_sub = claims_text(&user()).replacen("\"sub\":\"user_42\",", "", 1);
    cases.err(
        "user token without sub",
        "PROTOCOL.md §3",
        "mixed",
        "default",
        NOW,
        &f.hs_with(HS_HEADER, &user_no_sub),
        "MissingClaim",
    );
    cases.err(
        "user marker not a bool",
        "PROTOCOL.md §3",
        "mixed",
        "default",
        NOW,
        &f.hs_with(
            HS_HEADER,
            &gc.replacen("\"user_token\":false", "\"user_token\":\"true\"", 1),
        ),
        "MalformedClaims",
    );
    cases.err(
        "duplicate exp claim",
        "RFC 7519 §4; RFC 8725 §3.11",
        "mixed",
        "default",
        NOW,
        &f.hs_with(
            HS_HEADER,
            &gc.replacen('}', &format!(",\"exp\":{}}}", NOW + 999_999), 1),
        ),
        "MalformedClaims",
    );
    cases.err(
        "duplicate user_token claim",
        "RFC 7519 §4",
        "mixed",
        "default",
        NOW,
        &f.hs_with(HS_HEADER, &gc.replacen('}', ",\"user_token\":true}", 1)),
        "MalformedClaims",
    );
    cases.err(
        "duplicate unknown claim",
        "RFC 7519 §4",
        "mixed",
        "default",
        NOW,
        &f.hs_with(HS_HEADER, &gc.replacen('}', ",\"x\":1,\"x\":2}", 1)),
        "MalformedClaims",
    );
    cases.err(
        "claims are an array",
        "RFC 7519 §7.2",
        "mixed",
        "default",
        NOW,
        &f.hs_with(HS_HEADER, "[]"),
        "MalformedClaims",
    );
    cases.err(
        "claims are not JSON",
        "RFC 7519 §7.2",
        "mixed",
        "default",
        NOW,
        &f.hs_with(HS_HEADER, "Example of Ed25519 signing"),
        "MalformedClaims",
    );
    cases.err(
        "a claim nested too deep",
        "issue 8",
        "mixed",
        "default",
        NOW,
        &f.hs_with(
            HS_HEADER,
            &gc.replacen(
                "\"abc123\"",
                &format!("{}\"abc123\"{}", "[".repeat(1000), "]".repeat(1000)),
                1,
            ),
        ),
        "MalformedClaims",
    );
    let generic_token = g.clone();
    cases.err(
        "generic token where a user is required",
        "PROTOCOL.md §3",
        "mixed",
        "user",
        NOW,
        &generic_token,
        "UserTokenRequired",
    );
    let mut spoof = generic();
    spoof.sub = Some("user_42".into());
    cases.err(
        "generic token whose sub is a userid",
        "PROTOCOL.md §3 (explicit marker)",
        "mixed",
        "user",
        NOW,
        &mixed.mint(&spoof).unwrap(),
        "UserTokenRequired",
    );
    cases.err(
        "wrong issuer",
        "RFC 7519 §4.1.1",
        "mixed",
        "default",
        NOW,
        &{
            let mut c = generic();
            c.iss = "https://evil.example".into();
            mixed.mint(&c).unwrap()
        },
        "InvalidIssuer",
    );
    cases.err(
        "aud present, none expected",
        "RFC 7519 §4.1.3",
        "mixed",
        "default",
        NOW,
        aud_one_token,
        "InvalidAudience",
    );
    cases.err(
        "aud expected, none present",
        "RFC 7519 §4.1.3",
        "mixed",
        "aud",
        NOW,
        g,
        "InvalidAudience",
    );
    cases.err(
        "aud does not match",
        "RFC 7519 §4.1.3",
        "mixed",
        "aud",
        NOW,
        &{
            let mut c = generic();
            c.aud = vec!["airisk-api-2".into()];
            mixed.mint(&c).unwrap()
        },
        "InvalidAudience",
    );
    cases.err(
        "aud is a number",
        "RFC 7519 §4.1.3",
        "mixed",
        "aud",
        NOW,
        &f.hs_with(HS_HEADER, &gc.replacen('}', ",\"aud\":1}", 1)),
        "MalformedClaims",
    );
    cases.err(
        "aud array holds a number",
        "RFC 7519 §4.1.3",
        "mixed",
        "aud",
        NOW,
        &f.hs_with(
            HS_HEADER,
            &gc.replacen('}', ",\"aud\":[\"airisk-api\",1]}", 1),
        ),
        "MalformedClaims",
    );
}

/// Algorithms and keys: `none`, confusion, `kid`, `crit`.
fn algorithms_and_keys(f: &Fixture, cases: &mut Cases) {
    let Fixture {
        hs,
        ed,
        ed_token,
        gc,
        ..
    } = f;
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"hs-2026"}}"#);
        let unsigned = format!(
            "{}.{}.",
            base64_url_encode(header.as_bytes()),
            base64_url_encode(gc.as_bytes())
        );
        cases.err(
            &format!("alg {alg}, empty signature"),
            "CVE-2015-9235; RFC 8725 §3.1",
            "mixed",
            "default",
            NOW,
            &unsigned,
            "MalformedToken",
        );
        cases.err(
            &format!("alg {alg}, signed"),
            "CVE-2015-9235; RFC 8725 §3.1",
            "mixed",
            "default",
            NOW,
            &f.hs_with(&header, gc),
            "AlgorithmMismatch",
        );
    }
    cases.err(
        "HS256 MAC labelled HS512",
        "RFC 8725 §2.1",
        "mixed",
        "default",
        NOW,
        &f.hs_with(r#"{"alg":"HS512","typ":"JWT","kid":"hs-2026"}"#, gc),
        "AlgorithmMismatch",
    );
    cases.err(
        "alg in lower case",
        "RFC 7515 §4.1.1 (case-sensitive)",
        "mixed",
        "default",
        NOW,
        &f.hs_with(r#"{"alg":"hs256","typ":"JWT","kid":"hs-2026"}"#, gc),
        "AlgorithmMismatch",
    );
    cases.err(
        "alg missing",
        "RFC 7515 §4.1.1",
        "mixed",
        "default",
        NOW,
        &f.hs_with(r#"{"typ":"JWT","kid":"hs-2026"}"#, gc),
        "AlgorithmMismatch",
    );
    let ed_public_bytes = base64_url_decode(ed.to_jwk(false).unwrap()["x"].as_str().unwrap());
    let confusion_key =
        Key::hs256(Some("x"), &[ed_public_bytes.as_slice(), &[0u8; 0]].concat()).unwrap();
    cases.err(
        "HS256 MAC keyed with the Ed25519 public key",
        "CVE-2016-10555; RFC 8725 §2.1",
        "mixed",
        "default",
        NOW,
        &craft(
            &confusion_key,
            r#"{"alg":"HS256","typ":"JWT","kid":"ed-2026"}"#,
            gc,
        ),
        "AlgorithmMismatch",
    );
    cases.err(
        "HS256 MAC with the public key, verify-only set",
        "CVE-2016-10555",
        "ed_public",
        "default",
        NOW,
        &craft(
            &confusion_key,
            r#"{"alg":"HS256","typ":"JWT","kid":"ed-2026"}"#,
            gc,
        ),
        "AlgorithmMismatch",
    );
    cases.err(
        "EdDSA token on an HS-only verifier",
        "RFC 8725 §3.1",
        "hs",
        "default",
        NOW,
        ed_token,
        "UnknownKeyId",
    );
    cases.err(
        "EdDSA signature under an HS kid",
        "RFC 8725 §3.1",
        "mixed",
        "default",
        NOW,
        &craft(ed, r#"{"alg":"EdDSA","typ":"JWT","kid":"hs-2026"}"#, gc),
        "AlgorithmMismatch",
    );
    cases.err(
        "unknown kid",
        "RFC 7515 §4.1.4",
        "mixed",
        "default",
        NOW,
        &f.hs_with(r#"{"alg":"HS256","typ":"JWT","kid":"hs-2099"}"#, gc),
        "UnknownKeyId",
    );
    cases.err(
        "no kid with several keys",
        "RFC 7515 §4.1.4 (decided)",
        "mixed",
        "default",
        NOW,
        &f.hs_with(r#"{"alg":"HS256","typ":"JWT"}"#, gc),
        "UnknownKeyId",
    );
    for (label, kid) in [
        ("path traversal", "../../etc/passwd"),
        ("SQL", "x' OR '1'='1"),
        ("NUL", "hs-2026\\u0000"),
        ("empty", ""),
    ] {
        cases.err(
            &format!("kid injection: {label}"),
            "CVE-2018-0114 family; RFC 8725 §3.10",
            "mixed",
            "default",
            NOW,
            &f.hs_with(
                &format!(r#"{{"alg":"HS256","typ":"JWT","kid":"{kid}"}}"#),
                gc,
            ),
            "UnknownKeyId",
        );
    }
    cases.err(
        "kid is a number",
        "RFC 7515 §4.1.4",
        "mixed",
        "default",
        NOW,
        &f.hs_with(r#"{"alg":"HS256","kid":1}"#, gc),
        "MalformedHeader",
    );
    let attacker = Key::hs256(Some("hs-2026"), &[0x66; 32]).unwrap();
    cases.err(
        "embedded jwk is never used",
        "CVE-2018-0114; RFC 8725 §3.10",
        "mixed",
        "default",
        NOW,
        &craft(
            &attacker,
            r#"{"alg":"HS256","typ":"JWT","kid":"hs-2026","jwk":{"kty":"oct","k":"ZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmY"}}"#,
            gc,
        ),
        "InvalidSignature",
    );
    for (label, crit) in [
        ("unknown", r#"["exp-ext"]"#),
        ("empty", "[]"),
        ("registered name", r#"["alg"]"#),
        ("b64", r#"["b64"]"#),
    ] {
        cases.err(
            &format!("crit {label}"),
            "RFC 7515 §4.1.11; RFC 7797",
            "mixed",
            "default",
            NOW,
            &f.hs_with(
                &format!(r#"{{"alg":"HS256","typ":"JWT","kid":"hs-2026","crit":{crit}}}"#),
                gc,
            ),
            "CriticalHeader",
        );
    }
    cases.err(
        "typ of another kind",
        "RFC 8725 §3.11",
        "mixed",
        "default",
        NOW,
        &f.hs_with(
            r#"{"alg":"HS256","typ":"secevent+jwt","kid":"hs-2026"}"#,
            gc,
        ),
        "WrongTokenType",
    );
    cases.err(
        "duplicate alg header member",
        "RFC 7515 §5.2; RFC 8725 §3.11",
        "mixed",
        "default",
        NOW,
        &f.hs_with(
            r#"{"alg":"HS256","typ":"JWT","kid":"hs-2026","alg":"none"}"#,
            gc,
        ),
        "MalformedHeader",
    );
    cases.err(
        "duplicate kid via an escape",
        "RFC 7515 §5.2",
        "mixed",
        "default",
        NOW,
        &f.hs_with(
            r#"{"alg":"HS256","typ":"JWT","kid":"hs-2026","k\u0069d":"hs-2025"}"#,
            gc,
        ),
        "MalformedHeader",
    );
    cases.err(
        "header is an array",
        "RFC 7515 §4",
        "mixed",
        "default",
        NOW,
        &f.hs_with("[]", gc),
        "MalformedHeader",
    );
    cases.err(
        "header is a string",
        "RFC 7515 §4",
        "mixed",
        "default",
        NOW,
        &f.hs_with("\"HS256\"", gc),
        "MalformedHeader",
    );
    {
        let header = base64_url_encode(b"{\"alg\":\"HS256\",\"kid\":\"\xff\"}");
        let payload = base64_url_encode(gc.as_bytes());
        let input = format!("{header}.{payload}");
        let sig = base64_url_encode(&hs.sign(input.as_bytes()).unwrap());
        cases.err(
            "header is not UTF-8",
            "RFC 7515 §4",
            "mixed",
            "default",
            NOW,
            &format!("{input}.{sig}"),
            "MalformedHeader",
        );
    }
}

/// Signatures: tampering, truncation, wrong keys.
fn signatures(f: &Fixture, cases: &mut Cases) {
    let Fixture {
        g, ed_token, gc, ..
    } = f;
    let attacker = Key::hs256(Some("hs-2026"), &[0x66; 32]).unwrap();
    let (g_head, g_sig) = g.rsplit_once('.').unwrap();
    let tampered = {
        let mut c = generic();
        c.exp += 3600;
        let payload = base64_url_encode(claims_text(&c).as_bytes());
        let header = g.split('.').next().unwrap();
        format!("{header}.{payload}.{g_sig}")
    };
    cases.err(
        "payload changed after signing",
        "RFC 7515 §5.2",
        "mixed",
        "default",
        NOW,
        &tampered,
        "InvalidSignature",
    );
    cases.err(
        "signature stripped",
        "RFC 8725 §3.1",
        "mixed",
        "default",
        NOW,
        &format!("{g_head}."),
        "MalformedToken",
    );
    cases.err(
        "all-zero signature",
        "issue 8",
        "mixed",
        "default",
        NOW,
        &with_signature(g, &base64_url_encode(&[0; 32])),
        "InvalidSignature",
    );
    cases.err(
        "truncated signature",
        "issue 8",
        "mixed",
        "default",
        NOW,
        &with_signature(g, &base64_url_encode(&base64_url_decode(g_sig)[..16])),
        "InvalidSignature",
    );
    cases.err(
        "signature of another key",
        "RFC 7515",
        "mixed",
        "default",
        NOW,
        &craft(&attacker, HS_HEADER, gc),
        "InvalidSignature",
    );
    {
        let (ed_head, ed_sig) = ed_token.rsplit_once('.').unwrap();
        let mut sig = base64_url_decode(ed_sig);
        let mut carry = 0u16;
        for i in 0..32 {
            let sum = u16::from(sig[32 + i]) + u16::from(ED_L[i]) + carry;
            sig[32 + i] = u8::try_from(sum & 0xff).unwrap();
            carry = sum >> 8;
        }
        cases.err(
            "Ed25519 S + L malleability",
            "RFC 8032 §5.1.7; issue 8",
            "ed",
            "default",
            NOW,
            &format!("{ed_head}.{}", base64_url_encode(&sig)),
            "InvalidSignature",
        );
        cases.err(
            "Ed25519 all-zero signature",
            "issue 8",
            "ed",
            "default",
            NOW,
            &format!("{ed_head}.{}", base64_url_encode(&[0; 64])),
            "InvalidSignature",
        );
    }
}

/// Encoding: base64url and JSON strictness.
fn encoding(f: &Fixture, cases: &mut Cases) {
    let Fixture { g, .. } = f;
    let (g_head, g_sig) = g.rsplit_once('.').unwrap();
    cases.err(
        "signature padded with =",
        "RFC 7515 §2",
        "mixed",
        "default",
        NOW,
        &format!("{g}="),
        "MalformedToken",
    );
    let last = g_sig.chars().last().unwrap();
    let noncanonical = match last {
        'A' => 'B',
        'E' => 'F',
        'I' => 'J',
        'M' => 'N',
        'Q' => 'R',
        'U' => 'V',
        'Y' => 'Z',
        'c' => 'd',
        'g' => 'h',
        'k' => 'l',
        'o' => 'p',
        's' => 't',
        'w' => 'x',
        '0' => '1',
        '4' => '5',
        '8' => '9',
        other => panic!("unexpected final character {other}"),
    };
    cases.err(
        "signature with non-zero trailing bits",
        "RFC 7515 §2; RFC 4648 §3.5",
        "mixed",
        "default",
        NOW,
        &format!("{}{noncanonical}", &g[..g.len() - 1]),
        "MalformedToken",
    );
    cases.err(
        "standard alphabet + and /",
        "RFC 7515 §2",
        "mixed",
        "default",
        NOW,
        &with_signature(
            g,
            &g_sig.replace('-', "+").replace('_', "/").replacen(
                |c: char| c.is_ascii_alphanumeric(),
                "+",
                1,
            ),
        ),
        "MalformedToken",
    );
    cases.err(
        "whitespace in the header segment",
        "RFC 7515 §7.1",
        "mixed",
        "default",
        NOW,
        &g.replacen('.', " .", 1),
        "MalformedToken",
    );
    // The signature covers the exact bytes of the payload segment, so it fails first.
    cases.err(
        "whitespace in the payload segment",
        "RFC 7515 §7.1",
        "mixed",
        "default",
        NOW,
        &g.replacen('.', ". ", 1),
        "InvalidSignature",
    );
    cases.err(
        "signature length 1 mod 4",
        "RFC 4648",
        "mixed",
        "default",
        NOW,
        &format!("{g}AA"),
        "MalformedToken",
    );
    cases.err(
        "two segments",
        "RFC 7515 §7.1",
        "mixed",
        "default",
        NOW,
        g_head,
        "MalformedToken",
    );
    cases.err(
        "four segments",
        "RFC 7515 §7.1",
        "mixed",
        "default",
        NOW,
        &format!("{g}.{g_sig}"),
        "MalformedToken",
    );
    cases.err(
        "empty token",
        "RFC 7515 §7.1",
        "mixed",
        "default",
        NOW,
        "",
        "MalformedToken",
    );
    cases.err(
        "an authorization code as a bearer token",
        "issue 8 (token-type confusion)",
        "mixed",
        "default",
        NOW,
        "AQAAAABn6pM1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "MalformedToken",
    );
    cases.err(
        "one byte over the maximum",
        "issue 2 (size bound)",
        "mixed",
        "small",
        NOW,
        &"a".repeat(257),
        "TokenTooLarge",
    );
}

/// Issue 20.7: non-canonical encodings inside correctly MACed segments, and
/// the shapes `aud` can take. The signature holds, so only the parsers decide.
fn signed_shapes(f: &Fixture, cases: &mut Cases) {
    let gc = &f.gc;
    let source = "issue 20.7 (RFC 8259, RFC 7519 §4.1.3)";
    // JSON that means the same claims: accepted, same claims.
    for (label, header, claims) in [
        (
            "escaped slashes in iss",
            HS_HEADER.to_owned(),
            gc.replace("https://", "https:\\/\\/"),
        ),
        (
            "whitespace around the claims",
            HS_HEADER.to_owned(),
            format!(" \n{gc}\t "),
        ),
        (
            "a header member name escaped",
            HS_HEADER.replacen("\"typ\"", "\"\\u0074yp\"", 1),
            gc.clone(),
        ),
    ] {
        cases.ok(
            &format!("signed: {label}"),
            source,
            "mixed",
            "default",
            NOW,
            &f.hs_with(&header, &claims),
            &generic(),
        );
    }
    // Text that is not one JSON object of distinct members, or not UTF-8.
    let exp = f.exp;
    for (label, claims, error) in [
        (
            "a BOM before the claims",
            format!("\u{feff}{gc}"),
            "MalformedClaims",
        ),
        (
            "exp repeated through an escape",
            gc.replacen('}', &format!(",\"\\u0065xp\":{exp}}}"), 1),
            "MalformedClaims",
        ),
        (
            "exp as -0",
            gc.replacen(&format!("\"exp\":{exp}"), "\"exp\":-0", 1),
            "MalformedClaims",
        ),
        (
            "exp with a leading zero",
            gc.replacen(&format!("\"exp\":{exp}"), &format!("\"exp\":0{exp}"), 1),
            "MalformedClaims",
        ),
        (
            "exp with a plus sign",
            gc.replacen(&format!("\"exp\":{exp}"), &format!("\"exp\":+{exp}"), 1),
            "MalformedClaims",
        ),
        (
            "a second object after the claims",
            format!("{gc}{{}}"),
            "MalformedClaims",
        ),
    ] {
        cases.err(
            &format!("signed: {label}"),
            source,
            "mixed",
            "default",
            NOW,
            &f.hs_with(HS_HEADER, &claims),
            error,
        );
    }
    let overlong = craft_bytes(
        &f.hs,
        HS_HEADER.as_bytes(),
        &[gc.as_bytes(), &[0xc0, 0xaf]].concat(),
    );
    cases.err(
        "signed: overlong UTF-8 after the claims",
        source,
        "mixed",
        "default",
        NOW,
        &overlong,
        "MalformedClaims",
    );
    let iss_overlong = gc.replacen("https://", "https:", 1).into_bytes();
    let at = iss_overlong
        .windows(6)
        .position(|w| w == b"https:")
        .unwrap()
        + 6;
    let iss_overlong = [
        &iss_overlong[..at],
        &[0xc0, 0xaf, 0xc0, 0xaf][..],
        &iss_overlong[at..],
    ]
    .concat();
    cases.err(
        "signed: iss with overlong slashes",
        source,
        "mixed",
        "default",
        NOW,
        &craft_bytes(&f.hs, HS_HEADER.as_bytes(), &iss_overlong),
        "MalformedClaims",
    );
    cases.err(
        "signed: a header with a BOM",
        source,
        "mixed",
        "default",
        NOW,
        &f.hs_with(&format!("\u{feff}{HS_HEADER}"), gc),
        "MalformedHeader",
    );

    // aud: a string or an array of strings, naming the audience exactly.
    for (label, aud, error) in [
        ("an empty string", "\"\"", "InvalidAudience"),
        ("an empty array", "[]", "InvalidAudience"),
        ("null", "null", "MalformedClaims"),
        ("an object", "{\"aud\":\"airisk-api\"}", "MalformedClaims"),
        ("a nested array", "[[\"airisk-api\"]]", "MalformedClaims"),
        (
            "the audience in another case",
            "\"AIRISK-API\"",
            "InvalidAudience",
        ),
        (
            "the audience with a trailing space",
            "\"airisk-api \"",
            "InvalidAudience",
        ),
        ("a prefix of the audience", "\"airisk\"", "InvalidAudience"),
        (
            "the audience with a NUL",
            "\"airisk-api\\u0000\"",
            "InvalidAudience",
        ),
    ] {
        let claims = gc.replacen('}', &format!(",\"aud\":{aud}}}"), 1);
        cases.err(
            &format!("aud is {label}"),
            source,
            "mixed",
            "aud",
            NOW,
            &f.hs_with(HS_HEADER, &claims),
            error,
        );
    }
    let mut twice = generic();
    twice.aud = vec!["airisk-api".into(), "airisk-api".into()];
    let claims = gc.replacen('}', ",\"aud\":[\"airisk-api\",\"airisk-api\"]}", 1);
    cases.ok(
        "aud names the audience twice",
        source,
        "mixed",
        "aud",
        NOW,
        &f.hs_with(HS_HEADER, &claims),
        &twice,
    );
}

/// A JWS over raw bytes (which may not be UTF-8), signed with `key`.
fn craft_bytes(key: &Key, header: &[u8], payload: &[u8]) -> String {
    sign_jws(key, header, payload).unwrap()
}

/// Large inputs are described, not stored: `token_build` is concatenated by the runner.
fn large_inputs(cases: &mut Cases) {
    let built = |name: &str, parts: Value| {
        json!({"name": name, "source": "issue 8 (bounded before decoding)",
        "keyset": "mixed", "policy": "default", "now": NOW, "token_build": parts, "expect": {"error": "TokenTooLarge"}})
    };
    cases.push(built("a million dots", json!([[".", 1_000_000]])));
    cases.push(built(
        "3 x 512 KB token",
        json!([
            ["e", 524_288],
            [".", 1],
            ["e", 524_288],
            [".", 1],
            ["e", 524_288]
        ]),
    ));
}

/// Mint vectors: deterministic signatures reproduce byte for byte.
fn mint_cases(f: &Fixture) -> Vec<Value> {
    let Fixture {
        hs_only,
        ed_token,
        aud_many,
        ..
    } = f;
    vec![
        json!({"name": "HS256 generic", "keyset": "hs", "claims": claims_json(&generic()), "token": hs_only.mint(&generic()).unwrap()}),
        json!({"name": "HS256 user", "keyset": "hs", "claims": claims_json(&user()), "token": hs_only.mint(&user()).unwrap()}),
        json!({"name": "EdDSA user", "keyset": "ed", "claims": claims_json(&user()), "token": ed_token}),
        json!({"name": "HS256 with aud array and nbf", "keyset": "hs", "claims": claims_json(&{
            let mut c = aud_many.clone(); c.nbf = Some(NOW - 100); c }), "token": hs_only.mint(&{
            let mut c = aud_many.clone(); c.nbf = Some(NOW - 100); c }).unwrap()}),
    ]
}

/// Raw JWS signing: the RFC examples.
fn jws_cases(f: &Fixture) -> Vec<Value> {
    let rfc8037_key = f.rfc8037.active().unwrap();
    vec![json!({
        "name": "RFC 8037 A.4 Ed25519 signing", "keyset": "rfc8037", "header": r#"{"alg":"EdDSA"}"#,
        "payload": "Example of Ed25519 signing",
        "token": sign_jws(rfc8037_key, br#"{"alg":"EdDSA"}"#, b"Example of Ed25519 signing").unwrap(),
    })]
}

/// Key loading: weak, malformed and inconsistent keys.
fn key_cases(f: &Fixture) -> Vec<Value> {
    let ed = &f.ed;
    vec![
        json!({"name": "HS256 secret of 31 bytes", "jwk": json!({"kty":"oct","kid":"w","k": base64_url_encode(&[7; 31])}).to_string(), "expect": {"error": "WeakKey"}}),
        json!({"name": "HS256 secret of 32 bytes", "jwk": json!({"kty":"oct","kid":"w","k": base64_url_encode(&[7; 32])}).to_string(), "expect": {"ok": true}}),
        json!({"name": "oct key with padding", "jwk": json!({"kty":"oct","kid":"w","k": format!("{}=", base64_url_encode(&[7; 32]))}).to_string(), "expect": {"error": "InvalidKey"}}),
        json!({"name": "Ed25519 identity point (small order)", "jwk": json!({"kty":"OKP","crv":"Ed25519","kid":"s","x": base64_url_encode(&{ let mut p = [0u8; 32]; p[0] = 1; p })}).to_string(), "expect": {"error": "InvalidKey"}}),
        json!({"name": "Ed25519 all-zero point (small order)", "jwk": json!({"kty":"OKP","crv":"Ed25519","kid":"s","x": base64_url_encode(&[0; 32])}).to_string(), "expect": {"error": "InvalidKey"}}),
        json!({"name": "Ed25519 non-canonical y = p + 2 (issue 20.6)", "jwk": json!({"kty":"OKP","crv":"Ed25519","kid":"s","x": base64_url_encode(&{ let mut p = [0xffu8; 32]; p[0] = 0xef; p[31] = 0x7f; p })}).to_string(), "expect": {"error": "InvalidKey"}}),
        json!({"name": "Ed25519 non-canonical y = 2^255 - 1, sign bit set (issue 20.6)", "jwk": json!({"kty":"OKP","crv":"Ed25519","kid":"s","x": base64_url_encode(&[0xff; 32])}).to_string(), "expect": {"error": "InvalidKey"}}),
        json!({"name": "Ed25519 order-8 point (small order)", "jwk": r#"{"kty":"OKP","crv":"Ed25519","kid":"s","x":"JuiVj8KyJ7BFw_SJ8u-Y8NXfrAXTxjM5sTgCiG1T_AU"}"#, "expect": {"error": "InvalidKey"}}),
        json!({"name": "JWK alg disagrees with kty", "jwk": json!({"kty":"oct","kid":"w","alg":"EdDSA","k": base64_url_encode(&[7; 32])}).to_string(), "expect": {"error": "InvalidKey"}}),
        json!({"name": "Ed25519 d and x disagree", "jwk": json!({"kty":"OKP","crv":"Ed25519","kid":"e","d": base64_url_encode(&ED_SEED), "x": base64_url_encode(&[9; 32])}).to_string(), "expect": {"error": "InvalidKey"}}),
        json!({"name": "RSA modulus of 17 bits (interop.json has the RSA and EC cases)", "jwk": r#"{"kty":"RSA","kid":"r","n":"AQAB","e":"AQAB"}"#, "expect": {"error": "WeakKey"}}),
        json!({"name": "unknown kty", "jwk": r#"{"kty":"DSA","kid":"r","y":"AQAB"}"#, "expect": {"error": "InvalidKey"}}),
        json!({"name": "duplicate kid in a set", "keyset": json!({"keys":[
            {"kty":"oct","kid":"a","k": base64_url_encode(&[1; 32])}, {"kty":"oct","kid":"a","k": base64_url_encode(&[2; 32])}]}).to_string(), "expect": {"error": "DuplicateKeyId"}}),
        json!({"name": "active_kid names no key", "keyset": json!({"keys":[{"kty":"oct","kid":"a","k": base64_url_encode(&[1; 32])}], "active_kid": "b"}).to_string(), "expect": {"error": "UnknownKeyId"}}),
        json!({"name": "active_kid is verify-only", "keyset": json!({"keys":[ed.to_jwk(false).unwrap()], "active_kid": "ed-2026"}).to_string(), "expect": {"error": "NoSigningKey"}}),
    ]
}

/// Custom claims (issue 14): minted beside the registered ones, carried through
/// verification, and left out of the registered claims a verifier returns (they
/// are read when asked). The refusal of reserved names at mint is a unit test of
/// the core until the vectors have a mint-error form the bindings replay.
fn custom_claims(f: &Fixture, cases: &mut Cases) {
    let mixed = &f.mixed;
    let mut with_custom = user();
    with_custom.custom.insert("role".into(), json!("admin"));
    with_custom.custom.insert(
        "tenants".into(),
        json!([{"id": 1, "name": "acme"}, {"id": 2.5}]),
    );
    with_custom.custom.insert("beta".into(), json!(true));
    let token = mixed.mint(&with_custom).unwrap();
    let verifier = Verifier::new(
        Arc::new(KeySet::from_json(&mixed.to_json(true).to_string()).unwrap()),
        support::policy_from_json(&policy(ISS)),
    );
    let role = verifier
        .verify_with(&token, NOW, |c| c.claim_json("role").map(str::to_owned))
        .unwrap();
    assert_eq!(role.as_deref(), Some("\"admin\""));
    cases.push(json!({
        "name": "custom claims round trip: carried, not among the registered claims",
        "source": "RFC 7519 §4.3, issue 14",
        "keyset": "mixed", "policy": "default", "now": NOW, "token": token,
        "expect": {"claims": claims_json(&user())},
    }));
}

fn check_tokens_document(doc: &Value) {
    let keysets = doc["keysets"].as_object().unwrap();
    let policies = doc["policies"].as_object().unwrap();
    let mut failures = Vec::new();
    let mut names = std::collections::HashSet::new();
    for case in doc["verify"].as_array().unwrap() {
        assert!(
            names.insert(case["name"].as_str().unwrap()),
            "duplicate case name {}",
            case["name"]
        );
        if let Err(e) = support::run_verify_case(keysets, policies, case) {
            failures.push(e);
        }
    }
    for case in doc["mint"].as_array().unwrap() {
        let keys =
            KeySet::from_json(&keysets[case["keyset"].as_str().unwrap()].to_string()).unwrap();
        let token = keys
            .mint(&support::claims_from_json(&case["claims"]))
            .unwrap();
        if token != case["token"] {
            failures.push(format!("mint {}: {token}", case["name"]));
        }
    }
    for case in doc["jws"].as_array().unwrap() {
        let keys =
            KeySet::from_json(&keysets[case["keyset"].as_str().unwrap()].to_string()).unwrap();
        let token = sign_jws(
            keys.active().unwrap(),
            case["header"].as_str().unwrap().as_bytes(),
            case["payload"].as_str().unwrap().as_bytes(),
        )
        .unwrap();
        if token != case["token"] {
            failures.push(format!("jws {}: {token}", case["name"]));
        }
    }
    for case in doc["keys"].as_array().unwrap() {
        let got = match (case.get("jwk"), case.get("keyset")) {
            (Some(jwk), _) => Key::from_jwk(jwk.as_str().unwrap()).map(|_| ()),
            (_, Some(set)) => KeySet::from_json(set.as_str().unwrap()).map(|_| ()),
            _ => panic!("key case without input"),
        };
        let want = case["expect"]["error"].as_str();
        if got.err().map(airisk_auth::Error::name) != want {
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

/// Writes `doc` to `file` under UPDATE_VECTORS=1, else asserts the committed file equals it.
fn sync(file: &str, doc: &Value) {
    let path = support::vectors_dir().join(file);
    let text = serde_json::to_string_pretty(doc).unwrap() + "\n";
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_VECTORS=1", path.display()));
    assert!(committed == text, "{file} is stale: run `UPDATE_VECTORS=1 cargo test -p airisk-auth --test vectors` and review the diff");
}

#[test]
fn rfc_examples_hold() {
    let doc = tokens_document();
    // RFC 8037 A.4, the exact JWS of the RFC.
    assert_eq!(doc["jws"][0]["token"], "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
}

#[test]
fn token_vectors_hold_and_are_committed() {
    let doc = tokens_document();
    check_tokens_document(&doc);
    sync("tokens.json", &doc);
}

#[test]
fn committed_token_vectors_pass() {
    let text = std::fs::read_to_string(support::vectors_dir().join("tokens.json")).unwrap();
    check_tokens_document(&serde_json::from_str(&text).unwrap());
}

#[path = "support/flow_vectors.rs"]
mod flow_vectors;
#[path = "support/lifecycle_vectors.rs"]
mod lifecycle_vectors;

#[path = "support/client_vectors.rs"]
mod client_vectors;

#[path = "support/scope_vectors.rs"]
mod scope_vectors;

#[test]
fn flow_vectors_hold_and_are_committed() {
    let doc = flow_vectors::document();
    let mut failures = Vec::new();
    for scenario in doc["scenarios"].as_array().unwrap() {
        if let Err(e) = support::run_scenario(&doc["setup"], scenario) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    sync("flows.json", &doc);
}

#[test]
fn committed_flow_vectors_pass() {
    let text = std::fs::read_to_string(support::vectors_dir().join("flows.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    for scenario in doc["scenarios"].as_array().unwrap() {
        support::run_scenario(&doc["setup"], scenario).unwrap();
    }
}

#[test]
fn lifecycle_vectors_hold_and_are_committed() {
    let doc = lifecycle_vectors::document();
    let mut failures = Vec::new();
    for scenario in doc["scenarios"].as_array().unwrap() {
        if let Err(e) = support::run_scenario(&doc["setup"], scenario) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    sync("lifecycle.json", &doc);
}

#[test]
fn committed_lifecycle_vectors_pass() {
    let text = std::fs::read_to_string(support::vectors_dir().join("lifecycle.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    for scenario in doc["scenarios"].as_array().unwrap() {
        support::run_scenario(&doc["setup"], scenario).unwrap();
    }
}
