//! Fixtures shared by the fuzz targets, built once from the shared vectors
//! (tests/vectors/*.json), so that the seeds scripts/fuzz.sh derives from the
//! same files select the same keys, policies and clients.
//!
//! Every target reads its first bytes as selectors (documented per target in
//! docs/FUZZING.md and mirrored by the seed generator in scripts/fuzz.sh).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::prelude::*;
use serde_json::Value;
use std::sync::{Arc, OnceLock};

/// The "now" of most token vectors (2025-06-15T15:06:40Z).
pub const TOKEN_NOW: u64 = 1_750_000_000;
/// The times a verify input can select with bits 1-2 of its second byte.
pub const TOKEN_NOWS: [u64; 4] = [TOKEN_NOW, 0, TOKEN_NOW + 86_400, u64::MAX];
/// The "T" of the flow vectors: codes are issued at T and exchanged at T + 5.
pub const FLOW_T: u64 = 1_743_423_132;

/// The content types a token request can select with its first byte; the last
/// entry (`None` past the end) means "read it from the input's first line".
pub const CONTENT_TYPES: [Option<&str>; 7] = [
    Some("application/x-www-form-urlencoded"),
    Some("application/json"),
    Some("application/x-www-form-urlencoded; charset=UTF-8"),
    Some("application/json; charset=utf-8"),
    None,
    Some("text/plain"),
    Some("application/x-www-form-urlencoded; charset=iso-8859-1"),
];

const TOKENS_JSON: &str = include_str!("../../tests/vectors/tokens.json");
const FLOWS_JSON: &str = include_str!("../../tests/vectors/flows.json");

/// One verifier of the token target: a vectors key set under a vectors policy.
pub struct VerifyFixture {
    pub keys: Arc<KeySet>,
    pub verifier: Verifier,
}

fn policy_from(v: &Value) -> Policy {
    let mut p = Policy::new(v["issuer"].as_str().unwrap())
        .with_leeway(v["leeway"].as_u64().unwrap())
        .unwrap()
        .with_max_token_len(usize::try_from(v["max_token_len"].as_u64().unwrap()).unwrap())
        .unwrap()
        .require_user(v["require_user"].as_bool().unwrap())
        .require_access_token_claims(v["require_access_token_claims"].as_bool().unwrap());
    if let Some(aud) = v["audience"].as_str() {
        p = p.with_audience(aud);
    }
    p
}

fn sorted_members(v: &Value) -> Vec<(&String, &Value)> {
    let mut members: Vec<_> = v.as_object().unwrap().iter().collect();
    members.sort_by(|a, b| a.0.cmp(b.0));
    members
}

/// Every (key set, policy) pair of tokens.json, key sets then policies in name order:
/// selector `i` is key set `i / policies` and policy `i % policies`.
pub fn verifiers() -> &'static [VerifyFixture] {
    static CELL: OnceLock<Vec<VerifyFixture>> = OnceLock::new();
    CELL.get_or_init(|| {
        let doc: Value = serde_json::from_str(TOKENS_JSON).unwrap();
        let mut out = Vec::new();
        for (_, keyset) in sorted_members(&doc["keysets"]) {
            let keys = Arc::new(KeySet::from_json(&keyset.to_string()).unwrap());
            for (_, policy) in sorted_members(&doc["policies"]) {
                out.push(VerifyFixture {
                    keys: keys.clone(),
                    verifier: Verifier::new(keys.clone(), policy_from(policy)),
                });
            }
        }
        out
    })
}

/// What every token request needs: the flows.json setup, loaded once.
pub struct FlowFixture {
    pub config: IssuerConfig,
    pub keys: Arc<KeySet>,
    pub code_key: Vec<u8>,
    pub registry: Arc<MemoryRegistry>,
    /// Every registered redirect URI.
    pub redirect_uris: Vec<String>,
    /// The authorization queries of flows.json that save a code, in file order, deduplicated.
    pub code_queries: Vec<String>,
}

impl FlowFixture {
    /// A fresh issuer (fresh ledger), as each flows.json scenario has.
    pub fn issuer(&self) -> Issuer {
        Issuer::new(
            self.config.clone(),
            self.keys.clone(),
            CodeKey::from_bytes(&self.code_key).unwrap(),
            self.registry.clone(),
            Arc::new(MemoryStore::default()),
        )
        .unwrap()
    }
}

fn b64url_decode(text: &str) -> Vec<u8> {
    fn value(c: u8) -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'-' => 62,
            b'_' => 63,
            _ => panic!("not base64url"),
        }
    }
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text.as_bytes() {
        acc = (acc << 6) | value(c);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap());
        }
    }
    out
}

/// The flows.json setup.
pub fn flow() -> &'static FlowFixture {
    static CELL: OnceLock<FlowFixture> = OnceLock::new();
    CELL.get_or_init(|| {
        let doc: Value = serde_json::from_str(FLOWS_JSON).unwrap();
        let setup = &doc["setup"];
        let cfg = &setup["issuer"];
        let mut config = IssuerConfig::new(cfg["issuer"].as_str().unwrap());
        config.audience = cfg["audience"].as_str().map(str::to_owned);
        config.code_ttl = cfg["code_ttl"].as_u64().unwrap();
        config.token_ttl = cfg["token_ttl"].as_u64().unwrap();
        let registry = MemoryRegistry::from_json(&setup["registry"].to_string()).unwrap();
        let redirect_uris = setup["registry"]["clients"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["redirect_uri"].as_str().unwrap().split(','))
            .map(str::to_owned)
            .collect();
        let mut code_queries: Vec<String> = Vec::new();
        for scenario in doc["scenarios"].as_array().unwrap() {
            for step in scenario["steps"].as_array().unwrap() {
                if step["op"] == "authorize" && step.pointer("/save/code").is_some() {
                    let q = step["query"].as_str().unwrap().to_owned();
                    if !code_queries.contains(&q) {
                        code_queries.push(q);
                    }
                }
            }
        }
        FlowFixture {
            config,
            keys: Arc::new(KeySet::from_json(&setup["keyset"].to_string()).unwrap()),
            code_key: b64url_decode(setup["code_key"].as_str().unwrap()),
            registry: Arc::new(registry),
            redirect_uris,
            code_queries,
        }
    })
}

/// `haystack` with every `needle` replaced by `with`.
pub fn replace_bytes(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// The code of a 302 answer's `Location`.
pub fn location_code(response: &Response) -> Option<String> {
    let location = response.header("Location")?;
    let (_, query) = location.split_once('?')?;
    query
        .split('&')
        .find_map(|p| p.strip_prefix("code="))
        .map(str::to_owned)
}
