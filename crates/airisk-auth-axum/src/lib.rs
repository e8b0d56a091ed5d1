//! # airisk-auth-axum
//!
//! [axum](https://docs.rs/axum) glue for the sans-IO [`airisk_auth`] core:
//! extractors that guard a route with a bearer token and hand the handler the
//! verified claims, and a [`Router`](axum::Router) serving the issuer's
//! endpoints. Every decision (status, headers, body, the refusal reason) is the
//! core's; this crate only carries bytes between hyper and the core.
//!
//! Protecting a route takes three lines of glue:
//!
//! ```
//! use airisk_auth::prelude::*;
//! use airisk_auth_axum::{Bearer, UserToken};
//! use axum::{routing::get, Router};
//! # let keys = std::sync::Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
//! let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
//!
//! let app: Router = Router::new()
//!     .route("/api/GetConversations", get(|UserToken(claims): UserToken| async move { format!("hello {}", claims.userid().unwrap_or_default()) }))
//!     .with_state(Bearer::new(verifier));
//! # Ok::<(), airisk_auth::Error>(())
//! ```
//!
//! A request without a valid token never reaches the handler: it gets the
//! core's 401 (`WWW-Authenticate: Bearer error="invalid_token"`), or 403
//! `insufficient_scope` for a generic token on a [`UserToken`] route, and the
//! reason is logged through `tracing` (error name and number, and the claim at
//! fault for a token refused for one; never the token).
//!
//! | item | what |
//! |---|---|
//! | [`AnyToken`], [`UserToken`], [`Scoped`] | extractors: any valid token / a user-specific one / one holding the [`RequiredScopes`] (claims with custom claims) |
//! | [`Bearer`] | what they verify with, found in the router state via `FromRef` |
//! | [`IssuerRouter`] | authorize, token, revoke (RFC 7009), introspect (RFC 7662), JWKS and RFC 8414 metadata routes, body limit and request timeout applied |
//! | [`ConsentPage`] | the consent hook: approve at once (default) or ask the user on the host's page |
//! | [`AuthResponse`] | a core answer as an axum response (and the extractors' rejection) |
//! | [`adapter`] | the request adapter: `http` parts in, the core's answer out |
//!
//! # Decisions
//! - Body limit: at most [`adapter::MAX_READ_BODY_LEN`] (64 KiB) is read from
//!   the network; a larger declared `Content-Length` gets 413 before any byte
//!   of the body is read. Bodies between the core's own 16 KiB bound and that
//!   get the core's documented `400 Invalid request`, so every answer the
//!   vectors list is the same over the wire as in-process.
//! - A whole request, body included, gets [`DEFAULT_REQUEST_TIMEOUT`] (10 s)
//!   before 408: a slow body cannot hold a worker.
//! - Store calls (token exchange, revocation checks) run inline by default, as
//!   the in-memory store answers in nanoseconds; with a network store set
//!   [`IssuerRouter::blocking_store`] / [`Bearer::blocking`] so they run on
//!   tokio's blocking pool.
//! - The JWKS document is served with `Cache-Control: public, max-age=300`
//!   (see [`airisk_auth::flow::JWKS_MAX_AGE`]).

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod adapter;
mod consent;
mod extract;
mod response;
mod router;

pub use consent::{html_escape, ConsentPage, DecisionForm, PlainConsentPage};
pub use extract::{AnyToken, Bearer, RequiredScopes, Scoped, UserToken};
pub use response::{AuthResponse, RefusalClaim, RefusalReason};
pub use router::{IssuerRouter, IssuerState, Paths, DEFAULT_REQUEST_TIMEOUT};

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
