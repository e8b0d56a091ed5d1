//! The owned claims of a token ([`Claims`]), their checks before minting, and
//! the payload layout tokens are minted with.

use super::view::scope_names;
use crate::clock::MAX_NUMERIC_DATE;
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// Custom (private, RFC 7519 §4.3) claims: extra members of a token, by name.
pub type CustomClaims = BTreeMap<String, serde_json::Value>;

/// The largest custom claims minted, in bytes of their JSON (names, values and
/// separators): the token must stay far under the verifiers' default 8 KiB.
pub const MAX_CUSTOM_CLAIMS_LEN: usize = 4 * 1024;

/// Names a custom claim may not take: those the verifier reads or refuses to
/// be overridden (RFC 7519 §4.1, RFC 9068 §2.2 and ours). Names RFC 9068
/// §2.2.3.1 leaves to the issuer (`roles`, `groups`, `entitlements`) are free.
pub const RESERVED_CLAIM_NAMES: [&str; 11] = [
    "iss",
    "sub",
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "client_id",
    "user_token",
    "company_id",
    "scope",
];

/// The claims of an access token.
///
/// ```
/// use airisk_auth::token::Claims;
/// let generic = Claims::generic("https://airisk.example", "abc123", 1_000, 3_600, "jti-1");
/// assert_eq!(generic.sub.as_deref(), Some("abc123"));
/// assert_eq!(generic.userid(), None);
/// ```
///
/// Its serde form (used by [`Claims::to_json`] and [`Claims::from_json`], the
/// CLI, the C and Python bindings and the test vectors) has every member, in
/// this order, `null` when absent; reading it, only `iss` and `exp` are
/// required and unknown members are refused. The newer members `scope` and
/// `custom` are written only when set, so the form of earlier claims is
/// unchanged. (This is *not* the token's own payload, which omits absent
/// members and writes the custom ones beside the others: see
/// [`crate::keys::KeySet::mint`].)
///
/// Verification returns the registered claims only: `custom` is left empty by
/// [`super::Verifier::verify_at`]. Custom claims are read when asked, through
/// [`super::Verifier::verify_as`] or [`super::ClaimsRef::claim_json`], so tokens
/// that carry them cost nothing more to the services that do not read them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Claims {
    /// `iss`: who issued the token.
    pub iss: String,
    /// `sub`: the userid (user token) or the client_id (generic token).
    #[serde(default)]
    pub sub: Option<String>,
    /// `aud`: the audiences; empty when the token has none.
    #[serde(default)]
    pub aud: Vec<String>,
    /// `client_id`: the client the token was issued to.
    #[serde(default)]
    pub client_id: Option<String>,
    /// `user_token`: whether the token acts on behalf of a user.
    #[serde(default)]
    pub user_token: bool,
    /// `company_id`: the user's company, if known.
    #[serde(default)]
    pub company_id: Option<String>,
    /// `iat`: issued at, Unix seconds.
    #[serde(default)]
    pub iat: Option<u64>,
    /// `nbf`: not before, Unix seconds.
    #[serde(default)]
    pub nbf: Option<u64>,
    /// `exp`: expires at, Unix seconds.
    pub exp: u64,
    /// `jti`: the token's unique id.
    #[serde(default)]
    pub jti: Option<String>,
    /// `scope`: space-separated scope names (RFC 9068 §2.2.3, RFC 6749 §3.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Custom claims minted beside the registered ones (never read back by
    /// `verify_at`; see above). At most [`MAX_CUSTOM_CLAIMS_LEN`] bytes of JSON,
    /// never a name of [`RESERVED_CLAIM_NAMES`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom: CustomClaims,
}

impl Claims {
    /// Claims with only `iss` and `exp`; set the other (public) fields as needed.
    #[must_use]
    pub fn new(iss: impl Into<String>, exp: u64) -> Self {
        Claims {
            iss: iss.into(),
            sub: None,
            aud: Vec::new(),
            client_id: None,
            user_token: false,
            company_id: None,
            iat: None,
            nbf: None,
            exp,
            jti: None,
            scope: None,
            custom: CustomClaims::new(),
        }
    }

    /// Claims of a generic (application) token: `sub` is the client_id.
    #[must_use]
    pub fn generic(iss: &str, client_id: &str, iat: u64, ttl: u64, jti: &str) -> Self {
        Claims {
            iss: iss.to_owned(),
            sub: Some(client_id.to_owned()),
            aud: Vec::new(),
            client_id: Some(client_id.to_owned()),
            user_token: false,
            company_id: None,
            iat: Some(iat),
            nbf: None,
            exp: iat.saturating_add(ttl),
            jti: Some(jti.to_owned()),
            scope: None,
            custom: CustomClaims::new(),
        }
    }

    /// Claims of a user-specific token: `sub` is the userid.
    #[must_use]
    pub fn user(iss: &str, client_id: &str, userid: &str, iat: u64, ttl: u64, jti: &str) -> Self {
        Claims {
            sub: Some(userid.to_owned()),
            user_token: true,
            ..Self::generic(iss, client_id, iat, ttl, jti)
        }
    }

    /// The userid this token acts for: `sub` of a user token, `None` for a generic token.
    #[must_use]
    pub fn userid(&self) -> Option<&str> {
        if self.user_token {
            self.sub.as_deref()
        } else {
            None
        }
    }

    /// The JSON text shared by the CLI, the C and Python bindings and the test
    /// vectors: compact, every member present, in this fixed order, `null` when absent.
    ///
    /// ```
    /// use airisk_auth::token::Claims;
    /// let c = Claims::generic("https://airisk.example", "abc123", 1_000, 60, "j");
    /// assert_eq!(c.to_json(), r#"{"iss":"https://airisk.example","sub":"abc123","aud":[],"client_id":"abc123","user_token":false,"company_id":null,"iat":1000,"nbf":null,"exp":1060,"jti":"j"}"#);
    /// ```
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads the JSON text of [`Claims::to_json`] (absent optional members allowed).
    ///
    /// # Errors
    /// [`Error::InvalidClaims`] for anything else.
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|_| Error::InvalidClaims)
    }

    /// The scope names, in order.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        scope_names(self.scope.as_deref().unwrap_or_default())
    }

    /// Whether the claims grant every scope in `required` (true for none).
    #[must_use]
    pub fn has_scopes(&self, required: &[&str]) -> bool {
        super::view::has_scopes(self.scope.as_deref(), required)
    }

    pub(super) fn check_mintable(&self) -> Result<()> {
        let dates = [self.iat, self.nbf, Some(self.exp)];
        if dates.iter().flatten().any(|&d| d > MAX_NUMERIC_DATE)
            || self.iat.is_some_and(|iat| iat >= self.exp)
            || self.nbf.is_some_and(|nbf| nbf >= self.exp)
            || (self.user_token && self.sub.as_deref().is_none_or(str::is_empty))
        {
            return Err(Error::InvalidClaims);
        }
        self.check_custom()
    }

    fn check_custom(&self) -> Result<()> {
        check_custom_claims(&self.custom)
    }

    /// The token payload: absent members omitted, custom members last.
    pub(super) fn payload_json(&self) -> Result<Vec<u8>> {
        let out = ClaimsOut {
            iss: &self.iss,
            sub: self.sub.as_deref(),
            aud: match self.aud.as_slice() {
                [] => None,
                [one] => Some(AudOut::One(one)),
                many => Some(AudOut::Many(many)),
            },
            client_id: self.client_id.as_deref(),
            user_token: self.user_token,
            company_id: self.company_id.as_deref(),
            iat: self.iat,
            nbf: self.nbf,
            exp: self.exp,
            jti: self.jti.as_deref(),
            scope: self.scope.as_deref(),
            custom: &self.custom,
        };
        // Our claims without custom members are ~150-250 bytes: one allocation.
        let mut payload = Vec::with_capacity(256);
        serde_json::to_writer(&mut payload, &out).map_err(|_| Error::InvalidClaims)?;
        Ok(payload)
    }
}

/// Checks custom claims before they are minted (or carried in a code): no
/// reserved or empty name, at most [`MAX_CUSTOM_CLAIMS_LEN`] bytes of JSON.
///
/// # Errors
/// [`Error::InvalidClaims`].
pub(crate) fn check_custom_claims(custom: &CustomClaims) -> Result<()> {
    if custom.is_empty() {
        return Ok(());
    }
    if custom
        .keys()
        .any(|name| name.is_empty() || RESERVED_CLAIM_NAMES.contains(&name.as_str()))
    {
        return Err(Error::InvalidClaims);
    }
    let mut counter = ByteCounter(0);
    serde_json::to_writer(&mut counter, custom).map_err(|_| Error::InvalidClaims)?;
    if counter.0 > MAX_CUSTOM_CLAIMS_LEN {
        return Err(Error::InvalidClaims);
    }
    Ok(())
}

/// Counts the bytes written to it.
struct ByteCounter(usize);

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 = self.0.saturating_add(buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(serde::Serialize)]
struct ClaimsOut<'a> {
    iss: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<AudOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<&'a str>,
    user_token: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nbf: Option<u64>,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    jti: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
    #[serde(flatten)]
    custom: &'a CustomClaims,
}

#[derive(serde::Serialize)]
#[serde(untagged)]
enum AudOut<'a> {
    One(&'a str),
    Many(&'a [String]),
}
