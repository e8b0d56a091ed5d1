//! What the test files of this crate share: where the servers are, fresh key
//! namespaces, an issuer on a store.
//!
//! A test that needs a server reads its address from the environment (set by
//! `scripts/test-redis.sh`). Without it the test prints a notice and passes,
//! so that `cargo test --workspace` works on a machine without Redis, unless
//! `AIRISK_REDIS_REQUIRED=1`, when it fails.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::prelude::*;
use airisk_auth_redis::{RedisConfig, RedisStore};
use std::io::Write as _;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The value of `var`, or `None` (after a notice) when the test is to be skipped.
pub(crate) fn env_or_skip(var: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Some(value),
        _ if std::env::var("AIRISK_REDIS_REQUIRED").as_deref() == Ok("1") => {
            panic!("AIRISK_REDIS_REQUIRED=1 but {var} is not set: run scripts/test-redis.sh")
        }
        _ => {
            // Straight to stderr: libtest captures only the print macros.
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED {test}: {var} is not set. Run scripts/test-redis.sh ***"
            );
            None
        }
    }
}

/// A key namespace no other test (or earlier run) uses.
pub(crate) fn unique(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("airisk-test:{}:{nanos}:{test}:", std::process::id())
}

/// `config` with the key prefixes of a fresh namespace.
pub(crate) fn namespaced(config: RedisConfig, test: &str) -> RedisConfig {
    let ns = unique(test);
    config.with_prefixes(&format!("{ns}c:"), &format!("{ns}r:"))
}

/// The TLS test server: its port and the directory of its certificates.
pub(crate) struct TlsServer {
    pub(crate) port: String,
    pub(crate) dir: std::path::PathBuf,
}

pub(crate) fn tls_server(test: &str) -> Option<TlsServer> {
    let port = env_or_skip("AIRISK_REDIS_TLS_PORT", test)?;
    let dir = env_or_skip("AIRISK_REDIS_TLS_DIR", test)?.into();
    Some(TlsServer { port, dir })
}

impl TlsServer {
    /// A config that reaches the server as it should be reached: its CA, a client
    /// certificate. The connect timeout is longer than the default: the redis crate
    /// parses the system's roots on every TLS connect (inside the timeout), which an
    /// unoptimised test build with 8 threads connecting at once on 2 cores does slowly.
    pub(crate) fn config(&self) -> RedisConfig {
        let mut config = RedisConfig::new(&format!("rediss://127.0.0.1:{}/0", self.port));
        config.connect_timeout = std::time::Duration::from_secs(10);
        config.with_tls(
            airisk_auth_redis::TlsFiles::default()
                .with_ca_file(self.dir.join("ca.crt"))
                .with_client_cert(self.dir.join("client.crt"), self.dir.join("client.key")),
        )
    }
}

/// The seed URLs of the test cluster.
pub(crate) fn cluster_urls(test: &str) -> Option<Vec<String>> {
    let ports = env_or_skip("AIRISK_REDIS_CLUSTER_PORTS", test)?;
    Some(
        ports
            .split_whitespace()
            .map(|p| format!("redis://127.0.0.1:{p}"))
            .collect(),
    )
}

pub(crate) fn cluster_config(urls: &[String]) -> RedisConfig {
    let seeds: Vec<&str> = urls.iter().map(String::as_str).collect();
    RedisConfig::cluster(&seeds)
}

/// An issuer with one client (`abc123` / `s3cret`) on `store`.
pub(crate) fn issuer(store: Arc<RedisStore>) -> Issuer {
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(Client::new("abc123", "s3cret", "https://localhost/callback").unwrap())
        .unwrap();
    let keys = Arc::new(KeySet::single(Key::hs256(Some("k1"), &[7; 32]).unwrap()).unwrap());
    Issuer::new(
        IssuerConfig::new("https://airisk.example"),
        keys,
        CodeKey::generate().unwrap(),
        Arc::new(registry),
        store,
    )
    .unwrap()
}

/// A fresh code from `issuer`, and the answer to exchanging it.
pub(crate) fn exchange_fresh_code(issuer: &Issuer) -> Response {
    let answer =
        issuer.authorize("client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback");
    assert_eq!(answer.status, 302, "{answer:?}");
    let location = answer.header("Location").unwrap();
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let body = format!(
        "grant_type=authorization_code&client_id=abc123&client_secret=s3cret\
         &redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code={code}"
    );
    issuer.exchange(&Request::new(
        Some("application/x-www-form-urlencoded"),
        body.as_bytes(),
    ))
}
