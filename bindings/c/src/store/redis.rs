//! `airisk_store_redis_new`: the Rust Redis store (`airisk-auth-redis`) as an `airisk_store`.

use super::airisk_store;
use crate::ffi::{self, boundary_detailed};
use crate::result::airisk_result;
use core::ffi::c_char;

/// `airisk_redis_options.wait_replicas`: the store's default, no `WAIT` for one
/// server and 1 replica in a cluster.
pub const AIRISK_REDIS_WAIT_DEFAULT: u32 = 0;
/// `airisk_redis_options.wait_replicas`: no `WAIT`, even in a cluster (a failover
/// may then lose a redemption: see the Rust crate's docs).
pub const AIRISK_REDIS_WAIT_NONE: u32 = u32::MAX;
/// The most further seed nodes `airisk_redis_options.more_seeds` may list.
pub const AIRISK_REDIS_MAX_SEEDS: usize = 64;

/// The settings of a Redis store beyond its URL: the fields of the Rust crate's
/// `RedisConfig`. Zero-initialise it (`airisk_redis_options options = {0};`) and
/// set what differs: every zero or NULL field means the default. Strings are
/// NUL-terminated UTF-8, read only during `airisk_store_redis_new()`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct airisk_redis_options {
    /// Non-zero: the servers form a Redis Cluster (`MOVED`/`ASK` followed, each
    /// write confirmed by 1 replica unless `wait_replicas` says otherwise).
    pub cluster: u32,
    /// Further seed nodes of a cluster (`redis://host:port` each), `more_seeds_len`
    /// of them (at most `AIRISK_REDIS_MAX_SEEDS`); NULL when there are none.
    pub more_seeds: *const *const c_char,
    /// The number of entries of `more_seeds`.
    pub more_seeds_len: usize,
    /// PEM CA certificate(s) the server's certificate must chain to (`rediss://`);
    /// NULL: the system's roots.
    pub ca_file: *const c_char,
    /// PEM client certificate chain for mutual TLS (with `client_key_file`), or NULL.
    pub client_cert_file: *const c_char,
    /// PEM client private key for mutual TLS (with `client_cert_file`), or NULL.
    pub client_key_file: *const c_char,
    /// Prefix of the keys of redeemed codes; NULL: `airisk:code:`.
    pub code_prefix: *const c_char,
    /// Prefix of the keys of revoked token ids; NULL: `airisk:revoked:`.
    pub revoked_prefix: *const c_char,
    /// Time allowed to open a connection, handshakes included (ms); 0: 1000.
    pub connect_timeout_ms: u32,
    /// Time allowed for one read or one write (ms); 0: 500.
    pub io_timeout_ms: u32,
    /// Connections kept open at most (1 to 1024); 0: 16.
    pub pool_size: u32,
    /// Replicas that must confirm each write (`WAIT`) before the store answers:
    /// `AIRISK_REDIS_WAIT_DEFAULT`, a number, or `AIRISK_REDIS_WAIT_NONE`.
    pub wait_replicas: u32,
    /// Time the replicas get to confirm (ms); 0: 250.
    pub wait_timeout_ms: u32,
    /// Seconds to remember codes and revocations beyond their expiry: at least the
    /// largest clock difference between the machines sharing the store; 0 by default.
    pub extra_retention: u64,
}

/// Makes a store on Redis: the Rust crate `airisk-auth-redis`, so C, Python and
/// Rust services share one implementation and the same keys. `url` (NUL-terminated)
/// is `redis://[[user]:password@]host[:port][/db]`, `rediss://…` (TLS) or
/// `redis+unix:///path`; in a cluster, the first seed. `options` may be NULL (every
/// default). Reads the TLS files now but opens no connection: connections are
/// opened on first use, so the store is made while Redis is down, and every call
/// fails closed (`AIRISK_LEDGER_UNAVAILABLE`, 503) until it is back.
///
/// On success writes the store to `*out`; free it with `airisk_store_free()`.
/// Errors: `AIRISK_INVALID_CONFIGURATION` (a URL that does not parse, `#insecure`,
/// an unreadable TLS file, a setting out of range, or a library built without the
/// `redis` feature), `AIRISK_INVALID_ARGUMENT` (NULL `url` or `out`, text that is
/// not UTF-8, too many seeds). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_store_redis_new(
    url: *const c_char,
    options: *const airisk_redis_options,
    out: *mut *mut airisk_store,
) -> airisk_result {
    boundary_detailed(|| {
        let out = ffi::out_ptr(out)?;
        let url = ffi::cstr(url)?;
        let options = if options.is_null() {
            None
        } else {
            Some(ffi::read(options)?)
        };
        let store = build(url, options)?;
        super::give_store(out, store);
        Ok(())
    })
}

#[cfg(feature = "redis")]
fn build(
    url: &str,
    options: Option<airisk_redis_options>,
) -> Result<std::sync::Arc<dyn airisk_core::store::Store>, airisk_core::Error> {
    use airisk_auth_redis::{
        RedisConfig, RedisStore, TlsFiles, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IO_TIMEOUT,
        DEFAULT_WAIT_TIMEOUT,
    };
    use airisk_core::Error;
    let Some(o) = options else {
        return Ok(std::sync::Arc::new(RedisStore::new(RedisConfig::new(url))?));
    };
    if o.more_seeds_len > AIRISK_REDIS_MAX_SEEDS {
        return Err(Error::InvalidArgument);
    }
    let mut seeds = vec![url];
    for &seed in ffi::slice(o.more_seeds, o.more_seeds_len)? {
        seeds.push(ffi::cstr(seed)?);
    }
    let mut config = if o.cluster != 0 {
        RedisConfig::cluster(&seeds)
    } else {
        let mut config = RedisConfig::new(url);
        // A standalone server with seeds is refused by the store's own checks.
        config.more_seeds = seeds[1..].iter().map(|s| (*s).to_owned()).collect();
        config
    };
    let mut tls = TlsFiles::default();
    if let Some(ca) = ffi::opt_cstr(o.ca_file)? {
        tls = tls.with_ca_file(ca);
    }
    tls.client_cert_file = ffi::opt_cstr(o.client_cert_file)?.map(Into::into);
    tls.client_key_file = ffi::opt_cstr(o.client_key_file)?.map(Into::into);
    config = config.with_tls(tls);
    if let Some(prefix) = ffi::opt_cstr(o.code_prefix)? {
        prefix.clone_into(&mut config.code_prefix);
    }
    if let Some(prefix) = ffi::opt_cstr(o.revoked_prefix)? {
        prefix.clone_into(&mut config.revoked_prefix);
    }
    config = config.with_timeouts(
        super::millis_or(o.connect_timeout_ms, DEFAULT_CONNECT_TIMEOUT),
        super::millis_or(o.io_timeout_ms, DEFAULT_IO_TIMEOUT),
    );
    if o.pool_size != 0 {
        config.pool_size = usize::try_from(o.pool_size).map_err(|_| Error::InvalidConfiguration)?;
    }
    match o.wait_replicas {
        AIRISK_REDIS_WAIT_DEFAULT => {}
        AIRISK_REDIS_WAIT_NONE => config.wait_replicas = 0,
        n => config.wait_replicas = n,
    }
    config.wait_timeout = super::millis_or(o.wait_timeout_ms, DEFAULT_WAIT_TIMEOUT);
    config.extra_retention = o.extra_retention;
    Ok(std::sync::Arc::new(RedisStore::new(config)?))
}

#[cfg(not(feature = "redis"))]
fn build(
    _url: &str,
    _options: Option<airisk_redis_options>,
) -> Result<std::sync::Arc<dyn airisk_core::store::Store>, crate::result::detail::Detailed> {
    Err(crate::result::detail::Detailed::new(
        airisk_core::Error::InvalidConfiguration,
        "this libairisk_auth was built without the `redis` feature \
         (FEATURES=redis scripts/install-c.sh, or cargo cinstall --features redis)",
    ))
}
