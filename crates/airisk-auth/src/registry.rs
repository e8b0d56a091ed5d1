//! Clients (AIRisk's APIUser) and users (ApplicationUser), and where they come from.
//!
//! The flows look clients and users up through the [`Registry`] trait, so a
//! service can back it with its own database; [`MemoryRegistry`] is built in
//! code or loaded from JSON:
//!
//! ```json
//! {
//!   "clients": [
//!     {"client_id": "abc123", "client_secret": "…",
//!      "redirect_uri": "https://localhost/callback,https://app.example/cb"},
//!     {"client_id": "mobile", "client_secret_sha256": "<64 hex digits>",
//!      "redirect_uri": "com.example.app:/cb", "public": true}
//!   ],
//!   "users": [{"userid": "user_42", "company_id": "acme"}]
//! }
//! ```
//!
//! # Decisions
//! - `redirect_uri` is AIRisk's comma-separated column, parsed strictly at load:
//!   an empty entry, or one with surrounding or inner whitespace, is refused, as is
//!   one without a scheme, with a fragment (RFC 6749 §3.1.2), with userinfo, or
//!   `http:` to a host other than a loopback one (RFC 9700 §2.6).
//!   At request time the match is an exact string comparison (RFC 9700 §4.1.3).
//! - Secrets are kept only as their SHA-256 digest, whether given in clear
//!   (`client_secret`) or as a digest (`client_secret_sha256`), and compared in
//!   constant time. SHA-256 is not a password hash: client secrets must be
//!   high-entropy random strings, as the AIRisk admin UI issues them.
//! - `"public": true` marks a client that must use PKCE (S256).
//! - Unknown members and repeated ids are errors, so typos do not pass silently.

use crate::encoding::constant_time_eq;
use crate::error::{Error, Result};
use core::fmt;
use ring::digest;
use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The longest client_id or userid accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;
/// The longest redirect URI accepted, in bytes.
pub const MAX_REDIRECT_URI_LEN: usize = 2048;
/// The longest client secret accepted, in bytes.
pub const MAX_SECRET_LEN: usize = 1024;
/// The largest registry document accepted, in bytes.
pub const MAX_REGISTRY_DOCUMENT_LEN: usize = 16 * 1024 * 1024;

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

fn check_id(id: &str) -> core::result::Result<(), &'static str> {
    if id.is_empty() {
        return Err("is empty");
    }
    if id.len() > MAX_ID_LEN {
        return Err("is longer than 256 bytes");
    }
    if id.chars().any(char::is_control) {
        return Err("contains a control character");
    }
    Ok(())
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

fn sha256(bytes: &[u8]) -> [u8; 32] {
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

    fn build(
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
        constant_time_eq(&digest, &self.secret_sha256)
    }

    /// Whether `uri` is exactly one of the registered redirect URIs.
    #[must_use]
    pub fn allows_redirect_uri(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|r| r == uri)
    }
}

#[derive(Clone, Copy)]
enum Secret<'a> {
    Clear(&'a str),
    Sha256(&'a str),
}

/// A platform user: AIRisk's ApplicationUser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    userid: String,
    company_id: Option<String>,
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

/// Where the flows find clients and users. Implement it on your own store;
/// an `Err` makes the flow fail closed.
pub trait Registry: Send + Sync + fmt::Debug {
    /// The client with this id.
    ///
    /// # Errors
    /// When the store cannot answer.
    fn client(&self, client_id: &str) -> Result<Option<Arc<Client>>>;

    /// The user with this id.
    ///
    /// # Errors
    /// When the store cannot answer.
    fn user(&self, userid: &str) -> Result<Option<Arc<User>>>;
}

/// Why a registry document was refused, with its position.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct LoadError {
    /// 1-based line of the problem (0 when it concerns the whole document).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong. Never contains a secret.
    pub message: String,
}

impl From<LoadError> for Error {
    fn from(_: LoadError) -> Self {
        Error::InvalidRegistry
    }
}

/// An in-memory registry.
#[derive(Debug, Default)]
pub struct MemoryRegistry {
    clients: HashMap<String, Arc<Client>>,
    users: HashMap<String, Arc<User>>,
}

/// The document's outline: each entry is kept as its raw text, so that an
/// error in it can be reported where the entry starts.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document<'a> {
    #[serde(default, borrow)]
    clients: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    users: Vec<&'a RawValue>,
}

struct ClientEntry(Client);
struct UserEntry(User);

impl<'de> Deserialize<'de> for ClientEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            client_id: String,
            #[serde(default)]
            client_secret: Option<Zeroizing<String>>,
            #[serde(default)]
            client_secret_sha256: Option<String>,
            redirect_uri: String,
            #[serde(default)]
            public: bool,
        }
        let raw = Raw::deserialize(d)?;
        let secret = match (&raw.client_secret, &raw.client_secret_sha256) {
            (Some(clear), None) => Secret::Clear(clear),
            (None, Some(hex)) => Secret::Sha256(hex),
            _ => {
                return Err(de::Error::custom(format!(
                    "client {:?} needs exactly one of client_secret and client_secret_sha256",
                    raw.client_id
                )))
            }
        };
        Client::build(&raw.client_id, secret, &raw.redirect_uri)
            .map(|c| ClientEntry(c.public(raw.public)))
            .map_err(de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for UserEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            userid: String,
            #[serde(default)]
            company_id: Option<String>,
        }
        let raw = Raw::deserialize(d)?;
        check_id(&raw.userid).map_err(|e| de::Error::custom(format!("userid {e}")))?;
        if let Some(c) = &raw.company_id {
            check_id(c).map_err(|e| de::Error::custom(format!("company_id {e}")))?;
        }
        Ok(UserEntry(User {
            userid: raw.userid,
            company_id: raw.company_id,
        }))
    }
}

impl MemoryRegistry {
    /// An empty registry.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a client.
    ///
    /// # Errors
    /// [`Error::InvalidRegistry`] when the client_id is taken.
    pub fn add_client(&mut self, client: Client) -> Result<()> {
        if self.clients.contains_key(client.client_id()) {
            return Err(Error::InvalidRegistry);
        }
        self.clients
            .insert(client.client_id.clone(), Arc::new(client));
        Ok(())
    }

    /// Adds a user.
    ///
    /// # Errors
    /// [`Error::InvalidRegistry`] when the userid is taken.
    pub fn add_user(&mut self, user: User) -> Result<()> {
        if self.users.contains_key(user.userid()) {
            return Err(Error::InvalidRegistry);
        }
        self.users.insert(user.userid.clone(), Arc::new(user));
        Ok(())
    }

    /// The userids, in no particular order (e.g. for a `ListUsers` resource).
    pub fn userids(&self) -> impl Iterator<Item = &str> {
        self.users.keys().map(String::as_str)
    }

    /// The number of clients and users.
    #[must_use]
    pub fn counts(&self) -> (usize, usize) {
        (self.clients.len(), self.users.len())
    }

    /// Loads the JSON document described in the [module docs](self).
    ///
    /// # Errors
    /// A [`LoadError`] saying where and what (it converts into [`Error::InvalidRegistry`]).
    pub fn from_json(json: &str) -> core::result::Result<Self, LoadError> {
        if json.len() > MAX_REGISTRY_DOCUMENT_LEN {
            return Err(LoadError {
                line: 0,
                column: 0,
                message: "the document is larger than 16 MiB".into(),
            });
        }
        let doc: Document<'_> = serde_json::from_str(json).map_err(|e| LoadError {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })?;
        let mut registry = Self::new();
        for raw in doc.clients {
            let ClientEntry(client) = parse_entry(json, raw)?;
            let id = client.client_id.clone();
            registry
                .add_client(client)
                .map_err(|_| entry_error(json, raw, format!("client_id {id:?} appears twice")))?;
        }
        for raw in doc.users {
            let UserEntry(user) = parse_entry(json, raw)?;
            let id = user.userid.clone();
            registry
                .add_user(user)
                .map_err(|_| entry_error(json, raw, format!("userid {id:?} appears twice")))?;
        }
        Ok(registry)
    }
}

/// The 1-based line and column of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |nl| before.len() - nl - 1)
        + 1;
    (line, column)
}

/// Where `raw` (a slice of `document`) starts in it.
fn offset_in(document: &str, raw: &RawValue) -> usize {
    raw.get()
        .as_ptr()
        .addr()
        .saturating_sub(document.as_ptr().addr())
}

/// An error about a whole entry, placed at the entry's first character.
fn entry_error(document: &str, raw: &RawValue, message: String) -> LoadError {
    let (line, column) = position(document, offset_in(document, raw));
    LoadError {
        line,
        column,
        message,
    }
}

/// Parses one entry; any error in it is placed where the entry starts (the
/// entry is known to be well-formed JSON, so what is wrong is its content, and
/// the message names the member).
fn parse_entry<'a, T: Deserialize<'a>>(
    document: &str,
    raw: &'a RawValue,
) -> core::result::Result<T, LoadError> {
    serde_json::from_str(raw.get())
        .map_err(|e| entry_error(document, raw, strip_position(&e.to_string())))
}

/// serde_json appends " at line L column C"; the position is reported apart.
fn strip_position(message: &str) -> String {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(m, _)| m)
        .to_owned()
}

impl Registry for MemoryRegistry {
    fn client(&self, client_id: &str) -> Result<Option<Arc<Client>>> {
        Ok(self.clients.get(client_id).cloned())
    }

    fn user(&self, userid: &str) -> Result<Option<Arc<User>>> {
        Ok(self.users.get(userid).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_column_is_parsed_strictly() {
        for bad in [
            "",
            "https://a.example/cb,",
            ",https://a.example/cb",
            "https://a.example/cb, https://b.example/cb",
            "https://a.example/cb ",
            "https://a.example/cb#frag",
            "https://user@a.example/cb",
            "http://a.example/cb",
            "javascript:alert(1)",
            "/relative/cb",
            "https:///cb",
        ] {
            assert!(Client::new("c", "s", bad).is_err(), "{bad:?} was accepted");
        }
        for good in [
            "https://localhost/callback",
            "http://127.0.0.1:8080/cb",
            "http://localhost/cb",
            "http://[::1]:9/cb",
            "com.example.app:/cb",
            "https://a.example/cb?x=1",
        ] {
            assert!(Client::new("c", "s", good).is_ok(), "{good:?} was refused");
        }
    }

    #[test]
    fn secrets_compare_by_digest_in_either_form() {
        let clear = Client::new("c", "hunter2-hunter2", "https://a.example/cb").unwrap();
        let hex = crate::encoding::hex(&sha256(b"hunter2-hunter2"));
        let hashed = Client::with_secret_sha256("c", &hex, "https://a.example/cb").unwrap();
        for c in [&clear, &hashed] {
            assert!(c.check_secret("hunter2-hunter2"));
            assert!(!c.check_secret("hunter2-hunter3"));
            assert!(!c.check_secret(""));
            assert!(!format!("{c:?}").contains("hunter2"));
        }
    }

    #[test]
    fn load_errors_have_positions_and_no_secrets() {
        let doc = "{\n \"clients\": [\n  {\"client_id\": \"a\", \"client_secret\": \"TOPSECRET\",\n   \"redirect_uri\": \"https://a.example/cb,\"}\n ]\n}";
        let err = MemoryRegistry::from_json(doc).unwrap_err();
        // A problem found once the entry is complete is placed at its start.
        assert_eq!((err.line, err.column), (3, 3), "{err}");
        assert!(err.message.contains("empty redirect_uri"), "{err}");
        assert!(!err.to_string().contains("TOPSECRET"));
        let dup = "{\"users\": [\n  {\"userid\": \"u\"},\n  {\"userid\": \"u\"}\n]}";
        let err = MemoryRegistry::from_json(dup).unwrap_err();
        assert!(err.message.contains("twice"), "{err}");
        assert_eq!((err.line, err.column), (3, 3), "{err}");
        let typed = "{\"users\": [\n  {\"userid\": 7}\n]}";
        let err = MemoryRegistry::from_json(typed).unwrap_err();
        assert_eq!((err.line, err.column), (2, 3), "{err}");
        assert!(err.message.contains("invalid type"), "{err}");
        let typo = r#"{"clients":[{"client_id":"a","client_secret":"s","redirect_uris":"https://a.example/cb"}]}"#;
        assert!(MemoryRegistry::from_json(typo).is_err());
    }
}
