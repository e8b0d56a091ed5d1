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
    /// The claim at fault of a refused bearer token, when there is one.
    pub(crate) claim: Option<&'static str>,
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
    /// For a refused bearer token, the claim missing or of the wrong type (e.g.
    /// `"client_id"`), as an exception's `.claim`; `None` otherwise.
    #[getter]
    fn claim(&self) -> Option<&'static str> {
        self.claim
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
        let reason = repr_opt(self.inner.reason.map(Error::name));
        match self.claim {
            Some(claim) => format!(
                "Response(status={}, reason={reason}, claim={})",
                self.inner.status,
                repr_opt(Some(claim))
            ),
            None => format!("Response(status={}, reason={reason})", self.inner.status),
        }
    }
}

pub(crate) fn response_object(py: Python<'_>, inner: flow::Response) -> PyResult<Py<PyResponse>> {
    refused_response_object(py, inner, None)
}

/// A refused bearer check's answer, with the claim at fault.
pub(crate) fn refused_response_object(
    py: Python<'_>,
    inner: flow::Response,
    claim: Option<&'static str>,
) -> PyResult<Py<PyResponse>> {
    Py::new(py, PyResponse { inner, claim })
}
