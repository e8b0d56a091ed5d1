//! Flattens the shared vectors (tests/vectors/tokens.json, flows.json and
//! lifecycle.json, format in tests/vectors/README.md) into the line format the C
//! test runner reads, because C has no JSON parser. It re-encodes, and adds one
//! thing: the core's own metadata document for the setup's issuer
//! (`flows_metadata`), which the C runner compares byte for byte with its
//! `airisk_issuer_metadata()`. Every call and every comparison is made by the C
//! test through the C ABI.
//!
//! The lifecycle scenarios are written twice: after `flows_store memory` (an
//! `airisk_store_memory_new()` store) and after `flows_store callbacks` (the C
//! test's own store through `airisk_store_callbacks_new()`, every callback group).
//!
//! Usage: `cargo run -p airisk-auth-c --example flatten_vectors -- VECTORS_DIR OUT_FILE`
//!
//! # Line format (tests/c/vectors.txt, generated, not committed)
//! One record per line, fields separated by TAB. In a field, `\` is `\\`, and
//! bytes below 0x20 and 0x7f are `\xHH`; a field that is exactly `\N` is null.
//! Error names come with their number (`Expired` `10`); absent errors are `\N` `0`.
//!
//! ```text
//! keyset NAME JSON                       policy NAME ISSUER AUD LEEWAY MAXLEN REQUIRE_USER REQUIRE_ACCESS
//! verify NAME KEYSET POLICY NOW TOKEN ERROR CODE   then `claim` lines, then `end`
//! claim FIELD VALUE                      (aud: `claim aud N A1 .. AN`; bools 0/1)
//! mint NAME KEYSET CLAIMS_JSON TOKEN     key NAME jwk|keyset JSON ERROR CODE
//! jws NAME KEYSET HEADER PAYLOAD TOKEN
//! flows_registry JSON   flows_keyset JSON   flows_code_key HEX   flows_issuer ISSUER AUD CODE_TTL TOKEN_TTL
//! flows_metadata BODY (lifecycle: the core's metadata)   flows_store memory|callbacks
//! scenario NAME
//! step authorize NOW QUERY CLAIMS_JSON | step exchange NOW CONTENT_TYPE BODY AUTHORIZATION ACCEPT
//! step bearer NOW AUTHORIZATION any|user SCOPES
//! step revoke|introspect NOW CONTENT_TYPE BODY AUTHORIZATION ACCEPT (as exchange)
//! step metadata NOW | step jwks NOW | step revoke_grant NOW CLIENT_ID USERID
//! step seal NOW QUERY (then `save ticket NAME`) | step open NOW TICKET approve|deny TAMPER(0/1)
//! expect status N | expect reason ERROR CODE | expect content_type V | expect body V
//! expect problem TYPE_JSON TITLE_JSON STATUS_JSON | expect header NAME V | expect location_prefix V
//! expect location_params N   then N × `expect location_param NAME V`
//! expect json MEMBER VALUE_JSON | expect claim FIELD VALUE
//! expect error ERROR CODE (the approval itself refused) | expect custom NAME VALUE_JSON
//! save code|token|refresh|ticket NAME
//! end
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_core::Error;
use serde_json::{Map, Value};
use std::fmt::Write as _;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 || c == '\x7f' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

struct Out(String);

impl Out {
    fn line(&mut self, fields: &[String]) {
        self.0.push_str(&fields.join("\t"));
        self.0.push('\n');
    }
}

fn s(v: &str) -> String {
    esc(v)
}

fn opt_str(v: &Value) -> String {
    match v {
        Value::Null => "\\N".into(),
        Value::String(t) => esc(t),
        other => panic!("expected a string or null, got {other}"),
    }
}

fn int(v: &Value) -> String {
    v.as_u64()
        .unwrap_or_else(|| panic!("expected an integer, got {v}"))
        .to_string()
}

fn boolean(v: &Value) -> String {
    match v.as_bool() {
        Some(true) => "1".into(),
        Some(false) => "0".into(),
        None => panic!("expected a bool, got {v}"),
    }
}

fn error_fields(name: Option<&Value>) -> [String; 2] {
    match name {
        None | Some(Value::Null) => ["\\N".into(), "0".into()],
        Some(Value::String(n)) => {
            let e = Error::from_name(n).unwrap_or_else(|| panic!("unknown error name {n}"));
            [esc(n), e.code().to_string()]
        }
        Some(other) => panic!("bad error name {other}"),
    }
}

fn json_text(v: &Value) -> String {
    esc(&serde_json::to_string(v).unwrap())
}

fn obj(v: &Value) -> &Map<String, Value> {
    v.as_object()
        .unwrap_or_else(|| panic!("expected an object, got {v}"))
}

/// `claim` lines for the members of a `<Claims>` object (all of them, or a subset).
fn claim_lines(out: &mut Out, prefix: &[&str], claims: &Map<String, Value>) {
    for (field, value) in claims {
        let mut fields: Vec<String> = prefix.iter().map(|p| (*p).to_owned()).collect();
        fields.push(field.clone());
        match field.as_str() {
            "iss" | "sub" | "client_id" | "company_id" | "jti" | "scope" => {
                fields.push(opt_str(value));
            }
            "iat" | "nbf" => fields.push(if value.is_null() {
                "\\N".into()
            } else {
                int(value)
            }),
            "exp" => fields.push(int(value)),
            "user_token" => fields.push(boolean(value)),
            "aud" => {
                let list = value.as_array().expect("aud is an array");
                fields.push(list.len().to_string());
                fields.extend(list.iter().map(opt_str));
            }
            other => panic!("unknown claim member {other}"),
        }
        out.line(&fields);
    }
}

/// The case's `token`, or its `token_build` (`[[text, times], ...]`) concatenated.
fn token_of(case: &Value) -> String {
    if let Some(token) = case.get("token") {
        return token.as_str().expect("token is a string").to_owned();
    }
    let parts = case["token_build"]
        .as_array()
        .expect("token or token_build");
    let mut token = String::new();
    for part in parts {
        let text = part[0].as_str().expect("token_build text");
        let times = part[1]
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .expect("token_build times");
        token.push_str(&text.repeat(times));
    }
    token
}

fn tokens(out: &mut Out, doc: &Value) {
    for (name, keyset) in obj(&doc["keysets"]) {
        out.line(&["keyset".into(), s(name), json_text(keyset)]);
    }
    for (name, p) in obj(&doc["policies"]) {
        out.line(&[
            "policy".into(),
            s(name),
            opt_str(&p["issuer"]),
            opt_str(&p["audience"]),
            int(&p["leeway"]),
            int(&p["max_token_len"]),
            boolean(&p["require_user"]),
            boolean(&p["require_access_token_claims"]),
        ]);
    }
    for case in doc["verify"].as_array().into_iter().flatten() {
        let expect = obj(&case["expect"]);
        let [err, code] = error_fields(expect.get("error"));
        out.line(&[
            "verify".into(),
            opt_str(&case["name"]),
            opt_str(&case["keyset"]),
            opt_str(&case["policy"]),
            int(&case["now"]),
            esc(&token_of(case)),
            err,
            code,
        ]);
        if let Some(claims) = expect.get("claims") {
            claim_lines(out, &["claim"], obj(claims));
        }
        out.line(&["end".into()]);
    }
    for case in doc["mint"].as_array().into_iter().flatten() {
        out.line(&[
            "mint".into(),
            opt_str(&case["name"]),
            opt_str(&case["keyset"]),
            json_text(&case["claims"]),
            opt_str(&case["token"]),
        ]);
    }
    for case in doc["jws"].as_array().into_iter().flatten() {
        out.line(&[
            "jws".into(),
            opt_str(&case["name"]),
            opt_str(&case["keyset"]),
            opt_str(&case["header"]),
            opt_str(&case["payload"]),
            opt_str(&case["token"]),
        ]);
    }
    for case in doc["keys"].as_array().into_iter().flatten() {
        let (kind, json) = match (case.get("jwk"), case.get("keyset")) {
            (Some(j), None) => ("jwk", j),
            (None, Some(k)) => ("keyset", k),
            _ => panic!("a key case has one of jwk and keyset"),
        };
        // The JWK or key set is given as JSON text, or (leniently) as a JSON value.
        let json = match json {
            Value::String(t) => esc(t),
            other => json_text(other),
        };
        let [err, code] = error_fields(obj(&case["expect"]).get("error"));
        out.line(&[
            "key".into(),
            opt_str(&case["name"]),
            kind.into(),
            json,
            err,
            code,
        ]);
    }
}

fn b64url_to_hex(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut count = 0;
    let mut hex = String::new();
    for b in text.bytes() {
        let v = ALPHABET
            .iter()
            .position(|&a| a == b)
            .and_then(|p| u32::try_from(p).ok())
            .expect("base64url code key");
        bits = (bits << 6) | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            let _ = write!(hex, "{:02x}", (bits >> count) & 0xff);
        }
    }
    hex
}

fn flows(out: &mut Out, doc: &Value) {
    flows_setup(out, doc);
    flows_scenarios(out, doc);
}

/// The lifecycle scenarios, on the memory store and on the C test's callback store.
fn lifecycle(out: &mut Out, doc: &Value) {
    flows_setup(out, doc);
    out.line(&["flows_metadata".into(), esc(&core_metadata(&doc["setup"]))]);
    for store in ["memory", "callbacks"] {
        out.line(&["flows_store".into(), store.into()]);
        flows_scenarios(out, doc);
    }
}

/// The metadata body the core's issuer of `setup` answers.
fn core_metadata(setup: &Value) -> String {
    use airisk_core::code::CodeKey;
    use airisk_core::flow::{Issuer, IssuerConfig};
    use airisk_core::keys::KeySet;
    use airisk_core::registry::MemoryRegistry;
    use airisk_core::store::MemoryStore;
    use std::sync::Arc;
    let registry = MemoryRegistry::from_json(&setup["registry"].to_string()).unwrap();
    let keys = KeySet::from_json(&setup["keyset"].to_string()).unwrap();
    let hex = b64url_to_hex(setup["code_key"].as_str().expect("code_key"));
    let code_key: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let cfg = &setup["issuer"];
    let mut config = IssuerConfig::new(cfg["issuer"].as_str().expect("issuer"));
    config.audience = cfg["audience"].as_str().map(str::to_owned);
    config.code_ttl = cfg["code_ttl"].as_u64().expect("code_ttl");
    config.token_ttl = cfg["token_ttl"].as_u64().expect("token_ttl");
    let issuer = Issuer::new(
        config,
        Arc::new(keys),
        CodeKey::from_bytes(&code_key).unwrap(),
        Arc::new(registry),
        Arc::new(MemoryStore::default()),
    )
    .unwrap();
    issuer.metadata().body
}

fn flows_setup(out: &mut Out, doc: &Value) {
    let setup = obj(&doc["setup"]);
    out.line(&["flows_registry".into(), json_text(&setup["registry"])]);
    out.line(&["flows_keyset".into(), json_text(&setup["keyset"])]);
    out.line(&[
        "flows_code_key".into(),
        b64url_to_hex(setup["code_key"].as_str().expect("code_key")),
    ]);
    let issuer = &setup["issuer"];
    out.line(&[
        "flows_issuer".into(),
        opt_str(&issuer["issuer"]),
        opt_str(&issuer["audience"]),
        int(&issuer["code_ttl"]),
        int(&issuer["token_ttl"]),
    ]);
}

fn flows_scenarios(out: &mut Out, doc: &Value) {
    for scenario in doc["scenarios"].as_array().into_iter().flatten() {
        out.line(&["scenario".into(), opt_str(&scenario["name"])]);
        for step in scenario["steps"].as_array().into_iter().flatten() {
            let op = step["op"].as_str().expect("op");
            let mut fields = vec!["step".into(), op.to_owned(), int(&step["now"])];
            match op {
                "authorize" => {
                    fields.push(opt_str(&step["query"]));
                    // Custom claims to approve with (validate, then approve), or null.
                    fields.push(step.get("claims").map_or_else(|| "\\N".into(), json_text));
                }
                "exchange" | "revoke" | "introspect" => {
                    fields.push(opt_str(&step["content_type"]));
                    fields.push(opt_str(&step["body"]));
                    fields.push(opt_str(step.get("authorization").unwrap_or(&Value::Null)));
                    fields.push(opt_str(step.get("accept").unwrap_or(&Value::Null)));
                }
                "bearer" => {
                    fields.push(opt_str(&step["authorization"]));
                    fields.push(opt_str(&step["access"]));
                    fields.push(opt_str(step.get("scopes").unwrap_or(&Value::Null)));
                }
                "seal" => fields.push(opt_str(&step["query"])),
                "open" => {
                    fields.push(opt_str(&step["ticket"]));
                    fields.push(opt_str(&step["decision"]));
                    fields.push(boolean(&step["tamper"]));
                }
                "metadata" | "jwks" => {}
                "revoke_grant" => {
                    fields.push(opt_str(&step["client_id"]));
                    fields.push(opt_str(&step["userid"]));
                }
                other => panic!("unknown op {other}"),
            }
            out.line(&fields);
            expectations(out, obj(&step["expect"]));
            if let Some(save) = step.get("save") {
                for (what, name) in obj(save) {
                    out.line(&["save".into(), s(what), opt_str(name)]);
                }
            }
            out.line(&["end".into()]);
        }
    }
}

fn expectations(out: &mut Out, expect: &Map<String, Value>) {
    let e = |f: &[String]| {
        let mut v = vec!["expect".to_owned()];
        v.extend_from_slice(f);
        v
    };
    for (what, value) in expect {
        match what.as_str() {
            "status" => out.line(&e(&["status".into(), int(value)])),
            "reason" => {
                let [name, code] = error_fields(Some(value));
                out.line(&e(&["reason".into(), name, code]));
            }
            "content_type" => out.line(&e(&["content_type".into(), opt_str(value)])),
            "body" => out.line(&e(&["body".into(), opt_str(value)])),
            "location_prefix" => out.line(&e(&["location_prefix".into(), opt_str(value)])),
            "problem" => {
                let p = obj(value);
                out.line(&e(&[
                    "problem".into(),
                    json_text(&p["type"]),
                    json_text(&p["title"]),
                    json_text(&p["status"]),
                    json_text(&p["error"]),
                    json_text(&p["error_description"]),
                ]));
            }
            "headers" => {
                for (name, v) in obj(value) {
                    out.line(&e(&["header".into(), s(name), opt_str(v)]));
                }
            }
            "location_params" => {
                let params = obj(value);
                out.line(&e(&["location_params".into(), params.len().to_string()]));
                for (name, v) in params {
                    out.line(&e(&["location_param".into(), s(name), opt_str(v)]));
                }
            }
            "json" => {
                for (member, v) in obj(value) {
                    out.line(&e(&["json".into(), s(member), json_text(v)]));
                }
            }
            "claims" => claim_lines(out, &["expect", "claim"], obj(value)),
            "error" => {
                let [name, code] = error_fields(Some(value));
                out.line(&e(&["error".into(), name, code]));
            }
            "custom" => {
                for (name, v) in obj(value) {
                    out.line(&e(&["custom".into(), s(name), json_text(v)]));
                }
            }
            other => panic!("unknown expectation {other}: teach the C runner first"),
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, target] = args.as_slice() else {
        panic!("usage: flatten_vectors VECTORS_DIR OUT_FILE");
    };
    let read = |name: &str| -> Value {
        let path = format!("{dir}/{name}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let mut out = Out(String::new());
    tokens(&mut out, &read("tokens.json"));
    flows(&mut out, &read("flows.json"));
    lifecycle(&mut out, &read("lifecycle.json"));
    std::fs::write(target, out.0).unwrap_or_else(|e| panic!("{target}: {e}"));
}
