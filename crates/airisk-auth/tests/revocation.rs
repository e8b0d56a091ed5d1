//! Token revocation (RFC 7009) and introspection (RFC 7662) through the issuer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::code::CodeId;
use airisk_auth::flow::{check_bearer_at, Access, Issuer, IssuerConfig, Request, Response};
use airisk_auth::prelude::*;
use airisk_auth::refresh::{RefreshDigest, RefreshRecord, RefreshUse};
use airisk_auth::store::{Grant, Issued};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const NOW: u64 = 1_743_423_132;
const REDIRECT: &str = "https://localhost/callback";
const REDIRECT_ENC: &str = "https%3A%2F%2Flocalhost%2Fcallback";
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

fn issuer() -> Issuer {
    issuer_with(Arc::new(MemoryStore::default()))
}

fn issuer_with(store: Arc<dyn Store>) -> Issuer {
    let mut registry = MemoryRegistry::new();
    for (id, refresh, introspect) in [
        ("app", true, false),
        ("other", true, false),
        ("rs", false, true),
    ] {
        let client = Client::new(id, "s3cret", REDIRECT).unwrap();
        registry
            .add_client(
                client
                    .with_refresh_tokens(refresh)
                    .with_introspection(introspect),
            )
            .unwrap();
    }
    registry
        .add_user(User::new("user_42", Some("acme")).unwrap())
        .unwrap();
    Issuer::new(
        IssuerConfig::new("https://airisk.example"),
        Arc::new(KeySet::single(Key::generate_ed25519("k").unwrap()).unwrap()),
        CodeKey::generate().unwrap(),
        Arc::new(registry),
        store,
    )
    .unwrap()
}

fn pair(issuer: &Issuer, client: &str, userid: Option<&str>) -> Value {
    let user = userid.map_or(String::new(), |u| format!("&userid={u}"));
    let answer = issuer.authorize_at(
        &format!("client_id={client}&redirect_uri={REDIRECT_ENC}{user}"),
        NOW,
    );
    let location = answer.header("Location").unwrap();
    let code = location.split("code=").nth(1).unwrap();
    let body = format!(
        "client_id={client}&client_secret=s3cret&redirect_uri={REDIRECT_ENC}&code={code}{user}"
    );
    let answer = issuer.exchange_at(&Request::new(FORM, body.as_bytes()), NOW);
    assert_eq!(answer.status, 200, "{answer:?}");
    serde_json::from_str(&answer.body).unwrap()
}

fn revoke(issuer: &Issuer, client: &str, token: &str, extra: &str) -> Response {
    let body = format!("client_id={client}&client_secret=s3cret&token={token}{extra}");
    issuer.revoke_at(&Request::new(FORM, body.as_bytes()), NOW + 1)
}

fn introspect(issuer: &Issuer, token: &str) -> Value {
    let body = format!("client_id=rs&client_secret=s3cret&token={token}");
    let answer = issuer.introspect_at(&Request::new(FORM, body.as_bytes()), NOW + 2);
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.header("Cache-Control"), Some("no-store"));
    assert_eq!(
        answer.content_type(),
        Some("application/json; charset=utf-8")
    );
    serde_json::from_str(&answer.body).unwrap()
}

fn bearer(issuer: &Issuer, token: &str) -> u16 {
    let header = format!("Bearer {token}");
    match check_bearer_at(&issuer.verifier(), Some(&header), Access::Any, NOW + 2) {
        Ok(_) => 200,
        Err(answer) => answer.status,
    }
}

fn access(pair: &Value) -> &str {
    pair["access_token"].as_str().unwrap()
}

fn refresh_token(pair: &Value) -> &str {
    pair["refresh_token"].as_str().unwrap()
}

#[test]
fn revoking_an_access_token_refuses_it_and_leaves_its_refresh_token() {
    let issuer = issuer();
    let p = pair(&issuer, "app", Some("user_42"));
    let answer = revoke(&issuer, "app", access(&p), "&token_type_hint=access_token");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, "");
    assert_eq!(answer.header("Cache-Control"), Some("no-store"));
    assert_eq!(bearer(&issuer, access(&p)), 401);
    assert_eq!(introspect(&issuer, access(&p)), json!({"active": false}));
    assert_eq!(introspect(&issuer, refresh_token(&p))["active"], true);
    // Revoking it again is the same 200.
    assert_eq!(revoke(&issuer, "app", access(&p), "").status, 200);
}

#[test]
fn revoking_a_refresh_token_revokes_its_family() {
    let issuer = issuer();
    let p = pair(&issuer, "app", Some("user_42"));
    // A wrong hint is only a hint.
    let answer = revoke(
        &issuer,
        "app",
        refresh_token(&p),
        "&token_type_hint=access_token",
    );
    assert_eq!((answer.status, answer.body.as_str()), (200, ""));
    assert_eq!(bearer(&issuer, access(&p)), 401);
    assert_eq!(
        introspect(&issuer, refresh_token(&p)),
        json!({"active": false})
    );
    let body = format!(
        "grant_type=refresh_token&client_id=app&client_secret=s3cret&refresh_token={}",
        refresh_token(&p)
    );
    assert_eq!(
        issuer
            .exchange_at(&Request::new(FORM, body.as_bytes()), NOW + 3)
            .status,
        400
    );
}

#[test]
fn another_clients_tokens_are_left_alone_with_the_same_answer() {
    let issuer = issuer();
    let p = pair(&issuer, "app", Some("user_42"));
    for token in [access(&p), refresh_token(&p)] {
        let answer = revoke(&issuer, "other", token, "");
        assert_eq!((answer.status, answer.body.as_str()), (200, ""));
        assert_eq!(introspect(&issuer, token)["active"], true);
    }
    assert_eq!(bearer(&issuer, access(&p)), 200);
}

#[test]
fn unknown_expired_and_malformed_tokens_get_200() {
    let issuer = issuer();
    let p = pair(&issuer, "app", None);
    let expired = {
        let body = format!("client_id=app&client_secret=s3cret&token={}", access(&p));
        issuer.revoke_at(&Request::new(FORM, body.as_bytes()), NOW + 100_000)
    };
    assert_eq!(expired.status, 200);
    let long = "x".repeat(8_000);
    for token in ["unknown", "a.b.c", "art1_", long.as_str(), "%00"] {
        let answer = revoke(&issuer, "app", token, "&token_type_hint=bogus");
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (200, ""),
            "{token:.20}"
        );
        assert_eq!(introspect(&issuer, token), json!({"active": false}));
    }
}

#[test]
fn requests_without_a_token_or_a_client_are_refused() {
    let issuer = issuer();
    let p = pair(&issuer, "app", None);
    let no_token = issuer.revoke_at(
        &Request::new(FORM, b"client_id=app&client_secret=s3cret"),
        NOW,
    );
    assert_eq!(
        (no_token.status, no_token.body.as_str()),
        (400, "Invalid request")
    );
    let wrong = format!("client_id=app&client_secret=wrong&token={}", access(&p));
    assert_eq!(
        issuer
            .revoke_at(&Request::new(FORM, wrong.as_bytes()), NOW)
            .status,
        401
    );
    assert_eq!(
        issuer
            .introspect_at(&Request::new(FORM, wrong.as_bytes()), NOW)
            .status,
        401
    );
    assert_eq!(bearer(&issuer, access(&p)), 200, "nothing was revoked");
    // Only resource servers may introspect.
    let not_rs = format!("client_id=app&client_secret=s3cret&token={}", access(&p));
    assert_eq!(
        issuer
            .introspect_at(&Request::new(FORM, not_rs.as_bytes()), NOW)
            .status,
        401
    );
    let no_token = issuer.introspect_at(
        &Request::new(FORM, b"client_id=rs&client_secret=s3cret"),
        NOW,
    );
    assert_eq!(no_token.status, 400);
    let bad_type = issuer.revoke_at(&Request::new(Some("text/plain"), not_rs.as_bytes()), NOW);
    assert_eq!(bad_type.status, 400);
}

#[test]
fn introspection_of_good_tokens() {
    let issuer = issuer();
    let user = pair(&issuer, "app", Some("user_42"));
    let answer = introspect(&issuer, access(&user));
    assert_eq!(answer["active"], true);
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["client_id"], "app");
    assert_eq!(answer["sub"], "user_42");
    assert_eq!(answer["userid"], "user_42");
    assert_eq!(answer["company_id"], "acme");
    assert_eq!(answer["iss"], "https://airisk.example");
    assert_eq!(answer["iat"], NOW);
    assert_eq!(answer["exp"], NOW + 3600);
    let refresh = introspect(&issuer, refresh_token(&user));
    assert_eq!(refresh["token_type"], "refresh_token");
    assert_eq!(refresh["userid"], "user_42");

    let generic = pair(&issuer, "app", None);
    let answer = introspect(&issuer, access(&generic));
    assert_eq!(answer["active"], true);
    assert!(answer.get("userid").is_none());

    // A revoked grant makes both inactive.
    issuer
        .revoke_grant_at("app", Some("user_42"), NOW + 1)
        .unwrap();
    assert_eq!(introspect(&issuer, access(&user)), json!({"active": false}));
    assert_eq!(
        introspect(&issuer, refresh_token(&user)),
        json!({"active": false})
    );
    assert_eq!(introspect(&issuer, access(&generic))["active"], true);
}

/// A memory store that can be taken down: every call then fails.
#[derive(Debug, Default)]
struct Unreachable {
    inner: MemoryStore,
    down: AtomicBool,
}

impl Unreachable {
    fn check(&self) -> Result<()> {
        if self.down.load(Ordering::SeqCst) {
            Err(Error::LedgerUnavailable)
        } else {
            Ok(())
        }
    }
}

impl Store for Unreachable {
    fn redeem(&self, id: &CodeId, expires_at: u64, now: u64) -> Result<Redemption> {
        self.check()?;
        self.inner.redeem(id, expires_at, now)
    }
    fn revoke(&self, jti: &str, until: u64, now: u64) -> Result<()> {
        self.check()?;
        self.inner.revoke(jti, until, now)
    }
    fn is_revoked(&self, jti: &str, now: u64) -> Result<bool> {
        self.check()?;
        self.inner.is_revoked(jti, now)
    }
    fn revoke_grant(&self, grant: &Grant<'_>, not_before: u64, until: u64, now: u64) -> Result<()> {
        self.check()?;
        self.inner.revoke_grant(grant, not_before, until, now)
    }
    fn is_refused(&self, issued: &Issued<'_>, now: u64) -> Result<bool> {
        self.check()?;
        self.inner.is_refused(issued, now)
    }
    fn refresh_insert(
        &self,
        digest: &RefreshDigest,
        record: &RefreshRecord,
        now: u64,
    ) -> Result<()> {
        self.check()?;
        self.inner.refresh_insert(digest, record, now)
    }
    fn refresh_use(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        self.check()?;
        self.inner.refresh_use(digest, now)
    }
    fn refresh_peek(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        self.check()?;
        self.inner.refresh_peek(digest, now)
    }
}

#[test]
fn an_unreachable_store_gets_503_never_a_verdict() {
    let store = Arc::new(Unreachable::default());
    let issuer = issuer_with(store.clone());
    let p = pair(&issuer, "app", Some("user_42"));
    store.down.store(true, Ordering::SeqCst);
    let body = format!("client_id=app&client_secret=s3cret&token={}", access(&p));
    assert_eq!(
        issuer
            .revoke_at(&Request::new(FORM, body.as_bytes()), NOW)
            .status,
        503
    );
    let body = format!(
        "client_id=app&client_secret=s3cret&token={}",
        refresh_token(&p)
    );
    assert_eq!(
        issuer
            .revoke_at(&Request::new(FORM, body.as_bytes()), NOW)
            .status,
        503
    );
    let body = format!("client_id=rs&client_secret=s3cret&token={}", access(&p));
    assert_eq!(
        issuer
            .introspect_at(&Request::new(FORM, body.as_bytes()), NOW)
            .status,
        503
    );
    let body = format!(
        "client_id=rs&client_secret=s3cret&token={}",
        refresh_token(&p)
    );
    assert_eq!(
        issuer
            .introspect_at(&Request::new(FORM, body.as_bytes()), NOW)
            .status,
        503
    );
}

/// The endpoints take every client authentication of the token endpoint and
/// answer JSON errors to clients that prefer them.
#[test]
fn client_authentication_and_json_errors_as_at_the_token_endpoint() {
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(
            Client::new_public("spa", REDIRECT)
                .unwrap()
                .with_refresh_tokens(true)
                .with_introspection(true),
        )
        .unwrap();
    registry
        .add_client(
            Client::new("app", "s3cret", REDIRECT)
                .unwrap()
                .with_refresh_tokens(true),
        )
        .unwrap();
    let issuer = Issuer::new(
        IssuerConfig::new("https://airisk.example"),
        Arc::new(KeySet::single(Key::generate_ed25519("k").unwrap()).unwrap()),
        CodeKey::generate().unwrap(),
        Arc::new(registry),
        Arc::new(MemoryStore::default()),
    )
    .unwrap();
    let p = pair(&issuer, "app", None);

    // client_secret_basic: base64("app:s3cret").
    let body = format!("token={}", access(&p));
    let basic =
        Request::new(FORM, body.as_bytes()).with_authorization(Some("Basic YXBwOnMzY3JldA=="));
    assert_eq!(issuer.revoke_at(&basic, NOW + 1).status, 200);
    assert_eq!(bearer(&issuer, access(&p)), 401);
    // A wrong Basic secret: 401 with the Basic challenge, JSON when preferred.
    let wrong = Request::new(FORM, body.as_bytes())
        .with_authorization(Some("Basic YXBwOndyb25n"))
        .with_accept(Some("application/json"));
    let answer = issuer.revoke_at(&wrong, NOW + 1);
    assert_eq!(answer.status, 401);
    assert!(answer
        .header("WWW-Authenticate")
        .is_some_and(|c| c.starts_with("Basic realm=")));
    assert!(
        answer.body.contains("\"error\":\"invalid_client\""),
        "{}",
        answer.body
    );
    // A refresh refused answers invalid_grant in JSON to a client that asks.
    let body =
        "grant_type=refresh_token&client_id=app&client_secret=s3cret&refresh_token=art1_nope";
    let answer = issuer.exchange_at(
        &Request::new(FORM, body.as_bytes()).with_accept(Some("application/json")),
        NOW + 1,
    );
    assert_eq!(answer.status, 400);
    assert!(
        answer.body.contains("\"error\":\"invalid_grant\""),
        "{}",
        answer.body
    );

    // A public client (`none` + PKCE) refreshes and revokes its own tokens,
    // but cannot introspect: `none` proves nothing.
    let verifier = "a-verifier-of-enough-length-for-rfc-7636-0123456789";
    let challenge = support_challenge(verifier);
    let answer = issuer.authorize_at(
        &format!("client_id=spa&redirect_uri={REDIRECT_ENC}&code_challenge={challenge}&code_challenge_method=S256"),
        NOW,
    );
    let location = answer.header("Location").unwrap();
    let code = location.split("code=").nth(1).unwrap();
    let body =
        format!("client_id=spa&redirect_uri={REDIRECT_ENC}&code={code}&code_verifier={verifier}");
    let answer = issuer.exchange_at(&Request::new(FORM, body.as_bytes()), NOW);
    assert_eq!(answer.status, 200, "{answer:?}");
    let spa: Value = serde_json::from_str(&answer.body).unwrap();
    let body = format!(
        "grant_type=refresh_token&client_id=spa&refresh_token={}",
        refresh_token(&spa)
    );
    let answer = issuer.exchange_at(&Request::new(FORM, body.as_bytes()), NOW + 1);
    assert_eq!(answer.status, 200, "{answer:?}");
    let spa: Value = serde_json::from_str(&answer.body).unwrap();
    let body = format!("client_id=spa&token={}", access(&spa));
    assert_eq!(
        issuer
            .introspect_at(&Request::new(FORM, body.as_bytes()), NOW + 1)
            .status,
        401
    );
    let body = format!("client_id=spa&token={}", refresh_token(&spa));
    assert_eq!(
        issuer
            .revoke_at(&Request::new(FORM, body.as_bytes()), NOW + 1)
            .status,
        200
    );
    assert_eq!(bearer(&issuer, access(&spa)), 401);
}

fn support_challenge(verifier: &str) -> String {
    use base64::Engine;
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}
