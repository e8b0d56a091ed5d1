//! Signing and verification keys, and key sets with rotation.
//!
//! A [`Key`] has an optional `kid` and exactly one [`Algorithm`]:
//! - **HS256**: an HMAC-SHA256 secret of at least 32 bytes (RFC 7518 §3.2);
//! - **EdDSA**: an Ed25519 key pair, or only its public key, so that a service
//!   that only verifies never holds the signing secret;
//! - **RS256, PS256, ES256** (verify only): another issuer's RSA or P-256 public
//!   key from a JWK set the host supplies, to accept its tokens beside ours
//!   (rules and sizes in [`Key::rsa_public`], [`Key::es256_public`] and the
//!   [interop section](#interop-rs256-ps256-es256)).
//!
//! A [`KeySet`] holds keys for verification and names one active signing key.
//! Rotation without downtime: add the new key, make it active, and keep the old
//! key in the set until every token it signed has expired, then [`KeySet::retire`] it.
//! The `kid` of a token only *selects* a key; the algorithm always comes from
//! the key, never from the token.
//!
//! # Interop: RS256, PS256, ES256
//! Verify-only keys of another issuer (an identity provider), loaded from the
//! JWK set the host obtained; the core never fetches one. The algorithm is
//! pinned by the key: a JWK's `alg` (`RS256`/`PS256` for `kty` `RSA`, `ES256` for
//! `kty` `EC`, `crv` `P-256`), or without `alg`, `RS256` for an RSA key and `ES256`
//! for a P-256 key (PyJWT's rule). RSA moduli under 2048 bits are [`Error::WeakKey`],
//! over 8192 bits [`Error::InvalidKey`]; P-256 points are checked on the curve
//! when loaded. A JWK holding private members, members of another key type, a
//! `use` other than `sig`, `key_ops` without `verify`, or any member RFC 7517/7518
//! does not define for it is refused; `x5c`/`x5t`/`x5u` are accepted and ignored.
//! These keys never sign ([`Error::NoSigningKey`]) and are not republished by
//! [`KeySet::to_jwks`]. ES256 verification allocates nothing; RSA verification
//! allocates inside ring (it parses the modulus on every verification).
//!
//! ```
//! use airisk_auth::keys::{Algorithm, KeySet};
//! // RFC 7515 A.3: an ES256 key without `alg`, pinned to ES256.
//! let set = KeySet::from_json(r#"{"keys":[{"kty":"EC","crv":"P-256",
//!   "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
//!   "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#)?;
//! assert_eq!(set.keys().next().map(|k| k.algorithm()), Some(Algorithm::Es256));
//! assert!(set.active().is_err(), "verify only");
//! # Ok::<(), airisk_auth::Error>(())
//! ```
//!
//! Secrets are zeroized on drop and never printed by `Debug`. (The HMAC key
//! schedule and the Ed25519 key pair held inside `ring` are not ours to wipe;
//! our copies of the raw secret are.)
//!
//! ```
//! use airisk_auth::keys::{Key, KeySet};
//! let mut set = KeySet::new();
//! set.insert(Key::generate_hs256("2026-11")?)?;
//! set.set_active("2026-11")?;
//! assert!(format!("{set:?}").contains("<redacted>"));
//! # Ok::<(), airisk_auth::Error>(())
//! ```

mod ed25519;
mod hs256;
mod interop;
mod jwk;
mod set;
#[cfg(test)]
mod tests;

pub(crate) use interop::MAX_SIGNATURE_LEN;
pub use interop::{MAX_RSA_MODULUS_BITS, MIN_RSA_MODULUS_BITS};
pub use set::KeySet;

use crate::encoding::b64_encode;
use crate::error::{Error, Result};
use crate::random::Random;
use core::fmt;
use ring::{hmac, signature};
use zeroize::Zeroizing;

/// The smallest HS256 secret accepted, in bytes (RFC 7518 §3.2).
pub const MIN_HS256_SECRET_LEN: usize = 32;
/// The largest HS256 secret accepted, in bytes.
pub const MAX_HS256_SECRET_LEN: usize = 1024;
/// The largest key or key-set JSON document accepted, in bytes.
pub const MAX_KEY_DOCUMENT_LEN: usize = 256 * 1024;
/// The longest `kid` accepted, in bytes.
pub const MAX_KID_LEN: usize = 128;

/// A JWS algorithm this crate signs and verifies with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC with SHA-256.
    Hs256,
    /// Ed25519 (RFC 8037).
    EdDsa,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3): verify only.
    Rs256,
    /// RSASSA-PSS with SHA-256, MGF1 and a 32-byte salt (RFC 7518 §3.5): verify only.
    Ps256,
    /// ECDSA on P-256 with SHA-256 (RFC 7518 §3.4): verify only.
    Es256,
}

impl Algorithm {
    /// The JOSE name: `"HS256"`, `"EdDSA"`, `"RS256"`, `"PS256"` or `"ES256"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::Hs256 => "HS256",
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Rs256 => "RS256",
            Algorithm::Ps256 => "PS256",
            Algorithm::Es256 => "ES256",
        }
    }

    /// The algorithm with this exact (case-sensitive) JOSE name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "HS256" => Some(Algorithm::Hs256),
            "EdDSA" => Some(Algorithm::EdDsa),
            "RS256" => Some(Algorithm::Rs256),
            "PS256" => Some(Algorithm::Ps256),
            "ES256" => Some(Algorithm::Es256),
            _ => None,
        }
    }

    /// The signature length in bytes, when the algorithm fixes it: `None` for
    /// RS256 and PS256, whose signatures are as long as the key's modulus
    /// ([`Key::signature_len`]).
    #[must_use]
    pub const fn signature_len(self) -> Option<usize> {
        match self {
            Algorithm::Hs256 => Some(32),
            Algorithm::EdDsa | Algorithm::Es256 => Some(64),
            Algorithm::Rs256 | Algorithm::Ps256 => None,
        }
    }
}

pub(super) enum Material {
    Hs256 {
        secret: Zeroizing<Vec<u8>>,
        key: hmac::Key,
    },
    Ed25519Pair {
        /// Boxed so that moving a `Key` (a `KeySet` growing its list, or
        /// closing the gap after `retire`) copies a pointer, never the seed: a
        /// moved-from copy would be freed unwiped.
        seed: Box<Zeroizing<[u8; 32]>>,
        pair: signature::Ed25519KeyPair,
        public: [u8; 32],
    },
    Ed25519Public {
        public: [u8; 32],
    },
    /// Verify only: another issuer's RSA key (RS256 or PS256).
    Rsa(interop::RsaPublic),
    /// Verify only: another issuer's P-256 key (ES256).
    EcP256(interop::EcP256Public),
}

/// One key: an optional `kid`, one algorithm, and its material.
pub struct Key {
    kid: Option<String>,
    material: Material,
    /// The base64url header this key mints with: compared byte for byte on
    /// verification, so tokens we minted select their key without JSON parsing.
    encoded_header: String,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .field("alg", &self.algorithm().as_str())
            .field("private", &self.can_sign())
            .field("material", &"<redacted>")
            .finish()
    }
}

fn check_kid(kid: Option<&str>) -> Result<()> {
    match kid {
        Some(k) if k.is_empty() || k.len() > MAX_KID_LEN => Err(Error::InvalidKey),
        _ => Ok(()),
    }
}

fn encoded_header_for(alg: Algorithm, kid: Option<&str>) -> String {
    #[derive(serde::Serialize)]
    struct Header<'a> {
        alg: &'a str,
        typ: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        kid: Option<&'a str>,
    }
    let json = serde_json::to_vec(&Header {
        alg: alg.as_str(),
        typ: "JWT",
        kid,
    })
    .unwrap_or_default();
    b64_encode(&json)
}

pub(super) fn random_bytes<const N: usize>(random: &dyn Random) -> Result<Zeroizing<[u8; N]>> {
    let mut out = Zeroizing::new([0u8; N]);
    random.fill(out.as_mut())?;
    Ok(out)
}

impl Key {
    pub(super) fn with_material(kid: Option<&str>, material: Material) -> Result<Self> {
        check_kid(kid)?;
        let mut key = Key {
            kid: kid.map(str::to_owned),
            material,
            encoded_header: String::new(),
        };
        key.encoded_header = encoded_header_for(key.algorithm(), kid);
        Ok(key)
    }

    /// The key id, if the key has one.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The one algorithm this key is used with.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        match self.material {
            Material::Hs256 { .. } => Algorithm::Hs256,
            Material::Ed25519Pair { .. } | Material::Ed25519Public { .. } => Algorithm::EdDsa,
            Material::Rsa(ref key) => key.algorithm(),
            Material::EcP256(_) => Algorithm::Es256,
        }
    }

    /// The length in bytes of this key's signatures.
    #[must_use]
    pub fn signature_len(&self) -> usize {
        match &self.material {
            Material::Rsa(key) => key.signature_len(),
            Material::Hs256 { .. } => 32,
            _ => 64,
        }
    }

    /// Whether this key holds a secret and so can sign.
    #[must_use]
    pub fn can_sign(&self) -> bool {
        matches!(
            self.material,
            Material::Hs256 { .. } | Material::Ed25519Pair { .. }
        )
    }

    pub(super) fn public_key_bytes(&self) -> Option<&[u8]> {
        match &self.material {
            Material::Ed25519Pair { public, .. } | Material::Ed25519Public { public } => {
                Some(public)
            }
            _ => None,
        }
    }

    /// The base64url-encoded JWS header this key mints with.
    #[must_use]
    pub fn encoded_header(&self) -> &str {
        &self.encoded_header
    }

    /// Signs `message` (a JWS signing input) and returns the raw signature.
    ///
    /// # Errors
    /// [`Error::NoSigningKey`] for a verify-only key (an Ed25519 public key, or
    /// any RSA or P-256 key: those are never used to sign).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        match &self.material {
            Material::Hs256 { key, .. } => Ok(hmac::sign(key, message).as_ref().to_vec()),
            Material::Ed25519Pair { pair, .. } => Ok(pair.sign(message).as_ref().to_vec()),
            _ => Err(Error::NoSigningKey),
        }
    }

    /// Signs `message` into `out` (64 bytes hold either signature) and returns
    /// the signature's length: minting writes it straight into the token.
    pub(crate) fn sign_into(&self, message: &[u8], out: &mut [u8; 64]) -> Result<usize> {
        let write = |out: &mut [u8; 64], signature: &[u8]| {
            let len = signature.len();
            out.get_mut(..len)
                .ok_or(Error::Internal)?
                .copy_from_slice(signature);
            Ok(len)
        };
        match &self.material {
            Material::Hs256 { key, .. } => write(out, hmac::sign(key, message).as_ref()),
            Material::Ed25519Pair { pair, .. } => write(out, pair.sign(message).as_ref()),
            _ => Err(Error::NoSigningKey),
        }
    }

    /// Checks a raw signature over `message` (constant time for HMAC).
    ///
    /// # Errors
    /// [`Error::InvalidSignature`].
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        let ok = match &self.material {
            Material::Hs256 { key, .. } => hmac::verify(key, message, signature).is_ok(),
            Material::Ed25519Pair { public, .. } | Material::Ed25519Public { public } => {
                signature::UnparsedPublicKey::new(&signature::ED25519, public)
                    .verify(message, signature)
                    .is_ok()
            }
            Material::Rsa(key) => key.verify(message, signature),
            Material::EcP256(key) => key.verify(message, signature),
        };
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}
