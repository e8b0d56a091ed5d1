//! Scopes (RFC 6749 §3.3): what a token may be used for.
//!
//! # Decisions
//! - A scope name is 1 to [`MAX_SCOPE_NAME_LEN`] bytes of RFC 6749 §3.3's
//!   `scope-token` characters (printable ASCII but space, `"` and `\`), so a
//!   scope is written into JSON and headers without escaping.
//! - The `scope` parameter at authorize is bounded ([`MAX_SCOPE_LEN`] bytes,
//!   checked before it is split, then [`MAX_SCOPES`] names). Names are
//!   separated by single spaces; an empty name (two spaces, a leading or a
//!   trailing one), a bad character or more names than the bound is
//!   `invalid_scope`. A name repeated counts once; the granted scope keeps the
//!   order of the request.
//! - The registry says which scopes a client may ask for (`scopes`) and which
//!   it gets when it sends none (`default_scopes`, a subset of `scopes`; none
//!   by default). A user may be limited too (a user's `scopes`): a user token
//!   then gets only scopes both grant. A requested scope outside either is
//!   `invalid_scope` (the whole request is refused, never narrowed silently,
//!   so a client learns at once that it asked for too much); the default set
//!   is narrowed to what the user holds, as nobody asked for it by name.
//! - A client without registered scopes uses none: any `scope` it sends is
//!   `invalid_scope`, and its tokens and token responses carry no scope, as
//!   before scopes existed (the AIRisk answers stay byte for byte).
//! - The granted scope is bound into the code (and a consent ticket) and
//!   becomes the token's `scope` claim (RFC 9068 §2.2.3) and the `scope`
//!   member of the token response (RFC 6749 §5.1).
//! - A resource that requires scopes ([`crate::flow::check_bearer_with_scopes`])
//!   answers a token without them `403` with `WWW-Authenticate: Bearer
//!   error="insufficient_scope", scope="…"` naming every scope it requires
//!   (RFC 6750 §3.1).

use crate::error::{Error, Result};

/// The longest `scope` parameter accepted, in bytes: larger is refused before it is split.
pub const MAX_SCOPE_LEN: usize = 1024;
/// The most scope names one request, client or user may hold.
pub const MAX_SCOPES: usize = 32;
/// The longest scope name, in bytes.
pub const MAX_SCOPE_NAME_LEN: usize = 128;

/// Whether `name` is a scope name: 1 to [`MAX_SCOPE_NAME_LEN`] bytes of
/// `%x21 / %x23-5B / %x5D-7E` (RFC 6749 §3.3).
///
/// ```
/// use airisk_auth::scope::is_valid_scope_name;
/// assert!(is_valid_scope_name("read:risk"));
/// assert!(!is_valid_scope_name("read risk"));
/// assert!(!is_valid_scope_name("say\"hi"));
/// assert!(!is_valid_scope_name(""));
/// ```
#[must_use]
pub fn is_valid_scope_name(name: &str) -> bool {
    (1..=MAX_SCOPE_NAME_LEN).contains(&name.len())
        && name
            .bytes()
            .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}

/// The names of a `scope` parameter: split on single spaces, each checked, a
/// repeated one kept once, in order.
///
/// ```
/// use airisk_auth::scope::parse_scope;
/// assert_eq!(parse_scope("read write read")?, vec!["read", "write"]);
/// assert!(parse_scope("read  write").is_err());
/// # Ok::<(), airisk_auth::Error>(())
/// ```
///
/// # Errors
/// [`Error::RequestTooLarge`] over [`MAX_SCOPE_LEN`] bytes (before anything
/// else is read); [`Error::InvalidScope`] for an empty or malformed name, or
/// more than [`MAX_SCOPES`] names.
pub fn parse_scope(scope: &str) -> Result<Vec<&str>> {
    if scope.len() > MAX_SCOPE_LEN {
        return Err(Error::RequestTooLarge);
    }
    let mut names: Vec<&str> = Vec::new();
    for name in scope.split(' ') {
        if !is_valid_scope_name(name) {
            return Err(Error::InvalidScope);
        }
        if !names.contains(&name) {
            if names.len() == MAX_SCOPES {
                return Err(Error::InvalidScope);
            }
            names.push(name);
        }
    }
    Ok(names)
}

/// A checked list of scope names (a client's or a user's): each valid, none
/// repeated, at most [`MAX_SCOPES`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeList(Vec<String>);

impl ScopeList {
    /// A list from `names`.
    ///
    /// # Errors
    /// [`Error::InvalidScope`] for a malformed or repeated name, or more than [`MAX_SCOPES`].
    pub fn new<S: AsRef<str>>(names: &[S]) -> Result<Self> {
        if names.len() > MAX_SCOPES {
            return Err(Error::InvalidScope);
        }
        let mut list = Vec::with_capacity(names.len());
        for name in names.iter().map(AsRef::as_ref) {
            if !is_valid_scope_name(name) || list.iter().any(|n: &String| n == name) {
                return Err(Error::InvalidScope);
            }
            list.push(name.to_owned());
        }
        Ok(ScopeList(list))
    }

    /// Whether `name` is in the list.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|n| n == name)
    }

    /// The names, in order.
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.0
    }

    /// Whether the list is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The scope to grant: the `requested` names (`None`: the client's default
/// set) checked against the client's `granted` and the user's `user_limit`
/// (`None`: the user does not limit); see the module's decisions. `None` when
/// the result is empty.
pub(crate) fn grant(
    requested: Option<&[&str]>,
    granted: &ScopeList,
    defaults: &ScopeList,
    user_limit: Option<&ScopeList>,
) -> Result<Option<String>> {
    let allowed = |name: &str| user_limit.is_none_or(|u| u.contains(name));
    let names: Vec<&str> = match requested {
        Some(names) => {
            if names.iter().any(|n| !granted.contains(n) || !allowed(n)) {
                return Err(Error::InvalidScope);
            }
            names.to_vec()
        }
        None => defaults
            .names()
            .iter()
            .map(String::as_str)
            .filter(|n| allowed(n))
            .collect(),
    };
    Ok((!names.is_empty()).then(|| names.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_is_strict_and_bounded() {
        assert_eq!(parse_scope("a"), Ok(vec!["a"]));
        for bad in ["", " a", "a ", "a  b", "a\tb", "é", "a\"b", "a\\b"] {
            assert_eq!(parse_scope(bad), Err(Error::InvalidScope), "{bad:?}");
        }
        let names: Vec<String> = (0..=MAX_SCOPES).map(|i| format!("s{i}")).collect();
        assert_eq!(parse_scope(&names.join(" ")), Err(Error::InvalidScope));
        assert_eq!(
            parse_scope(&names[..MAX_SCOPES].join(" ")).map(|n| n.len()),
            Ok(MAX_SCOPES)
        );
        // 10,000 names never get split: the length bound comes first.
        let flood = vec!["a"; 10_000].join(" ");
        assert_eq!(parse_scope(&flood), Err(Error::RequestTooLarge));
        // Repeats count once, even past the bound.
        assert_eq!(parse_scope(&vec!["a"; 40].join(" ")), Ok(vec!["a"]));
    }

    #[test]
    fn grant_checks_client_and_user() {
        let client = ScopeList::new(&["read", "write", "admin"]).unwrap();
        let defaults = ScopeList::new(&["read", "write"]).unwrap();
        let user = ScopeList::new(&["read"]).unwrap();
        assert_eq!(
            grant(Some(&["write", "read"]), &client, &defaults, None),
            Ok(Some("write read".into()))
        );
        assert_eq!(
            grant(Some(&["nope"]), &client, &defaults, None),
            Err(Error::InvalidScope)
        );
        assert_eq!(
            grant(Some(&["write"]), &client, &defaults, Some(&user)),
            Err(Error::InvalidScope)
        );
        assert_eq!(
            grant(None, &client, &defaults, Some(&user)),
            Ok(Some("read".into()))
        );
        assert_eq!(grant(None, &client, &ScopeList::default(), None), Ok(None));
        assert!(ScopeList::new(&["a", "a"]).is_err());
        assert!(ScopeList::new(&["a b"]).is_err());
    }
}
