//! Loading key and registry documents from files: bounded and wiped.
//!
//! The core does no I/O on the request path. Reading a key or registry file
//! at start-up is the one exception, so that every language loads them the
//! same way (issue 20.2, 20.3):
//!
//! - **Bounded**: at most `limit + 1` bytes are ever read (`limit` being the
//!   document bound, [`MAX_KEY_DOCUMENT_LEN`](crate::keys::MAX_KEY_DOCUMENT_LEN)
//!   or [`MAX_REGISTRY_DOCUMENT_LEN`](crate::registry::MAX_REGISTRY_DOCUMENT_LEN)),
//!   whatever the file claims to be: `/dev/zero` or a FIFO is refused as too
//!   large after `limit + 1` bytes, not read to exhaustion.
//! - **Wiped**: the text is read into buffers that are zeroed before they are
//!   freed, growth included (a growing `Vec` would leave each outgrown copy of
//!   the secret behind in freed memory), and handed out as a
//!   [`Zeroizing<String>`].
//! - **Named**: every failure says which file, and keeps the OS error
//!   apart from a refused document ([`FileError`]).

use crate::error::Error;
use std::io::Read;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The first buffer for a file whose size is unknown (a pipe, `/dev/stdin`).
const FIRST_CAPACITY: usize = 8 * 1024;

/// Why a document could not be loaded from a file. Its message names the file
/// and never contains any part of the file's content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file holds more than `limit` bytes; only `limit + 1` were read.
    #[error("{} is larger than {limit} bytes", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The document bound, in bytes.
        limit: usize,
        /// What loading the document gives for a document this large.
        kind: Error,
    },
    /// The file is not UTF-8 text.
    #[error("{} is not UTF-8 text", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// What loading the document gives for text that is not a document.
        kind: Error,
    },
    /// The file was read and its document refused.
    #[error("{}: {detail}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Why, as the loader of the document says it.
        kind: Error,
        /// The loader's explanation (e.g. a registry error's line, column and
        /// message); never contains a secret.
        detail: String,
    },
}

impl FileError {
    /// The file at fault.
    #[must_use]
    pub fn path(&self) -> &Path {
        match self {
            FileError::Io { path, .. }
            | FileError::TooLarge { path, .. }
            | FileError::NotUtf8 { path, .. }
            | FileError::Invalid { path, .. } => path,
        }
    }

    /// The error kind: the document's own ([`Error::InvalidKey`],
    /// [`Error::InvalidRegistry`], …) for a file that was read, or
    /// [`Error::Io`] for one that could not be ([`FileError::Io`] keeps the OS error).
    #[must_use]
    pub fn kind(&self) -> Error {
        match self {
            FileError::Io { .. } => Error::Io,
            FileError::TooLarge { kind, .. }
            | FileError::NotUtf8 { kind, .. }
            | FileError::Invalid { kind, .. } => *kind,
        }
    }

    /// The OS error, for a file that could not be read.
    #[must_use]
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            FileError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<FileError> for Error {
    fn from(e: FileError) -> Self {
        e.kind()
    }
}

/// Reads at most `limit + 1` bytes from `reader` into wiped buffers.
///
/// `size_hint` (e.g. the file's length) sizes the first buffer, so a file that
/// does not change while it is read is read without any regrowth.
///
/// Returns `Ok(None)` when there is more than `limit` bytes.
///
/// # Errors
/// The reader's I/O error.
pub fn read_bounded(
    mut reader: impl Read,
    size_hint: Option<u64>,
    limit: usize,
) -> std::io::Result<Option<Zeroizing<Vec<u8>>>> {
    let cap = limit.saturating_add(1);
    let first = size_hint
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n > 0)
        .map_or(FIRST_CAPACITY, |n| n.saturating_add(1))
        .min(cap);
    let mut buf = Zeroizing::new(vec![0u8; first]);
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            if buf.len() >= cap {
                return Ok(None);
            }
            // Grow into a new wiped buffer; the old one is zeroed when dropped.
            let mut bigger = Zeroizing::new(vec![0u8; buf.len().saturating_mul(2).min(cap)]);
            bigger[..filled].copy_from_slice(&buf[..filled]);
            buf = bigger;
        }
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if filled > limit {
        return Ok(None);
    }
    // Shrinking the length never reallocates: nothing unwiped is left behind.
    buf.truncate(filled);
    Ok(Some(buf))
}

/// Reads the text of the file at `path`, at most `limit` bytes, then hands
/// it to `load`; `kind` is the document's error kind for text too large or not UTF-8.
pub(crate) fn load<T>(
    path: &Path,
    limit: usize,
    kind: Error,
    load: impl FnOnce(&str) -> Result<T, (Error, String)>,
) -> Result<T, FileError> {
    let io = |source| FileError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size_hint = file.metadata().ok().map(|m| m.len());
    let bytes = read_bounded(file, size_hint, limit)
        .map_err(io)?
        .ok_or_else(|| FileError::TooLarge {
            path: path.to_owned(),
            limit,
            kind,
        })?;
    let text = core::str::from_utf8(&bytes).map_err(|_| FileError::NotUtf8 {
        path: path.to_owned(),
        kind,
    })?;
    load(text).map_err(|(kind, detail)| FileError::Invalid {
        path: path.to_owned(),
        kind,
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that never ends, counting what it hands out.
    struct Endless(usize);
    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(b' ');
            self.0 += buf.len();
            Ok(buf.len())
        }
    }

    #[test]
    fn an_endless_reader_is_read_up_to_the_bound_plus_one() {
        let mut endless = Endless(0);
        assert!(read_bounded(&mut endless, None, 100_000).unwrap().is_none());
        assert_eq!(endless.0, 100_001);
        let mut endless = Endless(0);
        // A lying size hint changes nothing.
        assert!(read_bounded(&mut endless, Some(u64::MAX), 10)
            .unwrap()
            .is_none());
        assert_eq!(endless.0, 11);
    }

    #[test]
    fn text_at_the_bound_is_read_whole() {
        let text = vec![b'x'; 20_000];
        let read = read_bounded(&text[..], None, 20_000).unwrap().unwrap();
        assert_eq!(&read[..], &text[..]);
        assert!(read_bounded(&text[..], Some(5), 19_999).unwrap().is_none());
    }

    #[test]
    fn errors_name_the_file() {
        let missing = Path::new("/nonexistent/airisk/keys.json");
        let e = load(missing, 10, Error::InvalidKey, |_| Ok(())).unwrap_err();
        assert_eq!(e.path(), missing);
        assert_eq!(e.kind(), Error::Io);
        assert_eq!(
            e.io_error().map(std::io::Error::kind),
            Some(std::io::ErrorKind::NotFound)
        );
        assert!(e
            .to_string()
            .starts_with("cannot read /nonexistent/airisk/keys.json: "));
    }

    #[cfg(unix)]
    #[test]
    fn dev_zero_is_refused_as_too_large() {
        let e = load(Path::new("/dev/zero"), 1000, Error::InvalidKey, |_| Ok(())).unwrap_err();
        assert!(
            matches!(e, FileError::TooLarge { limit: 1000, .. }),
            "{e:?}"
        );
        assert_eq!(e.kind(), Error::InvalidKey);
        assert_eq!(e.to_string(), "/dev/zero is larger than 1000 bytes");
    }
}
