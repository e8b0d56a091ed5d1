//! The one conversion from a core error to a Python exception.
//!
//! The exception classes are not made here: they live in the Python file
//! `airisk_auth/errors.py`, generated from the core's `Error::ALL` (so readers and
//! type checkers see them, and they fall in the families the core decides). This
//! module imports them once, by each kind's name, checks each against the core's
//! number, and raises them; no list of kinds is written in this crate.

use airisk_auth::diagnostic::{Refusal, SettingError};
use airisk_auth::file::FileError;
use airisk_auth::Error;
use pyo3::exceptions::{PyImportError, PyOSError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

/// The exception classes: the base, and the class of each core error kind in `Error::ALL` order.
pub(crate) struct ErrorClasses {
    base: Py<PyType>,
    kinds: Vec<(Error, Py<PyType>)>,
}

static ERROR_CLASSES: PyOnceLock<ErrorClasses> = PyOnceLock::new();

/// The classes of `airisk_auth.errors`, looked up once. An `ImportError` if that file
/// lacks a kind of this build's core or numbers it differently (it is stale: the
/// package was assembled from two versions), so the mismatch shows at import, not
/// as a wrong exception later.
pub(crate) fn error_classes(py: Python<'_>) -> PyResult<&'static ErrorClasses> {
    ERROR_CLASSES.get_or_try_init(py, || {
        let module = py.import("airisk_auth.errors")?;
        let base = module.getattr("AuthError")?.cast_into::<PyType>()?;
        let mut kinds = Vec::with_capacity(Error::ALL.len());
        for &kind in Error::ALL {
            let class_name = format!("{}Error", kind.name());
            let stale = || {
                PyImportError::new_err(format!(
                    "airisk_auth.errors has no {class_name} numbered {}: the file does not match \
                     this build of the extension",
                    kind.code()
                ))
            };
            let class = module
                .getattr(class_name.as_str())
                .map_err(|_| stale())?
                .cast_into::<PyType>()
                .map_err(|_| stale())?;
            let code: u32 = class.getattr("code")?.extract().map_err(|_| stale())?;
            if code != kind.code() || !class.is_subclass(&base)? {
                return Err(stale());
            }
            kinds.push((kind, class.unbind()));
        }
        Ok(ErrorClasses {
            base: base.unbind(),
            kinds,
        })
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

/// `err` with the attribute `name` set to `value` (what the error is about).
fn with_attribute<'py>(
    py: Python<'py>,
    err: PyErr,
    name: &str,
    value: impl IntoPyObject<'py>,
) -> PyErr {
    match err.value(py).setattr(name, value) {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// The class of `kind`, if `airisk_auth.errors` has it.
fn class_of(py: Python<'_>, kind: Error) -> PyResult<Bound<'_, PyType>> {
    let classes = error_classes(py)?;
    match classes.kinds.iter().find(|(k, _)| *k == kind) {
        Some((_, class)) => Ok(class.bind(py).clone()),
        None => Ok(classes.base.bind(py).clone()),
    }
}

/// A key or registry file that could not be loaded: `IoError` (code 27, also an
/// `OSError` with `errno`, `strerror` and `filename`) when it could not be
/// read, else the document's error class with a message naming the file (and
/// the position in it) and a `filename` attribute.
pub(crate) fn file_error_to_py(py: Python<'_>, error: &FileError) -> PyErr {
    let filename = error.path().to_string_lossy().into_owned();
    if let Some(io) = error.io_error() {
        let strerror = io.to_string();
        let strerror = strerror
            .rsplit_once(" (os error ")
            .map_or(strerror.as_str(), |(text, _)| text)
            .to_owned();
        return match class_of(py, Error::Io) {
            Ok(class) => PyErr::from_type(class, (io.raw_os_error(), strerror, filename)),
            Err(_) => PyOSError::new_err((io.raw_os_error(), strerror, filename)),
        };
    }
    let err = to_py_err_with(py, error.kind(), Some(error.to_string()));
    with_attribute(py, err, "filename", filename)
}

/// A setting refused: `InvalidConfigurationError` naming it (`.setting`) and
/// what it allows (`.allowed`).
pub(crate) fn setting_error_to_py(py: Python<'_>, error: SettingError) -> PyErr {
    let err = to_py_err_with(py, error.kind(), Some(error.to_string()));
    let err = with_attribute(py, err, "setting", error.setting);
    with_attribute(py, err, "allowed", error.allowed.to_string())
}

/// A token refused, with `.claim` naming the claim at fault when there is one.
pub(crate) fn refusal_to_py(py: Python<'_>, refusal: Refusal) -> PyErr {
    let err = to_py_err_with(py, refusal.kind, Some(refusal.to_string()));
    match refusal.claim {
        Some(claim) => with_attribute(py, err, "claim", claim),
        None => err,
    }
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

impl<T> IntoPyResult<T> for Result<T, SettingError> {
    fn py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| setting_error_to_py(py, e))
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
