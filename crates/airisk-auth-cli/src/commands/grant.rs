//! `revoke-grant`: withdraws a consent in a shared store, for operators (the
//! host's "connected apps" page calls `Issuer::revoke_grant` itself).
//!
//! # Decisions
//! - Only a shared store makes sense here (`redis://…` / `rediss://…`): a
//!   memory store would die with this process and revoke nothing anywhere.
//! - How long the revocation is kept is the core's rule
//!   (`Issuer::revoke_grant`), computed from the default lifetimes: the same
//!   ones `serve` runs with (token 1 h, code 60 s, refresh idle 7 days, plus
//!   the largest leeway). The issuer built for the call signs nothing; its key
//!   and code key are throwaway.
//! - The Redis store is built with the `redis` feature; without it the command
//!   parses and refuses (exit 2), naming the feature (`crate::shared_store`).
//! - Success is said only once the store confirmed the write; any store error
//!   is a refusal (exit 1): nothing may be assumed revoked.

use crate::cli::RevokeGrantArgs;
use crate::commands::{emit, json_text};
use crate::shared_store::{is_shared_store_url, SharedStore};
use crate::{describe, Failure};
use airisk_auth::code::CodeKey;
use airisk_auth::flow::{Issuer, IssuerConfig};
use airisk_auth::keys::{Key, KeySet};
use airisk_auth::registry::MemoryRegistry;
use std::sync::Arc;

/// Runs `revoke-grant`.
pub(crate) fn revoke_grant(args: &RevokeGrantArgs, json: bool) -> Result<(), Failure> {
    if !is_shared_store_url(&args.store) {
        return Err(Failure::Usage(
            "--store must be a redis:// or rediss:// URL (the store every server shares)".into(),
        ));
    }
    let store = SharedStore::open(&args.store)?;
    let usage = |e| Failure::Usage(describe(e));
    let keys =
        KeySet::single(Key::generate_hs256("revoke-grant").map_err(usage)?).map_err(usage)?;
    let issuer = Issuer::new(
        IssuerConfig::new("https://revoke-grant.invalid"),
        Arc::new(keys),
        CodeKey::generate().map_err(usage)?,
        Arc::new(MemoryRegistry::new()),
        store.store(),
    )
    .map_err(usage)?;
    issuer
        .revoke_grant(&args.client_id, args.userid.as_deref())
        .map_err(|e| Failure::Refused(Some(format!("nothing was revoked: {}", describe(e)))))?;
    let text = if json {
        json_text(
            &serde_json::json!({"revoked": true, "client_id": args.client_id, "userid": args.userid}),
            true,
        )
    } else {
        match &args.userid {
            Some(userid) => format!(
                "revoked the grant of client {} for user {userid}\n",
                args.client_id
            ),
            None => format!("revoked the generic grant of client {}\n", args.client_id),
        }
    };
    emit(&text)
}
