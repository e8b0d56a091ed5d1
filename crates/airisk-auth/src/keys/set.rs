//! Key sets: verification keys with at most one active signing key, rotation, JWKS.

use super::jwk::Jwk;
use super::{Algorithm, Key, MAX_KEY_DOCUMENT_LEN};
use crate::error::{Error, Result};
use crate::file::{self, FileError};
use crate::registry::{entry_error, position, strip_position, LoadError};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::path::Path;
use zeroize::Zeroizing;

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

/// A key-set document; each JWK is kept as raw text, so an error in one is
/// placed in the document. Unknown members are refused (a typo such as
/// `"activ_kid"` would otherwise leave the set without its intended active key).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeySetDocument<'a> {
    #[serde(borrow)]
    keys: Vec<&'a RawValue>,
    #[serde(default)]
    active_kid: Option<String>,
}

/// A refusal of a key-set document: the kind `from_json` returns, and where and why.
type Refused = (Error, LoadError);

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
    /// exactly one signing-capable key makes it active. Unknown members of the
    /// document or of a JWK are refused (see [`Key::from_jwk`]).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a bad document or key, [`Error::DuplicateKeyId`],
    /// [`Error::WeakKey`], or [`Error::UnknownKeyId`] / [`Error::NoSigningKey`] for
    /// a bad `active_kid`; [`KeySet::explain`] says where and why.
    pub fn from_json(json: &str) -> Result<Self> {
        Self::load(json).map_err(|(kind, _)| kind)
    }

    /// Why [`KeySet::from_json`] refuses `json`: the line and column (of the
    /// member at fault, or of the JWK at fault) and what is wrong, never a
    /// secret; `None` when the document is accepted. For the operator's logs.
    ///
    /// ```
    /// use airisk_auth::keys::KeySet;
    /// let e = KeySet::explain("{\"keys\": [],\n \"activ_kid\": \"a\"}").unwrap();
    /// assert_eq!((e.line, e.column), (2, 12));
    /// assert!(e.message.starts_with("unknown field `activ_kid`"), "{e}");
    /// ```
    #[must_use]
    pub fn explain(json: &str) -> Option<LoadError> {
        Self::load(json).err().map(|(_, why)| why)
    }

    fn load(json: &str) -> core::result::Result<Self, Refused> {
        if json.len() > MAX_KEY_DOCUMENT_LEN {
            let message = "the document is larger than 256 KiB";
            return Err((Error::InvalidKey, LoadError::new(0, 0, message)));
        }
        let doc: KeySetDocument<'_> = serde_json::from_str(json).map_err(|e| {
            let why = LoadError::new(e.line(), e.column(), strip_position(&e.to_string()));
            (Error::InvalidKey, why)
        })?;
        let mut set = Self::new();
        for raw in doc.keys {
            let jwk: Jwk = serde_json::from_str(raw.get())
                .map_err(|e| (Error::InvalidKey, error_within(json, raw, &e)))?;
            let key = Key::from_parsed_jwk(&jwk)
                .map_err(|e| (e, entry_error(json, raw, e.to_string())))?;
            let kid = key.kid().map(str::to_owned);
            set.insert(key).map_err(|e| {
                let message = match kid {
                    Some(kid) => format!("kid {kid:?} appears twice"),
                    None => "a key without a kid must be the only key".to_owned(),
                };
                (e, entry_error(json, raw, message))
            })?;
        }
        if let Some(kid) = doc.active_kid.as_deref() {
            set.set_active(kid)
                .map_err(|e| (e, LoadError::new(0, 0, format!("active_kid {kid:?}: {e}"))))?;
        } else {
            let mut signers = set.keys.iter().enumerate().filter(|(_, k)| k.can_sign());
            if let (Some((i, _)), None) = (signers.next(), signers.next()) {
                set.active = Some(i);
            }
        }
        Ok(set)
    }

    /// [`KeySet::from_json`] on the text of the file at `path`: at most
    /// [`MAX_KEY_DOCUMENT_LEN`] + 1 bytes are read, into buffers wiped on every
    /// path (see [`crate::file`]).
    ///
    /// # Errors
    /// A [`FileError`] naming the file: unreadable, too large, not UTF-8, or
    /// refused as [`KeySet::from_json`] refuses it (its [`FileError::kind`]).
    pub fn from_file(path: impl AsRef<Path>) -> core::result::Result<Self, FileError> {
        file::load(
            path.as_ref(),
            MAX_KEY_DOCUMENT_LEN,
            Error::InvalidKey,
            |text| Self::load(text).map_err(|(kind, why)| (kind, why.to_string())),
        )
    }

    /// The whole set as JSON in the form [`KeySet::from_json`] reads: with
    /// `include_private`, every key with its secrets and the `active_kid`;
    /// without, the public keys only and no `active_kid` (a public key cannot
    /// sign, and HS256 keys are left out, so naming the active key would give a
    /// document that does not load back).
    #[must_use]
    pub fn to_json(&self, include_private: bool) -> serde_json::Value {
        let keys: Vec<_> = self
            .keys
            .iter()
            .filter_map(|k| k.to_jwk(include_private))
            .collect();
        let mut doc = serde_json::Map::new();
        doc.insert("keys".into(), keys.into());
        if let Some(kid) = self
            .active()
            .ok()
            .filter(|_| include_private)
            .and_then(Key::kid)
        {
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
    /// verify our EdDSA tokens. HS256 keys are secret and never listed; RSA and
    /// P-256 keys are another issuer's (we never sign with them) and not republished.
    #[must_use]
    pub fn to_jwks(&self) -> serde_json::Value {
        let keys: Vec<_> = self
            .keys
            .iter()
            .filter(|k| matches!(k.algorithm(), Algorithm::Hs256 | Algorithm::EdDsa))
            .filter_map(|k| k.to_jwk(false))
            .collect();
        serde_json::json!({ "keys": keys })
    }
}

/// A JSON error inside the entry `raw` of `document`, placed in the document.
fn error_within(document: &str, raw: &RawValue, e: &serde_json::Error) -> LoadError {
    let start = raw
        .get()
        .as_ptr()
        .addr()
        .saturating_sub(document.as_ptr().addr());
    let (line, column) = position(document, start);
    let message = strip_position(&e.to_string());
    if e.line() <= 1 {
        LoadError::new(line, column + e.column().saturating_sub(1), message)
    } else {
        LoadError::new(line + e.line() - 1, e.column(), message)
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
