//! `mint`: a token from flags or a claims file.

use super::{emit, json_text, load_keyset, random_hex};
use crate::cli::MintArgs;
use crate::files::read_bounded;
use crate::{describe, Failure};
use airisk_auth::clock::{format_utc, Clock, SystemClock};
use airisk_auth::keys::KeySet;
use airisk_auth::token::{Claims, Policy, Verifier};
use airisk_auth::Error;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The members a claims file may hold (the [`Claims`] JSON form, all optional:
/// flags fill in or override them).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ClaimsFile {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
    client_id: Option<String>,
    user_token: Option<bool>,
    company_id: Option<String>,
    iat: Option<u64>,
    nbf: Option<u64>,
    exp: Option<u64>,
    jti: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Serialize)]
pub(super) struct MintReport<'a> {
    access_token: &'a str,
    expiration: String,
    claims: &'a Claims,
}

/// A claims file is small; anything larger is refused unread.
pub(super) const MAX_CLAIMS_FILE_LEN: usize = 64 * 1024;

pub(super) fn mint(args: &MintArgs, json: bool) -> Result<(), Failure> {
    let keys = load_keyset(&args.keys)?;
    let file = match &args.claims {
        Some(path) => {
            let text = read_bounded(path, MAX_CLAIMS_FILE_LEN)?;
            serde_json::from_str::<ClaimsFile>(&text).map_err(|e| {
                Failure::Usage(format!("{} is not a claims object: {e}", path.display()))
            })?
        }
        None => ClaimsFile::default(),
    };
    let claims = build_claims(args, file)?;
    let token = keys
        .mint(&claims)
        .map_err(|e| Failure::Usage(format!("cannot mint this token: {}", describe(e))))?;
    if !args.allow_incomplete {
        refuse_incomplete(keys, &claims, &token)?;
    }
    if json {
        let expiration = format_utc(claims.exp).map_err(|e| Failure::Usage(describe(e)))?;
        return emit(&json_text(
            &MintReport {
                access_token: &token,
                expiration,
                claims: &claims,
            },
            true,
        ));
    }
    emit(&format!("{token}\n"))
}

/// Refuses a token that `verify` with its default policy would refuse for a
/// missing claim: the core's own verifier decides, at the token's issue time,
/// so a token meant to be valid later is judged on its claims alone.
fn refuse_incomplete(keys: KeySet, claims: &Claims, token: &str) -> Result<(), Failure> {
    let verifier = Verifier::new(Arc::new(keys), Policy::new(&claims.iss));
    let at = claims.iat.unwrap_or_else(|| claims.exp.saturating_sub(1));
    match verifier.explain_at(token, at) {
        Some(refusal) if refusal.kind == Error::MissingClaim => {
            let give = match refusal.claim {
                Some("client_id") => "give --client-id",
                Some("sub") => "give --client-id or --userid",
                _ => "complete the claims",
            };
            Err(Failure::Usage(format!(
                "not minted: `verify` would refuse this token ({}: {refusal}); {give}, \
                 or --allow-incomplete to mint it anyway",
                refusal.kind.name()
            )))
        }
        _ => Ok(()),
    }
}

pub(super) fn build_claims(args: &MintArgs, file: ClaimsFile) -> Result<Claims, Failure> {
    let iss = args.issuer.clone().or(file.iss).ok_or_else(|| {
        Failure::Usage("no issuer: give --issuer or \"iss\" in the claims file".into())
    })?;
    let client_id = args.client_id.clone().or(file.client_id);
    let user_token = args.user.is_some() || file.user_token.unwrap_or(false);
    let sub = args
        .user
        .clone()
        .or(file.sub)
        .or_else(|| (!user_token).then(|| client_id.clone()).flatten());
    let aud = if args.audience.is_empty() {
        match file.aud {
            Some(Audience::One(a)) => vec![a],
            Some(Audience::Many(a)) => a,
            None => Vec::new(),
        }
    } else {
        args.audience.clone()
    };
    let iat = args.iat.or(file.iat).unwrap_or_else(|| SystemClock.now());
    let exp = match args.exp.or(file.exp) {
        Some(exp) => exp,
        None => iat
            .checked_add(args.ttl)
            .ok_or_else(|| Failure::Usage(format!("--ttl {} is too large", args.ttl)))?,
    };
    let jti = match args.jti.clone().or(file.jti) {
        Some(jti) => jti,
        None => random_hex(16)?,
    };
    Ok({
        let mut claims = Claims::new(iss, exp);
        claims.sub = sub;
        claims.aud = aud;
        claims.client_id = client_id;
        claims.user_token = user_token;
        claims.company_id = args.company.clone().or(file.company_id);
        claims.iat = Some(iat);
        claims.nbf = args.nbf.or(file.nbf);
        claims.jti = Some(jti);
        claims
    })
}
