//! Shared fixtures and the ratio report of the airisk-auth benches (issue 7).
//!
//! Every bench verifies the **same** tokens, minted once here by the core, so
//! that the peers (`jsonwebtoken`, `jwt-simple`) and the floors (bare `ring`)
//! do exactly the same work on exactly the same bytes. Absolute times drift on
//! shared machines; the ratios printed by `bench-report` compare numbers taken
//! in the same run.

use airisk_auth::code::{CodeBinding, CodeId, CodeKey, DEFAULT_CODE_TTL};
use airisk_auth::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub mod report;

/// The issuer of every bench token.
pub const ISSUER: &str = "https://airisk.example";
/// The client the tokens are issued to.
pub const CLIENT_ID: &str = "abc123";
/// The client's secret (for the exchange bench).
pub const CLIENT_SECRET: &str = "s3cret-s3cret-s3cret";
/// The registered redirect URI.
pub const REDIRECT_URI: &str = "https://localhost/callback";
/// The user of the user tokens: one character longer than [`CLIENT_ID`], so the
/// user token (`"user_token":true`) is exactly as long as the generic one (`false`).
pub const USERID: &str = "user_42";
/// The key id of both bench keys.
pub const KID: &str = "k1";
/// The token lifetime: long enough that no token expires during a bench run
/// (the peers read the real clock).
pub const TOKEN_TTL: u64 = 3600;
/// A fixed HS256 secret (benches only).
pub const HS256_SECRET: [u8; 32] = *b"airisk-auth bench HS256 secret!!";
/// A fixed Ed25519 seed (benches only).
pub const ED25519_SEED: [u8; 32] = *b"airisk-auth bench Ed25519 seed!!";
/// A fixed code key (benches only).
pub const CODE_SECRET: [u8; 32] = *b"airisk-auth bench code secret!!!";

/// The keys, tokens and verifiers every bench shares.
#[derive(Debug)]
pub struct Fixture {
    /// The time the tokens were minted at (the real clock, for the peers).
    pub now: u64,
    /// The HS256 key set.
    pub hs256_keys: Arc<KeySet>,
    /// The Ed25519 key set.
    pub eddsa_keys: Arc<KeySet>,
    /// The raw Ed25519 public key of [`ED25519_SEED`].
    pub ed25519_public: [u8; 32],
    /// An HS256 generic token: `iss, sub, client_id, user_token:false, iat, exp, jti`.
    pub hs256_generic: String,
    /// An HS256 user token: `iss, sub (userid), client_id, user_token:true, iat, exp, jti`.
    pub hs256_user: String,
    /// The generic claims signed with EdDSA.
    pub eddsa_generic: String,
}

impl Fixture {
    /// Mints the bench tokens at the current system time.
    ///
    /// # Errors
    /// Any core error (none expected with these constants).
    pub fn new() -> Result<Self> {
        let now = SystemClock.now();
        let hs256_keys = Arc::new(KeySet::single(Key::hs256(Some(KID), &HS256_SECRET)?)?);
        let eddsa_keys = Arc::new(KeySet::single(Key::ed25519_from_seed(
            Some(KID),
            &ED25519_SEED,
        )?)?);
        let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(&ED25519_SEED)
            .map_err(|_| Error::InvalidKey)?;
        let ed25519_public: [u8; 32] = ring::signature::KeyPair::public_key(&pair)
            .as_ref()
            .try_into()
            .map_err(|_| Error::InvalidKey)?;
        // The jti the flow derives from a code id: 22 base64url characters.
        let jti = CodeKey::from_bytes(&CODE_SECRET)?.token_id(&CodeId([7; 16]));
        let generic = Claims::generic(ISSUER, CLIENT_ID, now, TOKEN_TTL, &jti);
        let user = Claims::user(ISSUER, CLIENT_ID, USERID, now, TOKEN_TTL, &jti);
        Ok(Fixture {
            now,
            hs256_generic: hs256_keys.mint(&generic)?,
            hs256_user: hs256_keys.mint(&user)?,
            eddsa_generic: eddsa_keys.mint(&generic)?,
            hs256_keys,
            eddsa_keys,
            ed25519_public,
        })
    }

    /// The time the benches verify at: a few seconds after minting.
    #[must_use]
    pub fn verify_time(&self) -> u64 {
        self.now + 5
    }

    /// A verifier accepting any token of [`ISSUER`] signed by the HS256 key.
    #[must_use]
    pub fn hs256_verifier(&self) -> Verifier {
        Verifier::new(self.hs256_keys.clone(), Policy::new(ISSUER))
    }

    /// The full policy: HS256, issuer, dates, access claims and a user token required.
    #[must_use]
    pub fn hs256_user_verifier(&self) -> Verifier {
        Verifier::new(
            self.hs256_keys.clone(),
            Policy::new(ISSUER).require_user(true),
        )
    }

    /// A verifier accepting any token of [`ISSUER`] signed by the Ed25519 key.
    #[must_use]
    pub fn eddsa_verifier(&self) -> Verifier {
        Verifier::new(self.eddsa_keys.clone(), Policy::new(ISSUER))
    }
}

/// An issuer with one client (secret [`CLIENT_SECRET`], redirect [`REDIRECT_URI`])
/// and one user ([`USERID`]), signing with the HS256 bench key.
///
/// # Errors
/// Any core error (none expected with these constants).
pub fn bench_issuer(keys: Arc<KeySet>) -> Result<Issuer> {
    let mut registry = MemoryRegistry::new();
    registry.add_client(Client::new(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)?)?;
    registry.add_user(User::new(USERID, Some("acme"))?)?;
    Issuer::new(
        IssuerConfig::new(ISSUER),
        keys,
        CodeKey::from_bytes(&CODE_SECRET)?,
        Arc::new(registry),
        Arc::new(MemoryStore::default()),
    )
}

/// The authorization query of the flow benches: a user-bound code with a `state`.
#[must_use]
pub fn authorize_query() -> String {
    format!(
        "response_type=code&client_id={CLIENT_ID}&redirect_uri={}&userid={USERID}&state=af0ifjsldkj",
        encode(REDIRECT_URI)
    )
}

/// A token request body redeeming `code` (issued for [`USERID`]).
#[must_use]
pub fn exchange_body(code: &str) -> String {
    format!(
        "grant_type=authorization_code&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&redirect_uri={}&code={code}&userid={USERID}",
        encode(REDIRECT_URI)
    )
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Issues a code as the issuer's own code key would, for the exchange bench
/// (the issuer keeps its `CodeKey` private; the same secret makes the same key).
///
/// # Errors
/// Any core error.
pub fn issue_code(code_key: &CodeKey, now: u64) -> Result<String> {
    let binding = CodeBinding::new(CLIENT_ID, REDIRECT_URI, Some(USERID), None);
    // The issuer's own code lifetime: the token endpoint refuses a code whose expiry
    // says it was issued ahead of its clock (flow::CODE_CLOCK_LEEWAY).
    Ok(code_key.issue(&binding, now, DEFAULT_CODE_TTL)?.code)
}

/// Where criterion writes its results: `$CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else the workspace's `target/criterion`
/// (criterion's own rule, without a `cargo metadata` call).
#[must_use]
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("target")
        .join("criterion")
}

/// Writes the result of a bench that criterion does not run (threads, memory)
/// as a flat JSON object of numbers, beside criterion's own results.
///
/// # Errors
/// An I/O error.
pub fn write_extra(name: &str, values: &BTreeMap<&str, f64>) -> std::io::Result<PathBuf> {
    let dir = criterion_dir().join("airisk-extra");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.json"));
    let json = serde_json::to_string_pretty(values).map_err(std::io::Error::other)?;
    std::fs::write(&path, json + "\n")?;
    Ok(path)
}

/// Whether a bench binary named `name` should run, given the arguments
/// `cargo bench -- FILTER` passes to every bench binary (the program name
/// first): yes without a positional filter, or when a filter is part of `name`.
#[must_use]
pub fn selected_by_filter(name: &str, args: impl IntoIterator<Item = String>) -> bool {
    let filters: Vec<String> = args
        .into_iter()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
}

/// The criterion settings of every bench here: short, so a full run stays a
/// few minutes on a shared 2-core machine.
#[must_use]
pub fn measurement_time() -> Duration {
    Duration::from_millis(2500)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_tokens_verify_and_match_in_length() {
        let fx = Fixture::new().unwrap();
        let now = fx.verify_time();
        assert_eq!(fx.hs256_generic.len(), fx.hs256_user.len());
        let generic = fx
            .hs256_verifier()
            .verify_at(&fx.hs256_generic, now)
            .unwrap();
        assert_eq!(generic.userid(), None);
        let user = fx
            .hs256_user_verifier()
            .verify_at(&fx.hs256_user, now)
            .unwrap();
        assert_eq!(user.userid(), Some(USERID));
        assert_eq!(
            fx.hs256_user_verifier()
                .verify_at(&fx.hs256_generic, now)
                .unwrap_err(),
            Error::UserTokenRequired
        );
        assert!(fx
            .eddsa_verifier()
            .verify_at(&fx.eddsa_generic, now)
            .is_ok());
    }

    #[test]
    fn the_flow_fixtures_exchange_a_code() {
        let fx = Fixture::new().unwrap();
        let issuer = bench_issuer(fx.hs256_keys.clone()).unwrap();
        let answer = issuer.authorize_at(&authorize_query(), fx.now);
        assert_eq!(answer.status, 302, "{:?}", answer.reason);
        let code = issue_code(&CodeKey::from_bytes(&CODE_SECRET).unwrap(), fx.now).unwrap();
        let body = exchange_body(&code);
        let form = Some("application/x-www-form-urlencoded");
        let answer = issuer.exchange_at(&Request::new(form, body.as_bytes()), fx.now + 1);
        assert_eq!(answer.status, 200, "{:?}", answer.reason);
        // Single use: the same body a second time is refused.
        assert_eq!(
            issuer
                .exchange_at(&Request::new(form, body.as_bytes()), fx.now + 2)
                .status,
            400
        );
    }

    #[test]
    fn filters_select_by_substring() {
        let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(selected_by_filter("threads", args(&["bin", "--bench"])));
        assert!(selected_by_filter(
            "threads",
            args(&["bin", "--bench", "thread"])
        ));
        assert!(!selected_by_filter(
            "threads",
            args(&["bin", "--bench", "verify"])
        ));
        assert!(selected_by_filter(
            "ledger_memory",
            args(&["bin", "verify", "ledger"])
        ));
    }
}
