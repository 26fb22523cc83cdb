//! Writing what the auditor asked to take out of the engagement file: a report, a workpaper, an
//! export. These are the only plaintext copies Tickmark makes, and it never overwrites a file.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Creates a new file at `path` readable and writable by its owner only (on Unix), refusing if
/// something is already there: what it will hold is the client's.
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Writes `bytes` to a new file at `path`, owner-only, refusing if something is already there.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |source| Error::Io { path: path.to_owned(), source };
    let mut out = create_private(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::AlreadyExists { path: path.to_owned() },
        _ => io(e),
    })?;
    out.write_all(bytes).map_err(io)?;
    out.sync_all().map_err(io)
}
