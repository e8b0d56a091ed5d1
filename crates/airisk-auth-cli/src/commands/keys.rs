//! `keygen` and `jwks`: key sets made and published.

use super::{emit, json_text, load_keyset, random_hex};
use crate::cli::{JwksArgs, KeyAlg, KeygenArgs};
use crate::files::write_secret_file;
use crate::{describe, style, Failure};
use airisk_auth::clock::{format_utc, Clock, SystemClock};
use airisk_auth::keys::{Key, KeySet};
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct KeygenReport<'a> {
    file: String,
    kid: &'a str,
    alg: &'a str,
    active_kid: &'a str,
    keys: usize,
}

pub(super) fn default_kid() -> Result<String, Failure> {
    let date = format_utc(SystemClock.now()).map_err(|e| Failure::Io(describe(e)))?;
    Ok(format!("{}-{}", &date[..10], random_hex(2)?))
}

pub(super) fn keygen(args: &KeygenArgs, json: bool) -> Result<(), Failure> {
    let kid = match &args.kid {
        Some(kid) => kid.clone(),
        None => default_kid()?,
    };
    let key = match args.alg {
        KeyAlg::Hs256 => Key::generate_hs256(&kid),
        KeyAlg::Eddsa => Key::generate_ed25519(&kid),
    }
    .map_err(|e| Failure::Usage(format!("cannot make key {kid:?}: {}", describe(e))))?;
    let alg = key.algorithm().as_str();

    let set = match (&args.out, args.append) {
        (Some(path), true) => {
            let mut set = load_keyset(path)?;
            set.insert(key).map_err(|e| {
                Failure::Usage(format!(
                    "cannot add key {kid:?} to {}: {}",
                    path.display(),
                    describe(e)
                ))
            })?;
            set.set_active(&kid)
                .map_err(|e| Failure::Usage(describe(e)))?;
            set
        }
        _ => KeySet::single(key).map_err(|e| Failure::Usage(describe(e)))?,
    };
    let document = set.to_json_string(true, !json);

    let Some(path) = args.out.as_deref().filter(|_| !args.print) else {
        eprintln!(
            "{}: the key set below contains a secret key; keep it out of logs and shell history",
            style::warning_label()
        );
        return emit(&document);
    };
    write_secret_file(path, document.as_bytes(), args.force || args.append)?;
    if json {
        return emit(&json_text(
            &KeygenReport {
                file: path.display().to_string(),
                kid: &kid,
                alg,
                active_kid: &kid,
                keys: set.len(),
            },
            true,
        ));
    }
    let mut text = format!(
        "wrote {alg} key {kid:?} to {} (mode 0600; the signing key of {} key{})\n",
        path.display(),
        set.len(),
        if set.len() == 1 { "" } else { "s" }
    );
    if args.alg == KeyAlg::Eddsa {
        text.push_str(&format!(
            "publish its public key with: airisk-auth jwks --keys {}\n",
            path.display()
        ));
    }
    emit(&text)
}

// ---------------------------------------------------------------- jwks

pub(super) fn jwks(args: &JwksArgs, json: bool) -> Result<(), Failure> {
    let set = load_keyset(&args.keys)?;
    let jwks = set.to_jwks();
    let published = jwks["keys"].as_array().map_or(0, Vec::len);
    if published == 0 {
        return Err(Failure::Usage(format!(
            "{} has no Ed25519 key to publish (HS256 secrets are never published); \
             make one with: airisk-auth keygen --alg eddsa",
            args.keys.display()
        )));
    }
    let secret = set.len() - published;
    if secret > 0 {
        eprintln!(
            "note: {secret} HS256 key{} left out: secrets are never published",
            if secret == 1 { "" } else { "s" }
        );
    }
    emit(&json_text(&jwks, json))
}
