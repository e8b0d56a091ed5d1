//! What a verifier accepts: the [`Policy`].

use super::{
    DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_LEN, MAX_LEEWAY, MAX_MAX_TOKEN_LEN, MIN_MAX_TOKEN_LEN,
};
use crate::diagnostic::SettingError;

/// What a verifier accepts. Built once and reused.
///
/// ```
/// use airisk_auth::token::Policy;
/// let policy = Policy::new("https://airisk.example")
///     .with_audience("airisk-api")
///     .with_leeway(10)?
///     .require_user(true);
/// assert_eq!(policy.leeway(), 10);
/// # Ok::<(), airisk_auth::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    pub(super) issuer: String,
    pub(super) audience: Option<String>,
    pub(super) leeway: u64,
    pub(super) max_token_len: usize,
    pub(super) require_user: bool,
    pub(super) require_access_claims: bool,
}

impl Policy {
    /// A strict policy for tokens issued by `issuer`.
    #[must_use]
    pub fn new(issuer: &str) -> Self {
        Policy {
            issuer: issuer.to_owned(),
            audience: None,
            leeway: DEFAULT_LEEWAY,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            require_user: false,
            require_access_claims: true,
        }
    }

    /// Requires `aud` to contain `audience`.
    #[must_use]
    pub fn with_audience(mut self, audience: &str) -> Self {
        self.audience = Some(audience.to_owned());
        self
    }

    /// Sets the clock-skew allowance.
    ///
    /// # Errors
    /// A [`SettingError`] naming `leeway` above [`MAX_LEEWAY`] (it converts
    /// into [`crate::Error::InvalidConfiguration`]).
    pub fn with_leeway(mut self, seconds: u64) -> Result<Self, SettingError> {
        if seconds > MAX_LEEWAY {
            return Err(SettingError::range("leeway", 0, MAX_LEEWAY));
        }
        self.leeway = seconds;
        Ok(self)
    }

    /// Sets the maximum token length, checked before any decoding.
    ///
    /// # Errors
    /// A [`SettingError`] naming `max_token_len` outside
    /// [`MIN_MAX_TOKEN_LEN`]..=[`MAX_MAX_TOKEN_LEN`] (it converts into
    /// [`crate::Error::InvalidConfiguration`]).
    pub fn with_max_token_len(mut self, bytes: usize) -> Result<Self, SettingError> {
        if !(MIN_MAX_TOKEN_LEN..=MAX_MAX_TOKEN_LEN).contains(&bytes) {
            return Err(SettingError::range(
                "max_token_len",
                u64::try_from(MIN_MAX_TOKEN_LEN).unwrap_or(u64::MAX),
                u64::try_from(MAX_MAX_TOKEN_LEN).unwrap_or(u64::MAX),
            ));
        }
        self.max_token_len = bytes;
        Ok(self)
    }

    /// Whether only user-specific tokens are accepted.
    #[must_use]
    pub fn require_user(mut self, required: bool) -> Self {
        self.require_user = required;
        self
    }

    /// Whether `sub`, `client_id`, `iat`, `jti` and `user_token` must be present
    /// (the default). Turn off only to verify plain JWTs from other issuers.
    #[must_use]
    pub fn require_access_token_claims(mut self, required: bool) -> Self {
        self.require_access_claims = required;
        self
    }

    /// The expected issuer.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// The expected audience, if any.
    #[must_use]
    pub fn audience(&self) -> Option<&str> {
        self.audience.as_deref()
    }
    /// The leeway in seconds.
    #[must_use]
    pub fn leeway(&self) -> u64 {
        self.leeway
    }
    /// The maximum token length in bytes.
    #[must_use]
    pub fn max_token_len(&self) -> usize {
        self.max_token_len
    }
    /// Whether a user token is required.
    #[must_use]
    pub fn requires_user(&self) -> bool {
        self.require_user
    }
    /// Whether the access-token claims must be present.
    #[must_use]
    pub fn requires_access_token_claims(&self) -> bool {
        self.require_access_claims
    }
}
