//! Authorization codes: short-lived, single-use, and checkable by any instance
//! holding the [`CodeKey`].
//!
//! # Design
//! A code is 56 characters of base64url over 42 bytes:
//!
//! | bytes | content |
//! |---|---|
//! | 1 | version (`1`) |
//! | 1 | flags: bit 0 = bound to a userid, bit 1 = bound to a PKCE challenge |
//! | 8 | expiry, Unix seconds, big-endian |
//! | 16 | random id (128 bits of entropy from the system CSPRNG) |
//! | 16 | HMAC-SHA256 (truncated) over all the above, the client_id, the exact redirect_uri, the userid and the S256 challenge |
//!
//! A code that carries a granted scope or custom claims (the host's, added at
//! approval) is a *version 2* code, longer and of variable length: the same
//! 26 head bytes (version `2`), then the scope and the custom claims' JSON
//! (each a big-endian u16 length and its bytes; length 0 for none), then the
//! 16-byte MAC over all of it and the binding. It is at most [`MAX_CODE_LEN`]
//! characters, checked before it is decoded. Codes without either stay
//! version 1, byte for byte. The scope and the custom claims are tamper-proof,
//! not secret: whoever sees the redirect can read them, as the client reads
//! them in its token; put nothing in custom claims that the user's browser
//! may not see.
//!
//! The binding (client, redirect URI, userid-or-none, PKCE challenge) is not
//! stored anywhere: the token request repeats the client, URI and userid, and
//! the PKCE verifier yields the challenge, so the MAC checks them all at once.
//! A code therefore leaks nothing but its expiry, and the only shared state is
//! whether its id was already redeemed ([`crate::store`]).
//!
//! Rotating the code key invalidates outstanding codes (they live ≤ 10 minutes).
//!
//! ```
//! use airisk_auth::code::{CodeBinding, CodeKey};
//! let key = CodeKey::generate()?;
//! let binding = CodeBinding::new("abc123", "https://localhost/callback", None, None);
//! let issued = key.issue(&binding, 1_000, 60)?;
//! let presented = binding;
//! let checked = key.check(&issued.code, &presented, None, 1_030)?;
//! assert_eq!(checked.id, issued.id);
//! assert_eq!(key.check(&issued.code, &presented, None, 1_060), Err(airisk_auth::Error::CodeExpired));
//! # Ok::<(), airisk_auth::Error>(())
//! ```

use crate::encoding::{b64_decode, b64_decode_into, b64_encode};
use crate::error::{Error, Result};
use crate::random::{Random, SystemRandom};
use crate::scope::MAX_SCOPE_LEN;
use crate::token::MAX_CUSTOM_CLAIMS_LEN;
use core::fmt;
use ring::{digest, hmac};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The length of every code, in characters.
pub const CODE_LEN: usize = 56;
/// The default code lifetime, in seconds.
pub const DEFAULT_CODE_TTL: u64 = 60;
/// The longest code lifetime accepted, in seconds (RFC 6749 §4.1.2: ten minutes at most).
pub const MAX_CODE_TTL: u64 = 600;
/// The shortest and longest PKCE verifier (RFC 7636 §4.1).
pub const PKCE_VERIFIER_LEN: core::ops::RangeInclusive<usize> = 43..=128;

const VERSION: u8 = 1;
const VERSION_EXTENDED: u8 = 2;
const MAC_LEN: usize = 16;
/// The largest version 2 code, in bytes before base64url.
const MAX_RAW_LEN: usize = MAC_OFFSET + 2 + MAX_SCOPE_LEN + 2 + MAX_CUSTOM_CLAIMS_LEN + MAC_LEN;
/// The longest code accepted, in characters: one carrying the largest scope
/// and custom claims (most codes are [`CODE_LEN`]).
pub const MAX_CODE_LEN: usize = (MAX_RAW_LEN * 4).div_ceil(3);
const FLAG_USERID: u8 = 1;
const FLAG_PKCE: u8 = 2;
const RAW_LEN: usize = 42;
const MAC_OFFSET: usize = 26;
const MAC_DOMAIN: &[u8] = b"airisk-auth code v1\0";
const JTI_DOMAIN: &[u8] = b"airisk-auth jti v1\0";

/// The random id of a code: what the store records as redeemed.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeId(pub [u8; 16]);

impl fmt::Debug for CodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CodeId({self})")
    }
}

impl fmt::Display for CodeId {
    /// Lower-case hex, e.g. for a shared store's key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// What a code is bound to. At issue time `code_challenge` is the S256
/// challenge; at check time it is ignored (the verifier is passed instead).
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct CodeBinding<'a> {
    /// The client the code is issued to.
    pub client_id: &'a str,
    /// The exact redirect URI of the authorization request.
    pub redirect_uri: &'a str,
    /// The user, for a user-specific token.
    pub userid: Option<&'a str>,
    /// The PKCE S256 challenge (43 base64url characters).
    pub code_challenge: Option<&'a str>,
    /// The granted scope, carried in the code (at check time: ignored, read from the code).
    pub scope: Option<&'a str>,
    /// The custom claims' JSON object, carried in the code (at check time: ignored).
    pub claims: Option<&'a str>,
}

impl<'a> CodeBinding<'a> {
    /// A binding to a client and its exact redirect URI, for `userid` (`None`:
    /// a generic token) and with the PKCE S256 `code_challenge`, if any.
    #[must_use]
    pub fn new(
        client_id: &'a str,
        redirect_uri: &'a str,
        userid: Option<&'a str>,
        code_challenge: Option<&'a str>,
    ) -> Self {
        CodeBinding {
            client_id,
            redirect_uri,
            userid,
            code_challenge,
            scope: None,
            claims: None,
        }
    }

    /// The same binding, carrying the granted `scope` (space-separated names).
    #[must_use]
    pub fn with_scope(mut self, scope: Option<&'a str>) -> Self {
        self.scope = scope;
        self
    }

    /// The same binding, carrying custom claims (`claims`: their JSON object).
    #[must_use]
    pub fn with_claims(mut self, claims: Option<&'a str>) -> Self {
        self.claims = claims;
        self
    }
}

/// A freshly issued code.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct IssuedCode {
    /// The code to put in the redirect.
    pub code: String,
    /// Its id.
    pub id: CodeId,
    /// When it expires.
    pub expires_at: u64,
}

/// A code that passed every check but single use.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckedCode {
    /// Its id, to redeem in the store.
    pub id: CodeId,
    /// When it expires.
    pub expires_at: u64,
    /// The scope it carries, if any.
    pub scope: Option<String>,
    /// The custom claims' JSON object it carries, if any.
    pub claims: Option<String>,
}

/// The secret that makes and checks codes. Share it between the instances of
/// one deployment; never between deployments.
pub struct CodeKey {
    key: hmac::Key,
    secret: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeKey(<redacted>)")
    }
}

impl CodeKey {
    /// A code key from 32 to 1024 secret bytes.
    ///
    /// # Errors
    /// [`Error::WeakKey`] under 32 bytes, [`Error::InvalidKey`] over 1024.
    pub fn from_bytes(secret: &[u8]) -> Result<Self> {
        if secret.len() < 32 {
            return Err(Error::WeakKey);
        }
        if secret.len() > 1024 {
            return Err(Error::InvalidKey);
        }
        Ok(CodeKey {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
            secret: Zeroizing::new(secret.to_vec()),
        })
    }

    /// A new random code key.
    ///
    /// # Errors
    /// [`Error::RandomFailure`].
    pub fn generate() -> Result<Self> {
        Self::generate_with(&SystemRandom)
    }

    /// A new code key drawn from `random`.
    ///
    /// # Errors
    /// [`Error::RandomFailure`].
    pub fn generate_with(random: &dyn Random) -> Result<Self> {
        let mut secret = Zeroizing::new([0u8; 32]);
        random.fill(secret.as_mut())?;
        Self::from_bytes(secret.as_ref())
    }

    /// The raw secret, e.g. to store it for the other instances.
    #[must_use]
    pub fn secret_bytes(&self) -> &[u8] {
        &self.secret
    }

    fn mac(&self, head: &[u8], binding: &CodeBinding<'_>, challenge: &str) -> [u8; 16] {
        let mut ctx = hmac::Context::with_key(&self.key);
        ctx.update(MAC_DOMAIN);
        ctx.update(head);
        for field in [
            binding.client_id,
            binding.redirect_uri,
            binding.userid.unwrap_or(""),
            challenge,
        ] {
            // Length-prefixed, so no two different bindings hash alike.
            ctx.update(&u64::try_from(field.len()).unwrap_or(u64::MAX).to_be_bytes());
            ctx.update(field.as_bytes());
        }
        let tag = ctx.sign();
        let mut out = [0u8; 16];
        out.copy_from_slice(&tag.as_ref()[..16]);
        out
    }

    /// Issues a code bound to `binding`, valid for `ttl` seconds from `now`.
    ///
    /// # Errors
    /// [`Error::InvalidConfiguration`] for a `ttl` of 0 or over [`MAX_CODE_TTL`];
    /// [`Error::UnsupportedPkceMethod`] for a challenge that is not an S256 output;
    /// [`Error::InvalidClaims`] for a scope or custom claims over their bounds;
    /// [`Error::RandomFailure`].
    pub fn issue(&self, binding: &CodeBinding<'_>, now: u64, ttl: u64) -> Result<IssuedCode> {
        self.issue_with(binding, now, ttl, &SystemRandom)
    }

    /// [`CodeKey::issue`] with the code id drawn from `random`.
    ///
    /// # Errors
    /// As [`CodeKey::issue`].
    pub fn issue_with(
        &self,
        binding: &CodeBinding<'_>,
        now: u64,
        ttl: u64,
        random: &dyn Random,
    ) -> Result<IssuedCode> {
        if ttl == 0 || ttl > MAX_CODE_TTL {
            return Err(Error::InvalidConfiguration);
        }
        if binding
            .code_challenge
            .is_some_and(|c| !is_valid_challenge(c))
        {
            return Err(Error::UnsupportedPkceMethod);
        }
        let scope = binding.scope.filter(|s| !s.is_empty());
        let claims = binding.claims.filter(|c| !c.is_empty());
        if scope.is_some_and(|s| s.len() > MAX_SCOPE_LEN)
            || claims.is_some_and(|c| c.len() > MAX_CUSTOM_CLAIMS_LEN)
        {
            return Err(Error::InvalidClaims);
        }
        let expires_at = now.checked_add(ttl).ok_or(Error::InvalidConfiguration)?;
        let mut id = [0u8; 16];
        random.fill(&mut id)?;
        let mut raw = [0u8; RAW_LEN];
        raw[0] = if scope.is_some() || claims.is_some() {
            VERSION_EXTENDED
        } else {
            VERSION
        };
        raw[1] = if binding.userid.is_some() {
            FLAG_USERID
        } else {
            0
        } | if binding.code_challenge.is_some() {
            FLAG_PKCE
        } else {
            0
        };
        raw[2..10].copy_from_slice(&expires_at.to_be_bytes());
        raw[10..MAC_OFFSET].copy_from_slice(&id);
        let challenge = binding.code_challenge.unwrap_or("");
        let code = if raw[0] == VERSION {
            let mac = self.mac(&raw[..MAC_OFFSET], binding, challenge);
            raw[MAC_OFFSET..].copy_from_slice(&mac);
            b64_encode(&raw)
        } else {
            let mut long = Vec::with_capacity(MAX_RAW_LEN.min(RAW_LEN + 4 + 1024));
            long.extend_from_slice(&raw[..MAC_OFFSET]);
            for field in [scope, claims] {
                let field = field.unwrap_or("");
                let len = u16::try_from(field.len()).map_err(|_| Error::InvalidClaims)?;
                long.extend_from_slice(&len.to_be_bytes());
                long.extend_from_slice(field.as_bytes());
            }
            let mac = self.mac(&long, binding, challenge);
            long.extend_from_slice(&mac);
            b64_encode(&long)
        };
        Ok(IssuedCode {
            code,
            id: CodeId(id),
            expires_at,
        })
    }

    /// Checks `code` against what the token request presents: its client,
    /// redirect URI and userid (in `presented`) and its PKCE `code_verifier`.
    ///
    /// Single use is not checked here: redeem [`CheckedCode::id`] in a [`crate::store::Store`].
    ///
    /// # Errors
    /// [`Error::InvalidCode`] (malformed, forged, or another client / URI / userid / verifier),
    /// [`Error::UseridMismatch`] (a userid sent for a code without one, or the reverse),
    /// [`Error::PkceRequired`], [`Error::PkceUnexpected`], [`Error::PkceMismatch`] (a malformed verifier),
    /// [`Error::CodeExpired`].
    pub fn check(
        &self,
        code: &str,
        presented: &CodeBinding<'_>,
        code_verifier: Option<&str>,
        now: u64,
    ) -> Result<CheckedCode> {
        if code.len() == CODE_LEN {
            let mut raw = [0u8; RAW_LEN];
            if b64_decode_into(code.as_bytes(), &mut raw) != Some(RAW_LEN) || raw[0] != VERSION {
                return Err(Error::InvalidCode);
            }
            return self.check_raw(&raw, &[], presented, code_verifier, now);
        }
        if code.len() > MAX_CODE_LEN {
            return Err(Error::InvalidCode);
        }
        let raw = b64_decode(code.as_bytes()).ok_or(Error::InvalidCode)?;
        if raw.len() < MAC_OFFSET + 4 + MAC_LEN || raw[0] != VERSION_EXTENDED {
            return Err(Error::InvalidCode);
        }
        let (head, rest) = raw.split_at(MAC_OFFSET);
        let (extension, mac) = rest.split_at(rest.len() - MAC_LEN);
        let mut full = [0u8; MAC_OFFSET + MAC_LEN];
        full[..MAC_OFFSET].copy_from_slice(head);
        full[MAC_OFFSET..].copy_from_slice(mac);
        self.check_raw(&full, extension, presented, code_verifier, now)
    }

    /// Checks a code's head and MAC (`raw`: the 26 head bytes and the MAC)
    /// and reads its `extension` (a version 2 code's scope and claims).
    fn check_raw(
        &self,
        raw: &[u8; RAW_LEN],
        extension: &[u8],
        presented: &CodeBinding<'_>,
        code_verifier: Option<&str>,
        now: u64,
    ) -> Result<CheckedCode> {
        let flags = raw[1];
        if flags & !(FLAG_USERID | FLAG_PKCE) != 0 {
            return Err(Error::InvalidCode);
        }
        if (flags & FLAG_USERID != 0) != presented.userid.is_some() {
            return Err(Error::UseridMismatch);
        }
        let challenge = match (flags & FLAG_PKCE != 0, code_verifier) {
            (false, None) => None,
            (false, Some(_)) => return Err(Error::PkceUnexpected),
            (true, None) => return Err(Error::PkceRequired),
            (true, Some(verifier)) => Some(s256_challenge(verifier)?),
        };
        let challenge = challenge.as_deref().unwrap_or("");
        let expected = if extension.is_empty() {
            self.mac(&raw[..MAC_OFFSET], presented, challenge)
        } else {
            self.mac(
                &[&raw[..MAC_OFFSET], extension].concat(),
                presented,
                challenge,
            )
        };
        if !bool::from(expected[..].ct_eq(&raw[MAC_OFFSET..])) {
            return Err(Error::InvalidCode);
        }
        let (scope, claims) = read_extension(extension)?;
        let mut exp = [0u8; 8];
        exp.copy_from_slice(&raw[2..10]);
        let expires_at = u64::from_be_bytes(exp);
        if now >= expires_at {
            return Err(Error::CodeExpired);
        }
        let mut id = [0u8; 16];
        id.copy_from_slice(&raw[10..MAC_OFFSET]);
        Ok(CheckedCode {
            id: CodeId(id),
            expires_at,
            scope,
            claims,
        })
    }

    /// The `jti` of the token issued from code `id`: derived, so that a replay
    /// of the code can revoke that token without any record of it.
    #[must_use]
    pub fn token_id(&self, id: &CodeId) -> String {
        let mut ctx = hmac::Context::with_key(&self.key);
        ctx.update(JTI_DOMAIN);
        ctx.update(&id.0);
        b64_encode(&ctx.sign().as_ref()[..16])
    }
}

/// The scope and custom claims of a version 2 code's (authenticated)
/// extension; none for a version 1 code.
fn read_extension(mut extension: &[u8]) -> Result<(Option<String>, Option<String>)> {
    if extension.is_empty() {
        return Ok((None, None));
    }
    let mut next = || -> Result<Option<String>> {
        let len = extension.get(..2).ok_or(Error::InvalidCode)?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let text = extension.get(2..2 + len).ok_or(Error::InvalidCode)?;
        let text = core::str::from_utf8(text).map_err(|_| Error::InvalidCode)?;
        extension = &extension[2 + len..];
        Ok((!text.is_empty()).then(|| text.to_owned()))
    };
    let (scope, claims) = (next()?, next()?);
    if !extension.is_empty() || (scope.is_none() && claims.is_none()) {
        return Err(Error::InvalidCode);
    }
    Ok((scope, claims))
}

/// Whether `challenge` is an S256 code challenge: 43 characters of canonical
/// base64url for 32 bytes (RFC 7636 §4.2).
#[must_use]
pub fn is_valid_challenge(challenge: &str) -> bool {
    let mut out = [0u8; 32];
    challenge.len() == 43 && b64_decode_into(challenge.as_bytes(), &mut out) == Some(32)
}

/// Whether `verifier` is a well-formed PKCE code verifier (RFC 7636 §4.1).
#[must_use]
pub fn is_valid_verifier(verifier: &str) -> bool {
    PKCE_VERIFIER_LEN.contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The S256 challenge of a PKCE verifier: `BASE64URL(SHA256(verifier))`.
///
/// ```
/// // RFC 7636 Appendix B
/// let challenge = airisk_auth::code::s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?;
/// assert_eq!(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
/// # Ok::<(), airisk_auth::Error>(())
/// ```
///
/// # Errors
/// [`Error::PkceMismatch`] for a malformed verifier.
pub fn s256_challenge(verifier: &str) -> Result<String> {
    if !is_valid_verifier(verifier) {
        return Err(Error::PkceMismatch);
    }
    Ok(b64_encode(
        digest::digest(&digest::SHA256, verifier.as_bytes()).as_ref(),
    ))
}

#[cfg(test)]
mod tests;
