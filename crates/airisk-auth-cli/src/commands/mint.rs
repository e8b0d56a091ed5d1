//! `mint`: a token from flags or a claims file.

use super::{emit, json_text, load_keyset, random_hex};
use crate::cli::MintArgs;
use crate::files::read_bounded;
use crate::{describe, Failure};
use airisk_auth::clock::{format_utc, Clock, SystemClock};
use airisk_auth::diagnostic::Refusal;
use airisk_auth::flow::MAX_TOKEN_TTL;
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
    let now = args.now.unwrap_or_else(|| SystemClock.now());
    let claims = build_claims(args, file, now)?;
    let token = keys
        .mint(&claims)
        .map_err(|e| Failure::Usage(format!("cannot mint this token: {}", describe(e))))?;
    if !args.allow_incomplete {
        if let Some(refused) = refusal(keys, &claims, &token, now) {
            return Err(refused.report(json)?);
        }
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

/// Why a minted token is not handed out: the refusal (its kind and claim) and
/// what to do about it.
struct NotMinted {
    refusal: Refusal,
    why: String,
    give: &'static str,
}

impl NotMinted {
    /// The usage failure (exit 2); with `--json`, first its JSON object on
    /// stdout, with the refusal's `name`, `code` and `claim`.
    fn report(self, json: bool) -> Result<Failure, Failure> {
        let message = format!(
            "not minted: {} ({}: {}); {}, or --allow-incomplete to mint it anyway",
            self.why,
            self.refusal.kind.name(),
            self.refusal,
            self.give
        );
        let failure = Failure::Usage(message);
        if json {
            // Every failure's object, with what names the refusal.
            let mut object = failure.to_json();
            object["error"]["name"] = self.refusal.kind.name().into();
            object["error"]["code"] = self.refusal.kind.code().into();
            object["error"]["claim"] = self.refusal.claim.into();
            emit(&json_text(&object, true))?;
        }
        Ok(failure)
    }
}

/// What `verify` would answer for this token at `now`: the core's own
/// verifier of `verify --keys KEYS --issuer ISS [--audience AUD]` with the
/// token's issuer and first audience (the verify a holder of the token runs)
/// and the default leeway, through [`Verifier::explain_at`] so that a missing
/// or ill-typed claim is named. A token valid for that verifier is refused
/// still when it outlives the longest token an issuer issues
/// ([`MAX_TOKEN_TTL`]): `verify` does not bound lifetimes, so a long-lived
/// token minted by hand is the one no other check catches.
fn refusal(keys: KeySet, claims: &Claims, token: &str, now: u64) -> Option<NotMinted> {
    let mut policy = Policy::new(&claims.iss);
    if let Some(audience) = claims.aud.first() {
        policy = policy.with_audience(audience);
    }
    let verifier = Verifier::new(Arc::new(keys), policy);
    if let Some(refusal) = verifier.explain_at(token, now) {
        let give = match (refusal.kind, refusal.claim) {
            (Error::MissingClaim, Some("client_id")) => "give --client-id",
            (Error::MissingClaim, Some("sub")) => "give --client-id or --userid",
            (Error::Expired, _) => "give a later --exp, or an --iat and --ttl that end after now",
            (Error::NotYetValid, _) => {
                "give an --iat and --nbf not in the future, or --now for the time it is meant for"
            }
            _ => "complete the claims",
        };
        return Some(NotMinted {
            refusal,
            why: "`verify` would refuse this token".into(),
            give,
        });
    }
    let lifetime = claims.exp.saturating_sub(claims.iat.unwrap_or(now));
    let mut refusal = Refusal::of(Error::InvalidClaims);
    refusal.claim = Some("exp");
    (lifetime > MAX_TOKEN_TTL).then(|| NotMinted {
        refusal,
        why: format!(
            "the token would live {lifetime} seconds, longer than an issuer's longest \
             token ({MAX_TOKEN_TTL} seconds)"
        ),
        give: "give a shorter --ttl or an earlier --exp",
    })
}

/// The claims of the flags and the file (flags win); `iat` defaults to `now`.
pub(super) fn build_claims(args: &MintArgs, file: ClaimsFile, now: u64) -> Result<Claims, Failure> {
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
    let iat = args.iat.or(file.iat).unwrap_or(now);
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
