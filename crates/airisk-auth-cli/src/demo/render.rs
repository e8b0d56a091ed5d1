//! What the demo records (requests, answers, checks) and how it prints it.

use super::{DEMO_REGISTRY, ISSUER};
use crate::style;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct HttpRequest {
    pub(super) method: &'static str,
    pub(super) target: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: String,
}

#[derive(Serialize)]
pub(super) struct HttpResponse {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: String,
    /// The precise reason the core gives for logs (never sent to the client).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) reason: Option<&'static str>,
}

#[derive(Serialize)]
pub(super) struct Check {
    pub(super) ok: bool,
    pub(super) expected: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) got: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Exchange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) label: Option<String>,
    pub(super) request: HttpRequest,
    pub(super) response: HttpResponse,
    pub(super) checks: Vec<Check>,
}

#[derive(Serialize)]
pub(super) struct Step {
    pub(super) title: String,
    pub(super) notes: Vec<String>,
    pub(super) exchanges: Vec<Exchange>,
}

#[derive(Serialize)]
pub(super) struct Report<'a> {
    pub(super) ok: bool,
    pub(super) passed: usize,
    pub(super) failed: usize,
    pub(super) issuer: &'a str,
    pub(super) algorithm: &'a str,
    pub(super) clock_start: String,
    pub(super) steps: &'a [Step],
}

pub(super) fn intro(algorithm: &str, kid: &str, clock_start: &str) -> String {
    let mut out = String::from(
        "airisk-auth demo: the AIRisk OAuth2 authorization-code flow, run in-process through the\n\
         airisk-auth core's sans-IO API (no network). Every answer is checked against the docs.\n\n",
    );
    out.push_str(&format!("  issuer    {ISSUER}\n"));
    // Described from the embedded document itself, so the text cannot drift from it.
    if let Ok(doc) = serde_json::from_str::<serde_json::Value>(DEMO_REGISTRY) {
        let list = |key: &str, f: &dyn Fn(&serde_json::Value) -> String| -> String {
            doc[key]
                .as_array()
                .map(|a| a.iter().map(f).collect::<Vec<_>>().join("; "))
                .unwrap_or_default()
        };
        let clients = list("clients", &|c| {
            format!(
                "{} (redirect_uri \"{}\")",
                c["client_id"].as_str().unwrap_or("?"),
                c["redirect_uri"].as_str().unwrap_or("?")
            )
        });
        let users = list("users", &|u| match u["company_id"].as_str() {
            Some(company) => format!(
                "{} (company {company})",
                u["userid"].as_str().unwrap_or("?")
            ),
            None => u["userid"].as_str().unwrap_or("?").to_owned(),
        });
        out.push_str(&format!("  clients   {clients}\n  users     {users}\n"));
    }
    out.push_str(&format!(
        "  keys      a fresh {algorithm} signing key \"{kid}\" and a fresh authorization-code key\n\
         \x20 clock     pinned at {clock_start} and moved by hand between requests\n"
    ));
    out
}

pub(super) fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Tokens are long; in the text output an `Authorization` header shows the
/// start and end of its token (the full token is in the token response above it).
pub(super) fn shown_header_value(name: &str, value: &str) -> String {
    match value.strip_prefix("Bearer ") {
        Some(token) if name == "Authorization" && token.len() > 40 => {
            format!("Bearer {}…{}", &token[..24], &token[token.len() - 8..])
        }
        _ => value.to_owned(),
    }
}

pub(super) fn render_step(out: &mut String, number: usize, step: &Step, color: bool) {
    out.push_str(&format!(
        "\n{}\n",
        style::heading(&format!("== {number}. {} ==", step.title), color)
    ));
    for note in &step.notes {
        out.push_str(&format!("{note}\n"));
    }
    for exchange in &step.exchanges {
        if let Some(label) = &exchange.label {
            out.push_str(&format!("\n  -- {label}\n"));
        }
        let request = &exchange.request;
        out.push_str(&format!(
            "\n    {} {} HTTP/1.1\n",
            request.method, request.target
        ));
        for (name, value) in &request.headers {
            out.push_str(&format!(
                "    {name}: {}\n",
                shown_header_value(name, value)
            ));
        }
        out.push('\n');
        if !request.body.is_empty() {
            out.push_str(&format!("    {}\n\n", request.body));
        }
        let response = &exchange.response;
        out.push_str(&format!(
            "    HTTP/1.1 {} {}\n",
            response.status,
            reason_phrase(response.status)
        ));
        for (name, value) in &response.headers {
            out.push_str(&format!("    {name}: {value}\n"));
        }
        out.push('\n');
        if !response.body.is_empty() {
            out.push_str(&format!("    {}\n\n", response.body));
        }
        if let Some(reason) = response.reason {
            out.push_str(&format!(
                "    (reason given to the server's logs, not sent: {reason})\n\n"
            ));
        }
        for check in &exchange.checks {
            if check.ok {
                out.push_str(&format!(
                    "  {}      {}\n",
                    style::pass(color),
                    check.expected
                ));
            } else {
                out.push_str(&format!(
                    "  {}  {} (got {})\n",
                    style::fail(color),
                    check.expected,
                    check.got.as_deref().unwrap_or("something else")
                ));
            }
        }
    }
}
