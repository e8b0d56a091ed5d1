//! `airisk_store_postgres_new`: the Rust PostgreSQL store (`airisk-auth-postgres`) as an `airisk_store`.

use super::airisk_store;
use crate::ffi::{self, boundary_detailed};
use crate::result::airisk_result;
use core::ffi::c_char;

/// The settings of a PostgreSQL store beyond its connection string: the fields
/// of the Rust crate's `PostgresConfig`. Zero-initialise it
/// (`airisk_postgres_options options = {0};`) and set what differs: every zero
/// or NULL field means the default.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct airisk_postgres_options {
    /// The schema of the store's tables (lower-case letters, digits, `_`); NULL: `airisk`.
    pub schema: *const c_char,
    /// Time allowed to open a connection (ms); 0: 1000.
    pub connect_timeout_ms: u32,
    /// The server-side limit on each statement (ms); 0: 500.
    pub statement_timeout_ms: u32,
    /// Connections kept open at most (1 to 256); 0: 8.
    pub pool_size: u32,
    /// Non-zero: create (or complete) the schema now (`migrate`: idempotent,
    /// serialised across processes). Needs the server up.
    pub migrate: u32,
    /// Seconds to remember codes and revocations beyond their expiry: at least the
    /// largest clock difference between the machines sharing the store; 0 by default.
    pub extra_retention: u64,
}

/// Makes a store on PostgreSQL: the Rust crate `airisk-auth-postgres` (the
/// same tables as a Rust service uses). `dsn` (NUL-terminated) is a libpq-style
/// connection string (`postgresql://user:password@host:port/db` or
/// `host=/run/postgresql user=… dbname=…`). `options` may be NULL (every default).
/// Opens no connection unless `options->migrate` is set: every call fails closed
/// (`AIRISK_LEDGER_UNAVAILABLE`, 503) while the server is down or the schema is
/// missing. The store's calls block on a private runtime: from an async server,
/// call the issuer from a blocking thread.
///
/// On success writes the store to `*out`; free it with `airisk_store_free()`.
/// Errors: `AIRISK_INVALID_CONFIGURATION` (a string that does not parse, a bad
/// schema name, a setting out of range, a database with a newer schema, or a
/// library built without the `postgres` feature), `AIRISK_LEDGER_UNAVAILABLE`
/// (`migrate` could not reach the server), `AIRISK_INVALID_ARGUMENT` (NULL `dsn`
/// or `out`, text that is not UTF-8). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_store_postgres_new(
    dsn: *const c_char,
    options: *const airisk_postgres_options,
    out: *mut *mut airisk_store,
) -> airisk_result {
    boundary_detailed(|| {
        let out = ffi::out_ptr(out)?;
        let dsn = ffi::cstr(dsn)?;
        let options = if options.is_null() {
            None
        } else {
            Some(ffi::read(options)?)
        };
        let store = build(dsn, options)?;
        super::give_store(out, store);
        Ok(())
    })
}

#[cfg(feature = "postgres")]
fn build(
    dsn: &str,
    options: Option<airisk_postgres_options>,
) -> Result<std::sync::Arc<dyn airisk_core::store::Store>, airisk_core::Error> {
    use airisk_auth_postgres::{
        PostgresConfig, PostgresStore, DEFAULT_CONNECT_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT,
    };
    use airisk_core::Error;
    let mut config = PostgresConfig::new(dsn);
    let migrate = options.is_some_and(|o| o.migrate != 0);
    if let Some(o) = options {
        if let Some(schema) = ffi::opt_cstr(o.schema)? {
            config = config.with_schema(schema);
        }
        config = config.with_timeouts(
            super::millis_or(o.connect_timeout_ms, DEFAULT_CONNECT_TIMEOUT),
            super::millis_or(o.statement_timeout_ms, DEFAULT_STATEMENT_TIMEOUT),
        );
        if o.pool_size != 0 {
            config.pool_size =
                usize::try_from(o.pool_size).map_err(|_| Error::InvalidConfiguration)?;
        }
        config.extra_retention = o.extra_retention;
    }
    let store = PostgresStore::new(config)?;
    if migrate {
        store.migrate()?;
    }
    Ok(std::sync::Arc::new(store))
}

#[cfg(not(feature = "postgres"))]
fn build(
    _dsn: &str,
    _options: Option<airisk_postgres_options>,
) -> Result<std::sync::Arc<dyn airisk_core::store::Store>, crate::result::detail::Detailed> {
    Err(crate::result::detail::Detailed::new(
        airisk_core::Error::InvalidConfiguration,
        "this libairisk_auth was built without the `postgres` feature \
         (FEATURES=postgres scripts/install-c.sh, or cargo cinstall --features postgres)",
    ))
}
