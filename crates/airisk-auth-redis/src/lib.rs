//! # airisk-auth-redis
//!
//! Single use across processes and machines: a [`RedisLedger`] implements the
//! core's [`Store`] on one Redis server that
//! every replica of a service shares, so that a code redeemed in one process
//! can never be redeemed again in another.
//!
//! ```
//! use airisk_auth::prelude::*;
//! use airisk_auth_redis::{RedisConfig, RedisLedger};
//! use std::sync::Arc;
//!
//! # let mut registry = MemoryRegistry::new();
//! # registry.add_client(Client::new("abc123", "s3cret", "https://localhost/callback")?)?;
//! # let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
//! # let code_key = CodeKey::generate()?;
//! // No I/O here: the connection is made on first use (see "Connection" below).
//! let ledger = Arc::new(RedisLedger::new(RedisConfig::new("redis://127.0.0.1:6379/0"))?);
//! let issuer = Issuer::new(IssuerConfig::new("https://airisk.example"), keys, code_key, Arc::new(registry), ledger)?;
//! // issuer.verifier() now also consults Redis for revoked tokens.
//! # Ok::<(), airisk_auth::Error>(())
//! ```
//!
//! # What is stored
//! | operation | Redis command | key |
//! |---|---|---|
//! | [`Store::redeem`] | `SET key 1 NX EX ttl` | `code_prefix` + the code id in lower-case hex (32 characters) |
//! | [`Store::revoke`] | a 4-line Lua script: `SET key 1 EX ttl` unless the key already lives longer | `revoked_prefix` + the token's `jti` |
//! | [`Store::is_revoked`] | `EXISTS key` | `revoked_prefix` + the token's `jti` |
//!
//! `SET … NX` is atomic on the server: of any number of callers, in any number
//! of processes, redeeming the same code, exactly one gets `OK`
//! ([`Redemption::First`]); the others get nil ([`Redemption::Replayed`]).
//! The default prefixes are [`DEFAULT_CODE_PREFIX`] and [`DEFAULT_REVOKED_PREFIX`];
//! give each deployment sharing a server its own.
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
//!   connect / read / write timeout, an error reply (`WRONGTYPE`, `NOAUTH`,
//!   `OOM`, `READONLY`…), an unexpected reply — is [`Error::LedgerUnavailable`].
//!   The exchange then answers 503 and issues no token; the verifier refuses
//!   every token while it cannot tell whether the token was revoked. The Redis
//!   error itself is not kept (the core's error is a plain kind): servers log
//!   their own view, and [`RedisLedger::ping`] checks reachability.
//! - **Connection.** One connection per ledger, behind a mutex
//!   (`Mutex<Option<Connection>>`), made on first use: a service starts even
//!   while Redis is down and answers 503 until it is back. Each command is
//!   one short round trip, so one connection serves many threads; a pool would
//!   add a dependency and more sockets for little gain at authorization-code
//!   rates (see the crate README for measured throughput). Services that need
//!   more can build one ledger per worker thread.
//! - **Reconnection.** After *any* failure the connection is dropped and the
//!   next call opens a new one. This also matters for safety: after a read
//!   timeout a late reply could otherwise be read as the answer to the next
//!   command. When a *reused* connection turns out dead (Redis restarted, an
//!   idle connection cut by a proxy), the command is retried once on a fresh
//!   connection, so the first request after a restart succeeds. A retry never
//!   double-issues: `SET NX` answers `OK` at most once per key, and if the lost
//!   attempt had been applied the retry sees `Replayed` (the code is then
//!   refused, never honoured twice). Timeouts are not retried, so a hung
//!   server costs one timeout, not two.
//! - **Timeouts.** Connect (TCP connect plus the `AUTH` / `SELECT` handshake),
//!   read and write timeouts are set on every connection; the defaults
//!   ([`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_IO_TIMEOUT`]) are short because
//!   the caller is an HTTP request waiting for its answer. Callers queue on the
//!   mutex, so while Redis hangs each waits for the ones ahead of it. Host
//!   names are resolved by the system resolver, outside these timeouts: use an
//!   address, or a name the host resolves locally.
//! - **Deployment.** A standalone Redis (≥ 2.6.12), or the primary of a
//!   replicated one. Replication is asynchronous: a redemption acknowledged by
//!   a primary that fails over before replicating it is lost, and the code
//!   could then be redeemed once more on the new primary within its (≤ 10
//!   minutes) life. Redis Cluster redirections are not followed (a redirection
//!   is an error reply, so it fails closed). TLS (`rediss://`) is not built in:
//!   the `redis` crate's TLS feature would bring a second TLS stack; use a
//!   loopback or private network, or a local TLS tunnel.
//! - **Secrets.** A password in the URL is never shown: `Debug` prints the
//!   address only.
//!
//! [`MemoryStore`]: airisk_auth::store::MemoryStore

#![forbid(unsafe_code)]

use airisk_auth::clock::MAX_NUMERIC_DATE;
use airisk_auth::code::CodeId;
use airisk_auth::store::{Redemption, Store};
use airisk_auth::{Error, Result};
use core::fmt;
use redis::{Connection, RedisResult, Value};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The default key prefix of redeemed codes.
pub const DEFAULT_CODE_PREFIX: &str = "airisk:code:";
/// The default key prefix of revoked token ids.
pub const DEFAULT_REVOKED_PREFIX: &str = "airisk:revoked:";
/// The default time allowed to open a connection, handshake included.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The default time allowed for one read or one write on a connection.
pub const DEFAULT_IO_TIMEOUT: Duration = Duration::from_millis(500);

/// Keeps a revocation's expiry from ever moving earlier; `TTL` is -2 for a
/// missing key and -1 for a key without expiry (kept as it is: revoked for good).
const REVOKE_SCRIPT: &str = "local t = redis.call('TTL', KEYS[1]) \
    if t == -1 then return 0 end \
    if t < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'EX', ARGV[1]) end \
    return 1";

/// Where and how to reach Redis. Build with [`RedisConfig::new`], then adjust fields.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct RedisConfig {
    /// `redis://[[user]:password@]host[:port][/db]` or `redis+unix:///path[?db=N&pass=…]`.
    pub url: String,
    /// Prefix of the keys of redeemed codes (non-empty).
    pub code_prefix: String,
    /// Prefix of the keys of revoked token ids (non-empty; neither prefix may start the other).
    pub revoked_prefix: String,
    /// Time allowed to open a connection, handshake included (non-zero).
    pub connect_timeout: Duration,
    /// Time allowed for one read from the connection (non-zero).
    pub read_timeout: Duration,
    /// Time allowed for one write to the connection (non-zero).
    pub write_timeout: Duration,
    /// Seconds to remember codes and revocations beyond their expiry: at least
    /// the largest clock difference between the replicas sharing the ledger. Default 0.
    pub extra_retention: u64,
}

impl RedisConfig {
    /// The default settings for the server at `url`.
    #[must_use]
    pub fn new(url: &str) -> Self {
        RedisConfig {
            url: url.to_owned(),
            code_prefix: DEFAULT_CODE_PREFIX.to_owned(),
            revoked_prefix: DEFAULT_REVOKED_PREFIX.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_IO_TIMEOUT,
            write_timeout: DEFAULT_IO_TIMEOUT,
            extra_retention: 0,
        }
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

    fn validate(&self) -> Result<()> {
        let (code, revoked) = (&self.code_prefix, &self.revoked_prefix);
        if code.is_empty()
            || revoked.is_empty()
            || code.starts_with(revoked.as_str())
            || revoked.starts_with(code.as_str())
            || [self.connect_timeout, self.read_timeout, self.write_timeout]
                .iter()
                .any(Duration::is_zero)
            || self.extra_retention > MAX_NUMERIC_DATE
        {
            return Err(Error::InvalidConfiguration);
        }
        Ok(())
    }
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisConfig")
            .field("url", &redact_url(&self.url))
            .field("code_prefix", &self.code_prefix)
            .field("revoked_prefix", &self.revoked_prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("write_timeout", &self.write_timeout)
            .field("extra_retention", &self.extra_retention)
            .finish()
    }
}

/// The URL without credentials: user info and query (where `pass=` may be) are elided.
fn redact_url(url: &str) -> String {
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

/// A redemption ledger and revocation list on one Redis server, shared by
/// every process and machine that points at it. See the crate docs.
///
/// Thread-safe; build once and share through an `Arc`.
pub struct RedisLedger {
    client: redis::Client,
    config: RedisConfig,
    connection: Mutex<Option<Connection>>,
}

impl fmt::Debug for RedisLedger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLedger")
            .field(
                "addr",
                &self.client.get_connection_info().addr().to_string(),
            )
            .field("code_prefix", &self.config.code_prefix)
            .field("revoked_prefix", &self.config.revoked_prefix)
            .field(
                "connected",
                &self.connection.try_lock().ok().map(|c| c.is_some()),
            )
            .finish_non_exhaustive()
    }
}

impl RedisLedger {
    /// A ledger with the settings of `config`. Does no I/O: the connection is
    /// opened on first use.
    ///
    /// # Errors
    /// [`Error::InvalidConfiguration`] for a URL that does not parse (or needs
    /// TLS), an empty prefix, prefixes of which one starts the other, or a zero timeout.
    pub fn new(config: RedisConfig) -> Result<Self> {
        config.validate()?;
        if config.url.starts_with("rediss:") {
            return Err(Error::InvalidConfiguration);
        }
        let client =
            redis::Client::open(config.url.as_str()).map_err(|_| Error::InvalidConfiguration)?;
        Ok(RedisLedger {
            client,
            config,
            connection: Mutex::new(None),
        })
    }

    /// The settings.
    #[must_use]
    pub fn config(&self) -> &RedisConfig {
        &self.config
    }

    /// Checks that Redis answers (`PING`), connecting if needed: for readiness probes.
    ///
    /// # Errors
    /// [`Error::LedgerUnavailable`].
    pub fn ping(&self) -> Result<()> {
        match self.run(|con| redis::cmd("PING").query::<Value>(con))? {
            Value::SimpleString(s) if s == "PONG" => Ok(()),
            _ => Err(Error::LedgerUnavailable),
        }
    }

    /// The key of a redeemed code.
    fn code_key(&self, code: &CodeId) -> String {
        format!("{}{code}", self.config.code_prefix)
    }

    /// The key of a revoked token id.
    fn revoked_key(&self, jti: &str) -> String {
        let mut key = String::with_capacity(self.config.revoked_prefix.len() + jti.len());
        key.push_str(&self.config.revoked_prefix);
        key.push_str(jti);
        key
    }

    /// Seconds to keep an entry that must live until `until`: at least 1 (Redis
    /// refuses `EX 0`), plus the configured margin, and never beyond what Redis accepts.
    fn seconds_until(&self, until: u64, now: u64) -> u64 {
        until
            .saturating_sub(now)
            .max(1)
            .saturating_add(self.config.extra_retention)
            .min(MAX_NUMERIC_DATE)
    }

    fn connect(&self) -> RedisResult<Connection> {
        let con = self
            .client
            .get_connection_with_timeout(self.config.connect_timeout)?;
        con.set_read_timeout(Some(self.config.read_timeout))?;
        con.set_write_timeout(Some(self.config.write_timeout))?;
        Ok(con)
    }

    /// Runs `op` on the connection, opening one if there is none; retries once
    /// on a fresh connection when a reused one turns out dead. Every failure
    /// drops the connection and is [`Error::LedgerUnavailable`].
    fn run<T>(&self, op: impl Fn(&mut Connection) -> RedisResult<T>) -> Result<T> {
        let mut slot = self.lock();
        let reused = slot.is_some();
        match self.attempt(&mut slot, &op) {
            Ok(value) => Ok(value),
            Err(e) if reused && e.is_connection_dropped() && !e.is_timeout() => self
                .attempt(&mut slot, &op)
                .map_err(|_| Error::LedgerUnavailable),
            Err(_) => Err(Error::LedgerUnavailable),
        }
    }

    fn attempt<T>(
        &self,
        slot: &mut Option<Connection>,
        op: &impl Fn(&mut Connection) -> RedisResult<T>,
    ) -> RedisResult<T> {
        let con = match slot {
            Some(con) => con,
            None => slot.insert(self.connect()?),
        };
        let result = op(con);
        if result.is_err() {
            *slot = None;
        }
        result
    }

    /// The connection slot. A panic while it was held may have left a
    /// half-read reply on the connection, so a poisoned slot is emptied.
    fn lock(&self) -> MutexGuard<'_, Option<Connection>> {
        self.connection.lock().unwrap_or_else(|poisoned| {
            let mut slot = poisoned.into_inner();
            *slot = None;
            slot
        })
    }
}

impl Store for RedisLedger {
    fn redeem(&self, code: &CodeId, expires_at: u64, now: u64) -> Result<Redemption> {
        let key = self.code_key(code);
        let ttl = self.seconds_until(expires_at, now);
        let reply = self.run(|con| {
            redis::cmd("SET")
                .arg(&key)
                .arg(1)
                .arg("NX")
                .arg("EX")
                .arg(ttl)
                .query::<Value>(con)
        })?;
        match reply {
            Value::Okay => Ok(Redemption::First),
            Value::Nil => Ok(Redemption::Replayed),
            // A proxy or module answering otherwise: not a proof of first use.
            _ => Err(Error::LedgerUnavailable),
        }
    }

    fn revoke(&self, jti: &str, until: u64, now: u64) -> Result<()> {
        let key = self.revoked_key(jti);
        let ttl = self.seconds_until(until, now);
        let reply = self.run(|con| {
            redis::cmd("EVAL")
                .arg(REVOKE_SCRIPT)
                .arg(1)
                .arg(&key)
                .arg(ttl)
                .query::<Value>(con)
        })?;
        match reply {
            Value::Int(0 | 1) => Ok(()),
            _ => Err(Error::LedgerUnavailable),
        }
    }

    fn is_revoked(&self, jti: &str, _now: u64) -> Result<bool> {
        let key = self.revoked_key(jti);
        match self.run(|con| redis::cmd("EXISTS").arg(&key).query::<Value>(con))? {
            Value::Int(0) => Ok(false),
            Value::Int(1) => Ok(true),
            _ => Err(Error::LedgerUnavailable),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let ledger = RedisLedger::new(config).unwrap();
        let shown = format!("{ledger:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("127.0.0.1:1"), "{shown}");
    }

    #[test]
    fn settings_are_checked() {
        let ok = RedisConfig::new("redis://127.0.0.1:6379");
        assert!(RedisLedger::new(ok.clone()).is_ok());
        for bad in [
            RedisConfig::new("http://127.0.0.1:6379"),
            RedisConfig::new("not a url"),
            RedisConfig::new("rediss://127.0.0.1:6379"),
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
                RedisLedger::new(bad.clone()).err(),
                Some(Error::InvalidConfiguration),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn retention_is_the_remaining_life_at_least_one_second() {
        let mut config = RedisConfig::new("redis://127.0.0.1:6379");
        let ledger = RedisLedger::new(config.clone()).unwrap();
        assert_eq!(ledger.seconds_until(160, 100), 60);
        assert_eq!(ledger.seconds_until(100, 100), 1);
        assert_eq!(ledger.seconds_until(5, 100), 1);
        assert_eq!(ledger.seconds_until(u64::MAX, 0), MAX_NUMERIC_DATE);
        config.extra_retention = 30;
        let ledger = RedisLedger::new(config).unwrap();
        assert_eq!(ledger.seconds_until(160, 100), 90);
        assert_eq!(ledger.seconds_until(5, 100), 31);
    }

    #[test]
    fn keys_are_prefixed() {
        let ledger = RedisLedger::new(
            RedisConfig::new("redis://127.0.0.1:6379").with_prefixes("a:c:", "a:r:"),
        )
        .unwrap();
        assert_eq!(
            ledger.code_key(&CodeId([0xab; 16])),
            format!("a:c:{}", "ab".repeat(16))
        );
        assert_eq!(ledger.revoked_key("jti-1"), "a:r:jti-1");
    }
}
