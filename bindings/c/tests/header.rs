//! The committed include/airisk_auth.h is exactly what the pinned cbindgen makes
//! from this crate now. Rewrite it with
//! `UPDATE_HEADER=1 cargo test -p airisk-auth-c --test header`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_core::Error;
use std::path::PathBuf;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    crate_dir().join("../../include/airisk_auth.h")
}

fn generate() -> String {
    let dir = crate_dir();
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).unwrap();
    let bindings = cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn committed_header_is_up_to_date() {
    let fresh = generate();
    let path = header_path();
    if std::env::var_os("UPDATE_HEADER").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: run `UPDATE_HEADER=1 cargo test -p airisk-auth-c --test header`",
        path.display()
    );
}

fn header() -> String {
    std::fs::read_to_string(header_path()).unwrap()
}

fn define(header: &str, name: &str) -> String {
    let prefix = format!("#define {name} ");
    header
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("{name} is not defined"))
        .trim()
        .to_owned()
}

#[test]
fn version_macros_match_cargo_toml() {
    let h = header();
    assert_eq!(
        define(&h, "AIRISK_AUTH_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        define(&h, "AIRISK_AUTH_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        define(&h, "AIRISK_AUTH_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION_PATCH")
    );
    // AIRISK_AUTH_VERSION_STRING is made from these by the preprocessor; the C
    // test checks it against airisk_version().
    assert!(h.contains("#define AIRISK_AUTH_VERSION_STRING"));
    // The core and the C library are released together.
    assert_eq!(airisk_core::VERSION, env!("CARGO_PKG_VERSION"));
}

#[test]
fn defaults_match_the_core() {
    use airisk_core::{code, flow, token};
    let h = header();
    let num = |name| define(&h, name).trim_end_matches(['U', 'L']).to_owned();
    assert_eq!(
        num("AIRISK_DEFAULT_LEEWAY"),
        token::DEFAULT_LEEWAY.to_string()
    );
    assert_eq!(
        num("AIRISK_DEFAULT_MAX_TOKEN_LEN"),
        token::DEFAULT_MAX_TOKEN_LEN.to_string()
    );
    assert_eq!(
        num("AIRISK_DEFAULT_CODE_TTL"),
        code::DEFAULT_CODE_TTL.to_string()
    );
    assert_eq!(
        num("AIRISK_DEFAULT_TOKEN_TTL"),
        flow::DEFAULT_TOKEN_TTL.to_string()
    );
}

/// `TokenTooLarge` -> `AIRISK_TOKEN_TOO_LARGE`.
fn c_name(core_name: &str) -> String {
    let mut out = String::from("AIRISK_");
    for (i, ch) in core_name.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

#[test]
fn result_enum_is_exactly_ok_and_the_core_errors() {
    let h = header();
    let start = h.find("enum airisk_result\n").expect("the result enum");
    let open = start + h[start..].find(" {\n").unwrap();
    let body = &h[open..open + h[open..].find('}').unwrap()];
    let mut found: Vec<(String, u32)> = body
        .lines()
        .filter_map(|l| {
            let (name, value) = l.trim().trim_end_matches(',').split_once(" = ")?;
            Some((name.to_owned(), value.parse().ok()?))
        })
        .collect();
    let mut expected: Vec<(String, u32)> = Error::ALL
        .iter()
        .map(|e| (c_name(e.name()), e.code()))
        .collect();
    expected.push(("AIRISK_OK".into(), 0));
    found.sort_by_key(|(_, n)| *n);
    expected.sort_by_key(|(_, n)| *n);
    assert_eq!(found, expected);
    assert!(h.contains("typedef uint32_t airisk_result;"));
}

#[test]
fn every_symbol_is_prefixed() {
    let h = header();
    for line in h.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("#define ") {
            let name = rest.split_whitespace().next().unwrap();
            assert!(name.starts_with("AIRISK_"), "{name}");
        }
        if let Some(rest) = line.strip_prefix("typedef struct ") {
            // `typedef struct {` (a struct with public fields) is named by its closing line.
            assert!(rest.starts_with("airisk_") || rest == "{", "{line}");
        }
        if let Some(rest) = line.strip_prefix("} ").and_then(|r| r.strip_suffix(';')) {
            assert!(rest.starts_with("airisk_"), "{line}");
        }
        if let Some(open) = line.find('(') {
            // A prototype: `ret airisk_name(`
            if !line.starts_with("//") && !line.starts_with('*') && line.ends_with([',', '(', ';'])
            {
                let name = line[..open].rsplit([' ', '*']).next().unwrap();
                if !name.is_empty() {
                    assert!(name.starts_with("airisk_"), "{line}");
                }
            }
        }
    }
}
