//! Where and how to reach PostgreSQL: [`PostgresConfig`].

use airisk_auth::clock::MAX_NUMERIC_DATE;
use airisk_auth::{Error, Result};
use core::fmt;
use std::time::Duration;

/// The default schema holding the store's tables.
pub const DEFAULT_SCHEMA: &str = "airisk";
/// The default time allowed to open a connection, handshake included.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The default server-side limit on one statement (`statement_timeout`).
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_millis(500);
/// The default number of connections a store keeps open at most.
pub const DEFAULT_POOL_SIZE: usize = 8;
/// The most connections a pool may hold.
pub const MAX_POOL_SIZE: usize = 256;

/// Where and how to reach PostgreSQL. Build with [`PostgresConfig::new`], then adjust fields.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresConfig {
    /// A libpq-style connection string: `postgresql://user:password@host:port/db` or
    /// `host=/run/postgresql port=5432 user=… dbname=…` (a `host` starting with `/` is a
    /// Unix socket directory). TLS is not built in: use a Unix socket, loopback or a private
    /// network (or a local TLS tunnel).
    pub url: String,
    /// The schema of the store's tables (lower-case letters, digits and `_`, ≤ 63 bytes).
    pub schema: String,
    /// Time allowed to open a connection (non-zero).
    pub connect_timeout: Duration,
    /// The server-side limit on each statement (non-zero); also the TCP user timeout.
    pub statement_timeout: Duration,
    /// Connections kept open at most, each used by one caller at a time (1 ..= [`MAX_POOL_SIZE`]).
    pub pool_size: usize,
    /// Seconds to remember codes and revocations beyond their expiry: at least the
    /// largest clock difference between the replicas sharing the store. Default 0.
    pub extra_retention: u64,
}

impl PostgresConfig {
    /// The default settings for the server at `url`.
    #[must_use]
    pub fn new(url: &str) -> Self {
        PostgresConfig {
            url: url.to_owned(),
            schema: DEFAULT_SCHEMA.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            statement_timeout: DEFAULT_STATEMENT_TIMEOUT,
            pool_size: DEFAULT_POOL_SIZE,
            extra_retention: 0,
        }
    }

    /// Uses `schema` for the tables.
    #[must_use]
    pub fn with_schema(mut self, schema: &str) -> Self {
        schema.clone_into(&mut self.schema);
        self
    }

    /// Keeps at most `size` connections open.
    #[must_use]
    pub fn with_pool_size(mut self, size: usize) -> Self {
        self.pool_size = size;
        self
    }

    /// Uses `connect` for connecting and `statement` as each statement's limit.
    #[must_use]
    pub fn with_timeouts(mut self, connect: Duration, statement: Duration) -> Self {
        self.connect_timeout = connect;
        self.statement_timeout = statement;
        self
    }

    /// The driver's settings (parsed URL plus our timeouts).
    pub(crate) fn driver(&self) -> Result<postgres::Config> {
        let mut config: postgres::Config =
            self.url.parse().map_err(|_| Error::InvalidConfiguration)?;
        let millis = self.statement_timeout.as_millis();
        config
            .connect_timeout(self.connect_timeout)
            .tcp_user_timeout(self.statement_timeout)
            .options(&format!(
                "-c statement_timeout={millis} -c lock_timeout={millis}"
            ))
            .application_name("airisk-auth");
        Ok(config)
    }

    pub(crate) fn validate(&self) -> Result<()> {
        let schema_ok = !self.schema.is_empty()
            && self.schema.len() <= 63
            && !self.schema.starts_with(|c: char| c.is_ascii_digit())
            && self
                .schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !schema_ok
            || self.connect_timeout.is_zero()
            || self.statement_timeout.is_zero()
            || !(1..=MAX_POOL_SIZE).contains(&self.pool_size)
            || self.extra_retention > MAX_NUMERIC_DATE
        {
            return Err(Error::InvalidConfiguration);
        }
        self.driver().map(drop)
    }
}

impl fmt::Debug for PostgresConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresConfig")
            .field("url", &redact(&self.url))
            .field("schema", &self.schema)
            .field("connect_timeout", &self.connect_timeout)
            .field("statement_timeout", &self.statement_timeout)
            .field("pool_size", &self.pool_size)
            .field("extra_retention", &self.extra_retention)
            .finish()
    }
}

/// Where the connection string points, without its password: hosts, ports, user and
/// database as the driver parsed them.
pub(crate) fn redact(url: &str) -> String {
    let Ok(config) = url.parse::<postgres::Config>() else {
        return "<unparsable>".to_owned();
    };
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|host| match host {
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    format!(
        "hosts={hosts:?} ports={:?} user={:?} dbname={:?}",
        config.get_ports(),
        config.get_user(),
        config.get_dbname()
    )
}
