//! Strict request-parameter decoding: form-urlencoded and JSON objects of strings.
//!
//! A request holds at most [`MAX_PARAMS`] parameters: the repeated-name check
//! compares each new name with the earlier ones, so bounding their number keeps
//! that check (and everything after it) linear in the request's length. The
//! bound is applied while reading, before the rest of the request is decoded.

use super::MAX_PARAMS;
use crate::error::{Error, Result};
use crate::text::Text;
use core::fmt;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use zeroize::Zeroizing;

/// Parameters of one request: names and values, decoded, none repeated.
#[derive(Default)]
pub(super) struct Params<'a>(Vec<(Text<'a>, Text<'a>)>);

impl<'a> Params<'a> {
    /// Adds a parameter: refused when its name repeats an earlier one, or when
    /// the request already holds [`MAX_PARAMS`] (so this check costs at most
    /// `MAX_PARAMS` comparisons, whatever the size of the request).
    pub(super) fn push(&mut self, name: Text<'a>, value: Text<'a>) -> Result<()> {
        if self.0.len() >= MAX_PARAMS {
            return Err(Error::RequestTooLarge);
        }
        for (earlier, _) in &self.0 {
            count_comparison();
            if earlier.as_str() == name.as_str() {
                return Err(Error::DuplicateParameter);
            }
        }
        self.0.push((name, value));
        Ok(())
    }

    /// The value, if present (possibly empty).
    pub(super) fn raw(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value, if present and not empty.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.raw(name).filter(|v| !v.is_empty())
    }

    /// Strict `application/x-www-form-urlencoded` (the WHATWG algorithm, minus its
    /// lossy UTF-8 and its tolerance of bad percent escapes).
    pub(super) fn from_form(input: &'a [u8]) -> Result<Self> {
        let mut params = Params::default();
        for pair in input.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            params.push(form_decode(name)?, form_decode(value)?)?;
        }
        Ok(params)
    }

    /// Like [`Params::from_form`], but a repeated parameter keeps its first
    /// value and its name is returned, so the caller decides how to answer
    /// (the authorization endpoint redirects once the client is known).
    pub(super) fn from_form_lenient(input: &'a [u8]) -> Result<(Self, Vec<Text<'a>>)> {
        let mut params = Params::default();
        let mut repeated = Vec::new();
        for (count, pair) in input
            .split(|&b| b == b'&')
            .filter(|p| !p.is_empty())
            .enumerate()
        {
            // Repeated names count too: the bound is on what is read.
            if count >= MAX_PARAMS {
                return Err(Error::RequestTooLarge);
            }
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            let (name, value) = (form_decode(name)?, form_decode(value)?);
            if params.raw(&name).is_some() {
                repeated.push(name);
            } else {
                params.push(name, value)?;
            }
        }
        Ok((params, repeated))
    }

    pub(super) fn from_json(input: &'a [u8]) -> Result<Self> {
        let mut refusal = None;
        let mut reader = serde_json::Deserializer::from_slice(input);
        let params = JsonParams {
            refusal: &mut refusal,
        }
        .deserialize(&mut reader)
        .and_then(|params| reader.end().map(|()| params));
        match (params, refusal) {
            (Ok(params), _) => Ok(params),
            // Too many members is a bound, not a syntax error: say so.
            (Err(_), Some(Error::RequestTooLarge)) => Err(Error::RequestTooLarge),
            (Err(_), _) => Err(Error::MalformedRequest),
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Name comparisons made by [`Params::push`] on this thread: lets the tests
    /// measure the work of the repeated-name check by counting, not timing.
    pub(super) static COMPARISONS: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
}

#[inline]
fn count_comparison() {
    #[cfg(test)]
    COMPARISONS.with(|c| c.set(c.get() + 1));
}

pub(super) fn form_decode(raw: &[u8]) -> Result<Text<'_>> {
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
        let text = core::str::from_utf8(raw).map_err(|_| Error::MalformedRequest)?;
        return Ok(Text::Borrowed(text));
    }
    // Decoding never grows the text, so this buffer is never reallocated (and
    // no unwiped copy of a secret is left behind).
    let mut bytes = Zeroizing::new(Vec::with_capacity(raw.len()));
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = raw.get(i + 1..i + 3).ok_or(Error::MalformedRequest)?;
                let hex = core::str::from_utf8(hex).map_err(|_| Error::MalformedRequest)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::MalformedRequest);
                }
                bytes.push(u8::from_str_radix(hex, 16).map_err(|_| Error::MalformedRequest)?);
                i += 2;
            }
            b => bytes.push(b),
        }
        i += 1;
    }
    core::str::from_utf8(&bytes).map_err(|_| Error::MalformedRequest)?;
    String::from_utf8(core::mem::take(&mut *bytes))
        .map(|text| Text::Owned(Zeroizing::new(text)))
        .map_err(|_| Error::MalformedRequest)
}

/// Reads a JSON object whose values are all strings and whose members do not
/// repeat; why a member was refused is left in `refusal`.
struct JsonParams<'r> {
    refusal: &'r mut Option<Error>,
}

impl<'de> DeserializeSeed<'de> for JsonParams<'_> {
    type Value = Params<'de>;

    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> core::result::Result<Params<'de>, D::Error> {
        struct V<'r> {
            refusal: &'r mut Option<Error>,
        }
        impl<'de> Visitor<'de> for V<'_> {
            type Value = Params<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut params = Params::default();
                while let Some(name) = map.next_key::<Text<'de>>()? {
                    let value = map.next_value::<Text<'de>>()?;
                    if let Err(e) = params.push(name, value) {
                        *self.refusal = Some(e);
                        return Err(de::Error::custom("member refused"));
                    }
                }
                Ok(params)
            }
        }
        d.deserialize_map(V {
            refusal: self.refusal,
        })
    }
}

pub(super) enum BodyKind {
    Form,
    Json,
}

/// The body format named by a `Content-Type`: its media type, case-insensitive,
/// with at most a `charset=utf-8` parameter.
pub(super) fn body_kind(content_type: Option<&str>) -> Option<BodyKind> {
    let mut parts = content_type?.split(';');
    let media = parts.next()?.trim();
    for param in parts {
        let (name, value) = param.split_once('=')?;
        let value = value.trim().trim_matches('"');
        if !name.trim().eq_ignore_ascii_case("charset") || !value.eq_ignore_ascii_case("utf-8") {
            return None;
        }
    }
    if media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Some(BodyKind::Form)
    } else if media.eq_ignore_ascii_case("application/json") {
        Some(BodyKind::Json)
    } else {
        None
    }
}
