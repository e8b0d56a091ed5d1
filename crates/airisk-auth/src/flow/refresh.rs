//! `grant_type=refresh_token` at the token endpoint (RFC 6749 §6), with
//! rotation and reuse detection (RFC 9700 §4.14.2).
//!
//! # Answers
//! | case | status | body |
//! |---|---|---|
//! | success | 200 | as for a code, with a **new** `refresh_token` |
//! | `refresh_token` missing | 400 | `Invalid refresh_token` |
//! | unknown, expired, used (a replay), another client's, revoked (family or grant), user gone | 400 | `Invalid refresh_token` |
//! | `scope` wider than the grant's | 400 | `Invalid scope` |
//! | client authentication fails | as for a code | |
//! | store full or unreachable | 503 | problem+json |
//!
//! # Decisions
//! - Rotation is always on: each use consumes the presented token and issues
//!   a new one of the same family, bound to the same client, user, company
//!   and scope, ending no later than the family's absolute lifetime.
//! - A replay (a consumed token presented again), or a token presented by a
//!   client other than its own, revokes the whole family: its refresh tokens
//!   and every access token issued beside them (their `jti` is
//!   `{family}.{generation}`, see [`crate::refresh`]). Either means the token
//!   leaked; RFC 9700 §4.14.2 asks for exactly this.
//! - What refuses without a replay (another client's token, a revoked family
//!   or grant, a user gone, a scope too wide) is decided on a
//!   [`Store::refresh_peek`](crate::store::Store::refresh_peek) before the
//!   atomic [`Store::refresh_use`](crate::store::Store::refresh_use): such a
//!   token is refused without being consumed, and a family revocation by a
//!   concurrent replay — which can only follow the first use — never takes
//!   back the pair that first use earned. So of any number of concurrent
//!   presentations of one token exactly one gets a new pair (whose family the
//!   replays then revoke). Three store calls per refresh; the bearer check
//!   stays at one.
//! - `scope` may narrow the grant, never widen it; a request without `scope`
//!   keeps the grant's. The narrowed scope holds for the new access token
//!   only: the new refresh token keeps the original grant (RFC 6749 §6).
//! - The user must still be registered; a grant revoked since the presented
//!   token was issued refuses it (see [`crate::store`]).

use super::answer::{OAuthError, Refusal};
use super::params::Params;
use super::token::{token_body, Carried};
use super::Issuer;
use crate::error::Error;
use crate::refresh::{RefreshDigest, RefreshRecord, RefreshToken, RefreshUse};
use crate::registry::Client;
use crate::store::{Grant, Issued};
use crate::token::MAX_LEEWAY;

const INVALID: &str = "Invalid refresh_token";

impl Issuer {
    /// Rotates the refresh token of an authenticated `client`.
    pub(super) fn try_refresh(
        &self,
        client: &Client,
        params: &Params<'_>,
        now: u64,
    ) -> Result<String, Refusal> {
        let invalid = |e| Refusal::text(INVALID, e).with_error(OAuthError::InvalidGrant);
        let presented = params
            .get("refresh_token")
            .ok_or(invalid(Error::MissingParameter))?;
        let digest = RefreshDigest::of_presented(presented).ok_or(invalid(Error::InvalidCode))?;
        // Everything that refuses without a replay is decided on a peek,
        // before the use: a family or grant revoked earlier refuses the token
        // without consuming it, and a revocation by a concurrent replay (which
        // can only follow this caller's use) cannot take back the one pair the
        // first use earns. Of 50 concurrent presentations exactly one gets a pair.
        let record = match self
            .store
            .refresh_peek(&digest, now)
            .map_err(Refusal::server)?
        {
            RefreshUse::First(record) | RefreshUse::Replayed(record) => record,
            RefreshUse::Unknown => return Err(invalid(Error::InvalidCode)),
        };
        if record.client_id != client.client_id() {
            // Another client holds this client's token: it leaked.
            self.revoke_family(&record, now)?;
            return Err(invalid(Error::CodeAlreadyRedeemed));
        }
        let grant = Grant::new(client.client_id(), record.userid.as_deref());
        let issued = Issued::new(Some(&record.family), Some(grant), Some(record.issued_at));
        if self
            .store
            .is_refused(&issued, now)
            .map_err(Refusal::server)?
        {
            return Err(invalid(Error::TokenRevoked));
        }
        if let Some(userid) = grant.userid {
            self.registry
                .user(userid)
                .map_err(Refusal::server)?
                .ok_or(invalid(Error::UnknownUser))?;
        }
        if let Some(requested) = params.get("scope") {
            let granted = record.scope.as_deref().unwrap_or("");
            let within = requested
                .split(' ')
                .all(|s| !s.is_empty() && granted.split(' ').any(|g| g == s));
            if !within {
                return Err(Refusal::text("Invalid scope", Error::InvalidScope)
                    .with_error(OAuthError::InvalidScope));
            }
        }
        let record = match self
            .store
            .refresh_use(&digest, now)
            .map_err(Refusal::server)?
        {
            RefreshUse::First(used) if used == record => used,
            RefreshUse::First(used) | RefreshUse::Replayed(used) => {
                self.revoke_family(&used, now)?;
                return Err(invalid(Error::CodeAlreadyRedeemed));
            }
            RefreshUse::Unknown => return Err(invalid(Error::InvalidCode)),
        };
        let generation = record.generation.saturating_add(1);
        let jti = format!("{}.{generation}", record.family);
        // A narrowed scope holds for this access token only (module docs).
        // Custom claims ride on the code's token only: a refreshed token
        // carries the registered claims and the scope.
        let scope = params
            .get("scope")
            .map(str::to_owned)
            .or_else(|| record.scope.clone());
        let carried = Carried {
            scope: scope.as_deref(),
            custom: None,
        };
        let (token, exp) =
            self.mint_access(&grant, record.company_id.as_deref(), &carried, &jti, now)?;
        let next = RefreshRecord {
            generation,
            issued_at: now,
            expires_at: self.config.refresh.expires_at(record.family_started, now),
            ..record
        };
        let refresh = self.issue_refresh(&next, now)?;
        token_body(
            &token,
            exp,
            self.config.token_ttl,
            Some(&refresh),
            carried.scope,
        )
    }

    /// The first refresh token of the family `jti`, if `client` receives them.
    pub(super) fn first_refresh(
        &self,
        client: &Client,
        grant: &Grant<'_>,
        company_id: Option<&str>,
        scope: Option<&str>,
        jti: &str,
        now: u64,
    ) -> Result<Option<RefreshToken>, Refusal> {
        if !client.issues_refresh_tokens() {
            return Ok(None);
        }
        let expires_at = self.config.refresh.expires_at(now, now);
        let mut record = RefreshRecord::new(jti, grant.client_id, grant.userid, now, expires_at);
        record.company_id = company_id.map(str::to_owned);
        record.scope = scope.map(str::to_owned);
        self.issue_refresh(&record, now).map(Some)
    }

    /// A new refresh token standing for `record`, stored by its digest.
    pub(super) fn issue_refresh(
        &self,
        record: &RefreshRecord,
        now: u64,
    ) -> Result<RefreshToken, Refusal> {
        let token = RefreshToken::generate(self.random.as_ref()).map_err(Refusal::server)?;
        self.store
            .refresh_insert(&token.digest(), record, now)
            .map_err(Refusal::server)?;
        Ok(token)
    }

    /// Revokes every refresh and access token of `record`'s family.
    fn revoke_family(&self, record: &RefreshRecord, now: u64) -> Result<(), Refusal> {
        let until = self.family_revocation_until(record.family_started);
        self.store
            .revoke(&record.family, until, now)
            .map_err(Refusal::server)
    }

    /// How long a family started at `started` must stay revoked: until its
    /// last refresh token and the access token minted from it have expired.
    pub(super) fn family_revocation_until(&self, started: u64) -> u64 {
        started
            .saturating_add(self.config.refresh.absolute)
            .saturating_add(self.config.token_ttl)
            .saturating_add(MAX_LEEWAY)
    }
}
