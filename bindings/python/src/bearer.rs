//! `check_bearer`: the bearer check of a protected resource.

use crate::claims::claims_object;
use crate::errors::to_py_err_with;
use crate::request_text::LenientStr;
use crate::response::refused_response_object;
use crate::verifier::{full_claims, PyVerifier};
use airisk_auth::flow::{self, Access};
use airisk_auth::Error;
use pyo3::prelude::*;

/// Checks a protected request's `Authorization` header: the verified `Claims`, or the
/// 401/403 `Response` to send. `access` is `"any"` or `"user"`; `scopes` the
/// scope names the resource requires (403 `insufficient_scope` without them).
/// A refusal's `Response.claim` names the claim at fault, as `Verifier.verify`'s
/// exceptions do.
#[pyfunction]
#[pyo3(signature = (verifier, authorization, *, access="any", scopes=Vec::new(), now=None))]
pub(crate) fn check_bearer(
    py: Python<'_>,
    verifier: &PyVerifier,
    authorization: Option<LenientStr>,
    access: &str,
    scopes: Vec<String>,
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
    let required: Vec<&str> = scopes.iter().map(String::as_str).collect();
    let check = || {
        flow::check_bearer_with(
            &verifier.inner,
            authorization,
            access,
            &required,
            now,
            full_claims,
        )
    };
    let result = if verifier.release_gil {
        py.detach(check)
    } else {
        check()
    };
    match result {
        Ok(claims) => Ok(claims_object(py, claims)?.into_any()),
        Err(answer) => {
            // The claim at fault, looked for only now that the token was refused.
            let claim = flow::explain_bearer_at(&verifier.inner, authorization, now, &answer)
                .and_then(|refusal| refusal.claim);
            Ok(refused_response_object(py, answer, claim)?.into_any())
        }
    }
}
