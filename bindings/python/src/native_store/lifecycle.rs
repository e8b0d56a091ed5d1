//! The optional lifecycle methods of the `Store` protocol (grant revocation and
//! refresh tokens) on a native store, so the conformance suite drives the native
//! stores through the same calls as a Python store.
//!
//! Arguments come from Python callers, so each is checked before it reaches the
//! store: a digest is 64 lower-case hex digits, a record is a bounded JSON record
//! this crate wrote, and its `expires_at` must agree with the argument.

use super::hex_bytes;
use crate::errors::IntoPyResult;
use crate::store::redemption_members;
use airisk_auth::refresh::{RefreshDigest, RefreshRecord, RefreshUse};
use airisk_auth::store::{Grant, Issued, Store};
use airisk_auth::Error;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// A refresh digest given as its 64 lower-case hex digits.
fn digest(py: Python<'_>, hex: &str) -> PyResult<RefreshDigest> {
    hex_bytes::<32>(hex)
        .map(RefreshDigest)
        .ok_or(Error::InvalidArgument)
        .py(py)
}

/// The protocol's `revoke_grant`.
pub(super) fn revoke_grant(
    py: Python<'_>,
    store: &dyn Store,
    grant: (&str, Option<&str>),
    not_before: u64,
    until: u64,
    now: u64,
) -> PyResult<()> {
    let grant = Grant::new(grant.0, grant.1);
    py.detach(|| store.revoke_grant(&grant, not_before, until, now))
        .py(py)
}

/// The protocol's `is_grant_revoked`: whether something of the grant issued at
/// `issued_at` (`None`: unknown) is refused at `now`.
pub(super) fn is_grant_revoked(
    py: Python<'_>,
    store: &dyn Store,
    grant: (&str, Option<&str>),
    issued_at: Option<u64>,
    now: u64,
) -> PyResult<bool> {
    let issued = Issued::new(None, Some(Grant::new(grant.0, grant.1)), issued_at);
    py.detach(|| store.is_refused(&issued, now)).py(py)
}

/// The protocol's `refresh_insert`.
pub(super) fn refresh_insert(
    py: Python<'_>,
    store: &dyn Store,
    digest_hex: &str,
    record: &str,
    expires_at: u64,
    now: u64,
) -> PyResult<()> {
    let digest = digest(py, digest_hex)?;
    let record = RefreshRecord::from_json(record)
        .map_err(|_| Error::InvalidArgument)
        .py(py)?;
    if record.expires_at != expires_at {
        return Err(Error::InvalidArgument).py(py);
    }
    py.detach(|| store.refresh_insert(&digest, &record, now))
        .py(py)
}

/// The protocol's `refresh_use` (`consume`) or `refresh_peek`: `None`, or
/// `(Redemption, record)`.
pub(super) fn refresh_use(
    py: Python<'_>,
    store: &dyn Store,
    digest_hex: &str,
    now: u64,
    consume: bool,
) -> PyResult<Option<Py<PyTuple>>> {
    let digest = digest(py, digest_hex)?;
    let answer = py
        .detach(|| {
            if consume {
                store.refresh_use(&digest, now)
            } else {
                store.refresh_peek(&digest, now)
            }
        })
        .py(py)?;
    let (first, replayed) = redemption_members(py)?;
    let (member, record) = match answer {
        RefreshUse::Unknown => return Ok(None),
        RefreshUse::First(record) => (first, record),
        RefreshUse::Replayed(record) => (replayed, record),
        // A later kind of answer is not a proof of first use.
        _ => return Err(Error::LedgerUnavailable).py(py),
    };
    let json = record.to_json().py(py)?;
    Ok(Some(
        PyTuple::new(
            py,
            [
                member.clone_ref(py),
                json.into_pyobject(py)?.into_any().unbind(),
            ],
        )?
        .unbind(),
    ))
}
