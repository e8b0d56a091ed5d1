//! `Policy`: what a verifier accepts.

use crate::claims::{repr_bool, repr_opt};
use crate::errors::IntoPyResult;
use airisk_auth::token;
use pyo3::prelude::*;

/// What a verifier accepts (strict by default).
#[pyclass(frozen, module = "airisk_auth", name = "Policy")]
pub(crate) struct PyPolicy {
    pub(crate) inner: token::Policy,
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
