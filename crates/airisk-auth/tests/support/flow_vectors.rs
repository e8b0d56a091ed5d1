//! The flows.json scenarios: every row of PROTOCOL.md's tables and the edge
//! cases of issue 3, with hand-written expectations.
#![allow(clippy::pedantic)] // hand-written expectations, one long table

use serde_json::{json, Value};

pub(crate) const ISS: &str = "https://airisk.example";
/// Chosen so that a token minted at T + 5 expires at the documented 2025-03-31T13:12:17Z.
pub(crate) const T: u64 = 1_743_423_132;
pub(crate) const SECRET: &str = "s3cr3t-abc123-0123456789abcdef";
pub(crate) const OTHER_SECRET: &str = "other-secret-0123456789abcdef";
pub(crate) const MOBILE_SECRET: &str = "mobile-secret-0123456789abcdef";
pub(crate) const CB: &str = "https%3A%2F%2Flocalhost%2Fcallback";
pub(crate) const CB_RAW: &str = "https://localhost/callback";
/// RFC 7636 Appendix B.
pub(crate) const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub(crate) const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
pub(crate) const FORM: &str = "application/x-www-form-urlencoded";
pub(crate) const JSON_CT: &str = "application/json";

fn sha256_hex(s: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, s.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn authorize(now: u64, query: &str, expect: Value) -> Value {
    json!({"op": "authorize", "now": now, "query": query, "expect": expect})
}
pub(crate) fn authorize_saving(now: u64, query: &str, expect: Value, code: &str) -> Value {
    json!({"op": "authorize", "now": now, "query": query, "expect": expect, "save": {"code": code}})
}
pub(crate) fn exchange(now: u64, content_type: Option<&str>, body: &str, expect: Value) -> Value {
    json!({"op": "exchange", "now": now, "content_type": content_type, "body": body, "expect": expect})
}
pub(crate) fn exchange_saving(
    now: u64,
    content_type: &str,
    body: &str,
    expect: Value,
    token: &str,
) -> Value {
    json!({"op": "exchange", "now": now, "content_type": content_type, "body": body, "expect": expect, "save": {"token": token}})
}
pub(crate) fn bearer(now: u64, authorization: Option<&str>, access: &str, expect: Value) -> Value {
    json!({"op": "bearer", "now": now, "authorization": authorization, "access": access, "expect": expect})
}

pub(crate) fn redirect(prefix: &str, params: Value) -> Value {
    json!({"status": 302, "reason": null, "content_type": null, "body": "",
           "headers": {"Cache-Control": "no-store"}, "location_prefix": prefix, "location_params": params})
}
/// The fixed `error_description` of each RFC 6749 error code.
pub(crate) fn description(error: &str) -> &'static str {
    match error {
        "invalid_request" => "The request is missing, repeats or misforms a parameter.",
        "invalid_client" => "Client authentication failed.",
        "invalid_grant" => {
            "The code or refresh token is invalid, expired, already used, or was issued for another request."
        }
        "unsupported_grant_type" => "Only the authorization_code and refresh_token grants are supported.",
        "unsupported_response_type" => "Only the code response type is supported.",
        "invalid_scope" => "A requested scope is unknown or not granted.",
        "access_denied" => "The authorization was denied.",
        "server_error" => "The server could not complete the request.",
        "temporarily_unavailable" => "The service is temporarily unavailable.",
        other => panic!("no such error code {other}"),
    }
}
/// A problem+json answer carrying the RFC 6749 `error` members.
pub(crate) fn problem(status: u16, reason: &str, error: &str) -> Value {
    let (section, title) = match status {
        400 => ("15.5.1", "Bad Request"),
        401 => ("15.5.2", "Unauthorized"),
        _ => ("15.6.4", "Service Unavailable"),
    };
    json!({"status": status, "reason": reason, "content_type": "application/problem+json; charset=utf-8",
           "headers": {"Cache-Control": "no-store"},
           "problem": {"type": format!("https://tools.ietf.org/html/rfc9110#section-{section}"), "title": title, "status": status,
                       "error": error, "error_description": description(error)}})
}
pub(crate) fn text(body: &str, reason: &str) -> Value {
    json!({"status": 400, "reason": reason, "content_type": "text/plain; charset=utf-8", "body": body,
           "headers": {"Cache-Control": "no-store"}})
}
pub(crate) fn token_ok(expiration: &str, claims: Value) -> Value {
    json!({"status": 200, "reason": null, "content_type": "application/json; charset=utf-8",
           "headers": {"Cache-Control": "no-store"},
           "json": {"token_type": "Bearer", "expires_in": 3600, "expiration": expiration}, "claims": claims})
}
pub(crate) fn generic_claims(iat: u64) -> Value {
    json!({"iss": ISS, "sub": "abc123", "client_id": "abc123", "user_token": false, "company_id": null,
           "aud": [], "iat": iat, "exp": iat + 3600, "nbf": null})
}
pub(crate) fn user_claims(userid: &str, company: Option<&str>, iat: u64) -> Value {
    json!({"iss": ISS, "sub": userid, "client_id": "abc123", "user_token": true, "company_id": company,
           "aud": [], "iat": iat, "exp": iat + 3600, "nbf": null})
}
pub(crate) fn bearer_refused(status: u16, challenge: &str, reason: &str) -> Value {
    json!({"status": status, "reason": reason, "content_type": null, "body": "",
           "headers": {"WWW-Authenticate": challenge}})
}
pub(crate) const INVALID_TOKEN: &str = "Bearer error=\"invalid_token\"";
pub(crate) const INSUFFICIENT: &str = "Bearer error=\"insufficient_scope\"";

pub(crate) fn form(code: &str, extra: &str) -> String {
    format!("client_id=abc123&client_secret={SECRET}&redirect_uri={CB}&code={code}{extra}")
}
pub(crate) fn auth_query(extra: &str) -> String {
    format!("client_id=abc123&redirect_uri={CB}{extra}")
}

pub(crate) fn scenario(name: &str, source: &str, steps: Vec<Value>) -> Value {
    json!({"name": name, "source": source, "steps": steps})
}

/// A scenario that authorizes (generic, or for `userid`) at T and saves the code as `c`.
pub(crate) fn with_code(
    name: &str,
    source: &str,
    userid: Option<&str>,
    mut steps: Vec<Value>,
) -> Value {
    let extra = userid.map_or(String::new(), |u| format!("&userid={u}"));
    let mut all = vec![authorize_saving(
        T,
        &auth_query(&extra),
        redirect(&format!("{CB_RAW}?code="), json!({"code": "<code>"})),
        "c",
    )];
    all.append(&mut steps);
    scenario(name, source, all)
}

/// `count` distinct names of one or two alphanumerics (at most 3,906), none a
/// parameter the flow reads.
fn short_names(count: usize) -> Vec<String> {
    let alphabet: Vec<char> = ('0'..='9').chain('a'..='z').chain('A'..='Z').collect();
    alphabet
        .iter()
        .map(char::to_string)
        .chain(
            alphabet
                .iter()
                .flat_map(|a| alphabet.iter().map(move |b| format!("{a}{b}"))),
        )
        .take(count)
        .collect()
}

/// Issue 20.1: thousands of short parameter names used to cost a quadratic
/// repeated-name check before the client was authenticated; the 33rd name now
/// refuses the request. A request at the bound still succeeds.
fn parameter_floods() -> Vec<Value> {
    let source = "issue 20.1 (bounded parameter count, decided)";
    let extra = |count: usize| {
        short_names(count)
            .iter()
            .map(|n| format!("&{n}="))
            .collect::<String>()
    };
    let flood = short_names(3906).join("&");
    let json_flood: String = short_names(1700)
        .iter()
        .map(|n| format!(",\"{n}\":\"\""))
        .collect();
    vec![
        with_code(
            "token: 32 parameters (the bound) are accepted",
            source,
            None,
            vec![exchange(
                T + 1,
                Some(FORM),
                &form("{c}", &extra(28)),
                json!({"status": 200, "reason": null}),
            )],
        ),
        with_code(
            "token: a 33rd parameter refuses the request",
            source,
            None,
            vec![
                exchange(
                    T + 1,
                    Some(FORM),
                    &form("{c}", &extra(29)),
                    text("Invalid request", "RequestTooLarge"),
                ),
                exchange(
                    T + 2,
                    Some(FORM),
                    &form("{c}", ""),
                    json!({"status": 200, "reason": null}),
                ),
            ],
        ),
        with_code(
            "token: 3,906 distinct short names (form)",
            source,
            None,
            vec![exchange(
                T + 1,
                Some(FORM),
                &format!("{flood}&{}", form("{c}", "")),
                text("Invalid request", "RequestTooLarge"),
            )],
        ),
        with_code(
            "token: 1,700 distinct short members (JSON)",
            source,
            None,
            vec![exchange(
                T + 1,
                Some(JSON_CT),
                &format!(
                    r#"{{"client_id":"abc123","client_secret":"{SECRET}","redirect_uri":"{CB_RAW}","code":"{{c}}"{json_flood}}}"#
                ),
                text("Invalid request", "RequestTooLarge"),
            )],
        ),
        with_code(
            "token: a flood with a wrong secret is refused before the secret is checked",
            source,
            None,
            vec![exchange(
                T + 1,
                Some(FORM),
                &format!(
                    "{}&{flood}",
                    form("{c}", "").replace(SECRET, "wrong-secret")
                ),
                text("Invalid request", "RequestTooLarge"),
            )],
        ),
        scenario(
            "authorize: 32 parameters (the bound) are accepted",
            source,
            vec![authorize(
                T,
                &auth_query(&extra(30)),
                redirect(&format!("{CB_RAW}?code="), json!({"code": "<code>"})),
            )],
        ),
        scenario(
            "authorize: 2,400 distinct short names",
            source,
            vec![authorize(
                T,
                &format!("{}&{}", auth_query(""), short_names(2400).join("&")),
                problem(400, "RequestTooLarge", "invalid_request"),
            )],
        ),
    ]
}

pub(crate) fn document() -> Value {
    let expiration = "2025-03-31T13:12:17Z";
    let mut s = vec![
        scenario("generic token: authorize, exchange (form), use", "PROTOCOL.md §1-§4", vec![
            authorize_saving(T, &auth_query("&state=xyz"), redirect(&format!("{CB_RAW}?code="), json!({"code": "<code>", "state": "xyz"})), "c"),
            exchange_saving(T + 5, FORM, &form("{c}", ""), token_ok(expiration, generic_claims(T + 5)), "t"),
            bearer(T + 6, Some("Bearer {t}"), "any", json!({"status": 200, "claims": generic_claims(T + 5)})),
            bearer(T + 6, Some("Bearer {t}"), "user", bearer_refused(403, INSUFFICIENT, "UserTokenRequired")),
            bearer(T + 6, Some("bearer   {t}"), "any", json!({"status": 200})),
        ]),
        scenario("user token: authorize with userid, exchange (JSON), use", "PROTOCOL.md §1-§4", vec![
            authorize_saving(T, &auth_query("&userid=user_42"), redirect(&format!("{CB_RAW}?code="), json!({"code": "<code>"})), "c"),
            exchange_saving(T + 5, JSON_CT,
                &json!({"client_id": "abc123", "client_secret": SECRET, "redirect_uri": CB_RAW, "code": "{c}", "userid": "user_42"}).to_string(),
                token_ok(expiration, user_claims("user_42", Some("acme"), T + 5)), "t"),
            bearer(T + 6, Some("Bearer {t}"), "user", json!({"status": 200, "claims": user_claims("user_42", Some("acme"), T + 5)})),
            bearer(T + 6, Some("Bearer {t}"), "any", json!({"status": 200})),
        ]),
        with_code("user without a company", "PROTOCOL.md §3", Some("user_7"), vec![
            exchange(T + 1, Some(FORM), &form("{c}", "&userid=user_7"), token_ok("2025-03-31T13:12:13Z", user_claims("user_7", None, T + 1))),
        ]),
        with_code("grant_type authorization_code is accepted", "RFC 6749 §4.1.3", None, vec![
            exchange(T + 1, Some("application/x-www-form-urlencoded; charset=UTF-8"), &form("{c}", "&grant_type=authorization_code"), json!({"status": 200, "reason": null})),
        ]),
        scenario("state is returned unmodified", "PROTOCOL.md §1", vec![
            authorize(T, &auth_query("&state=a+b%26c%3Dd%2F%C3%A9%25"), redirect(&format!("{CB_RAW}?code="), json!({"code": "<code>", "state": "a b&c=d/é%"}))),
        ]),
        scenario("an empty state is returned empty", "PROTOCOL.md §1", vec![
            authorize(T, &auth_query("&state="), redirect(&format!("{CB_RAW}?code="), json!({"code": "<code>", "state": ""}))),
        ]),
        scenario("registered URI with a query keeps it", "RFC 6749 §3.1.2", vec![
            authorize_saving(T, "client_id=abc123&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Ftenant%3D1&state=s",
                redirect("https://app.example/cb?tenant=1&code=", json!({"tenant": "1", "code": "<code>", "state": "s"})), "c"),
            exchange(T + 1, Some(FORM), &format!("client_id=abc123&client_secret={SECRET}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Ftenant%3D1&code={{c}}"),
                json!({"status": 200, "reason": null})),
        ]),
    ];

    // Authorization endpoint failures.
    let auth_fail: Vec<(&str, &str, String, u16, &str)> = vec![
        ("client_id missing", "PROTOCOL.md §1 (decided)", format!("redirect_uri={CB}"), 400, "MissingParameter"),
        ("client_id empty", "PROTOCOL.md §1 (decided)", format!("client_id=&redirect_uri={CB}"), 400, "MissingParameter"),
        ("redirect_uri missing", "PROTOCOL.md §1 (decided)", "client_id=abc123".into(), 400, "MissingParameter"),
        ("client_id unknown", "PROTOCOL.md §1", format!("client_id=nobody&redirect_uri={CB}"), 401, "UnknownClient"),
        ("client_id differs in case", "PROTOCOL.md §1", format!("client_id=ABC123&redirect_uri={CB}"), 401, "UnknownClient"),
        ("redirect_uri with a trailing slash", "RFC 9700 §4.1.3", auth_query("").replace(CB, "https%3A%2F%2Flocalhost%2Fcallback%2F"), 401, "InvalidRedirectUri"),
        ("redirect_uri in another case", "RFC 9700 §4.1.3", auth_query("").replace(CB, "HTTPS%3A%2F%2FLOCALHOST%2Fcallback"), 401, "InvalidRedirectUri"),
        ("redirect_uri with an extra query", "RFC 9700 §4.1.3", auth_query("").replace(CB, "https%3A%2F%2Flocalhost%2Fcallback%3Fx%3D1"), 401, "InvalidRedirectUri"),
        ("redirect_uri with a fragment", "RFC 6749 §3.1.2", auth_query("").replace(CB, "https%3A%2F%2Flocalhost%2Fcallback%23f"), 401, "InvalidRedirectUri"),
        ("redirect_uri with userinfo", "RFC 9700 §4.1.1", auth_query("").replace(CB, "https%3A%2F%2Fevil%40localhost%2Fcallback"), 401, "InvalidRedirectUri"),
        ("redirect_uri with an explicit port", "RFC 9700 §4.1.3", auth_query("").replace(CB, "https%3A%2F%2Flocalhost%3A443%2Fcallback"), 401, "InvalidRedirectUri"),
        ("redirect_uri is a prefix of a registered one", "RFC 9700 §4.1.3", auth_query("").replace(CB, "https%3A%2F%2Flocalhost%2Fcallbac"), 401, "InvalidRedirectUri"),
        ("redirect_uri extends a registered one", "RFC 9700 §4.1.3", auth_query("").replace(CB, "https%3A%2F%2Flocalhost%2Fcallback.evil.example"), 401, "InvalidRedirectUri"),
        ("redirect_uri is the whole comma-separated column", "PROTOCOL.md §1",
            auth_query("").replace(CB, "https%3A%2F%2Flocalhost%2Fcallback%2Chttps%3A%2F%2Fapp.example%2Fcb%3Ftenant%3D1"), 401, "InvalidRedirectUri"),
        ("redirect_uri is one member plus a comma", "PROTOCOL.md §1", auth_query("").replace(CB, "https%3A%2F%2Flocalhost%2Fcallback%2C"), 401, "InvalidRedirectUri"),
        ("redirect_uri of another client only", "PROTOCOL.md §1", "client_id=mobile&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256".into(), 401, "InvalidRedirectUri"),
        ("redirect_uri with a percent-encoded path character", "issue 20.7; RFC 9700 §4.1.3", auth_query("").replace(CB, "https%3A%2F%2Flocalhost%2F%2563allback"), 401, "InvalidRedirectUri"),
        ("redirect_uri differing in host case only", "issue 20.7; RFC 9700 §4.1.3", auth_query("").replace(CB, "https%3A%2F%2FLocalHost%2Fcallback"), 401, "InvalidRedirectUri"),
        ("redirect_uri with scheme http", "issue 20.7; RFC 9700 §4.1.3", auth_query("").replace(CB, "http%3A%2F%2Flocalhost%2Fcallback"), 401, "InvalidRedirectUri"),
        ("redirect_uri with the default port of http on https", "issue 20.7; RFC 9700 §4.1.3", auth_query("").replace(CB, "https%3A%2F%2Flocalhost%3A80%2Fcallback"), 401, "InvalidRedirectUri"),
        ("redirect_uri with its query in another order", "issue 20.7; RFC 9700 §4.1.3",
            format!("client_id=other&redirect_uri={}", "https%3A%2F%2Fother.example%2Fcb%3Fb%3D2%26a%3D1"), 401, "InvalidRedirectUri"),
        ("redirect_uri with its query value percent-encoded", "issue 20.7; RFC 9700 §4.1.3",
            format!("client_id=other&redirect_uri={}", "https%3A%2F%2Fother.example%2Fcb%3Fa%3D%2531%26b%3D2"), 401, "InvalidRedirectUri"),
        ("userid unknown", "PROTOCOL.md §1", auth_query("&userid=user_99"), 401, "UnknownUser"),
        ("client_id repeated", "RFC 6749 §3.1", format!("client_id=abc123&client_id=abc123&redirect_uri={CB}"), 400, "DuplicateParameter"),
        ("bad percent escape", "decided (strict decoding)", auth_query("&state=%zz"), 400, "MalformedRequest"),
        ("invalid UTF-8", "decided (strict decoding)", auth_query("&state=%FF"), 400, "MalformedRequest"),
        ("query over 8 KiB", "decided (bounded input)", auth_query(&format!("&state={}", "s".repeat(9000))), 400, "RequestTooLarge"),
        ("pathological redirect_uri", "issue 8", auth_query("").replace(CB, &"https%3A%2F%2Fa".repeat(300)), 400, "RequestTooLarge"),
    ];
    for (name, source, query, status, reason) in auth_fail {
        s.push(scenario(
            &format!("authorize: {name}"),
            source,
            vec![authorize(
                T,
                &query,
                problem(status, reason, "invalid_request"),
            )],
        ));
    }

    // Token endpoint: the documented table and the decided rows.
    let missing: Vec<(&str, String, &str)> = vec![
        (
            "client_id missing",
            format!("client_secret={SECRET}&redirect_uri={CB}&code=x"),
            "Invalid client_id",
        ),
        (
            "client_id empty",
            format!("client_id=&client_secret={SECRET}&redirect_uri={CB}&code=x"),
            "Invalid client_id",
        ),
        (
            "client_id and client_secret missing",
            format!("redirect_uri={CB}&code=x"),
            "Invalid client_id",
        ),
        (
            "client_secret missing",
            format!("client_id=abc123&redirect_uri={CB}&code=x"),
            "Invalid client_secret",
        ),
        (
            "client_secret empty",
            format!("client_id=abc123&client_secret=&redirect_uri={CB}&code=x"),
            "Invalid client_secret",
        ),
        (
            "redirect_uri missing",
            format!("client_id=abc123&client_secret={SECRET}&code=x"),
            "Invalid redirect_uri",
        ),
        (
            "code missing",
            format!("client_id=abc123&client_secret={SECRET}&redirect_uri={CB}"),
            "Invalid Code",
        ),
    ];
    for (name, body, answer) in missing {
        s.push(scenario(
            &format!("token: {name}"),
            "PROTOCOL.md §2",
            vec![exchange(
                T,
                Some(FORM),
                &body,
                text(answer, "MissingParameter"),
            )],
        ));
    }
    s.push(scenario(
        "token: client_id missing (JSON)",
        "PROTOCOL.md §2",
        vec![exchange(
            T,
            Some(JSON_CT),
            &json!({"client_secret": SECRET, "redirect_uri": CB_RAW, "code": "x"}).to_string(),
            text("Invalid client_id", "MissingParameter"),
        )],
    ));
    s.push(scenario(
        "token: client_id unknown",
        "PROTOCOL.md §2",
        vec![exchange(
            T,
            Some(FORM),
            &form("x", "").replace("client_id=abc123", "client_id=nobody"),
            problem(401, "UnknownClient", "invalid_client"),
        )],
    ));
    s.push(scenario(
        "token: client_secret wrong",
        "PROTOCOL.md §2",
        vec![exchange(
            T,
            Some(FORM),
            &form("x", "").replace(SECRET, "s3cr3t-abc123-0123456789abcdeX"),
            problem(401, "InvalidClientSecret", "invalid_client"),
        )],
    ));
    s.push(scenario(
        "token: another client's secret",
        "PROTOCOL.md §2",
        vec![exchange(
            T,
            Some(FORM),
            &form("x", "").replace(SECRET, OTHER_SECRET),
            problem(401, "InvalidClientSecret", "invalid_client"),
        )],
    ));
    s.push(scenario(
        "token: code is garbage",
        "PROTOCOL.md §2",
        vec![exchange(
            T,
            Some(FORM),
            &form("SplxlOBeZQQYbYS6WxSbIA", ""),
            text("Invalid Code", "InvalidCode"),
        )],
    ));
    s.push(scenario(
        "token: a code past the 16 KiB body bound",
        "issue 8 (bounded input)",
        vec![exchange(
            T,
            Some(FORM),
            &form(&"A".repeat(17 * 1024), ""),
            text("Invalid request", "RequestTooLarge"),
        )],
    ));
    s.push(scenario(
        "token: a 1 KiB code",
        "issue 8 (bounded input)",
        vec![exchange(
            T,
            Some(FORM),
            &form(&"A".repeat(1024), ""),
            text("Invalid Code", "InvalidCode"),
        )],
    ));
    s.push(with_code(
        "token: a wrong secret does not burn the code",
        "decided",
        None,
        vec![
            exchange(
                T + 1,
                Some(FORM),
                &form("{c}", "").replace(SECRET, "wrong-secret"),
                problem(401, "InvalidClientSecret", "invalid_client"),
            ),
            exchange(T + 2, Some(FORM), &form("{c}", ""), json!({"status": 200})),
        ],
    ));
    s.push(with_code(
        "token: code at the last second of its life",
        "PROTOCOL.md §1 (short-lived)",
        None,
        vec![exchange(
            T + 59,
            Some(FORM),
            &form("{c}", ""),
            json!({"status": 200, "reason": null}),
        )],
    ));
    s.push(with_code(
        "token: code expired at its 60th second",
        "PROTOCOL.md §2",
        None,
        vec![exchange(
            T + 60,
            Some(FORM),
            &form("{c}", ""),
            text("Invalid Code", "CodeExpired"),
        )],
    ));
    s.push(with_code(
        "token: replayed code is refused and its token revoked",
        "PROTOCOL.md §2; RFC 6749 §4.1.2",
        None,
        vec![
            exchange_saving(T + 1, FORM, &form("{c}", ""), json!({"status": 200}), "t"),
            bearer(T + 2, Some("Bearer {t}"), "any", json!({"status": 200})),
            exchange(
                T + 3,
                Some(FORM),
                &form("{c}", ""),
                text("Invalid Code", "CodeAlreadyRedeemed"),
            ),
            bearer(
                T + 4,
                Some("Bearer {t}"),
                "any",
                bearer_refused(401, INVALID_TOKEN, "TokenRevoked"),
            ),
        ],
    ));
    s.push(with_code(
        "token: code of another client",
        "PROTOCOL.md §2",
        None,
        vec![exchange(
            T + 1,
            Some(FORM),
            &form("{c}", "")
                .replace("client_id=abc123", "client_id=other")
                .replace(SECRET, OTHER_SECRET),
            text("Invalid Code", "InvalidCode"),
        )],
    ));
    s.push(with_code(
        "token: redirect_uri differs from the authorization's",
        "PROTOCOL.md §2",
        None,
        vec![exchange(
            T + 1,
            Some(FORM),
            &form("{c}", "").replace(CB, "https%3A%2F%2Fapp.example%2Fcb%3Ftenant%3D1"),
            text("Invalid Code", "InvalidCode"),
        )],
    ));
    s.push(with_code(
        "token: userid omitted for a user code",
        "PROTOCOL.md §2",
        Some("user_42"),
        vec![exchange(
            T + 1,
            Some(FORM),
            &form("{c}", ""),
            text("Invalid Code", "UseridMismatch"),
        )],
    ));
    s.push(with_code(
        "token: userid sent for a generic code",
        "PROTOCOL.md §2",
        None,
        vec![exchange(
            T + 1,
            Some(FORM),
            &form("{c}", "&userid=user_42"),
            text("Invalid Code", "UseridMismatch"),
        )],
    ));
    s.push(with_code(
        "token: another userid",
        "PROTOCOL.md §2",
        Some("user_42"),
        vec![exchange(
            T + 1,
            Some(FORM),
            &form("{c}", "&userid=user_7"),
            text("Invalid Code", "InvalidCode"),
        )],
    ));
    s.push(with_code(
        "token: code_verifier for a code without challenge",
        "RFC 9700 §4.8.2",
        None,
        vec![exchange(
            T + 1,
            Some(FORM),
            &form("{c}", &format!("&code_verifier={VERIFIER}")),
            text("Invalid Code", "PkceUnexpected"),
        )],
    ));

    // PKCE with the public client and the RFC 7636 Appendix B vector.
    let mobile_auth = format!("client_id=mobile&redirect_uri=com.example.app%3A%2Fcb&code_challenge={CHALLENGE}&code_challenge_method=S256&state=p");
    let mobile_form = |verifier: &str| {
        format!("client_id=mobile&client_secret={MOBILE_SECRET}&redirect_uri=com.example.app%3A%2Fcb&code={{c}}{verifier}")
    };
    let mobile = |name: &str, verifier: &str, expect: Value| {
        scenario(
            name,
            "RFC 7636 §4.6; Appendix B",
            vec![
                authorize_saving(
                    T,
                    &mobile_auth,
                    redirect(
                        "com.example.app:/cb?code=",
                        json!({"code": "<code>", "state": "p"}),
                    ),
                    "c",
                ),
                exchange(T + 1, Some(FORM), &mobile_form(verifier), expect),
            ],
        )
    };
    s.push(mobile(
        "PKCE: the right verifier",
        &format!("&code_verifier={VERIFIER}"),
        json!({"status": 200, "reason": null,
        "claims": {"sub": "mobile", "client_id": "mobile", "user_token": false}}),
    ));
    s.push(mobile(
        "PKCE: a wrong verifier",
        "&code_verifier=eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        text("Invalid Code", "InvalidCode"),
    ));
    s.push(mobile(
        "PKCE: downgrade (verifier omitted)",
        "",
        text("Invalid Code", "PkceRequired"),
    ));
    s.push(mobile(
        "PKCE: malformed verifier",
        "&code_verifier=short",
        text("Invalid Code", "PkceMismatch"),
    ));
    s.push(mobile(
        "PKCE: a 42-character verifier (one short)",
        &format!("&code_verifier={}", &VERIFIER[..42]),
        text("Invalid Code", "PkceMismatch"),
    ));
    s.push(mobile(
        "PKCE: a 129-character verifier (one over)",
        &format!("&code_verifier={}", "a".repeat(129)),
        text("Invalid Code", "RequestTooLarge"),
    ));
    s.push(mobile(
        "PKCE: a wrong 128-character verifier",
        &format!("&code_verifier={}", "a".repeat(128)),
        text("Invalid Code", "InvalidCode"),
    ));
    // Issue 20.7: both bounds of RFC 7636 §4.1 are accepted with the right verifier
    // (the Appendix B verifier above is the 43-character one).
    let longest = "a".repeat(128);
    let longest_challenge = super::base64_url_encode(
        ring::digest::digest(&ring::digest::SHA256, longest.as_bytes()).as_ref(),
    );
    s.push(scenario(
        "PKCE: the right 128-character verifier",
        "issue 20.7; RFC 7636 §4.1",
        vec![
            authorize_saving(
                T,
                &mobile_auth.replace(CHALLENGE, &longest_challenge),
                redirect(
                    "com.example.app:/cb?code=",
                    json!({"code": "<code>", "state": "p"}),
                ),
                "c",
            ),
            exchange(
                T + 1,
                Some(FORM),
                &mobile_form(&format!("&code_verifier={longest}")),
                json!({"status": 200, "reason": null}),
            ),
        ],
    ));
    s.push(mobile(
        "PKCE: verifier with a forbidden character",
        &format!("&code_verifier={}%21", &VERIFIER[..43]),
        text("Invalid Code", "PkceMismatch"),
    ));

    // Token request bodies.
    let bodies: Vec<(&str, Option<&str>, String, &str)> = vec![
        (
            "parameter repeated (form)",
            Some(FORM),
            form("x", "&client_id=abc123"),
            "DuplicateParameter",
        ),
        (
            "member repeated (JSON)",
            Some(JSON_CT),
            format!(
                r#"{{"client_id":"abc123","client_id":"abc123","client_secret":"{SECRET}","redirect_uri":"{CB_RAW}","code":"x"}}"#
            ),
            "MalformedRequest",
        ),
        (
            "JSON value not a string",
            Some(JSON_CT),
            format!(
                r#"{{"client_id":123,"client_secret":"{SECRET}","redirect_uri":"{CB_RAW}","code":"x"}}"#
            ),
            "MalformedRequest",
        ),
        (
            "JSON is not an object",
            Some(JSON_CT),
            r#"["client_id","abc123"]"#.into(),
            "MalformedRequest",
        ),
        (
            "JSON is truncated",
            Some(JSON_CT),
            r#"{"client_id":"abc123""#.into(),
            "MalformedRequest",
        ),
        (
            "form body sent as JSON",
            Some(JSON_CT),
            form("x", ""),
            "MalformedRequest",
        ),
        (
            "content type text/plain",
            Some("text/plain"),
            form("x", ""),
            "UnsupportedContentType",
        ),
        (
            "no content type",
            None,
            form("x", ""),
            "UnsupportedContentType",
        ),
        (
            "charset other than UTF-8",
            Some("application/x-www-form-urlencoded; charset=iso-8859-1"),
            form("x", ""),
            "UnsupportedContentType",
        ),
        (
            "grant_type password",
            Some(FORM),
            form("x", "&grant_type=password"),
            "MalformedRequest",
        ),
        (
            "bad percent escape",
            Some(FORM),
            form("x", "&userid=%G1"),
            "MalformedRequest",
        ),
    ];
    for (name, ct, body, reason) in bodies {
        s.push(scenario(
            &format!("token: {name}"),
            "PROTOCOL.md §2 (decided)",
            vec![exchange(T, ct, &body, text("Invalid request", reason))],
        ));
    }

    s.push(scenario(
        "authorize: a registered URI with a two-member query, exactly",
        "issue 20.7 (control)",
        vec![authorize(
            T,
            "client_id=other&redirect_uri=https%3A%2F%2Fother.example%2Fcb%3Fa%3D1%26b%3D2",
            redirect(
                "https://other.example/cb?a=1&b=2&code=",
                json!({"a": "1", "b": "2", "code": "<code>"}),
            ),
        )],
    ));
    s.append(&mut parameter_floods());
    s.push(with_code(
        "token: a code issued 31 s after the token endpoint's clock is refused",
        "issue 20.6 (clock skew fails visibly, decided)",
        None,
        vec![
            exchange(
                T - 31,
                Some(FORM),
                &form("{c}", ""),
                text("Invalid Code", "NotYetValid"),
            ),
            exchange(
                T - 30,
                Some(FORM),
                &form("{c}", ""),
                json!({"status": 200, "reason": null}),
            ),
        ],
    ));
    s.push(with_code(
        "token: a code replayed after it expired does not revoke its token",
        "issue 20.6; RFC 6749 §4.1.2 SHOULD (decided: flow docs)",
        None,
        vec![
            exchange_saving(T + 1, FORM, &form("{c}", ""), json!({"status": 200}), "t"),
            exchange(
                T + 60,
                Some(FORM),
                &form("{c}", ""),
                text("Invalid Code", "CodeExpired"),
            ),
            bearer(T + 61, Some("Bearer {t}"), "any", json!({"status": 200})),
        ],
    ));

    // Bearer use.
    s.push(scenario(
        "bearer: no Authorization header",
        "RFC 6750 §3",
        vec![bearer(
            T,
            None,
            "any",
            bearer_refused(401, "Bearer", "MissingBearer"),
        )],
    ));
    s.push(scenario(
        "bearer: another scheme",
        "RFC 6750 §3",
        vec![bearer(
            T,
            Some("Basic YWJjMTIzOnNlY3JldA=="),
            "any",
            bearer_refused(401, "Bearer", "MissingBearer"),
        )],
    ));
    s.push(scenario(
        "bearer: scheme without token",
        "RFC 6750 §3",
        vec![bearer(
            T,
            Some("Bearer "),
            "any",
            bearer_refused(401, "Bearer", "MissingBearer"),
        )],
    ));
    s.push(scenario(
        "bearer: not a token",
        "RFC 6750 §3.1",
        vec![bearer(
            T,
            Some("Bearer AAABBBCCC111222333444"),
            "any",
            bearer_refused(401, INVALID_TOKEN, "MalformedToken"),
        )],
    ));
    s.push(with_code(
        "bearer: expired token",
        "PROTOCOL.md §4",
        None,
        vec![
            exchange_saving(T + 1, FORM, &form("{c}", ""), json!({"status": 200}), "t"),
            bearer(
                T + 1 + 3600 + 29,
                Some("Bearer {t}"),
                "any",
                json!({"status": 200}),
            ),
            bearer(
                T + 1 + 3600 + 30,
                Some("Bearer {t}"),
                "any",
                bearer_refused(401, INVALID_TOKEN, "Expired"),
            ),
        ],
    ));
    s.push(with_code(
        "bearer: a code is not a token",
        "issue 8 (token-type confusion)",
        None,
        vec![bearer(
            T + 1,
            Some("Bearer {c}"),
            "any",
            bearer_refused(401, INVALID_TOKEN, "MalformedToken"),
        )],
    ));

    s.extend(crate::client_vectors::client_authentication());
    s.extend(crate::client_vectors::errors_by_accept());
    s.extend(crate::client_vectors::error_redirects());
    s.extend(crate::client_vectors::loopback_redirects());
    s.extend(crate::scope_vectors::scopes());
    s.extend(crate::scope_vectors::custom_claims());
    s.extend(crate::scope_vectors::consent());

    let mut clients = vec![
        json!({"client_id": "abc123", "client_secret": SECRET, "redirect_uri": "https://localhost/callback,https://app.example/cb?tenant=1"}),
        json!({"client_id": "other", "client_secret": OTHER_SECRET, "redirect_uri": "https://localhost/callback,https://other.example/cb?a=1&b=2"}),
        json!({"client_id": "mobile", "client_secret_sha256": sha256_hex(MOBILE_SECRET), "redirect_uri": "com.example.app:/cb", "public": true}),
    ];
    clients.extend(crate::client_vectors::clients());
    clients.extend(crate::scope_vectors::clients());
    let mut users = vec![
        json!({"userid": "user_42", "company_id": "acme"}),
        json!({"userid": "user_7"}),
    ];
    users.extend(crate::scope_vectors::users());
    json!({
        "description": "Shared flow vectors. Generated by crates/airisk-auth/tests/vectors.rs (UPDATE_VECTORS=1); format in README.md.",
        "setup": {
            "registry": {
                "clients": clients,
                "users": users,
            },
            "keyset": {"keys": [{"kty": "oct", "kid": "hs-2026", "alg": "HS256", "k": "YWlyaXNrLWF1dGgtdmVjdG9ycy1oczI1Ni1rZXktMDE"}], "active_kid": "hs-2026"},
            "code_key": "YWlyaXNrLWF1dGgtdmVjdG9ycy1jb2RlLWtleS0wMDE",
            "issuer": {"issuer": ISS, "audience": null, "code_ttl": 60, "token_ttl": 3600},
        },
        "scenarios": s,
    })
}
