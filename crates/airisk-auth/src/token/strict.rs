//! The strict reader: serde_json, for any claims object at all. Objects whose
//! members may not repeat, strings borrowed where possible, integer dates. It
//! decides every payload the one-pass reader (`reader.rs`) passes on, and is
//! the oracle that reader is fuzzed against.

use super::view::{Aud, RawClaims};
use crate::clock::MAX_NUMERIC_DATE;
use crate::error::{Error, Result};
use crate::text::Text;
use core::fmt;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::HashSet;
use zeroize::Zeroizing;

/// A NumericDate: a non-negative JSON integer no later than [`MAX_NUMERIC_DATE`].
struct NumericDate(u64);

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NumericDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer NumericDate")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> core::result::Result<Self::Value, E> {
                if v > MAX_NUMERIC_DATE {
                    return Err(E::custom("date out of range"));
                }
                Ok(NumericDate(v))
            }
        }
        // Only visit_u64 is implemented: i64 (negative), f64, strings, null, bool all fail.
        d.deserialize_u64(V)
    }
}

/// The `aud` claim: one string or an array of strings.
struct AudIn<'a>(Vec<Text<'a>>);

impl<'de> Deserialize<'de> for AudIn<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AudIn<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                v: &'de str,
            ) -> core::result::Result<Self::Value, E> {
                Ok(AudIn(vec![Text::Borrowed(v)]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> core::result::Result<Self::Value, E> {
                Ok(AudIn(vec![Text::Owned(Zeroizing::new(v.to_owned()))]))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<Text<'de>>()? {
                    out.push(s);
                }
                Ok(AudIn(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Remembers member names to refuse repeats. Known members use a bit each;
/// unknown ones a set allocated only when the first one appears.
#[derive(Default)]
pub(super) struct SeenMembers<'a> {
    known: u32,
    unknown: HashSet<Text<'a>>,
}

impl<'a> SeenMembers<'a> {
    pub(super) fn known<E: de::Error>(&mut self, bit: u32) -> core::result::Result<(), E> {
        if self.known & bit != 0 {
            return Err(E::custom("repeated member"));
        }
        self.known |= bit;
        Ok(())
    }
    pub(super) fn unknown<E: de::Error>(&mut self, name: Text<'a>) -> core::result::Result<(), E> {
        if !self.unknown.insert(name) {
            return Err(E::custom("repeated member"));
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for RawClaims<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawClaims<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JWT claims object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> core::result::Result<Self::Value, A::Error> {
                let mut seen = SeenMembers::default();
                let mut c = RawClaims::empty("");
                while let Some(name) = map.next_key::<Text<'de>>()? {
                    match name.as_str() {
                        "iss" => {
                            seen.known(1)?;
                            c.iss = Some(map.next_value::<Text<'de>>()?);
                        }
                        "sub" => {
                            seen.known(2)?;
                            c.sub = Some(map.next_value::<Text<'de>>()?);
                        }
                        "aud" => {
                            seen.known(4)?;
                            c.aud = Some(Aud::Parsed(map.next_value::<AudIn<'de>>()?.0));
                        }
                        "client_id" => {
                            seen.known(8)?;
                            c.client_id = Some(map.next_value::<Text<'de>>()?);
                        }
                        "user_token" => {
                            seen.known(16)?;
                            c.user_token = Some(map.next_value::<bool>()?);
                        }
                        "company_id" => {
                            seen.known(32)?;
                            c.company_id = Some(map.next_value::<Text<'de>>()?);
                        }
                        "iat" => {
                            seen.known(64)?;
                            c.iat = Some(map.next_value::<NumericDate>()?.0);
                        }
                        "nbf" => {
                            seen.known(128)?;
                            c.nbf = Some(map.next_value::<NumericDate>()?.0);
                        }
                        "exp" => {
                            seen.known(256)?;
                            c.exp = Some(map.next_value::<NumericDate>()?.0);
                        }
                        "jti" => {
                            seen.known(512)?;
                            c.jti = Some(map.next_value::<Text<'de>>()?);
                        }
                        "scope" => {
                            seen.known(1024)?;
                            c.scope = Some(map.next_value::<Text<'de>>()?);
                        }
                        _ => {
                            seen.unknown(name)?;
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_map(V)
    }
}

/// Reads a claims object strictly (the text is UTF-8 already: RFC 7519 §7.2
/// asks it of the whole claims set, skipped members included, which
/// serde_json would not check for them).
pub(super) fn parse_claims(json: &str) -> Result<RawClaims<'_>> {
    let mut claims: RawClaims<'_> =
        serde_json::from_str(json).map_err(|_| Error::MalformedClaims)?;
    claims.json = json;
    Ok(claims)
}

/// The registered claims, in the order of [`RawClaims`].
const REGISTERED: [&str; 11] = [
    "iss",
    "sub",
    "aud",
    "client_id",
    "user_token",
    "company_id",
    "iat",
    "nbf",
    "exp",
    "jti",
    "scope",
];

/// The registered claim that makes `json` malformed claims: one repeated, or
/// not of its type. `None` when no registered claim is at fault (the text is
/// not an object, or an unknown member is repeated). Slow and allocating: for
/// [`super::Verifier::explain_at`] only.
pub(super) fn invalid_claim(json: &str) -> Option<&'static str> {
    struct Members(Vec<(String, Box<serde_json::value::RawValue>)>);
    impl<'de> Deserialize<'de> for Members {
        fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Members;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> core::result::Result<Self::Value, A::Error> {
                    let mut out = Vec::new();
                    while let Some(entry) = map.next_entry()? {
                        out.push(entry);
                    }
                    Ok(Members(out))
                }
            }
            d.deserialize_map(V)
        }
    }
    let Members(members) = serde_json::from_str(json).ok()?;
    let mut seen = [false; REGISTERED.len()];
    for (name, value) in &members {
        let Some(index) = REGISTERED.iter().position(|r| r == name) else {
            continue;
        };
        let value = value.get();
        let well_typed = match REGISTERED[index] {
            "aud" => serde_json::from_str::<AudIn<'_>>(value).is_ok(),
            "user_token" => serde_json::from_str::<bool>(value).is_ok(),
            "iat" | "nbf" | "exp" => serde_json::from_str::<NumericDate>(value).is_ok(),
            _ => serde_json::from_str::<Text<'_>>(value).is_ok(),
        };
        if seen[index] || !well_typed {
            return Some(REGISTERED[index]);
        }
        seen[index] = true;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_dates_are_strict() {
        assert_eq!(parse_claims(r#"{"exp":5}"#).unwrap().exp, Some(5));
        for bad in [
            "\"5\"",
            "5.0",
            "5e0",
            "1e400",
            "-1",
            "null",
            "18446744073709551616",
            "253402300800",
            "true",
        ] {
            let json = format!(r#"{{"exp":{bad}}}"#);
            assert!(parse_claims(&json).is_err(), "{bad}");
        }
    }

    #[test]
    fn scope_is_a_string() {
        assert_eq!(
            parse_claims(r#"{"scope":"a b"}"#).unwrap().scope.as_deref(),
            Some("a b")
        );
        assert!(parse_claims(r#"{"scope":["a"]}"#).is_err());
        assert!(parse_claims(r#"{"scope":"a","scope":"a"}"#).is_err());
    }

    #[test]
    fn the_claim_at_fault_is_named() {
        assert_eq!(invalid_claim(r#"{"exp":"5"}"#), Some("exp"));
        assert_eq!(invalid_claim(r#"{"iss":"a","aud":[1]}"#), Some("aud"));
        assert_eq!(invalid_claim(r#"{"sub":"a","sub":"b"}"#), Some("sub"));
        assert_eq!(invalid_claim(r#"{"user_token":1}"#), Some("user_token"));
        assert_eq!(invalid_claim(r#"{"x":1,"x":2}"#), None);
        assert_eq!(invalid_claim(r#"{"exp":5,"sub":"a"}"#), None);
        assert_eq!(invalid_claim("[]"), None);
    }
}
