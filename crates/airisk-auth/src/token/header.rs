//! The strict reader of a JOSE header, for headers that are not byte for byte
//! one our keys mint (those select their key without being parsed).

use super::strict::SeenMembers;
use crate::error::{Error, Result};
use crate::text::Text;
use core::fmt;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

pub(super) struct RawHeader<'a> {
    pub(super) alg: Option<Text<'a>>,
    pub(super) typ: Option<Text<'a>>,
    pub(super) kid: Option<Text<'a>>,
    pub(super) crit: bool,
}

impl<'de> Deserialize<'de> for RawHeader<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawHeader<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JOSE header object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut seen = SeenMembers::default();
                let mut h = RawHeader {
                    alg: None,
                    typ: None,
                    kid: None,
                    crit: false,
                };
                while let Some(name) = map.next_key::<Text<'de>>()? {
                    match name.as_str() {
                        "alg" => {
                            seen.known(1)?;
                            h.alg = Some(map.next_value::<Text<'de>>()?);
                        }
                        "typ" => {
                            seen.known(2)?;
                            h.typ = Some(map.next_value::<Text<'de>>()?);
                        }
                        "kid" => {
                            seen.known(4)?;
                            h.kid = Some(map.next_value::<Text<'de>>()?);
                        }
                        "crit" => {
                            seen.known(8)?;
                            map.next_value::<IgnoredAny>()?;
                            h.crit = true;
                        }
                        _ => {
                            seen.unknown(name)?;
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(h)
            }
        }
        d.deserialize_map(V)
    }
}

/// The whole header must be UTF-8 (RFC 7515 §4), including members that are
/// skipped unparsed, which serde_json would not check.
pub(super) fn parse_header(json: &[u8]) -> Result<RawHeader<'_>> {
    let text = core::str::from_utf8(json).map_err(|_| Error::MalformedHeader)?;
    serde_json::from_str(text).map_err(|_| Error::MalformedHeader)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_members_may_not_repeat() {
        assert!(parse_header(br#"{"alg":"HS256","x":1,"y":2}"#).is_ok());
        for bad in [
            &br#"{"alg":"HS256","alg":"HS256"}"#[..],
            br#"{"alg":"HS256","x":1,"x":1}"#,
            br#"{"alg":"HS256","al\u0067":"none"}"#,
            b"[]",
            br#""s""#,
        ] {
            assert!(
                parse_header(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
