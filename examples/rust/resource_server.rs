//! A resource server guarded by airisk-auth: one route for user tokens only,
//! one for any token of the issuer, one for tokens holding the `reports:read` scope.
//!
//! ```sh
//! cargo run -p airisk-auth-axum --example resource_server            # demo keys, prints tokens to try
//! cargo run -p airisk-auth-axum --example resource_server -- jwks.json https://airisk.example
//! ```
//!
//! With a key file (a JWKS of the issuer's public keys, or a key set), it
//! verifies that issuer's tokens; without one it makes a demo key and prints a
//! user token and a generic token with the curl commands to try them.

use airisk_auth::prelude::*;
use airisk_auth_axum::{AnyToken, Bearer, RequiredScopes, Scoped, UserToken};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (keys, issuer) = match (args.next(), args.next()) {
        (Some(file), Some(issuer)) => (KeySet::from_json(&std::fs::read_to_string(file)?)?, issuer),
        _ => (
            KeySet::single(Key::generate_hs256("example")?)?,
            "https://airisk.example".to_owned(),
        ),
    };
    let keys = Arc::new(keys);
    let verifier = Verifier::new(keys.clone(), Policy::new(&issuer));

    // The glue: three extractors and the verifier as the router's state.
    let app = Router::new()
        .route("/api/GetConversations", get(conversations))
        .route("/api/ListAgents", get(agents))
        .route("/api/Reports", get(reports))
        .with_state(Bearer::new(verifier));

    let listener = tokio::net::TcpListener::bind("127.0.0.1:8081").await?;
    println!("listening on http://{}", listener.local_addr()?);
    if keys.active().is_ok_and(|k| k.kid() == Some("example")) {
        let now = SystemClock.now();
        let user = keys.mint(&Claims::user(
            &issuer, "abc123", "user_42", now, 3600, "u-1",
        ))?;
        let generic = keys.mint(&Claims::generic(&issuer, "abc123", now, 3600, "g-1"))?;
        let mut reader = Claims::generic(&issuer, "abc123", now, 3600, "r-1");
        reader.scope = Some("reports:read".to_owned());
        let reader = keys.mint(&reader)?;
        println!(
            "curl -H 'Authorization: Bearer {user}' http://127.0.0.1:8081/api/GetConversations"
        );
        println!("curl -H 'Authorization: Bearer {generic}' http://127.0.0.1:8081/api/GetConversations   # 403");
        println!("curl -H 'Authorization: Bearer {generic}' http://127.0.0.1:8081/api/ListAgents");
        println!("curl -H 'Authorization: Bearer {reader}' http://127.0.0.1:8081/api/Reports");
        println!("curl -H 'Authorization: Bearer {generic}' http://127.0.0.1:8081/api/Reports   # 403, scope=\"reports:read\"");
    }
    axum::serve(listener, app).await?;
    Ok(())
}

/// User tokens only: a generic token gets 403 `insufficient_scope`.
async fn conversations(UserToken(claims): UserToken) -> String {
    format!("conversations of {}\n", claims.userid().unwrap_or_default())
}

/// Any valid token of the issuer.
async fn agents(AnyToken(claims): AnyToken) -> String {
    format!(
        "agents visible to client {}\n",
        claims.client_id.unwrap_or_default()
    )
}

/// The scopes `/api/Reports` requires.
struct ReadReports;

impl RequiredScopes for ReadReports {
    const SCOPES: &'static [&'static str] = &["reports:read"];
}

/// Tokens holding `reports:read`: others get 403 `insufficient_scope` naming it.
async fn reports(Scoped(claims, _): Scoped<ReadReports>) -> String {
    format!(
        "reports for client {}\n",
        claims.client_id.unwrap_or_default()
    )
}
