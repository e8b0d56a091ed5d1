//! `check_bearer`: the bearer check of a protected resource.

use crate::claims::claims_object;
use crate::errors::to_py_err_with;
use crate::request_text::LenientStr;
use crate::response::response_object;
use crate::verifier::PyVerifier;
use airisk_auth::flow::{self, Access};
use airisk_auth::Error;
use pyo3::prelude::*;

/// Checks a protected request's `Authorization` header: the verified `Claims`, or the
/// 401/403 `Response` to send. `access` is `"any"` or `"user"`.
#[pyfunction]
#[pyo3(signature = (verifier, authorization, *, access="any", now=None))]
pub(crate) fn check_bearer(
    py: Python<'_>,
    verifier: &PyVerifier,
    authorization: Option<LenientStr>,
    access: &str,
    now: Option<u64>,
) -> PyResult<Py<PyAny>> {
    let access = match access {
        "any" => Access::Any,
        "user" => Access::User,
        _ => {
            return Err(to_py_err_with(
                py,
                Error::InvalidArgument,
                Some("access must be \"any\" or \"user\"".into()),
            ))
        }
    };
    let now = now.unwrap_or_else(|| verifier.inner.now());
    let authorization = authorization.as_deref();
    let result = if verifier.release_gil {
        py.detach(|| flow::check_bearer_at(&verifier.inner, authorization, access, now))
    } else {
        flow::check_bearer_at(&verifier.inner, authorization, access, now)
    };
    match result {
        Ok(claims) => Ok(claims_object(py, claims)?.into_any()),
        Err(answer) => Ok(response_object(py, answer)?.into_any()),
    }
}
