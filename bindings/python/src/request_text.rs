//! Request text from Python, converted without raising (issue 20.5).
//!
//! A Python `str` may hold lone surrogates (`"\ud800"`), which have no UTF-8
//! form: extracting one as `&str` raises `UnicodeEncodeError`, so a request
//! carrying one would escape the answer table as an exception instead of
//! being refused like any other bad input. Every request argument that crosses
//! into the core (tokens, `Authorization` headers, queries, content types,
//! bodies) goes through here instead:
//!
//! - tokens, headers and content types become their lossy form (each lone
//!   surrogate replaced by U+FFFD): none of them can hold U+FFFD legitimately,
//!   so the core refuses them as it refuses any other malformed value
//!   (`MalformedToken`, `MissingBearer`, an unsupported content type);
//! - queries and bodies, whose text is decoded by the core, keep the bytes that
//!   Python's `surrogatepass` gives a surrogate, as percent escapes in a query
//!   and raw in a body, so the core sees invalid UTF-8 where the surrogate was
//!   and refuses the request as `MalformedRequest`, the answer for any other
//!   invalid UTF-8 in a request.

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyString};
use pyo3::Borrowed;

/// A `str` argument: its UTF-8 text, or its lossy form when it has lone surrogates.
pub(crate) enum LenientStr {
    /// The string as it is.
    Exact(PyBackedStr),
    /// The string with every lone surrogate replaced by U+FFFD.
    Lossy(String),
}

impl core::ops::Deref for LenientStr {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            LenientStr::Exact(text) => text,
            LenientStr::Lossy(text) => text,
        }
    }
}

impl FromPyObject<'_, '_> for LenientStr {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        // A non-`str` is still a TypeError: that is a programming error, not input.
        let text = obj.cast::<PyString>()?;
        match text.to_owned().try_into() {
            Ok(exact) => Ok(LenientStr::Exact(exact)),
            Err(_) => Ok(LenientStr::Lossy(text.to_string_lossy().into_owned())),
        }
    }
}

/// A `str` whose text the core decodes (a query): the string as it is, or,
/// when it has lone surrogates, with every non-ASCII character percent-escaped
/// from its `surrogatepass` bytes. Escaping a valid character changes nothing
/// the core decodes; a surrogate's escapes decode to invalid UTF-8, refused.
pub(crate) enum QueryStr {
    /// The string as it is.
    Exact(PyBackedStr),
    /// The escaped form.
    Escaped(String),
}

impl core::ops::Deref for QueryStr {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            QueryStr::Exact(text) => text,
            QueryStr::Escaped(text) => text,
        }
    }
}

impl FromPyObject<'_, '_> for QueryStr {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        let text = obj.cast::<PyString>()?;
        if let Ok(exact) = text.to_owned().try_into() {
            return Ok(QueryStr::Exact(exact));
        }
        let bytes = surrogatepass_bytes(&text)?;
        let mut escaped = String::with_capacity(bytes.len() * 3);
        for &b in &bytes {
            if b.is_ascii() {
                escaped.push(char::from(b));
            } else {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                escaped.push('%');
                escaped.push(char::from(HEX[usize::from(b >> 4)]));
                escaped.push(char::from(HEX[usize::from(b & 0x0f)]));
            }
        }
        Ok(QueryStr::Escaped(escaped))
    }
}

/// The bytes of a `str` with lone surrogates kept as their (invalid) UTF-8 form.
pub(crate) fn surrogatepass_bytes(text: &Bound<'_, PyString>) -> PyResult<Vec<u8>> {
    let encoded = text.call_method1("encode", ("utf-8", "surrogatepass"))?;
    Ok(encoded.cast::<PyBytes>()?.as_bytes().to_vec())
}
