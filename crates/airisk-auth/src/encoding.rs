//! Strict base64url (RFC 7515 §2): the URL-safe alphabet, no padding, no
//! whitespace, and no non-zero trailing bits, so every byte string has exactly
//! one accepted encoding.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use core::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

pub(crate) fn b64_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes canonical unpadded base64url, or `None`.
pub(crate) fn b64_decode(text: &[u8]) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Decodes into `out`, returning the decoded length; `None` when the text is not
/// canonical or does not fit.
#[inline]
pub(crate) fn b64_decode_into(text: &[u8], out: &mut [u8]) -> Option<usize> {
    URL_SAFE_NO_PAD.decode_slice(text, out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_canonical_form_decodes() {
        assert_eq!(b64_decode(b"QQ").as_deref(), Some(&b"A"[..]));
        assert_eq!(b64_decode(b"QR"), None, "non-zero trailing bits");
        assert_eq!(b64_decode(b"QQ=="), None, "padding");
        assert_eq!(b64_decode(b"Q Q"), None, "whitespace");
        assert_eq!(b64_decode(b"QUJD+/"), None, "standard alphabet");
        assert_eq!(b64_decode(b"QUJDR"), None, "length 1 mod 4");
        let mut small = [0u8; 1];
        assert_eq!(b64_decode_into(b"QUI", &mut small), None);
    }
}
