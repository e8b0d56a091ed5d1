//! `Claims`: the verified claims of an access token.

use airisk_auth::token::{Claims as CoreClaims, CustomClaims, RESERVED_CLAIM_NAMES};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

/// The verified claims of an access token (read-only).
#[pyclass(frozen, eq, module = "airisk_auth", name = "Claims")]
#[derive(PartialEq)]
pub(crate) struct PyClaims {
    pub(crate) inner: CoreClaims,
}

#[pymethods]
impl PyClaims {
    #[new]
    #[pyo3(signature = (iss, exp, *, sub=None, aud=Vec::new(), client_id=None, user_token=false, company_id=None, iat=None, nbf=None, jti=None, scope=None, custom=None, **extra))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
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
        scope: Option<String>,
        custom: Option<&Bound<'_, PyDict>>,
        extra: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let mut claims = CoreClaims::new(iss, exp);
        claims.sub = sub;
        claims.aud = aud;
        claims.client_id = client_id;
        claims.user_token = user_token;
        claims.company_id = company_id;
        claims.iat = iat;
        claims.nbf = nbf;
        claims.jti = jti;
        claims.scope = scope;
        // Custom claims: the `custom` dict and any other keyword; checked
        // (reserved names, size) when minted.
        claims.custom = custom_claims_from(py, custom)?;
        claims.custom.extend(custom_claims_from(py, extra)?);
        Ok(PyClaims { inner: claims })
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
    /// `scope`: space-separated scope names (RFC 9068 §2.2.3), if any.
    #[getter]
    fn scope(&self) -> Option<&str> {
        self.inner.scope.as_deref()
    }
    /// The scope names, in order.
    #[getter]
    fn scopes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.scopes().collect::<Vec<_>>())
    }
    /// Whether the token grants every scope in `required`.
    fn has_scopes(&self, required: Vec<String>) -> bool {
        let required: Vec<&str> = required.iter().map(String::as_str).collect();
        self.inner.has_scopes(&required)
    }
    /// The custom claims (every member but the registered ones), as a new dict.
    #[getter]
    fn custom<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, value) in &self.inner.custom {
            d.set_item(name, from_json_value(py, value)?)?;
        }
        Ok(d)
    }

    /// Any claim by name: a registered one when the token has it, else a custom
    /// one (`claims["role"]`); `KeyError` when absent.
    fn __getitem__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        self.lookup(py, name)?
            .ok_or_else(|| pyo3::exceptions::PyKeyError::new_err(name.to_owned()))
    }

    /// Whether the token has the claim `name`.
    fn __contains__(&self, py: Python<'_>, name: &str) -> PyResult<bool> {
        Ok(self.lookup(py, name)?.is_some())
    }

    /// The claim `name`, or `default` when absent.
    #[pyo3(signature = (name, default=None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        Ok(self.lookup(py, name)?.or(default))
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
        // As in the core's serde form: written only when set. The custom
        // claims are not here (they are `custom`), as `verify_at` in Rust.
        if let Some(scope) = &c.scope {
            d.set_item("scope", scope)?;
        }
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

impl PyClaims {
    /// A claim present in the token, as a Python value.
    fn lookup<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        if RESERVED_CLAIM_NAMES.contains(&name) {
            // Absent registered claims are None in the dict (`aud` an empty list).
            if name == "aud" && self.inner.aud.is_empty() {
                return Ok(None);
            }
            return Ok(self.to_dict(py)?.get_item(name)?.filter(|v| !v.is_none()));
        }
        self.inner
            .custom
            .get(name)
            .map(|value| from_json_value(py, value))
            .transpose()
    }
}

/// A Python value as JSON (through the `json` module: dicts, lists, strings,
/// numbers, booleans, None).
fn to_json_value(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    let text: String = py
        .import("json")?
        .call_method1("dumps", (value,))?
        .extract()?;
    serde_json::from_str(&text).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err("a custom claim must be JSON-serializable")
    })
}

/// The custom claims of a dict (none for `None`).
pub(crate) fn custom_claims_from(
    py: Python<'_>,
    dict: Option<&Bound<'_, PyDict>>,
) -> PyResult<CustomClaims> {
    let mut custom = CustomClaims::new();
    for (name, value) in dict.into_iter().flat_map(PyDictMethods::iter) {
        custom.insert(name.extract()?, to_json_value(py, &value)?);
    }
    Ok(custom)
}

/// A JSON value as a Python value (through `json.loads`).
fn from_json_value<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?
        .call_method1("loads", (value.to_string(),))
}

/// Python-style repr pieces: `None`, `True`/`False`, quoted strings.
pub(crate) fn repr_opt(value: Option<&str>) -> String {
    value.map_or_else(|| "None".to_owned(), |v| format!("{v:?}"))
}
pub(crate) fn repr_opt_int(value: Option<u64>) -> String {
    value.map_or_else(|| "None".to_owned(), |v| v.to_string())
}
pub(crate) fn repr_bool(value: bool) -> &'static str {
    if value {
        "True"
    } else {
        "False"
    }
}

pub(crate) fn claims_object(py: Python<'_>, claims: CoreClaims) -> PyResult<Py<PyClaims>> {
    Py::new(py, PyClaims { inner: claims })
}
