//! `Verifier`: verifies tokens against a key set and a policy.

use crate::claims::{claims_object, repr_opt, PyClaims};
use crate::errors::refusal_to_py;
use crate::keyset::{key_set_repr, PyKeySet};
use crate::policy::PyPolicy;
use crate::request_text::LenientStr;
use crate::store::deprecated_revocations;
use crate::store::store_from;
use airisk_auth::keys::Algorithm;
use airisk_auth::token::{self, Claims as CoreClaims, ClaimsRef};
use airisk_auth::Error;
use pyo3::prelude::*;
use pyo3::types::PyList;

/// Verifies tokens against a key set and a policy. Thread-safe; build once.
#[pyclass(frozen, module = "airisk_auth", name = "Verifier")]
pub(crate) struct PyVerifier {
    pub(crate) inner: token::Verifier,
    /// Whether one verification is worth releasing the GIL for (a key other
    /// than HS256 is in the set: EdDSA, RSA or ECDSA, tens of microseconds each).
    pub(crate) release_gil: bool,
}

impl PyVerifier {
    pub(crate) fn from_core(inner: token::Verifier) -> Self {
        let release_gil = inner
            .keys()
            .keys()
            .any(|k| k.algorithm() != Algorithm::Hs256);
        PyVerifier { inner, release_gil }
    }

    fn verify_one(&self, py: Python<'_>, token: &str, now: u64) -> PyResult<Py<PyClaims>> {
        let result = if self.release_gil {
            py.detach(|| self.inner.verify_with(token, now, full_claims))
        } else {
            self.inner.verify_with(token, now, full_claims)
        };
        match result {
            Ok(claims) => claims_object(py, claims),
            Err(kind) => Err(self.refused(py, token, now, kind)),
        }
    }

    /// The exception for `token` refused at `now` with `kind`: the one conversion
    /// of every verify method, naming the claim at fault (`.claim`) when there is
    /// one. The slow explanation runs only here, after the refusal.
    fn refused(&self, py: Python<'_>, token: &str, now: u64, kind: Error) -> PyErr {
        refusal_to_py(py, self.inner.explain_refusal(token, now, kind))
    }
}

#[pymethods]
impl PyVerifier {
    /// `store` (the issuer's store: a native one or a `Store` protocol object):
    /// tokens whose `jti` it lists as revoked are refused. `revocations=` is its
    /// deprecated former name.
    #[new]
    #[pyo3(signature = (keys, policy, *, store=None, revocations=None))]
    fn new(
        py: Python<'_>,
        keys: &PyKeySet,
        policy: &PyPolicy,
        store: Option<&Bound<'_, PyAny>>,
        revocations: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut inner = token::Verifier::new(keys.inner.clone(), policy.inner.clone());
        let store = match (store, revocations) {
            (Some(store), None) => Some(store_from(store)?),
            (None, Some(revocations)) => Some(deprecated_revocations(py, revocations)?),
            (None, None) => None,
            (Some(_), Some(_)) => {
                return Err(pyo3::exceptions::PyTypeError::new_err(
                    "give store= alone (revocations= is its deprecated former name)",
                ))
            }
        };
        if let Some(store) = store {
            inner = inner.with_store(store);
        }
        Ok(Self::from_core(inner))
    }

    /// Verifies `token` now (system clock): the claims, or an `AuthError` subclass.
    fn verify(&self, py: Python<'_>, token: LenientStr) -> PyResult<Py<PyClaims>> {
        self.verify_one(py, &token, self.inner.now())
    }

    /// Verifies `token` at `now` (Unix seconds).
    fn verify_at(&self, py: Python<'_>, token: LenientStr, now: u64) -> PyResult<Py<PyClaims>> {
        self.verify_one(py, &token, now)
    }

    /// Verifies many tokens with the GIL released: for each, its `Claims` or the
    /// `AuthError` instance it failed with (returned, not raised).
    #[pyo3(signature = (tokens, now=None))]
    fn verify_many<'py>(
        &self,
        py: Python<'py>,
        tokens: Vec<LenientStr>,
        now: Option<u64>,
    ) -> PyResult<Bound<'py, PyList>> {
        let now = now.unwrap_or_else(|| self.inner.now());
        let results: Vec<Result<CoreClaims, Error>> = py.detach(|| {
            tokens
                .iter()
                .map(|t| self.inner.verify_with(t, now, full_claims))
                .collect()
        });
        let out = PyList::empty(py);
        for (token, result) in tokens.iter().zip(results) {
            match result {
                Ok(claims) => out.append(claims_object(py, claims)?)?,
                Err(kind) => out.append(self.refused(py, token, now, kind).into_value(py))?,
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

/// The verified claims with their custom members (so `claims["role"]` reads them).
pub(crate) fn full_claims(claims: &ClaimsRef<'_>) -> CoreClaims {
    claims.to_claims_with_custom()
}
