//! Reading a client's listing (CSV or XLSX) row by row, so a million-row population streams
//! through without being held in memory. Every refusal names the file, the row as a spreadsheet
//! shows it (the header is row 1) and the column.

mod csv_source;
mod xlsx_source;

use std::path::Path;

use crate::error::{Error, Result};

/// One data row: its spreadsheet row number and its cells as text.
pub(crate) type SourceRow = (u64, Vec<String>);

/// A listing opened for reading: its header and its rows, one at a time.
pub(crate) struct Source {
    pub file: String,
    pub header: Vec<String>,
    pub rows: Box<dyn Iterator<Item = Result<SourceRow>>>,
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
