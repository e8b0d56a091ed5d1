//! HS256 keys: HMAC-SHA256 secrets of 32 to 1024 bytes (RFC 7518 §3.2).

use super::{random_bytes, Key, Material, MAX_HS256_SECRET_LEN, MIN_HS256_SECRET_LEN};
use crate::error::{Error, Result};
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
        let secret = random_bytes::<32>()?;
        Self::hs256(Some(kid), secret.as_ref())
    }
}
