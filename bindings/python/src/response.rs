//! `Response`: a complete HTTP answer.

use crate::claims::repr_opt;
use airisk_auth::flow;
use airisk_auth::Error;
use pyo3::prelude::*;
use pyo3::types::PyList;

/// A complete HTTP answer: send `status`, `headers` and `body` as they are.
#[pyclass(frozen, module = "airisk_auth", name = "Response")]
pub(crate) struct PyResponse {
    pub(crate) inner: flow::Response,
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

pub(crate) fn response_object(py: Python<'_>, inner: flow::Response) -> PyResult<Py<PyResponse>> {
    Py::new(py, PyResponse { inner })
}
