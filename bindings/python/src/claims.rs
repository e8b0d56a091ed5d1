//! `Claims`: the verified claims of an access token.

use airisk_auth::token::Claims as CoreClaims;
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
            inner: {
                let mut claims = CoreClaims::new(iss, exp);
                claims.sub = sub;
                claims.aud = aud;
                claims.client_id = client_id;
                claims.user_token = user_token;
                claims.company_id = company_id;
                claims.iat = iat;
                claims.nbf = nbf;
                claims.jti = jti;
                claims
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
