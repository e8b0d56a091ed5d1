//! `airisk_claims`: the verified claims of one token, and their accessors.

// `#[no_mangle]` counts as unsafe code for the lint; every `unsafe` block is in ffi.rs.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::ffi::{self, boundary, boundary_value};
use crate::result::airisk_result;
use airisk_core::token::{custom_claims_in, ClaimsRef};
use airisk_core::Error;
use core::ffi::c_char;
use std::sync::OnceLock;

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
/// Claim field for `airisk_claims_copy`: `scope` (space-separated scope names).
pub const AIRISK_CLAIM_SCOPE: u32 = 7;

/// The verified claims of one token. Owned by the caller; immutable.
pub struct airisk_claims {
    /// Every string claim, each followed by a NUL for C, in one allocation: a
    /// verification copies the claims out of the decoded token once, instead of
    /// making one string per claim (BENCHMARKS.md, C bench).
    text: Box<[u8]>,
    iss: Span,
    sub: Option<Span>,
    client_id: Option<Span>,
    company_id: Option<Span>,
    jti: Option<Span>,
    scope: Option<Span>,
    aud: Vec<Span>,
    /// The whole claims object as the token carries it, for the custom claims.
    json: Span,
    /// The custom claims (name, JSON text and NUL), parsed from `json` on the
    /// first `airisk_claims_get_json()`: verification copies the JSON, never parses it.
    custom: OnceLock<Vec<(String, Box<[u8]>)>>,
    user_token: bool,
    /// `Claims::userid().is_some()`: then the userid is `sub`.
    has_userid: bool,
    iat: Option<u64>,
    nbf: Option<u64>,
    exp: u64,
}

impl core::fmt::Debug for airisk_claims {
    // The claims are not secret, but a debug print of them needs no token contents either.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("airisk_claims")
            .field("text", &format_args!("<{} bytes>", self.text.len()))
            .field("user_token", &self.user_token)
            .field("exp", &self.exp)
            .finish_non_exhaustive()
    }
}

/// Where one string claim sits in `airisk_claims::text`: `len` bytes from `start`, then a NUL.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    len: usize,
}

/// The claims as borrowed strings, from an owned `Claims` or a `ClaimsRef`.
struct Fields<'a, F> {
    iss: &'a str,
    sub: Option<&'a str>,
    client_id: Option<&'a str>,
    company_id: Option<&'a str>,
    jti: Option<&'a str>,
    scope: Option<&'a str>,
    json: &'a str,
    /// The audiences, as often as asked (twice: to size the buffer, then to fill it).
    aud: F,
    user_token: bool,
    has_userid: bool,
    iat: Option<u64>,
    nbf: Option<u64>,
    exp: u64,
}

impl<'a, F, A> Fields<'a, F>
where
    F: Fn() -> A,
    A: Iterator<Item = &'a str>,
{
    fn into_claims(self) -> airisk_claims {
        let optional = [
            self.sub,
            self.client_id,
            self.company_id,
            self.jti,
            self.scope,
        ];
        let size = self.iss.len()
            + 1
            + self.json.len()
            + 1
            + optional
                .iter()
                .flatten()
                .map(|s| s.len() + 1)
                .sum::<usize>()
            + (self.aud)().map(|s| s.len() + 1).sum::<usize>();
        let mut text = Vec::with_capacity(size);
        let mut push = |s: &str| {
            let span = Span {
                start: text.len(),
                len: s.len(),
            };
            text.extend_from_slice(s.as_bytes());
            text.push(0);
            span
        };
        let iss = push(self.iss);
        let [sub, client_id, company_id, jti, scope] = optional.map(|s| s.map(&mut push));
        let aud = (self.aud)().map(&mut push).collect();
        let json = push(self.json);
        airisk_claims {
            text: text.into_boxed_slice(),
            iss,
            sub,
            client_id,
            company_id,
            jti,
            scope,
            aud,
            json,
            custom: OnceLock::new(),
            user_token: self.user_token,
            has_userid: self.has_userid,
            iat: self.iat,
            nbf: self.nbf,
            exp: self.exp,
        }
    }
}

impl airisk_claims {
    /// The claims of a verification or a bearer check, copied once out of the decoded token.
    pub(crate) fn from_view(claims: &ClaimsRef<'_>) -> Self {
        Fields {
            iss: claims.iss(),
            sub: claims.sub(),
            client_id: claims.client_id(),
            company_id: claims.company_id(),
            jti: claims.jti(),
            scope: claims.scope(),
            json: claims.json(),
            aud: || claims.audiences(),
            user_token: claims.user_token(),
            has_userid: claims.userid().is_some(),
            iat: claims.iat(),
            nbf: claims.nbf(),
            exp: claims.exp(),
        }
        .into_claims()
    }

    fn field(&self, field: u32) -> Result<Option<Span>, Error> {
        Ok(match field {
            AIRISK_CLAIM_ISS => Some(self.iss),
            AIRISK_CLAIM_SUB => self.sub,
            AIRISK_CLAIM_CLIENT_ID => self.client_id,
            AIRISK_CLAIM_COMPANY_ID => self.company_id,
            AIRISK_CLAIM_JTI => self.jti,
            AIRISK_CLAIM_USERID => self.sub.filter(|_| self.has_userid),
            AIRISK_CLAIM_SCOPE => self.scope,
            _ => return Err(Error::InvalidArgument),
        })
    }

    /// The JSON text (and NUL) of the custom claim `name`, parsed on first use.
    fn custom_json(&self, name: &str) -> Option<&[u8]> {
        let custom = self.custom.get_or_init(|| {
            let json = core::str::from_utf8(self.text(self.json)).unwrap_or("{}");
            custom_claims_in(json)
                .into_iter()
                .map(|(name, value)| {
                    let mut text = value.to_string().into_bytes();
                    text.push(0);
                    (name, text.into_boxed_slice())
                })
                .collect()
        });
        custom.iter().find(|(n, _)| n == name).map(|(_, v)| &v[..])
    }

    /// The text of a claim, without its NUL.
    fn text(&self, span: Span) -> &[u8] {
        self.text
            .get(span.start..span.start + span.len)
            .unwrap_or(&[])
    }
}

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

/// `scope` (space-separated scope names), borrowed like `airisk_claims_userid()`; NULL when absent.
#[no_mangle]
pub extern "C" fn airisk_claims_scope(
    claims: *const airisk_claims,
    len_out: *mut usize,
) -> *const c_char {
    claim_str(claims, AIRISK_CLAIM_SCOPE, len_out)
}

/// The JSON text of the custom claim `(name, name_len)` (`"admin"` with its
/// quotes, `42`, `{"a":[1]}`): any member of the token other than the
/// registered ones, which have their own accessors. NUL-terminated, borrowed
/// until `airisk_claims_free(claims)`, its length to `*len_out` when not NULL
/// (0 for NULL); NULL when the token has no such claim (or for NULL or
/// non-UTF-8 arguments). The custom claims are parsed on the first call, so
/// verification costs nothing more for them. Thread-safe.
#[no_mangle]
pub extern "C" fn airisk_claims_get_json(
    claims: *const airisk_claims,
    name: *const c_char,
    name_len: usize,
    len_out: *mut usize,
) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        let found = ffi::handle(claims).ok().and_then(|c| {
            let name = ffi::text(name, name_len).ok()?;
            c.custom_json(name)
        });
        if let Some(text) = found {
            ffi::put_opt(len_out, text.len() - 1);
            text.as_ptr().cast()
        } else {
            ffi::put_opt(len_out, 0);
            core::ptr::null()
        }
    })
}

fn claim_str(claims: *const airisk_claims, field: u32, len_out: *mut usize) -> *const c_char {
    boundary_value(core::ptr::null(), || {
        lend(claims, len_out, |c| c.field(field).ok().flatten())
    })
}

/// The claim `pick` chooses, lent to C: NUL-terminated, its length (without the NUL)
/// written to `len_out`; NULL and 0 for an absent claim or a NULL `claims`.
fn lend(
    claims: *const airisk_claims,
    len_out: *mut usize,
    pick: impl FnOnce(&airisk_claims) -> Option<Span>,
) -> *const c_char {
    let found = ffi::handle(claims).ok().and_then(|c| {
        let span = pick(c)?;
        c.text.get(span.start..=span.start + span.len)
    });
    if let Some(with_nul) = found {
        ffi::put_opt(len_out, with_nul.len() - 1);
        with_nul.as_ptr().cast::<c_char>()
    } else {
        ffi::put_opt(len_out, 0);
        core::ptr::null()
    }
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
        let claims = ffi::handle(claims)?;
        let span = claims.field(field)?.ok_or(Error::MissingClaim)?;
        ffi::copy_out(claims.text(span), buf, buf_len)
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
        lend(claims, len_out, |c| c.aud.get(index).copied())
    })
}
