//! The in-memory registry and its JSON loader, which reports errors by position.

use super::check_id;
use super::client::Secret;
use super::{Client, ClientAuthMethod, LoadError, Registry, User, MAX_REGISTRY_DOCUMENT_LEN};
use crate::error::{Error, Result};
use crate::file::{self, FileError};
use crate::scope::ScopeList;
use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use zeroize::Zeroizing;

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
        #[allow(
            clippy::struct_excessive_bools,
            reason = "the registry's JSON members, each an independent flag"
        )]
        struct Raw {
            client_id: String,
            #[serde(default, deserialize_with = "client_secret")]
            client_secret: Option<Zeroizing<String>>,
            #[serde(default, deserialize_with = "client_secret_sha256")]
            client_secret_sha256: Option<Zeroizing<String>>,
            redirect_uri: String,
            #[serde(default)]
            public: bool,
            #[serde(default)]
            token_endpoint_auth_method: Option<OneOrMany>,
            #[serde(default)]
            native: bool,
            #[serde(default)]
            refresh_tokens: bool,
            #[serde(default)]
            introspect: bool,
            #[serde(default)]
            scopes: Vec<String>,
            #[serde(default)]
            default_scopes: Vec<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        let raw = Raw::deserialize(d)?;
        let methods = match &raw.token_endpoint_auth_method {
            None => None,
            Some(OneOrMany::One(name)) => Some(vec![name.as_str()]),
            Some(OneOrMany::Many(names)) => Some(names.iter().map(String::as_str).collect()),
        };
        let methods = methods
            .map(|names| {
                names
                    .into_iter()
                    .map(|name| {
                        ClientAuthMethod::from_name(name).ok_or_else(|| {
                            de::Error::custom(format!(
                                "client {:?} has an unknown token_endpoint_auth_method {name:?}",
                                raw.client_id
                            ))
                        })
                    })
                    .collect::<core::result::Result<Vec<_>, D::Error>>()
            })
            .transpose()?;
        let wants_none = methods
            .as_ref()
            .is_some_and(|m| m.contains(&ClientAuthMethod::None));
        let secret = match (&raw.client_secret, &raw.client_secret_sha256) {
            (Some(clear), None) => Secret::Clear(clear),
            (None, Some(hex)) => Secret::Sha256(hex),
            (None, None) if wants_none || (raw.public && methods.is_none()) => Secret::None,
            _ => {
                return Err(de::Error::custom(format!(
                    "client {:?} needs exactly one of client_secret and client_secret_sha256 \
                     (or none with token_endpoint_auth_method \"none\")",
                    raw.client_id
                )))
            }
        };
        let client = Client::build(&raw.client_id, secret, &raw.redirect_uri)
            .map_err(de::Error::custom)?
            .public(raw.public)
            .native(raw.native)
            .with_refresh_tokens(raw.refresh_tokens)
            .with_introspection(raw.introspect)
            .with_scopes(&raw.scopes, &raw.default_scopes)
            .map_err(|_| {
                de::Error::custom(format!(
                    "client {:?} has a malformed or repeated scope, more than 32, \
                     or a default scope outside its scopes",
                    raw.client_id
                ))
            })?;
        let client = match methods {
            Some(m) => client
                .restrict_auth_methods(&m)
                .map_err(de::Error::custom)?,
            None => client,
        };
        Ok(ClientEntry(client))
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
            #[serde(default)]
            scopes: Option<Vec<String>>,
        }
        let raw = Raw::deserialize(d)?;
        check_id(&raw.userid).map_err(|e| de::Error::custom(format!("userid {e}")))?;
        if let Some(c) = &raw.company_id {
            check_id(c).map_err(|e| de::Error::custom(format!("company_id {e}")))?;
        }
        let scopes = raw
            .scopes
            .map(|names| {
                ScopeList::new(&names).map_err(|_| {
                    de::Error::custom(format!(
                        "user {:?} has a malformed or repeated scope, or more than 32",
                        raw.userid
                    ))
                })
            })
            .transpose()?;
        Ok(UserEntry(User {
            userid: raw.userid,
            company_id: raw.company_id,
            scopes,
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
            .insert(client.client_id().to_owned(), Arc::new(client));
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
        self.users.insert(user.userid().to_owned(), Arc::new(user));
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

    /// Loads the JSON document described in the [module docs](crate::registry).
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
            let id = client.client_id().to_owned();
            registry
                .add_client(client)
                .map_err(|_| entry_error(json, raw, format!("client_id {id:?} appears twice")))?;
        }
        for raw in doc.users {
            let UserEntry(user) = parse_entry(json, raw)?;
            let id = user.userid().to_owned();
            registry
                .add_user(user)
                .map_err(|_| entry_error(json, raw, format!("userid {id:?} appears twice")))?;
        }
        Ok(registry)
    }
}

impl MemoryRegistry {
    /// [`MemoryRegistry::from_json`] on the text of the file at `path`: at most
    /// [`MAX_REGISTRY_DOCUMENT_LEN`] + 1 bytes are read, into buffers wiped on
    /// every path (see [`crate::file`]).
    ///
    /// # Errors
    /// A [`FileError`] naming the file: unreadable, too large, not UTF-8, or
    /// refused ([`Error::InvalidRegistry`], its detail the [`LoadError`]'s
    /// line, column and message).
    pub fn from_file(path: impl AsRef<Path>) -> core::result::Result<Self, FileError> {
        file::load(
            path.as_ref(),
            MAX_REGISTRY_DOCUMENT_LEN,
            Error::InvalidRegistry,
            |text| Self::from_json(text).map_err(|e| (Error::InvalidRegistry, e.to_string())),
        )
    }
}

/// The 1-based line and column of byte `offset` of `text`.
pub(crate) fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |nl| before.len() - nl - 1)
        + 1;
    (line, column)
}

/// Where `raw` (a slice of `document`) starts in it.
pub(crate) fn offset_in(document: &str, raw: &RawValue) -> usize {
    raw.get()
        .as_ptr()
        .addr()
        .saturating_sub(document.as_ptr().addr())
}

/// An error about a whole entry, placed at the entry's first character.
pub(crate) fn entry_error(document: &str, raw: &RawValue, message: String) -> LoadError {
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
/// The value serde quotes in "invalid type: integer `…`" / "invalid value: …"
/// is dropped too: it may be a secret given with the wrong type (issue 20.4),
/// and the member's position says where it is.
pub(crate) fn strip_position(message: &str) -> String {
    let message = message.rsplit_once(" at line ").map_or(message, |(m, _)| m);
    redact_value(message)
}

/// "invalid type: integer `987`, expected a string" → "invalid type: integer,
/// expected a string": the kind of what was found, never its value.
fn redact_value(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (found, expected) = rest.rsplit_once(", expected ").unwrap_or((rest, ""));
            let kind = found
                .split(['`', '"', '\''])
                .next()
                .unwrap_or_default()
                .trim();
            let mut out = format!("{prefix}{kind}");
            if !expected.is_empty() {
                out.push_str(", expected ");
                out.push_str(expected);
            }
            return out;
        }
    }
    message.to_owned()
}

/// A member that holds a secret (or its hash): read as a string into a wiped
/// buffer; anything else is refused naming the member, never showing the value.
fn secret_member<'de, D: Deserializer<'de>>(
    d: D,
    member: &'static str,
) -> core::result::Result<Option<Zeroizing<String>>, D::Error> {
    struct SecretText(&'static str);
    impl<'de> de::Visitor<'de> for SecretText {
        type Value = Option<Zeroizing<String>>;
        fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            write!(f, "{} as a string", self.0)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> core::result::Result<Self::Value, E> {
            Ok(Some(Zeroizing::new(v.to_owned())))
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> core::result::Result<Self::Value, E> {
            Err(self.refuse("a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> core::result::Result<Self::Value, E> {
            Err(self.refuse("a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> core::result::Result<Self::Value, E> {
            Err(self.refuse("a number"))
        }
        fn visit_i128<E: de::Error>(self, _: i128) -> core::result::Result<Self::Value, E> {
            Err(self.refuse("a number"))
        }
        fn visit_u128<E: de::Error>(self, _: u128) -> core::result::Result<Self::Value, E> {
            Err(self.refuse("a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> core::result::Result<Self::Value, E> {
            Err(self.refuse("a number"))
        }
        fn visit_unit<E: de::Error>(self) -> core::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(
            self,
            _: A,
        ) -> core::result::Result<Self::Value, A::Error> {
            Err(self.refuse("an array"))
        }
        fn visit_map<A: de::MapAccess<'de>>(
            self,
            _: A,
        ) -> core::result::Result<Self::Value, A::Error> {
            Err(self.refuse("an object"))
        }
    }
    impl SecretText {
        fn refuse<E: de::Error>(&self, found: &str) -> E {
            E::custom(format!("{} must be a string, not {found}", self.0))
        }
    }
    d.deserialize_any(SecretText(member))
}

fn client_secret<'de, D: Deserializer<'de>>(
    d: D,
) -> core::result::Result<Option<Zeroizing<String>>, D::Error> {
    secret_member(d, "client_secret")
}

fn client_secret_sha256<'de, D: Deserializer<'de>>(
    d: D,
) -> core::result::Result<Option<Zeroizing<String>>, D::Error> {
    secret_member(d, "client_secret_sha256")
}

impl Registry for MemoryRegistry {
    fn client(&self, client_id: &str) -> Result<Option<Arc<Client>>> {
        Ok(self.clients.get(client_id).cloned())
    }

    fn user(&self, userid: &str) -> Result<Option<Arc<User>>> {
        Ok(self.users.get(userid).cloned())
    }

    /// The union of the clients' scopes.
    fn scopes_supported(&self) -> Option<Vec<String>> {
        let all: std::collections::BTreeSet<&String> = self
            .clients
            .values()
            .flat_map(|c| c.scopes().names())
            .collect();
        Some(all.into_iter().cloned().collect())
    }
}
