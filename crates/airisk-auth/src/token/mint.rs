//! Minting: our claims under the active key, and arbitrary JWS for tests.

use super::claims::Claims;
use crate::encoding::{b64_encode, b64_encode_into, encoded_len};
use crate::error::{Error, Result};
use crate::keys::{Key, KeySet};

impl KeySet {
    /// Signs `claims` with the active key into a compact JWS.
    ///
    /// The header is the key's own, encoded once when the key was made (the
    /// same bytes the verifier recognises without parsing). The token is written
    /// into one buffer sized up front: header, payload, signature.
    ///
    /// # Errors
    /// [`Error::NoSigningKey`]; [`Error::InvalidClaims`] when `exp` is not after
    /// `iat`/`nbf`, a date is past year 9999, a user token has no `sub`, or a
    /// custom claim takes a reserved name or the custom claims are too large.
    pub fn mint(&self, claims: &Claims) -> Result<String> {
        claims.check_mintable()?;
        let key = self.active()?;
        let payload = claims.payload_json()?;
        sign_compact(key, key.encoded_header(), &payload)
    }
}

/// Builds `header.payload.signature` from an already-encoded header and a raw payload.
fn sign_compact(key: &Key, encoded_header: &str, payload: &[u8]) -> Result<String> {
    let signature_len = key.signature_len();
    let mut token = String::with_capacity(
        encoded_header.len() + 1 + encoded_len(payload.len()) + 1 + encoded_len(signature_len),
    );
    token.push_str(encoded_header);
    token.push('.');
    b64_encode_into(payload, &mut token);
    let mut signature = [0u8; 64];
    let len = key.sign_into(token.as_bytes(), &mut signature)?;
    token.push('.');
    b64_encode_into(signature.get(..len).ok_or(Error::Internal)?, &mut token);
    Ok(token)
}

/// Signs an arbitrary JWS: public as [`crate::dangerous::sign_jws`].
pub(crate) fn sign_jws(key: &Key, header_json: &[u8], payload: &[u8]) -> Result<String> {
    sign_compact(key, &b64_encode(header_json), payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Key;

    #[test]
    fn mint_refuses_inconsistent_claims() {
        let keys = KeySet::single(Key::hs256(Some("k"), &[9; 32]).unwrap()).unwrap();
        let mut c = Claims::generic("i", "c", 100, 0, "j");
        assert_eq!(keys.mint(&c).unwrap_err(), Error::InvalidClaims);
        c.exp = 200;
        c.user_token = true;
        c.sub = None;
        assert_eq!(keys.mint(&c).unwrap_err(), Error::InvalidClaims);
    }

    #[test]
    fn the_token_buffer_is_sized_up_front() {
        for key in [
            Key::hs256(Some("k"), &[9; 32]).unwrap(),
            Key::generate_ed25519("e").unwrap(),
        ] {
            let keys = KeySet::single(key).unwrap();
            let token = keys.mint(&Claims::generic("i", "c", 100, 60, "j")).unwrap();
            assert_eq!(token.len(), token.capacity());
        }
    }

    #[test]
    fn custom_claims_are_bounded_and_never_override_registered_ones() {
        let keys = KeySet::single(Key::hs256(Some("k"), &[9; 32]).unwrap()).unwrap();
        let mut c = Claims::generic("i", "c", 100, 60, "j");
        c.custom.insert("role".into(), "admin".into());
        assert!(keys.mint(&c).is_ok());
        for name in super::super::claims::RESERVED_CLAIM_NAMES
            .iter()
            .chain(&[""])
        {
            let mut bad = c.clone();
            bad.custom.insert((*name).to_owned(), 1.into());
            assert_eq!(keys.mint(&bad).unwrap_err(), Error::InvalidClaims, "{name}");
        }
        let mut big = c.clone();
        big.custom.insert(
            "blob".into(),
            "x".repeat(super::super::claims::MAX_CUSTOM_CLAIMS_LEN)
                .into(),
        );
        assert_eq!(keys.mint(&big).unwrap_err(), Error::InvalidClaims);
    }
}
