//! The native stores: `MemoryStore`, `RedisStore` and `PostgresStore`, the Rust
//! core's and the Rust crates' own, so that Python, C and Rust services share one
//! implementation (and the same keys and tables).
//!
//! Each also answers the `airisk_auth.Store` protocol (`redeem`, `revoke`,
//! `is_revoked`, and the lifecycle groups `revoke_grant`/`is_grant_revoked` and
//! `refresh_insert`/`refresh_use`/`refresh_peek`) itself, so the one conformance
//! suite runs against every store. (An issuer given a native store calls the Rust
//! store directly, not these methods.)
//! The calls block on the store (a round trip to Redis or PostgreSQL) with the GIL
//! released.
//!
//! # Decisions
//! - The Redis and PostgreSQL stores are behind the cargo features `redis` and
//!   `postgres`, which the published wheel and the test scripts enable. A build
//!   without one keeps the class (so code and type stubs do not depend on the
//!   build), whose constructor raises `InvalidConfigurationError` saying so.
//! - Durations are seconds as `float`, as in the standard library; each must be
//!   positive and at most a day.

mod lifecycle;
mod settings;

use crate::errors::IntoPyResult;
use crate::store::redemption_members;
use airisk_auth::code::CodeId;
use airisk_auth::store::{MemoryStore, Redemption, Store};
use airisk_auth::Error;
use pyo3::prelude::*;
use settings::{PostgresSettings, RedisSettings, StorePostgres, StoreRedis};
use std::sync::Arc;

/// The core store behind `object` when it is one of the native stores.
pub(crate) fn native(object: &Bound<'_, PyAny>) -> Option<Arc<dyn Store>> {
    if let Ok(store) = object.cast::<PyMemoryStore>() {
        let inner: Arc<dyn Store> = store.get().inner.clone();
        return Some(inner);
    }
    if let Ok(store) = object.cast::<PyRedisStore>() {
        let inner: Arc<dyn Store> = store.get().inner.clone();
        return Some(inner);
    }
    if let Ok(store) = object.cast::<PyPostgresStore>() {
        let inner: Arc<dyn Store> = store.get().inner.clone();
        return Some(inner);
    }
    None
}

/// `N` bytes given as their `2 * N` lower-case hex digits (as the protocol passes ids).
fn hex_bytes<const N: usize>(hex: &str) -> Option<[u8; N]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let digit = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        *byte = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

/// A code id given as its 32 lower-case hex digits (as the protocol passes it).
fn code_id(hex: &str) -> Option<CodeId> {
    hex_bytes::<16>(hex).map(CodeId)
}

/// The protocol's `redeem` on a core store: `Redemption.FIRST` or `.REPLAYED`.
fn redeem(
    py: Python<'_>,
    store: &dyn Store,
    code: &str,
    expires_at: u64,
    now: u64,
) -> PyResult<Py<PyAny>> {
    let id = code_id(code).ok_or(Error::InvalidArgument).py(py)?;
    let answer = py.detach(|| store.redeem(&id, expires_at, now)).py(py)?;
    let (first, replayed) = redemption_members(py)?;
    match answer {
        Redemption::First => Ok(first.clone_ref(py)),
        Redemption::Replayed => Ok(replayed.clone_ref(py)),
        // A later kind of answer is not a proof of first use.
        _ => Err(Error::LedgerUnavailable).py(py),
    }
}

/// The `#[pymethods]` block of a native store class: its own methods, then the
/// `Store` protocol's (one block per class, as pyo3 requires).
macro_rules! store_methods {
    ($class:ident { $($own:tt)* }) => {
        #[pymethods]
        impl $class {
            $($own)*

            /// Marks the code `code_id` (32 lower-case hex digits) redeemed until
            /// `expires_at`: `Redemption.FIRST` the first time, `REPLAYED` after.
            fn redeem(
                &self,
                py: Python<'_>,
                code_id: &str,
                expires_at: u64,
                now: u64,
            ) -> PyResult<Py<PyAny>> {
                redeem(py, &*self.inner, code_id, expires_at, now)
            }

            /// Revokes the token id `jti` until `until` (never shortening an earlier revocation).
            fn revoke(&self, py: Python<'_>, jti: &str, until: u64, now: u64) -> PyResult<()> {
                py.detach(|| self.inner.revoke(jti, until, now)).py(py)
            }

            /// Whether the token id `jti` is revoked at `now`.
            fn is_revoked(&self, py: Python<'_>, jti: &str, now: u64) -> PyResult<bool> {
                py.detach(|| self.inner.is_revoked(jti, now)).py(py)
            }

            /// Refuses everything of the grant (`client_id`, `userid`; `None`: generic)
            /// issued at or before `not_before`, remembered until `until`.
            #[pyo3(signature = (client_id, userid, not_before, until, now))]
            fn revoke_grant(
                &self,
                py: Python<'_>,
                client_id: &str,
                userid: Option<&str>,
                not_before: u64,
                until: u64,
                now: u64,
            ) -> PyResult<()> {
                lifecycle::revoke_grant(py, &*self.inner, (client_id, userid), not_before, until, now)
            }

            /// Whether something of the grant issued at `issued_at` (`None`: unknown)
            /// is refused at `now` because the grant was revoked.
            #[pyo3(signature = (client_id, userid, issued_at, now))]
            fn is_grant_revoked(
                &self,
                py: Python<'_>,
                client_id: &str,
                userid: Option<&str>,
                issued_at: Option<u64>,
                now: u64,
            ) -> PyResult<bool> {
                lifecycle::is_grant_revoked(py, &*self.inner, (client_id, userid), issued_at, now)
            }

            /// Stores a new, unused refresh token by its `digest` (64 hex digits) with
            /// its `record` (the core's JSON) until `expires_at`.
            fn refresh_insert(
                &self,
                py: Python<'_>,
                digest: &str,
                record: &str,
                expires_at: u64,
                now: u64,
            ) -> PyResult<()> {
                lifecycle::refresh_insert(py, &*self.inner, digest, record, expires_at, now)
            }

            /// Consumes a refresh token atomically: `(Redemption.FIRST, record)` for
            /// the first use, `(Redemption.REPLAYED, record)` after, `None` if unknown.
            fn refresh_use(
                &self,
                py: Python<'_>,
                digest: &str,
                now: u64,
            ) -> PyResult<Option<Py<pyo3::types::PyTuple>>> {
                lifecycle::refresh_use(py, &*self.inner, digest, now, true)
            }

            /// What `refresh_use` would answer, consuming nothing.
            fn refresh_peek(
                &self,
                py: Python<'_>,
                digest: &str,
                now: u64,
            ) -> PyResult<Option<Py<pyo3::types::PyTuple>>> {
                lifecycle::refresh_use(py, &*self.inner, digest, now, false)
            }
        }
    };
}

/// Single use and revocation in this process's memory: **one process only**.
#[pyclass(frozen, module = "airisk_auth", name = "MemoryStore")]
pub(crate) struct PyMemoryStore {
    inner: Arc<MemoryStore>,
    capacity: usize,
}

store_methods!(PyMemoryStore {
    /// At most `capacity` codes and `capacity` revoked token ids (full: 503, never forgetting).
    #[new]
    #[pyo3(signature = (capacity=1_000_000))]
    fn new(py: Python<'_>, capacity: usize) -> PyResult<Self> {
        if capacity == 0 {
            return Err(Error::InvalidConfiguration).py(py);
        }
        Ok(PyMemoryStore {
            inner: Arc::new(MemoryStore::new(capacity)),
            capacity,
        })
    }

    fn __repr__(&self) -> String {
        format!("MemoryStore(capacity={})", self.capacity)
    }
});

/// The Rust Redis store (`airisk-auth-redis`): the same keys as Rust and C services.
#[pyclass(frozen, module = "airisk_auth", name = "RedisStore")]
pub(crate) struct PyRedisStore {
    inner: Arc<StoreRedis>,
}

store_methods!(PyRedisStore {
    /// See the class docs in `_native.pyi`; no connection is opened here.
    #[new]
    #[pyo3(signature = (url, *, cluster=false, more_seeds=Vec::new(), ca_file=None,
        client_cert_file=None, client_key_file=None, code_prefix="airisk:code:",
        revoked_prefix="airisk:revoked:", connect_timeout=1.0, io_timeout=0.5, pool_size=16,
        wait_replicas=None, wait_timeout=0.25, extra_retention=0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        url: &str,
        cluster: bool,
        more_seeds: Vec<String>,
        ca_file: Option<std::path::PathBuf>,
        client_cert_file: Option<std::path::PathBuf>,
        client_key_file: Option<std::path::PathBuf>,
        code_prefix: &str,
        revoked_prefix: &str,
        connect_timeout: f64,
        io_timeout: f64,
        pool_size: usize,
        wait_replicas: Option<u32>,
        wait_timeout: f64,
        extra_retention: u64,
    ) -> PyResult<Self> {
        let settings = RedisSettings {
            url,
            cluster,
            more_seeds,
            tls: [ca_file, client_cert_file, client_key_file],
            prefixes: [code_prefix, revoked_prefix],
            timeouts: [connect_timeout, io_timeout, wait_timeout],
            pool_size,
            wait_replicas,
            extra_retention,
        };
        let inner = settings::build_redis(py, &settings)?;
        Ok(PyRedisStore {
            inner: Arc::new(inner),
        })
    }

    /// Checks that Redis answers (`PING`): for readiness probes. Raises
    /// `LedgerUnavailableError` when it does not.
    fn ping(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.inner.ping()).py(py)
    }

    fn __repr__(&self) -> String {
        // The store's Debug: its address and settings, never a password.
        format!("<{:?}>", self.inner)
    }
});

/// The Rust PostgreSQL store (`airisk-auth-postgres`): the same tables as Rust and C services.
#[pyclass(frozen, module = "airisk_auth", name = "PostgresStore")]
pub(crate) struct PyPostgresStore {
    inner: Arc<StorePostgres>,
}

store_methods!(PyPostgresStore {
    /// See the class docs in `_native.pyi`; no connection is opened here unless `migrate`.
    #[new]
    #[pyo3(signature = (dsn, *, schema="airisk", connect_timeout=1.0, statement_timeout=0.5,
        pool_size=8, extra_retention=0, migrate=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        dsn: &str,
        schema: &str,
        connect_timeout: f64,
        statement_timeout: f64,
        pool_size: usize,
        extra_retention: u64,
        migrate: bool,
    ) -> PyResult<Self> {
        let settings = PostgresSettings {
            dsn,
            schema,
            timeouts: [connect_timeout, statement_timeout],
            pool_size,
            extra_retention,
        };
        let inner = settings::build_postgres(py, &settings, migrate)?;
        Ok(PyPostgresStore {
            inner: Arc::new(inner),
        })
    }

    /// Creates (or completes) the store's schema: idempotent, serialised across processes.
    fn migrate(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.inner.migrate()).py(py)
    }

    /// Checks that the database answers and holds the tables: for readiness probes.
    fn ping(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.inner.ping()).py(py)
    }

    /// Deletes at most `batch` expired rows per table; returns how many were deleted.
    fn delete_expired(&self, py: Python<'_>, now: u64, batch: u32) -> PyResult<u64> {
        py.detach(|| self.inner.delete_expired(now, batch)).py(py)
    }

    fn __repr__(&self) -> String {
        // The store's Debug: hosts, ports, user, database, never a password.
        format!("<{:?}>", self.inner)
    }
});
