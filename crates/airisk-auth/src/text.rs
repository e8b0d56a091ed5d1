//! The strings the JSON and form readers hand out: borrowed from the input
//! when reading leaves them unchanged, else decoded into a buffer wiped on
//! drop (a token request carries the client secret and the PKCE verifier).

use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::Deref;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use zeroize::Zeroizing;

pub(crate) enum Text<'a> {
    /// The very bytes of the input (nothing to copy, nothing to wipe: the
    /// buffer is the caller's).
    Borrowed(&'a str),
    /// Unescaped or percent-decoded text.
    Owned(Zeroizing<String>),
}

impl Text<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(text) => text,
            Text::Owned(text) => text,
        }
    }

    /// An owned copy with one spare byte of capacity: the C binding appends
    /// its NUL terminator in place instead of reallocating each string of every
    /// verified token (measured at a tenth of a C verify, BENCHMARKS.md).
    pub(crate) fn into_string(self) -> String {
        let text = self.as_str();
        let mut out = String::with_capacity(text.len() + 1);
        out.push_str(text);
        out
    }
}

impl Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Text<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text<'_> {}

impl Hash for Text<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text::Owned(Zeroizing::new(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}
