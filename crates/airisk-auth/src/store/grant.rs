//! Grants and the in-memory table of revoked ones.

use std::collections::HashMap;

/// A grant: a client's access on behalf of one user, or its generic access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Grant<'a> {
    /// The client the grant was given to.
    pub client_id: &'a str,
    /// The user who gave it, or `None` for the client's generic grant.
    pub userid: Option<&'a str>,
}

impl<'a> Grant<'a> {
    /// The grant of `client_id` on behalf of `userid` (`None`: its generic grant).
    #[must_use]
    pub const fn new(client_id: &'a str, userid: Option<&'a str>) -> Self {
        Grant { client_id, userid }
    }
}

/// What [`super::Store::is_refused`] needs of a token, code or refresh token.
///
/// A `jti` of the form `{family}.{generation}` (an access token minted by a
/// refresh, see [`crate::refresh`]) is refused also when its family is revoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Issued<'a> {
    /// Its own id (`jti`), if it has one that can be revoked on its own.
    pub jti: Option<&'a str>,
    /// The grant it was issued under, if known.
    pub grant: Option<Grant<'a>>,
    /// When it was issued (`iat`), if known.
    pub issued_at: Option<u64>,
}

impl<'a> Issued<'a> {
    /// Something with id `jti` issued at `issued_at` under `grant`.
    #[must_use]
    pub const fn new(
        jti: Option<&'a str>,
        grant: Option<Grant<'a>>,
        issued_at: Option<u64>,
    ) -> Self {
        Issued {
            jti,
            grant,
            issued_at,
        }
    }

    /// Whether a grant revoked with "not before" time `not_before` refuses
    /// this: issued at or before that second, or of unknown issue time.
    #[must_use]
    pub fn predates(&self, not_before: u64) -> bool {
        self.issued_at.is_none_or(|iat| iat <= not_before)
    }
}

/// Revoked grants by client, looked up without allocating.
#[derive(Default)]
pub(super) struct Grants {
    by_client: HashMap<Box<str>, ClientGrants>,
    len: usize,
}

/// One client's revoked grants: `(not_before, until)` each.
#[derive(Default)]
struct ClientGrants {
    generic: Option<(u64, u64)>,
    users: HashMap<Box<str>, Option<(u64, u64)>>,
}

impl Grants {
    /// The number of grants held.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// `(not_before, until)` of `grant`, if it was revoked.
    pub(super) fn get(&self, grant: &Grant<'_>) -> Option<(u64, u64)> {
        let client = self.by_client.get(grant.client_id)?;
        match grant.userid {
            None => client.generic,
            Some(userid) => client.users.get(userid).copied().flatten(),
        }
    }

    /// Records a revocation, never moving either time back.
    pub(super) fn insert(&mut self, grant: &Grant<'_>, not_before: u64, until: u64) {
        let client = self.by_client.entry(grant.client_id.into()).or_default();
        let slot = match grant.userid {
            None => &mut client.generic,
            Some(userid) => client.users.entry(userid.into()).or_default(),
        };
        if slot.is_none() {
            self.len += 1;
        }
        *slot = Some(slot.map_or((not_before, until), |(nb, u)| {
            (nb.max(not_before), u.max(until))
        }));
    }

    /// Forgets every revocation whose `until` has passed.
    pub(super) fn forget_expired(&mut self, now: u64) {
        let mut len = 0;
        self.by_client.retain(|_, c| {
            c.generic = c.generic.filter(|&(_, until)| until > now);
            c.users
                .retain(|_, slot| slot.is_some_and(|(_, until)| until > now));
            len += c.users.len() + usize::from(c.generic.is_some());
            c.generic.is_some() || !c.users.is_empty()
        });
        self.len = len;
    }
}
