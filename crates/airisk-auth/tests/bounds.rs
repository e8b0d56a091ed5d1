//! Size bounds: no input of the shared corpus makes a call allocate more than
//! its documented bound. Peak heap is measured per call with `allocation-counter`
//! (a counting global allocator, per thread, so parallel tests do not mix).
//!
//! The bounds, in bytes of peak live heap during one call (`len` is the
//! length of the token, query, body or header given to the call):
//!
//! | call | input within its size limit | input over its size limit |
//! |---|---|---|
//! | `Verifier::verify_at` | `VERIFY_FACTOR * len + VERIFY_SLACK` | nothing at all: refused before decoding |
//! | `check_bearer_at` | the same as `verify_at`, plus the refusal answer | the refusal answer only |
//! | `Issuer::authorize_at` | `REQUEST_FACTOR * len + params_table() + RESPONSE_SLACK` | `RESPONSE_SLACK` (the problem answer) |
//! | `Issuer::exchange_at` | `REQUEST_FACTOR * len + params_table() + EXCHANGE_SLACK` (a token is minted) | `RESPONSE_SLACK` |
//!
//! Time is reported, never asserted: run with `-- --nocapture` to see the
//! slowest cases (debug builds are far slower than release; the benches are
//! where speed is measured).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use airisk_auth::flow::{
    check_bearer_at, Access, Request, Response, MAX_BODY_LEN, MAX_PARAMS, MAX_QUERY_LEN,
};
use airisk_auth::keys::KeySet;
use airisk_auth::store::{Grant, MemoryStore, Store};
use airisk_auth::token::Verifier;
use allocation_counter::{measure, AllocationInfo};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Verification may hold the decoded header and payload (¾ of the token each at
/// most), the owned strings of the claims, and the set of unknown member names.
const VERIFY_FACTOR: u64 = 8;
/// Fixed costs of verification: the returned `Claims` and small tables.
const VERIFY_SLACK: u64 = 1024;
/// Decoding a query or body: the decoded parameters and their list.
const REQUEST_FACTOR: u64 = 4;
/// The table of a request's parameters: at most `MAX_PARAMS` entries of two
/// strings (borrowed or owned) each, whatever the length of their text, so a
/// query of 32 empty parameters costs more table than text (issue 20.1).
fn params_table() -> u64 {
    64 * u64_of(MAX_PARAMS)
}
/// An answer: status line headers and a problem+json or redirect body.
const RESPONSE_SLACK: u64 = 1024;
/// A successful exchange also mints and formats a token.
const EXCHANGE_SLACK: u64 = 4 * 1024;
/// Timing repetitions per case; the minimum is reported.
const REPEAT: usize = 5;

fn read_vectors(name: &str) -> Value {
    let text = std::fs::read_to_string(support::vectors_dir().join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn u64_of(n: usize) -> u64 {
    u64::try_from(n).unwrap()
}

/// One measured call, for the report.
struct Row {
    what: String,
    len: usize,
    info: AllocationInfo,
    best: Duration,
}

/// Runs `call` once under the allocation counter, then `REPEAT` times for timing.
fn run<T>(what: String, len: usize, mut call: impl FnMut() -> T) -> (T, Row) {
    let mut out = None;
    let info = measure(|| out = Some(call()));
    let best = (0..REPEAT)
        .map(|_| {
            let start = Instant::now();
            let _ = std::hint::black_box(call());
            start.elapsed()
        })
        .min()
        .unwrap();
    let row = Row {
        what,
        len,
        info,
        best,
    };
    (out.unwrap(), row)
}

fn report(title: &str, rows: &mut [Row]) {
    rows.sort_by_key(|r| std::cmp::Reverse(r.best));
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "\n{title}: {} calls, slowest first ({build} build)",
        rows.len()
    );
    println!(
        "{:>10} {:>9} {:>9} {:>6}  case",
        "time", "len", "peak B", "allocs"
    );
    for r in rows.iter().take(8) {
        println!(
            "{:>10.1?} {:>9} {:>9} {:>6}  {}",
            r.best, r.len, r.info.bytes_max, r.info.count_total, r.what
        );
    }
    let worst = rows
        .iter()
        .filter(|r| r.len > 0)
        .max_by(|a, b| (a.info.bytes_max * u64_of(b.len)).cmp(&(b.info.bytes_max * u64_of(a.len))));
    if let Some(r) = worst {
        let hundredths = r.info.bytes_max * 100 / u64_of(r.len);
        println!(
            "highest peak per input byte: {}.{:02} ({} B for {} B) in {}",
            hundredths / 100,
            hundredths % 100,
            r.info.bytes_max,
            r.len,
            r.what
        );
    }
}

#[test]
fn every_token_vector_verifies_within_its_allocation_bound() {
    let too_large = token_vectors_within_bound("tokens.json");
    assert!(too_large >= 1, "the corpus has oversized tokens");
    token_vectors_within_bound("interop.json");
}

/// What valid RS256/PS256/ES256 tokens allocate when only the userid is read:
/// nothing for ES256, and for RSA only what ring allocates inside one
/// verification (the parsed modulus), freed before it returns.
#[test]
fn interop_tokens_allocate_only_inside_ring_rsa() {
    let doc = read_vectors("interop.json");
    let keysets = doc["keysets"].as_object().unwrap();
    let policies = doc["policies"].as_object().unwrap();
    let mut seen = HashMap::new();
    for case in doc["verify"].as_array().unwrap() {
        if case["expect"].get("claims").is_none() || case["keyset"] != "interop_idp" {
            continue;
        }
        let name = case["name"].as_str().unwrap();
        let keys = KeySet::from_json(&keysets["interop_idp"].to_string()).unwrap();
        let verifier = Verifier::new(
            Arc::new(keys),
            support::policy_from_json(&policies[case["policy"].as_str().unwrap()]),
        );
        let token = support::case_token(case);
        let now = case["now"].as_u64().unwrap();
        let mut userid_len = 0;
        let info = measure(|| {
            userid_len = verifier
                .verify_with(&token, now, |c| c.userid().map_or(0, str::len))
                .unwrap();
        });
        assert!(userid_len > 0, "{name}");
        assert_eq!(info.bytes_current, 0, "{name}: {info:?}");
        let alg = ["RS256", "PS256", "ES256"]
            .into_iter()
            .find(|alg| name.contains(alg))
            .unwrap();
        if alg == "ES256" {
            assert_eq!(info.count_total, 0, "{name}: {info:?}");
        } else {
            // ring parses the modulus (at most 8192 bits) into limbs on the heap.
            assert!(info.bytes_max <= 4 * 1024, "{name}: {info:?}");
        }
        println!(
            "{name}: {} allocations, peak {} B",
            info.count_total, info.bytes_max
        );
        *seen.entry(alg).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
}

/// Every verify case of one vector file within its bound; the number of oversized tokens.
fn token_vectors_within_bound(file: &str) -> usize {
    let doc = read_vectors(file);
    let keysets = doc["keysets"].as_object().unwrap();
    let policies = doc["policies"].as_object().unwrap();
    let mut rows = Vec::new();
    let mut too_large = 0;
    for case in doc["verify"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let keys =
            KeySet::from_json(&keysets[case["keyset"].as_str().unwrap()].to_string()).unwrap();
        let policy = support::policy_from_json(&policies[case["policy"].as_str().unwrap()]);
        let max = policy.max_token_len();
        let verifier = Verifier::new(Arc::new(keys), policy);
        let token = support::case_token(case);
        let now = case["now"].as_u64().unwrap();

        let (got, row) = run(name.to_owned(), token.len(), || {
            verifier.verify_at(&token, now)
        });
        // The measured call is the vector's call: same verdict as the vectors expect.
        match (&got, case["expect"].get("error")) {
            (Err(e), Some(want)) => assert_eq!(e.name(), want, "{name}"),
            (Ok(_), None) => {}
            (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
        }
        let info = row.info;
        if token.len() > max {
            too_large += 1;
            assert_eq!(got, Err(airisk_auth::Error::TokenTooLarge), "{name}");
            assert_eq!(info.count_total, 0, "{name}: an oversized token allocated");
        } else {
            let bound = VERIFY_FACTOR * u64_of(token.len()) + VERIFY_SLACK;
            assert!(
                info.bytes_max <= bound,
                "{name}: peak {} B over the bound {bound} B for {} B",
                info.bytes_max,
                token.len()
            );
        }
        // Nothing is left behind but the claims handed back.
        if got.is_err() {
            assert_eq!(info.bytes_current, 0, "{name}: a refusal leaked");
        }
        rows.push(row);
    }
    report(&format!("verify_at over {file}"), &mut rows);
    too_large
}

fn substitute(text: &str, saved: &HashMap<String, String>) -> String {
    saved.iter().fold(text.to_owned(), |out, (name, value)| {
        out.replace(&format!("{{{name}}}"), value)
    })
}

fn location_code(r: &Response) -> Option<String> {
    let (_, query) = r.header("Location")?.split_once('?')?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
}

fn check_request_bound(what: &str, len: usize, limit: usize, slack: u64, info: AllocationInfo) {
    let bound = if len > limit {
        RESPONSE_SLACK
    } else {
        REQUEST_FACTOR * u64_of(len) + params_table() + slack
    };
    assert!(
        info.bytes_max <= bound,
        "{what}: peak {} B over the bound {bound} B for {len} B",
        info.bytes_max
    );
}

#[test]
fn every_flow_vector_call_stays_within_its_allocation_bound() {
    let doc = read_vectors("flows.json");
    let setup = &doc["setup"];
    let (mut authorize, mut exchange, mut bearer) = (Vec::new(), Vec::new(), Vec::new());
    let mut oversized = 0;
    for scenario in doc["scenarios"].as_array().unwrap() {
        // Consent, approval with claims and scoped resources are host calls
        // measured by their own tests; this bound is about the three endpoints.
        if !support::is_plain_endpoint_scenario(scenario) {
            continue;
        }
        let issuer = support::issuer_from_setup(setup);
        let verifier = issuer.verifier();
        let mut saved: HashMap<String, String> = HashMap::new();
        let name = scenario["name"].as_str().unwrap();
        for (i, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
            let what = format!("{name} #{i}");
            let now = step["now"].as_u64().unwrap();
            let want_status = step["expect"]["status"].as_u64();
            match step["op"].as_str().unwrap() {
                "authorize" => {
                    let query = substitute(step["query"].as_str().unwrap(), &saved);
                    // Timing repeats would spend codes; authorize has no single-use state.
                    let (r, row) = run(what.clone(), query.len(), || {
                        issuer.authorize_at(&query, now)
                    });
                    assert_eq!(Some(u64::from(r.status)), want_status, "{what}");
                    oversized += usize::from(query.len() > MAX_QUERY_LEN);
                    check_request_bound(
                        &what,
                        query.len(),
                        MAX_QUERY_LEN,
                        RESPONSE_SLACK,
                        row.info,
                    );
                    if let Some(code_name) = step.pointer("/save/code").and_then(Value::as_str) {
                        saved.insert(code_name.to_owned(), location_code(&r).unwrap());
                    }
                    authorize.push(row);
                }
                "exchange" => {
                    let body = substitute(step["body"].as_str().unwrap(), &saved);
                    let authorization = step.get("authorization").and_then(Value::as_str);
                    let request = Request::new(step["content_type"].as_str(), body.as_bytes())
                        .with_authorization(authorization)
                        .with_accept(step.get("accept").and_then(Value::as_str));
                    // Measured once: a repeat would be a replay, a different call.
                    let mut r = None;
                    let start = Instant::now();
                    let info = measure(|| r = Some(issuer.exchange_at(&request, now)));
                    let best = start.elapsed();
                    let r = r.unwrap();
                    assert_eq!(Some(u64::from(r.status)), want_status, "{what}");
                    oversized += usize::from(body.len() > MAX_BODY_LEN);
                    check_request_bound(&what, body.len(), MAX_BODY_LEN, EXCHANGE_SLACK, info);
                    if r.status == 200 {
                        if let Some(n) = step.pointer("/save/token").and_then(Value::as_str) {
                            let json: Value = serde_json::from_str(&r.body).unwrap();
                            saved.insert(
                                n.to_owned(),
                                json["access_token"].as_str().unwrap().to_owned(),
                            );
                        }
                    }
                    exchange.push(Row {
                        what,
                        len: body.len(),
                        info,
                        best,
                    });
                }
                "bearer" => {
                    let header = step["authorization"]
                        .as_str()
                        .map(|a| substitute(a, &saved));
                    let access = match step["access"].as_str().unwrap() {
                        "user" => Access::User,
                        _ => Access::Any,
                    };
                    let len = header.as_ref().map_or(0, String::len);
                    let (r, row) = run(what.clone(), len, || {
                        check_bearer_at(&verifier, header.as_deref(), access, now)
                    });
                    let status = r.as_ref().map_or_else(|e| u64::from(e.status), |_| 200);
                    assert_eq!(Some(status), want_status, "{what}");
                    let bound = if len > verifier.policy().max_token_len() {
                        RESPONSE_SLACK
                    } else {
                        VERIFY_FACTOR * u64_of(len) + VERIFY_SLACK + RESPONSE_SLACK
                    };
                    assert!(
                        row.info.bytes_max <= bound,
                        "{what}: peak {} B over {bound} B",
                        row.info.bytes_max
                    );
                    bearer.push(row);
                }
                other => panic!("{what}: unknown op {other}"),
            }
        }
    }
    assert!(oversized >= 1, "the corpus has oversized requests");
    report("authorize_at over flows.json", &mut authorize);
    report("exchange_at over flows.json (one call each)", &mut exchange);
    report("check_bearer_at over flows.json", &mut bearer);
}

/// The zero-allocation claims are only worth something if the counter sees
/// allocations at all: a control.
#[test]
fn the_counter_sees_allocations() {
    let info = measure(|| {
        let v = std::hint::black_box(vec![0u8; 1000]);
        drop(v);
    });
    assert_eq!(info.count_total, 1);
    assert!(info.bytes_max >= 1000);
    assert_eq!(info.bytes_current, 0);
}

/// Beyond the corpus, the costliest shapes an attacker controls before the
/// signature is checked: a header (or claims, for a key holder) made of as many
/// distinct unknown members as fit in the size limit, whose names the verifier
/// must remember to refuse repeats.
#[test]
fn adversarial_member_floods_stay_within_the_bound() {
    use airisk_auth::dangerous::sign_jws;
    use airisk_auth::keys::Key;
    use airisk_auth::token::Policy;
    let key = Key::hs256(Some("k"), &[5; 32]).unwrap();
    let keys = Arc::new(KeySet::single(Key::hs256(Some("k"), &[5; 32]).unwrap()).unwrap());
    let verifier = Verifier::new(keys, Policy::new("i"));
    let max = verifier.policy().max_token_len();
    let flood = |n: usize, escaped: bool| -> String {
        let members: Vec<String> = (0..n)
            .map(|i| {
                if escaped {
                    format!("\"\\u0061{i:x}\":0")
                } else {
                    format!("\"{i:x}\":0")
                }
            })
            .collect();
        format!("{{\"alg\":\"HS256\",\"kid\":\"k\",{}}}", members.join(","))
    };
    let mut rows = Vec::new();
    for escaped in [false, true] {
        // The most members that still fit under the limit, in the header then in the claims.
        let most = |make: &dyn Fn(usize) -> String| -> String {
            let n = (1..max)
                .take_while(|&n| make(n).len() <= max)
                .last()
                .unwrap();
            make(n)
        };
        let header_flood = most(&|n| sign_jws(&key, flood(n, escaped).as_bytes(), b"{}").unwrap());
        let claims_flood = most(&|n| {
            sign_jws(
                &key,
                br#"{"alg":"HS256","kid":"k"}"#,
                flood(n, escaped).as_bytes(),
            )
            .unwrap()
        });
        for (what, token) in [("header", header_flood), ("claims", claims_flood)] {
            let kind = if escaped { "escaped" } else { "plain" };
            let what = format!("{kind} members in the {what}");
            let (got, row) = run(what.clone(), token.len(), || verifier.verify_at(&token, 0));
            assert!(got.is_err(), "{what}");
            let bound = VERIFY_FACTOR * u64_of(token.len()) + VERIFY_SLACK;
            assert!(
                row.info.bytes_max <= bound,
                "{what}: peak {} B over {bound} B",
                row.info.bytes_max
            );
            rows.push(row);
        }
    }
    report("verify_at of member floods", &mut rows);
}

/// The hot path of issue 7: verifying one of our own tokens through the
/// borrowing entry point allocates nothing at all (no escapes, no `aud`, no
/// unknown members: everything is read in place from a stack buffer).
#[test]
fn verify_with_allocates_nothing_for_our_tokens() {
    use airisk_auth::keys::Key;
    use airisk_auth::token::{Claims, Policy};
    let keys = Arc::new(KeySet::single(Key::hs256(Some("k1"), &[7; 32]).unwrap()).unwrap());
    let mut claims = Claims::user(
        "https://airisk.example",
        "abc123",
        "user_42",
        1_000,
        3_600,
        "jti-1",
    );
    claims.company_id = Some("acme".into());
    let token = keys.mint(&claims).unwrap();
    let verifier = Verifier::new(
        keys,
        Policy::new("https://airisk.example").require_user(true),
    );
    let mut userid_len = 0;
    let info = measure(|| {
        userid_len = verifier
            .verify_with(&token, 2_000, |c| c.userid().map_or(0, str::len))
            .unwrap();
    });
    assert_eq!(userid_len, "user_42".len());
    assert_eq!(info.count_total, 0, "{info:?}");
    // The owned entry point allocates only the claim strings it returns.
    let info = measure(|| {
        std::hint::black_box(verifier.verify_at(&token, 2_000).unwrap());
    });
    assert_eq!(
        info.count_total, 5,
        "iss, sub, client_id, company_id, jti: {info:?}"
    );

    // With a store holding revoked tokens and grants (of others and
    // of this very user, revoked before the token was issued), the lookup of
    // the jti and the grant allocates nothing either.
    let store = Arc::new(MemoryStore::new(100));
    store.revoke("jti-0", 10_000, 0).unwrap();
    for userid in [Some("user_42"), Some("user_7"), None] {
        let grant = Grant::new("abc123", userid);
        store.revoke_grant(&grant, 999, 10_000, 999).unwrap();
    }
    let verifier = verifier.with_store(store.clone());
    let info = measure(|| {
        userid_len = verifier
            .verify_with(&token, 2_000, |c| c.userid().map_or(0, str::len))
            .unwrap();
    });
    assert_eq!(userid_len, "user_42".len());
    assert_eq!(info.count_total, 0, "{info:?}");
    // And a grant revoked after the token was issued refuses it.
    let grant = Grant::new("abc123", Some("user_42"));
    store.revoke_grant(&grant, 1_500, 10_000, 1_500).unwrap();
    assert_eq!(
        verifier.verify_with(&token, 2_000, |_| ()),
        Err(airisk_auth::Error::TokenRevoked)
    );
}

/// The one-pass reader keeps the whole of our shape allocation-free: audiences
/// (one or several), a scope, and a few custom claims of any JSON type, which
/// are skipped and read only when asked.
#[test]
fn verify_with_allocates_nothing_with_audiences_scope_and_custom_claims() {
    use airisk_auth::keys::Key;
    use airisk_auth::token::{Claims, Policy};
    let keys = Arc::new(KeySet::single(Key::hs256(Some("k1"), &[7; 32]).unwrap()).unwrap());
    let mut claims = Claims::user(
        "https://airisk.example",
        "abc123",
        "user_42",
        1_000,
        3_600,
        "jti-1",
    );
    claims.scope = Some("read:risk write:risk".into());
    claims.custom.insert("role".into(), "admin".into());
    claims.custom.insert("level".into(), 3.into());
    claims.custom.insert(
        "tenants".into(),
        serde_json::json!([{"id": 1}, {"id": 2.5}]),
    );
    for aud in [vec!["airisk-api"], vec!["other", "airisk-api"]] {
        claims.aud = aud.into_iter().map(str::to_owned).collect();
        let token = keys.mint(&claims).unwrap();
        let verifier = Verifier::new(
            keys.clone(),
            Policy::new("https://airisk.example")
                .with_audience("airisk-api")
                .require_user(true),
        );
        let mut granted = false;
        let info = measure(|| {
            granted = verifier
                .verify_with(&token, 2_000, |c| c.has_scopes(&["write:risk"]))
                .unwrap();
        });
        assert!(granted);
        assert_eq!(info.count_total, 0, "{info:?}");
        // Custom claims are there when asked for.
        let role = verifier
            .verify_with(&token, 2_000, |c| c.claim_json("role").map(str::to_owned))
            .unwrap();
        assert_eq!(role.as_deref(), Some("\"admin\""));
    }
}
