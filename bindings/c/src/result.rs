//! The result codes: the core's error kinds, with the same numbers, plus `AIRISK_OK`.
//!
//! The enum itself is generated from `airisk_auth::Error::ALL` into `result/codes.rs`
//! (by `crates/airisk-auth/tests/generated.rs`: cbindgen reads source, so the enum is
//! written out, not made by a macro); this file converts to it and describes codes.

#![allow(non_camel_case_types)]

mod codes;
pub(crate) mod detail;

pub use codes::airisk_result;

use airisk_core::Error;
use std::ffi::CString;
use std::sync::OnceLock;

impl From<Error> for airisk_result {
    /// The code with the error's number. A kind the generated enum does not know
    /// (impossible while `tests/generated.rs` passes) becomes `AIRISK_INTERNAL`.
    fn from(e: Error) -> Self {
        Self::from_code(e.code()).unwrap_or(Self::AIRISK_INTERNAL)
    }
}

struct Texts {
    /// (code, name, message), NUL-terminated, for every core error kind.
    entries: Vec<(u32, CString, CString)>,
}

fn texts() -> &'static Texts {
    static TEXTS: OnceLock<Texts> = OnceLock::new();
    TEXTS.get_or_init(|| Texts {
        entries: Error::ALL
            .iter()
            .filter_map(|e| {
                let name = CString::new(e.name()).ok()?;
                let text = CString::new(e.to_string()).ok()?;
                Some((e.code(), name, text))
            })
            .collect(),
    })
}

/// The name and message of a non-zero `code`, if it is one of the core's.
fn entry(code: u32) -> Option<&'static (u32, CString, CString)> {
    texts().entries.iter().find(|(c, _, _)| *c == code)
}

/// The message of `code` (the core's `Display` text), NUL-terminated and static.
pub(crate) fn text(code: u32) -> &'static core::ffi::CStr {
    if code == 0 {
        return c"success";
    }
    entry(code).map_or(c"unknown result code", |(_, _, t)| t.as_c_str())
}

/// The name of `code` (the core's `Error::name()`, e.g. `Expired`), NUL-terminated and static.
pub(crate) fn name(code: u32) -> &'static core::ffi::CStr {
    if code == 0 {
        return c"Ok";
    }
    entry(code).map_or(c"Unknown", |(_, n, _)| n.as_c_str())
}

/// `TokenTooLarge` -> `AIRISK_TOKEN_TOO_LARGE`.
#[cfg(test)]
pub(crate) fn c_name(core_name: &str) -> String {
    let mut out = String::from("AIRISK_");
    for (i, ch) in core_name.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_error_has_the_same_number_and_name() {
        for &e in Error::ALL {
            let c = airisk_result::from(e);
            #[allow(clippy::as_conversions)] // the discriminant of a fieldless repr(u32) enum
            let number = c as u32;
            assert_eq!(number, e.code(), "{e:?}");
            assert_eq!(format!("{c:?}"), c_name(e.name()), "{e:?}");
            assert_eq!(name(e.code()).to_str().unwrap(), e.name());
            assert_eq!(text(e.code()).to_str().unwrap(), e.to_string());
        }
        assert_eq!(name(0).to_str().unwrap(), "Ok");
        assert_eq!(name(9999).to_str().unwrap(), "Unknown");
        assert_eq!(text(9999).to_str().unwrap(), "unknown result code");
    }
}
