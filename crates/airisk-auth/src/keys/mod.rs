//! Signing and verification keys, and key sets with rotation.
//!
//! A [`Key`] has an optional `kid` and exactly one [`Algorithm`]:
//! - **HS256**: an HMAC-SHA256 secret of at least 32 bytes (RFC 7518 §3.2);
//! - **EdDSA**: an Ed25519 key pair, or only its public key, so that a service
//!   that only verifies never holds the signing secret.
//!
//! A [`KeySet`] holds keys for verification and names one active signing key.
//! Rotation without downtime: add the new key, make it active, and keep the old
//! key in the set until every token it signed has expired, then [`KeySet::retire`] it.
//! The `kid` of a token only *selects* a key; the algorithm always comes from
//! the key, never from the token.
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
mod jwk;
mod set;
#[cfg(test)]
mod tests;

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
}

impl Algorithm {
    /// The JOSE name: `"HS256"` or `"EdDSA"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::Hs256 => "HS256",
            Algorithm::EdDsa => "EdDSA",
        }
    }

    /// The algorithm with this exact (case-sensitive) JOSE name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "HS256" => Some(Algorithm::Hs256),
            "EdDSA" => Some(Algorithm::EdDsa),
            _ => None,
        }
    }

    /// The signature length in bytes.
    #[must_use]
    pub const fn signature_len(self) -> usize {
        match self {
            Algorithm::Hs256 => 32,
            Algorithm::EdDsa => 64,
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
        }
    }

    /// Whether this key holds a secret and so can sign.
    #[must_use]
    pub fn can_sign(&self) -> bool {
        !matches!(self.material, Material::Ed25519Public { .. })
    }

    pub(super) fn public_key_bytes(&self) -> Option<&[u8]> {
        match &self.material {
            Material::Ed25519Pair { public, .. } | Material::Ed25519Public { public } => {
                Some(public)
            }
            Material::Hs256 { .. } => None,
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
    /// [`Error::NoSigningKey`] for a verify-only key.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        match &self.material {
            Material::Hs256 { key, .. } => Ok(hmac::sign(key, message).as_ref().to_vec()),
            Material::Ed25519Pair { pair, .. } => Ok(pair.sign(message).as_ref().to_vec()),
            Material::Ed25519Public { .. } => Err(Error::NoSigningKey),
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
            Material::Ed25519Public { .. } => Err(Error::NoSigningKey),
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
        };
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}
