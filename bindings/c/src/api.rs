//! The exported functions. Each body runs inside [`ffi::boundary`]; raw
//! pointers are only touched through the helpers of [`crate::ffi`].

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::ffi::{self, boundary, boundary_value};
use crate::result::{self, airisk_result};
use airisk_core::flow::{check_bearer_at, Access, Issuer, IssuerConfig, Response};
use airisk_core::keys::{Key, KeySet};
use airisk_core::registry::MemoryRegistry;
use airisk_core::token::{sign_jws, Claims, Policy, Verifier};
use airisk_core::{code::CodeKey, Error};
use core::ffi::{c_char, c_void};
use std::sync::Arc;

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

/// Major version of this library (also `airisk_version()`).
pub const AIRISK_AUTH_VERSION_MAJOR: u32 = 0;
/// Minor version of this library.
pub const AIRISK_AUTH_VERSION_MINOR: u32 = 1;
/// Patch version of this library.
pub const AIRISK_AUTH_VERSION_PATCH: u32 = 0;

/// The default clock-skew allowance of a verifier, in seconds (at most 300).
pub const AIRISK_DEFAULT_LEEWAY: u64 = 30;
/// The default maximum token length of a verifier, in bytes (64 to 65536).
pub const AIRISK_DEFAULT_MAX_TOKEN_LEN: usize = 8192;
/// The default authorization-code lifetime of an issuer, in seconds (1 to 600).
pub const AIRISK_DEFAULT_CODE_TTL: u64 = 60;
/// The default access-token lifetime of an issuer, in seconds (60 to 86400).
pub const AIRISK_DEFAULT_TOKEN_TTL: u64 = 3600;

/// Verifier flag: only user-specific tokens are accepted (`AIRISK_USER_TOKEN_REQUIRED` otherwise).
pub const AIRISK_POLICY_REQUIRE_USER: u32 = 1;
/// Verifier flag: do not require the access-token claims `sub`, `client_id`, `iat`,
/// `jti`, `user_token`. Only to verify plain JWTs of other issuers.
pub const AIRISK_POLICY_ALLOW_PLAIN_JWT: u32 = 2;

/// Bearer check: any valid token, generic or user-specific.
pub const AIRISK_ACCESS_ANY: u32 = 0;
/// Bearer check: a user-specific token (a generic one gets 403 `insufficient_scope`).
pub const AIRISK_ACCESS_USER: u32 = 1;

/// Written by a ledger's `redeem` callback to `*redemption`: this call redeemed
/// the code first; the library issues a token.
pub const AIRISK_REDEMPTION_FIRST: u32 = 1;
/// Written by a ledger's `redeem` callback to `*redemption`: the code had
/// already been redeemed; the library refuses the exchange and revokes the token
/// issued on first use.
pub const AIRISK_REDEMPTION_REPLAYED: u32 = 2;
/// Written by a ledger's `is_revoked` callback to `*revoked`: the `jti` is not revoked.
pub const AIRISK_JTI_NOT_REVOKED: u32 = 1;
/// Written by a ledger's `is_revoked` callback to `*revoked`: the `jti` is revoked.
pub const AIRISK_JTI_REVOKED: u32 = 2;

/// Claim field for `airisk_claims_copy`: `iss`.
pub const AIRISK_CLAIM_ISS: u32 = 1;
/// Claim field for `airisk_claims_copy`: `sub`.
pub const AIRISK_CLAIM_SUB: u32 = 2;
/// Claim field for `airisk_claims_copy`: `client_id`.
pub const AIRISK_CLAIM_CLIENT_ID: u32 = 3;
/// Claim field for `airisk_claims_copy`: `company_id`.
pub const AIRISK_CLAIM_COMPANY_ID: u32 = 4;
/// Claim field for `airisk_claims_copy`: `jti`.
pub const AIRISK_CLAIM_JTI: u32 = 5;
/// Claim field for `airisk_claims_copy`: the userid (`sub` of a user token; absent for a generic one).
pub const AIRISK_CLAIM_USERID: u32 = 6;

// ---------------------------------------------------------------------------
// Handles
// ---------------------------------------------------------------------------

/// A set of verification keys with at most one active signing key.
/// Immutable once loaded: share one between threads freely. Secrets are zeroized when freed.
#[derive(Debug)]
pub struct airisk_keyset {
    keys: Arc<KeySet>,
}

/// An in-memory registry of clients (APIUser) and users (ApplicationUser).
/// Immutable once loaded: share one between threads freely.
#[derive(Debug)]
pub struct airisk_registry {
    registry: Arc<MemoryRegistry>,
}

/// A token verifier: a key set and a policy. Immutable: one verifier may be
/// used by any number of threads at once.
#[derive(Debug)]
pub struct airisk_verifier {
    verifier: Verifier,
}

/// The verified claims of one token. Owned by the caller; immutable.
#[derive(Debug)]
pub struct airisk_claims {
    // The core's strings, each moved (not copied) and NUL-terminated for C.
    iss: NulStr,
    sub: Option<NulStr>,
    client_id: Option<NulStr>,
    company_id: Option<NulStr>,
    jti: Option<NulStr>,
    aud: Vec<NulStr>,
    user_token: bool,
    /// `Claims::userid().is_some()`: then the userid is `sub`.
    has_userid: bool,
    iat: Option<u64>,
    nbf: Option<u64>,
    exp: u64,
}

/// The authorization server: both endpoints, with its redemption ledger.
/// Thread-safe: one issuer may serve any number of threads at once.
#[derive(Debug)]
pub struct airisk_issuer {
    issuer: Issuer,
}

/// A redemption ledger and revocation list kept by the application, e.g. in a
/// store shared by every instance of a service (Redis, a database), given to
/// `airisk_issuer_new_with_ledger()` as callbacks.
///
/// Each callback gets `user_data` first and returns 0 for success. Any other
/// return, a NULL callback, or an out-value left unwritten (or not one of the
/// documented values) makes the library fail closed: the token exchange answers
/// 503 with reason `AIRISK_LEDGER_UNAVAILABLE` and issues no token, a verifier
/// refuses every token with `AIRISK_LEDGER_UNAVAILABLE`, and a bearer check answers 503.
/// Returning `AIRISK_LEDGER_FULL` reports a full store (also 503, with that reason).
///
/// The contract the application keeps:
/// - Threads: callbacks may be called concurrently, from every thread that uses
///   the issuer or a verifier made from it (`airisk_issuer_verifier()`); they
///   must be thread-safe for that `user_data`.
/// - Atomicity: `redeem` must be atomic: of any number of concurrent calls with
///   the same code id, across every process sharing the store, exactly one may
///   write `AIRISK_REDEMPTION_FIRST` (e.g. Redis `SET key 1 NX EXAT expires_at`).
/// - Lifetime: the struct itself is copied by the constructor; `user_data` and
///   the callbacks must stay valid until `release` is called. The library calls
///   `release(user_data)` exactly once per successful constructor call, when
///   that issuer and every verifier made from it are freed (never if the
///   constructor fails: then the caller still owns `user_data`). Giving one
///   `user_data` to several issuers means as many `release` calls: count them.
///   `release` may be NULL.
/// - Reentrancy: callbacks must not call into this library with the issuer or
///   verifier that called them (above all, never free it), must not unwind
///   (no C++ exception, no longjmp) and should return promptly: they run on the
///   request's thread, so bound the store's timeouts.
/// - Pointers given to a callback are valid only during the call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct airisk_ledger_callbacks {
    /// The application's context, passed to every callback; may be NULL.
    pub user_data: *mut c_void,
    /// Atomically marks the authorization code `code_id` (16 bytes) redeemed,
    /// remembering it at least until `expires_at` (Unix seconds; `now` is the
    /// request's time), and writes to `*redemption` `AIRISK_REDEMPTION_FIRST` if
    /// this call redeemed it or `AIRISK_REDEMPTION_REPLAYED` if it already was.
    pub redeem: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            code_id: *const u8,
            expires_at: u64,
            now: u64,
            redemption: *mut u32,
        ) -> u32,
    >,
    /// Revokes the token id `(jti, jti_len)` (UTF-8, not NUL-terminated) until
    /// `until` (Unix seconds), when its code was replayed. Revoking a `jti` again
    /// keeps the later `until`.
    pub revoke: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            jti: *const c_char,
            jti_len: usize,
            until: u64,
            now: u64,
        ) -> u32,
    >,
    /// Writes to `*revoked` `AIRISK_JTI_REVOKED` if the token id `(jti, jti_len)`
    /// (UTF-8, not NUL-terminated) is revoked at `now`, `AIRISK_JTI_NOT_REVOKED`
    /// otherwise. Called on every verification of a token with a `jti`: keep it fast.
    pub is_revoked: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            jti: *const c_char,
            jti_len: usize,
            now: u64,
            revoked: *mut u32,
        ) -> u32,
    >,
    /// Releases `user_data`, once, after the last issuer or verifier using the
    /// ledger is freed; may be NULL.
    pub release: Option<unsafe extern "C" fn(user_data: *mut c_void)>,
}

/// A complete HTTP answer (status, headers, body). Owned by the caller; immutable.
#[derive(Debug)]
pub struct airisk_response {
    status: u16,
    headers: Vec<(NulStr, NulStr)>,
    body: NulStr,
    reason: u32,
}

// The header promises that these may be shared between threads.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<airisk_keyset>();
    shareable::<airisk_registry>();
    shareable::<airisk_verifier>();
    shareable::<airisk_issuer>();
    shareable::<airisk_claims>();
    shareable::<airisk_response>();
};

/// UTF-8 text followed by a NUL, so that C can read it as a string.
struct NulStr(Vec<u8>);

impl core::fmt::Debug for NulStr {
    // Bodies carry access tokens: never print the text.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "<{} bytes>", self.text().len())
    }
}

impl NulStr {
    /// Takes the string's buffer and appends the NUL (no copy when there is capacity).
    fn from_string(s: String) -> Self {
        let mut bytes = s.into_bytes();
        bytes.push(0);
        NulStr(bytes)
    }

    fn new(s: &str) -> Self {
        let mut bytes = Vec::with_capacity(s.len() + 1);
        bytes.extend_from_slice(s.as_bytes());
        bytes.push(0);
        NulStr(bytes)
    }

    fn text(&self) -> &[u8] {
        self.0.split_last().map_or(&[][..], |(_, text)| text)
    }

    /// The pointer handed to C, and the length (without the NUL) written to `len_out`.
    fn lend(&self, len_out: *mut usize) -> *const c_char {
        ffi::put_opt(len_out, self.text().len());
        self.0.as_ptr().cast::<c_char>()
    }
}

fn lend_opt(s: Option<&NulStr>, len_out: *mut usize) -> *const c_char {
    match s {
        Some(s) => s.lend(len_out),
        None => {
            ffi::put_opt(len_out, 0);
            core::ptr::null()
        }
    }
}

impl airisk_claims {
    fn new(claims: Claims) -> Self {
        let has_userid = claims.userid().is_some();
        airisk_claims {
            has_userid,
            iss: NulStr::from_string(claims.iss),
            sub: claims.sub.map(NulStr::from_string),
            client_id: claims.client_id.map(NulStr::from_string),
            company_id: claims.company_id.map(NulStr::from_string),
            jti: claims.jti.map(NulStr::from_string),
            aud: claims.aud.into_iter().map(NulStr::from_string).collect(),
            user_token: claims.user_token,
            iat: claims.iat,
            nbf: claims.nbf,
            exp: claims.exp,
        }
    }

    fn field(&self, field: u32) -> Result<Option<&NulStr>, Error> {
        Ok(match field {
            AIRISK_CLAIM_ISS => Some(&self.iss),
            AIRISK_CLAIM_SUB => self.sub.as_ref(),
            AIRISK_CLAIM_CLIENT_ID => self.client_id.as_ref(),
            AIRISK_CLAIM_COMPANY_ID => self.company_id.as_ref(),
            AIRISK_CLAIM_JTI => self.jti.as_ref(),
            AIRISK_CLAIM_USERID => self.sub.as_ref().filter(|_| self.has_userid),
            _ => return Err(Error::InvalidArgument),
        })
    }
}

impl airisk_response {
    fn new(r: Response) -> Self {
        airisk_response {
            status: r.status,
            headers: r
                .headers
                .iter()
                .map(|(n, v)| (NulStr::new(n), NulStr::new(v)))
                .collect(),
            body: NulStr::new(&r.body),
            reason: r.reason.map_or(0, Error::code),
        }
    }
}

// ---------------------------------------------------------------------------
// Results and version
// ---------------------------------------------------------------------------

/// A short English description of a result code, e.g. "the token has expired".
///
/// Never NULL: an unknown code gives "unknown result code". The string is
/// static (never free it) and safe to log: it never contains secrets or token
/// bytes. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_result_text(code: u32) -> *const c_char {
    boundary_value(c"internal error".as_ptr(), || result::text(code).as_ptr())
}

/// The name of a result code as in the Rust core and the test vectors, e.g.
/// "Expired" for `AIRISK_EXPIRED`, "Ok" for `AIRISK_OK`, "Unknown" for an unknown code.
///
/// Never NULL; static (never free it). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_result_name(code: u32) -> *const c_char {
    boundary_value(c"Internal".as_ptr(), || result::name(code).as_ptr())
}

/// The library version, e.g. "0.1.0" (equal to `AIRISK_AUTH_VERSION_STRING`
/// when header and library match). Static; never NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_version() -> *const c_char {
    const VERSION: &core::ffi::CStr = match core::ffi::CStr::from_bytes_with_nul(
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
    ) {
        Ok(v) => v,
        Err(_) => c"unknown",
    };
    VERSION.as_ptr()
}

/// Frees a string returned by this library (minted tokens, JWKS text).
/// NULL is a no-op. Each string is freed once.
#[no_mangle]
pub extern "C" fn airisk_string_free(s: *mut c_char) {
    boundary_value((), || ffi::free_string(s));
}

// ---------------------------------------------------------------------------
// Key sets
// ---------------------------------------------------------------------------

/// Loads a key set from JSON text `(json, json_len)`: a JWKS `{"keys":[...]}`
/// whose keys may hold private members, with an optional `"active_kid"`.
///
/// On success writes a new key set to `*out`; the caller owns it and frees it
/// with `airisk_keyset_free()`. On failure `*out` is untouched.
/// Errors: `AIRISK_INVALID_ARGUMENT` (NULL, or not UTF-8), `AIRISK_INVALID_KEY`,
/// `AIRISK_WEAK_KEY`, `AIRISK_DUPLICATE_KEY_ID`, `AIRISK_UNKNOWN_KEY_ID`, `AIRISK_NO_SIGNING_KEY`.
/// The input is only read during the call. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_keyset_from_json(
    json: *const c_char,
    json_len: usize,
    out: *mut *mut airisk_keyset,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let keys = KeySet::from_json(ffi::text(json, json_len)?)?;
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

/// Loads a key set from the file at `path` (NUL-terminated, UTF-8), in the
/// format of `airisk_keyset_from_json()`. An unreadable file gives
/// `AIRISK_INVALID_ARGUMENT`. Ownership and other errors as `airisk_keyset_from_json()`.
#[no_mangle]
pub extern "C" fn airisk_keyset_from_file(
    path: *const c_char,
    out: *mut *mut airisk_keyset,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let text = read_file(ffi::cstr(path)?)?;
        let keys = KeySet::from_json(&text)?;
        ffi::give(
            out,
            airisk_keyset {
                keys: Arc::new(keys),
            },
        );
        Ok(())
    })
}

fn read_file(path: &str) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|_| Error::InvalidArgument)
}

/// Frees a key set. NULL is a no-op. Verifiers and issuers made from it keep
/// their own reference, so it may be freed while they are in use; it must
/// not be used by any other thread while being freed.
#[no_mangle]
pub extern "C" fn airisk_keyset_free(keyset: *mut airisk_keyset) {
    boundary_value((), || ffi::free(keyset));
}

/// Writes the public keys as a JWKS document (RFC 7517 §5) to `*jwks_out`, for
/// other systems to verify EdDSA tokens; HS256 keys are secret and never listed.
/// The caller frees the string with `airisk_string_free()`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_keyset_jwks(
    keyset: *const airisk_keyset,
    jwks_out: *mut *mut c_char,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(jwks_out)?;
        let keyset = ffi::handle(keyset)?;
        ffi::give_string(out, keyset.keys.to_jwks().to_string())
    })
}

// ---------------------------------------------------------------------------
// Minting
// ---------------------------------------------------------------------------

/// Signs claims given as JSON with the key set's active key; writes the compact
/// JWS to `*token_out`, which the caller frees with `airisk_string_free()`.
///
/// The JSON object has the members `iss` (string) and `exp` (integer), and
/// optionally `sub`, `client_id`, `company_id`, `jti` (string or null), `aud`
/// (array of strings), `user_token` (bool), `iat`, `nbf` (integer or null).
/// Errors: `AIRISK_INVALID_CLAIMS` (bad JSON or inconsistent claims),
/// `AIRISK_NO_SIGNING_KEY`, `AIRISK_INVALID_ARGUMENT`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_mint_json(
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
/// caller frees it with `airisk_string_free()`. Errors as `airisk_mint_json()`.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // one C argument per claim
pub extern "C" fn airisk_mint(
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
/// interoperability tests and RFC examples; services mint with `airisk_mint()`.
/// Writes the compact JWS to `*token_out`; free it with `airisk_string_free()`.
/// Errors: `AIRISK_NO_SIGNING_KEY`, `AIRISK_INVALID_ARGUMENT`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_sign_jws(
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

// ---------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------

/// Makes a verifier of tokens signed by `keyset` and issued by `issuer`
/// (NUL-terminated). `audience` (NUL-terminated) is required in `aud` when not
/// NULL; when NULL, tokens carrying `aud` are refused. `leeway` is the clock
/// skew allowed in seconds (`AIRISK_DEFAULT_LEEWAY`; at most 300),
/// `max_token_len` the longest token accepted (`AIRISK_DEFAULT_MAX_TOKEN_LEN`;
/// 64 to 65536), `flags` a combination of `AIRISK_POLICY_*` (0 for the strict default).
///
/// The verifier keeps its own reference to the key set. On success writes it to
/// `*out`; free it with `airisk_verifier_free()`. Errors:
/// `AIRISK_INVALID_CONFIGURATION` (leeway or length out of range),
/// `AIRISK_INVALID_ARGUMENT` (NULL, non-UTF-8, unknown flag). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_verifier_new(
    keyset: *const airisk_keyset,
    issuer: *const c_char,
    audience: *const c_char,
    leeway: u64,
    max_token_len: usize,
    flags: u32,
    out: *mut *mut airisk_verifier,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let keyset = ffi::handle(keyset)?;
        if flags & !(AIRISK_POLICY_REQUIRE_USER | AIRISK_POLICY_ALLOW_PLAIN_JWT) != 0 {
            return Err(Error::InvalidArgument);
        }
        let mut policy = Policy::new(ffi::cstr(issuer)?);
        if let Some(audience) = ffi::opt_cstr(audience)? {
            policy = policy.with_audience(audience);
        }
        let policy = policy
            .with_leeway(leeway)?
            .with_max_token_len(max_token_len)?
            .require_user(flags & AIRISK_POLICY_REQUIRE_USER != 0)
            .require_access_token_claims(flags & AIRISK_POLICY_ALLOW_PLAIN_JWT == 0);
        ffi::give(
            out,
            airisk_verifier {
                verifier: Verifier::new(keyset.keys.clone(), policy),
            },
        );
        Ok(())
    })
}

/// Frees a verifier. NULL is a no-op. No other thread may be using it.
#[no_mangle]
pub extern "C" fn airisk_verifier_free(verifier: *mut airisk_verifier) {
    boundary_value((), || ffi::free(verifier));
}

/// Verifies the token `(token, token_len)` at the system clock's time.
///
/// On success writes its claims to `*claims_out`; the caller owns them and frees
/// them with `airisk_claims_free()`. On failure returns why (e.g. `AIRISK_EXPIRED`,
/// `AIRISK_INVALID_SIGNATURE`) and leaves `*claims_out` untouched. A token that is
/// not UTF-8 gives `AIRISK_INVALID_ARGUMENT`. The token is only read during the
/// call. Thread-safe: any number of threads may verify on one verifier at once.
#[no_mangle]
pub extern "C" fn airisk_verify(
    verifier: *const airisk_verifier,
    token: *const c_char,
    token_len: usize,
    claims_out: *mut *mut airisk_claims,
) -> airisk_result {
    boundary(|| verify(ffi::handle(verifier)?, token, token_len, None, claims_out))
}

/// `airisk_verify()` at `now` (Unix seconds) instead of the system clock; the same
/// ownership, out-parameters, errors and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_verify_at(
    verifier: *const airisk_verifier,
    token: *const c_char,
    token_len: usize,
    now: u64,
    claims_out: *mut *mut airisk_claims,
) -> airisk_result {
    boundary(|| {
        verify(
            ffi::handle(verifier)?,
            token,
            token_len,
            Some(now),
            claims_out,
        )
    })
}

fn verify(
    verifier: &airisk_verifier,
    token: *const c_char,
    token_len: usize,
    now: Option<u64>,
    claims_out: *mut *mut airisk_claims,
) -> Result<(), Error> {
    let out = ffi::out_ptr(claims_out)?;
    let token = ffi::text(token, token_len)?;
    let claims = match now {
        Some(now) => verifier.verifier.verify_at(token, now)?,
        None => verifier.verifier.verify(token)?,
    };
    ffi::give(out, airisk_claims::new(claims));
    Ok(())
}

// ---------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------

/// Frees claims. NULL is a no-op. Every pointer borrowed from them becomes invalid.
#[no_mangle]
pub extern "C" fn airisk_claims_free(claims: *mut airisk_claims) {
    boundary_value((), || ffi::free(claims));
}

/// The userid the token acts for: `sub` of a user token, or NULL for a generic
/// (application) token or a NULL `claims`. The string is NUL-terminated and
/// borrowed: valid until `airisk_claims_free(claims)`. Its length is written to
/// `*len_out` when `len_out` is not NULL (0 for NULL). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_claims_userid(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_USERID, len_out)
}

/// `iss`, borrowed like `airisk_claims_userid()`; NULL only for a NULL `claims`.
#[no_mangle]
pub extern "C" fn airisk_claims_iss(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_ISS, len_out)
}

/// `sub` (userid or client_id), borrowed like `airisk_claims_userid()`; NULL when absent.
#[no_mangle]
pub extern "C" fn airisk_claims_sub(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_SUB, len_out)
}

/// `client_id`, borrowed like `airisk_claims_userid()`; NULL when absent.
#[no_mangle]
pub extern "C" fn airisk_claims_client_id(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_CLIENT_ID, len_out)
}

/// `company_id`, borrowed like `airisk_claims_userid()`; NULL when absent.
#[no_mangle]
pub extern "C" fn airisk_claims_company_id(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_COMPANY_ID, len_out)
}

/// `jti`, borrowed like `airisk_claims_userid()`; NULL when absent.
#[no_mangle]
pub extern "C" fn airisk_claims_jti(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_JTI, len_out)
}

fn claim_str(claims: *const airisk_claims, field: u32, len_out: *mut usize) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        let found = ffi::handle(claims)
            .ok()
            .and_then(|c| c.field(field).ok().flatten());
        lend_opt(found, len_out)
    })
}

/// Copies a string claim (`AIRISK_CLAIM_*`) and a terminating NUL into the
/// caller's buffer `(buf, buf_len)`; the copy is the caller's.
/// Errors: `AIRISK_MISSING_CLAIM` when the token lacks it (e.g. the userid of a
/// generic token), `AIRISK_BUFFER_TOO_SMALL` when it does not fit with its NUL,
/// `AIRISK_INVALID_ARGUMENT`. The buffer is written only on success. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_claims_copy(
    claims: *const airisk_claims,
    field: u32,
    buf: *mut c_char,
    buf_len: usize,
) -> airisk_result {
    boundary(|| {
        let value = ffi::handle(claims)?
            .field(field)?
            .ok_or(Error::MissingClaim)?;
        ffi::copy_out(value.text(), buf, buf_len)
    })
}

/// `exp`: when the token expires, Unix seconds (0 for a NULL `claims`). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_claims_exp(claims: *const airisk_claims) -> u64 {
    boundary_value(0, || ffi::handle(claims).map_or(0, |c| c.exp))
}

/// `iat`: writes it to `*out` and returns true when the token has it; false otherwise
/// (`*out` untouched). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_claims_iat(claims: *const airisk_claims, out: *mut u64) -> bool {
    claim_date(claims, out, |c| c.iat)
}

/// `nbf`, like `airisk_claims_iat()`.
#[no_mangle]
pub extern "C" fn airisk_claims_nbf(claims: *const airisk_claims, out: *mut u64) -> bool {
    claim_date(claims, out, |c| c.nbf)
}

fn claim_date(
    claims: *const airisk_claims,
    out: *mut u64,
    get: impl FnOnce(&airisk_claims) -> Option<u64>,
) -> bool {
    boundary_value(false, || {
        let found = ffi::handle(claims).ok().and_then(get);
        match (found, ffi::out_ptr(out)) {
            (Some(value), Ok(out)) => {
                ffi::put(out, value);
                true
            }
            _ => false,
        }
    })
}

/// `user_token`: true for a user-specific token, false for a generic one (or NULL). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_claims_user_token(claims: *const airisk_claims) -> bool {
    boundary_value(false, || ffi::handle(claims).is_ok_and(|c| c.user_token))
}

/// The number of audiences in `aud` (0 when absent or for a NULL `claims`).
#[no_mangle]
pub extern "C" fn airisk_claims_audience_count(claims: *const airisk_claims) -> usize {
    boundary_value(0, || ffi::handle(claims).map_or(0, |c| c.aud.len()))
}

/// The audience at `index` (0-based), borrowed like `airisk_claims_userid()`;
/// NULL past the end.
#[no_mangle]
pub extern "C" fn airisk_claims_audience(
    claims: *const airisk_claims,
    index: usize,
    len_out: *mut usize,
) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        let found = ffi::handle(claims).ok().and_then(|c| c.aud.get(index));
        lend_opt(found, len_out)
    })
}

// ---------------------------------------------------------------------------
// Registry and issuer
// ---------------------------------------------------------------------------

/// Loads a registry of clients and users from JSON text `(json, json_len)`
/// (the `MemoryRegistry` document of the Rust core). On success writes it to
/// `*out`; free it with `airisk_registry_free()`. Errors: `AIRISK_INVALID_REGISTRY`,
/// `AIRISK_INVALID_ARGUMENT`. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_registry_from_json(
    json: *const c_char,
    json_len: usize,
    out: *mut *mut airisk_registry,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let registry = MemoryRegistry::from_json(ffi::text(json, json_len)?)?;
        ffi::give(
            out,
            airisk_registry {
                registry: Arc::new(registry),
            },
        );
        Ok(())
    })
}

/// Explains why a registry document `(json, json_len)` would be refused:
/// writes to `*explanation_out` an owned string (free it with
/// `airisk_string_free()`), empty when the document is valid, otherwise
/// "line L, column C: what is wrong" (never containing a secret). For the
/// operator's logs after `airisk_registry_from_json()` failed. Errors:
/// `AIRISK_INVALID_ARGUMENT` only. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_registry_explain(
    json: *const c_char,
    json_len: usize,
    explanation_out: *mut *mut c_char,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(explanation_out)?;
        let explanation = match MemoryRegistry::from_json(ffi::text(json, json_len)?) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        };
        ffi::give_string(out, explanation)
    })
}

/// Loads a registry from the file at `path` (NUL-terminated). An unreadable file
/// gives `AIRISK_INVALID_ARGUMENT`; otherwise as `airisk_registry_from_json()`.
#[no_mangle]
pub extern "C" fn airisk_registry_from_file(
    path: *const c_char,
    out: *mut *mut airisk_registry,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let registry = MemoryRegistry::from_json(&read_file(ffi::cstr(path)?)?)?;
        ffi::give(
            out,
            airisk_registry {
                registry: Arc::new(registry),
            },
        );
        Ok(())
    })
}

/// Frees a registry. NULL is a no-op. Issuers made from it keep their own reference.
#[no_mangle]
pub extern "C" fn airisk_registry_free(registry: *mut airisk_registry) {
    boundary_value((), || ffi::free(registry));
}

/// Makes an authorization server with an in-memory redemption ledger.
///
/// `registry` and `keyset` are shared (the issuer keeps its own references);
/// `(code_key, code_key_len)` is the 32 to 1024 secret bytes that make and check
/// authorization codes (copied; share it between the instances of one deployment).
/// `issuer` (NUL-terminated) is the `iss` of every token; `audience` its `aud`
/// or NULL; `code_ttl` (1..600, `AIRISK_DEFAULT_CODE_TTL`) and `token_ttl`
/// (60..86400, `AIRISK_DEFAULT_TOKEN_TTL`) are lifetimes in seconds.
/// On success writes it to `*out`; free it with `airisk_issuer_free()`. Errors:
/// `AIRISK_INVALID_CONFIGURATION`, `AIRISK_NO_SIGNING_KEY`, `AIRISK_WEAK_KEY`,
/// `AIRISK_INVALID_KEY`, `AIRISK_INVALID_ARGUMENT`. Thread-safe.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // one C argument per setting
pub extern "C" fn airisk_issuer_new(
    registry: *const airisk_registry,
    keyset: *const airisk_keyset,
    code_key: *const u8,
    code_key_len: usize,
    issuer: *const c_char,
    audience: *const c_char,
    code_ttl: u64,
    token_ttl: u64,
    out: *mut *mut airisk_issuer,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let issuer = new_issuer(
            registry,
            keyset,
            (code_key, code_key_len),
            (issuer, audience),
            (code_ttl, token_ttl),
        )?;
        ffi::give(out, airisk_issuer { issuer });
        Ok(())
    })
}

/// Makes an authorization server whose redemption ledger and revocation list
/// are the application's callbacks `*ledger` (see `airisk_ledger_callbacks` for
/// the contract: thread-safety, atomicity of `redeem`, lifetime of `user_data`).
///
/// The other arguments, the errors and the ownership of `*out` are those of
/// `airisk_issuer_new()`; a NULL `ledger` gives `AIRISK_INVALID_ARGUMENT`.
/// `*ledger` is copied. On success the library owns `user_data`: it calls
/// `release(user_data)` once, when this issuer and every verifier made from it
/// (`airisk_issuer_verifier()`) are freed. On failure no callback is called and
/// `user_data` stays the caller's. Thread-safe.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // one C argument per setting
pub extern "C" fn airisk_issuer_new_with_ledger(
    registry: *const airisk_registry,
    keyset: *const airisk_keyset,
    code_key: *const u8,
    code_key_len: usize,
    issuer: *const c_char,
    audience: *const c_char,
    code_ttl: u64,
    token_ttl: u64,
    ledger: *const airisk_ledger_callbacks,
    out: *mut *mut airisk_issuer,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let callbacks = ffi::read(ledger)?;
        let issuer = new_issuer(
            registry,
            keyset,
            (code_key, code_key_len),
            (issuer, audience),
            (code_ttl, token_ttl),
        )?;
        // Made last: from here nothing fails, so `release` runs only once the
        // library owns `user_data`.
        let ledger = Arc::new(ffi::CallbackLedger::new(callbacks));
        let issuer = issuer.with_ledger(ledger.clone()).with_revocations(ledger);
        ffi::give(out, airisk_issuer { issuer });
        Ok(())
    })
}

fn new_issuer(
    registry: *const airisk_registry,
    keyset: *const airisk_keyset,
    code_key: (*const u8, usize),
    (issuer, audience): (*const c_char, *const c_char),
    (code_ttl, token_ttl): (u64, u64),
) -> Result<Issuer, Error> {
    let registry = ffi::handle(registry)?;
    let keyset = ffi::handle(keyset)?;
    let code_key = CodeKey::from_bytes(ffi::bytes(code_key.0, code_key.1)?)?;
    let mut config = IssuerConfig::new(ffi::cstr(issuer)?);
    config.audience = ffi::opt_cstr(audience)?.map(str::to_owned);
    config.code_ttl = code_ttl;
    config.token_ttl = token_ttl;
    Issuer::new(
        config,
        keyset.keys.clone(),
        code_key,
        registry.registry.clone(),
    )
}

/// Frees an issuer (and its ledger, unless a verifier made from it still uses
/// it: see `airisk_ledger_callbacks`). NULL is a no-op. No other thread may be using it.
#[no_mangle]
pub extern "C" fn airisk_issuer_free(issuer: *mut airisk_issuer) {
    boundary_value((), || ffi::free(issuer));
}

/// A verifier for this issuer's tokens: same keys, issuer and audience, and the
/// issuer's revocation list (tokens of replayed codes are refused). Free it with
/// `airisk_verifier_free()`; it stays valid after the issuer is freed. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_verifier(
    issuer: *const airisk_issuer,
    out: *mut *mut airisk_verifier,
) -> airisk_result {
    boundary(|| {
        let out = ffi::out_ptr(out)?;
        let verifier = ffi::handle(issuer)?.issuer.verifier();
        ffi::give(out, airisk_verifier { verifier });
        Ok(())
    })
}

/// `GET /api/oauth2` at the system clock's time: `(query, query_len)` is the raw
/// query string, without `?`. Writes the complete answer (302 with `Location`,
/// or 400/401/503 problem+json) to `*response_out`; free it with
/// `airisk_response_free()`. Returns `AIRISK_OK` whenever an answer was made —
/// read its status; `AIRISK_INVALID_ARGUMENT` for NULL or a non-UTF-8 query.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_issuer_authorize(
    issuer: *const airisk_issuer,
    query: *const c_char,
    query_len: usize,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        authorize(issuer, query, query_len, None, response_out)
    })
}

/// `airisk_issuer_authorize()` at `now` (Unix seconds) instead of the system clock; the same
/// ownership, out-parameters, errors and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_issuer_authorize_at(
    issuer: *const airisk_issuer,
    query: *const c_char,
    query_len: usize,
    now: u64,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        authorize(issuer, query, query_len, Some(now), response_out)
    })
}

fn authorize(
    issuer: &Issuer,
    query: *const c_char,
    query_len: usize,
    now: Option<u64>,
    response_out: *mut *mut airisk_response,
) -> Result<(), Error> {
    let out = ffi::out_ptr(response_out)?;
    let query = ffi::text(query, query_len)?;
    let answer = match now {
        Some(now) => issuer.authorize_at(query, now),
        None => issuer.authorize(query),
    };
    ffi::give(out, airisk_response::new(answer));
    Ok(())
}

/// `POST /api/oauth2/Token` at the system clock's time: `(content_type,
/// content_type_len)` is the `Content-Type` header value (NULL when the request
/// has none) and `(body, body_len)` the raw body. Writes the complete answer
/// (200 with the token JSON, or 400/401/503) to `*response_out`; free it with
/// `airisk_response_free()`. Returns `AIRISK_OK` whenever an answer was made;
/// `AIRISK_INVALID_ARGUMENT` for NULL or a non-UTF-8 content type. Thread-safe;
/// a code is redeemed at most once even under concurrent requests.
#[no_mangle]
pub extern "C" fn airisk_issuer_exchange(
    issuer: *const airisk_issuer,
    content_type: *const c_char,
    content_type_len: usize,
    body: *const c_char,
    body_len: usize,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        exchange(
            issuer,
            (content_type, content_type_len),
            (body, body_len),
            None,
            response_out,
        )
    })
}

/// `airisk_issuer_exchange()` at `now` (Unix seconds) instead of the system clock; the same
/// ownership, out-parameters, errors and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_issuer_exchange_at(
    issuer: *const airisk_issuer,
    content_type: *const c_char,
    content_type_len: usize,
    body: *const c_char,
    body_len: usize,
    now: u64,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let issuer = &ffi::handle(issuer)?.issuer;
        exchange(
            issuer,
            (content_type, content_type_len),
            (body, body_len),
            Some(now),
            response_out,
        )
    })
}

fn exchange(
    issuer: &Issuer,
    content_type: (*const c_char, usize),
    body: (*const c_char, usize),
    now: Option<u64>,
    response_out: *mut *mut airisk_response,
) -> Result<(), Error> {
    let out = ffi::out_ptr(response_out)?;
    let content_type = ffi::opt_text(content_type.0, content_type.1)?;
    let body = ffi::bytes(body.0.cast::<u8>(), body.1)?;
    let answer = match now {
        Some(now) => issuer.exchange_at(content_type, body, now),
        None => issuer.exchange(content_type, body),
    };
    ffi::give(out, airisk_response::new(answer));
    Ok(())
}

/// Checks the `Authorization` header `(authorization, authorization_len)` (NULL
/// when the request has none) of a request to a protected resource, at the
/// system clock's time. `access` is `AIRISK_ACCESS_ANY` or `AIRISK_ACCESS_USER`.
///
/// Returns `AIRISK_OK` when the check ran; then exactly one of the two
/// out-params is written: `*claims_out` (request allowed; free with
/// `airisk_claims_free()`) or `*response_out` (the 401/403 answer to send, with
/// its `WWW-Authenticate` challenge and reason; free with `airisk_response_free()`).
/// Initialise both to NULL to tell which. Other codes (`AIRISK_INVALID_ARGUMENT`
/// for NULL, a non-UTF-8 header or an unknown `access`) write neither. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_bearer_check(
    verifier: *const airisk_verifier,
    authorization: *const c_char,
    authorization_len: usize,
    access: u32,
    claims_out: *mut *mut airisk_claims,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        let verifier = ffi::handle(verifier)?;
        let now = verifier.verifier.now();
        bearer(
            verifier,
            (authorization, authorization_len),
            access,
            now,
            claims_out,
            response_out,
        )
    })
}

/// `airisk_bearer_check()` at `now` (Unix seconds) instead of the system clock; the same
/// ownership, out-parameters, errors and thread-safety.
#[no_mangle]
pub extern "C" fn airisk_bearer_check_at(
    verifier: *const airisk_verifier,
    authorization: *const c_char,
    authorization_len: usize,
    access: u32,
    now: u64,
    claims_out: *mut *mut airisk_claims,
    response_out: *mut *mut airisk_response,
) -> airisk_result {
    boundary(|| {
        bearer(
            ffi::handle(verifier)?,
            (authorization, authorization_len),
            access,
            now,
            claims_out,
            response_out,
        )
    })
}

fn bearer(
    verifier: &airisk_verifier,
    authorization: (*const c_char, usize),
    access: u32,
    now: u64,
    claims_out: *mut *mut airisk_claims,
    response_out: *mut *mut airisk_response,
) -> Result<(), Error> {
    let claims_out = ffi::out_ptr(claims_out)?;
    let response_out = ffi::out_ptr(response_out)?;
    let access = match access {
        AIRISK_ACCESS_ANY => Access::Any,
        AIRISK_ACCESS_USER => Access::User,
        _ => return Err(Error::InvalidArgument),
    };
    let authorization = ffi::opt_text(authorization.0, authorization.1)?;
    match check_bearer_at(&verifier.verifier, authorization, access, now) {
        Ok(claims) => ffi::give(claims_out, airisk_claims::new(claims)),
        Err(answer) => ffi::give(response_out, airisk_response::new(answer)),
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------

/// Frees a response. NULL is a no-op. Every pointer borrowed from it becomes invalid.
#[no_mangle]
pub extern "C" fn airisk_response_free(response: *mut airisk_response) {
    boundary_value((), || ffi::free(response));
}

/// The HTTP status (0 for a NULL `response`). Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_response_status(response: *const airisk_response) -> u16 {
    boundary_value(0, || ffi::handle(response).map_or(0, |r| r.status))
}

/// Why the request failed, for logs only (never send it): an `AIRISK_*` code,
/// or `AIRISK_OK` (0) for a successful answer or a NULL `response`.
#[no_mangle]
pub extern "C" fn airisk_response_reason(response: *const airisk_response) -> u32 {
    boundary_value(0, || ffi::handle(response).map_or(0, |r| r.reason))
}

/// The number of headers. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_response_header_count(response: *const airisk_response) -> usize {
    boundary_value(0, || ffi::handle(response).map_or(0, |r| r.headers.len()))
}

/// The name of the header at `index` (0-based, in order), NUL-terminated and
/// borrowed: valid until `airisk_response_free(response)`. Its length goes to
/// `*len_out` when not NULL. NULL past the end.
#[no_mangle]
pub extern "C" fn airisk_response_header_name(
    response: *const airisk_response,
    index: usize,
    len_out: *mut usize,
) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        let found = ffi::handle(response)
            .ok()
            .and_then(|r| r.headers.get(index))
            .map(|(n, _)| n);
        lend_opt(found, len_out)
    })
}

/// The value of the header at `index`, borrowed like `airisk_response_header_name()`.
#[no_mangle]
pub extern "C" fn airisk_response_header_value(
    response: *const airisk_response,
    index: usize,
    len_out: *mut usize,
) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        let found = ffi::handle(response)
            .ok()
            .and_then(|r| r.headers.get(index))
            .map(|(_, v)| v);
        lend_opt(found, len_out)
    })
}

/// The value of the first header called `name` (NUL-terminated, compared
/// case-insensitively), borrowed like `airisk_response_header_name()`; NULL when absent.
#[no_mangle]
pub extern "C" fn airisk_response_header(
    response: *const airisk_response,
    name: *const c_char,
    len_out: *mut usize,
) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        let found = match (ffi::handle(response), ffi::cstr(name)) {
            (Ok(r), Ok(name)) => r
                .headers
                .iter()
                .find(|(n, _)| n.text().eq_ignore_ascii_case(name.as_bytes()))
                .map(|(_, v)| v),
            _ => None,
        };
        lend_opt(found, len_out)
    })
}

/// The body, NUL-terminated and borrowed like `airisk_response_header_name()`
/// (empty for a redirect or a bearer challenge; NULL only for a NULL `response`).
/// Send exactly `*len_out` bytes.
#[no_mangle]
pub extern "C" fn airisk_response_body(
    response: *const airisk_response,
    len_out: *mut usize,
) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        lend_opt(ffi::handle(response).ok().map(|r| &r.body), len_out)
    })
}

// ---------------------------------------------------------------------------
// Test hook
// ---------------------------------------------------------------------------

/// Panics inside the library's panic boundary, to show that the caller gets
/// `AIRISK_INTERNAL` instead of an abort. Only in builds with the `test-hooks` feature.
#[cfg(feature = "test-hooks")]
#[no_mangle]
pub extern "C" fn airisk_test_panic() -> airisk_result {
    boundary(|| {
        #[allow(clippy::panic)] // the point of the hook
        {
            panic!("airisk_test_panic: a deliberate panic inside the boundary")
        }
    })
}
