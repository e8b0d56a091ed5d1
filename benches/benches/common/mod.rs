//! The peers' set-up, shared by the `verify` and `paired` benches.

#![allow(dead_code)] // each bench uses part of it

use airisk_auth_benches::ISSUER;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::hmac;
use serde::Deserialize;
use std::hint::black_box;

/// The claims the peers deserialize into: owned strings, like our `Claims`.
#[derive(Debug, Deserialize, serde::Serialize)]
pub(crate) struct PeerClaims {
    pub iss: String,
    pub sub: String,
    pub client_id: String,
    pub user_token: bool,
    pub iat: u64,
    pub exp: u64,
    pub jti: String,
}

/// jwt-simple's custom part (it parses the registered claims itself).
#[derive(Debug, Deserialize, serde::Serialize)]
pub(crate) struct SimpleCustom {
    pub client_id: String,
    pub user_token: bool,
}

/// The signing input and the decoded signature of a compact JWS.
pub(crate) fn split(token: &str) -> Option<(&str, Vec<u8>)> {
    let (signing_input, signature) = token.rsplit_once('.')?;
    Some((signing_input, URL_SAFE_NO_PAD.decode(signature).ok()?))
}

/// The floor plus what any verifier must also do: split the token and decode
/// its three segments (into stack buffers, no allocation).
pub(crate) fn floor_with_decode(key: &hmac::Key, token: &[u8]) -> bool {
    let mut parts = token.splitn(3, |&b| b == b'.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let mut header_buf = [0u8; 256];
    let mut payload_buf = [0u8; 1024];
    let mut sig_buf = [0u8; 64];
    let (Ok(_), Ok(_), Ok(sig_len)) = (
        URL_SAFE_NO_PAD.decode_slice(header, &mut header_buf),
        URL_SAFE_NO_PAD.decode_slice(payload, &mut payload_buf),
        URL_SAFE_NO_PAD.decode_slice(signature, &mut sig_buf),
    ) else {
        return false;
    };
    black_box(&header_buf);
    black_box(&payload_buf);
    let signing_input = &token[..header.len() + 1 + payload.len()];
    hmac::verify(key, signing_input, &sig_buf[..sig_len]).is_ok()
}

/// jsonwebtoken's validation matching our policy: alg pinned, issuer, the
/// registered claims required, 30 s leeway.
pub(crate) fn jsonwebtoken_validation(alg: jsonwebtoken::Algorithm) -> jsonwebtoken::Validation {
    let mut v = jsonwebtoken::Validation::new(alg);
    v.set_issuer(&[ISSUER]);
    v.set_required_spec_claims(&["exp", "iss", "sub", "iat", "jti"]);
    v.leeway = 30;
    v
}

/// jwt-simple's options matching our policy (issuer checked).
pub(crate) fn jwt_simple_options() -> jwt_simple::prelude::VerificationOptions {
    jwt_simple::prelude::VerificationOptions {
        allowed_issuers: Some(std::iter::once(ISSUER.to_owned()).collect()),
        ..Default::default()
    }
}
