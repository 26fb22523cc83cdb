//! Reading a client's listing (CSV or XLSX) row by row, so a million-row population streams
//! through without being held in memory. Every refusal names the file, the row as a spreadsheet
//! shows it (the header is row 1) and the column.

mod csv_source;
pub(crate) mod table;
mod xlsx_source;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// One data row: its spreadsheet row number and its cells as text.
pub(crate) type SourceRow = (u64, Vec<String>);

/// A listing opened for reading: its header and its rows, one at a time. It can move to another
/// thread, so an import reads and prepares rows while the writer stores the previous ones.
pub(crate) struct Source {
    pub file: String,
    pub header: Vec<String>,
    pub rows: Box<dyn Iterator<Item = Result<SourceRow>> + Send>,
    digest: SourceDigest,
    /// Cells (row, column index) holding a formula with no saved value, which a reader takes
    /// for empty; filled as the rows are read (a workbook's only).
    pub formulas_without_value: Arc<Mutex<Vec<(u64, usize)>>>,
}

/// How the SHA-256 of the file as received is taken: as the CSV reader reads it (one pass over
/// the file), or by reading the file again where the reader seeks (XLSX is a zip).
enum SourceDigest {
    Streamed(Arc<Mutex<Sha256>>),
    Reread(PathBuf),
}

impl Source {
    /// The SHA-256 of the whole file; call it after the rows are read.
    pub fn sha256(self) -> Result<String> {
        drop(self.rows);
        match self.digest {
            SourceDigest::Streamed(hasher) => Ok(hex::encode(std::mem::take(&mut *lock(&hasher)).finalize())),
            SourceDigest::Reread(path) => {
                let io = |source| Error::Io { path: path.clone(), source };
                let mut hasher = Sha256::new();
                std::io::copy(&mut std::fs::File::open(&path).map_err(io)?, &mut hasher).map_err(io)?;
                Ok(hex::encode(hasher.finalize()))
            }
        }
    }
}

/// Passes bytes through and hashes them on the way.
pub(crate) struct HashingReader<R> {
    inner: R,
    hasher: Arc<Mutex<Sha256>>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        lock(&self.hasher).update(&buf[..n]);
        Ok(n)
    }
}

/// The hasher is only ever used by one thread at a time, so a poisoned lock still holds a whole
/// state.
fn lock(hasher: &Mutex<Sha256>) -> std::sync::MutexGuard<'_, Sha256> {
    hasher.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(crate) fn open(path: &Path) -> Result<Source> {
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let source = match extension.as_str() {
        "xlsx" | "xlsm" => xlsx_source::open(path, &file)?,
        _ => csv_source::open(path, &file)?,
    };
    check_header(&source)?;
    Ok(source)
}

fn check_header(source: &Source) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for name in &source.header {
        if name.trim().is_empty() {
            return Err(error(&source.file, Some(1), None, "a column has no name in the header row"));
        }
        if !seen.insert(name.trim()) {
            return Err(error(&source.file, Some(1), Some(name), "this column name appears twice in the header row"));
        }
    }
    Ok(())
}

pub(crate) fn error(file: &str, row: Option<u64>, column: Option<&str>, message: impl Into<String>) -> Error {
    Error::Import { file: file.to_owned(), row, column: column.map(str::to_owned), message: message.into() }
}
