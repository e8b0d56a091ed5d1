//! The files generated from the one list of error kinds, [`Error::ALL`]:
//!
//! - `bindings/c/src/result/codes.rs`: the C result codes (`airisk_result`), from
//!   which cbindgen writes the enum of `include/airisk_auth.h`;
//! - `bindings/python/python/airisk_auth/errors.py`: the Python exception classes
//!   (a real, typed Python file: it is its own stub), in two families under
//!   `AuthError` as [`Error::family`] decides; the classes themselves stand in
//!   private modules beside it, `_error_families.py` (the bases) and one per
//!   family (`_token_errors.py`, `_request_errors.py`, `_config_errors.py`);
//! - their names in the `__all__` of `bindings/python/python/airisk_auth/__init__.pyi`
//!   (between its `BEGIN`/`END` marker lines: mypy reads only literal lists there).
//!
//! Nothing else lists the error kinds: the C crate converts through the generated
//! `airisk_result::from_code`, the Python extension looks its classes up in
//! `airisk_auth.errors` by name. This test fails when a committed file differs from
//! what the core makes now; `UPDATE_GENERATED=1 cargo test -p airisk-auth --test
//! generated` rewrites them (then `UPDATE_HEADER=1 cargo test -p airisk-auth-c --test
//! header` for the C header).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::error::Family;
use airisk_auth::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

const REGENERATE: &str = "UPDATE_GENERATED=1 cargo test -p airisk-auth --test generated";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `TokenTooLarge` -> `AIRISK_TOKEN_TOO_LARGE`.
fn c_name(kind: Error) -> String {
    let mut out = String::from("AIRISK_");
    for (i, ch) in kind.name().chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

/// `Expired` -> `ExpiredError`.
fn python_name(kind: Error) -> String {
    format!("{}Error", kind.name())
}

/// The variant's doc comment as lines of text (rustdoc's leading space removed).
fn doc_lines(kind: Error) -> Vec<&'static str> {
    kind.doc_lines()
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect()
}

/// The message with its first letter capitalised, as a docstring's summary.
fn capitalised(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The Python family classes: (name, base, docstring summary, family it gathers).
const FAMILIES: &[(&str, &str, &str, Option<Family>)] = &[
    (
        "RefusalError",
        "AuthError",
        "What was presented (a token, a request) is refused: a 4xx to its sender.",
        None,
    ),
    (
        "TokenError",
        "RefusalError",
        "A bearer token was refused, or none was presented (a 401 or 403).",
        Some(Family::Token),
    ),
    (
        "RequestError",
        "RefusalError",
        "A request was refused: its client, user, parameters, code or PKCE (a 4xx).",
        Some(Family::Request),
    ),
    (
        "ConfigError",
        "AuthError",
        "This side cannot work as set up or as it runs: fix the deployment or the code.",
        Some(Family::Config),
    ),
];

/// The Python class of the family `kind` belongs to.
fn family_class(kind: Error) -> &'static str {
    let family = kind.family();
    FAMILIES
        .iter()
        .find(|(_, _, _, f)| *f == Some(family))
        .map_or_else(
            || panic!("{kind:?}: decide the Python family of {family:?} here"),
            |(name, ..)| *name,
        )
}

/// Rust doc text as the body of a triple-quoted Python docstring: escaped, and
/// Markdown's `code` spelled as reStructuredText's ``code``.
fn py_docstring_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace("\"\"\"", "\\\"\\\"\\\"")
        .replace('`', "``")
}

/// `words` wrapped at `width` columns, each line prefixed by `indent`.
fn wrap(words: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in words.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
            writeln!(out, "{indent}{line}").unwrap();
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        writeln!(out, "{indent}{line}").unwrap();
    }
    out
}

fn c_result_codes() -> String {
    let mut out = format!(
        "//! The result codes: `AIRISK_OK` and one per core error kind, with the core's numbers.
//!
//! Generated from `airisk_auth::Error::ALL` by `crates/airisk-auth/tests/generated.rs`;
//! do not edit. Regenerate: `{REGENERATE}`,
//! then `UPDATE_HEADER=1 cargo test -p airisk-auth-c --test header`.

/// The outcome of a call: `AIRISK_OK` (0) or the kind of failure.
///
/// The numbers are those of the Rust core's `airisk_auth::Error::code()` and are
/// never renumbered; new codes may be added. In the ABI this is a `uint32_t`
/// (see the typedef): compare it with the constants, and expect values you do
/// not know yet. `airisk_result_text()` and `airisk_result_name()` describe any code.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum airisk_result {{
    /// Success.
    AIRISK_OK = 0,
"
    );
    for &kind in Error::ALL {
        for line in kind.doc_lines() {
            writeln!(out, "    ///{line}").unwrap();
        }
        writeln!(out, "    {} = {},", c_name(kind), kind.code()).unwrap();
    }
    out.push_str(
        "}

impl airisk_result {
    /// The result code numbered `code`, if there is one.
    pub(crate) const fn from_code(code: u32) -> Option<Self> {
        match code {
            0 => Some(Self::AIRISK_OK),
",
    );
    for &kind in Error::ALL {
        writeln!(
            out,
            "            {} => Some(Self::{}),",
            kind.code(),
            c_name(kind)
        )
        .unwrap();
    }
    out.push_str(
        "            _ => None,
        }
    }
}
",
    );
    out
}

/// `errors.py`: the public module of the exception classes. The classes are
/// written into one private module per family (`_error_families.py` for the
/// bases), so that no file holds every class; this one imports them, lists them
/// and makes it their home (`__module__`), so reprs, tracebacks and pickles
/// name `airisk_auth.errors` as before.
fn python_errors() -> String {
    let mut out = format!(
        r#""""The exceptions of airisk_auth: one class per error kind of the Rust core.

Generated from ``airisk_auth::Error::ALL`` by ``crates/airisk-auth/tests/generated.rs``;
do not edit. Regenerate: ``{REGENERATE}``.

Every class is an :class:`AuthError` (a ``ValueError``) carrying the stable
numeric ``code`` of its kind (the C result code, never renumbered) and the core's
``name`` of it; the message is the core's and never echoes a secret or a token.

The classes fall in two families, decided per kind by the core
(``airisk_auth::Error::family``). The rule: an error is a refusal when what was
presented is at fault, so the answer is a 4xx to its sender and nothing on this
side needs fixing; it is a configuration error when this side cannot do what was
asked as it is set up or as it runs (keys, settings, a registry document, the
store, the random source, an unusable argument, a bug), which no change by the
sender would help.

- :class:`RefusalError`: what was presented is refused.

  - :class:`TokenError`: a bearer token (or none was presented);
  - :class:`RequestError`: an authorization or token request.

- :class:`ConfigError`: this side; a store that cannot answer is one
  (``LedgerUnavailableError``: the request is refused with a 503, failing closed).

So ``except TokenError`` never swallows a ``WeakKeyError`` or a store outage.

What an error is about is carried by attributes, ``None`` when they do not apply:
``claim`` (the claim missing or of the wrong type, e.g. ``"client_id"``),
``setting`` and ``allowed`` (the setting out of range, e.g. ``"leeway"``, and what
it allows, e.g. ``"0 to 300"``), ``filename`` (the key or registry file). A file
that cannot be read raises ``IoError``, which is also an ``OSError`` with the OS
error's ``errno`` and ``strerror``.
"""

from __future__ import annotations

from ._error_families import (
    AuthError,
"#
    );
    for (name, ..) in FAMILIES {
        writeln!(out, "    {name},").unwrap();
    }
    out.push_str(")\n");
    for &(family, ..) in FAMILIES {
        let kinds = kinds_of(family);
        if kinds.is_empty() {
            continue;
        }
        writeln!(out, "from .{} import (", kinds_module(family)).unwrap();
        for kind in kinds {
            writeln!(out, "    {},", python_name(kind)).unwrap();
        }
        out.push_str(")\n");
    }
    out.push_str("\n__all__ = [\n    \"AuthError\",\n");
    for (name, ..) in FAMILIES {
        writeln!(out, "    \"{name}\",").unwrap();
    }
    for &kind in Error::ALL {
        writeln!(out, "    \"{}\",", python_name(kind)).unwrap();
    }
    out.push_str(
        r"]

# Defined in the private modules above, at home here: pickle, repr and the docs
# find every class as airisk_auth.errors.<name>.
for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
",
    );
    out
}

/// The private module holding the kinds of the family class `family`
/// (`TokenError` -> `_token_errors`).
fn kinds_module(family: &str) -> String {
    let stem = family.strip_suffix("Error").unwrap_or(family);
    format!("_{}_errors", stem.to_ascii_lowercase())
}

/// The kinds whose Python family class is `family`, in code order.
fn kinds_of(family: &str) -> Vec<Error> {
    Error::ALL
        .iter()
        .copied()
        .filter(|&kind| family_class(kind) == family)
        .collect()
}

/// The first lines of a private module of `errors.py`.
fn private_module_header(what: &str) -> String {
    format!(
        r#""""{what} of :mod:`airisk_auth.errors`: import them from there.

Generated from ``airisk_auth::Error::ALL`` by ``crates/airisk-auth/tests/generated.rs``;
do not edit. Regenerate: ``{REGENERATE}``.
"""

from __future__ import annotations

from typing import ClassVar
"#
    )
}

/// `_error_families.py`: `AuthError` and the family classes.
fn python_error_families() -> String {
    let mut out = private_module_header("The base class and the family classes");
    out.push_str(
        r#"

class AuthError(ValueError):
    """Base class of every airisk_auth error.

    ``code`` is the stable numeric kind (the C result code), ``name`` the core's name
    of the kind. Only the classes of kinds are raised; the base's ``code`` is 0.
    """

    code: ClassVar[int] = 0
    name: ClassVar[str] = "AuthError"
    claim: str | None = None
    setting: str | None = None
    allowed: str | None = None
    filename: str | None = None
"#,
    );
    python_family_classes(&mut out);
    out
}

/// `_token_errors.py` and its siblings: the classes of the kinds of `family`.
fn python_kinds_module(family: &str) -> String {
    let mut out = private_module_header(&format!("The {family} classes"));
    writeln!(out, "\nfrom ._error_families import {family}").unwrap();
    python_kind_classes(&mut out, &kinds_of(family));
    out
}

/// The family classes (in `_error_families.py`), each listing its members.
fn python_family_classes(out: &mut String) {
    for &(name, base, summary, family) in FAMILIES {
        let members = match family {
            Some(f) => format!(
                "Its kinds: {}.",
                Error::ALL
                    .iter()
                    .filter(|k| k.family() == f)
                    .map(|&k| format!("``{}``", python_name(k)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => format!(
                "Its families: {}.",
                FAMILIES
                    .iter()
                    .filter(|(_, b, ..)| *b == name)
                    .map(|(class, ..)| format!(":class:`{class}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        write!(
            out,
            "\n\nclass {name}({base}):\n    \"\"\"{summary}\n\n{}    \"\"\"\n",
            wrap(&members, "    ", 88)
        )
        .unwrap();
    }
}

/// The bases of a kind's class: its family, and `OSError` first for
/// [`Error::Io`] (so `except OSError` catches an unreadable file, and `errno`,
/// `strerror` and `filename` are the OS error's, as Python's own are).
fn python_bases(kind: Error) -> String {
    match kind {
        Error::Io => format!("OSError, {}", family_class(kind)),
        _ => family_class(kind).to_owned(),
    }
}

/// One class per core error kind of `kinds`.
fn python_kind_classes(out: &mut String, kinds: &[Error]) {
    for &kind in kinds {
        let name = python_name(kind);
        assert!(
            name != "AuthError" && FAMILIES.iter().all(|(f, ..)| *f != name),
            "{kind:?}: its class name {name} is a family's"
        );
        let summary = py_docstring_text(&capitalised(&kind.to_string()));
        write!(
            out,
            "\n\nclass {name}({}):\n    \"\"\"{summary} (code {}).\n\n",
            python_bases(kind),
            kind.code()
        )
        .unwrap();
        for line in doc_lines(kind) {
            if line.is_empty() {
                out.push('\n');
            } else {
                writeln!(out, "    {}", py_docstring_text(line)).unwrap();
            }
        }
        writeln!(
            out,
            "    \"\"\"\n\n    code: ClassVar[int] = {}\n    name: ClassVar[str] = \"{}\"",
            kind.code(),
            kind.name()
        )
        .unwrap();
    }
}

/// The exception classes' part of `__init__.pyi`'s `__all__` (mypy reads only literal
/// lists there, not `errors.__all__`).
fn python_stub_all() -> String {
    let mut out = String::from("__all__ += [\n    \"AuthError\",\n");
    let names = FAMILIES
        .iter()
        .map(|(name, ..)| (*name).to_owned())
        .chain(Error::ALL.iter().map(|&k| python_name(k)));
    for name in names {
        writeln!(out, "    \"{name}\",").unwrap();
    }
    out.push_str("]\n");
    out
}

/// `file` with the lines between its `begin` and `end` marker lines replaced by `fresh`.
fn with_region(file: &str, begin: &str, end: &str, fresh: &str) -> String {
    let start = file
        .find(begin)
        .and_then(|at| file[at..].find('\n').map(|nl| at + nl + 1))
        .unwrap_or_else(|| panic!("no `{begin}` line"));
    let stop = start
        + file[start..]
            .find(end)
            .unwrap_or_else(|| panic!("no `{end}` line"));
    format!("{}{fresh}{}", &file[..start], &file[stop..])
}

/// Rewrites `relative` under UPDATE_GENERATED, else fails when it differs from `fresh`.
fn sync(relative: &str, fresh: &str) {
    let path = repo_root().join(relative);
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{relative} is stale (the core's error kinds changed): run `{REGENERATE}`"
    );
}

#[test]
fn c_result_codes_are_generated_from_the_core() {
    sync("bindings/c/src/result/codes.rs", &c_result_codes());
}

#[test]
fn python_exception_classes_are_generated_from_the_core() {
    const PACKAGE: &str = "bindings/python/python/airisk_auth";
    sync(&format!("{PACKAGE}/errors.py"), &python_errors());
    sync(
        &format!("{PACKAGE}/_error_families.py"),
        &python_error_families(),
    );
    for &(family, ..) in FAMILIES {
        if !kinds_of(family).is_empty() {
            sync(
                &format!("{PACKAGE}/{}.py", kinds_module(family)),
                &python_kinds_module(family),
            );
        }
    }
}

#[test]
fn python_stub_lists_every_exception_class() {
    let relative = "bindings/python/python/airisk_auth/__init__.pyi";
    let committed = std::fs::read_to_string(repo_root().join(relative)).unwrap();
    let fresh = with_region(
        &committed,
        "# BEGIN the error classes",
        "# END the error classes",
        &python_stub_all(),
    );
    sync(relative, &fresh);
}

#[test]
fn every_kind_has_a_family_class_and_docs() {
    for &kind in Error::ALL {
        assert!(FAMILIES
            .iter()
            .any(|(name, ..)| *name == family_class(kind)));
        assert!(!doc_lines(kind).is_empty(), "{kind:?} has no doc comment");
    }
    assert_eq!(family_class(Error::WeakKey), "ConfigError");
    assert_eq!(family_class(Error::Expired), "TokenError");
    assert_eq!(family_class(Error::InvalidCode), "RequestError");
}
