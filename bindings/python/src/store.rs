//! The `store=` of `Issuer` and `Verifier`: a native store (`MemoryStore`,
//! `RedisStore`, `PostgresStore`, see `native_store.rs`) used as it is, or any Python
//! object implementing the `airisk_auth.Store` protocol plugged into the core,
//! failing closed.

use airisk_auth::code::CodeId;
use airisk_auth::store::{Redemption, Store};
use airisk_auth::Error;
use core::fmt;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict};
use std::sync::Arc;

/// A Python object plugged into the core as its [`Store`] (it has
/// `redeem(code_id, expires_at, now) -> Redemption`, `revoke(jti, until, now) -> None`
/// and `is_revoked(jti, now) -> bool`), or, through the deprecated `ledger=` and
/// `revocations=`, as one half of it.
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
}

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
        for method in methods {
            if !object
                .getattr_opt(*method)?
                .is_some_and(|m| m.is_callable())
            {
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
        Ok(PyLedger {
            object: object.clone().unbind(),
            type_name: object.get_type().name()?.to_string(),
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
