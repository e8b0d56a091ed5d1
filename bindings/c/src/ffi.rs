//! Every `unsafe` operation of the crate, and the panic boundary.
//!
//! The exported functions (one module per C type) never touch a raw pointer
//! themselves: they call these helpers, which turn C arguments into Rust
//! references, slices and strings (or an error code) under the caller's
//! contract written in the header. The application's store callbacks are
//! called from the submodule `ffi/callbacks.rs`. A test (`tests/unsafe_confined.rs`)
//! fails when the keyword `unsafe` appears in any other source file.

#![allow(unsafe_code)]

mod callbacks;

pub(crate) use callbacks::CallbackLedger;

use crate::claims_view::airisk_claims_view;
use crate::result::airisk_result;
use crate::result::detail::{self, Detailed};
use airisk_core::Error;
use core::ffi::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use zeroize::Zeroize;

/// Runs `body` so that nothing unwinds into C: a panic becomes `AIRISK_INTERNAL`.
/// A failure empties the detail `airisk_last_error_detail()` reads.
pub(crate) fn boundary(body: impl FnOnce() -> Result<(), Error>) -> airisk_result {
    boundary_detailed(|| body().map_err(Detailed::from))
}

/// [`boundary`] for the calls that can say more than the code: a failure
/// records its detail (or none) for `airisk_last_error_detail()`.
pub(crate) fn boundary_detailed(body: impl FnOnce() -> Result<(), Detailed>) -> airisk_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => airisk_result::AIRISK_OK,
        Ok(Err(Detailed { kind, detail })) => {
            detail::record(detail);
            airisk_result::from(kind)
        }
        Err(_) => {
            detail::record(None);
            airisk_result::AIRISK_INTERNAL
        }
    }
}

/// Like [`boundary`] for functions that return a plain value: a panic gives `fallback`.
pub(crate) fn boundary_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// A shared reference to the object behind a handle, or `InvalidArgument` for NULL.
pub(crate) fn handle<'a, T>(ptr: *const T) -> Result<&'a T, Error> {
    // SAFETY: the header's contract: a non-NULL handle was returned by this
    // library's constructor for this type and not yet freed, and is only used
    // through shared references (every handle type is immutable or Sync).
    unsafe { ptr.as_ref() }.ok_or(Error::InvalidArgument)
}

/// Moves `value` to the heap and writes the owning pointer to `out`.
/// `out` was checked non-NULL by [`out_ptr`] before any work was done.
pub(crate) fn give<T>(out: OutPtr<*mut T>, value: T) {
    let raw = Box::into_raw(Box::new(value));
    // SAFETY: `out` is non-NULL (checked by `out_ptr`) and, by the header's
    // contract, points to writable storage for one pointer.
    unsafe { out.0.write(raw) };
}

/// Writes a plain value to a checked out-parameter.
pub(crate) fn put<T: Copy>(out: OutPtr<T>, value: T) {
    // SAFETY: as in `give`: non-NULL and writable by contract.
    unsafe { out.0.write(value) };
}

/// Frees a handle made by [`give`]; NULL is a no-op.
pub(crate) fn free<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the header's contract: `ptr` came from this library's
        // constructor for `T` (so from `Box::into_raw`) and is freed once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// An out-parameter known to be non-NULL. Written only on success.
#[derive(Clone, Copy)]
pub(crate) struct OutPtr<T>(*mut T);

/// Checks an out-parameter up front, so that a NULL one fails before any work.
pub(crate) fn out_ptr<T>(ptr: *mut T) -> Result<OutPtr<T>, Error> {
    if ptr.is_null() {
        Err(Error::InvalidArgument)
    } else {
        Ok(OutPtr(ptr))
    }
}

/// An optional out-parameter (NULL means "not wanted").
pub(crate) fn put_opt<T: Copy>(ptr: *mut T, value: T) {
    if !ptr.is_null() {
        put(OutPtr(ptr), value);
    }
}

/// The bytes `(ptr, len)`: `InvalidArgument` for a NULL `ptr` (unless `len` is 0).
pub(crate) fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], Error> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Error::InvalidArgument)
        };
    }
    if isize::try_from(len).is_err() {
        return Err(Error::InvalidArgument);
    }
    // SAFETY: the header's contract: `ptr` points to `len` readable bytes that
    // stay unchanged for the duration of the call; the length fits in isize.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// The `len` values at `ptr` (a C array): `InvalidArgument` for a NULL `ptr` (unless
/// `len` is 0) or an array too large to exist.
#[cfg_attr(not(feature = "redis"), allow(dead_code))] // the Redis store's seeds
pub(crate) fn slice<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], Error> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Error::InvalidArgument)
        };
    }
    let size = len
        .checked_mul(size_of::<T>())
        .ok_or(Error::InvalidArgument)?;
    if isize::try_from(size).is_err() || !ptr.is_aligned() {
        return Err(Error::InvalidArgument);
    }
    // SAFETY: the header's contract: `ptr` points to `len` initialised values of `T`
    // that stay unchanged for the duration of the call; the size fits in isize and
    // the pointer is aligned (checked above).
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// UTF-8 text `(ptr, len)`: `InvalidArgument` for NULL or invalid UTF-8.
pub(crate) fn text<'a>(ptr: *const c_char, len: usize) -> Result<&'a str, Error> {
    let raw = bytes(ptr.cast::<u8>(), len)?;
    core::str::from_utf8(raw).map_err(|_| Error::InvalidArgument)
}

/// Optional UTF-8 text `(ptr, len)`: `None` when `ptr` is NULL.
pub(crate) fn opt_text<'a>(ptr: *const c_char, len: usize) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        text(ptr, len).map(Some)
    }
}

/// A NUL-terminated UTF-8 string: `InvalidArgument` for NULL or invalid UTF-8.
pub(crate) fn cstr<'a>(ptr: *const c_char) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(Error::InvalidArgument);
    }
    // SAFETY: the header's contract: a non-NULL `ptr` points to a
    // NUL-terminated string that stays unchanged for the duration of the call.
    let raw = unsafe { core::ffi::CStr::from_ptr(ptr) };
    raw.to_str().map_err(|_| Error::InvalidArgument)
}

/// A NUL-terminated UTF-8 string of at most `max` bytes, read no further than
/// `max + 1` bytes: `InvalidArgument` for NULL, a longer string or invalid UTF-8.
pub(crate) fn cstr_bounded<'a>(ptr: *const c_char, max: usize) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(Error::InvalidArgument);
    }
    let bytes = ptr.cast::<u8>();
    let mut len = 0;
    loop {
        // SAFETY: the header's contract: a non-NULL `ptr` points to a
        // NUL-terminated string that stays unchanged for the duration of the
        // call; every byte up to its NUL is readable, and the loop stops at
        // the NUL (or before, at `max + 1`).
        if unsafe { bytes.add(len).read() } == 0 {
            break;
        }
        if len == max {
            return Err(Error::InvalidArgument);
        }
        len += 1;
    }
    text(ptr, len)
}

/// An optional NUL-terminated UTF-8 string: `None` when `ptr` is NULL.
pub(crate) fn opt_cstr<'a>(ptr: *const c_char) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        cstr(ptr).map(Some)
    }
}

/// Copies `src` and a NUL into the caller's buffer `(buf, cap)`.
///
/// # Errors
/// `InvalidArgument` for a NULL `buf`; `BufferTooSmall` (nothing written) when
/// `src.len() + 1 > cap`.
pub(crate) fn copy_out(src: &[u8], buf: *mut c_char, cap: usize) -> Result<(), Error> {
    if buf.is_null() {
        return Err(Error::InvalidArgument);
    }
    if src.len() >= cap {
        return Err(Error::BufferTooSmall);
    }
    // SAFETY: the header's contract: `buf` points to `cap` writable bytes that
    // do not overlap memory owned by this library; we write `src.len() + 1 <= cap`.
    unsafe {
        core::ptr::copy_nonoverlapping(src.as_ptr(), buf.cast::<u8>(), src.len());
        buf.cast::<u8>().add(src.len()).write(0);
    }
    Ok(())
}

/// Hands a Rust string to C as a `char *` that `airisk_string_free` releases.
///
/// # Errors
/// `Internal` if `s` contains a NUL (tokens never do).
pub(crate) fn give_string(out: OutPtr<*mut c_char>, s: String) -> Result<(), Error> {
    let owned = std::ffi::CString::new(s).map_err(|_| Error::Internal)?;
    put(out, owned.into_raw());
    Ok(())
}

/// Hands secret text (a private key set) to C without leaving copies behind:
/// the buffer is allocated once at its final size (a growing one would free
/// unwiped copies), and [`free_string`] wipes it.
///
/// # Errors
/// `Internal` if `s` contains a NUL (JSON text never does); the copy is wiped.
pub(crate) fn give_secret_string(out: OutPtr<*mut c_char>, s: &str) -> Result<(), Error> {
    let mut bytes = Vec::with_capacity(s.len().checked_add(1).ok_or(Error::Internal)?);
    bytes.extend_from_slice(s.as_bytes());
    bytes.push(0);
    let owned = std::ffi::CString::from_vec_with_nul(bytes).map_err(|e| {
        e.into_bytes().zeroize();
        Error::Internal
    })?;
    put(out, owned.into_raw());
    Ok(())
}

/// Releases a string made by [`give_string`] or [`give_secret_string`], wiping
/// its bytes first (any of them may hold a secret); NULL is a no-op.
pub(crate) fn free_string(ptr: *mut c_char) {
    if !ptr.is_null() {
        // SAFETY: the header's contract: `ptr` came from `give_string` or
        // `give_secret_string` and is freed once.
        let owned = unsafe { std::ffi::CString::from_raw(ptr) };
        owned.into_bytes_with_nul().zeroize();
    }
}

/// Calls the application's claims reader with a view alive for the call.
pub(crate) fn read_claims(
    read: unsafe extern "C" fn(*const airisk_claims_view, *mut c_void),
    view: &airisk_claims_view,
    context: *mut c_void,
) {
    // SAFETY: the contract of `airisk_claims_reader`: a function taking a view
    // (readable during the call: a reference to a local) and the caller's own
    // `context`, which does not unwind and keeps no pointer of the view.
    unsafe { read(view, context) }
}

/// A copy of the struct `*ptr`, or `InvalidArgument` for NULL.
pub(crate) fn read<T: Copy>(ptr: *const T) -> Result<T, Error> {
    // SAFETY: the header's contract: a non-NULL `ptr` points to a readable,
    // initialised `T` (a plain C struct) for the duration of the call.
    unsafe { ptr.as_ref() }
        .copied()
        .ok_or(Error::InvalidArgument)
}
