//! Writing what the auditor asked to take out of the engagement file: a report, a workpaper, an
//! export. These are the only plaintext copies Tickmark makes, and it never overwrites a file.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to a new file at `path`, refusing if something is already there.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |source| Error::Io { path: path.to_owned(), source };
    let mut out = std::fs::File::create_new(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::AlreadyExists { path: path.to_owned() },
        _ => io(e),
    })?;
    out.write_all(bytes).map_err(io)?;
    out.sync_all().map_err(io)
}
