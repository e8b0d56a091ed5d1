//! Client authentication (RFC 6749 §2.3): the one function every endpoint that
//! authenticates a client calls (token today; revocation and introspection use
//! the same).
//!
//! # Decisions
//! - Three methods: `client_secret_basic` (§2.3.1: `Authorization: Basic`
//!   with base64 of `urlencode(id) ":" urlencode(secret)`), `client_secret_post`
//!   (`client_id` and `client_secret` in the body, the AIRisk pages' form) and
//!   `none` (only `client_id`; the client must be registered for it, and PKCE
//!   S256 is then required). The registry says which a client may use.
//! - An `Authorization` header of any scheme is an authentication attempt: one
//!   that is not well-formed Basic (another scheme, not canonical padded
//!   base64, no colon, an empty id or secret, a bad percent escape or invalid
//!   UTF-8, longer than [`MAX_CLIENT_AUTHORIZATION_LEN`]) is a 401 with a
//!   `WWW-Authenticate: Basic realm="<issuer>"` challenge, as is every failed
//!   Basic attempt (§5.2). The header is bounded before it is decoded.
//! - Basic credentials together with a `client_secret` in the body is more
//!   than one method: `400 invalid_request` ("Invalid request"). A body
//!   `client_id` beside Basic is allowed (some clients send both) only when it
//!   names the same client; otherwise 401.
//! - No credentials at all: `none`. For a client not registered for it (or an
//!   unknown one) that is the AIRisk `400 Invalid client_secret`, which the
//!   pages document for a missing secret.
//! - Secrets are compared in constant time on digests; decoded credentials
//!   live in buffers wiped on drop. Brute force (rate limits, lockouts) is the
//!   host's job: the library answers each request on its own.

use super::answer::Refusal;
use super::params::{form_decode, Params};
use crate::encoding::b64_standard_decode_secret;
use crate::error::Error;
use crate::registry::{Client, ClientAuthMethod, Registry, MAX_ID_LEN, MAX_SECRET_LEN};
use std::sync::Arc;
use zeroize::Zeroizing;

/// The longest `Authorization` header read for client authentication, in
/// bytes: room for the longest id and secret, each fully percent-encoded, in
/// base64, with the scheme.
pub const MAX_CLIENT_AUTHORIZATION_LEN: usize = 6 * 1024;

/// A client that proved who it is.
#[derive(Debug)]
pub(super) struct AuthenticatedClient {
    /// The registry entry.
    pub(super) client: Arc<Client>,
    /// How it authenticated.
    pub(super) method: ClientAuthMethod,
}

/// Authenticates the client of a request from its `Authorization` header and
/// its body parameters, against `registry`.
///
/// # Errors
/// The refusal to answer with (see the module's decisions).
pub(super) fn authenticate_client(
    registry: &dyn Registry,
    authorization: Option<&str>,
    params: &Params<'_>,
) -> Result<AuthenticatedClient, Refusal> {
    let body_id = params.get("client_id");
    let body_secret = params.get("client_secret");
    let Some(header) = authorization else {
        let Some(client_id) = body_id else {
            return Err(Refusal::text("Invalid client_id", Error::MissingParameter));
        };
        return match body_secret {
            Some(secret) => check(registry, client_id, Some(secret), false),
            None => check(registry, client_id, None, false),
        };
    };
    let basic =
        BasicCredentials::parse(header).map_err(|e| Refusal::problem(401, e).challenging(true))?;
    if body_secret.is_some() {
        return Err(Refusal::text(
            "Invalid request",
            Error::MultipleClientAuthentication,
        ));
    }
    if body_id.is_some_and(|id| id != basic.client_id.as_str()) {
        return Err(Refusal::problem(401, Error::InvalidClientCredentials).challenging(true));
    }
    check(registry, &basic.client_id, Some(&basic.secret), true)
}

/// Looks the client up and checks the method and the secret (`None`: the
/// `none` method).
fn check(
    registry: &dyn Registry,
    client_id: &str,
    secret: Option<&str>,
    basic: bool,
) -> Result<AuthenticatedClient, Refusal> {
    let refuse = |status, e| Refusal::problem(status, e).challenging(basic);
    if client_id.len() > MAX_ID_LEN || secret.is_some_and(|s| s.len() > MAX_SECRET_LEN) {
        return Err(refuse(401, Error::RequestTooLarge));
    }
    let client = registry.client(client_id).map_err(Refusal::server)?;
    let method = match (secret, basic) {
        (None, _) => ClientAuthMethod::None,
        (Some(_), true) => ClientAuthMethod::ClientSecretBasic,
        (Some(_), false) => ClientAuthMethod::ClientSecretPost,
    };
    let Some(secret) = secret else {
        return match client {
            Some(client) if client.allows_auth_method(ClientAuthMethod::None) => {
                Ok(AuthenticatedClient { client, method })
            }
            _ => Err(Refusal::text(
                "Invalid client_secret",
                Error::MissingParameter,
            )),
        };
    };
    let client = client.ok_or(refuse(401, Error::UnknownClient))?;
    if !client.allows_auth_method(method) {
        return Err(refuse(401, Error::ClientAuthMethodNotAllowed));
    }
    if !client.check_secret(secret) {
        return Err(refuse(401, Error::InvalidClientSecret));
    }
    Ok(AuthenticatedClient { client, method })
}

/// The id and secret of an `Authorization: Basic` header, decoded.
struct BasicCredentials {
    client_id: Zeroizing<String>,
    secret: Zeroizing<String>,
}

impl BasicCredentials {
    fn parse(header: &str) -> Result<Self, Error> {
        let bad = Error::InvalidClientCredentials;
        if header.len() > MAX_CLIENT_AUTHORIZATION_LEN {
            return Err(bad);
        }
        let header = header.trim_matches([' ', '\t']);
        let (scheme, encoded) = header.split_once(' ').ok_or(bad)?;
        if !scheme.eq_ignore_ascii_case("Basic") {
            return Err(bad);
        }
        let decoded =
            b64_standard_decode_secret(encoded.trim_start_matches(' ').as_bytes()).ok_or(bad)?;
        let colon = decoded.iter().position(|&b| b == b':').ok_or(bad)?;
        let owned = |raw: &[u8]| -> Result<Zeroizing<String>, Error> {
            let text = form_decode(raw).map_err(|_| bad)?;
            if text.is_empty() {
                return Err(bad);
            }
            Ok(Zeroizing::new(text.as_str().to_owned()))
        };
        Ok(BasicCredentials {
            client_id: owned(&decoded[..colon])?,
            secret: owned(&decoded[colon + 1..])?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded_after_base64() {
        // "a%3Ab:s+c%25" -> id "a:b", secret "s c%"
        let c = BasicCredentials::parse("Basic YSUzQWI6cytjJTI1").unwrap();
        assert_eq!((c.client_id.as_str(), c.secret.as_str()), ("a:b", "s c%"));
        let c = BasicCredentials::parse("  basic   YTpi ").unwrap();
        assert_eq!((c.client_id.as_str(), c.secret.as_str()), ("a", "b"));
    }

    #[test]
    fn malformed_basic_credentials_are_refused() {
        let long = format!("Basic {}", "QUFB".repeat(2000));
        for bad in [
            "Basic",
            "Basic ",
            "Bearer YTpi",
            "Basic !!!!",
            "Basic YWI=",     // "ab": no colon
            "Basic OmI=",     // ":b": empty id
            "Basic YTo=",     // "a:": empty secret
            "Basic YTpiJXo=", // "a:b%z": bad escape
            "Basic YTr/",     // "a:\xff": not UTF-8
            "Basic YTpi=",    // bad padding
            long.as_str(),
        ] {
            assert_eq!(
                BasicCredentials::parse(bad).err(),
                Some(Error::InvalidClientCredentials),
                "{bad:?}"
            );
        }
    }
}
