//! # airisk-auth-postgres
//!
//! Single use across processes and machines for services that run PostgreSQL
//! and no Redis: a [`PostgresStore`] implements the core's [`Store`] on
//! tables every replica of a
//! service shares, and keeps the grant "not before" times that grant
//! revocation needs.
//!
//! ```no_run
//! use airisk_auth::prelude::*;
//! use airisk_auth_postgres::{PostgresConfig, PostgresStore};
//! use std::sync::Arc;
//!
//! # let mut registry = MemoryRegistry::new();
//! # registry.add_client(Client::new("abc123", "s3cret", "https://localhost/callback")?)?;
//! # let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
//! # let code_key = CodeKey::generate()?;
//! let store = Arc::new(PostgresStore::new(PostgresConfig::new(
//!     "host=/run/postgresql user=airisk dbname=app",
//! ))?);
//! store.migrate()?; // once per deployment (idempotent), or apply migrations/*.sql by hand
//! let issuer = Issuer::new(IssuerConfig::new("https://airisk.example"), keys, code_key, Arc::new(registry), store)?;
//! # Ok::<(), airisk_auth::Error>(())
//! ```
//!
//! # Why this driver
//! `postgres`, the blocking client over `tokio-postgres`: the maintained
//! pure-Rust driver (no libpq to install or link, SCRAM authentication, Unix
//! sockets), and the core's store calls are synchronous one-statement round trips.
//!
//! # What is stored
//! Four tables in the schema [`PostgresConfig::schema`] (default
//! [`DEFAULT_SCHEMA`]), created by [`PostgresStore::migrate`] from
//! `migrations/0001_store.sql` ([`MIGRATION_0001`]) and
//! `migrations/0002_refresh.sql` ([`MIGRATION_0002`]); a `schema_version`
//! table records the version ([`SCHEMA_VERSION`]).
//!
//! | operation | statement |
//! |---|---|
//! | [`Store::redeem`] | `INSERT INTO redeemed_codes … ON CONFLICT (id) DO UPDATE … WHERE expires_at <= now RETURNING 1`: a row back is [`Redemption::First`], none [`Redemption::Replayed`] |
//! | [`Store::revoke`] | `INSERT INTO revoked_tokens … ON CONFLICT (jti) DO UPDATE SET expires_at = GREATEST(…)` |
//! | [`Store::is_revoked`] | `SELECT 1 FROM revoked_tokens WHERE jti = $1 AND expires_at > now` |
//! | [`Store::revoke_grant`] / [`PostgresStore::grant_not_before`] | the same shape on `grant_not_before` (the later `not_before` and expiry win) |
//! | [`Store::is_refused`] | one `SELECT EXISTS (… revoked_tokens WHERE jti = ANY($jti_and_family) …) OR EXISTS (… grant_not_before … $iat <= not_before)`: the bearer check's one round trip |
//! | [`Store::refresh_insert`] | `INSERT INTO refresh_tokens (digest, record, uses, expires_at) … ON CONFLICT … WHERE expires_at <= now` (a live row is never overwritten) |
//! | [`Store::refresh_use`] | `UPDATE refresh_tokens SET uses = uses + 1 WHERE digest = $1 AND expires_at > now RETURNING record, uses`: `uses` 1 is the first use, under the row lock |
//! | [`Store::refresh_peek`] | `SELECT record, uses FROM refresh_tokens …` |
//! | [`PostgresStore::delete_expired`] | `DELETE … WHERE ctid = ANY(ARRAY(SELECT ctid … WHERE expires_at <= now LIMIT batch))` per table |
//!
//! # Decisions
//! - **Atomic redemption.** The primary key makes the insert atomic: of any
//!   number of concurrent callers in any number of processes, one inserts the
//!   row and gets it back; the others wait for its row lock, then see a live
//!   row and get nothing. A row that is dead (expired, not yet deleted) is
//!   taken over by the conflict clause, which is "`INSERT … ON CONFLICT DO
//!   NOTHING`" for live rows and spares the redemption path a cleanup.
//! - **Time.** Unlike Redis, PostgreSQL does not expire rows itself: each row
//!   holds `expires_at` (Unix seconds, plus [`PostgresConfig::extra_retention`])
//!   and every read compares it with the caller's `now`. Replicas whose clocks
//!   disagree by `s` seconds should set `extra_retention` to at least `s`.
//! - **Cleanup.** Dead rows are harmless (ignored by every read) but use
//!   space: call [`PostgresStore::delete_expired`] periodically (say once a
//!   minute, from one replica or all). Each call deletes at most `batch` rows
//!   per table, so it never holds long locks or writes a huge WAL record; call
//!   it again while it returns `batch` or more.
//! - **Schema.** [`PostgresStore::migrate`] applies the migration in one
//!   transaction under an advisory lock (replicas starting together do not
//!   race) and is idempotent. Connections prepare their statements when they
//!   open; without the tables that fails, and the store fails closed. A
//!   database whose schema version is newer than this crate's is refused.
//! - **Fail closed.** Every failure — refused or dropped connection, connect
//!   timeout, `statement_timeout`, an error from the server, a missing table —
//!   is [`Error::LedgerUnavailable`]: the exchange answers 503 and issues no
//!   token, the verifier refuses tokens it cannot check. A redemption whose
//!   connection drops mid-commit may have committed (the server can commit and
//!   stop before it answers): its code is then spent without a token, and a
//!   retry is `Replayed` (the client starts a new authorization); it is never
//!   honoured twice (`tests/postgres.rs`, the server stopped mid-run).
//! - **Connections.** A pool of [`PostgresConfig::pool_size`] slots (default
//!   [`DEFAULT_POOL_SIZE`]), opened on first use (a service starts while the
//!   database is down and answers 503 until it is back), each dropped after any
//!   failure and reopened by the next call; a reused connection found closed
//!   (server restarted) is retried once on a fresh one, which cannot honour a
//!   code twice (the retry sees the row). Each connection sets
//!   `statement_timeout` and `lock_timeout` ([`PostgresConfig::statement_timeout`],
//!   default [`DEFAULT_STATEMENT_TIMEOUT`]) and a TCP user timeout; the driver
//!   has no client-side read timeout, so a server that hangs *without* closing
//!   its socket holds the caller until the kernel gives up on the peer.
//! - **Async servers.** The driver runs a private single-threaded tokio runtime
//!   per connection and blocks on it: inside a tokio runtime, call the issuer
//!   (and bearer checks that consult the store) through
//!   `tokio::task::spawn_blocking`, or the driver panics.
//! - **Durability and replication.** A redemption must be durable before its
//!   token leaves: a commit lost in a crash makes the code redeemable again.
//!   So a connection whose `synchronous_commit` is `off` is refused (fail
//!   closed) — measured: on PostgreSQL 15, the last 5 of 100 acknowledged
//!   redemptions were lost by `pg_ctl stop -m immediate` with the server at
//!   `off`, even with the session set to `on` through the startup options; with
//!   the server at `on` (the default), none. With `synchronous_standby_names`
//!   set, a commit is also on a synchronous standby before it is acknowledged,
//!   so a failover to that standby loses nothing; with asynchronous standbys
//!   only, a failover can lose the last commits, as Redis can without `WAIT`.
//! - **Secrets.** `Debug` shows hosts, ports, user and database, never the password.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod config;
mod lifecycle;
mod pool;
mod schema;

pub use config::{
    PostgresConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_POOL_SIZE, DEFAULT_SCHEMA,
    DEFAULT_STATEMENT_TIMEOUT, MAX_POOL_SIZE,
};
pub use schema::{MIGRATION_0001, MIGRATION_0002, SCHEMA_VERSION};

use airisk_auth::clock::MAX_NUMERIC_DATE;
use airisk_auth::code::CodeId;
use airisk_auth::refresh::{RefreshDigest, RefreshRecord, RefreshUse};
use airisk_auth::store::{Grant, Issued, Redemption, Store};
use airisk_auth::{Error, Result};
use core::fmt;
use pool::Pool;

/// A redemption ledger, revocation list and grant "not before" table on
/// PostgreSQL, shared by every process that points at it. See the crate docs.
///
/// Thread-safe; build once and share through an `Arc`.
pub struct PostgresStore {
    pub(crate) pool: Pool,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("config", self.pool.config())
            .field("open_connections", &self.pool.open_connections())
            .finish_non_exhaustive()
    }
}

/// A time as PostgreSQL's `bigint`: Unix times up to [`MAX_NUMERIC_DATE`] fit.
fn db_time(t: u64) -> i64 {
    i64::try_from(t.min(MAX_NUMERIC_DATE)).unwrap_or(i64::MAX)
}

impl PostgresStore {
    /// A store with the settings of `config`. Opens no connection.
    ///
    /// # Errors
    /// [`Error::InvalidConfiguration`] for a connection string that does not
    /// parse, a schema name that is not a plain lower-case identifier, a zero
    /// timeout or a pool size out of range.
    pub fn new(config: PostgresConfig) -> Result<Self> {
        Ok(PostgresStore {
            pool: Pool::new(config)?,
        })
    }

    /// The settings.
    #[must_use]
    pub fn config(&self) -> &PostgresConfig {
        self.pool.config()
    }

    /// Creates (or completes) the schema: idempotent, serialised across processes.
    ///
    /// # Errors
    /// [`Error::LedgerUnavailable`] when the server cannot be reached or refuses;
    /// [`Error::InvalidConfiguration`] when the database holds a newer schema version.
    pub fn migrate(&self) -> Result<()> {
        let mut client = self.pool.connect_unpooled()?;
        let sql = self.pool.sql();
        let unavailable = |_| Error::LedgerUnavailable;
        let mut tx = client.transaction().map_err(unavailable)?;
        // One migration at a time across every process of every deployment.
        tx.execute("SELECT pg_advisory_xact_lock(7431009921)", &[])
            .map_err(unavailable)?;
        tx.batch_execute(&sql.migration).map_err(unavailable)?;
        let version: Option<i32> = tx
            .query_one(&sql.version, &[])
            .and_then(|row| row.try_get(0))
            .map_err(unavailable)?;
        if version.is_some_and(|v| v > SCHEMA_VERSION) {
            return Err(Error::InvalidConfiguration);
        }
        tx.commit().map_err(unavailable)
    }

    /// Checks that the database answers and holds the tables: for readiness probes.
    ///
    /// # Errors
    /// [`Error::LedgerUnavailable`].
    pub fn ping(&self) -> Result<()> {
        self.pool
            .run(|con| con.client.simple_query("SELECT 1").map(drop))
    }

    /// The "not before" time of the grant of `client_id` to `userid` (`None`: the
    /// generic grant) at `now`, if the grant was revoked.
    ///
    /// # Errors
    /// [`Error::LedgerUnavailable`].
    pub fn grant_not_before(
        &self,
        client_id: &str,
        userid: Option<&str>,
        now: u64,
    ) -> Result<Option<u64>> {
        let userid = userid.unwrap_or("");
        let now = db_time(now);
        let row = self.pool.run(|con| {
            con.client
                .query_opt(&con.statements.grant, &[&client_id, &userid, &now])
        })?;
        match row {
            None => Ok(None),
            Some(row) => {
                let t: i64 = row.try_get(0).map_err(|_| Error::LedgerUnavailable)?;
                u64::try_from(t)
                    .map(Some)
                    .map_err(|_| Error::LedgerUnavailable)
            }
        }
    }

    /// Deletes at most `batch` dead rows (expired at `now`) from each table;
    /// returns how many it deleted in all. Call it again while the count is
    /// `batch` or more.
    ///
    /// # Errors
    /// [`Error::LedgerUnavailable`].
    pub fn delete_expired(&self, now: u64, batch: u32) -> Result<u64> {
        let (now, batch) = (db_time(now), i64::from(batch));
        let sql = self.pool.sql();
        self.pool.run(|con| {
            let mut deleted = 0;
            for statement in &sql.delete_expired {
                deleted += con.client.execute(statement.as_str(), &[&now, &batch])?;
            }
            Ok(deleted)
        })
    }

    /// The stored expiry of an entry that must live until `until`.
    pub(crate) fn expiry(&self, until: u64) -> i64 {
        db_time(until.saturating_add(self.config().extra_retention))
    }
}

impl Store for PostgresStore {
    fn redeem(&self, code: &CodeId, expires_at: u64, now: u64) -> Result<Redemption> {
        let id: &[u8] = &code.0;
        let (expires, now) = (self.expiry(expires_at), db_time(now));
        let row = self.pool.run(|con| {
            con.client
                .query_opt(&con.statements.redeem, &[&id, &expires, &now])
        })?;
        Ok(match row {
            Some(_) => Redemption::First,
            None => Redemption::Replayed,
        })
    }

    fn revoke(&self, jti: &str, until: u64, _now: u64) -> Result<()> {
        let expires = self.expiry(until);
        self.pool.run(|con| {
            con.client
                .execute(&con.statements.revoke, &[&jti, &expires])
                .map(drop)
        })
    }

    fn is_revoked(&self, jti: &str, now: u64) -> Result<bool> {
        let now = db_time(now);
        let row = self.pool.run(|con| {
            con.client
                .query_opt(&con.statements.is_revoked, &[&jti, &now])
        })?;
        Ok(row.is_some())
    }

    fn revoke_grant(
        &self,
        grant: &Grant<'_>,
        not_before: u64,
        until: u64,
        _now: u64,
    ) -> Result<()> {
        self.revoke_grant_impl(grant, not_before, until)
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

    #[test]
    fn settings_are_checked() {
        let ok = PostgresConfig::new("host=127.0.0.1 port=5432 user=u dbname=d");
        assert!(PostgresStore::new(ok.clone()).is_ok());
        assert!(PostgresStore::new(PostgresConfig::new("postgresql://u@127.0.0.1:5432/d")).is_ok());
        for bad in [
            PostgresConfig::new("postgresql://u@127.0.0.1:notaport/d"),
            ok.clone().with_schema(""),
            ok.clone().with_schema("Airisk"),
            ok.clone().with_schema("a-b"),
            ok.clone().with_schema("a;drop table x"),
            ok.clone().with_schema("1abc"),
            ok.clone().with_schema(&"a".repeat(64)),
            ok.clone().with_pool_size(0),
            ok.clone().with_pool_size(MAX_POOL_SIZE + 1),
            ok.clone()
                .with_timeouts(std::time::Duration::ZERO, std::time::Duration::from_secs(1)),
            ok.clone()
                .with_timeouts(std::time::Duration::from_secs(1), std::time::Duration::ZERO),
        ] {
            assert_eq!(
                PostgresStore::new(bad.clone()).err(),
                Some(Error::InvalidConfiguration),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn passwords_are_never_shown() {
        for url in [
            "postgresql://airisk:hunter2@127.0.0.1:5432/app",
            "host=127.0.0.1 user=airisk password=hunter2 dbname=app",
            "host=127.0.0.1 user=airisk password='hunter2 x' dbname=app",
        ] {
            let store = PostgresStore::new(PostgresConfig::new(url)).unwrap();
            let shown = format!("{store:?}");
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("127.0.0.1"), "{shown}");
        }
    }

    #[test]
    fn times_fit_a_bigint() {
        assert_eq!(db_time(0), 0);
        assert_eq!(db_time(u64::MAX), i64::try_from(MAX_NUMERIC_DATE).unwrap());
    }

    #[test]
    fn the_migration_names_the_configured_schema_only() {
        let sql = schema::Sql::for_schema("tenant_7");
        assert!(sql
            .migration
            .contains("CREATE SCHEMA IF NOT EXISTS tenant_7;"));
        assert!(sql.migration.contains("tenant_7.redeemed_codes"));
        assert!(!sql.migration.contains("airisk."), "{}", sql.migration);
    }
}
