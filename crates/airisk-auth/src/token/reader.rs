//! The one-pass reader of claims in the shape we mint.
//!
//! Our payloads are compact JSON objects of plain members: strings without
//! escapes, integer dates, `true`/`false`. This reader walks such a payload
//! once, borrowing every string, and either returns the claims or **passes**
//! (`None`): it never refuses anything itself. Whatever it does not handle —
//! whitespace, an escape, a control character, a known member of the wrong
//! type, a number it does not need to read, more than [`MAX_UNKNOWN`] custom
//! members, nesting deeper than [`MAX_DEPTH`], any syntax error — goes to the
//! strict serde reader (`strict.rs`), which gives the verdict. So the verdicts
//! are the strict reader's by construction, and the differential fuzz target
//! (`fuzz/fuzz_targets/claims_reader.rs`) and the property tests below check
//! that whenever this reader answers, the strict one accepts the same claims.
//!
//! Decision: custom members are skipped by a validating scan (strings without
//! escapes, JSON numbers, literals, nested arrays and objects) and only their
//! names are kept, to refuse a repeated one without allocating: tokens with a
//! few custom claims stay on this path and allocate nothing.

use super::view::{Aud, RawClaims};
use crate::clock::MAX_NUMERIC_DATE;
use crate::text::Text;

/// The most custom (unknown) top-level members this reader remembers.
const MAX_UNKNOWN: usize = 8;
/// The deepest nesting of a custom member's value this reader skips.
const MAX_DEPTH: usize = 8;
/// The most digits of a date: [`MAX_NUMERIC_DATE`] has 12.
const MAX_DATE_DIGITS: usize = 12;

/// Reads a payload of our shape, or `None` to leave it to the strict reader.
/// (Inlined: the claims are then built where the verifier keeps them, not moved.)
#[inline]
pub(super) fn read(json: &str) -> Option<RawClaims<'_>> {
    let b = json.as_bytes();
    let mut c = RawClaims::empty(json);
    c.may_have_custom = false;
    if *b.first()? != b'{' {
        return None;
    }
    if b.get(1) == Some(&b'}') {
        return (b.len() == 2).then_some(c);
    }
    let mut seen = 0u16;
    let mut unknown = [""; MAX_UNKNOWN];
    let mut unknowns = 0;
    let mut i = 1;
    loop {
        let (name, at) = plain_string(json, i)?;
        i = at;
        if *b.get(i)? != b':' {
            return None;
        }
        i += 1;
        let bit = match name {
            "iss" => 1,
            "sub" => 2,
            "aud" => 4,
            "client_id" => 8,
            "user_token" => 16,
            "company_id" => 32,
            "iat" => 64,
            "nbf" => 128,
            "exp" => 256,
            "jti" => 512,
            "scope" => 1024,
            _ => 0,
        };
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        i = match name {
            "iss" => text(json, i, &mut c.iss)?,
            "sub" => text(json, i, &mut c.sub)?,
            "client_id" => text(json, i, &mut c.client_id)?,
            "company_id" => text(json, i, &mut c.company_id)?,
            "jti" => text(json, i, &mut c.jti)?,
            "scope" => text(json, i, &mut c.scope)?,
            "iat" => date(b, i, &mut c.iat)?,
            "nbf" => date(b, i, &mut c.nbf)?,
            "exp" => date(b, i, &mut c.exp)?,
            "user_token" => {
                let (value, at) = boolean(b, i)?;
                c.user_token = Some(value);
                at
            }
            "aud" => {
                let (aud, at) = audiences(json, i)?;
                c.aud = Some(aud);
                at
            }
            _ => {
                if unknowns == MAX_UNKNOWN || unknown[..unknowns].contains(&name) {
                    return None;
                }
                unknown[unknowns] = name;
                unknowns += 1;
                c.may_have_custom = true;
                skip_value(json, i, 0)?
            }
        };
        match *b.get(i)? {
            b',' => i += 1,
            b'}' if i + 1 == b.len() => return Some(c),
            _ => return None,
        }
    }
}

/// A string without escapes or control characters starting at `i` (its quote):
/// its contents and the index after its closing quote.
#[inline]
fn plain_string(json: &str, i: usize) -> Option<(&str, usize)> {
    let b = json.as_bytes();
    if *b.get(i)? != b'"' {
        return None;
    }
    let start = i + 1;
    let len = b
        .get(start..)?
        .iter()
        .position(|&x| x == b'"' || x == b'\\' || x < 0x20)?;
    let end = start + len;
    if b[end] != b'"' {
        return None;
    }
    // The quotes are ASCII, so both ends are character boundaries.
    Some((json.get(start..end)?, end + 1))
}

fn text<'a>(json: &'a str, i: usize, slot: &mut Option<Text<'a>>) -> Option<usize> {
    let (value, at) = plain_string(json, i)?;
    *slot = Some(Text::Borrowed(value));
    Some(at)
}

/// A NumericDate: digits only, no leading zero, at most [`MAX_NUMERIC_DATE`].
fn date(b: &[u8], i: usize, slot: &mut Option<u64>) -> Option<usize> {
    let digits = b
        .get(i..)?
        .iter()
        .take(MAX_DATE_DIGITS + 1)
        .take_while(|x| x.is_ascii_digit())
        .count();
    if digits == 0 || digits > MAX_DATE_DIGITS || (digits > 1 && b[i] == b'0') {
        return None;
    }
    let value = b[i..i + digits]
        .iter()
        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    if value > MAX_NUMERIC_DATE {
        return None;
    }
    *slot = Some(value);
    Some(i + digits)
}

fn boolean(b: &[u8], i: usize) -> Option<(bool, usize)> {
    let rest = b.get(i..)?;
    if rest.starts_with(b"true") {
        Some((true, i + 4))
    } else if rest.starts_with(b"false") {
        Some((false, i + 5))
    } else {
        None
    }
}

/// `aud`: one plain string, or an array of them.
fn audiences(json: &str, i: usize) -> Option<(Aud<'_>, usize)> {
    let b = json.as_bytes();
    match *b.get(i)? {
        b'"' => {
            let (_, at) = plain_string(json, i)?;
            Some((Aud::Plain(json.get(i..at)?), at))
        }
        b'[' => {
            let start = i + 1;
            let mut at = start;
            if *b.get(at)? != b']' {
                loop {
                    at = plain_string(json, at)?.1;
                    match *b.get(at)? {
                        b',' => at += 1,
                        b']' => break,
                        _ => return None,
                    }
                }
            }
            Some((Aud::Plain(json.get(start..at)?), at + 1))
        }
        _ => None,
    }
}

/// Skips one JSON value the strict reader would ignore, checking its syntax.
fn skip_value(json: &str, i: usize, depth: usize) -> Option<usize> {
    let b = json.as_bytes();
    match *b.get(i)? {
        b'"' => Some(plain_string(json, i)?.1),
        b't' => literal(b, i, b"true"),
        b'f' => literal(b, i, b"false"),
        b'n' => literal(b, i, b"null"),
        b'-' | b'0'..=b'9' => number(b, i),
        open @ (b'[' | b'{') => {
            if depth == MAX_DEPTH {
                return None;
            }
            let close = if open == b'[' { b']' } else { b'}' };
            let mut at = i + 1;
            if *b.get(at)? == close {
                return Some(at + 1);
            }
            loop {
                if open == b'{' {
                    at = plain_string(json, at)?.1;
                    if *b.get(at)? != b':' {
                        return None;
                    }
                    at += 1;
                }
                at = skip_value(json, at, depth + 1)?;
                match *b.get(at)? {
                    b',' => at += 1,
                    x if x == close => return Some(at + 1),
                    _ => return None,
                }
            }
        }
        _ => None,
    }
}

fn literal(b: &[u8], i: usize, word: &[u8]) -> Option<usize> {
    b.get(i..)?.starts_with(word).then_some(i + word.len())
}

/// A JSON number (RFC 8259 §6): `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn number(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |from: usize| {
        b.get(from..).map_or(0, |rest| {
            rest.iter().take_while(|x| x.is_ascii_digit()).count()
        })
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match digits(i) {
        0 => return None,
        n if n > 1 && b[i] == b'0' => return None,
        n => i += n,
    }
    if b.get(i) == Some(&b'.') {
        let n = digits(i + 1);
        if n == 0 {
            return None;
        }
        i += 1 + n;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let n = digits(i);
        if n == 0 {
            return None;
        }
        i += n;
    }
    Some(i)
}

/// Runs both readers on `json` and describes any disagreement: the reader
/// answered but the strict one refused, or they read different claims.
/// `Ok(true)` when the one-pass reader answered, `Ok(false)` when it passed.
#[cfg(any(test, feature = "differential"))]
pub(super) fn compare_with_strict(json: &str) -> Result<bool, String> {
    let strict = super::strict::parse_claims(json);
    let Some(fast) = read(json) else {
        return Ok(false);
    };
    let strict = strict.map_err(|e| format!("the one-pass reader accepted, strict: {e:?}"))?;
    let texts = |c: &RawClaims<'_>| {
        [
            c.iss.as_deref().map(str::to_owned),
            c.sub.as_deref().map(str::to_owned),
            c.client_id.as_deref().map(str::to_owned),
            c.company_id.as_deref().map(str::to_owned),
            c.jti.as_deref().map(str::to_owned),
            c.scope.as_deref().map(str::to_owned),
        ]
    };
    let numbers = |c: &RawClaims<'_>| (c.user_token, c.iat, c.nbf, c.exp);
    let aud = |c: &RawClaims<'_>| {
        c.aud
            .as_ref()
            .map(|a| a.iter().map(str::to_owned).collect::<Vec<_>>())
    };
    if texts(&fast) != texts(&strict)
        || numbers(&fast) != numbers(&strict)
        || aud(&fast) != aud(&strict)
    {
        return Err("the readers read different claims".to_owned());
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const OURS: &str = r#"{"iss":"https://airisk.example","sub":"user_42","client_id":"abc123","user_token":true,"iat":1750000000,"exp":1750003600,"jti":"id-1"}"#;

    #[test]
    fn reads_our_payloads_in_one_pass() {
        let c = read(OURS).unwrap();
        assert_eq!(c.sub.as_deref(), Some("user_42"));
        assert_eq!(c.exp, Some(1_750_003_600));
        assert_eq!(c.user_token, Some(true));
        for json in [
            OURS,
            r#"{"aud":["a","b"],"exp":0,"scope":"x y","role":{"k":[1,-2.5e+3,null,true]}}"#,
            r#"{"aud":"a"}"#,
            r#"{"aud":[]}"#,
            "{}",
        ] {
            assert_eq!(compare_with_strict(json), Ok(true), "{json}");
        }
    }

    #[test]
    fn passes_what_it_does_not_handle_and_the_strict_reader_decides() {
        for json in [
            r#"{"exp":"5"}"#,
            r#"{"exp":05}"#,
            r#"{"exp":5.0}"#,
            r#"{"exp":253402300800}"#,
            r#"{"exp":null}"#,
            r#"{"sub":"a\"b"}"#,
            r#"{"sub":"a\u0062"}"#,
            r#"{"\u0073ub":"a"}"#,
            r#"{"sub":"a","sub":"a"}"#,
            r#"{"x":1,"x":1}"#,
            r#"{ "sub":"a"}"#,
            r#"{"sub":"a"} "#,
            r#"{"sub":"a",}"#,
            r#"{"x":[1,]}"#,
            r#"{"x":01}"#,
            r#"{"x":1.}"#,
            r#"{"x":[[[[[[[[[1]]]]]]]]]}"#,
            r#"{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1,"h":1,"i":1}"#,
            "[]",
            "",
        ] {
            assert!(read(json).is_none(), "{json}");
            assert_eq!(compare_with_strict(json), Ok(false), "{json}");
        }
    }

    /// JSON-ish text built from the pieces our payloads and their neighbours are made of.
    fn payload() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"",
            "\\",
            " ",
            "\"iss\"",
            "\"sub\"",
            "\"aud\"",
            "\"exp\"",
            "\"iat\"",
            "\"nbf\"",
            "\"jti\"",
            "\"scope\"",
            "\"user_token\"",
            "\"client_id\"",
            "\"company_id\"",
            "\"x\"",
            "\"a b\"",
            "\"é\"",
            "true",
            "false",
            "null",
            "0",
            "1",
            "-",
            ".",
            "e",
            "1750000000",
            "253402300799",
            "253402300800",
            "\u{1}",
            "\\u0041",
        ]);
        prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
    }

    /// A valid object of our members, some of them repeated or mistyped.
    fn object() -> impl Strategy<Value = String> {
        let name = prop::sample::select(vec![
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "nbf",
            "jti",
            "scope",
            "user_token",
            "client_id",
            "company_id",
            "x",
            "y",
        ]);
        let value = prop::sample::select(vec![
            "\"v\"",
            "\"\"",
            "1",
            "0",
            "true",
            "false",
            "null",
            "[]",
            "[\"a\",\"b\"]",
            "{}",
            "{\"k\":[1,2]}",
            "1.5",
            "-3",
            "1e3",
            "253402300799",
            "\"a\\\"\"",
        ]);
        prop::collection::vec((name, value), 0..12).prop_map(|members| {
            let inner: Vec<String> = members
                .iter()
                .map(|(n, v)| format!("\"{n}\":{v}"))
                .collect();
            format!("{{{}}}", inner.join(","))
        })
    }

    proptest! {
        #[test]
        fn never_disagrees_with_the_strict_reader_on_fragments(json in payload()) {
            prop_assert_eq!(compare_with_strict(&json).err(), None);
        }

        #[test]
        fn never_disagrees_with_the_strict_reader_on_objects(json in object()) {
            prop_assert_eq!(compare_with_strict(&json).err(), None);
        }

        #[test]
        fn never_disagrees_on_any_text(json in ".{0,64}") {
            prop_assert_eq!(compare_with_strict(&json).err(), None);
        }
    }
}
