//! The native half of the `airisk_auth` Python package (`airisk_auth._native`).
//!
//! A thin layer: every class wraps one core type and every method calls one core
//! function, so Python gets the same bytes as Rust and C on the same inputs. What
//! lives here is only what Python needs on top:
//! - the one conversion from a core error to a Python exception,
//!   `errors::to_py_err`, raising the classes of `airisk_auth/errors.py` (generated
//!   from [`airisk_auth::Error::ALL`]: one `<Name>Error` per kind, in two families
//!   under `AuthError(ValueError)`), looked up once by `errors::error_classes`;
//! - the GIL policy: it is released around EdDSA verification, batches and the
//!   token exchange (each costs tens of microseconds), and kept around a single HS256
//!   verification and the authorize step, where releasing and re-taking it costs as
//!   much as the work (measured in `bindings/python/README.md`);
//! - `store::PyLedger`: any Python object implementing the `Store` protocol
//!   (`redeem`, `revoke`, `is_revoked`, and the optional lifecycle groups: grant
//!   revocation and refresh tokens) plugged into the core as its store, failing
//!   closed on anything but a well-typed answer; and the native stores
//!   (`native_store`: `MemoryStore`, `RedisStore`, `PostgresStore`).
//!
//! One file per Python class: `claims.rs` (`Claims`), `keyset.rs` (`KeySet`),
//! `policy.rs` (`Policy`), `verifier.rs` (`Verifier`), `registry.rs` (`Registry`),
//! `issuer.rs` (`Issuer`), `consent.rs` (`PendingAuthorization`), `response.rs` (`Response`), `bearer.rs` (`check_bearer`),
//! `store.rs` (Python store objects), `native_store/` (the native stores), `errors.rs` (raising the exception classes),
//! `request_text.rs` (request strings converted without raising on lone surrogates);
//! `bench.rs` (probes for the Python bench, behind the `bench` feature only).

#![allow(
    // pyo3 passes arguments by value and returns PyResult from every method.
    clippy::needless_pass_by_value,
    clippy::unnecessary_wraps
)]

mod bearer;
#[cfg(feature = "bench")]
mod bench;
mod claims;
mod consent;
mod errors;
mod issuer;
mod keyset;
mod native_store;
mod policy;
mod registry;
mod request_text;
mod response;
mod store;
mod verifier;

use crate::bearer::check_bearer;
use crate::claims::PyClaims;
use crate::consent::PyPendingAuthorization;
use crate::errors::{error_classes, error_kinds};
use crate::issuer::PyIssuer;
use crate::keyset::{dangerous_sign_jws, PyKeySet};
use crate::policy::PyPolicy;
use crate::registry::PyRegistry;
use crate::response::PyResponse;
use crate::verifier::PyVerifier;
use airisk_auth::{flow, token};
use pyo3::prelude::*;

// The Python signatures spell the core's defaults as literals (so `inspect` and the
// stubs show them); these fail the build if the core's defaults ever change.
const _: () = assert!(token::DEFAULT_LEEWAY == 30);
const _: () = assert!(token::DEFAULT_MAX_TOKEN_LEN == 8192);
const _: () = assert!(airisk_auth::code::DEFAULT_CODE_TTL == 60);
const _: () = assert!(flow::DEFAULT_TOKEN_TTL == 3600);

/// The native module; `airisk_auth/__init__.py` re-exports it.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The exception classes are looked up now, so a stale `errors.py` fails the import.
    error_classes(m.py())?;
    m.add_class::<PyClaims>()?;
    m.add_class::<PyKeySet>()?;
    m.add_class::<PyPolicy>()?;
    m.add_class::<PyVerifier>()?;
    m.add_class::<PyRegistry>()?;
    m.add_class::<PyResponse>()?;
    m.add_class::<PyIssuer>()?;
    m.add_class::<PyPendingAuthorization>()?;
    m.add_class::<native_store::PyMemoryStore>()?;
    m.add_class::<native_store::PyRedisStore>()?;
    m.add_class::<native_store::PyPostgresStore>()?;
    m.add_function(wrap_pyfunction!(check_bearer, m)?)?;
    m.add_function(wrap_pyfunction!(error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(dangerous_sign_jws, m)?)?;
    m.add("__version__", airisk_auth::VERSION)?;
    #[cfg(feature = "bench")]
    bench::add(m)?;
    Ok(())
}
