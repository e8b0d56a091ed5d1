//! The consent hook: what the authorization endpoint does with a valid request.
//!
//! By default the [`IssuerRouter`](crate::IssuerRouter) approves at once, as the
//! AIRisk pages document. A host that asks the user first gives the router a
//! [`ConsentPage`]: the authorization endpoint then validates the request (the
//! core's direct or redirected errors are sent as they are), seals it into a
//! single-use ticket and answers with the host's page; the page POSTs the
//! ticket and the user's decision to [`Paths::decide`](crate::Paths), which
//! opens the ticket once and answers the core's approval (302 with the code) or
//! denial (302 with `error=access_denied` and `state`). No server-side session
//! is kept: the ticket carries the request, tamper-proof and short-lived.
//!
//! # Decisions
//! - The page is sent with `Cache-Control: no-store`, `X-Frame-Options: DENY`
//!   and `Content-Security-Policy: frame-ancestors 'none'`: a consent page that
//!   another site could frame invites clickjacking (RFC 6749 §10.13).
//! - The decision form is `application/x-www-form-urlencoded` with exactly one
//!   `ticket` and one `decision` (`approve` or `deny`). Anything else (another
//!   content type, a missing or repeated field, another decision, a body over
//!   the core's [`MAX_BODY_LEN`](airisk_auth::flow::MAX_BODY_LEN)) is answered
//!   as the core answers an unusable ticket (400, `invalid_request`), and the
//!   ticket is not used up: the user can still decide.
//! - Who the user is (login) stays the host's business: the page is where the
//!   host shows its login or its account; the core binds the `userid` of the
//!   request into the ticket and the code.
//! - The ticket is not bound to a browser session (no server-side state is the
//!   point of it): anyone holding a ticket can post a decision for it. The
//!   built-in decide route suits hosts whose page itself authenticates the user.
//!   A host with its own login session serves the decision in its own handler
//!   instead (the three core calls of [`adapter::decide`](crate::adapter::decide):
//!   `open_ticket`, then its check that the logged-in user is the pending
//!   request's `userid`, then `approve` or `deny`), with its own CSRF token, as
//!   for any form that acts for the user (RFC 6749 §10.12).

use airisk_auth::flow::PendingAuthorization;

/// What the page needs to send the user's decision back.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct DecisionForm<'a> {
    /// Where the form POSTs: [`Paths::decide`](crate::Paths).
    pub action: &'a str,
    /// The sealed request, to send back unchanged in the `ticket` field.
    pub ticket: &'a str,
}

impl<'a> DecisionForm<'a> {
    /// The form posting `ticket` to `action`.
    #[must_use]
    pub fn new(action: &'a str, ticket: &'a str) -> Self {
        DecisionForm { action, ticket }
    }
}

/// The host's consent page: HTML asking the user to approve or deny `pending`,
/// with a form that POSTs `ticket` and `decision` (`approve` or `deny`) to
/// `form.action`. Any `Fn(&PendingAuthorization, &DecisionForm) -> String` is one.
///
/// Everything shown from `pending` comes from the browser's query: escape it
/// (see [`html_escape`]).
pub trait ConsentPage: Send + Sync + 'static {
    /// The page's HTML.
    fn render(&self, pending: &PendingAuthorization, form: &DecisionForm<'_>) -> String;
}

impl<F> ConsentPage for F
where
    F: Fn(&PendingAuthorization, &DecisionForm<'_>) -> String + Send + Sync + 'static,
{
    fn render(&self, pending: &PendingAuthorization, form: &DecisionForm<'_>) -> String {
        self(pending, form)
    }
}

/// A plain consent page: the client, the user and two buttons. `airisk-auth
/// serve --consent-page` uses it; a host usually writes its own.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlainConsentPage;

impl ConsentPage for PlainConsentPage {
    fn render(&self, pending: &PendingAuthorization, form: &DecisionForm<'_>) -> String {
        let user = pending
            .userid()
            .map_or_else(String::new, |u| format!(" for <b>{}</b>", html_escape(u)));
        format!(
            "<!doctype html><meta charset=\"utf-8\"><title>Authorize</title>\
             <p><b>{client}</b> asks for access{user}.</p>\
             <form method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"ticket\" value=\"{ticket}\">\
             <button name=\"decision\" value=\"approve\">Approve</button> \
             <button name=\"decision\" value=\"deny\">Deny</button></form>\n",
            client = html_escape(pending.client_id()),
            action = html_escape(form.action),
            ticket = html_escape(form.ticket),
        )
    }
}

/// `text` with `&`, `<`, `>`, `"` and `'` written as character references, for
/// HTML text and quoted attribute values.
#[must_use]
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_html_would_read_as_markup() {
        assert_eq!(
            html_escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(html_escape("plain é"), "plain é");
    }
}
