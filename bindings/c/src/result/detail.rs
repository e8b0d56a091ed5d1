//! The detail of this thread's last failure: what `airisk_last_error_detail()` reads.
//!
//! A result code is a `Copy` number; some failures know more (the file and the
//! OS error, the line and column in a key or registry document, the setting
//! and its range). Those calls keep that text here, per thread, when they fail.
//! Every other failing call empties it, so the text always belongs to the last
//! failure. Successful calls do not touch it, and a failure without a detail
//! touches it only when one is held: the verify path allocates nothing.

use airisk_core::Error;
use core::cell::{Cell, RefCell};
use core::ffi::c_char;
use std::ffi::CString;

thread_local! {
    /// The text, when the last failure on this thread had one.
    static DETAIL: RefCell<Option<CString>> = const { RefCell::new(None) };
    /// Whether `DETAIL` holds a text: a plain flag, so that checking it never
    /// registers a thread-exit destructor (which allocates).
    static HELD: Cell<bool> = const { Cell::new(false) };
}

/// A failure and what it is about: what the calls that know more return.
#[derive(Debug)]
pub(crate) struct Detailed {
    pub(crate) kind: Error,
    pub(crate) detail: Option<String>,
}

impl From<Error> for Detailed {
    fn from(kind: Error) -> Self {
        Detailed { kind, detail: None }
    }
}

impl From<airisk_core::file::FileError> for Detailed {
    /// The file's kind (`AIRISK_IO` when it could not be read), with the path
    /// and the OS error or the position in its document.
    fn from(e: airisk_core::file::FileError) -> Self {
        Detailed::new(e.kind(), e.to_string())
    }
}

impl From<airisk_core::diagnostic::SettingError> for Detailed {
    /// `AIRISK_INVALID_CONFIGURATION`, naming the setting and its range.
    fn from(e: airisk_core::diagnostic::SettingError) -> Self {
        Detailed::new(e.kind(), e.to_string())
    }
}

impl Detailed {
    /// `kind`, explained by `detail`.
    pub(crate) fn new(kind: Error, detail: impl Into<String>) -> Self {
        Detailed {
            kind,
            detail: Some(detail.into()),
        }
    }
}

/// Records the detail of a failure (`None`: it has none).
pub(crate) fn record(detail: Option<String>) {
    match detail {
        // A NUL inside is impossible in the core's messages; drop the text then.
        Some(text) => {
            let text = CString::new(text).ok();
            HELD.with(|held| held.set(text.is_some()));
            DETAIL.with(|d| *d.borrow_mut() = text);
        }
        None => {
            if HELD.with(Cell::get) {
                HELD.with(|held| held.set(false));
                DETAIL.with(|d| *d.borrow_mut() = None);
            }
        }
    }
}

/// The recorded detail, or an empty string; valid until the next failing call
/// on this thread.
pub(crate) fn last() -> *const c_char {
    if !HELD.with(Cell::get) {
        return c"".as_ptr();
    }
    DETAIL.with(|d| {
        d.borrow()
            .as_ref()
            .map_or(c"".as_ptr(), |text| text.as_ptr())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read() -> String {
        let text = DETAIL.with(|d| d.borrow().clone());
        text.map(|t| t.into_string().unwrap_or_default())
            .unwrap_or_default()
    }

    #[test]
    fn a_failure_without_detail_empties_the_last_one() {
        record(Some("keys.json: line 1, column 2: x".into()));
        assert_eq!(read(), "keys.json: line 1, column 2: x");
        assert!(!last().is_null());
        record(None);
        assert_eq!(read(), "");
    }
}
