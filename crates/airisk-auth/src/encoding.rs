//! Strict base64url (RFC 7515 §2): the URL-safe alphabet, no padding, no
//! whitespace, and no non-zero trailing bits, so every byte string has exactly
//! one accepted encoding.
//!
//! A table decoder of our own rather than the `base64` crate's general engine:
//! the verify path decodes two segments of every token (~250 characters), and
//! at that size the general engine's setup (length estimates, padding modes,
//! eight-byte blocks with a separate tail) cost more than the decoding itself
//! (BENCHMARKS.md). SIMD decoders (`base64-simd`) win only on kilobytes. The
//! `base64` crate stays a dev-dependency and is the oracle of the tests below,
//! which compare both on every length and on random inputs.

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

/// The base64url alphabet.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Marks a byte outside the alphabet; any such byte sets bit 7 of the OR of a block.
const INVALID: u8 = 0xFF;

/// Each byte's 6-bit value, or [`INVALID`]. (Built in a const context, where
/// `From` is not available: the indices are below 256 and the values below 64.)
#[allow(clippy::as_conversions, clippy::cast_possible_truncation)]
const DECODE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The length of the encoding of `len` bytes.
pub(crate) const fn encoded_len(len: usize) -> usize {
    len / 3 * 4 + [0, 2, 3][len % 3]
}

/// The decoded length of `len` characters, or `None` for a length that no
/// unpadded encoding has (1 mod 4).
#[inline]
const fn decoded_len(len: usize) -> Option<usize> {
    match len % 4 {
        1 => None,
        0 => Some(len / 4 * 3),
        rest => Some(len / 4 * 3 + rest - 1),
    }
}

/// Appends the encoding of `bytes` to `out`.
pub(crate) fn b64_encode_into(bytes: &[u8], out: &mut String) {
    out.reserve(encoded_len(bytes.len()));
    let char_of = |six: u32| char::from(ALPHABET[usize::try_from(six & 63).unwrap_or_default()]);
    let mut blocks = bytes.chunks_exact(3);
    for block in &mut blocks {
        let n = u32::from(block[0]) << 16 | u32::from(block[1]) << 8 | u32::from(block[2]);
        out.push(char_of(n >> 18));
        out.push(char_of(n >> 12));
        out.push(char_of(n >> 6));
        out.push(char_of(n));
    }
    match *blocks.remainder() {
        [a] => {
            let n = u32::from(a) << 16;
            out.push(char_of(n >> 18));
            out.push(char_of(n >> 12));
        }
        [a, b] => {
            let n = u32::from(a) << 16 | u32::from(b) << 8;
            out.push(char_of(n >> 18));
            out.push(char_of(n >> 12));
            out.push(char_of(n >> 6));
        }
        _ => {}
    }
}

pub(crate) fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(encoded_len(bytes.len()));
    b64_encode_into(bytes, &mut out);
    out
}

/// Decodes canonical unpadded base64url, or `None`.
pub(crate) fn b64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0; decoded_len(text.len())?];
    b64_decode_into(text, &mut out)?;
    Some(out)
}

/// Decodes into the start of `out`, returning the decoded length; `None` when
/// the text is not canonical or does not fit.
#[inline]
#[allow(clippy::many_single_char_names)] // a, b, c, d: the four characters of a block
pub(crate) fn b64_decode_into(text: &[u8], out: &mut [u8]) -> Option<usize> {
    let len = decoded_len(text.len())?;
    let out = out.get_mut(..len)?;
    let mut blocks = text.chunks_exact(4);
    let mut outs = out.chunks_exact_mut(3);
    // The OR of every 6-bit value: bit 7 is set when any byte was outside the alphabet.
    let mut any = 0u8;
    for (block, dest) in (&mut blocks).zip(&mut outs) {
        let [a, b, c, d] = [
            DECODE[usize::from(block[0])],
            DECODE[usize::from(block[1])],
            DECODE[usize::from(block[2])],
            DECODE[usize::from(block[3])],
        ];
        any |= a | b | c | d;
        let n = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d);
        dest.copy_from_slice(&n.to_be_bytes()[1..]);
    }
    let tail = outs.into_remainder();
    match (blocks.remainder(), tail) {
        ([], []) => {}
        ([a, b], [x]) => {
            let [a, b] = [DECODE[usize::from(*a)], DECODE[usize::from(*b)]];
            // The last character's low 4 bits are padding and must be zero.
            any |= a | b | u8::from(b & 0x0F != 0) << 7;
            *x = a << 2 | b >> 4;
        }
        ([a, b, c], [x, y]) => {
            let [a, b, c] = [
                DECODE[usize::from(*a)],
                DECODE[usize::from(*b)],
                DECODE[usize::from(*c)],
            ];
            // The last character's low 2 bits are padding and must be zero.
            any |= a | b | c | u8::from(c & 0x03 != 0) << 7;
            *x = a << 2 | b >> 4;
            *y = b << 4 | c >> 2;
        }
        _ => return None,
    }
    (any & 0x80 == 0).then_some(len)
}

/// Decodes canonical padded standard base64 (RFC 4648 §4, as HTTP Basic
/// credentials are written) into a buffer wiped on drop, or `None`.
pub(crate) fn b64_standard_decode_secret(text: &[u8]) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    if text.len() % 4 != 0 {
        return None;
    }
    let unpadded = match text {
        [rest @ .., b'=', b'='] | [rest @ .., b'='] => rest,
        all => all,
    };
    // The standard alphabet differs from base64url in two characters: map them
    // (refusing the url-safe ones) and reuse the canonical decoder. Both
    // buffers are sized up front and wiped on drop: no unwiped copy is left.
    let mut translated = zeroize::Zeroizing::new(Vec::with_capacity(unpadded.len()));
    for &byte in unpadded {
        translated.push(match byte {
            b'+' => b'-',
            b'/' => b'_',
            b'-' | b'_' => return None,
            other => other,
        });
    }
    let mut out = zeroize::Zeroizing::new(vec![0u8; decoded_len(translated.len())?]);
    let len = b64_decode_into(&translated, &mut out)?;
    out.truncate(len);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use proptest::prelude::*;

    #[test]
    fn only_the_canonical_form_decodes() {
        assert_eq!(b64_decode(b"QQ").as_deref(), Some(&b"A"[..]));
        assert_eq!(b64_decode(b"QR"), None, "non-zero trailing bits");
        assert_eq!(b64_decode(b"QUI"), Some(b"AB".to_vec()));
        assert_eq!(b64_decode(b"QUJ"), None, "non-zero trailing bits");
        assert_eq!(b64_decode(b"QQ=="), None, "padding");
        assert_eq!(b64_decode(b"Q Q"), None, "whitespace");
        assert_eq!(b64_decode(b"QUJD+/"), None, "standard alphabet");
        assert_eq!(b64_decode(b"QUJDR"), None, "length 1 mod 4");
        assert_eq!(b64_decode(b"").as_deref(), Some(&b""[..]));
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
        assert_eq!(
            b64_standard_decode_secret(b"+/8=")
                .as_deref()
                .map(Vec::as_slice),
            Some(&[0xFB, 0xFF][..]),
            "the standard alphabet's + and /"
        );
        assert!(
            b64_standard_decode_secret(b"-_8=").is_none(),
            "url-safe alphabet"
        );
        assert!(
            b64_standard_decode_secret(b"YQ=A").is_none(),
            "padding inside"
        );
        assert!(
            b64_standard_decode_secret(b"YR==").is_none(),
            "non-zero padding bits"
        );
        let mut small = [0u8; 1];
        assert_eq!(b64_decode_into(b"QUI", &mut small), None);
    }

    #[test]
    fn every_byte_in_every_position_agrees_with_the_base64_crate() {
        for len in 0..12 {
            for pos in 0..len {
                for byte in 0..=255u8 {
                    let mut text = vec![b'A'; len];
                    text[pos] = byte;
                    assert_eq!(
                        b64_decode(&text),
                        URL_SAFE_NO_PAD.decode(&text).ok(),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn encoding_agrees_with_the_base64_crate() {
        let bytes: Vec<u8> = (0..=255).collect();
        for len in 0..bytes.len() {
            let ours = b64_encode(&bytes[..len]);
            assert_eq!(ours, URL_SAFE_NO_PAD.encode(&bytes[..len]));
            assert_eq!(ours.len(), encoded_len(len));
            assert_eq!(b64_decode(ours.as_bytes()).as_deref(), Some(&bytes[..len]));
        }
    }

    proptest! {
        #[test]
        fn any_text_decodes_as_the_base64_crate_does(text in prop::collection::vec(
            prop_oneof![4 => prop::sample::select(ALPHABET.to_vec()), 1 => any::<u8>()], 0..80)) {
            prop_assert_eq!(b64_decode(&text), URL_SAFE_NO_PAD.decode(&text).ok());
        }

        #[test]
        fn any_bytes_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..80)) {
            let text = b64_encode(&bytes);
            prop_assert_eq!(&text, &URL_SAFE_NO_PAD.encode(&bytes));
            prop_assert_eq!(b64_decode(text.as_bytes()), Some(bytes));
        }
    }
}
