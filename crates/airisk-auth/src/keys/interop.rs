//! Verify-only keys of other issuers: RSA (RS256, PS256) and ECDSA P-256 (ES256).
//!
//! A service that must also accept tokens from its identity provider loads the
//! provider's public keys from a JWK set the host obtained (the core never
//! fetches one; `jku`, `x5u` and `x5c` are never followed or used). These keys
//! can only verify: [`Key::can_sign`] is false, minting and
//! [`KeySet::set_active`](super::KeySet::set_active) answer [`Error::NoSigningKey`].
//!
//! # Rules (decided where RFC 7517/7518 leave a choice)
//! - **The algorithm is pinned by the key.** A JWK's `alg` names it (`RS256` or
//!   `PS256` for `kty` `RSA`, `ES256` for `kty` `EC` with `crv` `P-256`); any other
//!   `alg` is refused. A JWK **without** `alg` is pinned by its type, the rule
//!   PyJWT follows: an RSA key to `RS256` (never PS256: a PS256 key must say so),
//!   a P-256 key to `ES256`. Either way a key verifies one algorithm only, so an
//!   RS256 key never checks a PS256 or an HS256 token (the HMAC-with-a-public-key
//!   confusion of RFC 8725 §2.1 cannot arise: HS256 is not this key's algorithm).
//! - **RSA sizes**: a modulus under 2048 bits is [`Error::WeakKey`] (RFC 7518 §3.3,
//!   §3.5); over 8192 bits [`Error::InvalidKey`] (ring's bound, and what keeps
//!   one verification cheap). The modulus must be odd; the exponent odd, at least
//!   3 and at most four bytes (65537 in practice). `n` and `e` must be minimal
//!   (RFC 7518 §2 Base64urlUInt: no leading zero octet).
//! - **P-256 points**: `x` and `y` exactly 32 bytes each (RFC 7518 §6.2.1.2) and
//!   a point on the curve, checked when the key is loaded (ring validates the
//!   point as the peer key of one ECDH agreement with a throwaway key: ring has no
//!   other public point check). Other curves are refused.
//! - **Members**: `use`, when present, must be `sig`; `key_ops`, when present,
//!   must include `verify`. A JWK holding a private key (`d`, `p`, `q`, `dp`,
//!   `dq`, `qi`, `oth`) is refused: a verifier has no use for it and should never
//!   hold it. Members of another key type (`k` on an RSA key, `n` on an EC key)
//!   are refused. The certificate members (`x5c`, `x5t`, `x5t#S256`, `x5u`) are
//!   accepted and ignored; any other member is refused, as the registry refuses
//!   unknown members.
//! - **All or nothing**: a key set loads whole or fails; a JWK set holding keys
//!   this crate cannot verify with (RS384, encryption keys, provider-specific
//!   members) is refused, so the host filters an identity provider's set first.
//! - **Publishing**: these keys are another issuer's, so [`KeySet::to_jwks`](super::KeySet::to_jwks)
//!   (the issuer's own JWKS endpoint) never lists them; [`KeySet::to_json`](super::KeySet::to_json)
//!   keeps them, so a key file round trips.
//!
//! # Cost
//! ES256 verification allocates nothing. RSA verification allocates inside
//! ring (the modulus is parsed into heap-held limbs on each verification:
//! ring 0.17 has no reusable parsed public key); our code allocates nothing
//! around it, and the signature is decoded on the stack.

use super::jwk::Jwk;
use super::{Algorithm, Key, Material};
use crate::encoding::{b64_decode, b64_encode};
use crate::error::{Error, Result};
use ring::{agreement, rand, signature};

/// The smallest RSA modulus accepted, in bits (RFC 7518 §3.3).
pub const MIN_RSA_MODULUS_BITS: usize = 2048;
/// The largest RSA modulus accepted, in bits (ring's bound).
pub const MAX_RSA_MODULUS_BITS: usize = 8192;
/// The longest signature of any key: an RSA signature is as long as its modulus.
pub(crate) const MAX_SIGNATURE_LEN: usize = MAX_RSA_MODULUS_BITS / 8;

/// An RSA public key, pinned to RS256 or PS256.
pub(crate) struct RsaPublic {
    alg: Algorithm,
    n: Box<[u8]>,
    e: Box<[u8]>,
}

impl RsaPublic {
    pub(super) fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// An RSA signature is exactly as long as the modulus (RFC 8017 §8.1.2, §8.2.2).
    pub(super) fn signature_len(&self) -> usize {
        self.n.len()
    }

    pub(super) fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        let params: &signature::RsaParameters = match self.alg {
            Algorithm::Ps256 => &signature::RSA_PSS_2048_8192_SHA256,
            _ => &signature::RSA_PKCS1_2048_8192_SHA256,
        };
        signature::RsaPublicKeyComponents {
            n: &self.n[..],
            e: &self.e[..],
        }
        .verify(params, message, sig)
        .is_ok()
    }
}

/// A P-256 public key as its uncompressed point `04 || x || y`, pinned to ES256.
pub(crate) struct EcP256Public {
    point: [u8; 65],
}

impl EcP256Public {
    pub(super) fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &self.point)
            .verify(message, sig)
            .is_ok()
    }
}

/// A Base64urlUInt (RFC 7518 §2): canonical base64url, non-empty, no leading zero octet.
fn uint(text: Option<&str>) -> Result<Vec<u8>> {
    let bytes = b64_decode(text.ok_or(Error::InvalidKey)?.as_bytes()).ok_or(Error::InvalidKey)?;
    match bytes.first() {
        Some(&first) if first != 0 => Ok(bytes),
        _ => Err(Error::InvalidKey),
    }
}

impl Key {
    /// A verify-only RSA key from its modulus and public exponent (big-endian,
    /// without leading zeros), pinned to `alg` ([`Algorithm::Rs256`] or [`Algorithm::Ps256`]).
    ///
    /// # Errors
    /// [`Error::WeakKey`] for a modulus under 2048 bits; [`Error::InvalidKey`] for
    /// another algorithm, a modulus over 8192 bits or even, an exponent that is even,
    /// under 3 or over four bytes, a leading zero, or a bad `kid`.
    pub fn rsa_public(kid: Option<&str>, alg: Algorithm, n: &[u8], e: &[u8]) -> Result<Self> {
        if !matches!(alg, Algorithm::Rs256 | Algorithm::Ps256) {
            return Err(Error::InvalidKey);
        }
        let (Some(&n_first), Some(&n_last)) = (n.first(), n.last()) else {
            return Err(Error::InvalidKey);
        };
        if n_first == 0 || n_last & 1 == 0 {
            return Err(Error::InvalidKey);
        }
        let leading_zeros =
            usize::try_from(n_first.leading_zeros()).map_err(|_| Error::Internal)?;
        let n_bits = n.len().saturating_mul(8) - leading_zeros;
        if n_bits < MIN_RSA_MODULUS_BITS {
            return Err(Error::WeakKey);
        }
        if n_bits > MAX_RSA_MODULUS_BITS {
            return Err(Error::InvalidKey);
        }
        let e_value = match e {
            [first, ..] if *first != 0 && e.len() <= 4 => {
                e.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b))
            }
            _ => return Err(Error::InvalidKey),
        };
        if e_value < 3 || e_value & 1 == 0 {
            return Err(Error::InvalidKey);
        }
        Self::with_material(
            kid,
            Material::Rsa(RsaPublic {
                alg,
                n: n.into(),
                e: e.into(),
            }),
        )
    }

    /// A verify-only ES256 key from the coordinates of its P-256 point (32
    /// bytes each, big-endian), which must lie on the curve.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a wrong length, a point off the curve, or a bad `kid`;
    /// [`Error::RandomFailure`] when the point check cannot draw its throwaway key.
    pub fn es256_public(kid: Option<&str>, x: &[u8], y: &[u8]) -> Result<Self> {
        if x.len() != 32 || y.len() != 32 {
            return Err(Error::InvalidKey);
        }
        let mut point = [0u8; 65];
        point[0] = 4;
        point[1..33].copy_from_slice(x);
        point[33..].copy_from_slice(y);
        // ring checks the peer point of an ECDH agreement (coordinates below p,
        // on the curve, not the point at infinity): the one public point check it has.
        let throwaway = agreement::EphemeralPrivateKey::generate(
            &agreement::ECDH_P256,
            &rand::SystemRandom::new(),
        )
        .map_err(|_| Error::RandomFailure)?;
        agreement::agree_ephemeral(
            throwaway,
            &agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, &point[..]),
            |_| (),
        )
        .map_err(|_| Error::InvalidKey)?;
        Self::with_material(kid, Material::EcP256(EcP256Public { point }))
    }

    /// An RSA or EC JWK (the module rules); `None` for another `kty`.
    pub(super) fn from_interop_jwk(jwk: &Jwk) -> Option<Result<Self>> {
        let rsa = match jwk.kty.as_str() {
            "RSA" => true,
            "EC" => false,
            _ => return None,
        };
        Some(Self::interop_jwk(jwk, rsa))
    }

    fn interop_jwk(jwk: &Jwk, rsa: bool) -> Result<Self> {
        let private = jwk.d.is_some()
            || jwk.p.is_some()
            || jwk.q.is_some()
            || jwk.dp.is_some()
            || jwk.dq.is_some()
            || jwk.qi.is_some()
            || jwk.oth.is_some();
        let foreign = jwk.k.is_some()
            || if rsa {
                jwk.crv.is_some() || jwk.x.is_some() || jwk.y.is_some()
            } else {
                jwk.n.is_some() || jwk.e.is_some()
            };
        let wrong_use = jwk.use_.as_deref().is_some_and(|u| u != "sig")
            || jwk
                .key_ops
                .as_ref()
                .is_some_and(|ops| !ops.iter().any(|op| op == "verify"));
        if private || foreign || wrong_use {
            return Err(Error::InvalidKey);
        }
        let kid = jwk.kid.as_deref();
        if rsa {
            let alg = match jwk.alg.as_deref() {
                None | Some("RS256") => Algorithm::Rs256,
                Some("PS256") => Algorithm::Ps256,
                Some(_) => return Err(Error::InvalidKey),
            };
            Self::rsa_public(kid, alg, &uint(jwk.n.as_deref())?, &uint(jwk.e.as_deref())?)
        } else {
            if jwk.crv.as_deref() != Some("P-256")
                || jwk.alg.as_deref().is_some_and(|a| a != "ES256")
            {
                return Err(Error::InvalidKey);
            }
            let coordinate = |c: Option<&str>| {
                b64_decode(c.ok_or(Error::InvalidKey)?.as_bytes()).ok_or(Error::InvalidKey)
            };
            Self::es256_public(
                kid,
                &coordinate(jwk.x.as_deref())?,
                &coordinate(jwk.y.as_deref())?,
            )
        }
    }
}

/// The public JWK members of an RSA or EC key (`kty` and the key's own members).
pub(super) fn jwk_members(
    material: &Material,
    jwk: &mut serde_json::Map<String, serde_json::Value>,
) {
    match material {
        Material::Rsa(key) => {
            jwk.insert("kty".into(), "RSA".into());
            jwk.insert("n".into(), b64_encode(&key.n).into());
            jwk.insert("e".into(), b64_encode(&key.e).into());
        }
        Material::EcP256(key) => {
            jwk.insert("kty".into(), "EC".into());
            jwk.insert("crv".into(), "P-256".into());
            jwk.insert("x".into(), b64_encode(&key.point[1..33]).into());
            jwk.insert("y".into(), b64_encode(&key.point[33..]).into());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::KeySet;
    use super::*;

    /// RFC 7515 A.2's RSA key and A.3's P-256 key (public members).
    const RSA_JWK: &str = r#"{"kty":"RSA","kid":"rs","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ","e":"AQAB"}"#;
    const EC_JWK: &str = r#"{"kty":"EC","kid":"es","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;

    #[test]
    fn interop_keys_never_sign() {
        for jwk in [RSA_JWK, EC_JWK] {
            let key = Key::from_jwk(jwk).unwrap();
            assert!(!key.can_sign());
            assert_eq!(key.sign(b"m").unwrap_err(), Error::NoSigningKey);
            let kid = key.kid().unwrap().to_owned();
            let mut set = KeySet::new();
            set.insert(key).unwrap();
            assert_eq!(set.set_active(&kid).unwrap_err(), Error::NoSigningKey);
            let claims = crate::token::Claims::generic("i", "c", 100, 60, "j");
            assert_eq!(set.mint(&claims).unwrap_err(), Error::NoSigningKey);
        }
    }

    #[test]
    fn interop_keys_round_trip_but_are_not_republished() {
        let mut set = KeySet::new();
        set.insert(Key::from_jwk(RSA_JWK).unwrap()).unwrap();
        set.insert(Key::from_jwk(EC_JWK).unwrap()).unwrap();
        set.insert(Key::generate_ed25519("ed").unwrap()).unwrap();
        let text = set.to_json_string(false, false);
        let back = KeySet::from_json(&text).unwrap();
        let algs: Vec<_> = back.keys().map(Key::algorithm).collect();
        assert_eq!(algs, [Algorithm::Rs256, Algorithm::Es256, Algorithm::EdDsa]);
        assert_eq!(back.keys().next().unwrap().signature_len(), 256);
        let jwks = set.to_jwks();
        let listed: Vec<_> = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].clone())
            .collect();
        assert_eq!(listed, [serde_json::json!("ed")]);
    }

    #[test]
    fn rsa_bounds_at_the_edges() {
        let e = [1, 0, 1];
        let mut n = vec![0xff; 256];
        assert!(Key::rsa_public(None, Algorithm::Rs256, &n, &e).is_ok());
        n[0] = 0x7f; // 2047 bits
        assert_eq!(
            Key::rsa_public(None, Algorithm::Rs256, &n, &e).unwrap_err(),
            Error::WeakKey
        );
        let n = vec![0xff; 1024]; // 8192 bits
        assert!(Key::rsa_public(None, Algorithm::Ps256, &n, &e).is_ok());
        let mut n = vec![0xff; 1025];
        n[0] = 1; // 8193 bits
        assert_eq!(
            Key::rsa_public(None, Algorithm::Rs256, &n, &e).unwrap_err(),
            Error::InvalidKey
        );
        let n = vec![0xff; 256];
        for alg in [Algorithm::Hs256, Algorithm::EdDsa, Algorithm::Es256] {
            assert_eq!(
                Key::rsa_public(None, alg, &n, &e).unwrap_err(),
                Error::InvalidKey
            );
        }
        for bad_e in [&[][..], &[1], &[2], &[0, 1, 0, 1], &[1, 0, 0, 0, 1]] {
            assert_eq!(
                Key::rsa_public(None, Algorithm::Rs256, &n, bad_e).unwrap_err(),
                Error::InvalidKey,
                "{bad_e:?}"
            );
        }
        assert!(Key::rsa_public(None, Algorithm::Rs256, &n, &[3]).is_ok());
    }
}
