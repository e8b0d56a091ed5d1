//! The RFC 8414 metadata checked against what the endpoints really do: every
//! advertised URL is served by the endpoint it names, every advertised value
//! works, and the values left out are refused. The JWKS publishes public keys
//! only, enough to verify the issuer's tokens.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use airisk_auth::flow::{Issuer, IssuerConfig, Request, Response, JWKS_MAX_AGE};
use airisk_auth::prelude::*;
use airisk_auth::registry::{ClientAuthMethod, Registry};
use serde_json::Value;
use std::sync::Arc;
use support::base64_url_encode;

const NOW: u64 = 1_743_423_132;
const REDIRECT: &str = "https://localhost/callback";
const REDIRECT_ENC: &str = "https%3A%2F%2Flocalhost%2Fcallback";

fn issuer(issuer_id: &str, keys: KeySet) -> Issuer {
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(
            Client::new("abc123", "s3cret", REDIRECT)
                .unwrap()
                .with_scopes(&["risk:read", "risk:write"], &[])
                .unwrap()
                .with_refresh_tokens(true),
        )
        .unwrap();
    registry
        .add_client(
            Client::new_public("spa", REDIRECT)
                .unwrap()
                .with_scopes(&["profile", "risk:read"], &[])
                .unwrap()
                .with_refresh_tokens(true),
        )
        .unwrap();
    registry
        .add_client(
            Client::new("rs", "rs-s3cret", REDIRECT)
                .unwrap()
                .with_introspection(true),
        )
        .unwrap();
    registry
        .add_user(User::new("user_42", Some("acme")).unwrap())
        .unwrap();
    Issuer::new(
        IssuerConfig::new(issuer_id),
        Arc::new(keys),
        CodeKey::generate().unwrap(),
        Arc::new(registry),
        Arc::new(MemoryStore::default()),
    )
    .unwrap()
}

fn ed25519_issuer() -> Issuer {
    let mut keys = KeySet::new();
    keys.insert(Key::generate_ed25519("old").unwrap()).unwrap();
    keys.insert(Key::generate_ed25519("new").unwrap()).unwrap();
    keys.set_active("new").unwrap();
    issuer("https://airisk.example", keys)
}

/// What an HTTP host does with the metadata: route each advertised URL to the
/// endpoint call. A URL the metadata advertises but no endpoint serves panics.
/// `authorization` is the request's `Authorization` header.
fn serve(issuer: &Issuer, url: &str, query_or_body: &str, authorization: Option<&str>) -> Response {
    let meta = issuer.metadata_json();
    let name = [
        "authorization_endpoint",
        "token_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
        "jwks_uri",
    ]
    .into_iter()
    .find(|n| meta[*n] == url)
    .unwrap_or_else(|| panic!("{url} is not advertised"));
    let request = Request::new(
        Some("application/x-www-form-urlencoded"),
        query_or_body.as_bytes(),
    )
    .with_authorization(authorization);
    match name {
        "authorization_endpoint" => issuer.authorize_at(query_or_body, NOW),
        "token_endpoint" => issuer.exchange_at(&request, NOW + 1),
        "revocation_endpoint" => issuer.revoke_at(&request, NOW + 1),
        "introspection_endpoint" => issuer.introspect_at(&request, NOW + 1),
        _ => issuer.jwks(),
    }
}

/// The client, the body credentials and the `Authorization` header of one
/// advertised client authentication method.
fn credentials(method: &str) -> (&'static str, &'static str, Option<&'static str>) {
    match ClientAuthMethod::from_name(method) {
        // base64("abc123:s3cret")
        Some(ClientAuthMethod::ClientSecretBasic) => {
            ("abc123", "", Some("Basic YWJjMTIzOnMzY3JldA=="))
        }
        Some(ClientAuthMethod::ClientSecretPost) => {
            ("abc123", "&client_id=abc123&client_secret=s3cret", None)
        }
        Some(ClientAuthMethod::None) => ("spa", "&client_id=spa", None),
        _ => panic!("advertised but not driven by this test: {method}"),
    }
}

fn pkce_pair() -> (String, String) {
    let verifier = "a-verifier-of-enough-length-for-rfc-7636-0123456789".to_owned();
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    (verifier, base64_url_encode(digest.as_ref()))
}

fn code_of(answer: &Response) -> String {
    assert_eq!(answer.status, 302, "{answer:?}");
    let location = answer.header("Location").unwrap();
    location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .unwrap()
        .to_owned()
}

/// An authorization answer that issues nothing: an error redirect with
/// `error` (RFC 6749 §4.1.2.1), never a code or a token.
fn assert_refused(answer: &Response, error: &str) {
    assert_eq!(answer.status, 302, "{answer:?}");
    let location = answer.header("Location").unwrap();
    assert!(location.contains(&format!("error={error}")), "{location}");
    assert!(
        !location.contains("code=") && !location.contains("access_token"),
        "{location}"
    );
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

#[test]
fn metadata_is_generated_from_the_config() {
    let issuer = ed25519_issuer();
    let answer = issuer.metadata();
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.content_type(),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        answer.header("Cache-Control"),
        Some(format!("public, max-age={JWKS_MAX_AGE}").as_str())
    );
    let meta: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(meta, issuer.metadata_json());
    assert_eq!(meta["issuer"], "https://airisk.example");
    assert_eq!(
        meta["authorization_endpoint"],
        "https://airisk.example/api/oauth2"
    );
    assert_eq!(
        meta["token_endpoint"],
        "https://airisk.example/api/oauth2/Token"
    );
    assert_eq!(meta["jwks_uri"], "https://airisk.example/api/oauth2/jwks");
    assert_eq!(
        issuer.metadata_path(),
        "/.well-known/oauth-authorization-server"
    );

    let mut config = IssuerConfig::new("https://example.com/tenant/a/");
    config.endpoints.token = "/oauth/token".to_owned();
    let moved = Issuer::new(
        config,
        Arc::new(KeySet::single(Key::generate_hs256("k").unwrap()).unwrap()),
        CodeKey::generate().unwrap(),
        Arc::new(MemoryRegistry::new()),
        Arc::new(MemoryStore::default()),
    )
    .unwrap();
    assert_eq!(
        moved.metadata_json()["token_endpoint"],
        "https://example.com/tenant/a/oauth/token"
    );
    assert_eq!(
        moved.metadata_path(),
        "/.well-known/oauth-authorization-server/tenant/a"
    );

    let mut bad = IssuerConfig::new("https://airisk.example");
    bad.endpoints.jwks = "no-slash".to_owned();
    let refused = Issuer::new(
        bad,
        Arc::new(KeySet::single(Key::generate_hs256("k").unwrap()).unwrap()),
        CodeKey::generate().unwrap(),
        Arc::new(MemoryRegistry::new()),
        Arc::new(MemoryStore::default()),
    );
    assert_eq!(refused.err(), Some(Error::InvalidConfiguration));
}

/// Every advertised response type, PKCE method, grant type and client
/// authentication method completes a flow through the advertised URLs.
#[test]
fn everything_advertised_works() {
    let issuer = ed25519_issuer();
    let meta = issuer.metadata_json();
    let authorize_url = meta["authorization_endpoint"].as_str().unwrap();
    let token_url = meta["token_endpoint"].as_str().unwrap();
    let (verifier, challenge) = pkce_pair();

    for response_type in strings(&meta["response_types_supported"]) {
        for method in strings(&meta["code_challenge_methods_supported"]) {
            for grant_type in strings(&meta["grant_types_supported"]) {
                for auth in strings(&meta["token_endpoint_auth_methods_supported"]) {
                    let (client, body_auth, header) = credentials(auth);
                    let query = format!(
                        "response_type={response_type}&client_id={client}&redirect_uri={REDIRECT_ENC}&userid=user_42&code_challenge={challenge}&code_challenge_method={method}"
                    );
                    let code = code_of(&serve(&issuer, authorize_url, &query, None));
                    let code_body = format!(
                        "grant_type=authorization_code&redirect_uri={REDIRECT_ENC}&code={code}&userid=user_42&code_verifier={verifier}{body_auth}"
                    );
                    let body = match grant_type {
                        "authorization_code" => code_body,
                        "refresh_token" => {
                            let first = serve(&issuer, token_url, &code_body, header);
                            let first: Value = serde_json::from_str(&first.body).unwrap();
                            format!(
                                "grant_type=refresh_token&refresh_token={}{body_auth}",
                                first["refresh_token"].as_str().unwrap()
                            )
                        }
                        other => panic!("advertised but not driven by this test: {other:?}"),
                    };
                    let answer = serve(&issuer, token_url, &body, header);
                    assert_eq!(answer.status, 200, "{grant_type} {auth}: {answer:?}");
                    let pair: Value = serde_json::from_str(&answer.body).unwrap();
                    introspect_then_revoke(&issuer, &meta, auth, &pair);
                }
            }
        }
    }
}

/// The advertised revocation endpoint, with client authentication `auth`
/// (the pair's own client), and the introspection endpoint with every
/// advertised method, on a fresh token pair.
fn introspect_then_revoke(issuer: &Issuer, meta: &Value, auth: &str, pair: &Value) {
    assert!(strings(&meta["revocation_endpoint_auth_methods_supported"]).contains(&auth));
    let introspect_url = meta["introspection_endpoint"].as_str().unwrap();
    let revoke_url = meta["revocation_endpoint"].as_str().unwrap();
    let introspect = |token: &str| {
        let mut active = Vec::new();
        for method in strings(&meta["introspection_endpoint_auth_methods_supported"]) {
            let (body, header) = match ClientAuthMethod::from_name(method) {
                // base64("rs:rs-s3cret")
                Some(ClientAuthMethod::ClientSecretBasic) => {
                    (format!("token={token}"), Some("Basic cnM6cnMtczNjcmV0"))
                }
                Some(ClientAuthMethod::ClientSecretPost) => (
                    format!("client_id=rs&client_secret=rs-s3cret&token={token}"),
                    None,
                ),
                _ => panic!("advertised but not driven by this test: {method}"),
            };
            let answer = serve(issuer, introspect_url, &body, header);
            assert_eq!(answer.status, 200, "{method}: {answer:?}");
            active.push(serde_json::from_str::<Value>(&answer.body).unwrap()["active"].clone());
        }
        assert!(active.windows(2).all(|w| w[0] == w[1]));
        active[0].clone()
    };
    let (_, body_auth, header) = credentials(auth);
    let access = pair["access_token"].as_str().unwrap();
    assert_eq!(introspect(access), true);
    let body = format!("token={access}{body_auth}");
    assert_eq!(serve(issuer, revoke_url, &body, header).status, 200);
    assert_eq!(introspect(access), false);
    if let Some(refresh) = pair["refresh_token"].as_str() {
        assert_eq!(introspect(refresh), true);
        let body = format!("token={refresh}{body_auth}");
        assert_eq!(serve(issuer, revoke_url, &body, header).status, 200);
        assert_eq!(introspect(refresh), false);
    }
}

/// What is left out of the metadata is refused by the endpoints.
#[test]
fn nothing_working_is_left_out() {
    let issuer = ed25519_issuer();
    let meta = issuer.metadata_json();
    let token_url = meta["token_endpoint"].as_str().unwrap();
    let authorize_url = meta["authorization_endpoint"].as_str().unwrap();
    let grants = strings(&meta["grant_types_supported"]);
    for grant_type in [
        "authorization_code",
        "refresh_token",
        "password",
        "client_credentials",
        "implicit",
        "urn:ietf:params:oauth:grant-type:device_code",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
    ] {
        if grants.contains(&grant_type) {
            continue;
        }
        let body = format!("grant_type={grant_type}&client_id=abc123&client_secret=s3cret&redirect_uri={REDIRECT_ENC}&code=x");
        let answer = serve(&issuer, token_url, &body, None);
        assert_eq!(answer.status, 400, "{grant_type} was accepted");
    }
    let methods = strings(&meta["code_challenge_methods_supported"]);
    for method in ["plain", "S384", "s256"] {
        assert!(!methods.contains(&method));
        let query = format!("client_id=abc123&redirect_uri={REDIRECT_ENC}&code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq&code_challenge_method={method}");
        let answer = serve(&issuer, authorize_url, &query, None);
        assert_refused(&answer, "invalid_request");
    }
    // No response type but `code` yields anything but an error redirect.
    for response_type in ["token", "id_token", "code token"] {
        assert!(!strings(&meta["response_types_supported"]).contains(&response_type));
        let query = format!(
            "response_type={}&client_id=abc123&redirect_uri={REDIRECT_ENC}",
            response_type.replace(' ', "+")
        );
        let answer = serve(&issuer, authorize_url, &query, None);
        assert_refused(&answer, "unsupported_response_type");
    }
    // Every method a client can be registered for is advertised, and no other.
    let auth = strings(&meta["token_endpoint_auth_methods_supported"]);
    assert_eq!(auth, ClientAuthMethod::ALL.map(ClientAuthMethod::name));
    assert!(!auth.contains(&"client_secret_jwt") && !auth.contains(&"private_key_jwt"));
}

/// A registry that does not list its scopes (the trait's default).
#[derive(Debug)]
struct Unlisted(MemoryRegistry);
impl Registry for Unlisted {
    fn client(&self, id: &str) -> Result<Option<Arc<Client>>> {
        self.0.client(id)
    }
    fn user(&self, id: &str) -> Result<Option<Arc<User>>> {
        self.0.user(id)
    }
}

/// `scopes_supported` lists every scope some client may be granted: each is
/// granted when its client asks, and a scope left out is granted to no client.
#[test]
fn scopes_supported_is_what_the_clients_may_be_granted() {
    let issuer = ed25519_issuer();
    let meta = issuer.metadata_json();
    let authorize_url = meta["authorization_endpoint"].as_str().unwrap();
    let scopes = strings(&meta["scopes_supported"]);
    assert_eq!(scopes, ["profile", "risk:read", "risk:write"]);
    let (_, challenge) = pkce_pair();
    let ask = |client: &str, scope: &str| {
        let query = format!(
            "client_id={client}&redirect_uri={REDIRECT_ENC}&scope={}&code_challenge={challenge}&code_challenge_method=S256",
            scope.replace(':', "%3A")
        );
        serve(&issuer, authorize_url, &query, None)
    };
    for scope in &scopes {
        let granted = ["abc123", "spa"].iter().any(|client| {
            let answer = ask(client, scope);
            let location = answer.header("Location").unwrap_or_default();
            answer.status == 302 && location.contains("code=") && !location.contains("error=")
        });
        assert!(granted, "{scope} is advertised but granted to no client");
    }
    for scope in ["admin", "risk:delete", "openid"] {
        assert!(!scopes.contains(&scope));
        for client in ["abc123", "spa"] {
            assert_refused(&ask(client, scope), "invalid_scope");
        }
    }
    // A registry that cannot list its scopes leaves the member out.
    let unlisted = Issuer::new(
        IssuerConfig::new("https://airisk.example"),
        Arc::new(KeySet::single(Key::generate_hs256("k").unwrap()).unwrap()),
        CodeKey::generate().unwrap(),
        Arc::new(Unlisted(MemoryRegistry::new())),
        Arc::new(MemoryStore::default()),
    )
    .unwrap();
    assert!(unlisted.metadata_json().get("scopes_supported").is_none());
}

#[test]
fn jwks_publishes_every_public_key_and_no_secret() {
    let issuer = ed25519_issuer();
    let url = issuer.metadata_json()["jwks_uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = serve(&issuer, &url, "", None);
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("Cache-Control"),
        Some(format!("public, max-age={JWKS_MAX_AGE}").as_str())
    );
    let jwks: Value = serde_json::from_str(&answer.body).unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    let kids: Vec<_> = keys.iter().map(|k| k["kid"].as_str().unwrap()).collect();
    assert_eq!(kids, ["old", "new"], "the inactive key stays published");
    for key in keys {
        assert!(key.get("d").is_none() && key.get("k").is_none(), "{key}");
        assert_eq!(key["kty"], "OKP");
        assert_eq!(key["use"], "sig");
    }

    // A verifier built from the published set alone accepts the issuer's token.
    let code = code_of(&issuer.authorize_at(
        &format!("client_id=abc123&redirect_uri={REDIRECT_ENC}&userid=user_42"),
        NOW,
    ));
    let body = format!("client_id=abc123&client_secret=s3cret&redirect_uri={REDIRECT_ENC}&code={code}&userid=user_42");
    let answer = issuer.exchange_at(
        &Request::new(Some("application/x-www-form-urlencoded"), body.as_bytes()),
        NOW,
    );
    let token: Value = serde_json::from_str(&answer.body).unwrap();
    let public = KeySet::from_json(&serve(&issuer, &url, "", None).body).unwrap();
    assert!(public.active().is_err(), "no signing key is published");
    let verifier = Verifier::new(Arc::new(public), Policy::new("https://airisk.example"));
    let claims = verifier
        .verify_at(token["access_token"].as_str().unwrap(), NOW + 1)
        .unwrap();
    assert_eq!(claims.userid(), Some("user_42"));
}

#[test]
fn an_hs256_only_issuer_publishes_an_empty_set() {
    let keys = KeySet::single(Key::generate_hs256("h").unwrap()).unwrap();
    let issuer = issuer("https://airisk.example", keys);
    let answer = issuer.jwks();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, r#"{"keys":[]}"#);
}
