//! NUL-terminated text lent to C.

use crate::ffi;
use core::ffi::c_char;

/// UTF-8 text followed by a NUL, so that C can read it as a string.
pub(crate) struct NulStr(Vec<u8>);

impl core::fmt::Debug for NulStr {
    // Bodies carry access tokens: never print the text.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "<{} bytes>", self.text().len())
    }
}

impl NulStr {
    /// Takes the string's buffer and appends the NUL (no copy when there is capacity).
    pub(crate) fn from_string(s: String) -> Self {
        let mut bytes = s.into_bytes();
        bytes.push(0);
        NulStr(bytes)
    }

    pub(crate) fn text(&self) -> &[u8] {
        self.0.split_last().map_or(&[][..], |(_, text)| text)
    }

    /// The pointer handed to C, and the length (without the NUL) written to `len_out`.
    pub(crate) fn lend(&self, len_out: *mut usize) -> *const c_char {
        ffi::put_opt(len_out, self.text().len());
        self.0.as_ptr().cast::<c_char>()
    }
}

pub(crate) fn lend_opt(s: Option<&NulStr>, len_out: *mut usize) -> *const c_char {
    if let Some(s) = s {
        s.lend(len_out)
    } else {
        ffi::put_opt(len_out, 0);
        core::ptr::null()
    }
}
