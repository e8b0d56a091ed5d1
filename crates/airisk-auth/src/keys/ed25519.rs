//! EdDSA keys: Ed25519 key pairs, or public keys alone for verify-only services.

use super::{random_bytes, Key, Material};
use crate::error::{Error, Result};
use crate::random::{Random, SystemRandom};
use ring::signature;
use zeroize::Zeroizing;

/// Encodings of the Ed25519 points of small order (and their non-canonical
/// twins), compared with the sign bit cleared: a public key equal to one of
/// them would accept signatures on any message. The list is libsodium's.
pub(super) const SMALL_ORDER_POINTS: [[u8; 32]; 7] = [
    [0; 32],
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

fn is_small_order(point: &[u8; 32]) -> bool {
    SMALL_ORDER_POINTS
        .iter()
        .any(|bad| bad[..31] == point[..31] && bad[31] == (point[31] & 0x7f))
}

/// Whether `point` encodes its y coordinate as a number at or above the field
/// prime p = 2^255 - 19 (sign bit aside): a non-canonical encoding, refused as
/// RFC 8032 §5.1.3 decoding and verifiers that check canonicity refuse it (so
/// one key has one encoding, and no two `x` values name the same key). The
/// other non-canonical form, x = 0 with the sign bit set, is only possible for
/// y = ±1, points of small order, refused already.
fn is_non_canonical(point: &[u8; 32]) -> bool {
    point[31] & 0x7f == 0x7f && point[1..31].iter().all(|&b| b == 0xff) && point[0] >= 0xed
}

impl Key {
    /// An Ed25519 signing key from its 32-byte seed (the JWK `d`).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a seed that is not 32 bytes or a bad `kid`.
    pub fn ed25519_from_seed(kid: Option<&str>, seed: &[u8]) -> Result<Self> {
        if seed.len() != 32 {
            return Err(Error::InvalidKey);
        }
        // Copied straight into its wiped heap home: no copy on the stack.
        let mut boxed = Box::new(Zeroizing::new([0u8; 32]));
        boxed.copy_from_slice(seed);
        let seed = boxed;
        let pair = signature::Ed25519KeyPair::from_seed_unchecked(&seed[..])
            .map_err(|_| Error::InvalidKey)?;
        let public: [u8; 32] = signature::KeyPair::public_key(&pair)
            .as_ref()
            .try_into()
            .map_err(|_| Error::InvalidKey)?;
        Self::with_material(kid, Material::Ed25519Pair { seed, pair, public })
    }

    /// A new random Ed25519 key pair.
    ///
    /// # Errors
    /// [`Error::RandomFailure`], or [`Error::InvalidKey`] for a bad `kid`.
    pub fn generate_ed25519(kid: &str) -> Result<Self> {
        Self::generate_ed25519_with(kid, &SystemRandom)
    }

    /// A new Ed25519 key pair whose seed is drawn from `random`.
    ///
    /// # Errors
    /// [`Error::RandomFailure`], or [`Error::InvalidKey`] for a bad `kid`.
    pub fn generate_ed25519_with(kid: &str, random: &dyn Random) -> Result<Self> {
        let seed = random_bytes::<32>(random)?;
        Self::ed25519_from_seed(Some(kid), seed.as_ref())
    }

    /// A verify-only Ed25519 key from its 32-byte public key (the JWK `x`).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a wrong length, a point of small order, or a
    /// non-canonical encoding (y ≥ 2^255 - 19).
    pub fn ed25519_public(kid: Option<&str>, public: &[u8]) -> Result<Self> {
        let public: [u8; 32] = public.try_into().map_err(|_| Error::InvalidKey)?;
        if is_small_order(&public) || is_non_canonical(&public) {
            return Err(Error::InvalidKey);
        }
        Self::with_material(kid, Material::Ed25519Public { public })
    }
}
