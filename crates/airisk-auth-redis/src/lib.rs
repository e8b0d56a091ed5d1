//! # airisk-auth-redis
//!
//! Single use across processes and machines: a [`RedisStore`] implements the
//! core's [`Store`] on Redis — one server,
//! the primary of a replicated one, or a Redis Cluster, over TCP or TLS — that
//! every replica of a service shares, so that a code redeemed in one process
//! can never be redeemed again in another.
//!
//! ```
//! use airisk_auth::prelude::*;
//! use airisk_auth_redis::{RedisConfig, RedisStore};
//! use std::sync::Arc;
//!
//! # let mut registry = MemoryRegistry::new();
//! # registry.add_client(Client::new("abc123", "s3cret", "https://localhost/callback")?)?;
//! # let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
//! # let code_key = CodeKey::generate()?;
//! // No I/O here: connections are made on first use (see "Connections" below).
//! let store = Arc::new(RedisStore::new(RedisConfig::new("redis://127.0.0.1:6379/0"))?);
//! let issuer = Issuer::new(IssuerConfig::new("https://airisk.example"), keys, code_key, Arc::new(registry), store)?;
//! // issuer.verifier() now also consults Redis for revoked tokens.
//! # Ok::<(), airisk_auth::Error>(())
//! ```
//!
//! # What is stored
//! | operation | Redis command | key |
//! |---|---|---|
//! | [`Store::redeem`] | `SET key 1 NX EX ttl` (then `WAIT`, see below) | `code_prefix` + the code id in lower-case hex (32 characters) |
//! | [`Store::revoke`] | a 4-line Lua script: `SET key 1 EX ttl` unless the key already lives longer (then `WAIT`) | `revoked_prefix` + the token's `jti` |
//! | [`Store::is_revoked`] | `EXISTS key` | `revoked_prefix` + the token's `jti` |
//! | [`Store::revoke_grant`] | a Lua script: `SET key not_before EX ttl`, never moving either back (then `WAIT`) | `code_prefix` + `grant:` + the client id's length + `:` + client id + `:u:` + userid (or `:g` for the generic grant) |
//! | [`Store::is_refused`] | one Lua script over the `jti`'s key, its refresh family's key and the grant's key (a cluster: one `EXISTS`/`GET` per key, as keys of different slots cannot meet in a script) | as above |
//! | [`Store::refresh_insert`] | a Lua script: `HSET key rec <json> used 0`, `EXPIRE` (then `WAIT`) | `code_prefix` + `refresh:` + the token's SHA-256 in hex |
//! | [`Store::refresh_use`] | a Lua script: `HGET rec`, then `HINCRBY used 1` (1: first use; then `WAIT`) | as above |
//! | [`Store::refresh_peek`] | `HMGET key rec used` | as above |
//!
//! `SET … NX` is atomic on the server: of any number of callers, in any number
//! of processes, redeeming the same code, exactly one gets `OK`
//! ([`Redemption::First`]); the others get nil ([`Redemption::Replayed`]).
//! Every write touches one key, so in a cluster each is atomic in its key's
//! slot and no hash tag is needed. Grant and refresh keys live under
//! `code_prefix` after a `grant:` or `refresh:` marker: a code's key is the
//! prefix and 32 hex digits, so they can never meet. A refresh token is
//! consumed by one script (`HINCRBY` answers 1 to exactly one caller), never
//! read-then-write; a retry after a lost reply sees the use it made and
//! answers `Replayed`, which ends the family: fail closed. The default prefixes are
//! [`DEFAULT_CODE_PREFIX`] and [`DEFAULT_REVOKED_PREFIX`]; give each deployment
//! sharing a server its own.
//!
//! # Decisions
//! - **Expiry.** A code is remembered for its remaining life, `expires_at - now`
//!   seconds, and at least 1 s, measured by Redis from the moment it receives
//!   the command (so the clocks of Redis and the caller need not agree). A
//!   replay after that fails anyway, as expired, wherever the replica's clock
//!   agrees with the redeeming one's. Replicas whose clocks disagree by `s`
//!   seconds should set [`RedisConfig::extra_retention`] to at least `s`:
//!   otherwise a replica running behind could see a code as still valid after
//!   Redis forgot it. A revocation is remembered until `until` likewise, and a
//!   second revocation never shortens the first (the core's [`MemoryStore`]
//!   keeps the later expiry too). The `now` of [`Store::is_revoked`]
//!   is not used: Redis expires the key itself.
//! - **Fail closed.** Every Redis failure — refused or dropped connection,
//!   connect / read / write timeout, a TLS handshake refused (unknown CA, wrong
//!   server name, plain TCP on a TLS port), an error reply (`WRONGTYPE`,
//!   `NOAUTH`, `OOM`, `READONLY`, `CLUSTERDOWN`…), an unexpected reply, a write
//!   not confirmed by the replicas in time — is [`Error::LedgerUnavailable`].
//!   The exchange then answers 503 and issues no token; the verifier refuses
//!   every token while it cannot tell whether the token was revoked. The Redis
//!   error itself is not kept (the core's error is a plain kind): servers log
//!   their own view, and [`RedisStore::ping`] checks reachability.
//! - **Connections.** A pool of [`RedisConfig::pool_size`] slots (default
//!   [`DEFAULT_POOL_SIZE`]), each holding at most one connection, opened on
//!   first use: a service starts even while Redis is down and answers 503
//!   until it is back. A caller takes a free slot (round robin), or waits for
//!   one when all are busy, so up to `pool_size` commands are in flight at
//!   once. A blocking pool rather than a multiplexed async connection: the
//!   core's store calls are synchronous (the issuer is sans-IO), each is one
//!   short round trip, and a private async runtime would panic when called
//!   from inside a tokio runtime. **In a tokio server**, call the issuer's
//!   `exchange` (and a bearer check that consults the store) inside
//!   `tokio::task::spawn_blocking` (or `block_in_place` on the multi-threaded
//!   runtime), so a slow Redis holds a blocking-pool thread, never a runtime
//!   worker; the timeouts below bound how long.
//! - **Reconnection.** After *any* failure the slot's connection is dropped and
//!   the next call opens a new one. This also matters for safety: after a read
//!   timeout a late reply could otherwise be read as the answer to the next
//!   command. When a *reused* connection turns out dead (Redis restarted, an
//!   idle connection cut by a proxy), the command is retried once on a fresh
//!   connection, so the first request after a restart succeeds. A retry never
//!   double-issues: `SET NX` answers `OK` at most once per key, and if the lost
//!   attempt had been applied the retry sees `Replayed` (the code is then
//!   refused, never honoured twice). Timeouts are not retried, so a hung
//!   server costs one timeout, not two.
//! - **Timeouts.** Connect (TCP connect plus the TLS, `AUTH` and `SELECT`
//!   handshakes), read and write timeouts are set on every connection; the
//!   defaults ([`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_IO_TIMEOUT`]) are short
//!   because the caller is an HTTP request waiting for its answer. Host names
//!   are resolved by the system resolver, outside these timeouts: use an
//!   address, or a name the host resolves locally.
//! - **TLS.** `rediss://` URLs use rustls (with ring, the core's crypto). The
//!   server's certificate must chain to the system's roots, or to the CA file
//!   of [`TlsFiles::ca_file`], and name the host of the URL (DNS name or IP
//!   address); [`TlsFiles::with_client_cert`] adds a client certificate (mutual
//!   TLS). The files are read once, by [`RedisStore::new`], and the copy of the
//!   client key read there is wiped. `#insecure` (no certificate check) is
//!   refused, as is a mix of `redis://` and `rediss://` seeds.
//! - **Cluster.** [`RedisConfig::cluster`] uses the `redis` crate's cluster
//!   client: it learns the slot map from any seed, routes each command to its
//!   key's primary and follows `MOVED` / `ASK` (one retry). Each pool slot then
//!   holds one connection per node.
//! - **Failover.** Redis replicates asynchronously: a redemption acknowledged
//!   by a primary that dies before its replica received it is lost, and the
//!   promoted replica would honour the code once more. With
//!   [`RedisConfig::wait_replicas`] = `n` > 0, every write (redeem, revoke) is
//!   followed by `WAIT n timeout` on the same connection, and the store
//!   answers only when `n` replicas confirmed it within
//!   [`RedisConfig::wait_timeout`] (default [`DEFAULT_WAIT_TIMEOUT`]);
//!   otherwise it fails closed (503, no token issued: the code is spent, the
//!   user starts over). So a redemption that was honoured is on `n` replicas
//!   before the token leaves. Defaults: 0 for [`RedisConfig::new`] (a single
//!   server has no replica to wait for — **set 1** when it has one), and
//!   [`DEFAULT_CLUSTER_WAIT_REPLICAS`] (1) for [`RedisConfig::cluster`]. A
//!   replica that is down makes every exchange fail closed until it is back
//!   (or `wait_replicas` is lowered): availability is traded for single use.
//!   In a cluster `WAIT` is sent to every primary and the smallest count
//!   counts, so every primary needs its `n` replicas. `WAIT` narrows the
//!   window to what Redis itself documents: a failover that promotes a replica
//!   *without* the write (a manual one forced while it lags) can still lose it.
//! - **Secrets.** A password in a URL is never shown: `Debug` prints the
//!   address only; TLS files are shown by path.
//!
//! [`MemoryStore`]: airisk_auth::store::MemoryStore

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod config;
mod lifecycle;
mod pool;

pub use config::{
    RedisConfig, TlsFiles, DEFAULT_CLUSTER_WAIT_REPLICAS, DEFAULT_CODE_PREFIX,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_IO_TIMEOUT, DEFAULT_POOL_SIZE, DEFAULT_REVOKED_PREFIX,
    DEFAULT_WAIT_REPLICAS, DEFAULT_WAIT_TIMEOUT, MAX_POOL_SIZE,
};

use airisk_auth::clock::MAX_NUMERIC_DATE;
use airisk_auth::code::CodeId;
use airisk_auth::refresh::{RefreshDigest, RefreshRecord, RefreshUse};
use airisk_auth::store::{Grant, Issued, Redemption, Store};
use airisk_auth::{Error, Result};
use core::fmt;
use pool::Pool;
use redis::{ConnectionLike, RedisResult, Value};

/// Keeps a revocation's expiry from ever moving earlier; `TTL` is -2 for a
/// missing key and -1 for a key without expiry (kept as it is: revoked for good).
const REVOKE_SCRIPT: &str = "local t = redis.call('TTL', KEYS[1]) \
    if t == -1 then return 0 end \
    if t < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'EX', ARGV[1]) end \
    return 1";

/// A redemption ledger and revocation list on Redis, shared by every process
/// and machine that points at it. See the crate docs.
///
/// Thread-safe; build once and share through an `Arc`.
pub struct RedisStore {
    pub(crate) pool: Pool,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = self.pool.config();
        f.debug_struct("RedisStore")
            .field("addr", &self.pool.address())
            .field("code_prefix", &config.code_prefix)
            .field("revoked_prefix", &config.revoked_prefix)
            .field("wait_replicas", &config.wait_replicas)
            .field("open_connections", &self.pool.open_connections())
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store with the settings of `config`. Reads the TLS files, if any, but
    /// opens no connection: they are opened on first use.
    ///
    /// # Errors
    /// [`Error::InvalidConfiguration`] for a URL that does not parse, `#insecure`,
    /// a TLS file that cannot be read or parsed, an empty prefix, prefixes of
    /// which one starts the other, a zero timeout or a pool size out of range.
    pub fn new(config: RedisConfig) -> Result<Self> {
        Ok(RedisStore {
            pool: Pool::new(config)?,
        })
    }

    /// The settings.
    #[must_use]
    pub fn config(&self) -> &RedisConfig {
        self.pool.config()
    }

    /// Checks that Redis answers (`PING`), connecting if needed: for readiness probes.
    ///
    /// # Errors
    /// [`Error::LedgerUnavailable`].
    pub fn ping(&self) -> Result<()> {
        match self
            .pool
            .run(|con| redis::cmd("PING").query::<Value>(con))?
        {
            Value::SimpleString(s) if s == "PONG" => Ok(()),
            _ => Err(Error::LedgerUnavailable),
        }
    }

    /// The key of a redeemed code.
    fn code_key(&self, code: &CodeId) -> String {
        format!("{}{code}", self.config().code_prefix)
    }

    /// The key of a revoked token id.
    pub(crate) fn revoked_key(&self, jti: &str) -> String {
        let prefix = &self.config().revoked_prefix;
        let mut key = String::with_capacity(prefix.len() + jti.len());
        key.push_str(prefix);
        key.push_str(jti);
        key
    }

    /// Seconds to keep an entry that must live until `until`: at least 1 (Redis
    /// refuses `EX 0`), plus the configured margin, and never beyond what Redis accepts.
    pub(crate) fn seconds_until(&self, until: u64, now: u64) -> u64 {
        until
            .saturating_sub(now)
            .max(1)
            .saturating_add(self.config().extra_retention)
            .min(MAX_NUMERIC_DATE)
    }

    /// `WAIT`s, on the connection that just wrote, for the configured replicas.
    /// `Ok(false)`: fewer confirmed in time.
    pub(crate) fn replicated(&self, con: &mut dyn ConnectionLike) -> RedisResult<bool> {
        let config = self.config();
        if config.wait_replicas == 0 {
            return Ok(true);
        }
        let confirmed: Value = redis::cmd("WAIT")
            .arg(config.wait_replicas)
            .arg(config.wait_millis())
            .query(con)?;
        Ok(matches!(confirmed, Value::Int(n) if n >= i64::from(config.wait_replicas)))
    }
}

impl Store for RedisStore {
    fn redeem(&self, code: &CodeId, expires_at: u64, now: u64) -> Result<Redemption> {
        let key = self.code_key(code);
        let ttl = self.seconds_until(expires_at, now);
        let (reply, replicated) = self.pool.run(|con| {
            let reply = redis::cmd("SET")
                .arg(&key)
                .arg(1)
                .arg("NX")
                .arg("EX")
                .arg(ttl)
                .query::<Value>(con)?;
            // Only a write needs confirming: a replay refuses whatever the replicas hold.
            let replicated = reply != Value::Okay || self.replicated(con)?;
            Ok((reply, replicated))
        })?;
        match reply {
            Value::Okay if replicated => Ok(Redemption::First),
            Value::Nil => Ok(Redemption::Replayed),
            // Not confirmed by the replicas, or a proxy or module answering
            // otherwise: not a proof of first use.
            _ => Err(Error::LedgerUnavailable),
        }
    }

    fn revoke(&self, jti: &str, until: u64, now: u64) -> Result<()> {
        let key = self.revoked_key(jti);
        let ttl = self.seconds_until(until, now);
        let (reply, replicated) = self.pool.run(|con| {
            let reply = redis::cmd("EVAL")
                .arg(REVOKE_SCRIPT)
                .arg(1)
                .arg(&key)
                .arg(ttl)
                .query::<Value>(con)?;
            Ok((reply, self.replicated(con)?))
        })?;
        match reply {
            Value::Int(0 | 1) if replicated => Ok(()),
            _ => Err(Error::LedgerUnavailable),
        }
    }

    fn is_revoked(&self, jti: &str, _now: u64) -> Result<bool> {
        let key = self.revoked_key(jti);
        match self
            .pool
            .run(|con| redis::cmd("EXISTS").arg(&key).query::<Value>(con))?
        {
            Value::Int(0) => Ok(false),
            Value::Int(1) => Ok(true),
            _ => Err(Error::LedgerUnavailable),
        }
    }

    fn revoke_grant(&self, grant: &Grant<'_>, not_before: u64, until: u64, now: u64) -> Result<()> {
        self.revoke_grant_impl(grant, not_before, until, now)
    }

    fn is_refused(&self, issued: &Issued<'_>, now: u64) -> Result<bool> {
        self.is_refused_impl(issued, now)
    }

    fn refresh_insert(
        &self,
        digest: &RefreshDigest,
        record: &RefreshRecord,
        now: u64,
    ) -> Result<()> {
        self.refresh_insert_impl(digest, record, now)
    }

    fn refresh_use(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        self.refresh_use_impl(digest, now)
    }

    fn refresh_peek(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        self.refresh_peek_impl(digest, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::redact_url;
    use std::time::Duration;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("redis://:hunter2@10.0.0.1:6380/2"),
            "redis://<redacted>@10.0.0.1:6380/2"
        );
        assert_eq!(
            redact_url("redis://user:p@ss@host/0"),
            "redis://<redacted>@host/0"
        );
        assert_eq!(
            redact_url("redis+unix:///run/redis.sock?db=1&pass=hunter2"),
            "redis+unix:///run/redis.sock?<redacted>"
        );
        assert_eq!(redact_url("redis://host:1"), "redis://host:1");
        let config = RedisConfig::new("redis://:hunter2@127.0.0.1:1/0");
        assert!(!format!("{config:?}").contains("hunter2"));
        let store = RedisStore::new(config).unwrap();
        let shown = format!("{store:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("127.0.0.1:1"), "{shown}");
    }

    #[test]
    fn settings_are_checked() {
        let ok = RedisConfig::new("redis://127.0.0.1:6379");
        assert!(RedisStore::new(ok.clone()).is_ok());
        for bad in [
            RedisConfig::new("http://127.0.0.1:6379"),
            RedisConfig::new("not a url"),
            RedisConfig::new("rediss://127.0.0.1:6379/#insecure"),
            RedisConfig::cluster(&["rediss://127.0.0.1:1", "redis://127.0.0.1:2"]),
            RedisConfig {
                more_seeds: vec!["redis://127.0.0.1:2".to_owned()],
                ..ok.clone()
            },
            RedisConfig::new("rediss://127.0.0.1:6379")
                .with_tls(TlsFiles::default().with_ca_file("/nonexistent/ca.pem")),
            RedisConfig::new("rediss://127.0.0.1:6379").with_tls(TlsFiles {
                client_cert_file: Some("/nonexistent/c.pem".into()),
                ..TlsFiles::default()
            }),
            ok.clone().with_pool_size(0),
            ok.clone().with_pool_size(MAX_POOL_SIZE + 1),
            ok.clone().with_wait(1, Duration::ZERO),
            ok.clone().with_prefixes("", "r:"),
            ok.clone().with_prefixes("c:", ""),
            ok.clone().with_prefixes("x:", "x:"),
            ok.clone().with_prefixes("x:", "x:r:"),
            ok.clone().with_prefixes("x:c:", "x:"),
            ok.clone()
                .with_timeouts(Duration::ZERO, Duration::from_secs(1)),
            ok.clone()
                .with_timeouts(Duration::from_secs(1), Duration::ZERO),
            RedisConfig {
                extra_retention: u64::MAX,
                ..ok.clone()
            },
        ] {
            assert_eq!(
                RedisStore::new(bad.clone()).err(),
                Some(Error::InvalidConfiguration),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn retention_is_the_remaining_life_at_least_one_second() {
        let mut config = RedisConfig::new("redis://127.0.0.1:6379");
        let store = RedisStore::new(config.clone()).unwrap();
        assert_eq!(store.seconds_until(160, 100), 60);
        assert_eq!(store.seconds_until(100, 100), 1);
        assert_eq!(store.seconds_until(5, 100), 1);
        assert_eq!(store.seconds_until(u64::MAX, 0), MAX_NUMERIC_DATE);
        config.extra_retention = 30;
        let store = RedisStore::new(config).unwrap();
        assert_eq!(store.seconds_until(160, 100), 90);
        assert_eq!(store.seconds_until(5, 100), 31);
    }

    #[test]
    fn keys_are_prefixed() {
        let store = RedisStore::new(
            RedisConfig::new("redis://127.0.0.1:6379").with_prefixes("a:c:", "a:r:"),
        )
        .unwrap();
        assert_eq!(
            store.code_key(&CodeId([0xab; 16])),
            format!("a:c:{}", "ab".repeat(16))
        );
        assert_eq!(store.revoked_key("jti-1"), "a:r:jti-1");
    }
}
