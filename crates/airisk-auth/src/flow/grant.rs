//! Grant revocation: the host's "connected apps" page withdraws a consent.
//!
//! [`Issuer::revoke_grant`] records a "not before" time for the pair
//! (client, userid) — or (client, generic) — in the issuer's store;
//! from then on every access token, refresh token and authorization code of that grant
//! issued at or before that second is refused, by this issuer's verifiers and
//! by every process sharing the store (see [`crate::store`] for the
//! decisions). A new consent (a new code) issues tokens that work again.

use super::Issuer;
use crate::error::Result;
use crate::store::Grant;
use crate::token::MAX_LEEWAY;

impl Issuer {
    /// Revokes the grant of `client_id` on behalf of `userid` (or its generic
    /// grant for `None`) at the clock's time.
    ///
    /// # Errors
    /// [`Error::LedgerFull`](crate::Error::LedgerFull) or
    /// [`Error::LedgerUnavailable`](crate::Error::LedgerUnavailable): nothing
    /// was revoked, and the host must say so rather than report success.
    pub fn revoke_grant(&self, client_id: &str, userid: Option<&str>) -> Result<()> {
        self.revoke_grant_at(client_id, userid, self.clock.now())
    }

    /// [`Issuer::revoke_grant`] at `now`.
    ///
    /// # Errors
    /// As [`Issuer::revoke_grant`].
    pub fn revoke_grant_at(&self, client_id: &str, userid: Option<&str>, now: u64) -> Result<()> {
        let grant = Grant::new(client_id, userid);
        self.store
            .revoke_grant(&grant, now, self.grant_revocation_until(now), now)
    }

    /// How long a grant revocation at `now` must be remembered: until every
    /// access token, code or refresh token issued at or before `now` has
    /// expired, with the largest leeway a verifier may grant.
    fn grant_revocation_until(&self, now: u64) -> u64 {
        let longest = self
            .config
            .token_ttl
            .max(self.config.code_ttl)
            .max(self.config.refresh.idle);
        now.saturating_add(longest).saturating_add(MAX_LEEWAY)
    }
}
