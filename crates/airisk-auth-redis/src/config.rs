//! Where and how to reach Redis: [`RedisConfig`] and its TLS files ([`TlsFiles`]).

use airisk_auth::clock::MAX_NUMERIC_DATE;
use airisk_auth::{Error, Result};
use core::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// The default key prefix of redeemed codes.
pub const DEFAULT_CODE_PREFIX: &str = "airisk:code:";
/// The default key prefix of revoked token ids.
pub const DEFAULT_REVOKED_PREFIX: &str = "airisk:revoked:";
/// The default time allowed to open a connection, TLS and `AUTH` handshakes included.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The default time allowed for one read or one write on a connection.
pub const DEFAULT_IO_TIMEOUT: Duration = Duration::from_millis(500);
/// The default number of connections a store keeps open at most (one per concurrent caller).
pub const DEFAULT_POOL_SIZE: usize = 16;
/// The default number of replicas that must confirm each write ([`RedisConfig::new`]):
/// none, for a standalone server. [`RedisConfig::cluster`] uses
/// [`DEFAULT_CLUSTER_WAIT_REPLICAS`]; set [`RedisConfig::wait_replicas`] to 1 for a
/// primary with replicas (Sentinel, managed Redis with a replica).
pub const DEFAULT_WAIT_REPLICAS: u32 = 0;
/// The number of replicas that must confirm each write in a cluster ([`RedisConfig::cluster`]).
pub const DEFAULT_CLUSTER_WAIT_REPLICAS: u32 = 1;
/// The default time `WAIT` allows the replicas to confirm a write before the store refuses.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_millis(250);
/// The most connections a pool may hold (a configuration above it is refused).
pub const MAX_POOL_SIZE: usize = 1024;

/// PEM files for TLS (`rediss://`). Read once, by [`crate::RedisStore::new`].
#[non_exhaustive]
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TlsFiles {
    /// The CA certificate(s) that sign the server's certificate; `None`: the system's roots.
    pub ca_file: Option<PathBuf>,
    /// The client certificate chain for mutual TLS; with [`TlsFiles::client_key_file`].
    pub client_cert_file: Option<PathBuf>,
    /// The client's private key for mutual TLS; with [`TlsFiles::client_cert_file`].
    pub client_key_file: Option<PathBuf>,
}

impl TlsFiles {
    /// The server is checked against the CA certificate(s) in `path` instead of the system's roots.
    #[must_use]
    pub fn with_ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_file = Some(path.into());
        self
    }

    /// Mutual TLS: the store shows the certificate chain in `cert` and proves the key in `key`.
    #[must_use]
    pub fn with_client_cert(mut self, cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        self.client_cert_file = Some(cert.into());
        self.client_key_file = Some(key.into());
        self
    }
}

impl fmt::Debug for TlsFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Paths only: the key's contents are never read here.
        f.debug_struct("TlsFiles")
            .field("ca_file", &self.ca_file)
            .field("client_cert_file", &self.client_cert_file)
            .field("client_key_file", &self.client_key_file)
            .finish()
    }
}

/// Where and how to reach Redis. Build with [`RedisConfig::new`] (one server, or the
/// primary of a replicated one) or [`RedisConfig::cluster`], then adjust fields.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct RedisConfig {
    /// `redis://[[user]:password@]host[:port][/db]`, `rediss://…` (TLS) or
    /// `redis+unix:///path[?db=N&pass=…]`. In a cluster, the first seed node.
    pub url: String,
    /// Further seed nodes of a cluster (any reachable one is enough to learn the slot map).
    pub more_seeds: Vec<String>,
    /// Whether the servers form a Redis Cluster (follow `MOVED`/`ASK`, route by slot).
    pub cluster: bool,
    /// The TLS files for `rediss://` URLs (ignored for `redis://`).
    pub tls: TlsFiles,
    /// Prefix of the keys of redeemed codes (non-empty).
    pub code_prefix: String,
    /// Prefix of the keys of revoked token ids (non-empty; neither prefix may start the other).
    pub revoked_prefix: String,
    /// Time allowed to open a connection, handshakes included (non-zero).
    pub connect_timeout: Duration,
    /// Time allowed for one read from the connection (non-zero); `WAIT` adds its own timeout.
    pub read_timeout: Duration,
    /// Time allowed for one write to the connection (non-zero).
    pub write_timeout: Duration,
    /// Connections kept open at most, each used by one caller at a time (1 ..= [`MAX_POOL_SIZE`]).
    pub pool_size: usize,
    /// Replicas that must confirm each write (`WAIT`) before the store answers; 0: no `WAIT`.
    pub wait_replicas: u32,
    /// Time the replicas get to confirm (non-zero when [`RedisConfig::wait_replicas`] is not 0).
    pub wait_timeout: Duration,
    /// Seconds to remember codes and revocations beyond their expiry: at least
    /// the largest clock difference between the replicas sharing the store. Default 0.
    pub extra_retention: u64,
}

impl RedisConfig {
    /// The default settings for the server at `url`.
    #[must_use]
    pub fn new(url: &str) -> Self {
        RedisConfig {
            url: url.to_owned(),
            more_seeds: Vec::new(),
            cluster: false,
            tls: TlsFiles::default(),
            code_prefix: DEFAULT_CODE_PREFIX.to_owned(),
            revoked_prefix: DEFAULT_REVOKED_PREFIX.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_IO_TIMEOUT,
            write_timeout: DEFAULT_IO_TIMEOUT,
            pool_size: DEFAULT_POOL_SIZE,
            wait_replicas: DEFAULT_WAIT_REPLICAS,
            wait_timeout: DEFAULT_WAIT_TIMEOUT,
            extra_retention: 0,
        }
    }

    /// The default settings for a Redis Cluster reached through `seeds` (at least one),
    /// each write confirmed by [`DEFAULT_CLUSTER_WAIT_REPLICAS`] replica.
    #[must_use]
    pub fn cluster(seeds: &[&str]) -> Self {
        let mut config = RedisConfig::new(seeds.first().copied().unwrap_or_default());
        config.more_seeds = seeds.iter().skip(1).map(|s| (*s).to_owned()).collect();
        config.cluster = true;
        config.wait_replicas = DEFAULT_CLUSTER_WAIT_REPLICAS;
        config
    }

    /// Uses `code_prefix` and `revoked_prefix` for the keys.
    #[must_use]
    pub fn with_prefixes(mut self, code_prefix: &str, revoked_prefix: &str) -> Self {
        code_prefix.clone_into(&mut self.code_prefix);
        revoked_prefix.clone_into(&mut self.revoked_prefix);
        self
    }

    /// Uses `connect` for connecting and `io` for each read and write.
    #[must_use]
    pub fn with_timeouts(mut self, connect: Duration, io: Duration) -> Self {
        self.connect_timeout = connect;
        self.read_timeout = io;
        self.write_timeout = io;
        self
    }

    /// Each write must be confirmed by `replicas` replicas within `timeout` (`WAIT`);
    /// `replicas` 0 turns the wait off.
    #[must_use]
    pub fn with_wait(mut self, replicas: u32, timeout: Duration) -> Self {
        self.wait_replicas = replicas;
        self.wait_timeout = timeout;
        self
    }

    /// Uses `tls` for `rediss://` URLs.
    #[must_use]
    pub fn with_tls(mut self, tls: TlsFiles) -> Self {
        self.tls = tls;
        self
    }

    /// Keeps at most `size` connections open.
    #[must_use]
    pub fn with_pool_size(mut self, size: usize) -> Self {
        self.pool_size = size;
        self
    }

    /// Every URL: the first seed, then the others.
    pub(crate) fn urls(&self) -> impl Iterator<Item = &str> {
        core::iter::once(self.url.as_str()).chain(self.more_seeds.iter().map(String::as_str))
    }

    /// Whether the store speaks TLS (every URL must then agree).
    pub(crate) fn uses_tls(&self) -> bool {
        self.url.starts_with("rediss://")
    }

    /// The `WAIT` timeout in milliseconds, as Redis reads it.
    pub(crate) fn wait_millis(&self) -> u64 {
        u64::try_from(self.wait_timeout.as_millis()).unwrap_or(u64::MAX)
    }

    pub(crate) fn validate(&self) -> Result<()> {
        let (code, revoked) = (&self.code_prefix, &self.revoked_prefix);
        let tls = self.uses_tls();
        let urls_ok = self.urls().all(|url| {
            // `#insecure` would turn certificate checks off: never accepted.
            !url.contains('#') && url.starts_with("rediss://") == tls
        }) && (self.cluster || self.more_seeds.is_empty());
        let tls_ok = self.tls.client_cert_file.is_some() == self.tls.client_key_file.is_some();
        if code.is_empty()
            || revoked.is_empty()
            || code.starts_with(revoked.as_str())
            || revoked.starts_with(code.as_str())
            || [self.connect_timeout, self.read_timeout, self.write_timeout]
                .iter()
                .any(Duration::is_zero)
            || self.extra_retention > MAX_NUMERIC_DATE
            || !(1..=MAX_POOL_SIZE).contains(&self.pool_size)
            || (self.wait_replicas > 0 && self.wait_timeout.is_zero())
            || !urls_ok
            || !tls_ok
        {
            return Err(Error::InvalidConfiguration);
        }
        Ok(())
    }
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seeds: Vec<String> = self.more_seeds.iter().map(|s| redact_url(s)).collect();
        f.debug_struct("RedisConfig")
            .field("url", &redact_url(&self.url))
            .field("more_seeds", &seeds)
            .field("cluster", &self.cluster)
            .field("tls", &self.tls)
            .field("code_prefix", &self.code_prefix)
            .field("revoked_prefix", &self.revoked_prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("write_timeout", &self.write_timeout)
            .field("pool_size", &self.pool_size)
            .field("wait_replicas", &self.wait_replicas)
            .field("wait_timeout", &self.wait_timeout)
            .field("extra_retention", &self.extra_retention)
            .finish()
    }
}

/// The URL without credentials: user info and query (where `pass=` may be) are elided.
pub(crate) fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (rest, query) = match rest.split_once('?') {
        Some((rest, _)) => (rest, "?<redacted>"),
        None => (rest, ""),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((_, host)) => format!("<redacted>@{host}"),
        None => authority.to_owned(),
    };
    format!("{scheme}://{authority}{path}{query}")
}
