//! `GET /.well-known/oauth-authorization-server`: the RFC 8414 metadata document.
//!
//! The document is generated from the issuer's settings and from the lists
//! each endpoint module keeps of what it accepts, never written by hand, so
//! it cannot advertise what the endpoints refuse nor omit what they accept
//! (`tests/discovery.rs` drives every advertised value through the endpoints).
//!
//! # Decisions
//! - Endpoint URLs are the issuer identifier followed by the paths of
//!   [`EndpointPaths`]: an issuer serves its own endpoints. The metadata
//!   itself is at `/.well-known/oauth-authorization-server` followed by the
//!   issuer's path, if any (RFC 8414 §3).
//! - `jwks_uri` is always published, even for an HS256-only issuer, whose key
//!   set then answers with an empty set (see [`Issuer::jwks`]): a verifier
//!   reading the metadata learns there is nothing to fetch rather than
//!   guessing.
//! - `response_modes_supported` is `["query"]`: codes and errors travel in the
//!   redirect's query only.
//! - `scopes_supported` is the union of the scopes the registry's clients may
//!   be granted ([`crate::registry::Registry::scopes_supported`]), sorted; a
//!   registry that cannot list them leaves the member out (RFC 8414 §2 makes
//!   it RECOMMENDED). An empty list says no client uses scopes.
//! - The document is public and changes only with a deployment, so it may be
//!   cached like the key set (`Cache-Control: public, max-age=`[`JWKS_MAX_AGE`]).

use super::introspect::INTROSPECTION_AUTH_METHODS;
use super::jwks::JWKS_MAX_AGE;
use super::response::{Response, JSON_CONTENT_TYPE};
use super::{authorize, token, Issuer};
use crate::registry::ClientAuthMethod;

/// Where the endpoints are served, as paths below the issuer identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointPaths {
    /// `GET` authorization endpoint; AIRisk's `/api/oauth2`.
    pub authorize: String,
    /// `POST` token endpoint; AIRisk's `/api/oauth2/Token`.
    pub token: String,
    /// `POST` token revocation (RFC 7009); `/api/oauth2/revoke`.
    pub revoke: String,
    /// `POST` token introspection (RFC 7662); `/api/oauth2/introspect`.
    pub introspect: String,
    /// `GET` public key set; `/api/oauth2/jwks`.
    pub jwks: String,
}

impl Default for EndpointPaths {
    fn default() -> Self {
        EndpointPaths {
            authorize: "/api/oauth2".to_owned(),
            token: "/api/oauth2/Token".to_owned(),
            revoke: "/api/oauth2/revoke".to_owned(),
            introspect: "/api/oauth2/introspect".to_owned(),
            jwks: "/api/oauth2/jwks".to_owned(),
        }
    }
}

impl EndpointPaths {
    /// Every path starts with `/` and none is the metadata's own.
    pub(super) fn is_valid(&self) -> bool {
        [
            &self.authorize,
            &self.token,
            &self.revoke,
            &self.introspect,
            &self.jwks,
        ]
        .iter()
        .all(|p| p.starts_with('/') && !p.starts_with(WELL_KNOWN) && p.len() <= 512)
    }
}

/// The well-known path prefix of the metadata (RFC 8414 §3).
pub const WELL_KNOWN: &str = "/.well-known/oauth-authorization-server";

impl Issuer {
    /// The path this issuer's metadata is served at:
    /// `/.well-known/oauth-authorization-server` followed by the path of the
    /// issuer identifier, if it has one (RFC 8414 §3.1).
    #[must_use]
    pub fn metadata_path(&self) -> String {
        let issuer = &self.config.issuer;
        let after_scheme = issuer.split_once("://").map_or(issuer.as_str(), |(_, r)| r);
        let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
        format!("{WELL_KNOWN}{}", path.trim_end_matches('/'))
    }

    /// The full URL of the endpoint at `path`.
    pub(super) fn endpoint_url(&self, path: &str) -> String {
        format!("{}{path}", self.config.issuer.trim_end_matches('/'))
    }

    /// The RFC 8414 metadata document, as JSON.
    #[must_use]
    pub fn metadata_json(&self) -> serde_json::Value {
        let paths = &self.config.endpoints;
        let mut document = serde_json::json!({
            "issuer": self.config.issuer,
            "authorization_endpoint": self.endpoint_url(&paths.authorize),
            "token_endpoint": self.endpoint_url(&paths.token),
            "revocation_endpoint": self.endpoint_url(&paths.revoke),
            "introspection_endpoint": self.endpoint_url(&paths.introspect),
            "jwks_uri": self.endpoint_url(&paths.jwks),
            "response_types_supported": authorize::RESPONSE_TYPES,
            "response_modes_supported": ["query"],
            "grant_types_supported": token::GRANT_TYPES,
            "token_endpoint_auth_methods_supported": ClientAuthMethod::ALL.map(ClientAuthMethod::name),
            "revocation_endpoint_auth_methods_supported": ClientAuthMethod::ALL.map(ClientAuthMethod::name),
            "introspection_endpoint_auth_methods_supported": INTROSPECTION_AUTH_METHODS.map(ClientAuthMethod::name),
            "code_challenge_methods_supported": authorize::CODE_CHALLENGE_METHODS,
        });
        if let (Some(scopes), Some(members)) =
            (self.registry.scopes_supported(), document.as_object_mut())
        {
            members.insert("scopes_supported".into(), scopes.into());
        }
        document
    }

    /// `GET /.well-known/oauth-authorization-server`: the metadata document,
    /// `200 application/json`.
    #[must_use]
    pub fn metadata(&self) -> Response {
        Response::answer(200, None)
            .with_body(JSON_CONTENT_TYPE, self.metadata_json().to_string())
            .with_header("Cache-Control", format!("public, max-age={JWKS_MAX_AGE}"))
    }
}
