//! `verify` and `inspect`: a token checked, or decoded unverified.

use super::{emit, json_text, load_keyset};
use crate::cli::{InspectArgs, VerifyArgs};
use crate::files::read_stdin_bounded;
use crate::{describe, Failure};
use airisk_auth::clock::{format_utc, Clock, SystemClock};
use airisk_auth::dangerous::inspect_unverified;
use airisk_auth::diagnostic::Refusal;
use airisk_auth::flow::{check_bearer_at, Access};
use airisk_auth::token::{Claims, Policy, Verifier, MAX_MAX_TOKEN_LEN};
use airisk_auth::Error;
use serde::Serialize;
use std::io::IsTerminal;
use std::sync::Arc;

/// The largest token input read from stdin: room for the longest token a
/// policy can accept plus an `Authorization: Bearer` prefix.
pub(super) const MAX_TOKEN_INPUT_LEN: usize = MAX_MAX_TOKEN_LEN + 1024;

/// What was presented: a bare token, or an `Authorization` header value.
pub(super) enum Presented<'a> {
    Token(&'a str),
    Header(&'a str),
}

/// The token text from the argument, or stdin when it is absent or `-`.
pub(super) fn token_input(arg: Option<&str>) -> Result<String, Failure> {
    let text = match arg {
        Some(t) if t != "-" => t.to_owned(),
        _ => {
            if std::io::stdin().is_terminal() {
                return Err(Failure::Usage(
                    "no token: give it as an argument or pipe it on stdin".into(),
                ));
            }
            read_stdin_bounded(MAX_TOKEN_INPUT_LEN)?.to_string()
        }
    };
    if text.trim().is_empty() {
        return Err(Failure::Usage(
            "no token: the argument or stdin is empty".into(),
        ));
    }
    Ok(text)
}

/// A bare token has no whitespace; anything else is an `Authorization` header
/// value (`Bearer …`), with or without its `Authorization:` name, for the core to parse.
pub(super) fn presented(text: &str) -> Presented<'_> {
    let text = text.trim();
    if let Some((name, value)) = text.split_once(':') {
        if name.trim().eq_ignore_ascii_case("authorization") {
            return Presented::Header(value.trim());
        }
    }
    if text.contains(char::is_whitespace) {
        Presented::Header(text)
    } else {
        Presented::Token(text)
    }
}

#[derive(Serialize)]
pub(super) struct VerifyReport<'a> {
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    claims: Option<&'a Claims>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

/// A core error for scripts: its stable name and number, and its message.
#[derive(Serialize)]
pub(super) struct ErrorJson {
    name: &'static str,
    code: u32,
    message: String,
    /// The claim at fault, for a missing or ill-typed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<&'static str>,
}

impl From<Refusal> for ErrorJson {
    fn from(r: Refusal) -> Self {
        ErrorJson {
            name: r.kind.name(),
            code: r.kind.code(),
            message: r.to_string(),
            claim: r.claim,
        }
    }
}

pub(super) fn verify(args: &VerifyArgs, json: bool) -> Result<(), Failure> {
    let mut policy = Policy::new(&args.issuer);
    if let Some(audience) = &args.audience {
        policy = policy.with_audience(audience);
    }
    if let Some(leeway) = args.leeway {
        policy = policy.with_leeway(leeway).map_err(|e| {
            Failure::Usage(format!(
                "--leeway {leeway}: {}: {e} seconds",
                e.kind().name()
            ))
        })?;
    }
    policy = policy.require_user(args.require_user);
    let keys = Arc::new(load_keyset(&args.keys)?);
    let text = token_input(args.token.as_deref())?;
    let verifier = Verifier::new(keys, policy);
    let now = args.now.unwrap_or_else(|| verifier.now());

    let verdict = match presented(&text) {
        Presented::Token(token) => verifier.verify_at(token, now),
        // The core's bearer check parses the header exactly as a service would.
        Presented::Header(value) => check_bearer_at(&verifier, Some(value), Access::Any, now)
            .map_err(|answer| answer.reason.unwrap_or(Error::Internal)),
    };
    match verdict {
        Ok(claims) => {
            let shown = &claims;
            if json {
                emit(&json_text(
                    &VerifyReport {
                        valid: true,
                        claims: Some(shown),
                        error: None,
                    },
                    true,
                ))
            } else {
                emit(&json_text(&shown, false))
            }
        }
        Err(e) => {
            // The slow explanation names the claim at fault, now that it was refused.
            let refusal = verifier.explain_refusal(display_token(&text), now, e);
            if json {
                emit(&json_text(
                    &VerifyReport {
                        valid: false,
                        claims: None,
                        error: Some(refusal.into()),
                    },
                    true,
                ))?;
            }
            Err(Failure::Refused(Some(format!(
                "token refused: {}: {refusal}",
                e.name()
            ))))
        }
    }
}

pub(super) const UNVERIFIED_WARNING: &str = "UNVERIFIED: decoded without checking the signature, \
                                  expiry, issuer or audience. Do not trust any of it.";

#[derive(Serialize)]
pub(super) struct InspectReport<'a> {
    verified: bool,
    warning: &'a str,
    header: &'a serde_json::Value,
    claims: &'a serde_json::Value,
}

/// The token of a bare token or a `Bearer` header value, for display only.
pub(super) fn display_token(text: &str) -> &str {
    let value = match presented(text) {
        Presented::Token(token) => return token,
        Presented::Header(value) => value,
    };
    match value.split_once(char::is_whitespace) {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => value,
    }
}

pub(super) fn inspect(args: &InspectArgs, json: bool) -> Result<(), Failure> {
    let text = token_input(args.token.as_deref())?;
    let decoded = inspect_unverified(display_token(&text))
        .map_err(|e| Failure::Refused(Some(format!("cannot decode token: {}", describe(e)))))?;
    if json {
        return emit(&json_text(
            &InspectReport {
                verified: false,
                warning: UNVERIFIED_WARNING,
                header: &decoded.header,
                claims: &decoded.claims,
            },
            true,
        ));
    }
    let mut out = format!("{UNVERIFIED_WARNING}\n\nheader (UNVERIFIED):\n");
    out.push_str(&json_text(&decoded.header, false));
    out.push_str("\nclaims (UNVERIFIED):\n");
    out.push_str(&json_text(&decoded.claims, false));
    let now = SystemClock.now();
    let mut times = String::new();
    for name in ["iat", "nbf", "exp"] {
        if let Some(t) = decoded.claims.get(name).and_then(serde_json::Value::as_u64) {
            if let Ok(utc) = format_utc(t) {
                let when = if t <= now { "past" } else { "future" };
                times.push_str(&format!("  {name}  {t}  {utc}  ({when})\n"));
            }
        }
    }
    if !times.is_empty() {
        out.push_str("\ntimes (UNVERIFIED):\n");
        out.push_str(&times);
    }
    emit(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presented_forms() {
        assert!(matches!(
            presented(" abc.def.ghi\n"),
            Presented::Token("abc.def.ghi")
        ));
        assert!(matches!(
            presented("Bearer abc"),
            Presented::Header("Bearer abc")
        ));
        assert!(matches!(
            presented("authorization:  Bearer abc\r\n"),
            Presented::Header("Bearer abc")
        ));
        assert_eq!(display_token("AUTHORIZATION: bearer  x.y.z"), "x.y.z");
        assert_eq!(display_token("x.y.z"), "x.y.z");
    }
}
