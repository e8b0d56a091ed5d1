//! Users (AIRisk's ApplicationUser).

use super::check_id;
use crate::error::{Error, Result};

/// A platform user: AIRisk's ApplicationUser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub(super) userid: String,
    pub(super) company_id: Option<String>,
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
        })
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
