//! The core's [`flow::Response`] as an axum response, its refusal reason logged.

use crate::adapter;
use airisk_auth::flow;
use axum::response::IntoResponse;

/// The precise reason of a refused answer, attached to the `http::Response`'s
/// extensions (never sent): for the host's middleware (metrics, audit logs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefusalReason(pub airisk_auth::Error);

/// The registered claim at fault in a bearer refusal (`client_id` for a token
/// without one, with [`RefusalReason`] `MissingClaim` or `MalformedClaims`),
/// attached to the `http::Response`'s extensions beside it (never sent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefusalClaim(pub &'static str);

/// A complete answer of the core (status, headers, body), sent as it is.
///
/// It is both what the issuer's endpoints return and the rejection of the
/// bearer extractors. When the core gave a reason (a refusal), converting it
/// into a response logs that reason through `tracing` — the error's stable name
/// and number, and for a bearer refusal the claim at fault, never the token or
/// any request text — at `info` for a client's mistake (4xx) and at `warn` when
/// the service could not answer (5xx).
///
/// ```
/// use airisk_auth::flow;
/// use airisk_auth_axum::AuthResponse;
///
/// let answer = AuthResponse::from(flow::Response::new(204));
/// assert_eq!(answer.status(), 204);
/// assert_eq!(answer.claim(), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthResponse {
    answer: flow::Response,
    claim: Option<&'static str>,
}

impl From<flow::Response> for AuthResponse {
    fn from(answer: flow::Response) -> Self {
        AuthResponse {
            answer,
            claim: None,
        }
    }
}

impl AuthResponse {
    /// A bearer refusal naming the claim at fault (see
    /// [`flow::explain_bearer_at`]); the claim is logged and attached as a
    /// [`RefusalClaim`], never sent.
    pub(crate) fn refusal_of_claim(answer: flow::Response, claim: Option<&'static str>) -> Self {
        AuthResponse { answer, claim }
    }

    /// The HTTP status the answer carries.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.answer.status
    }

    /// The core's answer.
    #[must_use]
    pub fn answer(&self) -> &flow::Response {
        &self.answer
    }

    /// The core's answer, taken out.
    #[must_use]
    pub fn into_answer(self) -> flow::Response {
        self.answer
    }

    /// The registered claim at fault when a bearer token was refused for a
    /// missing or mistyped claim (`"client_id"`, say); `None` otherwise.
    #[must_use]
    pub fn claim(&self) -> Option<&'static str> {
        self.claim
    }

    /// Converts into an `http::Response`, logging the reason of a refusal and
    /// attaching it as a [`RefusalReason`] extension (and the claim at fault as
    /// a [`RefusalClaim`]).
    #[must_use]
    pub fn into_http(self) -> http::Response<axum::body::Body> {
        log_refusal(&self.answer, self.claim);
        let reason = self.answer.reason;
        let mut response = adapter::to_http(self.answer);
        if let Some(reason) = reason {
            response.extensions_mut().insert(RefusalReason(reason));
        }
        if let Some(claim) = self.claim {
            response.extensions_mut().insert(RefusalClaim(claim));
        }
        response
    }
}

impl IntoResponse for AuthResponse {
    fn into_response(self) -> axum::response::Response {
        self.into_http()
    }
}

fn log_refusal(answer: &flow::Response, claim: Option<&'static str>) {
    let Some((error, code)) = adapter::reason_fields(answer) else {
        return;
    };
    let status = answer.status;
    match (status >= 500, claim) {
        (true, _) => {
            tracing::warn!(target: "airisk_auth", status, error, code, "request refused");
        }
        (false, Some(claim)) => {
            tracing::info!(target: "airisk_auth", status, error, code, claim, "request refused");
        }
        (false, None) => {
            tracing::info!(target: "airisk_auth", status, error, code, "request refused");
        }
    }
}
