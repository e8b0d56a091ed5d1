//! Consent: a validated authorization request waits for the user's decision,
//! possibly across requests as a sealed ticket.
//!
//! # Decisions
//! - [`Issuer::validate_authorization`] gives a [`PendingAuthorization`];
//!   [`Issuer::approve_at`] answers it with the code redirect,
//!   [`Issuer::deny`] with `error=access_denied` (and `state`). The one-call
//!   [`Issuer::authorize`] is "validate and approve", AIRisk's default.
//! - A host that renders a login or consent page seals the pending request
//!   into a ticket ([`Issuer::seal_at`]) and puts it in the page (a hidden form
//!   field); the page's POST gives it back to [`Issuer::open_ticket_at`]. No
//!   server-side session is needed.
//! - A ticket is base64url of: version (1) · expiry (8, Unix seconds) · random
//!   id (16) · the fields (client, redirect URI, userid, state, PKCE challenge,
//!   granted scope;
//!   each a presence byte and a u16 length) · HMAC-SHA256 (32) over all of it
//!   under the issuer's code key, domain-separated from codes. It is
//!   tamper-proof, not secret: it holds only what the browser's query held.
//! - A ticket lives [`IssuerConfig::ticket_ttl`](super::IssuerConfig) seconds
//!   (default 600: time to log in) and opens once: its id is redeemed in the
//!   issuer's store like a code id (a store that cannot answer: 503). It is
//!   bounded ([`MAX_TICKET_LEN`]) before it is decoded. On opening, the client
//!   and its redirect URI are checked against the registry again.
//! - A ticket that is malformed, forged, used or expired is a 400 problem
//!   (`invalid_request`): it cannot be trusted to say where to redirect.
//! - The host may add custom claims when it approves
//!   ([`Issuer::approve_with_claims_at`]): a JSON object of at most
//!   [`MAX_CUSTOM_CLAIMS_LEN`](crate::token::MAX_CUSTOM_CLAIMS_LEN) bytes,
//!   no name of [`RESERVED_CLAIM_NAMES`](crate::token::RESERVED_CLAIM_NAMES)
//!   (the registered claims are the issuer's alone). They travel in the code
//!   (tamper-proof, readable: see [`crate::code`]) into the token. Claims that
//!   break those rules are the host's mistake, refused at once as
//!   [`Error::InvalidClaims`], never sent to the client.

use super::answer::authorize_error;
use super::authorize::{error_redirect, redirect_with};
use super::response::{server_status, Response};
use super::Issuer;
use crate::code::{CodeBinding, CodeId};
use crate::encoding::{b64_decode, b64_encode};
use crate::error::{Error, Result};
use crate::store::Redemption;
use crate::token::{check_custom_claims, CustomClaims};
use ring::hmac;

/// The longest ticket accepted, in characters; a longer one is not decoded.
pub const MAX_TICKET_LEN: usize = 8 * 1024;

const TICKET_VERSION: u8 = 2;
const TICKET_DOMAIN: &[u8] = b"airisk-auth ticket v2\0";
const HEAD_LEN: usize = 1 + 8 + 16;
const MAC_LEN: usize = 32;

/// A validated authorization request, waiting for the user's decision: what
/// a consent page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingAuthorization {
    pub(super) client_id: String,
    pub(super) redirect_uri: String,
    pub(super) userid: Option<String>,
    pub(super) state: Option<String>,
    pub(super) code_challenge: Option<String>,
    /// The granted scope (space-separated), if the client uses scopes.
    pub(super) scope: Option<String>,
}

impl PendingAuthorization {
    /// The client asking (AIRisk's APIUser).
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Where the answer will be sent (validated against the registry).
    #[must_use]
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The user the token would act for, or `None` for a generic token.
    #[must_use]
    pub fn userid(&self) -> Option<&str> {
        self.userid.as_deref()
    }

    /// The client's `state`, returned unmodified with the answer.
    #[must_use]
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }

    /// Whether the code will be bound to a PKCE challenge.
    #[must_use]
    pub fn uses_pkce(&self) -> bool {
        self.code_challenge.is_some()
    }

    /// The scope the token will carry (space-separated names), if any: the
    /// requested one once checked against the registry, or the client's default.
    #[must_use]
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// The scope names the token will carry, in order.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope
            .as_deref()
            .unwrap_or_default()
            .split(' ')
            .filter(|s| !s.is_empty())
    }
}

impl Issuer {
    /// Approves `pending` (at the clock's time): `302` to its redirect URI with a code.
    #[must_use]
    pub fn approve(&self, pending: &PendingAuthorization) -> Response {
        self.approve_at(pending, self.clock.now())
    }

    /// Approves `pending` at `now`.
    #[must_use]
    pub fn approve_at(&self, pending: &PendingAuthorization, now: u64) -> Response {
        self.approve_carrying(pending, None, now)
    }

    /// Approves `pending` (at the clock's time), the token to carry `claims`
    /// beside the registered ones; see [`Issuer::approve_with_claims_at`].
    ///
    /// # Errors
    /// [`Error::InvalidClaims`] for a reserved name or claims over the bound.
    pub fn approve_with_claims(
        &self,
        pending: &PendingAuthorization,
        claims: &CustomClaims,
    ) -> Result<Response> {
        self.approve_with_claims_at(pending, claims, self.clock.now())
    }

    /// Approves `pending` at `now`, the token to carry the custom `claims`
    /// (see the module's decisions).
    ///
    /// ```
    /// # use airisk_auth::prelude::*; use std::sync::Arc;
    /// use airisk_auth::token::CustomClaims;
    /// # let mut registry = MemoryRegistry::new();
    /// # registry.add_client(Client::new("abc123", "s3cret", "https://localhost/callback")?)?;
    /// # let keys = Arc::new(KeySet::single(Key::generate_hs256("k1")?)?);
    /// # let issuer = Issuer::new(IssuerConfig::new("https://airisk.example"), keys, CodeKey::generate()?, Arc::new(registry), Arc::new(MemoryStore::default()))?;
    /// let pending = issuer.validate_authorization("client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback").unwrap();
    /// let mut claims = CustomClaims::new();
    /// claims.insert("role".into(), "admin".into());
    /// assert_eq!(issuer.approve_with_claims_at(&pending, &claims, 1_000)?.status, 302);
    /// claims.insert("sub".into(), "someone-else".into());
    /// assert_eq!(issuer.approve_with_claims_at(&pending, &claims, 1_000).unwrap_err(), Error::InvalidClaims);
    /// # Ok::<(), airisk_auth::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidClaims`] for a reserved or empty name, or claims over
    /// [`MAX_CUSTOM_CLAIMS_LEN`](crate::token::MAX_CUSTOM_CLAIMS_LEN) bytes of JSON.
    pub fn approve_with_claims_at(
        &self,
        pending: &PendingAuthorization,
        claims: &CustomClaims,
        now: u64,
    ) -> Result<Response> {
        if claims.is_empty() {
            return Ok(self.approve_at(pending, now));
        }
        check_custom_claims(claims)?;
        let json = serde_json::to_string(claims).map_err(|_| Error::InvalidClaims)?;
        Ok(self.approve_carrying(pending, Some(&json), now))
    }

    fn approve_carrying(
        &self,
        pending: &PendingAuthorization,
        claims: Option<&str>,
        now: u64,
    ) -> Response {
        let binding = CodeBinding::new(
            &pending.client_id,
            &pending.redirect_uri,
            pending.userid.as_deref(),
            pending.code_challenge.as_deref(),
        )
        .with_scope(pending.scope.as_deref())
        .with_claims(claims);
        match self
            .code_key
            .issue_with(&binding, now, self.config.code_ttl, &*self.random)
        {
            Ok(issued) => redirect_with(
                &pending.redirect_uri,
                &[("code", &issued.code)],
                pending.state.as_deref(),
                None,
            ),
            Err(e) => error_redirect(&pending.redirect_uri, pending.state.as_deref(), e),
        }
    }

    /// Denies `pending`: `302` to its redirect URI with `error=access_denied` and `state`.
    #[must_use]
    pub fn deny(&self, pending: &PendingAuthorization) -> Response {
        error_redirect(
            &pending.redirect_uri,
            pending.state.as_deref(),
            Error::AccessDenied,
        )
    }

    /// Seals `pending` into a ticket (at the clock's time); see the module docs.
    ///
    /// # Errors
    /// [`Error::RandomFailure`]; [`Error::InvalidConfiguration`] if the expiry overflows.
    pub fn seal(&self, pending: &PendingAuthorization) -> Result<String> {
        self.seal_at(pending, self.clock.now())
    }

    /// Seals `pending` into a ticket valid from `now` for the configured ticket lifetime.
    ///
    /// # Errors
    /// [`Error::RandomFailure`]; [`Error::InvalidConfiguration`] if the expiry overflows.
    pub fn seal_at(&self, pending: &PendingAuthorization, now: u64) -> Result<String> {
        let expires_at = now
            .checked_add(self.config.ticket_ttl)
            .ok_or(Error::InvalidConfiguration)?;
        let mut id = [0u8; 16];
        self.random.fill(&mut id)?;
        let mut raw = Vec::with_capacity(HEAD_LEN + 5 * 3 + MAC_LEN + 512);
        raw.push(TICKET_VERSION);
        raw.extend_from_slice(&expires_at.to_be_bytes());
        raw.extend_from_slice(&id);
        for field in [
            Some(pending.client_id.as_str()),
            Some(pending.redirect_uri.as_str()),
            pending.userid.as_deref(),
            pending.state.as_deref(),
            pending.code_challenge.as_deref(),
            pending.scope.as_deref(),
        ] {
            push_field(&mut raw, field)?;
        }
        let mac = hmac::sign(&self.ticket_key(), &[TICKET_DOMAIN, &raw].concat());
        raw.extend_from_slice(mac.as_ref());
        Ok(b64_encode(&raw))
    }

    /// Opens a ticket (at the clock's time) once; see [`Issuer::open_ticket_at`].
    ///
    /// # Errors
    /// The answer to send instead.
    #[allow(clippy::result_large_err)]
    pub fn open_ticket(
        &self,
        ticket: &str,
    ) -> core::result::Result<PendingAuthorization, Response> {
        self.open_ticket_at(ticket, self.clock.now())
    }

    /// Opens a ticket at `now`: checks its MAC and expiry, uses it up, and
    /// checks its client and redirect URI against the registry again.
    ///
    /// # Errors
    /// The answer to send instead: a 400 problem for a ticket that is
    /// malformed, forged, expired or already used; 401 when its client or
    /// redirect URI is no longer registered; 503 when the store cannot answer.
    #[allow(clippy::result_large_err)]
    pub fn open_ticket_at(
        &self,
        ticket: &str,
        now: u64,
    ) -> core::result::Result<PendingAuthorization, Response> {
        let refuse = |e: Error| {
            let status = match e {
                Error::InvalidTicket | Error::TicketExpired => 400,
                Error::UnknownClient | Error::InvalidRedirectUri => 401,
                other => server_status(other),
            };
            Response::problem(status, e, authorize_error(status), &*self.random)
        };
        let (pending, id, expires_at) = self.unseal(ticket, now).map_err(refuse)?;
        match self
            .store
            .redeem(&CodeId(id), expires_at, now)
            .map_err(refuse)?
        {
            Redemption::First => {}
            Redemption::Replayed => return Err(refuse(Error::InvalidTicket)),
        }
        let client = self
            .registry
            .client(&pending.client_id)
            .map_err(refuse)?
            .ok_or_else(|| refuse(Error::UnknownClient))?;
        if !client.allows_redirect_uri(&pending.redirect_uri) {
            return Err(refuse(Error::InvalidRedirectUri));
        }
        Ok(pending)
    }

    fn ticket_key(&self) -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, self.code_key.secret_bytes())
    }

    /// Checks and decodes a ticket (without using it up).
    fn unseal(&self, ticket: &str, now: u64) -> Result<(PendingAuthorization, [u8; 16], u64)> {
        let bad = Error::InvalidTicket;
        if ticket.len() > MAX_TICKET_LEN {
            return Err(bad);
        }
        let raw = b64_decode(ticket.as_bytes()).ok_or(bad)?;
        if raw.len() < HEAD_LEN + MAC_LEN {
            return Err(bad);
        }
        let (body, mac) = raw.split_at(raw.len() - MAC_LEN);
        hmac::verify(&self.ticket_key(), &[TICKET_DOMAIN, body].concat(), mac).map_err(|_| bad)?;
        if body[0] != TICKET_VERSION {
            return Err(bad);
        }
        let mut expiry = [0u8; 8];
        expiry.copy_from_slice(&body[1..9]);
        let expires_at = u64::from_be_bytes(expiry);
        let mut id = [0u8; 16];
        id.copy_from_slice(&body[9..HEAD_LEN]);
        let mut rest = &body[HEAD_LEN..];
        let mut next = || take_field(&mut rest);
        let (client_id, redirect_uri) = (next()?.ok_or(bad)?, next()?.ok_or(bad)?);
        let (userid, state, code_challenge, scope) = (next()?, next()?, next()?, next()?);
        if !rest.is_empty() {
            return Err(bad);
        }
        if now >= expires_at {
            return Err(Error::TicketExpired);
        }
        let pending = PendingAuthorization {
            client_id,
            redirect_uri,
            userid,
            state,
            code_challenge,
            scope,
        };
        Ok((pending, id, expires_at))
    }
}

fn push_field(raw: &mut Vec<u8>, field: Option<&str>) -> Result<()> {
    match field {
        None => raw.push(0),
        Some(text) => {
            let len = u16::try_from(text.len()).map_err(|_| Error::RequestTooLarge)?;
            raw.push(1);
            raw.extend_from_slice(&len.to_be_bytes());
            raw.extend_from_slice(text.as_bytes());
        }
    }
    Ok(())
}

fn take_field(rest: &mut &[u8]) -> Result<Option<String>> {
    let bad = Error::InvalidTicket;
    let (&tag, after) = rest.split_first().ok_or(bad)?;
    *rest = after;
    match tag {
        0 => Ok(None),
        1 => {
            let len = rest.get(..2).ok_or(bad)?;
            let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
            let text = rest.get(2..2 + len).ok_or(bad)?;
            let text = core::str::from_utf8(text).map_err(|_| bad)?.to_owned();
            *rest = &rest[2 + len..];
            Ok(Some(text))
        }
        _ => Err(bad),
    }
}
