//! Consent (issue 14): validate, then approve or deny; the pending request
//! sealed into a single-use ticket and opened again on a later request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::flow::{PendingAuthorization, MAX_TICKET_LEN};
use airisk_auth::prelude::*;
use std::sync::Arc;

const NOW: u64 = 1_743_423_132;
const CB: &str = "https%3A%2F%2Flocalhost%2Fcb";

fn issuer() -> Issuer {
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(Client::new("abc123", "s3cret-0123456789", "https://localhost/cb").unwrap())
        .unwrap();
    registry
        .add_user(User::new("user_42", None).unwrap())
        .unwrap();
    let keys = Arc::new(KeySet::single(Key::generate_hs256("k").unwrap()).unwrap());
    Issuer::new(
        IssuerConfig::new("https://airisk.example"),
        keys,
        CodeKey::generate().unwrap(),
        Arc::new(registry),
        Arc::new(MemoryStore::default()),
    )
    .unwrap()
}

fn pending(issuer: &Issuer) -> PendingAuthorization {
    issuer
        .validate_authorization(&format!(
            "client_id=abc123&redirect_uri={CB}&userid=user_42&state=a%20b"
        ))
        .unwrap()
}

fn location_params(answer: &Response) -> Vec<(String, String)> {
    let location = answer.header("Location").unwrap();
    let query = location.split_once('?').unwrap().1;
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn code_of(answer: &Response) -> String {
    location_params(answer)
        .into_iter()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
}

fn exchange(issuer: &Issuer, code: &str, now: u64) -> Response {
    let body = format!(
        "client_id=abc123&client_secret=s3cret-0123456789&redirect_uri={CB}&code={code}&userid=user_42"
    );
    issuer.exchange_at(
        &Request::new(Some("application/x-www-form-urlencoded"), body.as_bytes()),
        now,
    )
}

#[test]
fn a_pending_request_shows_what_a_consent_page_needs() {
    let issuer = issuer();
    let p = pending(&issuer);
    assert_eq!(p.client_id(), "abc123");
    assert_eq!(p.redirect_uri(), "https://localhost/cb");
    assert_eq!(p.userid(), Some("user_42"));
    assert_eq!(p.state(), Some("a b"));
    assert!(!p.uses_pkce());
}

#[test]
fn approving_redirects_with_a_code_that_exchanges() {
    let issuer = issuer();
    let answer = issuer.approve_at(&pending(&issuer), NOW);
    assert_eq!(answer.status, 302);
    assert!(location_params(&answer).contains(&("state".into(), "a b".into())));
    assert_eq!(exchange(&issuer, &code_of(&answer), NOW + 1).status, 200);
}

#[test]
fn denying_redirects_with_access_denied_and_the_state() {
    let issuer = issuer();
    let answer = issuer.deny(&pending(&issuer));
    assert_eq!(answer.status, 302);
    assert_eq!(answer.reason, Some(Error::AccessDenied));
    let params = location_params(&answer);
    assert!(params.contains(&("error".into(), "access_denied".into())));
    assert!(params.contains(&("state".into(), "a b".into())));
    assert!(!params.iter().any(|(k, _)| k == "code"));
}

#[test]
fn a_ticket_opens_once_to_the_same_request() {
    let issuer = issuer();
    let p = pending(&issuer);
    let ticket = issuer.seal_at(&p, NOW).unwrap();
    assert!(ticket.len() < MAX_TICKET_LEN);
    let opened = issuer.open_ticket_at(&ticket, NOW + 30).unwrap();
    assert_eq!(opened, p);
    let code = code_of(&issuer.approve_at(&opened, NOW + 31));
    assert_eq!(exchange(&issuer, &code, NOW + 32).status, 200);
    let reused = issuer.open_ticket_at(&ticket, NOW + 33).unwrap_err();
    assert_eq!(
        (reused.status, reused.reason),
        (400, Some(Error::InvalidTicket))
    );
}

#[test]
fn a_ticket_expires() {
    let issuer = issuer();
    let ticket = issuer.seal_at(&pending(&issuer), NOW).unwrap();
    let ttl = issuer.config().ticket_ttl;
    let late = issuer.open_ticket_at(&ticket, NOW + ttl).unwrap_err();
    assert_eq!(
        (late.status, late.reason),
        (400, Some(Error::TicketExpired))
    );
    assert!(issuer.open_ticket_at(&ticket, NOW + ttl - 1).is_ok());
}

#[test]
fn a_tampered_ticket_or_another_issuers_is_refused() {
    let issuer = issuer();
    let ticket = issuer.seal_at(&pending(&issuer), NOW).unwrap();
    for i in [0, 5, ticket.len() / 2, ticket.len() - 2] {
        let mut bytes = ticket.clone().into_bytes();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        let refused = issuer.open_ticket_at(&tampered, NOW + 1).unwrap_err();
        assert_eq!(refused.reason, Some(Error::InvalidTicket), "byte {i}");
    }
    let other = issuer_with_other_key();
    let refused = other.open_ticket_at(&ticket, NOW + 1).unwrap_err();
    assert_eq!(refused.reason, Some(Error::InvalidTicket));
    // The original still opens: refusals did not use it up.
    assert!(issuer.open_ticket_at(&ticket, NOW + 2).is_ok());
}

fn issuer_with_other_key() -> Issuer {
    issuer()
}

#[test]
fn hostile_tickets_never_get_past_validation() {
    let issuer = issuer();
    let mut junk = Vec::new();
    let mut x: u32 = 0x1234_5678;
    for len in [0usize, 1, 57, 100, 1000, 8000] {
        let ticket: String = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                char::from(
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                        [usize::try_from(x % 64).unwrap()],
                )
            })
            .collect();
        junk.push(ticket);
    }
    junk.push("A".repeat(1024 * 1024));
    junk.push("not base64 !".into());
    for ticket in &junk {
        let refused = issuer.open_ticket_at(ticket, NOW).unwrap_err();
        assert_eq!(refused.status, 400, "{ticket:.20}");
        assert_eq!(refused.reason, Some(Error::InvalidTicket));
    }
}
