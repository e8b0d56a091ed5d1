//! `airisk_keyset`: verification keys with one active signing key; minting.

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::ffi::{self, boundary, boundary_detailed, boundary_value};
use crate::result::airisk_result;
use crate::result::detail::Detailed;
use airisk_core::dangerous::sign_jws;
use airisk_core::keys::{Key, KeySet};
use airisk_core::token::Claims;
use core::ffi::c_char;
use std::sync::Arc;

/// A set of verification keys with at most one active signing key.
/// Immutable once loaded: share one between threads freely. Secrets are zeroized when freed.
#[derive(Debug)]
pub struct airisk_keyset {
    pub(crate) keys: Arc<KeySet>,
}

/// Loads a key set from JSON text `(json, json_len)`: a JWKS `{"keys":[...]}`
/// whose keys may hold private members, with an optional `"active_kid"`.
/// Besides HS256 (`oct`) and EdDSA (`OKP`) keys, it may hold another issuer's
/// public keys, verify only: `RSA` (RS256/PS256, 2048 to 8192 bits) and `EC`
/// P-256 (ES256), the algorithm pinned by the JWK's `alg` (or, without one,
/// RS256 for RSA and ES256 for P-256). Tokens of those keys verify with the same
/// checks; they never sign (`AIRISK_NO_SIGNING_KEY`). An RSA key under 2048 bits
/// is `AIRISK_WEAK_KEY`.
///
/// On success writes a new key set to `*out`; the caller owns it and frees it
/// with `airisk_keyset_free()`. On failure `*out` is untouched.
/// Errors: `AIRISK_INVALID_ARGUMENT` (NULL, or not UTF-8), `AIRISK_INVALID_KEY`,
/// `AIRISK_WEAK_KEY`, `AIRISK_DUPLICATE_KEY_ID`, `AIRISK_UNKNOWN_KEY_ID`, `AIRISK_NO_SIGNING_KEY`;
/// then `airisk_last_error_detail()` gives the line, column and what is wrong
/// (unknown members, e.g. a misspelt `"active_kid"`, are refused). The input is
/// only read during the call. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_keyset_from_json(
    json: *const c_char,
    json_len: usize,
    out: *mut *mut airisk_keyset,
) -> airisk_result {
    boundary_detailed(|| {
        let out = ffi::out_ptr(out)?;
        let json = ffi::text(json, json_len)?;
        // The slow explanation (line, column, what) only once it was refused.
        let keys = KeySet::from_json(json).map_err(|kind| match KeySet::explain(json) {
            Some(why) => Detailed::new(kind, why.to_string()),
            None => Detailed::from(kind),
        })?;
        ffi::give(
            out,
            airisk_keyset {
                keys: Arc::new(keys),
            },
        );
        Ok(())
    })
}

/// Loads a key set of one key from a JWK `(json, json_len)` (RFC 7517); the key
/// is active when it can sign. Ownership and errors as `airisk_keyset_from_json()`.
#[no_mangle]
pub extern "C" fn airisk_keyset_from_jwk(
    json: *const c_char,
    json_len: usize,
    out: *mut *mut airisk_keyset,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let keys = KeySet::single(Key::from_jwk(ffi::text(json, json_len)?)?)?;
        ffi::give(
            out,
            airisk_keyset {
                keys: Arc::new(keys),
            },
        );
        Ok(())
    })
}

/// Makes a key set of one HS256 key from a raw secret `(secret, secret_len)`:
/// e.g. the bytes of an environment variable, with no JWK or base64url step.
/// `kid` (NUL-terminated UTF-8) may be NULL for a key without a `kid`; the key
/// is active. The secret is copied into memory wiped when the key set is
/// freed; the caller's bytes are only read during the call.
///
/// On success writes a new key set to `*out` (free it with
/// `airisk_keyset_free()`); on failure `*out` is untouched.
/// Errors: `AIRISK_WEAK_KEY` for a secret under 32 bytes (RFC 7518 §3.2),
/// `AIRISK_INVALID_KEY` over 1024 bytes or for an empty `kid`,
/// `AIRISK_INVALID_ARGUMENT` (NULL `secret` with a non-zero length, NULL `out`,
/// `kid` not UTF-8). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_keyset_from_hs256_secret(
    secret: *const u8,
    secret_len: usize,
    kid: *const c_char,
    out: *mut *mut airisk_keyset,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let key = Key::hs256(ffi::opt_cstr(kid)?, ffi::bytes(secret, secret_len)?)?;
        ffi::give(
            out,
            airisk_keyset {
                keys: Arc::new(KeySet::single(key)?),
            },
        );
        Ok(())
    })
}

/// Loads a key set from the file at `path` (NUL-terminated, UTF-8), in the
/// format of `airisk_keyset_from_json()`. At most the document bound (256 KiB)
/// plus one byte is read, and the text is wiped from memory on every path. An
/// unreadable file gives `AIRISK_IO`; a file over the bound or not UTF-8
/// `AIRISK_INVALID_KEY`. Ownership and other errors as `airisk_keyset_from_json()`.
/// On failure `airisk_last_error_detail()` names the file and says why (the OS
/// error, or the line and column in the document).
#[no_mangle]
pub extern "C" fn airisk_keyset_from_file(
    path: *const c_char,
    out: *mut *mut airisk_keyset,
) -> airisk_result {
    boundary_detailed(|| {
        let out = ffi::out_ptr(out)?;
        let keys = KeySet::from_file(ffi::cstr(path)?)?;
        ffi::give(
            out,
            airisk_keyset {
                keys: Arc::new(keys),
            },
        );
        Ok(())
    })
}

/// Frees a key set. NULL is a no-op. Verifiers and issuers made from it keep
/// their own reference, so it may be freed while they are in use; it must
/// not be used by any other thread while being freed.
#[no_mangle]
pub extern "C" fn airisk_keyset_free(keyset: *mut airisk_keyset) {
    boundary_value((), || ffi::free(keyset));
}

/// Writes the public keys as a JWKS document (RFC 7517 §5) to `*jwks_out`, for
/// other systems to verify EdDSA tokens; HS256 keys are secret and never listed,
/// and other issuers' RSA and P-256 keys are not republished.
/// The caller frees the string with `airisk_string_free()`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_keyset_to_jwks(
    keyset: *const airisk_keyset,
    jwks_out: *mut *mut c_char,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(jwks_out)?;
        let keyset = ffi::handle(keyset)?;
        ffi::give_string(out, keyset.keys.to_jwks().to_string())
    })
}

/// Writes the whole key set as JSON to `*json_out`, in the form
/// `airisk_keyset_from_json()` reads (`{"keys":[...],"active_kid":...}`, ending
/// in a newline): with the secrets (HS256 `k`, Ed25519 `d`) when
/// `include_private` is true, for storing a generated set; without them
/// otherwise, when HS256 keys are left out as in `airisk_keyset_to_jwks()` and
/// no `active_kid` is written (a public key cannot sign), so the public form
/// loads back as a verify-only set.
/// The text is built without intermediate copies left in memory, and
/// `airisk_string_free()` wipes it: free it as soon as it is stored.
/// Errors: `AIRISK_INVALID_ARGUMENT` (NULL). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_keyset_to_json(
    keyset: *const airisk_keyset,
    include_private: bool,
    json_out: *mut *mut c_char,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(json_out)?;
        let keyset = ffi::handle(keyset)?;
        let json = keyset.keys.to_json_string(include_private, false);
        ffi::give_secret_string(out, &json)
    })
}

/// Signs claims given as JSON with the key set's active key; writes the compact
/// JWS to `*token_out`, which the caller frees with `airisk_string_free()`.
///
/// The JSON object has the members `iss` (string) and `exp` (integer), and
/// optionally `sub`, `client_id`, `company_id`, `jti` (string or null), `aud`
/// (array of strings), `user_token` (bool), `iat`, `nbf` (integer or null).
/// Errors: `AIRISK_INVALID_CLAIMS` (bad JSON or inconsistent claims),
/// `AIRISK_NO_SIGNING_KEY`, `AIRISK_INVALID_ARGUMENT`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_keyset_mint_json(
    keyset: *const airisk_keyset,
    claims_json: *const c_char,
    claims_json_len: usize,
    token_out: *mut *mut c_char,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(token_out)?;
        let keyset = ffi::handle(keyset)?;
        let json = ffi::text(claims_json, claims_json_len)?;
        ffi::give_string(out, keyset.keys.mint(&Claims::from_json(json)?)?)
    })
}

/// Signs an access token with the key set's active key: a user token for
/// `userid` when it is not NULL (then `sub` is the userid), otherwise a generic
/// token for `client_id` (then `sub` is the client_id). `company_id` and
/// `audience` may be NULL. `iat` is the issue time (Unix seconds), `exp` = `iat + ttl`.
/// All strings are NUL-terminated UTF-8. Writes the token to `*token_out`; the
/// caller frees it with `airisk_string_free()`. Errors as `airisk_keyset_mint_json()`.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // one C argument per claim
pub extern "C" fn airisk_keyset_mint(
    keyset: *const airisk_keyset,
    issuer: *const c_char,
    client_id: *const c_char,
    userid: *const c_char,
    company_id: *const c_char,
    audience: *const c_char,
    iat: u64,
    ttl: u64,
    jti: *const c_char,
    token_out: *mut *mut c_char,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(token_out)?;
        let keyset = ffi::handle(keyset)?;
        let (issuer, client_id, jti) = (ffi::cstr(issuer)?, ffi::cstr(client_id)?, ffi::cstr(jti)?);
        let mut claims = match ffi::opt_cstr(userid)? {
            Some(userid) => Claims::user(issuer, client_id, userid, iat, ttl, jti),
            None => Claims::generic(issuer, client_id, iat, ttl, jti),
        };
        claims.company_id = ffi::opt_cstr(company_id)?.map(str::to_owned);
        claims.aud = ffi::opt_cstr(audience)?
            .map(str::to_owned)
            .into_iter()
            .collect();
        ffi::give_string(out, keyset.keys.mint(&claims)?)
    })
}

/// Signs an arbitrary JWS with the key set's active key: `(header_json,
/// header_json_len)` and `(payload, payload_len)` are base64url-encoded exactly
/// as given, so the header's `alg` is the caller's business. For
/// interoperability tests and RFC examples; services mint with `airisk_keyset_mint()`.
/// Writes the compact JWS to `*token_out`; free it with `airisk_string_free()`.
/// Errors: `AIRISK_NO_SIGNING_KEY`, `AIRISK_INVALID_ARGUMENT`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_dangerous_sign_jws(
    keyset: *const airisk_keyset,
    header_json: *const c_char,
    header_json_len: usize,
    payload: *const c_char,
    payload_len: usize,
    token_out: *mut *mut c_char,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(token_out)?;
        let key = ffi::handle(keyset)?.keys.active()?;
        let header = ffi::bytes(header_json.cast::<u8>(), header_json_len)?;
        let payload = ffi::bytes(payload.cast::<u8>(), payload_len)?;
        ffi::give_string(out, sign_jws(key, header, payload)?)
    })
}
