//! An authorization server on airisk-auth and axum: AIRisk's authorize and
//! token endpoints with a consent page, the JWKS, and one protected route, in
//! one process. The authorization URL answers with the page; its buttons post
//! the sealed ticket and the decision to /api/oauth2/decide, which redirects
//! with the code (approve) or `error=access_denied` (deny).
//!
//! ```sh
//! cargo run -p airisk-auth-axum --example authorization_server
//! curl -i 'http://127.0.0.1:8082/api/oauth2?client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42&state=xyz'
//! curl -i -X POST http://127.0.0.1:8082/api/oauth2/decide -d 'ticket=TICKET_FROM_THE_PAGE&decision=approve'
//! curl -i -X POST http://127.0.0.1:8082/api/oauth2/Token -H 'Content-Type: application/x-www-form-urlencoded' \
//!      -d 'client_id=abc123&client_secret=example-secret-abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code=CODE&userid=user_42'
//! curl -i -H 'Authorization: Bearer TOKEN' http://127.0.0.1:8082/api/GetConversations
//! ```
//!
//! For the full server (key and registry files, Redis, TLS, logs, graceful
//! shutdown) run `airisk-auth serve` instead (the CLI built with
//! `--features serve,redis`).

use airisk_auth::flow::PendingAuthorization;
use airisk_auth::prelude::*;
use airisk_auth_axum::{html_escape, DecisionForm, IssuerRouter, UserToken};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

const REGISTRY: &str = r#"{
  "clients": [{"client_id": "abc123", "client_secret": "example-secret-abc123",
               "redirect_uri": "https://localhost/callback"}],
  "users": [{"userid": "user_42", "company_id": "acme"}]
}"#;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = MemoryRegistry::from_json(REGISTRY)?;
    let keys = Arc::new(KeySet::single(Key::generate_ed25519("example")?)?);
    let config = IssuerConfig::new("https://airisk.example");
    let issuer = Issuer::new(
        config,
        keys,
        CodeKey::generate()?,
        Arc::new(registry),
        Arc::new(MemoryStore::default()),
    )?;

    let endpoints = IssuerRouter::new(Arc::new(issuer)).consent_page(consent_page);
    let protected = Router::new()
        .route("/api/GetConversations", get(conversations))
        .with_state(endpoints.bearer());
    let app = endpoints.into_router().merge(protected);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:8082").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// The host's page: a real one would show its login and the client's name and logo.
fn consent_page(pending: &PendingAuthorization, form: &DecisionForm<'_>) -> String {
    format!(
        "<!doctype html><title>Allow access?</title>\
         <p>{client} wants to read the conversations of {user}.</p>\
         <form method=post action=\"{action}\">\
         <input type=hidden name=ticket value=\"{ticket}\">\
         <button name=decision value=approve>Allow</button>\
         <button name=decision value=deny>Deny</button></form>",
        client = html_escape(pending.client_id()),
        user = html_escape(pending.userid().unwrap_or("this application")),
        action = html_escape(form.action),
        ticket = html_escape(form.ticket),
    )
}

async fn conversations(UserToken(claims): UserToken) -> String {
    format!("conversations of {}\n", claims.userid().unwrap_or_default())
}
