//! `demo`: the AIRisk OAuth2 flow, run in-process through the core's sans-IO
//! API, every answer printed as an HTTP exchange and checked against the docs.
//!
//! The HTTP text is rendered from the exact request bytes given to the core
//! and the exact [`Response`] it returned; only the 200 answers of the two
//! protected resources are the demo's own (the core decides whether they may
//! proceed, and answers 401/403 itself).

mod clients;
mod exchange;
mod lifecycle;
mod render;
mod walk;

use render::{intro, render_step, Report, Step};

use crate::cli::{DemoArgs, KeyAlg};
use crate::commands::{emit, json_text};
use crate::{describe, style, Failure};
use airisk_auth::clock::{format_utc, ManualClock};
use airisk_auth::code::CodeKey;
use airisk_auth::flow::{Issuer, IssuerConfig};
use airisk_auth::keys::{Key, KeySet};
use airisk_auth::registry::MemoryRegistry;
use airisk_auth::store::MemoryStore;
use airisk_auth::token::Verifier;
use airisk_auth::Error;
use std::sync::Arc;

/// The registry the demo runs on.
pub(crate) const DEMO_REGISTRY: &str = include_str!("../demo_registry.json");
/// The secret of client abc123; the registry holds only its SHA-256 digest.
const CLIENT_SECRET: &str = "demo-secret-abc123-do-not-use-in-production";
const CLIENT_ID: &str = "abc123";
const HOST: &str = "api.airisk.example.com";
const ISSUER: &str = "https://api.airisk.example.com";
const CALLBACK: &str = "https://localhost/callback";
const APP_CALLBACK: &str = "https://app.example/cb";
/// The sample code of the AIRisk docs, used where a request fails before the code matters.
const SAMPLE_CODE: &str = "SplxlOBeZQQYbYS6WxSbIA";
/// 2025-03-31T12:12:15Z. The first token is issued two seconds later, so with the
/// default one-hour lifetime it expires at 2025-03-31T13:12:17Z, as in the docs' example.
const CLOCK_START: u64 = 1_743_423_135;
const RESOURCE_ANY: &str = "/api/demo/agents";
const RESOURCE_USER: &str = "/api/demo/profile";

struct Demo {
    issuer: Issuer,
    /// The signing algorithm's JWS name (`HS256` or `EdDSA`).
    algorithm: &'static str,
    verifier: Verifier,
    clock: Arc<ManualClock>,
    steps: Vec<Step>,
    /// What the next exchange shows, printed above it.
    label: Option<String>,
}

/// Runs the demo; `Err` when any answer differs from the documented one.
pub(crate) fn run(args: &DemoArgs, json: bool) -> Result<(), Failure> {
    let broken = |what: &str, e: Error| {
        Failure::Refused(Some(format!("demo setup failed: {what}: {}", describe(e))))
    };
    let key = match args.alg {
        KeyAlg::Hs256 => Key::generate_hs256("demo-hs256"),
        KeyAlg::Eddsa => Key::generate_ed25519("demo-eddsa"),
    }
    .map_err(|e| broken("key", e))?;
    let algorithm = key.algorithm().as_str();
    let kid = key.kid().unwrap_or_default().to_owned();
    let keys = Arc::new(KeySet::single(key).map_err(|e| broken("key set", e))?);
    let registry = MemoryRegistry::from_json(DEMO_REGISTRY).map_err(|e| {
        Failure::Refused(Some(format!("the embedded demo registry is invalid: {e}")))
    })?;
    let clock = Arc::new(ManualClock::new(CLOCK_START));
    let issuer = Issuer::new(
        IssuerConfig::new(ISSUER),
        keys,
        CodeKey::generate().map_err(|e| broken("code key", e))?,
        Arc::new(registry),
        // One process: the demo's own memory is the whole deployment.
        Arc::new(MemoryStore::default()),
    )
    .map_err(|e| broken("issuer", e))?
    .with_clock(clock.clone());
    let mut demo = Demo {
        verifier: issuer.verifier(),
        algorithm,
        issuer,
        clock,
        steps: Vec::new(),
        label: None,
    };
    demo.walk();

    let checks = || {
        demo.steps
            .iter()
            .flat_map(|s| &s.exchanges)
            .flat_map(|x| &x.checks)
    };
    let passed = checks().filter(|c| c.ok).count();
    let failed = checks().count() - passed;
    let clock_start = format_utc(CLOCK_START).unwrap_or_default();
    if json {
        emit(&json_text(
            &Report {
                ok: failed == 0,
                passed,
                failed,
                issuer: ISSUER,
                algorithm,
                clock_start,
                steps: &demo.steps,
            },
            true,
        ))?;
    } else {
        let color = style::stdout_color();
        let mut out = intro(algorithm, &kid, &clock_start);
        for (number, step) in demo.steps.iter().enumerate() {
            render_step(&mut out, number + 1, step, color);
        }
        out.push('\n');
        if failed == 0 {
            out.push_str(&format!(
                "demo: all {passed} checks passed: authorize -> 302, token -> 200, bearer checks, \
                 replayed code refused and its token revoked, documented errors exact, Basic auth, \
                 a public client with PKCE, a denial, a scoped token refused with 403, a custom claim, \
                 refresh rotation and reuse, introspection, revocation, grant revocation, metadata and JWKS\n"
            ));
        } else {
            out.push_str(&format!(
                "demo: {failed} of {} checks {}: the flow did not behave as documented\n",
                passed + failed,
                style::fail(color)
            ));
        }
        emit(&out)?;
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(Failure::Refused(Some(format!(
            "{failed} demo check{} failed",
            if failed == 1 { "" } else { "s" }
        ))))
    }
}
