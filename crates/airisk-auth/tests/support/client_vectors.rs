//! flows.json families of issue 14: client authentication (RFC 6749 §2.3) and
//! the RFC 6749 §5.2 error bodies chosen by `Accept`. One generator function
//! per family; the helpers and the fixed setup are flow_vectors.rs's.
#![allow(clippy::too_many_lines, clippy::type_complexity)]

use crate::flow_vectors::{
    description, exchange, problem, redirect, scenario, text, with_code, CB, CB_RAW, CHALLENGE,
    FORM, ISS, SECRET, T, VERIFIER,
};
use base64::Engine as _;
use serde_json::{json, Value};

/// A confidential client restricted to `client_secret_basic`, whose id and
/// secret need form-urlencoding (RFC 6749 §2.3.1).
pub(crate) const SVC_ID: &str = "svc:reports";
pub(crate) const SVC_SECRET: &str = "p@ss word+%/é-0123456789abcdef";
/// A public client: `none` + PKCE.
pub(crate) const SPA_ID: &str = "spa";

/// The registry entries these families add to the setup.
pub(crate) fn clients() -> Vec<Value> {
    vec![
        json!({"client_id": SPA_ID, "token_endpoint_auth_method": "none", "redirect_uri": CB_RAW}),
        json!({"client_id": SVC_ID, "client_secret": SVC_SECRET, "redirect_uri": CB_RAW,
               "token_endpoint_auth_method": ["client_secret_basic"]}),
        json!({"client_id": "native-cli", "token_endpoint_auth_method": "none", "native": true,
               "redirect_uri": "http://127.0.0.1/callback,http://[::1]/cb"}),
        json!({"client_id": "web-loopback", "client_secret": SECRET,
               "redirect_uri": "http://127.0.0.1/callback"}),
    ]
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`.
pub(crate) fn basic(id: &str, secret: &str) -> String {
    basic_raw(&format!("{}:{}", urlencode(id), urlencode(secret)))
}

fn basic_raw(credentials: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    )
}

/// An exchange step with headers.
#[allow(clippy::needless_pass_by_value)] // reads like the other step builders, which take `Value`s
fn exchange_with(
    now: u64,
    body: &str,
    authorization: Option<&str>,
    accept: Option<&str>,
    expect: Value,
) -> Value {
    json!({"op": "exchange", "now": now, "content_type": FORM, "body": body,
           "authorization": authorization, "accept": accept, "expect": expect})
}

fn ok() -> Value {
    json!({"status": 200, "reason": null})
}

/// A 401 problem with the `Basic` challenge of RFC 6749 §5.2.
fn basic_refused(reason: &str) -> Value {
    let mut v = problem(401, reason, "invalid_client");
    v["headers"]["WWW-Authenticate"] = json!(format!("Basic realm=\"{ISS}\""));
    v
}

/// A 401 problem without a challenge (the client did not use the header).
fn refused_without_challenge(reason: &str) -> Value {
    let mut v = problem(401, reason, "invalid_client");
    v["headers"]["WWW-Authenticate"] = Value::Null;
    v
}

/// The JSON error body a client preferring JSON gets instead of a text one.
fn json_error(status: u16, reason: &str, error: &str) -> Value {
    json!({"status": status, "reason": reason, "content_type": "application/json; charset=utf-8",
           "body": format!("{{\"error\":\"{error}\",\"error_description\":\"{}\"}}", description(error)),
           "headers": {"Cache-Control": "no-store", "Pragma": "no-cache", "WWW-Authenticate": null}})
}

/// The body of a Basic-authenticated request: no client credentials in it.
fn basic_body(code: &str) -> String {
    format!("grant_type=authorization_code&redirect_uri={CB}&code={code}")
}

/// Client authentication: each method, each way of combining or breaking them.
pub(crate) fn client_authentication() -> Vec<Value> {
    let abc = basic("abc123", SECRET);
    let src = "RFC 6749 §2.3";
    let mut s = vec![
        with_code(
            "client auth: client_secret_basic",
            "RFC 6749 §2.3.1",
            None,
            vec![exchange_with(
                T + 1,
                &basic_body("{c}"),
                Some(&abc),
                None,
                json!({"status": 200, "reason": null, "claims": {"client_id": "abc123", "sub": "abc123"}}),
            )],
        ),
        with_code(
            "client auth: client_secret_basic with the same client_id in the body",
            "RFC 6749 §2.3.1",
            None,
            vec![exchange_with(
                T + 1,
                &format!("client_id=abc123&{}", basic_body("{c}")),
                Some(&abc),
                None,
                ok(),
            )],
        ),
        with_code(
            "client auth: client_secret_post (the pages' form)",
            "PROTOCOL.md §2",
            None,
            vec![exchange(
                T + 1,
                Some(FORM),
                &format!("client_id=abc123&client_secret={SECRET}&redirect_uri={CB}&code={{c}}"),
                ok(),
            )],
        ),
        scenario(
            "client auth: Basic credentials are form-urlencoded before base64",
            "RFC 6749 §2.3.1",
            vec![
                crate::flow_vectors::authorize_saving(
                    T,
                    &format!("client_id={}&redirect_uri={CB}", urlencode(SVC_ID)),
                    redirect(&format!("{CB_RAW}?code="), json!({"code": "<code>"})),
                    "c",
                ),
                exchange_with(
                    T + 1,
                    &basic_body("{c}"),
                    Some(&basic(SVC_ID, SVC_SECRET)),
                    None,
                    json!({"status": 200, "reason": null, "claims": {"client_id": SVC_ID}}),
                ),
            ],
        ),
        scenario(
            "client auth: Basic credentials not form-urlencoded",
            "RFC 6749 §2.3.1",
            vec![exchange_with(
                T,
                &basic_body("x"),
                Some(&basic_raw(&format!("{SVC_ID}:{SVC_SECRET}"))),
                None,
                basic_refused("InvalidClientCredentials"),
            )],
        ),
        scenario(
            "client auth: client_secret_post for a client registered for Basic only",
            "RFC 7591 §2",
            vec![exchange(
                T,
                Some(FORM),
                &format!(
                    "client_id={}&client_secret={}&redirect_uri={CB}&code=x",
                    urlencode(SVC_ID),
                    urlencode(SVC_SECRET)
                ),
                refused_without_challenge("ClientAuthMethodNotAllowed"),
            )],
        ),
        with_code(
            "client auth: a wrong Basic secret, then the right one",
            src,
            None,
            vec![
                exchange_with(
                    T + 1,
                    &basic_body("{c}"),
                    Some(&basic("abc123", "wrong-secret")),
                    None,
                    basic_refused("InvalidClientSecret"),
                ),
                exchange_with(T + 2, &basic_body("{c}"), Some(&abc), None, ok()),
            ],
        ),
        scenario(
            "client auth: Basic for an unknown client",
            src,
            vec![exchange_with(
                T,
                &basic_body("x"),
                Some(&basic("nobody", SECRET)),
                None,
                basic_refused("UnknownClient"),
            )],
        ),
        scenario(
            "client auth: Basic and client_secret at once",
            "RFC 6749 §2.3",
            vec![exchange_with(
                T,
                &format!("client_id=abc123&client_secret={SECRET}&redirect_uri={CB}&code=x"),
                Some(&abc),
                None,
                text("Invalid request", "MultipleClientAuthentication"),
            )],
        ),
        scenario(
            "client auth: a wrong Basic header beside the right body secret",
            "RFC 6749 §2.3",
            vec![exchange_with(
                T,
                &format!("client_id=abc123&client_secret={SECRET}&redirect_uri={CB}&code=x"),
                Some(&basic("abc123", "wrong-secret")),
                None,
                text("Invalid request", "MultipleClientAuthentication"),
            )],
        ),
        scenario(
            "client auth: Basic names another client than the body",
            src,
            vec![exchange_with(
                T,
                &format!("client_id=other&{}", basic_body("x")),
                Some(&abc),
                None,
                basic_refused("InvalidClientCredentials"),
            )],
        ),
    ];
    s.push(scenario("client auth: none + PKCE for a public client", "RFC 6749 §2.1, RFC 9700 §2.1.1", vec![
        crate::flow_vectors::authorize_saving(T, &format!("client_id=spa&redirect_uri={CB}&code_challenge={CHALLENGE}&code_challenge_method=S256&state=st"),
            redirect(&format!("{CB_RAW}?code="), json!({"code": "<code>", "state": "st"})), "c"),
        exchange(T + 1, Some(FORM), &format!("grant_type=authorization_code&client_id=spa&redirect_uri={CB}&code={{c}}&code_verifier={VERIFIER}"),
            json!({"status": 200, "reason": null, "claims": {"client_id": "spa", "sub": "spa", "user_token": false}})),
    ]));
    s.push(scenario("client auth: public client without the PKCE verifier", "RFC 9700 §2.1.1", vec![
        crate::flow_vectors::authorize_saving(T, &format!("client_id=spa&redirect_uri={CB}&code_challenge={CHALLENGE}&code_challenge_method=S256"),
            redirect(&format!("{CB_RAW}?code="), json!({"code": "<code>"})), "c"),
        exchange(T + 1, Some(FORM), &format!("client_id=spa&redirect_uri={CB}&code={{c}}"), text("Invalid Code", "PkceRequired")),
    ]));
    s.push(scenario(
        "client auth: public client sending a secret",
        "RFC 7591 §2",
        vec![exchange(
            T,
            Some(FORM),
            &format!("client_id=spa&client_secret=guess&redirect_uri={CB}&code=x"),
            refused_without_challenge("ClientAuthMethodNotAllowed"),
        )],
    ));
    s.push(scenario(
        "client auth: public client with Basic",
        "RFC 7591 §2",
        vec![exchange_with(
            T,
            &basic_body("x"),
            Some(&basic(SPA_ID, "guess")),
            None,
            basic_refused("ClientAuthMethodNotAllowed"),
        )],
    ));
    s.push(scenario(
        "client auth: none for a confidential client",
        "PROTOCOL.md §2",
        vec![exchange(
            T,
            Some(FORM),
            &format!("client_id=abc123&redirect_uri={CB}&code=x&code_verifier={VERIFIER}"),
            text("Invalid client_secret", "MissingParameter"),
        )],
    ));
    let too_long = format!("Basic {}", "QUFB".repeat(1600));
    let malformed: Vec<(&str, String)> = vec![
        ("not base64", "Basic !!not-base64!!".into()),
        ("no colon", basic_raw("abc123")),
        ("an empty secret", basic_raw("abc123:")),
        ("bad percent escapes", basic_raw("abc123:s3cr3t%zz")),
        ("unpadded base64", "Basic YWJjMTIzOng".into()),
        ("another scheme", "Bearer abc".into()),
        ("no credentials", "Basic".into()),
        ("over its 6 KiB bound", too_long),
    ];
    for (name, header) in malformed {
        s.push(scenario(
            &format!("client auth: Basic header with {name}"),
            "RFC 6749 §2.3.1, §5.2",
            vec![exchange_with(
                T,
                &basic_body("x"),
                Some(&header),
                None,
                basic_refused("InvalidClientCredentials"),
            )],
        ));
    }
    s
}

/// RFC 6749 §5.2 bodies: text for the pages' readers, JSON for OAuth clients.
pub(crate) fn errors_by_accept() -> Vec<Value> {
    let json = Some("application/json");
    let form =
        |extra: &str| format!("client_id=abc123&client_secret={SECRET}&redirect_uri={CB}{extra}");
    let mut s = Vec::new();
    let rows: Vec<(&str, String, &str, &str)> = vec![
        (
            "client_id missing",
            format!("client_secret={SECRET}&redirect_uri={CB}&code=x"),
            "MissingParameter",
            "invalid_request",
        ),
        (
            "client_secret missing",
            format!("client_id=abc123&redirect_uri={CB}&code=x"),
            "MissingParameter",
            "invalid_client",
        ),
        (
            "redirect_uri missing",
            format!("client_id=abc123&client_secret={SECRET}&code=x"),
            "MissingParameter",
            "invalid_request",
        ),
        (
            "code missing",
            form(""),
            "MissingParameter",
            "invalid_request",
        ),
        (
            "code is garbage",
            form("&code=SplxlOBeZQQYbYS6WxSbIA"),
            "InvalidCode",
            "invalid_grant",
        ),
        (
            "grant_type password",
            form("&code=x&grant_type=password"),
            "MalformedRequest",
            "unsupported_grant_type",
        ),
        (
            "parameter repeated",
            form("&code=x&code=y"),
            "DuplicateParameter",
            "invalid_request",
        ),
    ];
    for (name, body, reason, error) in rows {
        s.push(scenario(
            &format!("accept json: {name}"),
            "RFC 6749 §5.2",
            vec![exchange_with(
                T,
                &body,
                None,
                json,
                json_error(400, reason, error),
            )],
        ));
    }
    s.push(with_code(
        "accept json: replayed code",
        "RFC 6749 §5.2",
        None,
        vec![
            exchange_with(T + 1, &form("&code={c}"), None, json, ok()),
            exchange_with(
                T + 2,
                &form("&code={c}"),
                None,
                json,
                json_error(400, "CodeAlreadyRedeemed", "invalid_grant"),
            ),
            exchange_with(
                T + 3,
                &form("&code={c}"),
                None,
                None,
                text("Invalid Code", "CodeAlreadyRedeemed"),
            ),
        ],
    ));
    s.push(scenario(
        "accept json: Basic and client_secret at once",
        "RFC 6749 §5.2",
        vec![exchange_with(
            T,
            &form("&code=x"),
            Some(&basic("abc123", SECRET)),
            json,
            json_error(400, "MultipleClientAuthentication", "invalid_request"),
        )],
    ));
    s.push(scenario(
        "accept json: a 401 stays problem+json, with error",
        "RFC 6749 §5.2, RFC 9457 §3.2",
        vec![exchange_with(
            T,
            &form("&code=x").replace(SECRET, "wrong"),
            None,
            json,
            problem(401, "InvalidClientSecret", "invalid_client"),
        )],
    ));
    // Which Accept values prefer JSON (RFC 9110 §12.5.1).
    let negotiation: Vec<(&str, bool)> = vec![
        ("*/*", false),
        ("text/plain", false),
        ("application/json, */*", true),
        ("application/json;q=0.5, text/plain", false),
        ("text/plain;q=0.2, application/json;q=0.9", true),
        ("application/json;q=0", false),
        ("application/*", true),
        ("text/*, application/json", true),
        ("application/json, text/plain", false),
        ("APPLICATION/JSON", true),
        ("application/json;q=2", false),
    ];
    for (accept, prefers_json) in negotiation {
        let expect = if prefers_json {
            json_error(400, "InvalidCode", "invalid_grant")
        } else {
            text("Invalid Code", "InvalidCode")
        };
        s.push(scenario(
            &format!("accept {accept:?}"),
            "RFC 9110 §12.5.1 (decided)",
            vec![exchange_with(
                T,
                &form("&code=SplxlOBeZQQYbYS6WxSbIA"),
                None,
                Some(accept),
                expect,
            )],
        ));
    }
    s
}

/// A §4.1.2.1 error redirect to the callback.
fn error_redirect(reason: &str, error: &str, state: Option<&str>) -> Value {
    let mut params = json!({"error": error, "error_description": description(error)});
    if let Some(state) = state {
        params["state"] = json!(state);
    }
    json!({"status": 302, "reason": reason, "content_type": null, "body": "",
           "headers": {"Cache-Control": "no-store"}, "location_prefix": format!("{CB_RAW}?error="),
           "location_params": params})
}

/// RFC 6749 §4.1.2.1: errors found once the client and redirect URI are trusted.
pub(crate) fn error_redirects() -> Vec<Value> {
    let q = |extra: &str| format!("client_id=abc123&redirect_uri={CB}{extra}");
    let rows: Vec<(&str, &str, String, &str, &str, Option<&str>)> = vec![
        (
            "response_type token",
            "RFC 6749 §4.1.2.1",
            q("&response_type=token&state=s1"),
            "UnsupportedResponseType",
            "unsupported_response_type",
            Some("s1"),
        ),
        (
            "response_type bogus",
            "RFC 6749 §4.1.2.1",
            q("&response_type=bogus"),
            "UnsupportedResponseType",
            "unsupported_response_type",
            None,
        ),
        (
            "state repeated (none echoed)",
            "RFC 6749 §3.1",
            q("&state=a&state=b"),
            "DuplicateParameter",
            "invalid_request",
            None,
        ),
        (
            "userid repeated",
            "RFC 6749 §3.1",
            q("&userid=user_42&userid=user_7&state=s2"),
            "DuplicateParameter",
            "invalid_request",
            Some("s2"),
        ),
        (
            "PKCE method plain",
            "RFC 7636 §4.2 (S256 only, decided)",
            q(&format!(
                "&code_challenge={CHALLENGE}&code_challenge_method=plain&state=s3"
            )),
            "UnsupportedPkceMethod",
            "invalid_request",
            Some("s3"),
        ),
        (
            "PKCE challenge without method",
            "RFC 7636 §4.3 (plain default refused)",
            q(&format!("&code_challenge={CHALLENGE}")),
            "UnsupportedPkceMethod",
            "invalid_request",
            None,
        ),
        (
            "PKCE method without challenge",
            "RFC 7636 §4.3",
            q("&code_challenge_method=S256"),
            "UnsupportedPkceMethod",
            "invalid_request",
            None,
        ),
        (
            "PKCE challenge malformed",
            "RFC 7636 §4.2",
            q("&code_challenge=short&code_challenge_method=S256&state=a+b"),
            "UnsupportedPkceMethod",
            "invalid_request",
            Some("a b"),
        ),
        (
            "public client without PKCE",
            "RFC 9700 §2.1.1",
            format!("client_id=spa&redirect_uri={CB}&state=s4"),
            "PkceRequired",
            "invalid_request",
            Some("s4"),
        ),
    ];
    let mut s: Vec<Value> = rows
        .into_iter()
        .map(|(name, source, query, reason, error, state)| {
            scenario(
                &format!("authorize: {name}"),
                source,
                vec![crate::flow_vectors::authorize(
                    T,
                    &query,
                    error_redirect(reason, error, state),
                )],
            )
        })
        .collect();
    s.push(scenario(
        "authorize: response_type code is accepted",
        "RFC 6749 §4.1.1",
        vec![crate::flow_vectors::authorize(
            T,
            &q("&response_type=code&state=x"),
            redirect(
                &format!("{CB_RAW}?code="),
                json!({"code": "<code>", "state": "x"}),
            ),
        )],
    ));
    s.push(scenario(
        "authorize: client_id repeated is never redirected",
        "RFC 6749 §4.1.2.1",
        vec![crate::flow_vectors::authorize(
            T,
            &format!("client_id=abc123&client_id=other&redirect_uri={CB}"),
            problem(400, "DuplicateParameter", "invalid_request"),
        )],
    ));
    s.push(scenario(
        "authorize: an unknown client is never redirected, whatever else is wrong",
        "RFC 6749 §4.1.2.1",
        vec![crate::flow_vectors::authorize(
            T,
            &format!("client_id=nobody&redirect_uri={CB}&response_type=token"),
            problem(401, "UnknownClient", "invalid_request"),
        )],
    ));
    s
}

/// RFC 8252 §7.3: loopback redirect URIs of native clients match on any port.
pub(crate) fn loopback_redirects() -> Vec<Value> {
    let pkce = format!("&code_challenge={CHALLENGE}&code_challenge_method=S256");
    let enc = |uri: &str| urlencode(uri);
    let mut s = vec![scenario(
        "loopback: a native client on another port",
        "RFC 8252 §7.3",
        vec![
            crate::flow_vectors::authorize_saving(
                T,
                &format!(
                    "client_id=native-cli&redirect_uri={}{pkce}",
                    enc("http://127.0.0.1:53123/callback")
                ),
                redirect(
                    "http://127.0.0.1:53123/callback?code=",
                    json!({"code": "<code>"}),
                ),
                "c",
            ),
            exchange(
                T + 1,
                Some(FORM),
                &format!(
                    "client_id=native-cli&redirect_uri={}&code={{c}}&code_verifier={VERIFIER}",
                    enc("http://127.0.0.1:53123/callback")
                ),
                json!({"status": 200, "reason": null, "claims": {"client_id": "native-cli"}}),
            ),
        ],
    )];
    s.push(scenario(
        "loopback: the code stays bound to the port it was issued for",
        "RFC 6749 §4.1.3",
        vec![
            crate::flow_vectors::authorize_saving(
                T,
                &format!(
                    "client_id=native-cli&redirect_uri={}{pkce}",
                    enc("http://127.0.0.1:53123/callback")
                ),
                redirect(
                    "http://127.0.0.1:53123/callback?code=",
                    json!({"code": "<code>"}),
                ),
                "c",
            ),
            exchange(
                T + 1,
                Some(FORM),
                &format!(
                    "client_id=native-cli&redirect_uri={}&code={{c}}&code_verifier={VERIFIER}",
                    enc("http://127.0.0.1:53124/callback")
                ),
                text("Invalid Code", "InvalidCode"),
            ),
        ],
    ));
    let rows: Vec<(&str, &str, &str, Value)> = vec![
        (
            "IPv6 loopback on a port",
            "native-cli",
            "http://[::1]:8080/cb",
            redirect("http://[::1]:8080/cb?code=", json!({"code": "<code>"})),
        ),
        (
            "the registered URI itself",
            "native-cli",
            "http://127.0.0.1/callback",
            redirect("http://127.0.0.1/callback?code=", json!({"code": "<code>"})),
        ),
        (
            "another path",
            "native-cli",
            "http://127.0.0.1:53123/other",
            problem(401, "InvalidRedirectUri", "invalid_request"),
        ),
        (
            "localhost is not a loopback literal",
            "native-cli",
            "http://localhost:53123/callback",
            problem(401, "InvalidRedirectUri", "invalid_request"),
        ),
        (
            "port out of range",
            "native-cli",
            "http://127.0.0.1:65536/callback",
            problem(401, "InvalidRedirectUri", "invalid_request"),
        ),
        (
            "port zero",
            "native-cli",
            "http://127.0.0.1:0/callback",
            problem(401, "InvalidRedirectUri", "invalid_request"),
        ),
        (
            "another host's URI on the loopback",
            "native-cli",
            "http://127.0.0.1:53123/callback/../cb",
            problem(401, "InvalidRedirectUri", "invalid_request"),
        ),
        (
            "off by default",
            "web-loopback",
            "http://127.0.0.1:53123/callback",
            problem(401, "InvalidRedirectUri", "invalid_request"),
        ),
    ];
    for (name, client, uri, expect) in rows {
        s.push(scenario(
            &format!("loopback: {name}"),
            "RFC 8252 §7.3, §8.3",
            vec![crate::flow_vectors::authorize(
                T,
                &format!("client_id={client}&redirect_uri={}{pkce}", enc(uri)),
                expect,
            )],
        ));
    }
    s
}
