//! Bearer-token checks for protected resources (RFC 6750).

use super::response::Response;
use crate::diagnostic::Refusal;
use crate::error::Error;
use crate::scope::is_valid_scope_name;
use crate::token::{Claims, ClaimsRef, Verifier};

/// What a protected resource requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Access {
    /// Any valid token: generic or user-specific.
    Any,
    /// A user-specific token.
    User,
}

/// Checks the `Authorization` header of a request to a protected resource.
///
/// `Ok` holds the verified claims; `Err` holds the 401 or 403 answer to send,
/// with the RFC 6750 `WWW-Authenticate` challenge and the reason for logs.
///
/// ```
/// use airisk_auth::flow::{check_bearer, Access};
/// # use airisk_auth::prelude::*; use std::sync::Arc;
/// # let keys = Arc::new(KeySet::single(Key::generate_hs256("k")?)?);
/// let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
/// let refused = check_bearer(&verifier, None, Access::Any).unwrap_err();
/// assert_eq!(refused.status, 401);
/// assert_eq!(refused.header("WWW-Authenticate"), Some("Bearer"));
/// # Ok::<(), airisk_auth::Error>(())
/// ```
///
/// # Errors
/// The answer to send when the request may not proceed.
#[allow(clippy::result_large_err)] // the Err is the answer itself, sent once per refused request
pub fn check_bearer(
    verifier: &Verifier,
    authorization: Option<&str>,
    access: Access,
) -> Result<Claims, Response> {
    check_bearer_at(verifier, authorization, access, verifier.now())
}

/// [`check_bearer`] at `now`.
///
/// # Errors
/// The answer to send when the request may not proceed.
#[allow(clippy::result_large_err)]
pub fn check_bearer_at(
    verifier: &Verifier,
    authorization: Option<&str>,
    access: Access,
    now: u64,
) -> Result<Claims, Response> {
    check_bearer_with_scopes_at(verifier, authorization, access, &[], now)
}

/// [`check_bearer`] for a resource that also requires every scope of
/// `required`: a valid token without one of them gets `403` with
/// `WWW-Authenticate: Bearer error="insufficient_scope", scope="…"` naming
/// all of `required` (RFC 6750 §3.1). An empty `required` is [`check_bearer`].
///
/// ```
/// use airisk_auth::flow::{check_bearer_with_scopes, Access};
/// # use airisk_auth::prelude::*; use std::sync::Arc;
/// # let keys = Arc::new(KeySet::single(Key::generate_hs256("k")?)?);
/// let mut claims = Claims::generic("https://airisk.example", "abc123", 1_000, 3_600, "j");
/// claims.scope = Some("read:risk".into());
/// let header = format!("Bearer {}", keys.mint(&claims)?);
/// let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
/// # let verifier = verifier.with_clock(Arc::new(FixedClock(1_001)));
/// assert!(check_bearer_with_scopes(&verifier, Some(&header), Access::Any, &["read:risk"]).is_ok());
/// let refused = check_bearer_with_scopes(&verifier, Some(&header), Access::Any, &["write:risk"]).unwrap_err();
/// assert_eq!(refused.status, 403);
/// assert_eq!(refused.header("WWW-Authenticate"), Some("Bearer error=\"insufficient_scope\", scope=\"write:risk\""));
/// # Ok::<(), airisk_auth::Error>(())
/// ```
///
/// # Errors
/// The answer to send when the request may not proceed.
#[allow(clippy::result_large_err)]
pub fn check_bearer_with_scopes(
    verifier: &Verifier,
    authorization: Option<&str>,
    access: Access,
    required: &[&str],
) -> Result<Claims, Response> {
    check_bearer_with_scopes_at(verifier, authorization, access, required, verifier.now())
}

/// [`check_bearer_with_scopes`] at `now`.
///
/// # Errors
/// The answer to send when the request may not proceed.
#[allow(clippy::result_large_err)]
pub fn check_bearer_with_scopes_at(
    verifier: &Verifier,
    authorization: Option<&str>,
    access: Access,
    required: &[&str],
    now: u64,
) -> Result<Claims, Response> {
    // A closure, not the method path: `read` must accept claims of any lifetime.
    #[allow(clippy::redundant_closure_for_method_calls)]
    check_bearer_with(verifier, authorization, access, required, now, |claims| {
        claims.to_claims()
    })
}

/// The bearer check of [`check_bearer_with_scopes_at`], lending the verified
/// claims to `read` instead of copying them (as
/// [`Verifier::verify_with`] does): e.g. `ClaimsRef::to_claims_with_custom`
/// to keep the custom claims, or a closure reading one field.
///
/// # Errors
/// The answer to send when the request may not proceed.
#[allow(clippy::result_large_err)]
pub fn check_bearer_with<R>(
    verifier: &Verifier,
    authorization: Option<&str>,
    access: Access,
    required: &[&str],
    now: u64,
    read: impl FnOnce(&ClaimsRef<'_>) -> R,
) -> Result<R, Response> {
    let Some(token) = authorization.and_then(bearer_token) else {
        return Err(Response::answer(401, Some(Error::MissingBearer))
            .with_header("WWW-Authenticate", "Bearer"));
    };
    let insufficient = || {
        Response::answer(403, Some(Error::UserTokenRequired))
            .with_header("WWW-Authenticate", "Bearer error=\"insufficient_scope\"")
    };
    let checked = verifier.verify_with(token, now, |claims| {
        if access == Access::User && !claims.user_token() {
            Err(insufficient())
        } else if !claims.has_scopes(required) {
            Err(Response::answer(403, Some(Error::InsufficientScope))
                .with_header("WWW-Authenticate", scope_challenge(required)))
        } else {
            Ok(read(claims))
        }
    });
    match checked {
        Ok(result) => result,
        Err(Error::UserTokenRequired) => Err(insufficient()),
        // The token may be fine: the store could not say. Refuse without
        // blaming the token, so clients retry rather than re-authenticate.
        Err(e @ (Error::LedgerUnavailable | Error::LedgerFull)) => {
            Err(Response::answer(503, Some(e)))
        }
        Err(e) => Err(Response::answer(401, Some(e))
            .with_header("WWW-Authenticate", "Bearer error=\"invalid_token\"")),
    }
}

/// Why a bearer check refused `authorization` with `answer`, naming the claim
/// at fault when there is one: the slow explanation
/// ([`Verifier::explain_refusal`]) of the token in the header, for logs after
/// [`check_bearer_with`] refused, never for the request path. An answer
/// without a reason (a success) gives `None`.
///
/// ```
/// use airisk_auth::flow::{check_bearer_at, explain_bearer_at, Access};
/// # use airisk_auth::prelude::*; use std::sync::Arc;
/// # let keys = Arc::new(KeySet::single(Key::generate_hs256("k")?)?);
/// let mut claims = Claims::generic("https://airisk.example", "abc123", 1_000, 600, "id-1");
/// claims.jti = None;
/// let header = format!("Bearer {}", keys.mint(&claims)?);
/// let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
/// let answer = check_bearer_at(&verifier, Some(&header), Access::Any, 1_100).unwrap_err();
/// let refusal = explain_bearer_at(&verifier, Some(&header), 1_100, &answer).unwrap();
/// assert_eq!(refusal.claim, Some("jti"));
/// # Ok::<(), airisk_auth::Error>(())
/// ```
#[must_use]
pub fn explain_bearer_at(
    verifier: &Verifier,
    authorization: Option<&str>,
    now: u64,
    answer: &Response,
) -> Option<Refusal> {
    let kind = answer.reason?;
    Some(match authorization.and_then(bearer_token) {
        Some(token) => verifier.explain_refusal(token, now, kind),
        None => Refusal::of(kind),
    })
}

/// The token of an `Authorization: Bearer <token>` value (scheme case-insensitive,
/// RFC 9110 §11.1), or `None` for another scheme or no token.
pub(super) fn bearer_token(header: &str) -> Option<&str> {
    let header = header.trim_matches([' ', '\t']);
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim_start_matches(' ');
    (scheme.eq_ignore_ascii_case("Bearer") && !token.is_empty()).then_some(token)
}

/// `Bearer error="insufficient_scope", scope="a b"`: only valid scope names
/// are written (RFC 6749 §3.3 characters need no quoting), so the header
/// cannot be split or broken by what a resource passes.
fn scope_challenge(required: &[&str]) -> String {
    let mut out = String::from("Bearer error=\"insufficient_scope\", scope=\"");
    let mut first = true;
    for name in required.iter().filter(|n| is_valid_scope_name(n)) {
        if !first {
            out.push(' ');
        }
        first = false;
        out.push_str(name);
    }
    out.push('"');
    out
}
