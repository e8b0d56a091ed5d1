//! Clients (AIRisk's APIUser): secrets kept as digests, redirect URIs checked strictly.

use super::{check_id, MAX_REDIRECT_URI_LEN, MAX_SECRET_LEN};
use crate::error::{Error, Result};
use crate::scope::ScopeList;
use core::fmt;
use ring::digest;
use subtle::ConstantTimeEq;

/// How a client proves its identity at the token endpoint (RFC 6749 §2.3; the
/// names are RFC 7591's `token_endpoint_auth_method` values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientAuthMethod {
    /// `client_secret_basic`: `Authorization: Basic` with the form-urlencoded id and secret (§2.3.1).
    ClientSecretBasic,
    /// `client_secret_post`: `client_id` and `client_secret` in the body (AIRisk's documented form).
    ClientSecretPost,
    /// `none`: a public client, which sends only its `client_id` and must use PKCE S256.
    None,
}

impl ClientAuthMethod {
    /// Every method, in the order the metadata lists them.
    pub const ALL: [ClientAuthMethod; 3] = [
        ClientAuthMethod::ClientSecretBasic,
        ClientAuthMethod::ClientSecretPost,
        ClientAuthMethod::None,
    ];

    /// The RFC 7591 name, e.g. `"client_secret_basic"`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            ClientAuthMethod::ClientSecretBasic => "client_secret_basic",
            ClientAuthMethod::ClientSecretPost => "client_secret_post",
            ClientAuthMethod::None => "none",
        }
    }

    /// The method with this RFC 7591 name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    const fn bit(self) -> u8 {
        match self {
            ClientAuthMethod::ClientSecretBasic => 1,
            ClientAuthMethod::ClientSecretPost => 2,
            ClientAuthMethod::None => 4,
        }
    }
}

/// An OAuth client: AIRisk's APIUser.
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent registry flags (public, native, refresh_tokens, introspect), one per JSON member"
)]
pub struct Client {
    client_id: String,
    /// `None` for a client that authenticates with `none`.
    secret_sha256: Option<[u8; 32]>,
    redirect_uris: Vec<String>,
    public: bool,
    /// A set of [`ClientAuthMethod::bit`]s, never empty.
    auth_methods: u8,
    /// A native app: loopback redirect URIs match on any port (RFC 8252 §7.3).
    native: bool,
    refresh_tokens: bool,
    introspection: bool,
    /// The scopes the client may ask for (none: it uses no scopes).
    scopes: ScopeList,
    /// The scopes it gets when it asks for none: a subset of `scopes`.
    default_scopes: ScopeList,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("client_id", &self.client_id)
            .field("secret", &"<redacted>")
            .field("redirect_uris", &self.redirect_uris)
            .field("public", &self.public)
            .field("auth_methods", &self.auth_methods().collect::<Vec<_>>())
            .field("native", &self.native)
            .field("refresh_tokens", &self.refresh_tokens)
            .field("introspection", &self.introspection)
            .field("scopes", &self.scopes.names())
            .field("default_scopes", &self.default_scopes.names())
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

/// For `http://127.0.0.1[:port]/rest` or `http://[::1][:port]/rest` (RFC 8252
/// §7.3: IP literals only, not `localhost`), the host and the rest; the port,
/// if any, must be 1 to 65535 in decimal.
fn loopback_without_port(uri: &str) -> Option<(&str, &str)> {
    let after = uri.strip_prefix("http://")?;
    let split = after.find(['/', '?']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(split);
    let (host, port) = ["127.0.0.1", "[::1]"]
        .into_iter()
        .find_map(|h| authority.strip_prefix(h).map(|port| (h, port)))?;
    match port.strip_prefix(':') {
        None if port.is_empty() => {}
        Some(digits)
            if (1..=5).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
                && digits.parse::<u16>().is_ok_and(|p| p != 0) => {}
        _ => return None,
    }
    Some((host, rest))
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

    /// A public client (RFC 6749 §2.1): no secret, authenticates with `none`, must use PKCE S256.
    ///
    /// ```
    /// use airisk_auth::registry::{Client, ClientAuthMethod};
    /// let c = Client::new_public("mobile", "com.example.app:/cb")?;
    /// assert!(c.is_public());
    /// assert!(c.allows_auth_method(ClientAuthMethod::None));
    /// assert!(!c.check_secret(""));
    /// # Ok::<(), airisk_auth::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRegistry`] for an invalid id or redirect entry.
    pub fn new_public(client_id: &str, redirect_uri_column: &str) -> Result<Self> {
        Self::build(client_id, Secret::None, redirect_uri_column)
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
                Some(sha256(s.as_bytes()))
            }
            Secret::Sha256(hex) => {
                Some(parse_hex_digest(hex).ok_or("client_secret_sha256 must be 64 hex digits")?)
            }
            Secret::None => None,
        };
        let redirect_uris = column
            .split(',')
            .map(|uri| check_redirect_uri(uri).map(|()| uri.to_owned()))
            .collect::<core::result::Result<Vec<_>, _>>()
            .map_err(|e| format!("client {client_id:?} {e}"))?;
        let (auth_methods, public) = match secret_sha256 {
            Some(_) => (
                ClientAuthMethod::ClientSecretBasic.bit()
                    | ClientAuthMethod::ClientSecretPost.bit(),
                false,
            ),
            None => (ClientAuthMethod::None.bit(), true),
        };
        Ok(Client {
            client_id: client_id.to_owned(),
            secret_sha256,
            redirect_uris,
            public,
            auth_methods,
            native: false,
            refresh_tokens: false,
            introspection: false,
            scopes: ScopeList::default(),
            default_scopes: ScopeList::default(),
        })
    }

    /// Marks the client as one that must use PKCE (S256). A client without a
    /// secret always must, whatever is passed here.
    #[must_use]
    pub fn public(mut self, public: bool) -> Self {
        self.public = public || self.secret_sha256.is_none();
        self
    }

    /// Restricts the client to `methods` at the token endpoint. A client with a
    /// secret may use `client_secret_basic` and `client_secret_post` (both by
    /// default); one without may use only `none`.
    ///
    /// ```
    /// use airisk_auth::registry::{Client, ClientAuthMethod};
    /// let c = Client::new("abc123", "s3cret", "https://localhost/cb")?
    ///     .with_auth_methods(&[ClientAuthMethod::ClientSecretBasic])?;
    /// assert!(!c.allows_auth_method(ClientAuthMethod::ClientSecretPost));
    /// assert!(c.with_auth_methods(&[ClientAuthMethod::None]).is_err());
    /// # Ok::<(), airisk_auth::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRegistry`] for an empty list, or a method the client's
    /// secret (or its absence) does not fit.
    pub fn with_auth_methods(self, methods: &[ClientAuthMethod]) -> Result<Self> {
        self.restrict_auth_methods(methods)
            .map_err(|_| Error::InvalidRegistry)
    }

    pub(super) fn restrict_auth_methods(
        mut self,
        methods: &[ClientAuthMethod],
    ) -> core::result::Result<Self, String> {
        if methods.is_empty() {
            return Err(format!(
                "client {:?} has an empty token_endpoint_auth_method",
                self.client_id
            ));
        }
        let has_secret = self.secret_sha256.is_some();
        if let Some(m) = methods
            .iter()
            .find(|&&m| (m == ClientAuthMethod::None) == has_secret)
        {
            return Err(format!(
                "client {:?} cannot use token_endpoint_auth_method {:?} {} a secret",
                self.client_id,
                m.name(),
                if has_secret { "with" } else { "without" }
            ));
        }
        self.auth_methods = methods.iter().fold(0, |bits, m| bits | m.bit());
        Ok(self)
    }

    /// The token-endpoint authentication methods the client may use.
    pub fn auth_methods(&self) -> impl Iterator<Item = ClientAuthMethod> + '_ {
        ClientAuthMethod::ALL
            .into_iter()
            .filter(|m| self.allows_auth_method(*m))
    }

    /// Whether the client may authenticate with `method`.
    #[must_use]
    pub fn allows_auth_method(&self, method: ClientAuthMethod) -> bool {
        self.auth_methods & method.bit() != 0
    }

    /// Lets the client receive refresh tokens (off by default). They are
    /// always rotated, so public clients may have them too (RFC 9700 §4.14.2).
    #[must_use]
    pub fn with_refresh_tokens(mut self, refresh_tokens: bool) -> Self {
        self.refresh_tokens = refresh_tokens;
        self
    }

    /// Whether the client receives refresh tokens.
    #[must_use]
    pub fn issues_refresh_tokens(&self) -> bool {
        self.refresh_tokens
    }

    /// Lets the client (a resource server) introspect tokens (off by default).
    #[must_use]
    pub fn with_introspection(mut self, introspection: bool) -> Self {
        self.introspection = introspection;
        self
    }

    /// Whether the client may introspect tokens.
    #[must_use]
    pub fn may_introspect(&self) -> bool {
        self.introspection
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

    /// Whether `presented` is the client's secret (constant time). Always false
    /// for a client without a secret.
    #[must_use]
    pub fn check_secret(&self, presented: &str) -> bool {
        let digest = sha256(presented.as_bytes());
        self.secret_sha256
            .is_some_and(|expected| bool::from(digest.ct_eq(&expected)))
    }

    /// Marks the client as a native app (RFC 8252): a registered loopback
    /// redirect URI (`http://127.0.0.1/…` or `http://[::1]/…`) then matches the
    /// same URI on any port, as the app listens on whatever port it gets. Off
    /// by default.
    ///
    /// ```
    /// use airisk_auth::registry::Client;
    /// let c = Client::new_public("cli", "http://127.0.0.1/callback")?;
    /// assert!(!c.allows_redirect_uri("http://127.0.0.1:53123/callback"));
    /// let c = c.native(true);
    /// assert!(c.allows_redirect_uri("http://127.0.0.1:53123/callback"));
    /// assert!(!c.allows_redirect_uri("http://127.0.0.1:53123/other"));
    /// assert!(!c.allows_redirect_uri("http://localhost:53123/callback"));
    /// # Ok::<(), airisk_auth::Error>(())
    /// ```
    #[must_use]
    pub fn native(mut self, native: bool) -> Self {
        self.native = native;
        self
    }

    /// Grants the client `scopes` (what it may ask for) and `defaults` (what it
    /// gets when it asks for none; a subset of `scopes`). See [`crate::scope`].
    ///
    /// ```
    /// use airisk_auth::registry::Client;
    /// let c = Client::new("abc123", "s3cret", "https://localhost/cb")?
    ///     .with_scopes(&["read", "write"], &["read"])?;
    /// assert!(c.scopes().contains("write"));
    /// assert!(Client::new("abc123", "s3cret", "https://localhost/cb")?.with_scopes(&["read"], &["write"]).is_err());
    /// # Ok::<(), airisk_auth::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRegistry`] for a malformed or repeated name, more than
    /// [`crate::scope::MAX_SCOPES`], or a default the client is not granted.
    pub fn with_scopes<S: AsRef<str>>(mut self, scopes: &[S], defaults: &[S]) -> Result<Self> {
        let scopes = ScopeList::new(scopes).map_err(|_| Error::InvalidRegistry)?;
        let defaults = ScopeList::new(defaults).map_err(|_| Error::InvalidRegistry)?;
        if defaults.names().iter().any(|d| !scopes.contains(d)) {
            return Err(Error::InvalidRegistry);
        }
        self.scopes = scopes;
        self.default_scopes = defaults;
        Ok(self)
    }

    /// The scopes the client may ask for (empty: it uses no scopes).
    #[must_use]
    pub fn scopes(&self) -> &ScopeList {
        &self.scopes
    }

    /// The scopes the client gets when it asks for none.
    #[must_use]
    pub fn default_scopes(&self) -> &ScopeList {
        &self.default_scopes
    }

    /// Whether the client is a native app (loopback ports may vary).
    #[must_use]
    pub fn is_native(&self) -> bool {
        self.native
    }

    /// Whether `uri` is exactly one of the registered redirect URIs, or, for a
    /// native client, one of its loopback URIs on another port.
    #[must_use]
    pub fn allows_redirect_uri(&self, uri: &str) -> bool {
        if self.redirect_uris.iter().any(|r| r == uri) {
            return true;
        }
        self.native
            && loopback_without_port(uri).is_some_and(|presented| {
                self.redirect_uris
                    .iter()
                    .any(|r| loopback_without_port(r) == Some(presented))
            })
    }
}

#[derive(Clone, Copy)]
pub(super) enum Secret<'a> {
    Clear(&'a str),
    Sha256(&'a str),
    None,
}
