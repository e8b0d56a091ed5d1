//! `Registry`: clients (APIUser) and users (ApplicationUser).

use crate::errors::{file_error_to_py, to_py_err_with};
use airisk_auth::registry::MemoryRegistry;
use airisk_auth::Error;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use std::path::PathBuf;
use std::sync::Arc;

/// Clients (APIUser) and users (ApplicationUser), loaded from the registry JSON document.
#[pyclass(frozen, module = "airisk_auth", name = "Registry")]
pub(crate) struct PyRegistry {
    pub(crate) inner: Arc<MemoryRegistry>,
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

    /// Loads a registry document from a UTF-8 file: at most the document bound
    /// plus one byte is read, and the text is wiped from memory on every path.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        match MemoryRegistry::from_file(&path) {
            Ok(r) => Ok(PyRegistry { inner: Arc::new(r) }),
            Err(e) => Err(file_error_to_py(py, &e)),
        }
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
