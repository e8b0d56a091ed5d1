//! `Issuer`: the authorization server: both AIRisk endpoints and the grant
//! lifecycle (revocation, introspection, metadata, JWKS, grant revocation).

use crate::claims::{custom_claims_from, repr_opt};
use crate::consent::PyPendingAuthorization;
use crate::errors::IntoPyResult;
use crate::keyset::PyKeySet;
use crate::registry::PyRegistry;
use crate::request_text::{surrogatepass_bytes, LenientStr, QueryStr};
use crate::response::{response_object, PyResponse};
use crate::store::{deprecated_halves, store_from};
use crate::verifier::PyVerifier;
use airisk_auth::code::CodeKey;
use airisk_auth::flow::{self, Request};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyDict, PyString};

/// A request body given as `bytes` or `str`.
pub(crate) fn body_bytes(body: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = body.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    let text = body.cast::<PyString>()?;
    if let Ok(text) = PyBackedStr::try_from(text.to_owned()) {
        return Ok(text.as_bytes().to_vec());
    }
    // Lone surrogates: their bytes are invalid UTF-8, which the core refuses.
    surrogatepass_bytes(text)
}

/// The authorization server: `GET /api/oauth2` and `POST /api/oauth2/Token`.
#[pyclass(frozen, module = "airisk_auth", name = "Issuer")]
pub(crate) struct PyIssuer {
    pub(crate) inner: flow::Issuer,
}

#[pymethods]
impl PyIssuer {
    #[new]
    /// `store` keeps single use and revocation: `MemoryStore()` for one process,
    /// `RedisStore(url)` / `PostgresStore(dsn)` or any object implementing the
    /// `Store` protocol for a store shared by every process. Required: there is no
    /// silent in-memory default. `ledger=` and `revocations=` are its deprecated halves.
    #[pyo3(signature = (keys, registry, *, issuer, store=None, audience=None, code_ttl=60, token_ttl=3600, code_key=None, ledger=None, revocations=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        keys: &PyKeySet,
        registry: &PyRegistry,
        issuer: &str,
        store: Option<&Bound<'_, PyAny>>,
        audience: Option<String>,
        code_ttl: u64,
        token_ttl: u64,
        code_key: Option<&[u8]>,
        ledger: Option<&Bound<'_, PyAny>>,
        revocations: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let store = match (store, ledger.is_some() || revocations.is_some()) {
            (Some(store), false) => store_from(store)?,
            (None, true) => deprecated_halves(py, ledger, revocations)?,
            (Some(_), true) => {
                return Err(PyTypeError::new_err(
                    "give store= alone (ledger= and revocations= are its deprecated halves)",
                ))
            }
            (None, false) => {
                return Err(PyTypeError::new_err(
                    "Issuer() needs store=: airisk_auth.MemoryStore() for one process, \
                     RedisStore(url), PostgresStore(dsn) or your own Store for several",
                ))
            }
        };
        let code_key = match code_key {
            Some(secret) => CodeKey::from_bytes(secret),
            None => CodeKey::generate(),
        }
        .py(py)?;
        let mut config = flow::IssuerConfig::new(issuer);
        config.audience = audience;
        config.code_ttl = code_ttl;
        config.token_ttl = token_ttl;
        config.check().py(py)?;
        let inner = flow::Issuer::new(
            config,
            keys.inner.clone(),
            code_key,
            registry.inner.clone(),
            store,
        )
        .py(py)?;
        Ok(PyIssuer { inner })
    }

    /// `GET /api/oauth2` now: `query` is the raw query string, without `?`.
    fn authorize(&self, py: Python<'_>, query: QueryStr) -> PyResult<Py<PyResponse>> {
        response_object(py, self.inner.authorize(&query))
    }

    /// `GET /api/oauth2` at `now` (Unix seconds).
    fn authorize_at(&self, py: Python<'_>, query: QueryStr, now: u64) -> PyResult<Py<PyResponse>> {
        response_object(py, self.inner.authorize_at(&query, now))
    }

    /// `POST /api/oauth2/Token` now: the `Content-Type` header (or None), the raw
    /// body, and the `Authorization` (client credentials) and `Accept` headers.
    #[pyo3(signature = (content_type, body, *, authorization=None, accept=None))]
    fn exchange(
        &self,
        py: Python<'_>,
        content_type: Option<LenientStr>,
        body: &Bound<'_, PyAny>,
        authorization: Option<LenientStr>,
        accept: Option<LenientStr>,
    ) -> PyResult<Py<PyResponse>> {
        let parts = RequestParts::new(content_type, body, authorization, accept)?;
        parts.answer(py, |request| self.inner.exchange(request))
    }

    /// `POST /api/oauth2/Token` at `now` (Unix seconds).
    #[pyo3(signature = (content_type, body, now, *, authorization=None, accept=None))]
    fn exchange_at(
        &self,
        py: Python<'_>,
        content_type: Option<LenientStr>,
        body: &Bound<'_, PyAny>,
        now: u64,
        authorization: Option<LenientStr>,
        accept: Option<LenientStr>,
    ) -> PyResult<Py<PyResponse>> {
        let parts = RequestParts::new(content_type, body, authorization, accept)?;
        parts.answer(py, |request| self.inner.exchange_at(request, now))
    }

    /// `POST /api/oauth2/revoke` now (RFC 7009): the same request parts as
    /// `exchange`. 200 with an empty body for any token, valid or not.
    #[pyo3(signature = (content_type, body, *, authorization=None, accept=None))]
    fn revoke(
        &self,
        py: Python<'_>,
        content_type: Option<LenientStr>,
        body: &Bound<'_, PyAny>,
        authorization: Option<LenientStr>,
        accept: Option<LenientStr>,
    ) -> PyResult<Py<PyResponse>> {
        let parts = RequestParts::new(content_type, body, authorization, accept)?;
        parts.answer(py, |request| self.inner.revoke(request))
    }

    /// `POST /api/oauth2/revoke` at `now` (Unix seconds).
    #[pyo3(signature = (content_type, body, now, *, authorization=None, accept=None))]
    fn revoke_at(
        &self,
        py: Python<'_>,
        content_type: Option<LenientStr>,
        body: &Bound<'_, PyAny>,
        now: u64,
        authorization: Option<LenientStr>,
        accept: Option<LenientStr>,
    ) -> PyResult<Py<PyResponse>> {
        let parts = RequestParts::new(content_type, body, authorization, accept)?;
        parts.answer(py, |request| self.inner.revoke_at(request, now))
    }

    /// `POST /api/oauth2/introspect` now (RFC 7662), for clients registered with
    /// `"introspect": true`: `{"active":true,…}` or `{"active":false}`.
    #[pyo3(signature = (content_type, body, *, authorization=None, accept=None))]
    fn introspect(
        &self,
        py: Python<'_>,
        content_type: Option<LenientStr>,
        body: &Bound<'_, PyAny>,
        authorization: Option<LenientStr>,
        accept: Option<LenientStr>,
    ) -> PyResult<Py<PyResponse>> {
        let parts = RequestParts::new(content_type, body, authorization, accept)?;
        parts.answer(py, |request| self.inner.introspect(request))
    }

    /// `POST /api/oauth2/introspect` at `now` (Unix seconds).
    #[pyo3(signature = (content_type, body, now, *, authorization=None, accept=None))]
    fn introspect_at(
        &self,
        py: Python<'_>,
        content_type: Option<LenientStr>,
        body: &Bound<'_, PyAny>,
        now: u64,
        authorization: Option<LenientStr>,
        accept: Option<LenientStr>,
    ) -> PyResult<Py<PyResponse>> {
        let parts = RequestParts::new(content_type, body, authorization, accept)?;
        parts.answer(py, |request| self.inner.introspect_at(request, now))
    }

    /// `GET /.well-known/oauth-authorization-server` (RFC 8414): the metadata
    /// document as a complete answer.
    fn metadata(&self, py: Python<'_>) -> PyResult<Py<PyResponse>> {
        response_object(py, self.inner.metadata())
    }

    /// The RFC 8414 metadata document as a `dict`.
    fn metadata_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = self.inner.metadata_json().to_string();
        py.import("json")?.call_method1("loads", (text,))
    }

    /// The path the metadata is served at (`/.well-known/oauth-authorization-server`
    /// followed by the issuer's path, if any).
    fn metadata_path(&self) -> String {
        self.inner.metadata_path()
    }

    /// `GET /api/oauth2/jwks`: the public keys only (an HS256-only issuer: `{"keys":[]}`).
    fn jwks(&self, py: Python<'_>) -> PyResult<Py<PyResponse>> {
        response_object(py, self.inner.jwks())
    }

    /// Revokes the grant of `client_id` for `userid` (`None`: its generic grant)
    /// now: every token, code and refresh token of that grant issued up to this
    /// second is refused by every process sharing the store. Raises
    /// `LedgerUnavailableError` / `LedgerFullError` when nothing was revoked.
    #[pyo3(signature = (client_id, userid=None))]
    fn revoke_grant(&self, py: Python<'_>, client_id: &str, userid: Option<&str>) -> PyResult<()> {
        py.detach(|| self.inner.revoke_grant(client_id, userid))
            .py(py)
    }

    /// Revokes a grant at `now` (Unix seconds).
    #[pyo3(signature = (client_id, userid, now))]
    fn revoke_grant_at(
        &self,
        py: Python<'_>,
        client_id: &str,
        userid: Option<&str>,
        now: u64,
    ) -> PyResult<()> {
        py.detach(|| self.inner.revoke_grant_at(client_id, userid, now))
            .py(py)
    }

    /// Validates an authorization request without deciding it: a
    /// `PendingAuthorization` to approve or deny, or the `Response` to send instead
    /// (a direct 400/401, or an error redirect).
    fn validate_authorization(&self, py: Python<'_>, query: PyBackedStr) -> PyResult<Py<PyAny>> {
        pending_or_answer(py, self.inner.validate_authorization(&query))
    }

    /// Approves a pending request now: 302 to its redirect URI with a code.
    /// `claims` (a dict) are custom claims the token will carry: reserved
    /// names or more than 4 KiB of JSON raise `InvalidClaims`.
    #[pyo3(signature = (pending, *, claims=None))]
    fn approve(
        &self,
        py: Python<'_>,
        pending: &PyPendingAuthorization,
        claims: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyResponse>> {
        let custom = custom_claims_from(py, claims)?;
        let answer = self
            .inner
            .approve_with_claims(&pending.inner, &custom)
            .py(py)?;
        response_object(py, answer)
    }

    /// Approves a pending request at `now` (Unix seconds), with optional custom `claims`.
    #[pyo3(signature = (pending, now, *, claims=None))]
    fn approve_at(
        &self,
        py: Python<'_>,
        pending: &PyPendingAuthorization,
        now: u64,
        claims: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyResponse>> {
        let custom = custom_claims_from(py, claims)?;
        let answer = self
            .inner
            .approve_with_claims_at(&pending.inner, &custom, now)
            .py(py)?;
        response_object(py, answer)
    }

    /// Denies a pending request: 302 with `error=access_denied` and its state.
    fn deny(&self, py: Python<'_>, pending: &PyPendingAuthorization) -> PyResult<Py<PyResponse>> {
        response_object(py, self.inner.deny(&pending.inner))
    }

    /// Seals a pending request into a short-lived, tamper-proof, single-use ticket string.
    fn seal(&self, py: Python<'_>, pending: &PyPendingAuthorization) -> PyResult<String> {
        self.inner.seal(&pending.inner).py(py)
    }

    /// Seals a pending request at `now` (Unix seconds).
    fn seal_at(
        &self,
        py: Python<'_>,
        pending: &PyPendingAuthorization,
        now: u64,
    ) -> PyResult<String> {
        self.inner.seal_at(&pending.inner, now).py(py)
    }

    /// Opens a ticket once: the `PendingAuthorization`, or the `Response` to send
    /// (400 for a malformed, forged, expired or used ticket; 503 when the ledger
    /// cannot answer).
    fn open_ticket(&self, py: Python<'_>, ticket: PyBackedStr) -> PyResult<Py<PyAny>> {
        pending_or_answer(py, self.inner.open_ticket(&ticket))
    }

    /// Opens a ticket at `now` (Unix seconds).
    fn open_ticket_at(&self, py: Python<'_>, ticket: PyBackedStr, now: u64) -> PyResult<Py<PyAny>> {
        pending_or_answer(py, self.inner.open_ticket_at(&ticket, now))
    }

    /// A verifier for this issuer's tokens (same keys, issuer, audience; revoked tokens refused).
    fn verifier(&self) -> PyVerifier {
        PyVerifier::from_core(self.inner.verifier())
    }

    #[getter]
    fn issuer(&self) -> &str {
        &self.inner.config().issuer
    }
    #[getter]
    fn audience(&self) -> Option<&str> {
        self.inner.config().audience.as_deref()
    }
    #[getter]
    fn code_ttl(&self) -> u64 {
        self.inner.config().code_ttl
    }
    #[getter]
    fn token_ttl(&self) -> u64 {
        self.inner.config().token_ttl
    }

    fn __repr__(&self) -> String {
        let c = self.inner.config();
        format!(
            "Issuer(issuer={:?}, audience={}, code_ttl={}, token_ttl={})",
            c.issuer,
            repr_opt(c.audience.as_deref()),
            c.code_ttl,
            c.token_ttl
        )
    }
}

/// The parts of a `POST` request to one of the issuer's form endpoints.
struct RequestParts {
    content_type: Option<LenientStr>,
    body: Vec<u8>,
    authorization: Option<LenientStr>,
    accept: Option<LenientStr>,
}

impl RequestParts {
    fn new(
        content_type: Option<LenientStr>,
        body: &Bound<'_, PyAny>,
        authorization: Option<LenientStr>,
        accept: Option<LenientStr>,
    ) -> PyResult<Self> {
        Ok(RequestParts {
            content_type,
            body: body_bytes(body)?,
            authorization,
            accept,
        })
    }

    /// The endpoint's answer, computed with the GIL released (the store may be
    /// a round trip away, and a Python store attaches again on its own).
    fn answer(
        &self,
        py: Python<'_>,
        endpoint: impl FnOnce(&Request<'_>) -> flow::Response + Send,
    ) -> PyResult<Py<PyResponse>> {
        let answer = py.detach(|| {
            let request = Request::new(self.content_type.as_deref(), &self.body)
                .with_authorization(self.authorization.as_deref())
                .with_accept(self.accept.as_deref());
            endpoint(&request)
        });
        response_object(py, answer)
    }
}

fn pending_or_answer(
    py: Python<'_>,
    result: Result<flow::PendingAuthorization, flow::Response>,
) -> PyResult<Py<PyAny>> {
    match result {
        Ok(inner) => Ok(Py::new(py, PyPendingAuthorization { inner })?.into_any()),
        Err(answer) => Ok(response_object(py, answer)?.into_any()),
    }
}
