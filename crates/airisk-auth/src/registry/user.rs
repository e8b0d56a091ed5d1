//! Users (AIRisk's ApplicationUser).

use super::check_id;
use crate::error::{Error, Result};
use crate::scope::ScopeList;

/// A platform user: AIRisk's ApplicationUser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub(super) userid: String,
    pub(super) company_id: Option<String>,
    /// The scopes the user's tokens may carry (`None`: the user does not limit them).
    pub(super) scopes: Option<ScopeList>,
}

impl User {
    /// A user with an optional company.
    ///
    /// # Errors
    /// [`Error::InvalidRegistry`] for an empty, over-long or control-character id.
    pub fn new(userid: &str, company_id: Option<&str>) -> Result<Self> {
        check_id(userid).map_err(|_| Error::InvalidRegistry)?;
        if let Some(c) = company_id {
            check_id(c).map_err(|_| Error::InvalidRegistry)?;
        }
        Ok(User {
            userid: userid.to_owned(),
            company_id: company_id.map(str::to_owned),
            scopes: None,
        })
    }

    /// Limits the user's tokens to `scopes` (see [`crate::scope`]).
    ///
    /// # Errors
    /// [`Error::InvalidRegistry`] for a malformed or repeated name, or more than [`crate::scope::MAX_SCOPES`].
    pub fn with_scopes<S: AsRef<str>>(mut self, scopes: &[S]) -> Result<Self> {
        self.scopes = Some(ScopeList::new(scopes).map_err(|_| Error::InvalidRegistry)?);
        Ok(self)
    }

    /// The scopes the user's tokens may carry, if the user limits them.
    #[must_use]
    pub fn scopes(&self) -> Option<&ScopeList> {
        self.scopes.as_ref()
    }

    /// The userid.
    #[must_use]
    pub fn userid(&self) -> &str {
        &self.userid
    }

    /// The company id, if any.
    #[must_use]
    pub fn company_id(&self) -> Option<&str> {
        self.company_id.as_deref()
    }
}
