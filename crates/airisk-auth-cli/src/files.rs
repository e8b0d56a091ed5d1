//! Reading bounded inputs and writing secret files.

use crate::Failure;
use airisk_auth::file;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Reads the text of `path` (`-` is stdin), at most `limit` bytes: no more than
/// `limit + 1` bytes are ever read, into buffers wiped on every path (the
/// core's [`airisk_auth::file::read_bounded`]), so a key or registry file's
/// text is never left behind in freed memory.
pub(crate) fn read_bounded(path: &Path, limit: usize) -> Result<Zeroizing<String>, Failure> {
    let shown = path.display();
    let read = if path.as_os_str() == "-" {
        file::read_bounded(std::io::stdin().lock(), None, limit)
    } else {
        fs::File::open(path).and_then(|f| {
            let size_hint = f.metadata().ok().map(|m| m.len());
            file::read_bounded(f, size_hint, limit)
        })
    };
    let bytes = read
        .map_err(|e| Failure::Io(format!("cannot read {shown}: {e}")))?
        .ok_or_else(|| Failure::Usage(format!("{shown} is larger than {limit} bytes")))?;
    if core::str::from_utf8(&bytes).is_err() {
        return Err(Failure::Usage(format!("{shown} is not UTF-8 text")));
    }
    let mut bytes = bytes;
    // Checked above; moving the bytes into the String neither copies nor reallocates.
    String::from_utf8(core::mem::take(&mut *bytes))
        .map(Zeroizing::new)
        .map_err(|_| Failure::Usage(format!("{shown} is not UTF-8 text")))
}

/// Reads stdin, at most `limit` bytes.
pub(crate) fn read_stdin_bounded(limit: usize) -> Result<Zeroizing<String>, Failure> {
    read_bounded(Path::new("-"), limit)
}

/// Writes `contents` to `path` with mode 0600, atomically: a new file next to
/// it is written, synced and renamed over `path`, so a reader never sees half a
/// key and an existing file is replaced only when `replace` is set.
pub(crate) fn write_secret_file(
    path: &Path,
    contents: &[u8],
    replace: bool,
) -> Result<(), Failure> {
    let shown = path.display();
    if !replace && fs::symlink_metadata(path).is_ok() {
        return Err(Failure::Io(format!(
            "{shown} exists; use --force to replace it or --append to add a key to it"
        )));
    }
    let temp = temp_path(path)?;
    let written = write_new_private(&temp, contents).and_then(|()| {
        if replace {
            fs::rename(&temp, path)
        } else {
            // hard_link fails if `path` appeared meanwhile: never clobber without --force.
            fs::hard_link(&temp, path).and_then(|()| fs::remove_file(&temp))
        }
    });
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(Failure::Io(format!("cannot write {shown}: {e}")));
    }
    Ok(())
}

fn temp_path(path: &Path) -> Result<PathBuf, Failure> {
    let name = path
        .file_name()
        .ok_or_else(|| Failure::Usage(format!("{} is not a file name", path.display())))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", crate::commands::random_hex(6)?));
    Ok(path.with_file_name(temp_name))
}

fn write_new_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    // The umask can only remove bits; set the mode exactly anyway.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(contents)?;
    file.sync_all()
}
