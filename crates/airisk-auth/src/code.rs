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

use crate::encoding::{b64_decode_into, b64_encode};
use crate::error::{Error, Result};
use crate::random::{Random, SystemRandom};
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
        }
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckedCode {
    /// Its id, to redeem in the store.
    pub id: CodeId,
    /// When it expires.
    pub expires_at: u64,
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
        let expires_at = now.checked_add(ttl).ok_or(Error::InvalidConfiguration)?;
        let mut id = [0u8; 16];
        random.fill(&mut id)?;
        let mut raw = [0u8; RAW_LEN];
        raw[0] = VERSION;
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
        let mac = self.mac(
            &raw[..MAC_OFFSET],
            binding,
            binding.code_challenge.unwrap_or(""),
        );
        raw[MAC_OFFSET..].copy_from_slice(&mac);
        Ok(IssuedCode {
            code: b64_encode(&raw),
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
        if code.len() != CODE_LEN {
            return Err(Error::InvalidCode);
        }
        let mut raw = [0u8; RAW_LEN];
        if b64_decode_into(code.as_bytes(), &mut raw) != Some(RAW_LEN) {
            return Err(Error::InvalidCode);
        }
        let flags = raw[1];
        if raw[0] != VERSION || flags & !(FLAG_USERID | FLAG_PKCE) != 0 {
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
        let expected = self.mac(
            &raw[..MAC_OFFSET],
            presented,
            challenge.as_deref().unwrap_or(""),
        );
        if !bool::from(expected[..].ct_eq(&raw[MAC_OFFSET..])) {
            return Err(Error::InvalidCode);
        }
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
mod tests {
    use super::*;

    fn binding<'a>(userid: Option<&'a str>, challenge: Option<&'a str>) -> CodeBinding<'a> {
        CodeBinding {
            client_id: "abc123",
            redirect_uri: "https://localhost/callback",
            userid,
            code_challenge: challenge,
        }
    }

    #[test]
    fn every_binding_is_checked() {
        let key = CodeKey::from_bytes(&[5; 32]).unwrap();
        let issued = key.issue(&binding(Some("u1"), None), 100, 60).unwrap();
        assert_eq!(issued.code.len(), CODE_LEN);
        let ok = binding(Some("u1"), None);
        assert!(key.check(&issued.code, &ok, None, 100).is_ok());
        assert_eq!(
            key.check(&issued.code, &binding(Some("u2"), None), None, 100),
            Err(Error::InvalidCode)
        );
        assert_eq!(
            key.check(&issued.code, &binding(None, None), None, 100),
            Err(Error::UseridMismatch)
        );
        let other_client = CodeBinding {
            client_id: "abc124",
            ..ok
        };
        assert_eq!(
            key.check(&issued.code, &other_client, None, 100),
            Err(Error::InvalidCode)
        );
        let other_uri = CodeBinding {
            redirect_uri: "https://localhost/callback/",
            ..ok
        };
        assert_eq!(
            key.check(&issued.code, &other_uri, None, 100),
            Err(Error::InvalidCode)
        );
        assert_eq!(
            key.check(&issued.code, &ok, Some(&"a".repeat(43)), 100),
            Err(Error::PkceUnexpected)
        );
        assert_eq!(
            key.check(&issued.code, &ok, None, 160),
            Err(Error::CodeExpired)
        );
        assert_eq!(
            key.check(&issued.code, &ok, None, 159)
                .map(|c| c.expires_at),
            Ok(160)
        );
        let other_key = CodeKey::from_bytes(&[6; 32]).unwrap();
        assert_eq!(
            other_key.check(&issued.code, &ok, None, 100),
            Err(Error::InvalidCode)
        );
    }

    #[test]
    fn pkce_binding() {
        let key = CodeKey::from_bytes(&[5; 32]).unwrap();
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = s256_challenge(verifier).unwrap();
        let issued = key.issue(&binding(None, Some(&challenge)), 0, 60).unwrap();
        let b = binding(None, None);
        assert!(key.check(&issued.code, &b, Some(verifier), 1).is_ok());
        assert_eq!(
            key.check(&issued.code, &b, None, 1),
            Err(Error::PkceRequired)
        );
        let wrong = "eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            key.check(&issued.code, &b, Some(wrong), 1),
            Err(Error::InvalidCode)
        );
        assert_eq!(
            key.check(&issued.code, &b, Some("short"), 1),
            Err(Error::PkceMismatch)
        );
        assert_eq!(
            key.issue(&binding(None, Some("plain-challenge")), 0, 60)
                .unwrap_err(),
            Error::UnsupportedPkceMethod
        );
    }

    #[test]
    fn codes_differ_and_jti_is_stable() {
        let key = CodeKey::from_bytes(&[5; 32]).unwrap();
        let a = key.issue(&binding(None, None), 0, 60).unwrap();
        let b = key.issue(&binding(None, None), 0, 60).unwrap();
        assert_ne!(a.code, b.code);
        assert_eq!(key.token_id(&a.id), key.token_id(&a.id));
        assert_ne!(key.token_id(&a.id), key.token_id(&b.id));
        assert_eq!(
            key.issue(&binding(None, None), 0, 601).unwrap_err(),
            Error::InvalidConfiguration
        );
    }
}
