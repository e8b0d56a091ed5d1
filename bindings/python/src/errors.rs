//! The exception classes, built from the core's `Error::ALL`, and the one conversion to them.

use airisk_auth::file::FileError;
use airisk_auth::Error;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use std::ffi::CString;

/// The exception classes: the base, and one class per core error kind in `Error::ALL` order.
pub(crate) struct ErrorClasses {
    pub(crate) base: Py<PyType>,
    pub(crate) kinds: Vec<(Error, Py<PyType>)>,
}

pub(crate) static ERROR_CLASSES: PyOnceLock<ErrorClasses> = PyOnceLock::new();

/// Builds (once) the exception hierarchy from the core's list of error kinds, so a
/// kind added to the core gets its Python class without anyone writing it.
pub(crate) fn error_classes(py: Python<'_>) -> PyResult<&'static ErrorClasses> {
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

pub(crate) fn capitalised(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The one conversion from a core error to a Python exception: an instance of the
/// kind's class, whose message is the core's (which never echoes a secret or a token).
pub(crate) fn to_py_err(py: Python<'_>, error: Error) -> PyErr {
    to_py_err_with(py, error, None)
}

/// [`to_py_err`], with a more precise message (e.g. a registry document's position).
pub(crate) fn to_py_err_with(py: Python<'_>, error: Error, detail: Option<String>) -> PyErr {
    let message = detail.unwrap_or_else(|| error.to_string());
    match error_classes(py) {
        Ok(classes) => match classes.kinds.iter().find(|(kind, _)| *kind == error) {
            Some((_, class)) => PyErr::from_type(class.bind(py).clone(), (message,)),
            None => PyErr::from_type(classes.base.bind(py).clone(), (message,)),
        },
        Err(e) => e,
    }
}

/// A key or registry file that could not be loaded: an `OSError` (the right
/// subclass, e.g. `FileNotFoundError`, with `errno`, `strerror` and `filename`)
/// when it could not be read, else the document's error class with a message
/// naming the file and a `filename` attribute.
pub(crate) fn file_error_to_py(py: Python<'_>, error: &FileError) -> PyErr {
    let filename = error.path().to_string_lossy().into_owned();
    if let Some(io) = error.io_error() {
        return PyOSError::new_err((io.raw_os_error(), io.to_string(), filename));
    }
    let err = to_py_err_with(py, error.kind(), Some(error.to_string()));
    if let Err(e) = err.value(py).setattr("filename", filename) {
        return e;
    }
    err
}

/// `result.py(py)?` converts a core error through [`to_py_err`].
pub(crate) trait IntoPyResult<T> {
    fn py(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py_err(py, e))
    }
}

/// Every core error kind as `(name, code, message)`, in numeric order (for tests and tools).
#[pyfunction]
pub(crate) fn error_kinds() -> Vec<(&'static str, u32, String)> {
    Error::ALL
        .iter()
        .map(|e| (e.name(), e.code(), e.to_string()))
        .collect()
}
