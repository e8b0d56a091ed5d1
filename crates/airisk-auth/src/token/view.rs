//! The claims as read from a verified payload, borrowed from it, and the
//! public view of them ([`ClaimsRef`]) with the scope helpers and the lazy
//! access to any other member.

use super::claims::{Claims, CustomClaims};
use crate::store::{Grant, Issued};
use crate::text::Text;
use core::fmt;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The `aud` claim as read.
pub(super) enum Aud<'a> {
    /// The one-pass reader's form: the text of one JSON string *with* its
    /// quotes (`"a"`), or the inside of an array of them (`"a","b"`, or empty);
    /// the strings hold no escape and no quote, so the `"`-separated pieces at
    /// odd positions are exactly the audiences.
    Plain(&'a str),
    /// The strict reader's form.
    Parsed(Vec<Text<'a>>),
}

impl Aud<'_> {
    pub(super) fn iter(&self) -> impl Iterator<Item = &str> {
        let (plain, parsed) = match self {
            Aud::Plain(text) => (Some(text.split('"').skip(1).step_by(2)), None),
            Aud::Parsed(list) => (None, Some(list.iter().map(Text::as_str))),
        };
        plain
            .into_iter()
            .flatten()
            .chain(parsed.into_iter().flatten())
    }

    pub(super) fn contains(&self, want: &str) -> bool {
        self.iter().any(|a| a == want)
    }
}

/// The members the verifier reads, borrowed from the payload where possible.
pub(super) struct RawClaims<'a> {
    pub(super) iss: Option<Text<'a>>,
    pub(super) sub: Option<Text<'a>>,
    pub(super) aud: Option<Aud<'a>>,
    pub(super) client_id: Option<Text<'a>>,
    pub(super) user_token: Option<bool>,
    pub(super) company_id: Option<Text<'a>>,
    pub(super) iat: Option<u64>,
    pub(super) nbf: Option<u64>,
    pub(super) exp: Option<u64>,
    pub(super) jti: Option<Text<'a>>,
    pub(super) scope: Option<Text<'a>>,
    /// The whole claims object, for the lazy reads of any other member.
    pub(super) json: &'a str,
    /// Whether `json` may hold a member outside the registered ones: false
    /// only when the one-pass reader saw every member, so reading the custom
    /// claims of such a token parses nothing.
    pub(super) may_have_custom: bool,
}

impl<'a> RawClaims<'a> {
    pub(super) fn empty(json: &'a str) -> Self {
        RawClaims {
            iss: None,
            sub: None,
            aud: None,
            client_id: None,
            user_token: None,
            company_id: None,
            iat: None,
            nbf: None,
            exp: None,
            jti: None,
            scope: None,
            json,
            may_have_custom: true,
        }
    }

    /// What the store checks: the `jti` and the grant with its `iat`.
    pub(super) fn issued(&self) -> Issued<'_> {
        let userid = if self.user_token == Some(true) {
            self.sub.as_deref()
        } else {
            None
        };
        let grant = self
            .client_id
            .as_deref()
            .map(|client_id| Grant::new(client_id, userid));
        Issued::new(self.jti.as_deref(), grant, self.iat)
    }

    /// The owned claims [`super::Verifier::verify_at`] returns (custom members are
    /// not copied: they are read lazily, see [`ClaimsRef::claim_json`]).
    pub(super) fn into_owned(self) -> Claims {
        Claims {
            iss: self.iss.map(Text::into_string).unwrap_or_default(),
            sub: self.sub.map(Text::into_string),
            aud: self
                .aud
                .map(|a| a.iter().map(spare_string).collect())
                .unwrap_or_default(),
            client_id: self.client_id.map(Text::into_string),
            user_token: self.user_token.unwrap_or(false),
            company_id: self.company_id.map(Text::into_string),
            iat: self.iat,
            nbf: self.nbf,
            exp: self.exp.unwrap_or_default(),
            jti: self.jti.map(Text::into_string),
            scope: self.scope.map(Text::into_string),
            custom: CustomClaims::new(),
        }
    }
}

/// An owned copy with room for the C binding's NUL (see `Text::into_string`).
fn spare_string(text: &str) -> String {
    Text::Borrowed(text).into_string()
}

/// Verified claims lent by [`super::Verifier::verify_with`]: the same fields as
/// [`Claims`], borrowed from the decoded token instead of copied, plus the
/// scope and any other member of the token, read only when asked.
pub struct ClaimsRef<'a>(pub(super) &'a RawClaims<'a>);

impl fmt::Debug for ClaimsRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimsRef")
            .field("iss", &self.iss())
            .field("sub", &self.sub())
            .field("client_id", &self.client_id())
            .field("user_token", &self.user_token())
            .field("exp", &self.exp())
            .finish_non_exhaustive()
    }
}

impl<'a> ClaimsRef<'a> {
    /// `iss`.
    #[must_use]
    pub fn iss(&self) -> &str {
        self.0.iss.as_deref().unwrap_or_default()
    }
    /// `sub`.
    #[must_use]
    pub fn sub(&self) -> Option<&str> {
        self.0.sub.as_deref()
    }
    /// The audiences (`aud`), in order.
    pub fn audiences(&self) -> impl Iterator<Item = &str> {
        self.0.aud.iter().flat_map(Aud::iter)
    }
    /// `client_id`.
    #[must_use]
    pub fn client_id(&self) -> Option<&str> {
        self.0.client_id.as_deref()
    }
    /// Whether this is a user-specific token.
    #[must_use]
    pub fn user_token(&self) -> bool {
        self.0.user_token == Some(true)
    }
    /// The userid of a user token (`sub`), `None` for a generic token.
    #[must_use]
    pub fn userid(&self) -> Option<&str> {
        if self.user_token() {
            self.sub()
        } else {
            None
        }
    }
    /// `company_id`.
    #[must_use]
    pub fn company_id(&self) -> Option<&str> {
        self.0.company_id.as_deref()
    }
    /// `iat`.
    #[must_use]
    pub fn iat(&self) -> Option<u64> {
        self.0.iat
    }
    /// `nbf`.
    #[must_use]
    pub fn nbf(&self) -> Option<u64> {
        self.0.nbf
    }
    /// `exp`.
    #[must_use]
    pub fn exp(&self) -> u64 {
        self.0.exp.unwrap_or_default()
    }
    /// `jti`.
    #[must_use]
    pub fn jti(&self) -> Option<&str> {
        self.0.jti.as_deref()
    }
    /// `scope` as written (RFC 9068 §2.2.3: space-separated scope names).
    #[must_use]
    pub fn scope(&self) -> Option<&str> {
        self.0.scope.as_deref()
    }
    /// The scope names, in order (none when the token has no `scope`).
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        scope_names(self.scope().unwrap_or_default())
    }
    /// Whether the token grants every scope in `required` (true for none).
    ///
    /// ```
    /// # use airisk_auth::keys::{Key, KeySet};
    /// # use airisk_auth::token::{Claims, Policy, Verifier};
    /// # use std::sync::Arc;
    /// # let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
    /// let mut claims = Claims::generic("https://airisk.example", "abc123", 1_000, 3_600, "id-1");
    /// claims.scope = Some("read:risk write:risk".into());
    /// let token = keys.mint(&claims)?;
    /// let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
    /// let ok = verifier.verify_with(&token, 2_000, |c| c.has_scopes(&["write:risk"]))?;
    /// assert!(ok);
    /// # Ok::<(), airisk_auth::Error>(())
    /// ```
    #[must_use]
    pub fn has_scopes(&self, required: &[&str]) -> bool {
        has_scopes(self.scope(), required)
    }
    /// The JSON text of the member `name` exactly as the token carries it
    /// (`"admin"` with its quotes, `42`, `{"a":[1]}`), or `None` when absent.
    /// Any member can be read, registered ones included; nothing is parsed
    /// until this is called, so custom claims cost nothing to tokens that
    /// are only verified.
    #[must_use]
    pub fn claim_json(&self, name: &str) -> Option<&'a str> {
        find_member(self.0.json, name)
    }
    /// The member `name` deserialized as `T`; `None` when absent or not a `T`.
    #[must_use]
    pub fn claim<T: Deserialize<'a>>(&self, name: &str) -> Option<T> {
        serde_json::from_str(self.claim_json(name)?).ok()
    }
    /// The whole claims object as the token carries it (custom members included).
    #[must_use]
    pub fn json(&self) -> &'a str {
        self.0.json
    }
    /// The custom members: every member but [`RESERVED_CLAIM_NAMES`](super::RESERVED_CLAIM_NAMES),
    /// parsed (the cost is paid here, only by callers that ask).
    #[must_use]
    pub fn custom_claims(&self) -> CustomClaims {
        if !self.0.may_have_custom {
            return CustomClaims::new();
        }
        custom_members(self.0.json)
    }
    /// An owned copy with [`Claims::custom`] filled: what the C and Python
    /// bindings return, so any claim can be read there.
    #[must_use]
    pub fn to_claims_with_custom(&self) -> Claims {
        Claims {
            custom: self.custom_claims(),
            ..self.to_claims()
        }
    }
    /// An owned copy, as [`super::Verifier::verify_at`] returns (registered claims only).
    #[must_use]
    pub fn to_claims(&self) -> Claims {
        Claims {
            iss: self.iss().to_owned(),
            sub: self.sub().map(str::to_owned),
            aud: self.audiences().map(str::to_owned).collect(),
            client_id: self.client_id().map(str::to_owned),
            user_token: self.user_token(),
            company_id: self.company_id().map(str::to_owned),
            iat: self.iat(),
            nbf: self.nbf(),
            exp: self.exp(),
            jti: self.jti().map(str::to_owned),
            scope: self.scope().map(str::to_owned),
            custom: CustomClaims::new(),
        }
    }
}

/// The names of a space-separated scope (RFC 6749 §3.3); empty names from
/// repeated spaces are skipped.
pub(super) fn scope_names(scope: &str) -> impl Iterator<Item = &str> {
    scope.split(' ').filter(|s| !s.is_empty())
}

/// The custom members of a claims object that a verification has already read
/// strictly (e.g. [`ClaimsRef::json`] kept for later): every member whose name
/// is not one of [`RESERVED_CLAIM_NAMES`](super::RESERVED_CLAIM_NAMES); none
/// for text that is not a JSON object.
#[must_use]
pub fn custom_claims_in(json: &str) -> CustomClaims {
    custom_members(json)
}

/// Whether `scope` holds every name of `required`.
pub(super) fn has_scopes(scope: Option<&str>, required: &[&str]) -> bool {
    let scope = scope.unwrap_or_default();
    required
        .iter()
        .all(|want| scope_names(scope).any(|have| have == *want))
}

/// The raw JSON of the top-level member `name` of a claims object that has
/// already been read strictly (so it is one JSON object without repeats).
fn find_member<'a>(json: &'a str, name: &str) -> Option<&'a str> {
    struct Find<'n>(&'n str);
    impl<'de> DeserializeSeed<'de> for Find<'_> {
        type Value = Option<&'de str>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for Find<'_> {
        type Value = Option<&'de str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<Text<'de>>()? {
                if found.is_none() && key.as_str() == self.0 {
                    found = Some(map.next_value::<&'de RawValue>()?.get());
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut de = serde_json::Deserializer::from_str(json);
    Find(name).deserialize(&mut de).ok().flatten()
}

/// The members of an already strictly-read claims object whose names are not
/// reserved; the registered members are skipped unparsed.
fn custom_members(json: &str) -> CustomClaims {
    struct Custom;
    impl<'de> DeserializeSeed<'de> for Custom {
        type Value = CustomClaims;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for Custom {
        type Value = CustomClaims;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut custom = CustomClaims::new();
            while let Some(key) = map.next_key::<Text<'de>>()? {
                if super::RESERVED_CLAIM_NAMES.contains(&key.as_str()) {
                    map.next_value::<IgnoredAny>()?;
                } else {
                    let value = map.next_value::<serde_json::Value>()?;
                    custom.insert(key.into_string(), value);
                }
            }
            Ok(custom)
        }
    }
    let mut de = serde_json::Deserializer::from_str(json);
    Custom.deserialize(&mut de).unwrap_or_default()
}
