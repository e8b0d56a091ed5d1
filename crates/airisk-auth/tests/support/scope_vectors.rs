//! flows.json families of issue 14, points 6 and 7: scopes granted, refused and
//! insufficient; custom claims added at approval, and their refusal.
//!
//! Steps here may carry two fields the replayers honour: an `authorize` step's
//! `claims` (validate, then approve with these custom claims; `expect.error`
//! names the refusal when approval itself is refused) and a `bearer` step's
//! `scopes` (space-separated scopes the resource requires). An `exchange`
//! step's `expect.custom` lists custom claims of the minted token.
#![allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // hand-written expectation tables

use crate::flow_vectors::{
    bearer, bearer_refused, description, exchange, problem, scenario, token_ok, CB, CB_RAW, FORM,
    ISS, SECRET, T,
};
use serde_json::{json, Value};

/// A client using scopes, and a user limited to one.
pub(crate) const SCOPED: &str = "scoped";
pub(crate) const READER: &str = "reader";

/// The registry entries these families add to the setup.
pub(crate) fn clients() -> Vec<Value> {
    vec![
        json!({"client_id": SCOPED, "client_secret": SECRET, "redirect_uri": CB_RAW,
                "scopes": ["read:risk", "write:risk", "admin"], "default_scopes": ["read:risk", "write:risk"]}),
    ]
}

/// The users these families add to the setup.
pub(crate) fn users() -> Vec<Value> {
    vec![json!({"userid": READER, "scopes": ["read:risk"]})]
}

fn query(extra: &str) -> String {
    format!("client_id={SCOPED}&redirect_uri={CB}{extra}")
}

fn body(extra: &str) -> String {
    format!("client_id={SCOPED}&client_secret={SECRET}&redirect_uri={CB}&code={{c}}{extra}")
}

/// A code redirect whose code may be longer than 56 characters (it carries a
/// scope or custom claims), so only its prefix is compared; the code is saved as `c`.
fn code_redirect(now: u64, query: &str, claims: Option<Value>) -> Value {
    let mut step = json!({"op": "authorize", "now": now, "query": query,
        "expect": {"status": 302, "reason": null, "content_type": null, "body": "",
                   "headers": {"Cache-Control": "no-store"}, "location_prefix": format!("{CB_RAW}?code=")},
        "save": {"code": "c"}});
    if let Some(claims) = claims {
        step["claims"] = claims;
    }
    step
}

fn scope_error(now: u64, query: &str) -> Value {
    json!({"op": "authorize", "now": now, "query": query,
        "expect": {"status": 302, "reason": "InvalidScope", "content_type": null, "body": "",
                   "headers": {"Cache-Control": "no-store"}, "location_prefix": format!("{CB_RAW}?error="),
                   "location_params": {"error": "invalid_scope", "error_description": description("invalid_scope"), "state": "s1"}}})
}

/// The token response and claims of a scoped token issued at `iat`.
fn scoped_token(iat: u64, userid: Option<&str>, scope: &str) -> Value {
    let (sub, user_token) = userid.map_or((SCOPED, false), |u| (u, true));
    let mut expect = token_ok(
        "2025-03-31T13:12:17Z",
        json!({"iss": ISS, "sub": sub, "client_id": SCOPED, "user_token": user_token, "company_id": null,
               "aud": [], "iat": iat, "exp": iat + 3600, "nbf": null, "scope": scope}),
    );
    expect["json"]["scope"] = json!(scope);
    expect
}

fn scoped_bearer(now: u64, scopes: &str, expect: Value) -> Value {
    let mut step = bearer(now, Some("Bearer {t}"), "any", expect);
    step["scopes"] = json!(scopes);
    step
}

fn saving_token(mut step: Value) -> Value {
    step["save"] = json!({"token": "t"});
    step
}

pub(crate) fn scopes() -> Vec<Value> {
    let insufficient = |scope: &str| {
        bearer_refused(
            403,
            &format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\""),
            "InsufficientScope",
        )
    };
    let mut s = vec![
        scenario(
            "scopes: a granted scope reaches the token, its response and the bearer check",
            "issue 14.6; RFC 6749 §3.3, §5.1; RFC 9068 §2.2.3; RFC 6750 §3.1",
            vec![
                code_redirect(T, &query("&scope=write%3Arisk+admin+write%3Arisk"), None),
                saving_token(exchange(
                    T + 5,
                    Some(FORM),
                    &body(""),
                    scoped_token(T + 5, None, "write:risk admin"),
                )),
                scoped_bearer(T + 6, "admin", json!({"status": 200})),
                scoped_bearer(T + 6, "admin write:risk", json!({"status": 200})),
                scoped_bearer(T + 6, "read:risk", insufficient("read:risk")),
                scoped_bearer(T + 6, "admin read:risk", insufficient("admin read:risk")),
            ],
        ),
        scenario(
            "scopes: no scope sent gets the client's default set",
            "issue 14.6; RFC 6749 §3.3",
            vec![
                code_redirect(T, &query("&scope="), None),
                exchange(
                    T + 5,
                    Some(FORM),
                    &body(""),
                    scoped_token(T + 5, None, "read:risk write:risk"),
                ),
            ],
        ),
        scenario(
            "scopes: the default set is narrowed to the user's scopes",
            "issue 14.6",
            vec![
                code_redirect(T, &query(&format!("&userid={READER}")), None),
                exchange(
                    T + 5,
                    Some(FORM),
                    &body(&format!("&userid={READER}")),
                    scoped_token(T + 5, Some(READER), "read:risk"),
                ),
            ],
        ),
        scenario(
            "scopes: a token without a scope lacks every required one",
            "issue 14.6; RFC 6750 §3.1",
            vec![
                json!({"op": "authorize", "now": T, "query": format!("client_id=abc123&redirect_uri={CB}"),
                       "expect": {"status": 302}, "save": {"code": "c"}}),
                saving_token(exchange(
                    T + 5,
                    Some(FORM),
                    &format!(
                        "client_id=abc123&client_secret={SECRET}&redirect_uri={CB}&code={{c}}"
                    ),
                    json!({"status": 200}),
                )),
                scoped_bearer(T + 6, "read:risk", insufficient("read:risk")),
                scoped_bearer(T + 6, "", json!({"status": 200})),
            ],
        ),
    ];
    for (name, extra) in [
        ("a scope the client is not granted", "&scope=delete"),
        (
            "a scope the user is not granted",
            "&userid=reader&scope=write%3Arisk",
        ),
        ("two spaces between names", "&scope=read%3Arisk++admin"),
        ("a leading space", "&scope=+admin"),
        ("a forbidden character", "&scope=%22admin%22"),
        ("a non-ASCII name", "&scope=r%C3%A9ad"),
    ] {
        s.push(scenario(
            &format!("scopes: {name} is an error redirect with state"),
            "issue 14.6; RFC 6749 §4.1.2.1",
            vec![scope_error(T, &query(&format!("{extra}&state=s1")))],
        ));
    }
    let names: Vec<String> = (0..33).map(|i| format!("s{i}")).collect();
    s.push(scenario(
        "scopes: 33 names (one over the bound) is an error redirect",
        "issue 14.6",
        vec![scope_error(
            T,
            &query(&format!("&scope={}&state=s1", names.join("+"))),
        )],
    ));
    s.push(scenario(
        "scopes: a client without scopes asking for one",
        "issue 14.6",
        vec![json!({"op": "authorize", "now": T,
            "query": format!("client_id=abc123&redirect_uri={CB}&scope=read%3Arisk&state=s1"),
            "expect": {"status": 302, "reason": "InvalidScope",
                       "location_params": {"error": "invalid_scope", "error_description": description("invalid_scope"), "state": "s1"}}})],
    ));
    s.push(scenario(
        "scopes: a scope over 1 KiB is refused before it is split",
        "issue 14.6 (bounded before decoding)",
        vec![json!({"op": "authorize", "now": T,
            "query": query(&format!("&scope={}", vec!["ab"; 400].join("+"))),
            "expect": problem(400, "RequestTooLarge", "invalid_request")})],
    ));
    s.push(scenario(
        "scopes: 10,000 names never reach the scope parser",
        "issue 14 (bad input never a 500)",
        vec![json!({"op": "authorize", "now": T,
            "query": query(&format!("&scope={}", vec!["a"; 10_000].join("+"))),
            "expect": problem(400, "RequestTooLarge", "invalid_request")})],
    ));
    s
}

pub(crate) fn custom_claims() -> Vec<Value> {
    let mut s = vec![scenario(
        "custom claims: added at approval, carried by the code into the token",
        "issue 14.7",
        vec![
            code_redirect(
                T,
                &query("&userid=user_42&scope=admin"),
                Some(json!({"role": "admin", "level": 3, "tags": ["a", "b"]})),
            ),
            {
                let mut expect = scoped_token(T + 5, Some("user_42"), "admin");
                expect["claims"]["company_id"] = json!("acme");
                expect["custom"] = json!({"role": "admin", "level": 3, "tags": ["a", "b"]});
                exchange(T + 5, Some(FORM), &body("&userid=user_42"), expect)
            },
        ],
    )];
    for name in ["sub", "scope", "exp", "client_id", "user_token", ""] {
        s.push(scenario(
            &format!("custom claims: the reserved name {name:?} is refused at approval"),
            "issue 14.7 (never overriding the registered claims)",
            vec![json!({"op": "authorize", "now": T, "query": query(""),
                "claims": {name: "x"}, "expect": {"error": "InvalidClaims"}})],
        ));
    }
    s.push(scenario(
        "custom claims: over 4 KiB of JSON is refused at approval",
        "issue 14.7",
        vec![json!({"op": "authorize", "now": T, "query": query(""),
            "claims": {"blob": "x".repeat(4096)}, "expect": {"error": "InvalidClaims"}})],
    ));
    s
}

fn seal(now: u64, query: &str) -> Value {
    json!({"op": "seal", "now": now, "query": query, "expect": {}, "save": {"ticket": "k"}})
}

fn open(now: u64, decision: &str, tamper: bool, expect: Value) -> Value {
    json!({"op": "open", "now": now, "ticket": "{k}", "decision": decision, "tamper": tamper, "expect": expect})
}

fn bad_ticket(reason: &str) -> Value {
    problem(400, reason, "invalid_request")
}

/// Consent (issue 14 point 4): a pending request sealed into a ticket, opened
/// once, approved or denied.
pub(crate) fn consent() -> Vec<Value> {
    let q = format!("client_id=abc123&redirect_uri={CB}&userid=user_42&state=s1");
    let approved = json!({"status": 302, "reason": null, "headers": {"Cache-Control": "no-store"},
                          "location_prefix": format!("{CB_RAW}?code="),
                          "location_params": {"code": "<code>", "state": "s1"}});
    vec![
        scenario(
            "consent: a ticket approved gives a code that exchanges",
            "issue 14.4",
            vec![
                seal(T, &q),
                {
                    let mut step = open(T + 30, "approve", false, approved.clone());
                    step["save"] = json!({"code": "c"});
                    step
                },
                exchange(
                    T + 35,
                    Some(FORM),
                    &format!("client_id=abc123&client_secret={SECRET}&redirect_uri={CB}&code={{c}}&userid=user_42"),
                    json!({"status": 200}),
                ),
            ],
        ),
        scenario(
            "consent: a ticket denied redirects with access_denied and state",
            "issue 14.4; RFC 6749 §4.1.2.1",
            vec![
                seal(T, &q),
                open(T + 30, "deny", false, json!({"status": 302, "reason": "AccessDenied",
                    "headers": {"Cache-Control": "no-store"}, "location_prefix": format!("{CB_RAW}?error="),
                    "location_params": {"error": "access_denied", "error_description": description("access_denied"), "state": "s1"}})),
            ],
        ),
        scenario(
            "consent: a ticket opens once",
            "issue 14.4 (single use through the store)",
            vec![
                seal(T, &q),
                open(T + 30, "approve", false, approved.clone()),
                open(T + 31, "approve", false, bad_ticket("InvalidTicket")),
                open(T + 32, "deny", false, bad_ticket("InvalidTicket")),
            ],
        ),
        scenario(
            "consent: a tampered ticket is refused, and does not use up the genuine one",
            "issue 14.4 (HMAC under the code key)",
            vec![
                seal(T, &q),
                open(T + 30, "approve", true, bad_ticket("InvalidTicket")),
                open(T + 31, "approve", false, approved),
            ],
        ),
        scenario(
            "consent: a ticket expired at its 600th second",
            "issue 14.4 (ticket_ttl, default 600 s)",
            vec![
                seal(T, &q),
                open(T + 600, "approve", false, bad_ticket("TicketExpired")),
            ],
        ),
        scenario(
            "consent: random bytes and over-long tickets are refused, never redirected",
            "issue 14 (bad input never a 500)",
            vec![
                json!({"op": "open", "now": T, "ticket": "not a ticket", "decision": "approve", "tamper": false,
                       "expect": bad_ticket("InvalidTicket")}),
                json!({"op": "open", "now": T, "ticket": "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJCrze8SNFZ4kA",
                       "decision": "approve", "tamper": false, "expect": bad_ticket("InvalidTicket")}),
                json!({"op": "open", "now": T, "ticket": "A".repeat(9000), "decision": "approve", "tamper": false,
                       "expect": bad_ticket("InvalidTicket")}),
                json!({"op": "open", "now": T, "ticket": "", "decision": "deny", "tamper": false,
                       "expect": bad_ticket("InvalidTicket")}),
            ],
        ),
    ]
}
