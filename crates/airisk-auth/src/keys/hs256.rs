//! HS256 keys: HMAC-SHA256 secrets of 32 to 1024 bytes (RFC 7518 §3.2).

use super::{random_bytes, Key, Material, MAX_HS256_SECRET_LEN, MIN_HS256_SECRET_LEN};
use crate::error::{Error, Result};
use crate::random::{Random, SystemRandom};
use ring::hmac;
use zeroize::Zeroizing;

impl Key {
    /// An HS256 key from a raw secret of 32 to 1024 bytes.
    ///
    /// # Errors
    /// [`Error::WeakKey`] under 32 bytes, [`Error::InvalidKey`] over 1024 or for a bad `kid`.
    pub fn hs256(kid: Option<&str>, secret: &[u8]) -> Result<Self> {
        if secret.len() < MIN_HS256_SECRET_LEN {
            return Err(Error::WeakKey);
        }
        if secret.len() > MAX_HS256_SECRET_LEN {
            return Err(Error::InvalidKey);
        }
        Self::with_material(
            kid,
            Material::Hs256 {
                secret: Zeroizing::new(secret.to_vec()),
                key: hmac::Key::new(hmac::HMAC_SHA256, secret),
            },
        )
    }

    /// A new random 32-byte HS256 key.
    ///
    /// # Errors
    /// [`Error::RandomFailure`], or [`Error::InvalidKey`] for a bad `kid`.
    pub fn generate_hs256(kid: &str) -> Result<Self> {
        Self::generate_hs256_with(kid, &SystemRandom)
    }

    /// A new 32-byte HS256 key drawn from `random`.
    ///
    /// # Errors
    /// [`Error::RandomFailure`], or [`Error::InvalidKey`] for a bad `kid`.
    pub fn generate_hs256_with(kid: &str, random: &dyn Random) -> Result<Self> {
        let secret = random_bytes::<32>(random)?;
        Self::hs256(Some(kid), secret.as_ref())
    }
}
