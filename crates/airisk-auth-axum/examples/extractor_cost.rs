//! What the bearer guard adds per request, in-process (no sockets): an axum
//! route with and without `AnyToken`, and one calling the adapter's
//! `check_bearer` itself, driven through tower, beside the core's
//! `check_bearer` alone. Used by BENCHMARKS.md to explain the HTTP ratio.
//!
//! ```sh
//! cargo run --release -p airisk-auth-axum --example extractor_cost
//! ```

// An example measuring one thing: pedantic naming and string-building lints do not help it.
#![allow(clippy::similar_names, clippy::format_push_string)]

use airisk_auth::prelude::*;
use airisk_auth_axum::{adapter, AnyToken, Bearer};
use axum::extract::State;
use axum::{body::Body, routing::get, Router};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;
use tower::ServiceExt;

const REQUESTS: u32 = 200_000;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
    let issuer = "https://airisk.example";
    let claims = Claims::generic(issuer, "abc123", SystemClock.now(), 3600, "t-1");
    let authorization = format!("Bearer {}", keys.mint(&claims)?);
    let verifier = Verifier::new(keys, Policy::new(issuer));
    let app: Router = Router::new()
        .route("/open", get(|| async { "ok\n" }))
        .route("/guarded", get(|AnyToken(_): AnyToken| async { "ok\n" }))
        .route("/direct", get(direct))
        .with_state(Bearer::new(verifier.clone()));
    for round in 1..=3 {
        let mut line = format!("round {round}:");
        for path in ["/open", "/guarded", "/direct"] {
            let start = Instant::now();
            for _ in 0..REQUESTS {
                let request = http::Request::get(path)
                    .header("authorization", &authorization)
                    .body(Body::empty())?;
                let response = app.clone().oneshot(request).await?;
                assert_eq!(response.status(), 200);
            }
            let _ = write!(line, " {path} {:.2} µs", micros(start));
        }
        let start = Instant::now();
        for _ in 0..REQUESTS {
            let outcome = check_bearer(&verifier, Some(&authorization), Access::Any);
            assert!(outcome.is_ok());
        }
        println!("{line}, check_bearer alone {:.2} µs", micros(start));
    }
    Ok(())
}

/// The same check without the extractor: the headers copied out, the adapter called.
async fn direct(State(bearer): State<Bearer>, headers: http::HeaderMap) -> &'static str {
    let verified = adapter::check_bearer(bearer.verifier(), &headers, Access::Any);
    assert!(verified.is_ok());
    "ok\n"
}

fn micros(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e6 / f64::from(REQUESTS)
}
