//! The settings of the Redis and PostgreSQL stores, and their construction with or
//! without the cargo features that link them.

#[cfg(not(all(feature = "redis", feature = "postgres")))]
use crate::errors::to_py_err_with;
#[cfg(any(feature = "redis", feature = "postgres"))]
use crate::errors::IntoPyResult;
use airisk_auth::Error;
use pyo3::prelude::*;
use std::path::PathBuf;

/// The arguments of `RedisStore(...)`.
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
pub(crate) struct RedisSettings<'a> {
    pub(crate) url: &'a str,
    pub(crate) cluster: bool,
    pub(crate) more_seeds: Vec<String>,
    /// The CA file, the client certificate and the client key.
    pub(crate) tls: [Option<PathBuf>; 3],
    /// The code prefix and the revoked prefix.
    pub(crate) prefixes: [&'a str; 2],
    /// Connect, I/O and `WAIT` timeouts, in seconds.
    pub(crate) timeouts: [f64; 3],
    pub(crate) pool_size: usize,
    /// `None`: the store's default (0 for one server, 1 in a cluster).
    pub(crate) wait_replicas: Option<u32>,
    pub(crate) extra_retention: u64,
}

/// The arguments of `PostgresStore(...)`.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) struct PostgresSettings<'a> {
    pub(crate) dsn: &'a str,
    pub(crate) schema: &'a str,
    /// Connect and statement timeouts, in seconds.
    pub(crate) timeouts: [f64; 2],
    pub(crate) pool_size: usize,
    pub(crate) extra_retention: u64,
}

/// Seconds given as a float, as a duration (positive, at most a day).
#[cfg(any(feature = "redis", feature = "postgres"))]
fn seconds(value: f64) -> Result<std::time::Duration, Error> {
    if value.is_finite() && value > 0.0 && value <= 86_400.0 {
        std::time::Duration::try_from_secs_f64(value).map_err(|_| Error::InvalidConfiguration)
    } else {
        Err(Error::InvalidConfiguration)
    }
}

/// `InvalidConfigurationError` for a store this build does not link.
#[cfg(not(all(feature = "redis", feature = "postgres")))]
fn not_built(py: Python<'_>, feature: &str) -> PyErr {
    to_py_err_with(
        py,
        Error::InvalidConfiguration,
        Some(format!(
            "this build of airisk_auth has no {feature} store (cargo feature `{feature}`: \
             MATURIN_PEP517_ARGS=\"--features {feature}\" pip install ./bindings/python)"
        )),
    )
}

#[cfg(feature = "redis")]
pub(crate) use airisk_auth_redis::RedisStore as StoreRedis;

/// The Redis store as the settings describe it.
#[cfg(feature = "redis")]
pub(crate) fn build_redis(py: Python<'_>, s: &RedisSettings<'_>) -> PyResult<StoreRedis> {
    use airisk_auth_redis::{RedisConfig, TlsFiles};
    let config = || -> Result<RedisConfig, Error> {
        let mut config = if s.cluster {
            let mut seeds = vec![s.url];
            seeds.extend(s.more_seeds.iter().map(String::as_str));
            RedisConfig::cluster(&seeds)
        } else {
            let mut config = RedisConfig::new(s.url);
            // A standalone server with seeds is refused by the store's own checks.
            config.more_seeds.clone_from(&s.more_seeds);
            config
        };
        let [ca, cert, key] = s.tls.clone();
        let mut tls = TlsFiles::default();
        tls.ca_file = ca;
        tls.client_cert_file = cert;
        tls.client_key_file = key;
        let [connect, io, wait] = s.timeouts;
        config = config
            .with_tls(tls)
            .with_prefixes(s.prefixes[0], s.prefixes[1])
            .with_timeouts(seconds(connect)?, seconds(io)?)
            .with_pool_size(s.pool_size);
        if let Some(replicas) = s.wait_replicas {
            config.wait_replicas = replicas;
        }
        config.wait_timeout = seconds(wait)?;
        config.extra_retention = s.extra_retention;
        Ok(config)
    };
    StoreRedis::new(config().py(py)?).py(py)
}

#[cfg(feature = "postgres")]
pub(crate) use airisk_auth_postgres::PostgresStore as StorePostgres;

/// The PostgreSQL store as the settings describe it, migrated when `migrate`.
#[cfg(feature = "postgres")]
pub(crate) fn build_postgres(
    py: Python<'_>,
    s: &PostgresSettings<'_>,
    migrate: bool,
) -> PyResult<StorePostgres> {
    use airisk_auth_postgres::PostgresConfig;
    let config = || -> Result<PostgresConfig, Error> {
        let [connect, statement] = s.timeouts;
        let mut config = PostgresConfig::new(s.dsn)
            .with_schema(s.schema)
            .with_timeouts(seconds(connect)?, seconds(statement)?)
            .with_pool_size(s.pool_size);
        config.extra_retention = s.extra_retention;
        Ok(config)
    };
    let store = StorePostgres::new(config().py(py)?).py(py)?;
    if migrate {
        py.detach(|| store.migrate()).py(py)?;
    }
    Ok(store)
}

/// Stands for a store this build does not link: it cannot be made, so none of
/// its methods can be reached.
#[derive(Debug)]
#[allow(dead_code)]
pub(crate) enum Unbuilt {}

#[allow(dead_code, clippy::unused_self)]
impl Unbuilt {
    pub(crate) fn ping(&self) -> airisk_auth::Result<()> {
        match *self {}
    }
    pub(crate) fn migrate(&self) -> airisk_auth::Result<()> {
        match *self {}
    }
    pub(crate) fn delete_expired(&self, _: u64, _: u32) -> airisk_auth::Result<u64> {
        match *self {}
    }
}

impl airisk_auth::store::Store for Unbuilt {
    fn redeem(
        &self,
        _: &airisk_auth::code::CodeId,
        _: u64,
        _: u64,
    ) -> airisk_auth::Result<airisk_auth::store::Redemption> {
        match *self {}
    }
    fn revoke(&self, _: &str, _: u64, _: u64) -> airisk_auth::Result<()> {
        match *self {}
    }
    fn is_revoked(&self, _: &str, _: u64) -> airisk_auth::Result<bool> {
        match *self {}
    }
}

#[cfg(not(feature = "redis"))]
pub(crate) use Unbuilt as StoreRedis;

#[cfg(not(feature = "redis"))]
pub(crate) fn build_redis(py: Python<'_>, _: &RedisSettings<'_>) -> PyResult<StoreRedis> {
    Err(not_built(py, "redis"))
}

#[cfg(not(feature = "postgres"))]
pub(crate) use Unbuilt as StorePostgres;

#[cfg(not(feature = "postgres"))]
pub(crate) fn build_postgres(
    py: Python<'_>,
    _: &PostgresSettings<'_>,
    _: bool,
) -> PyResult<StorePostgres> {
    Err(not_built(py, "postgres"))
}
