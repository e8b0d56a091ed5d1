//! The native half of the `airisk_auth` Python package (`airisk_auth._native`).
//!
//! A thin layer: every class wraps one core type and every method calls one core
//! function, so Python gets the same bytes as Rust and C on the same inputs. What
//! lives here is only what Python needs on top:
//! - the exception classes, built in [`error_classes`] from [`Error::ALL`] (one
//!   `<Name>Error` per kind, all subclasses of `AuthError(ValueError)`), and the one
//!   conversion from a core error to a Python exception, [`to_py_err`];
//! - the GIL policy: it is released around EdDSA verification, batches and the
//!   token exchange (each costs tens of microseconds), and kept around a single HS256
//!   verification and the authorize step, where releasing and re-taking it costs as
//!   much as the work (measured in `bindings/python/README.md`);
//! - [`PyLedger`]: any Python object with a `redeem` method (or `revoke` and
//!   `is_revoked`) plugged into the core as its redemption ledger (or revocation
//!   list), failing closed on anything but a well-typed answer.

#![deny(missing_docs)]
#![warn(clippy::pedantic)]
#![allow(
    clippy::module_name_repetitions,
    clippy::must_use_candidate,
    clippy::doc_markdown,
    // pyo3 passes arguments by value and returns PyResult from every method.
    clippy::needless_pass_by_value,
    clippy::unnecessary_wraps
)]

use airisk_auth::code::{CodeId, CodeKey};
use airisk_auth::flow::{self, Access};
use airisk_auth::keys::{Algorithm, Key, KeySet as CoreKeySet};
use airisk_auth::ledger::{Redemption, RedemptionLedger, RevocationList};
use airisk_auth::registry::MemoryRegistry;
use airisk_auth::token::{self, Claims as CoreClaims};
use airisk_auth::Error;
use core::fmt;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyList, PyString, PyTuple, PyType};
use std::ffi::CString;
use std::path::PathBuf;
use std::sync::Arc;

// The Python signatures spell the core's defaults as literals (so `inspect` and the
// stubs show them); these fail the build if the core's defaults ever change.
const _: () = assert!(token::DEFAULT_LEEWAY == 30);
const _: () = assert!(token::DEFAULT_MAX_TOKEN_LEN == 8192);
const _: () = assert!(airisk_auth::code::DEFAULT_CODE_TTL == 60);
const _: () = assert!(flow::DEFAULT_TOKEN_TTL == 3600);

// ---------------------------------------------------------------- errors

/// The exception classes: the base, and one class per core error kind in `Error::ALL` order.
struct ErrorClasses {
    base: Py<PyType>,
    kinds: Vec<(Error, Py<PyType>)>,
}

static ERROR_CLASSES: PyOnceLock<ErrorClasses> = PyOnceLock::new();

/// Builds (once) the exception hierarchy from the core's list of error kinds, so a
/// kind added to the core gets its Python class without anyone writing it.
fn error_classes(py: Python<'_>) -> PyResult<&'static ErrorClasses> {
    ERROR_CLASSES.get_or_try_init(py, || {
        let value_error = py.get_type::<PyValueError>();
        let base = PyErr::new_type(
            py,
            c"airisk_auth.AuthError",
            Some(c"Base class of every airisk_auth error. `code` is the stable numeric kind (the C result code), `name` the core's name of the kind."),
            Some(&value_error),
            None,
        )?;
        let mut kinds = Vec::with_capacity(Error::ALL.len());
        for &kind in Error::ALL {
            let qualified = CString::new(format!("airisk_auth.{}Error", kind.name()))?;
            let doc = CString::new(format!("{} (code {}).", capitalised(&kind.to_string()), kind.code()))?;
            // No `dict` argument: pyo3 0.30's `new_type` releases it before CPython reads it.
            let class = PyErr::new_type(py, &qualified, Some(&doc), Some(base.bind(py)), None)?;
            class.bind(py).setattr("code", kind.code())?;
            class.bind(py).setattr("name", kind.name())?;
            kinds.push((kind, class));
        }
        // The base is never raised itself; its placeholders (code 0 is "no error" in C)
        // keep `except AuthError as e: e.code` well-typed.
        base.bind(py).setattr("code", 0)?;
        base.bind(py).setattr("name", "AuthError")?;
        Ok(ErrorClasses { base, kinds })
    })
}

fn capitalised(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The one conversion from a core error to a Python exception: an instance of the
/// kind's class, whose message is the core's (which never echoes a secret or a token).
fn to_py_err(py: Python<'_>, error: Error) -> PyErr {
    to_py_err_with(py, error, None)
}

/// [`to_py_err`], with a more precise message (e.g. a registry document's position).
fn to_py_err_with(py: Python<'_>, error: Error, detail: Option<String>) -> PyErr {
    let message = detail.unwrap_or_else(|| error.to_string());
    match error_classes(py) {
        Ok(classes) => match classes.kinds.iter().find(|(kind, _)| *kind == error) {
            Some((_, class)) => PyErr::from_type(class.bind(py).clone(), (message,)),
            None => PyErr::from_type(classes.base.bind(py).clone(), (message,)),
        },
        Err(e) => e,
    }
}

/// `result.py(py)?` converts a core error through [`to_py_err`].
trait IntoPyResult<T> {
    fn py(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py_err(py, e))
    }
}

/// Every core error kind as `(name, code, message)`, in numeric order (for tests and tools).
#[pyfunction]
fn error_kinds() -> Vec<(&'static str, u32, String)> {
    Error::ALL
        .iter()
        .map(|e| (e.name(), e.code(), e.to_string()))
        .collect()
}

// ---------------------------------------------------------------- claims

/// The verified claims of an access token (read-only).
#[pyclass(frozen, eq, module = "airisk_auth", name = "Claims")]
#[derive(PartialEq)]
struct PyClaims {
    inner: CoreClaims,
}

#[pymethods]
impl PyClaims {
    #[new]
    #[pyo3(signature = (iss, exp, *, sub=None, aud=Vec::new(), client_id=None, user_token=false, company_id=None, iat=None, nbf=None, jti=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        iss: String,
        exp: u64,
        sub: Option<String>,
        aud: Vec<String>,
        client_id: Option<String>,
        user_token: bool,
        company_id: Option<String>,
        iat: Option<u64>,
        nbf: Option<u64>,
        jti: Option<String>,
    ) -> Self {
        PyClaims {
            inner: CoreClaims {
                iss,
                sub,
                aud,
                client_id,
                user_token,
                company_id,
                iat,
                nbf,
                exp,
                jti,
            },
        }
    }

    /// Claims of a generic (application) token: `sub` is the client_id.
    #[staticmethod]
    fn generic(iss: &str, client_id: &str, iat: u64, ttl: u64, jti: &str) -> Self {
        PyClaims {
            inner: CoreClaims::generic(iss, client_id, iat, ttl, jti),
        }
    }

    /// Claims of a user-specific token: `sub` is the userid.
    #[staticmethod]
    fn user(iss: &str, client_id: &str, userid: &str, iat: u64, ttl: u64, jti: &str) -> Self {
        PyClaims {
            inner: CoreClaims::user(iss, client_id, userid, iat, ttl, jti),
        }
    }

    #[getter]
    fn iss(&self) -> &str {
        &self.inner.iss
    }
    #[getter]
    fn sub(&self) -> Option<&str> {
        self.inner.sub.as_deref()
    }
    #[getter]
    fn aud<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.aud)
    }
    #[getter]
    fn client_id(&self) -> Option<&str> {
        self.inner.client_id.as_deref()
    }
    #[getter]
    fn user_token(&self) -> bool {
        self.inner.user_token
    }
    #[getter]
    fn company_id(&self) -> Option<&str> {
        self.inner.company_id.as_deref()
    }
    #[getter]
    fn iat(&self) -> Option<u64> {
        self.inner.iat
    }
    #[getter]
    fn nbf(&self) -> Option<u64> {
        self.inner.nbf
    }
    #[getter]
    fn exp(&self) -> u64 {
        self.inner.exp
    }
    #[getter]
    fn jti(&self) -> Option<&str> {
        self.inner.jti.as_deref()
    }
    #[getter]
    fn userid(&self) -> Option<&str> {
        self.inner.userid()
    }

    /// Every claim in a dict, in the shape of the shared test vectors (`aud` a list).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = &self.inner;
        let d = PyDict::new(py);
        d.set_item("iss", &c.iss)?;
        d.set_item("sub", &c.sub)?;
        d.set_item("aud", PyList::new(py, &c.aud)?)?;
        d.set_item("client_id", &c.client_id)?;
        d.set_item("user_token", c.user_token)?;
        d.set_item("company_id", &c.company_id)?;
        d.set_item("iat", c.iat)?;
        d.set_item("nbf", c.nbf)?;
        d.set_item("exp", c.exp)?;
        d.set_item("jti", &c.jti)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let c = &self.inner;
        format!(
            "Claims(iss={:?}, sub={}, aud={:?}, client_id={}, user_token={}, company_id={}, iat={}, nbf={}, exp={}, jti={})",
            c.iss,
            repr_opt(c.sub.as_deref()),
            c.aud,
            repr_opt(c.client_id.as_deref()),
            repr_bool(c.user_token),
            repr_opt(c.company_id.as_deref()),
            repr_opt_int(c.iat),
            repr_opt_int(c.nbf),
            c.exp,
            repr_opt(c.jti.as_deref())
        )
    }
}

/// Python-style repr pieces: `None`, `True`/`False`, quoted strings.
fn repr_opt(value: Option<&str>) -> String {
    value.map_or_else(|| "None".to_owned(), |v| format!("{v:?}"))
}
fn repr_opt_int(value: Option<u64>) -> String {
    value.map_or_else(|| "None".to_owned(), |v| v.to_string())
}
fn repr_bool(value: bool) -> &'static str {
    if value {
        "True"
    } else {
        "False"
    }
}

fn claims_object(py: Python<'_>, claims: CoreClaims) -> PyResult<Py<PyClaims>> {
    Py::new(py, PyClaims { inner: claims })
}

// ---------------------------------------------------------------- keys

/// Signing and verification keys, with at most one active signing key.
#[pyclass(frozen, module = "airisk_auth", name = "KeySet")]
struct PyKeySet {
    inner: Arc<CoreKeySet>,
}

#[pymethods]
impl PyKeySet {
    /// A key set from its JSON document (a JWKS whose keys may hold private members,
    /// with an optional `active_kid`).
    #[staticmethod]
    fn from_json(py: Python<'_>, json: PyBackedStr) -> PyResult<Self> {
        let inner = CoreKeySet::from_json(&json).py(py)?;
        Ok(PyKeySet {
            inner: Arc::new(inner),
        })
    }

    /// A one-key set from a raw HS256 secret (at least 32 bytes).
    #[staticmethod]
    #[pyo3(signature = (secret, kid=None))]
    fn from_hs256_secret(py: Python<'_>, secret: &[u8], kid: Option<&str>) -> PyResult<Self> {
        let key = Key::hs256(kid, secret).py(py)?;
        single(py, key)
    }

    /// A one-key set with a new random HS256 secret, active.
    #[staticmethod]
    fn generate_hs256(py: Python<'_>, kid: &str) -> PyResult<Self> {
        let key = Key::generate_hs256(kid).py(py)?;
        single(py, key)
    }

    /// A one-key set with a new random Ed25519 key pair, active.
    #[staticmethod]
    fn generate_ed25519(py: Python<'_>, kid: &str) -> PyResult<Self> {
        let key = Key::generate_ed25519(kid).py(py)?;
        single(py, key)
    }

    /// The public keys as a JWKS document (JSON text); HS256 keys are never listed.
    fn to_jwks(&self) -> String {
        self.inner.to_jwks().to_string()
    }

    /// The whole set as JSON text (the form `from_json` reads); secrets only when asked.
    #[pyo3(signature = (include_private=false))]
    fn to_json(&self, include_private: bool) -> String {
        self.inner.to_json(include_private).to_string()
    }

    /// Signs `claims` with the active key into a compact JWS.
    fn mint(&self, py: Python<'_>, claims: &PyClaims) -> PyResult<String> {
        self.inner.mint(&claims.inner).py(py)
    }

    /// Signs an arbitrary JWS with the active key: `header_json` and `payload` are
    /// encoded as given. For interoperability tests and RFC examples; services use `mint`.
    fn sign_jws(
        &self,
        py: Python<'_>,
        header_json: PyBackedStr,
        payload: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let payload = body_bytes(payload)?;
        let key = self.inner.active().py(py)?;
        token::sign_jws(key, header_json.as_bytes(), &payload).py(py)
    }

    /// The key ids, in insertion order (`None` for a key without one).
    fn kids(&self) -> Vec<Option<String>> {
        self.inner
            .keys()
            .map(|k| k.kid().map(str::to_owned))
            .collect()
    }

    /// The kid of the active signing key, if there is one and it has a kid.
    #[getter]
    fn active_kid(&self) -> Option<String> {
        self.inner
            .active()
            .ok()
            .and_then(Key::kid)
            .map(str::to_owned)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        key_set_repr(&self.inner)
    }
}

fn single(py: Python<'_>, key: Key) -> PyResult<PyKeySet> {
    let set = CoreKeySet::single(key).py(py)?;
    Ok(PyKeySet {
        inner: Arc::new(set),
    })
}

/// Kids and algorithms only: never key material.
fn key_set_repr(set: &CoreKeySet) -> String {
    let keys: Vec<String> = set
        .keys()
        .map(|k| {
            format!(
                "({:?}, {:?})",
                k.kid().unwrap_or(""),
                k.algorithm().as_str()
            )
        })
        .collect();
    let active = repr_opt(set.active().ok().and_then(Key::kid));
    format!("KeySet(keys=[{}], active={active})", keys.join(", "))
}

// ---------------------------------------------------------------- policy and verifier

/// What a verifier accepts (strict by default).
#[pyclass(frozen, module = "airisk_auth", name = "Policy")]
struct PyPolicy {
    inner: token::Policy,
}

#[pymethods]
impl PyPolicy {
    #[new]
    #[pyo3(signature = (issuer, *, audience=None, leeway=30, max_token_len=8192, require_user=false, require_access_token_claims=true))]
    fn new(
        py: Python<'_>,
        issuer: &str,
        audience: Option<&str>,
        leeway: u64,
        max_token_len: usize,
        require_user: bool,
        require_access_token_claims: bool,
    ) -> PyResult<Self> {
        let mut policy = token::Policy::new(issuer)
            .with_leeway(leeway)
            .py(py)?
            .with_max_token_len(max_token_len)
            .py(py)?
            .require_user(require_user)
            .require_access_token_claims(require_access_token_claims);
        if let Some(audience) = audience {
            policy = policy.with_audience(audience);
        }
        Ok(PyPolicy { inner: policy })
    }

    #[getter]
    fn issuer(&self) -> &str {
        self.inner.issuer()
    }
    #[getter]
    fn audience(&self) -> Option<&str> {
        self.inner.audience()
    }
    #[getter]
    fn leeway(&self) -> u64 {
        self.inner.leeway()
    }
    #[getter]
    fn max_token_len(&self) -> usize {
        self.inner.max_token_len()
    }
    #[getter]
    fn require_user(&self) -> bool {
        self.inner.requires_user()
    }
    #[getter]
    fn require_access_token_claims(&self) -> bool {
        self.inner.requires_access_token_claims()
    }

    fn __repr__(&self) -> String {
        format!(
            "Policy(issuer={:?}, audience={}, leeway={}, max_token_len={}, require_user={}, require_access_token_claims={})",
            self.inner.issuer(),
            repr_opt(self.inner.audience()),
            self.inner.leeway(),
            self.inner.max_token_len(),
            repr_bool(self.inner.requires_user()),
            repr_bool(self.inner.requires_access_token_claims()),
        )
    }
}

/// Verifies tokens against a key set and a policy. Thread-safe; build once.
#[pyclass(frozen, module = "airisk_auth", name = "Verifier")]
struct PyVerifier {
    inner: token::Verifier,
    /// Whether one verification is worth releasing the GIL for (an EdDSA key is in the set).
    release_gil: bool,
}

impl PyVerifier {
    fn from_core(inner: token::Verifier) -> Self {
        let release_gil = inner
            .keys()
            .keys()
            .any(|k| k.algorithm() == Algorithm::EdDsa);
        PyVerifier { inner, release_gil }
    }

    fn verify_one(&self, py: Python<'_>, token: &str, now: u64) -> PyResult<Py<PyClaims>> {
        let result = if self.release_gil {
            py.detach(|| self.inner.verify_at(token, now))
        } else {
            self.inner.verify_at(token, now)
        };
        claims_object(py, result.py(py)?)
    }
}

#[pymethods]
impl PyVerifier {
    /// `revocations` (an object with `revoke` and `is_revoked`, e.g. the
    /// `RedisLedger` the issuer uses): tokens whose `jti` it lists are refused.
    #[new]
    #[pyo3(signature = (keys, policy, *, revocations=None))]
    fn new(
        keys: &PyKeySet,
        policy: &PyPolicy,
        revocations: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut inner = token::Verifier::new(keys.inner.clone(), policy.inner.clone());
        if let Some(revocations) = revocations {
            let list = PyLedger::new(revocations, "revocations", &["revoke", "is_revoked"])?;
            inner = inner.with_revocations(Arc::new(list));
        }
        Ok(Self::from_core(inner))
    }

    /// Verifies `token` now (system clock): the claims, or an `AuthError` subclass.
    fn verify(&self, py: Python<'_>, token: PyBackedStr) -> PyResult<Py<PyClaims>> {
        self.verify_one(py, &token, self.inner.now())
    }

    /// Verifies `token` at `now` (Unix seconds).
    fn verify_at(&self, py: Python<'_>, token: PyBackedStr, now: u64) -> PyResult<Py<PyClaims>> {
        self.verify_one(py, &token, now)
    }

    /// Verifies many tokens with the GIL released: for each, its `Claims` or the
    /// `AuthError` instance it failed with (returned, not raised).
    #[pyo3(signature = (tokens, now=None))]
    fn verify_many<'py>(
        &self,
        py: Python<'py>,
        tokens: Vec<PyBackedStr>,
        now: Option<u64>,
    ) -> PyResult<Bound<'py, PyList>> {
        let now = now.unwrap_or_else(|| self.inner.now());
        let results: Vec<Result<CoreClaims, Error>> = py.detach(|| {
            tokens
                .iter()
                .map(|t| self.inner.verify_at(t, now))
                .collect()
        });
        let out = PyList::empty(py);
        for result in results {
            match result {
                Ok(claims) => out.append(claims_object(py, claims)?)?,
                Err(e) => out.append(to_py_err(py, e).into_value(py))?,
            }
        }
        Ok(out)
    }

    /// The policy's expected issuer.
    #[getter]
    fn issuer(&self) -> &str {
        self.inner.policy().issuer()
    }

    fn __repr__(&self) -> String {
        format!(
            "Verifier(keys={}, issuer={:?}, audience={})",
            key_set_repr(self.inner.keys()),
            self.inner.policy().issuer(),
            repr_opt(self.inner.policy().audience())
        )
    }
}

// ---------------------------------------------------------------- registry

/// Clients (APIUser) and users (ApplicationUser), loaded from the registry JSON document.
#[pyclass(frozen, module = "airisk_auth", name = "Registry")]
struct PyRegistry {
    inner: Arc<MemoryRegistry>,
}

#[pymethods]
impl PyRegistry {
    /// Loads a registry document; a bad one raises `InvalidRegistryError` saying where.
    #[staticmethod]
    fn from_json(py: Python<'_>, json: PyBackedStr) -> PyResult<Self> {
        match MemoryRegistry::from_json(&json) {
            Ok(r) => Ok(PyRegistry { inner: Arc::new(r) }),
            Err(e) => {
                let detail = if e.line == 0 {
                    format!("the registry is invalid: {}", e.message)
                } else {
                    format!(
                        "the registry is invalid at line {} column {}: {}",
                        e.line, e.column, e.message
                    )
                };
                Err(to_py_err_with(py, Error::InvalidRegistry, Some(detail)))
            }
        }
    }

    /// Loads a registry document from a UTF-8 file.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let text = std::fs::read_to_string(&path)?;
        let text = PyString::new(py, &text);
        Self::from_json(py, text.extract()?)
    }

    /// The number of clients.
    #[getter]
    fn client_count(&self) -> usize {
        self.inner.counts().0
    }

    /// The number of users.
    #[getter]
    fn user_count(&self) -> usize {
        self.inner.counts().1
    }

    fn __repr__(&self) -> String {
        let (clients, users) = self.inner.counts();
        format!("Registry(clients={clients}, users={users})")
    }
}

// ---------------------------------------------------------------- ledgers

/// A Python object plugged into the core as its [`RedemptionLedger`] (it has
/// `redeem(code_id, expires_at, now) -> bool`) or [`RevocationList`] (it has
/// `revoke(jti, until, now) -> None` and `is_revoked(jti, now) -> bool`).
///
/// The core calls it with the GIL released (the exchange detaches), so every
/// call attaches again. It fails closed: an exception, a missing method, an
/// answer of the wrong type (`1` is not `True`), or an interpreter that cannot
/// be attached to (shutting down) is [`Error::LedgerUnavailable`], logged on the
/// `airisk_auth` logger, and never taken for a first redemption.
struct PyLedger {
    object: Py<PyAny>,
    /// For `Debug`, which has no GIL to ask the object itself.
    type_name: String,
}

impl fmt::Debug for PyLedger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PyLedger({})", self.type_name)
    }
}

/// The `airisk_auth` logger, where failed ledger calls are reported.
static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

impl PyLedger {
    /// Wraps `object`, which must have every method of `methods` (a
    /// misconfiguration is a `TypeError` now, not a 503 on every request).
    fn new(object: &Bound<'_, PyAny>, role: &str, methods: &[&str]) -> PyResult<Self> {
        for method in methods {
            if !object
                .getattr_opt(*method)?
                .is_some_and(|m| m.is_callable())
            {
                return Err(PyTypeError::new_err(format!(
                    "{role} must have a callable `{method}` method (see airisk_auth.{})",
                    if role == "ledger" {
                        "RedemptionLedger"
                    } else {
                        "RevocationList"
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
fn strict_bool(answer: &Bound<'_, PyAny>) -> Option<bool> {
    answer.cast::<PyBool>().ok().map(PyBoolMethods::is_true)
}

impl RedemptionLedger for PyLedger {
    fn redeem(&self, code: &CodeId, expires_at: u64, now: u64) -> Result<Redemption, Error> {
        let first = self.call(
            "redeem",
            (code.to_string(), expires_at, now),
            "bool",
            strict_bool,
        )?;
        Ok(if first {
            Redemption::First
        } else {
            Redemption::Replayed
        })
    }
}

impl RevocationList for PyLedger {
    fn revoke(&self, jti: &str, until: u64, now: u64) -> Result<(), Error> {
        self.call("revoke", (jti, until, now), "None", |answer| {
            answer.is_none().then_some(())
        })
    }

    fn is_revoked(&self, jti: &str, now: u64) -> Result<bool, Error> {
        self.call("is_revoked", (jti, now), "bool", strict_bool)
    }
}

// ---------------------------------------------------------------- flows

/// A complete HTTP answer: send `status`, `headers` and `body` as they are.
#[pyclass(frozen, module = "airisk_auth", name = "Response")]
struct PyResponse {
    inner: flow::Response,
}

#[pymethods]
impl PyResponse {
    #[getter]
    fn status(&self) -> u16 {
        self.inner.status
    }
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, &self.inner.headers)
    }
    #[getter]
    fn body(&self) -> &str {
        &self.inner.body
    }
    /// For a failure, the core's name of the precise reason (for logs; never sent).
    #[getter]
    fn reason(&self) -> Option<&'static str> {
        self.inner.reason.map(Error::name)
    }
    /// For a failure, the numeric kind of the reason.
    #[getter]
    fn reason_code(&self) -> Option<u32> {
        self.inner.reason.map(Error::code)
    }
    /// The `Content-Type` header, if any.
    #[getter]
    fn content_type(&self) -> Option<&str> {
        self.inner.content_type()
    }
    /// The first header called `name` (case-insensitive).
    fn header(&self, name: &str) -> Option<&str> {
        self.inner.header(name)
    }
    fn __repr__(&self) -> String {
        format!(
            "Response(status={}, reason={})",
            self.inner.status,
            repr_opt(self.inner.reason.map(Error::name))
        )
    }
}

fn response_object(py: Python<'_>, inner: flow::Response) -> PyResult<Py<PyResponse>> {
    Py::new(py, PyResponse { inner })
}

/// A request body given as `bytes` or `str`.
fn body_bytes(body: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = body.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    let text: PyBackedStr = body.extract()?;
    Ok(text.as_bytes().to_vec())
}

/// The authorization server: `GET /api/oauth2` and `POST /api/oauth2/Token`.
#[pyclass(frozen, module = "airisk_auth", name = "Issuer")]
struct PyIssuer {
    inner: flow::Issuer,
}

#[pymethods]
impl PyIssuer {
    #[new]
    /// `ledger` (an object with `redeem`) and `revocations` (with `revoke` and
    /// `is_revoked`) replace the in-memory ledger, each on its own: pass a shared
    /// store (e.g. `RedisLedger`) as both for single use across processes.
    #[pyo3(signature = (keys, registry, *, issuer, audience=None, code_ttl=60, token_ttl=3600, code_key=None, ledger=None, revocations=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        keys: &PyKeySet,
        registry: &PyRegistry,
        issuer: &str,
        audience: Option<String>,
        code_ttl: u64,
        token_ttl: u64,
        code_key: Option<&[u8]>,
        ledger: Option<&Bound<'_, PyAny>>,
        revocations: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let ledger = ledger
            .map(|l| PyLedger::new(l, "ledger", &["redeem"]))
            .transpose()?;
        let revocations = revocations
            .map(|r| PyLedger::new(r, "revocations", &["revoke", "is_revoked"]))
            .transpose()?;
        let code_key = match code_key {
            Some(secret) => CodeKey::from_bytes(secret),
            None => CodeKey::generate(),
        }
        .py(py)?;
        let mut config = flow::IssuerConfig::new(issuer);
        config.audience = audience;
        config.code_ttl = code_ttl;
        config.token_ttl = token_ttl;
        let mut inner =
            flow::Issuer::new(config, keys.inner.clone(), code_key, registry.inner.clone())
                .py(py)?;
        if let Some(ledger) = ledger {
            inner = inner.with_ledger(Arc::new(ledger));
        }
        if let Some(revocations) = revocations {
            inner = inner.with_revocations(Arc::new(revocations));
        }
        Ok(PyIssuer { inner })
    }

    /// `GET /api/oauth2` now: `query` is the raw query string, without `?`.
    fn authorize(&self, py: Python<'_>, query: PyBackedStr) -> PyResult<Py<PyResponse>> {
        response_object(py, self.inner.authorize(&query))
    }

    /// `GET /api/oauth2` at `now` (Unix seconds).
    fn authorize_at(
        &self,
        py: Python<'_>,
        query: PyBackedStr,
        now: u64,
    ) -> PyResult<Py<PyResponse>> {
        response_object(py, self.inner.authorize_at(&query, now))
    }

    /// `POST /api/oauth2/Token` now: the `Content-Type` header (or None) and the raw body.
    fn exchange(
        &self,
        py: Python<'_>,
        content_type: Option<PyBackedStr>,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyResponse>> {
        let body = body_bytes(body)?;
        let answer = py.detach(|| self.inner.exchange(content_type.as_deref(), &body));
        response_object(py, answer)
    }

    /// `POST /api/oauth2/Token` at `now` (Unix seconds).
    fn exchange_at(
        &self,
        py: Python<'_>,
        content_type: Option<PyBackedStr>,
        body: &Bound<'_, PyAny>,
        now: u64,
    ) -> PyResult<Py<PyResponse>> {
        let body = body_bytes(body)?;
        let answer = py.detach(|| self.inner.exchange_at(content_type.as_deref(), &body, now));
        response_object(py, answer)
    }

    /// A verifier for this issuer's tokens (same keys, issuer, audience; revoked tokens refused).
    fn verifier(&self) -> PyVerifier {
        PyVerifier::from_core(self.inner.verifier())
    }

    #[getter]
    fn issuer(&self) -> &str {
        &self.inner.config().issuer
    }
    #[getter]
    fn audience(&self) -> Option<&str> {
        self.inner.config().audience.as_deref()
    }
    #[getter]
    fn code_ttl(&self) -> u64 {
        self.inner.config().code_ttl
    }
    #[getter]
    fn token_ttl(&self) -> u64 {
        self.inner.config().token_ttl
    }

    fn __repr__(&self) -> String {
        let c = self.inner.config();
        format!(
            "Issuer(issuer={:?}, audience={}, code_ttl={}, token_ttl={})",
            c.issuer,
            repr_opt(c.audience.as_deref()),
            c.code_ttl,
            c.token_ttl
        )
    }
}

/// Checks a protected request's `Authorization` header: the verified `Claims`, or the
/// 401/403 `Response` to send. `access` is `"any"` or `"user"`.
#[pyfunction]
#[pyo3(signature = (verifier, authorization, *, access="any", now=None))]
fn check_bearer(
    py: Python<'_>,
    verifier: &PyVerifier,
    authorization: Option<PyBackedStr>,
    access: &str,
    now: Option<u64>,
) -> PyResult<Py<PyAny>> {
    let access = match access {
        "any" => Access::Any,
        "user" => Access::User,
        _ => {
            return Err(to_py_err_with(
                py,
                Error::InvalidArgument,
                Some("access must be \"any\" or \"user\"".into()),
            ))
        }
    };
    let now = now.unwrap_or_else(|| verifier.inner.now());
    let authorization = authorization.as_deref();
    let result = if verifier.release_gil {
        py.detach(|| flow::check_bearer_at(&verifier.inner, authorization, access, now))
    } else {
        flow::check_bearer_at(&verifier.inner, authorization, access, now)
    };
    match result {
        Ok(claims) => Ok(claims_object(py, claims)?.into_any()),
        Err(answer) => Ok(response_object(py, answer)?.into_any()),
    }
}

// ---------------------------------------------------------------- module

/// The native module; `airisk_auth/__init__.py` re-exports it.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let classes = error_classes(py)?;
    m.add("AuthError", classes.base.bind(py))?;
    for (kind, class) in &classes.kinds {
        m.add(format!("{}Error", kind.name()).as_str(), class.bind(py))?;
    }
    m.add_class::<PyClaims>()?;
    m.add_class::<PyKeySet>()?;
    m.add_class::<PyPolicy>()?;
    m.add_class::<PyVerifier>()?;
    m.add_class::<PyRegistry>()?;
    m.add_class::<PyResponse>()?;
    m.add_class::<PyIssuer>()?;
    m.add_function(wrap_pyfunction!(check_bearer, m)?)?;
    m.add_function(wrap_pyfunction!(error_kinds, m)?)?;
    m.add("__version__", airisk_auth::VERSION)?;
    Ok(())
}
