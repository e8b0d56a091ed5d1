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

use crate::encoding::{b64_decode, b64_encode};
use crate::error::{Error, Result};
use core::fmt;
use ring::{hmac, rand, signature};
use serde::Deserialize;
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

/// Encodings of the Ed25519 points of small order (and their non-canonical
/// twins), compared with the sign bit cleared: a public key equal to one of
/// them would accept signatures on any message. The list is libsodium's.
const SMALL_ORDER_POINTS: [[u8; 32]; 7] = [
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

enum Material {
    Hs256 {
        secret: Zeroizing<Vec<u8>>,
        key: hmac::Key,
    },
    Ed25519Pair {
        seed: Zeroizing<[u8; 32]>,
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

fn random_bytes<const N: usize>() -> Result<Zeroizing<[u8; N]>> {
    let mut out = Zeroizing::new([0u8; N]);
    rand::SecureRandom::fill(&rand::SystemRandom::new(), out.as_mut())
        .map_err(|_| Error::RandomFailure)?;
    Ok(out)
}

impl Key {
    fn with_material(kid: Option<&str>, material: Material) -> Result<Self> {
        check_kid(kid)?;
        let mut key = Key {
            kid: kid.map(str::to_owned),
            material,
            encoded_header: String::new(),
        };
        key.encoded_header = encoded_header_for(key.algorithm(), kid);
        Ok(key)
    }

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

    /// An Ed25519 signing key from its 32-byte seed (the JWK `d`).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a seed that is not 32 bytes or a bad `kid`.
    pub fn ed25519_from_seed(kid: Option<&str>, seed: &[u8]) -> Result<Self> {
        let seed: [u8; 32] = seed.try_into().map_err(|_| Error::InvalidKey)?;
        let seed = Zeroizing::new(seed);
        let pair = signature::Ed25519KeyPair::from_seed_unchecked(seed.as_ref())
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
        let seed = random_bytes::<32>()?;
        Self::ed25519_from_seed(Some(kid), seed.as_ref())
    }

    /// A verify-only Ed25519 key from its 32-byte public key (the JWK `x`).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a wrong length or a point of small order.
    pub fn ed25519_public(kid: Option<&str>, public: &[u8]) -> Result<Self> {
        let public: [u8; 32] = public.try_into().map_err(|_| Error::InvalidKey)?;
        if is_small_order(&public) {
            return Err(Error::InvalidKey);
        }
        Self::with_material(kid, Material::Ed25519Public { public })
    }

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

    fn from_parsed_jwk(jwk: &Jwk) -> Result<Self> {
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

    fn public_key_bytes(&self) -> Option<&[u8]> {
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
                    jwk.insert("d".into(), b64_encode(seed.as_ref()).into());
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
struct Jwk {
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

/// Keys for verification, with at most one active signing key.
///
/// ```
/// use airisk_auth::keys::{Key, KeySet};
/// let old = Key::generate_ed25519("2026-10")?;
/// let new = Key::generate_ed25519("2026-11")?;
/// let mut set = KeySet::new();
/// set.insert(old)?;
/// set.insert(new)?;
/// set.set_active("2026-11")?;
/// // Publish the public halves for other verifiers:
/// let jwks = set.to_jwks();
/// assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(2));
/// // Later, once every token signed by the old key has expired:
/// set.retire("2026-10")?;
/// # Ok::<(), airisk_auth::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct KeySet {
    keys: Vec<Key>,
    active: Option<usize>,
}

#[derive(Deserialize)]
struct KeySetDocument {
    keys: Vec<Jwk>,
    #[serde(default)]
    active_kid: Option<String>,
}

impl KeySet {
    /// An empty key set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A key set of one key, which is active when it can sign.
    ///
    /// # Errors
    /// None today; fallible for symmetry with [`KeySet::insert`].
    pub fn single(key: Key) -> Result<Self> {
        let mut set = Self::new();
        let can_sign = key.can_sign();
        set.insert(key)?;
        if can_sign {
            set.active = Some(0);
        }
        Ok(set)
    }

    /// Adds a key for verification (not yet active).
    ///
    /// A key without a `kid` can only be the sole key of its set.
    ///
    /// # Errors
    /// [`Error::DuplicateKeyId`] when the `kid` is taken or a kid-less key would not be alone.
    pub fn insert(&mut self, key: Key) -> Result<()> {
        let clash = match key.kid() {
            None => !self.keys.is_empty(),
            Some(kid) => self.keys.iter().any(|k| k.kid().is_none_or(|k| k == kid)),
        };
        if clash {
            return Err(Error::DuplicateKeyId);
        }
        self.keys.push(key);
        Ok(())
    }

    /// Makes the key `kid` the one new tokens are signed with.
    ///
    /// # Errors
    /// [`Error::UnknownKeyId`], or [`Error::NoSigningKey`] for a verify-only key.
    pub fn set_active(&mut self, kid: &str) -> Result<()> {
        let index = self.index_of(kid).ok_or(Error::UnknownKeyId)?;
        if !self.keys[index].can_sign() {
            return Err(Error::NoSigningKey);
        }
        self.active = Some(index);
        Ok(())
    }

    /// Removes the key `kid`: tokens it signed stop verifying.
    ///
    /// # Errors
    /// [`Error::UnknownKeyId`]; [`Error::InvalidConfiguration`] for the active key
    /// (make another key active first).
    pub fn retire(&mut self, kid: &str) -> Result<()> {
        let index = self.index_of(kid).ok_or(Error::UnknownKeyId)?;
        if self.active == Some(index) {
            return Err(Error::InvalidConfiguration);
        }
        self.keys.remove(index);
        if let Some(active) = self.active {
            if active > index {
                self.active = Some(active - 1);
            }
        }
        Ok(())
    }

    fn index_of(&self, kid: &str) -> Option<usize> {
        self.keys.iter().position(|k| k.kid() == Some(kid))
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &Key> {
        self.keys.iter()
    }

    /// The number of keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set has no key.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The active signing key.
    ///
    /// # Errors
    /// [`Error::NoSigningKey`].
    pub fn active(&self) -> Result<&Key> {
        self.active
            .and_then(|i| self.keys.get(i))
            .ok_or(Error::NoSigningKey)
    }

    /// The key a token header selects: by `kid`, or the sole key when the header has none.
    pub(crate) fn select(&self, kid: Option<&str>) -> Result<&Key> {
        match kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|k| k.kid() == Some(kid))
                .ok_or(Error::UnknownKeyId),
            None => match self.keys.as_slice() {
                [only] => Ok(only),
                _ => Err(Error::UnknownKeyId),
            },
        }
    }

    /// The key whose minted header is exactly `encoded_header`, if any.
    #[inline]
    pub(crate) fn by_encoded_header(&self, encoded_header: &[u8]) -> Option<&Key> {
        self.keys
            .iter()
            .find(|k| k.encoded_header.as_bytes() == encoded_header)
    }

    /// A key set from JSON: a JWKS `{"keys":[…]}` whose JWKs may hold private
    /// members, with an optional `"active_kid"`. Without `active_kid`, a set with
    /// exactly one signing-capable key makes it active.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a bad document or key, [`Error::DuplicateKeyId`],
    /// [`Error::WeakKey`], or [`Error::UnknownKeyId`] / [`Error::NoSigningKey`] for a bad `active_kid`.
    pub fn from_json(json: &str) -> Result<Self> {
        if json.len() > MAX_KEY_DOCUMENT_LEN {
            return Err(Error::InvalidKey);
        }
        let doc: KeySetDocument = serde_json::from_str(json).map_err(|_| Error::InvalidKey)?;
        let mut set = Self::new();
        for jwk in &doc.keys {
            set.insert(Key::from_parsed_jwk(jwk)?)?;
        }
        if let Some(kid) = doc.active_kid.as_deref() {
            set.set_active(kid)?;
        } else {
            let mut signers = set.keys.iter().enumerate().filter(|(_, k)| k.can_sign());
            if let (Some((i, _)), None) = (signers.next(), signers.next()) {
                set.active = Some(i);
            }
        }
        Ok(set)
    }

    /// The whole set as JSON, secrets included when `include_private`, with `active_kid`.
    /// The form [`KeySet::from_json`] reads.
    #[must_use]
    pub fn to_json(&self, include_private: bool) -> serde_json::Value {
        let keys: Vec<_> = self
            .keys
            .iter()
            .filter_map(|k| k.to_jwk(include_private))
            .collect();
        let mut doc = serde_json::Map::new();
        doc.insert("keys".into(), keys.into());
        if let Some(kid) = self.active().ok().and_then(Key::kid) {
            doc.insert("active_kid".into(), kid.into());
        }
        serde_json::Value::Object(doc)
    }

    /// [`KeySet::to_json`] as text ending in a newline (compact, or indented when
    /// `pretty`), in a buffer wiped on drop. The intermediate JSON values holding
    /// secrets are wiped too, and the buffer is sized before it is written: a
    /// growing one would leave unwiped copies behind each time it reallocated.
    #[must_use]
    pub fn to_json_string(&self, include_private: bool, pretty: bool) -> Zeroizing<String> {
        fn write(doc: &serde_json::Value, pretty: bool, out: impl std::io::Write) {
            // Writing a Value to memory cannot fail.
            let _ = if pretty {
                serde_json::to_writer_pretty(out, doc)
            } else {
                serde_json::to_writer(out, doc)
            };
        }
        let mut doc = self.to_json(include_private);
        let mut counter = ByteCounter(0);
        write(&doc, pretty, &mut counter);
        let mut bytes = Zeroizing::new(Vec::with_capacity(counter.0 + 1));
        write(&doc, pretty, &mut *bytes);
        bytes.push(b'\n');
        wipe_json(&mut doc);
        Zeroizing::new(String::from_utf8(core::mem::take(&mut *bytes)).unwrap_or_default())
    }

    /// The public keys as a JWKS document (RFC 7517 §5) for other systems to
    /// verify our EdDSA tokens. HS256 keys are secret and never listed.
    #[must_use]
    pub fn to_jwks(&self) -> serde_json::Value {
        let keys: Vec<_> = self.keys.iter().filter_map(|k| k.to_jwk(false)).collect();
        serde_json::json!({ "keys": keys })
    }
}

/// Counts the bytes written to it.
struct ByteCounter(usize);

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Overwrites every string of a JSON value (secret members included) before it is dropped.
fn wipe_json(value: &mut serde_json::Value) {
    use zeroize::Zeroize as _;
    match value {
        serde_json::Value::String(s) => s.zeroize(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(wipe_json),
        serde_json::Value::Object(map) => map.values_mut().for_each(wipe_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_and_oversized_hmac_secrets_are_refused() {
        assert_eq!(Key::hs256(None, &[7; 31]).unwrap_err(), Error::WeakKey);
        assert!(Key::hs256(None, &[7; 32]).is_ok());
        assert_eq!(Key::hs256(None, &[7; 1025]).unwrap_err(), Error::InvalidKey);
    }

    #[test]
    fn small_order_public_keys_are_refused() {
        for p in &SMALL_ORDER_POINTS {
            assert_eq!(Key::ed25519_public(None, p).unwrap_err(), Error::InvalidKey);
            let mut twin = *p;
            twin[31] |= 0x80;
            assert_eq!(
                Key::ed25519_public(None, &twin).unwrap_err(),
                Error::InvalidKey
            );
        }
        let good = Key::generate_ed25519("g").unwrap();
        let public = good.public_key_bytes().unwrap().to_vec();
        assert!(Key::ed25519_public(None, &public).is_ok());
    }

    #[test]
    fn debug_never_shows_secret_material() {
        let secret = [0x41u8; 32];
        let key = Key::hs256(Some("k"), &secret).unwrap();
        let shown = format!("{key:?}");
        assert!(shown.contains("<redacted>"));
        assert!(!shown.contains("65, 65"));
        assert!(!shown.contains(&b64_encode(&secret)));
    }

    #[test]
    fn jwk_round_trips_and_alg_must_agree() {
        let key = Key::generate_ed25519("e").unwrap();
        let private = key.to_jwk(true).unwrap().to_string();
        let back = Key::from_jwk(&private).unwrap();
        assert!(back.can_sign());
        assert_eq!(back.public_key_bytes(), key.public_key_bytes());
        let public = key.to_jwk(false).unwrap().to_string();
        assert!(!public.contains("\"d\""));
        assert!(!Key::from_jwk(&public).unwrap().can_sign());
        let lying = private.replace("EdDSA", "HS256");
        assert_eq!(Key::from_jwk(&lying).unwrap_err(), Error::InvalidKey);
    }

    #[test]
    fn json_text_round_trips_in_both_layouts() {
        let set = KeySet::single(Key::generate_ed25519("e").unwrap()).unwrap();
        for pretty in [false, true] {
            let text = set.to_json_string(true, pretty);
            assert!(text.ends_with('\n'));
            assert_eq!(text.len(), text.capacity(), "sized before it was written");
            let back = KeySet::from_json(&text).unwrap();
            assert_eq!(back.active().unwrap().kid(), Some("e"));
            assert!(back.active().unwrap().can_sign());
        }
    }

    #[test]
    fn kid_rules_of_a_set() {
        let mut set = KeySet::new();
        set.insert(Key::generate_hs256("a").unwrap()).unwrap();
        assert_eq!(
            set.insert(Key::generate_hs256("a").unwrap()).unwrap_err(),
            Error::DuplicateKeyId
        );
        assert_eq!(
            set.insert(Key::hs256(None, &[1; 32]).unwrap()).unwrap_err(),
            Error::DuplicateKeyId
        );
        assert_eq!(set.active().unwrap_err(), Error::NoSigningKey);
        set.set_active("a").unwrap();
        assert_eq!(set.retire("a").unwrap_err(), Error::InvalidConfiguration);
        assert_eq!(set.select(Some("zz")).unwrap_err(), Error::UnknownKeyId);
        assert!(set.select(None).is_ok());
    }
}
