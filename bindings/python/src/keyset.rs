//! `KeySet`: signing and verification keys.

use crate::claims::{repr_opt, PyClaims};
use crate::errors::{file_error_to_py, to_py_err_with, IntoPyResult};
use crate::issuer::body_bytes;
use airisk_auth::keys::{Key, KeySet as CoreKeySet};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use std::path::PathBuf;
use std::sync::Arc;

/// Signing and verification keys, with at most one active signing key.
#[pyclass(frozen, module = "airisk_auth", name = "KeySet")]
pub(crate) struct PyKeySet {
    pub(crate) inner: Arc<CoreKeySet>,
}

#[pymethods]
impl PyKeySet {
    /// A key set from its JSON document (a JWKS whose keys may hold private members,
    /// with an optional `active_kid`); it may hold other issuers' RS256, PS256 and
    /// ES256 public keys, verify only.
    #[staticmethod]
    fn from_json(py: Python<'_>, json: PyBackedStr) -> PyResult<Self> {
        // The slow explanation (line, column, what) only once it was refused.
        let inner = CoreKeySet::from_json(&json).map_err(|kind| {
            let detail = CoreKeySet::explain(&json).map(|why| format!("{kind}: {why}"));
            to_py_err_with(py, kind, detail)
        })?;
        Ok(PyKeySet {
            inner: Arc::new(inner),
        })
    }

    /// A key set from the file at `path`, in the form `from_json` reads: at most
    /// the document bound plus one byte is read, and the text is wiped from
    /// memory on every path.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        match CoreKeySet::from_file(&path) {
            Ok(inner) => Ok(PyKeySet {
                inner: Arc::new(inner),
            }),
            Err(e) => Err(file_error_to_py(py, &e)),
        }
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

    /// The public keys as a JWKS document (JSON text); HS256 keys are never listed,
    /// nor other issuers' RSA and P-256 keys.
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

pub(crate) fn single(py: Python<'_>, key: Key) -> PyResult<PyKeySet> {
    let set = CoreKeySet::single(key).py(py)?;
    Ok(PyKeySet {
        inner: Arc::new(set),
    })
}

/// Kids and algorithms only: never key material.
pub(crate) fn key_set_repr(set: &CoreKeySet) -> String {
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

/// `airisk_auth.dangerous.sign_jws`: signs an arbitrary JWS with the active key
/// of `keys`, `header_json` and `payload` encoded as given (whatever `alg` the
/// header names). For interoperability tests and RFC examples; services use `mint`.
#[pyfunction]
pub(crate) fn dangerous_sign_jws(
    py: Python<'_>,
    keys: &PyKeySet,
    header_json: PyBackedStr,
    payload: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let payload = body_bytes(payload)?;
    let key = keys.inner.active().py(py)?;
    airisk_auth::dangerous::sign_jws(key, header_json.as_bytes(), &payload).py(py)
}
