//! One key as a JWK (RFC 7517), in and out.

use super::{Algorithm, Key, Material, MAX_KEY_DOCUMENT_LEN};
use crate::encoding::{b64_decode, b64_encode};
use crate::error::{Error, Result};
use serde::Deserialize;
use zeroize::Zeroizing;

impl Key {
    /// A key from one JWK (RFC 7517): `kty` `oct` with `k` for HS256, `kty`
    /// `OKP` / `crv` `Ed25519` with `x` (and `d` for a signing key) for EdDSA.
    /// An `alg` member, when present, must agree with the key type.
    ///
    /// ```
    /// use airisk_auth::keys::{Algorithm, Key};
    /// let key = Key::from_jwk(r#"{"kty":"oct","kid":"a","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#)?;
    /// assert_eq!(key.algorithm(), Algorithm::Hs256);
    /// # Ok::<(), airisk_auth::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidKey`] (or [`Error::WeakKey`]) when the JWK is not a usable key.
    pub fn from_jwk(json: &str) -> Result<Self> {
        if json.len() > MAX_KEY_DOCUMENT_LEN {
            return Err(Error::InvalidKey);
        }
        let jwk: Jwk = serde_json::from_str(json).map_err(|_| Error::InvalidKey)?;
        Self::from_parsed_jwk(&jwk)
    }

    pub(super) fn from_parsed_jwk(jwk: &Jwk) -> Result<Self> {
        let kid = jwk.kid.as_deref();
        let key = match (jwk.kty.as_str(), jwk.crv.as_deref()) {
            ("oct", None) => {
                let k = jwk.k.as_deref().ok_or(Error::InvalidKey)?;
                let secret = Zeroizing::new(b64_decode(k.as_bytes()).ok_or(Error::InvalidKey)?);
                Self::hs256(kid, &secret)?
            }
            ("OKP", Some("Ed25519")) => {
                let x = jwk.x.as_deref().ok_or(Error::InvalidKey)?;
                let x = b64_decode(x.as_bytes()).ok_or(Error::InvalidKey)?;
                match jwk.d.as_deref() {
                    Some(d) => {
                        let d = Zeroizing::new(b64_decode(d.as_bytes()).ok_or(Error::InvalidKey)?);
                        let key = Self::ed25519_from_seed(kid, &d)?;
                        // The stated public key must be the one the seed derives.
                        if key.public_key_bytes() != Some(&x[..]) {
                            return Err(Error::InvalidKey);
                        }
                        key
                    }
                    None => Self::ed25519_public(kid, &x)?,
                }
            }
            _ => return Err(Error::InvalidKey),
        };
        if let Some(alg) = jwk.alg.as_deref() {
            if Algorithm::from_name(alg) != Some(key.algorithm()) {
                return Err(Error::InvalidKey);
            }
        }
        Ok(key)
    }

    /// The key as a JWK JSON object. Secret members (`k`, `d`) are included only
    /// when `include_private` is true; an HS256 key has no public form and gives `None` then.
    #[must_use]
    pub fn to_jwk(&self, include_private: bool) -> Option<serde_json::Value> {
        let mut jwk = serde_json::Map::new();
        match &self.material {
            Material::Hs256 { secret, .. } => {
                if !include_private {
                    return None;
                }
                jwk.insert("kty".into(), "oct".into());
                jwk.insert("k".into(), b64_encode(secret).into());
            }
            Material::Ed25519Pair { seed, public, .. } => {
                jwk.insert("kty".into(), "OKP".into());
                jwk.insert("crv".into(), "Ed25519".into());
                jwk.insert("x".into(), b64_encode(public).into());
                if include_private {
                    jwk.insert("d".into(), b64_encode(&seed[..]).into());
                }
            }
            Material::Ed25519Public { public } => {
                jwk.insert("kty".into(), "OKP".into());
                jwk.insert("crv".into(), "Ed25519".into());
                jwk.insert("x".into(), b64_encode(public).into());
            }
        }
        jwk.insert("alg".into(), self.algorithm().as_str().into());
        if let Some(kid) = &self.kid {
            jwk.insert("kid".into(), kid.clone().into());
        }
        if !include_private {
            jwk.insert("use".into(), "sig".into());
        }
        Some(serde_json::Value::Object(jwk))
    }
}

#[derive(Deserialize)]
pub(super) struct Jwk {
    kty: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    crv: Option<String>,
    #[serde(default)]
    k: Option<Zeroizing<String>>,
    #[serde(default)]
    x: Option<String>,
    #[serde(default)]
    d: Option<Zeroizing<String>>,
}
