//! `PendingAuthorization`: a validated authorization request waiting for the
//! user's decision (see the core's `flow::PendingAuthorization`).

use crate::claims::{repr_bool, repr_opt};
use airisk_auth::flow;
use pyo3::prelude::*;

/// A validated authorization request: what a consent page shows. Answer it with
/// `Issuer.approve` or `Issuer.deny`, or seal it into a ticket (`Issuer.seal`) to
/// carry it through a login or consent page and `Issuer.open_ticket` it later.
#[pyclass(frozen, module = "airisk_auth", name = "PendingAuthorization")]
pub(crate) struct PyPendingAuthorization {
    pub(crate) inner: flow::PendingAuthorization,
}

#[pymethods]
impl PyPendingAuthorization {
    /// The client asking (AIRisk's APIUser).
    #[getter]
    fn client_id(&self) -> &str {
        self.inner.client_id()
    }
    /// Where the answer will be sent (validated against the registry).
    #[getter]
    fn redirect_uri(&self) -> &str {
        self.inner.redirect_uri()
    }
    /// The user the token would act for, or None for a generic token.
    #[getter]
    fn userid(&self) -> Option<&str> {
        self.inner.userid()
    }
    /// The client's state, returned unmodified with the answer.
    #[getter]
    fn state(&self) -> Option<&str> {
        self.inner.state()
    }
    /// Whether the code will be bound to a PKCE challenge.
    #[getter]
    fn uses_pkce(&self) -> bool {
        self.inner.uses_pkce()
    }
    /// The scope the token will carry (space-separated names), if any.
    #[getter]
    fn scope(&self) -> Option<&str> {
        self.inner.scope()
    }

    fn __repr__(&self) -> String {
        format!(
            "PendingAuthorization(client_id={:?}, redirect_uri={:?}, userid={}, state={}, uses_pkce={}, scope={})",
            self.inner.client_id(),
            self.inner.redirect_uri(),
            repr_opt(self.inner.userid()),
            repr_opt(self.inner.state()),
            repr_bool(self.inner.uses_pkce()),
            repr_opt(self.inner.scope())
        )
    }
}
