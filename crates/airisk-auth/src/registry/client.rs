//! Clients (AIRisk's APIUser): secrets kept as digests, redirect URIs checked strictly.

use super::{check_id, MAX_REDIRECT_URI_LEN, MAX_SECRET_LEN};
use crate::error::{Error, Result};
use core::fmt;
use ring::digest;
use subtle::ConstantTimeEq;

/// An OAuth client: AIRisk's APIUser.
pub struct Client {
    client_id: String,
    secret_sha256: [u8; 32],
    redirect_uris: Vec<String>,
    public: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("client_id", &self.client_id)
            .field("secret", &"<redacted>")
            .field("redirect_uris", &self.redirect_uris)
            .field("public", &self.public)
            .finish()
    }
}

/// Checks one registered redirect URI (see the module's decisions).
fn check_redirect_uri(uri: &str) -> core::result::Result<(), &'static str> {
    if uri.is_empty() {
        return Err("has an empty redirect_uri entry");
    }
    if uri.len() > MAX_REDIRECT_URI_LEN {
        return Err("has a redirect_uri longer than 2048 bytes");
    }
    if uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("has a redirect_uri entry with whitespace");
    }
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Err("has a redirect_uri without a scheme");
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Err("has a redirect_uri without a scheme");
    }
    if uri.contains('#') {
        return Err("has a redirect_uri with a fragment");
    }
    let scheme = scheme.to_ascii_lowercase();
    if matches!(scheme.as_str(), "javascript" | "data" | "vbscript" | "file") {
        return Err("has a redirect_uri with a forbidden scheme");
    }
    if let Some(after) = rest.strip_prefix("//") {
        let authority = after.split(['/', '?']).next().unwrap_or("");
        if authority.contains('@') {
            return Err("has a redirect_uri with userinfo");
        }
        if authority.is_empty() && (scheme == "http" || scheme == "https") {
            return Err("has a redirect_uri without a host");
        }
        if scheme == "http" {
            let host = authority
                .rsplit_once(':')
                .filter(|(h, port)| !h.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
                .map_or(authority, |(h, _)| h)
                .to_ascii_lowercase();
            if !matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]") {
                return Err("has an http redirect_uri to a non-loopback host");
            }
        }
    } else if scheme == "http" || scheme == "https" {
        return Err("has a redirect_uri without a host");
    }
    Ok(())
}

pub(super) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, bytes).as_ref());
    out
}

fn parse_hex_digest(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
        let text = core::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

impl Client {
    /// A client from its id, clear secret, and comma-separated redirect URI column.
    ///
    /// ```
    /// use airisk_auth::registry::Client;
    /// let c = Client::new("abc123", "s3cret-s3cret", "https://localhost/callback,https://app.example/cb")?;
    /// assert!(c.check_secret("s3cret-s3cret"));
    /// assert!(c.allows_redirect_uri("https://app.example/cb"));
    /// assert!(!c.allows_redirect_uri("https://app.example/cb/"));
    /// assert!(Client::new("abc123", "s", "https://a.example/cb, https://b.example/cb").is_err());
    /// # Ok::<(), airisk_auth::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRegistry`] for an invalid id, secret or redirect entry.
    pub fn new(client_id: &str, client_secret: &str, redirect_uri_column: &str) -> Result<Self> {
        Self::build(client_id, Secret::Clear(client_secret), redirect_uri_column)
            .map_err(|_| Error::InvalidRegistry)
    }

    /// A client whose secret is given as the hex SHA-256 digest of the secret.
    ///
    /// # Errors
    /// [`Error::InvalidRegistry`].
    pub fn with_secret_sha256(
        client_id: &str,
        secret_sha256_hex: &str,
        redirect_uri_column: &str,
    ) -> Result<Self> {
        Self::build(
            client_id,
            Secret::Sha256(secret_sha256_hex),
            redirect_uri_column,
        )
        .map_err(|_| Error::InvalidRegistry)
    }

    pub(super) fn build(
        client_id: &str,
        secret: Secret<'_>,
        column: &str,
    ) -> core::result::Result<Self, String> {
        check_id(client_id).map_err(|e| format!("client_id {e}"))?;
        let secret_sha256 = match secret {
            Secret::Clear(s) => {
                if s.is_empty() || s.len() > MAX_SECRET_LEN {
                    return Err("client_secret must be 1 to 1024 bytes".into());
                }
                sha256(s.as_bytes())
            }
            Secret::Sha256(hex) => {
                parse_hex_digest(hex).ok_or("client_secret_sha256 must be 64 hex digits")?
            }
        };
        let redirect_uris = column
            .split(',')
            .map(|uri| check_redirect_uri(uri).map(|()| uri.to_owned()))
            .collect::<core::result::Result<Vec<_>, _>>()
            .map_err(|e| format!("client {client_id:?} {e}"))?;
        Ok(Client {
            client_id: client_id.to_owned(),
            secret_sha256,
            redirect_uris,
            public: false,
        })
    }

    /// Marks the client public: it must use PKCE.
    #[must_use]
    pub fn public(mut self, public: bool) -> Self {
        self.public = public;
        self
    }

    /// The client id.
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The registered redirect URIs.
    #[must_use]
    pub fn redirect_uris(&self) -> &[String] {
        &self.redirect_uris
    }

    /// Whether the client must use PKCE.
    #[must_use]
    pub fn is_public(&self) -> bool {
        self.public
    }

    /// Whether `presented` is the client's secret (constant time).
    #[must_use]
    pub fn check_secret(&self, presented: &str) -> bool {
        let digest = sha256(presented.as_bytes());
        bool::from(digest.ct_eq(&self.secret_sha256))
    }

    /// Whether `uri` is exactly one of the registered redirect URIs.
    #[must_use]
    pub fn allows_redirect_uri(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|r| r == uri)
    }
}

#[derive(Clone, Copy)]
pub(super) enum Secret<'a> {
    Clear(&'a str),
    Sha256(&'a str),
}
