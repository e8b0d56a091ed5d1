//! The lifecycle.json scenarios (issue 15): refresh rotation and replay,
//! RFC 7009 revocation, RFC 7662 introspection, grant revocation, RFC 8414
//! metadata and the JWKS, with hand-written expectations. Replayed by Rust,
//! C and Python (tests/python/test_vectors.py).
#![allow(clippy::pedantic)] // hand-written expectations, one long table

use crate::flow_vectors::{
    bearer, bearer_refused, exchange, generic_claims, problem, scenario, text, user_claims, CB,
    CB_RAW, FORM, INVALID_TOKEN, ISS, SECRET, T,
};
use serde_json::{json, Value};

const RT_SECRET: &str = "rt-secret-0123456789abcdef";
const RS_SECRET: &str = "rs-secret-0123456789abcdef";

fn step(op: &str, now: u64, body: &str, expect: Value) -> Value {
    json!({"op": op, "now": now, "content_type": FORM, "body": body, "expect": expect})
}
fn authorize_as(client: &str, now: u64, save: &str) -> Value {
    json!({"op": "authorize", "now": now, "query": format!("client_id={client}&redirect_uri={CB}"),
           "expect": {"status": 302}, "save": {"code": save}})
}
fn exchange_rt(now: u64, code: &str, expect: Value, token: &str, refresh: &str) -> Value {
    json!({"op": "exchange", "now": now, "content_type": FORM,
           "body": format!("client_id=rt&client_secret={RT_SECRET}&redirect_uri={CB}&code={code}"),
           "expect": expect, "save": {"token": token, "refresh": refresh}})
}
fn refresh_rt(
    now: u64,
    refresh: &str,
    extra: &str,
    expect: Value,
    save: Option<(&str, &str)>,
) -> Value {
    let mut v = step(
        "exchange",
        now,
        &format!("grant_type=refresh_token&client_id=rt&client_secret={RT_SECRET}&refresh_token={refresh}{extra}"),
        expect,
    );
    if let Some((token, refresh)) = save {
        v["save"] = json!({"token": token, "refresh": refresh});
    }
    v
}
fn rt_claims(iat: u64) -> Value {
    let mut c = generic_claims(iat);
    c["sub"] = "rt".into();
    c["client_id"] = "rt".into();
    c
}
fn pair_ok(iat: u64) -> Value {
    json!({"status": 200, "reason": null, "content_type": "application/json; charset=utf-8",
           "headers": {"Cache-Control": "no-store"},
           "json": {"token_type": "Bearer", "expires_in": 3600}, "claims": rt_claims(iat)})
}
fn empty_200() -> Value {
    json!({"status": 200, "reason": null, "body": "", "headers": {"Cache-Control": "no-store"}})
}
fn inactive() -> Value {
    json!({"status": 200, "reason": null, "content_type": "application/json; charset=utf-8",
           "body": "{\"active\":false}", "headers": {"Cache-Control": "no-store"}})
}

pub(crate) fn document() -> Value {
    let setup = {
        let mut setup = crate::flow_vectors::document()["setup"].clone();
        let clients = setup["registry"]["clients"].as_array_mut().unwrap();
        clients.push(json!({"client_id": "rt", "client_secret": RT_SECRET, "redirect_uri": CB_RAW, "refresh_tokens": true}));
        clients.push(json!({"client_id": "rs", "client_secret": RS_SECRET, "redirect_uri": CB_RAW, "introspect": true}));
        setup
    };
    let rs = |token: &str| format!("client_id=rs&client_secret={RS_SECRET}&token={token}");
    let rt = |token: &str| format!("client_id=rt&client_secret={RT_SECRET}&token={token}");
    let bearer_401 = |now, token: &str| {
        bearer(
            now,
            Some(&format!("Bearer {token}")),
            "any",
            bearer_refused(401, INVALID_TOKEN, "TokenRevoked"),
        )
    };
    let scenarios = vec![
        scenario("metadata and JWKS", "RFC 8414 §2-§3, RFC 7517", vec![
            json!({"op": "metadata", "now": T, "expect": {"status": 200, "reason": null,
                "content_type": "application/json; charset=utf-8", "headers": {"Cache-Control": "public, max-age=300"},
                "json": {"issuer": ISS,
                         "authorization_endpoint": format!("{ISS}/api/oauth2"),
                         "token_endpoint": format!("{ISS}/api/oauth2/Token"),
                         "revocation_endpoint": format!("{ISS}/api/oauth2/revoke"),
                         "introspection_endpoint": format!("{ISS}/api/oauth2/introspect"),
                         "jwks_uri": format!("{ISS}/api/oauth2/jwks"),
                         "response_types_supported": ["code"],
                         "grant_types_supported": ["authorization_code", "refresh_token"],
                         "code_challenge_methods_supported": ["S256"]}}}),
            // HS256 only: no public key to publish.
            json!({"op": "jwks", "now": T, "expect": {"status": 200, "reason": null,
                "content_type": "application/json; charset=utf-8", "body": "{\"keys\":[]}",
                "headers": {"Cache-Control": "public, max-age=300"}}}),
        ]),
        scenario("refresh: rotation, replay revokes the family", "RFC 6749 §6, RFC 9700 §4.14.2", vec![
            authorize_as("rt", T, "c"),
            exchange_rt(T + 5, "{c}", pair_ok(T + 5), "t1", "r1"),
            refresh_rt(T + 10, "{r1}", "", pair_ok(T + 10), Some(("t2", "r2"))),
            bearer(T + 11, Some("Bearer {t2}"), "any", json!({"status": 200, "claims": rt_claims(T + 10)})),
            // The used token again: refused, and the whole family revoked.
            refresh_rt(T + 12, "{r1}", "", text("Invalid refresh_token", "CodeAlreadyRedeemed"), None),
            bearer_401(T + 13, "{t2}"),
            bearer_401(T + 13, "{t1}"),
            refresh_rt(T + 13, "{r2}", "", text("Invalid refresh_token", "TokenRevoked"), None),
        ]),
        scenario("refresh: refusals that consume nothing", "RFC 6749 §6, §5.2", vec![
            authorize_as("rt", T, "c"),
            exchange_rt(T + 5, "{c}", pair_ok(T + 5), "t1", "r1"),
            // A scope the grant does not hold (it holds none).
            refresh_rt(T + 6, "{r1}", "&scope=admin", json!({"status": 400, "reason": "InvalidScope", "body": "Invalid scope"}), None),
            refresh_rt(T + 6, "art1_unknown", "", text("Invalid refresh_token", "InvalidCode"), None),
            step("exchange", T + 6, &format!("grant_type=refresh_token&client_id=rt&client_secret={RT_SECRET}"),
                text("Invalid refresh_token", "MissingParameter")),
            // The token is still good after those refusals.
            refresh_rt(T + 7, "{r1}", "", pair_ok(T + 7), None),
        ]),
        scenario("refresh: another client presenting the token revokes the family", "RFC 9700 §4.14.2", vec![
            authorize_as("rt", T, "c"),
            exchange_rt(T + 5, "{c}", pair_ok(T + 5), "t1", "r1"),
            exchange(T + 6, Some(FORM), &format!("grant_type=refresh_token&client_id=abc123&client_secret={SECRET}&refresh_token={{r1}}"),
                text("Invalid refresh_token", "CodeAlreadyRedeemed")),
            refresh_rt(T + 7, "{r1}", "", text("Invalid refresh_token", "TokenRevoked"), None),
        ]),
        scenario("revocation endpoint", "RFC 7009 §2", vec![
            authorize_as("rt", T, "c"),
            exchange_rt(T + 5, "{c}", pair_ok(T + 5), "t1", "r1"),
            // Any token gets 200 and an empty body; only the client's own is revoked.
            step("revoke", T + 6, &format!("client_id=abc123&client_secret={SECRET}&token={{t1}}"), empty_200()),
            bearer(T + 6, Some("Bearer {t1}"), "any", json!({"status": 200})),
            step("revoke", T + 6, &rt("{t1}"), empty_200()),
            bearer_401(T + 7, "{t1}"),
            step("revoke", T + 7, &rt("{t1}"), empty_200()),
            step("revoke", T + 7, &rt("not-a-token"), empty_200()),
            // Revoking the access token spared the family; revoking the refresh token ends it.
            refresh_rt(T + 8, "{r1}", "", pair_ok(T + 8), Some(("t2", "r2"))),
            step("revoke", T + 9, &format!("{}&token_type_hint=refresh_token", rt("{r2}")), empty_200()),
            bearer_401(T + 10, "{t2}"),
            refresh_rt(T + 10, "{r2}", "", text("Invalid refresh_token", "TokenRevoked"), None),
            step("revoke", T + 10, &format!("client_id=rt&client_secret={RT_SECRET}"), text("Invalid request", "MissingParameter")),
            step("revoke", T + 10, &format!("client_id=rt&client_secret=wrong-{RT_SECRET}&token=x"), problem(401, "InvalidClientSecret", "invalid_client")),
        ]),
        scenario("introspection endpoint", "RFC 7662 §2", vec![
            authorize_as("rt", T, "c"),
            exchange_rt(T + 5, "{c}", pair_ok(T + 5), "t1", "r1"),
            step("introspect", T + 6, &rs("{t1}"), json!({"status": 200, "reason": null,
                "content_type": "application/json; charset=utf-8", "headers": {"Cache-Control": "no-store"},
                "json": {"active": true, "client_id": "rt", "sub": "rt", "token_type": "Bearer",
                         "iat": T + 5, "exp": T + 5 + 3600, "iss": ISS}})),
            step("introspect", T + 6, &rs("{r1}"), json!({"status": 200, "reason": null,
                "json": {"active": true, "client_id": "rt", "token_type": "refresh_token", "iat": T + 5}})),
            step("introspect", T + 6, &rs("not-a-token"), inactive()),
            step("introspect", T + 5 + 3600 + 61, &rs("{t1}"), inactive()),
            // A client not registered for introspection is refused as if unknown.
            step("introspect", T + 6, &rt("{t1}"), problem(401, "UnknownClient", "invalid_client")),
            step("revoke", T + 7, &rt("{t1}"), empty_200()),
            step("introspect", T + 8, &rs("{t1}"), inactive()),
        ]),
        scenario("grant revocation and re-consent", "issue 15 §2", vec![
            json!({"op": "authorize", "now": T, "query": format!("client_id=abc123&redirect_uri={CB}&userid=user_42"),
                   "expect": {"status": 302}, "save": {"code": "c"}}),
            json!({"op": "exchange", "now": T + 5, "content_type": FORM,
                   "body": format!("client_id=abc123&client_secret={SECRET}&redirect_uri={CB}&code={{c}}&userid=user_42"),
                   "expect": {"status": 200}, "save": {"token": "t"}}),
            json!({"op": "authorize", "now": T + 6, "query": format!("client_id=abc123&redirect_uri={CB}&userid=user_42"),
                   "expect": {"status": 302}, "save": {"code": "outstanding"}}),
            json!({"op": "revoke_grant", "now": T + 10, "client_id": "abc123", "userid": "user_42", "expect": {"error": null}}),
            bearer_401(T + 11, "{t}"),
            json!({"op": "exchange", "now": T + 11, "content_type": FORM,
                   "body": format!("client_id=abc123&client_secret={SECRET}&redirect_uri={CB}&code={{outstanding}}&userid=user_42"),
                   "expect": {"status": 400, "reason": "TokenRevoked", "body": "Invalid Code"}}),
            // A new consent from the next second on issues tokens that work.
            json!({"op": "authorize", "now": T + 11, "query": format!("client_id=abc123&redirect_uri={CB}&userid=user_42"),
                   "expect": {"status": 302}, "save": {"code": "again"}}),
            json!({"op": "exchange", "now": T + 12, "content_type": FORM,
                   "body": format!("client_id=abc123&client_secret={SECRET}&redirect_uri={CB}&code={{again}}&userid=user_42"),
                   "expect": {"status": 200}, "save": {"token": "t2"}}),
            bearer(T + 13, Some("Bearer {t2}"), "user", json!({"status": 200, "claims": user_claims("user_42", Some("acme"), T + 12)})),
        ]),
    ];
    json!({
        "description": "Grant-lifecycle vectors (issue 15). Generated by crates/airisk-auth/tests/vectors.rs (UPDATE_VECTORS=1); format in README.md. Replayed by Rust, C and Python.",
        "setup": setup,
        "scenarios": scenarios,
    })
}
