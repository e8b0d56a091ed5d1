//! The `store=` of `Issuer` and `Verifier`: a native store (`MemoryStore`,
//! `RedisStore`, `PostgresStore`, see `native_store.rs`) used as it is, or any Python
//! object implementing the `airisk_auth.Store` protocol plugged into the core,
//! failing closed.

use airisk_auth::code::CodeId;
use airisk_auth::refresh::{RefreshDigest, RefreshRecord, RefreshUse};
use airisk_auth::store::{Grant, Issued, Redemption, Store};
use airisk_auth::Error;
use core::fmt;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyString, PyTuple};
use std::sync::Arc;

/// A Python object plugged into the core as its [`Store`] (it has
/// `redeem(code_id, expires_at, now) -> Redemption`, `revoke(jti, until, now) -> None`
/// and `is_revoked(jti, now) -> bool`), or, through the deprecated `ledger=` and
/// `revocations=`, as one half of it.
///
/// Two optional groups of methods (see `airisk_auth.ledger`) let it hold the
/// grant lifecycle: `revoke_grant` and `is_grant_revoked` (grant "not before"
/// times), and `refresh_insert`, `refresh_use` and `refresh_peek` (refresh
/// tokens, by digest). A group is all or nothing (half of one is a `TypeError`
/// when the store is given). Without the refresh group no refresh token is
/// issued or accepted (503); without the grant group `revoke_grant` fails
/// (nothing was revoked) and the bearer check answers from the `jti` alone, as
/// the core's default does for a store that never recorded a grant.
///
/// The core calls it with the GIL released (the exchange detaches), so every
/// call attaches again. It fails closed: an exception, a missing method, an
/// answer of the wrong type (`1` is not `True`), or an interpreter that cannot
/// be attached to (shutting down) is [`Error::LedgerUnavailable`], logged on the
/// `airisk_auth` logger, and never taken for a first redemption.
pub(crate) struct PyLedger {
    pub(crate) object: Py<PyAny>,
    /// For `Debug`, which has no GIL to ask the object itself.
    pub(crate) type_name: String,
    /// Whether it has the grant methods (`revoke_grant`, `is_grant_revoked`).
    grants: bool,
    /// Whether it has the refresh-token methods.
    refresh: bool,
}

/// The optional protocol methods for grant revocation.
const GRANT_METHODS: [&str; 2] = ["revoke_grant", "is_grant_revoked"];
/// The optional protocol methods for refresh tokens.
const REFRESH_METHODS: [&str; 3] = ["refresh_insert", "refresh_use", "refresh_peek"];

impl fmt::Debug for PyLedger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PyLedger({})", self.type_name)
    }
}

/// The `airisk_auth` logger, where failed ledger calls are reported.
pub(crate) static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

impl PyLedger {
    /// Wraps `object`, which must have every method of `methods` (a
    /// misconfiguration is a `TypeError` now, not a 503 on every request).
    pub(crate) fn new(object: &Bound<'_, PyAny>, role: &str, methods: &[&str]) -> PyResult<Self> {
        let has = |method: &str| -> PyResult<bool> {
            Ok(object.getattr_opt(method)?.is_some_and(|m| m.is_callable()))
        };
        for method in methods {
            if !has(method)? {
                return Err(PyTypeError::new_err(format!(
                    "{role} must be a native store or have a callable `{method}` method (see airisk_auth.{})",
                    match role {
                        "ledger" => "RedemptionLedger",
                        "revocations" => "RevocationList",
                        _ => "Store",
                    }
                )));
            }
        }
        // The optional groups count only for a whole store (the deprecated halves
        // never held the lifecycle).
        let group = |names: &[&str]| -> PyResult<bool> {
            if role != "store" {
                return Ok(false);
            }
            let present = names
                .iter()
                .map(|name| has(name))
                .collect::<PyResult<Vec<bool>>>()?;
            match (present.iter().all(|p| *p), present.iter().any(|p| *p)) {
                (true, _) => Ok(true),
                (false, false) => Ok(false),
                (false, true) => Err(PyTypeError::new_err(format!(
                    "store has only some of {}: give all of them or none (see airisk_auth.Store)",
                    names.join(", ")
                ))),
            }
        };
        Ok(PyLedger {
            object: object.clone().unbind(),
            type_name: object.get_type().name()?.to_string(),
            grants: group(&GRANT_METHODS)?,
            refresh: group(&REFRESH_METHODS)?,
        })
    }

    /// Calls `method(*args)` with the GIL; `accept` turns the answer into the
    /// result, or refuses it (`None`) with the type the answer should have had.
    fn call<A, T>(
        &self,
        method: &str,
        args: A,
        expected: &str,
        accept: impl FnOnce(&Bound<'_, PyAny>) -> Option<T>,
    ) -> Result<T, Error>
    where
        A: for<'py> pyo3::call::PyCallArgs<'py>,
    {
        Python::try_attach(|py| match self.object.bind(py).call_method1(method, args) {
            Ok(answer) => accept(&answer).ok_or_else(|| {
                let got = answer
                    .get_type()
                    .name()
                    .map_or_else(|_| "?".to_owned(), |n| n.to_string());
                self.log(py, &format!("returned {got}, not {expected}"), None);
                Error::LedgerUnavailable
            }),
            Err(e) => {
                self.log(py, "raised", Some(e));
                Err(Error::LedgerUnavailable)
            }
        })
        .unwrap_or(Err(Error::LedgerUnavailable))
    }

    /// Reports a failed call on the `airisk_auth` logger (the exchange or
    /// verification refuses; this says why). A failure to log is ignored.
    fn log(&self, py: Python<'_>, what: &str, error: Option<PyErr>) {
        let logger = LOGGER.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            Ok(py
                .import("logging")?
                .call_method1("getLogger", ("airisk_auth",))?
                .unbind())
        });
        let Ok(logger) = logger else { return };
        let message = format!("{}: {what}; refused (LedgerUnavailable)", self.type_name);
        let kwargs = PyDict::new(py);
        if let Some(error) = error {
            let _ = kwargs.set_item("exc_info", error.into_value(py));
        }
        let _ = logger
            .bind(py)
            .call_method("warning", ("%s", message), Some(&kwargs));
    }
}

/// An answer that is exactly `True` or `False` (no truthiness: `1`, `"OK"` or
/// `None` is a broken ledger, not a verdict).
pub(crate) fn strict_bool(answer: &Bound<'_, PyAny>) -> Option<bool> {
    answer.cast::<PyBool>().ok().map(PyBoolMethods::is_true)
}

/// `airisk_auth.ledger.Redemption.FIRST` and `.REPLAYED`, looked up once.
static REDEMPTIONS: PyOnceLock<(Py<PyAny>, Py<PyAny>)> = PyOnceLock::new();

/// `Redemption.FIRST` and `Redemption.REPLAYED`.
pub(crate) fn redemption_members(py: Python<'_>) -> PyResult<&(Py<PyAny>, Py<PyAny>)> {
    REDEMPTIONS.get_or_try_init(py, || -> PyResult<_> {
        let class = py.import("airisk_auth.ledger")?.getattr("Redemption")?;
        Ok((
            class.getattr("FIRST")?.unbind(),
            class.getattr("REPLAYED")?.unbind(),
        ))
    })
}

/// The core's answer for exactly `Redemption.FIRST` or `Redemption.REPLAYED`
/// (compared by identity: enum members are singletons); `None` for anything
/// else, `True` included, so that a bool-answering ledger fails closed.
fn strict_redemption(answer: &Bound<'_, PyAny>) -> Option<Redemption> {
    let py = answer.py();
    let (first, replayed) = redemption_members(py).ok()?;
    if answer.is(first.bind(py)) {
        Some(Redemption::First)
    } else if answer.is(replayed.bind(py)) {
        Some(Redemption::Replayed)
    } else {
        None
    }
}

impl Store for PyLedger {
    fn redeem(&self, code: &CodeId, expires_at: u64, now: u64) -> Result<Redemption, Error> {
        self.call(
            "redeem",
            (code.to_string(), expires_at, now),
            "airisk_auth.Redemption",
            strict_redemption,
        )
    }

    fn revoke(&self, jti: &str, until: u64, now: u64) -> Result<(), Error> {
        self.call("revoke", (jti, until, now), "None", |answer| {
            answer.is_none().then_some(())
        })
    }

    fn is_revoked(&self, jti: &str, now: u64) -> Result<bool, Error> {
        self.call("is_revoked", (jti, now), "bool", strict_bool)
    }

    fn revoke_grant(
        &self,
        grant: &Grant<'_>,
        not_before: u64,
        until: u64,
        now: u64,
    ) -> Result<(), Error> {
        if !self.grants {
            return Err(Error::LedgerUnavailable);
        }
        self.call(
            "revoke_grant",
            (grant.client_id, grant.userid, not_before, until, now),
            "None",
            |answer| answer.is_none().then_some(()),
        )
    }

    fn is_refused(&self, issued: &Issued<'_>, now: u64) -> Result<bool, Error> {
        if let Some(jti) = issued.jti {
            if self.is_revoked(jti, now)? {
                return Ok(true);
            }
            if let Some(family) = airisk_auth::refresh::family_of(jti) {
                if self.is_revoked(family, now)? {
                    return Ok(true);
                }
            }
        }
        match issued.grant {
            Some(grant) if self.grants => self.call(
                "is_grant_revoked",
                (grant.client_id, grant.userid, issued.issued_at, now),
                "bool",
                strict_bool,
            ),
            _ => Ok(false),
        }
    }

    fn refresh_insert(
        &self,
        digest: &RefreshDigest,
        record: &RefreshRecord,
        now: u64,
    ) -> Result<(), Error> {
        if !self.refresh {
            return Err(Error::LedgerUnavailable);
        }
        let args = (digest.to_hex(), record.to_json()?, record.expires_at, now);
        self.call("refresh_insert", args, "None", |answer| {
            answer.is_none().then_some(())
        })
    }

    fn refresh_use(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse, Error> {
        self.refresh_call("refresh_use", digest, now)
    }

    fn refresh_peek(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse, Error> {
        self.refresh_call("refresh_peek", digest, now)
    }
}

impl PyLedger {
    /// `refresh_use` or `refresh_peek`, whose answers have the same type.
    fn refresh_call(
        &self,
        method: &str,
        digest: &RefreshDigest,
        now: u64,
    ) -> Result<RefreshUse, Error> {
        if !self.refresh {
            return Err(Error::LedgerUnavailable);
        }
        let answer = self.call(
            method,
            (digest.to_hex(), now),
            "(Redemption, str) or None",
            strict_refresh_answer,
        )?;
        match answer {
            None => Ok(RefreshUse::Unknown),
            // Bounded before decoding; anything this crate did not write is a
            // store answering nonsense: refused.
            Some((redemption, json)) => {
                let record = RefreshRecord::from_json(&json).inspect_err(|_| {
                    let _ = Python::try_attach(|py| {
                        self.log(
                            py,
                            &format!("{method} returned an unreadable refresh record"),
                            None,
                        );
                    });
                })?;
                match redemption {
                    Redemption::First => Ok(RefreshUse::First(record)),
                    Redemption::Replayed => Ok(RefreshUse::Replayed(record)),
                    _ => Err(Error::LedgerUnavailable),
                }
            }
        }
    }
}

/// A refresh answer: exactly `None` (no such live token) or a 2-tuple of a
/// `Redemption` member and the record's `str` (`Some(None)` is a broken store).
#[allow(clippy::option_option)] // outer: well-typed or not; inner: the store's answer
fn strict_refresh_answer(answer: &Bound<'_, PyAny>) -> Option<Option<(Redemption, String)>> {
    if answer.is_none() {
        return Some(None);
    }
    let pair = answer.cast::<PyTuple>().ok()?;
    if pair.len() != 2 {
        return None;
    }
    let redemption = strict_redemption(&pair.get_item(0).ok()?)?;
    let record = pair.get_item(1).ok()?;
    let record = record.cast::<PyString>().ok()?.to_cow().ok()?.into_owned();
    Some(Some((redemption, record)))
}

/// The core store for `store=`: a native store's own, or a Python object
/// implementing the `Store` protocol (checked now: a misconfiguration is a
/// `TypeError` here, not a 503 on every request).
pub(crate) fn store_from(store: &Bound<'_, PyAny>) -> PyResult<Arc<dyn Store>> {
    if let Some(native) = crate::native_store::native(store) {
        return Ok(native);
    }
    Ok(Arc::new(PyLedger::new(
        store,
        "store",
        &["redeem", "revoke", "is_revoked"],
    )?))
}

/// The store of an issuer given the deprecated `ledger=` / `revocations=` (each
/// half that is not given is kept in this process's memory), with a
/// `DeprecationWarning`.
pub(crate) fn deprecated_halves(
    py: Python<'_>,
    ledger: Option<&Bound<'_, PyAny>>,
    revocations: Option<&Bound<'_, PyAny>>,
) -> PyResult<Arc<dyn Store>> {
    PyErr::warn(
        py,
        &py.get_type::<pyo3::exceptions::PyDeprecationWarning>(),
        c"ledger= and revocations= are deprecated: pass one store= (an airisk_auth.Store)",
        2,
    )?;
    let half = |object: Option<&Bound<'_, PyAny>>, role: &str, methods: &[&str]| {
        object
            .map(|o| -> PyResult<Arc<dyn Store>> {
                match crate::native_store::native(o) {
                    Some(native) => Ok(native),
                    None => Ok(Arc::new(PyLedger::new(o, role, methods)?)),
                }
            })
            .transpose()
    };
    let ledger = half(ledger, "ledger", &["redeem"])?;
    let revocations = half(revocations, "revocations", &["revoke", "is_revoked"])?;
    let memory: Arc<dyn Store> = Arc::new(airisk_auth::store::MemoryStore::default());
    Ok(Arc::new(ComposedStore {
        redemptions: ledger.unwrap_or_else(|| memory.clone()),
        revocations: revocations.unwrap_or(memory),
    }))
}

/// The store of a verifier given the deprecated `revocations=` (an object with
/// `revoke` and `is_revoked`, or a native store), with a `DeprecationWarning`.
pub(crate) fn deprecated_revocations(
    py: Python<'_>,
    revocations: &Bound<'_, PyAny>,
) -> PyResult<Arc<dyn Store>> {
    PyErr::warn(
        py,
        &py.get_type::<pyo3::exceptions::PyDeprecationWarning>(),
        c"revocations= is deprecated: pass store= (an airisk_auth.Store)",
        2,
    )?;
    match crate::native_store::native(revocations) {
        Some(native) => Ok(native),
        None => Ok(Arc::new(PyLedger::new(
            revocations,
            "revocations",
            &["revoke", "is_revoked"],
        )?)),
    }
}

/// One [`Store`] made of two: redemptions kept by one, revocations by the other
/// (the deprecated `ledger=` and `revocations=` take them apart).
#[derive(Debug)]
pub(crate) struct ComposedStore {
    pub(crate) redemptions: Arc<dyn Store>,
    pub(crate) revocations: Arc<dyn Store>,
}

impl Store for ComposedStore {
    fn redeem(&self, code: &CodeId, expires_at: u64, now: u64) -> Result<Redemption, Error> {
        self.redemptions.redeem(code, expires_at, now)
    }

    fn revoke(&self, jti: &str, until: u64, now: u64) -> Result<(), Error> {
        self.revocations.revoke(jti, until, now)
    }

    fn is_revoked(&self, jti: &str, now: u64) -> Result<bool, Error> {
        self.revocations.is_revoked(jti, now)
    }
}
