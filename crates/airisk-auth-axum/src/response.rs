//! The core's [`flow::Response`] as an axum response, its refusal reason logged.

use crate::adapter;
use airisk_auth::flow;
use axum::response::IntoResponse;

/// The precise reason of a refused answer, attached to the `http::Response`'s
/// extensions (never sent): for the host's middleware (metrics, audit logs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefusalReason(pub airisk_auth::Error);

/// A complete answer of the core (status, headers, body), sent as it is.
///
/// It is both what the issuer's endpoints return and the rejection of the
/// bearer extractors. When the core gave a reason (a refusal), converting it
/// into a response logs that reason through `tracing` — the error's stable name
/// and number only, never the token or any request text — at `info` for a
/// client's mistake (4xx) and at `warn` when the service could not answer (5xx).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthResponse(pub flow::Response);

impl From<flow::Response> for AuthResponse {
    fn from(answer: flow::Response) -> Self {
        AuthResponse(answer)
    }
}

impl AuthResponse {
    /// The HTTP status the answer carries.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.0.status
    }

    /// Converts into an `http::Response`, logging the reason of a refusal and
    /// attaching it as a [`RefusalReason`] extension.
    #[must_use]
    pub fn into_http(self) -> http::Response<axum::body::Body> {
        log_refusal(&self.0);
        let reason = self.0.reason;
        let mut response = adapter::to_http(self.0);
        if let Some(reason) = reason {
            response.extensions_mut().insert(RefusalReason(reason));
        }
        response
    }
}

impl IntoResponse for AuthResponse {
    fn into_response(self) -> axum::response::Response {
        self.into_http()
    }
}

fn log_refusal(answer: &flow::Response) {
    let Some((error, code)) = adapter::reason_fields(answer) else {
        return;
    };
    let status = answer.status;
    if status >= 500 {
        tracing::warn!(target: "airisk_auth", status, error, code, "request refused");
    } else {
        tracing::info!(target: "airisk_auth", status, error, code, "request refused");
    }
}
