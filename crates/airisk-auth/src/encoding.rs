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

/// Decodes canonical padded standard base64 (RFC 4648 §4, as HTTP Basic
/// credentials are written) into a buffer wiped on drop, or `None`.
pub(crate) fn b64_standard_decode_secret(text: &[u8]) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    use base64::engine::general_purpose::STANDARD;
    // Decoding into a buffer sized up front: no reallocation leaves an unwiped copy.
    let mut out = zeroize::Zeroizing::new(vec![0u8; text.len() / 4 * 3 + 3]);
    let len = STANDARD.decode_slice(text, &mut out[..]).ok()?;
    out.truncate(len);
    Some(out)
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
        assert_eq!(
            b64_standard_decode_secret(b"YTpi")
                .as_deref()
                .map(Vec::as_slice),
            Some(&b"a:b"[..])
        );
        assert!(b64_standard_decode_secret(b"YWI=").is_some());
        assert!(
            b64_standard_decode_secret(b"YWI").is_none(),
            "padding required"
        );
        assert!(b64_standard_decode_secret(b"YW J=").is_none());
        let mut small = [0u8; 1];
        assert_eq!(b64_decode_into(b"QUI", &mut small), None);
    }
}

/// Compares two byte strings in time that depends only on their lengths.
/// (`ring` deprecated its public helper; this is the same XOR-fold.)
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(diff) == 0
}

#[cfg(test)]
mod ct_tests {
    #[test]
    fn compares() {
        assert!(super::constant_time_eq(b"abc", b"abc"));
        assert!(!super::constant_time_eq(b"abc", b"abd"));
        assert!(!super::constant_time_eq(b"abc", b"ab"));
    }
}
