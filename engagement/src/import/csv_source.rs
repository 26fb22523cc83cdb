use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use super::{error, HashingReader, Source, SourceDigest};
use crate::error::{Error, Result};

type Reader = csv::Reader<BufReader<HashingReader<File>>>;

pub(super) fn open(path: &Path, file: &str) -> Result<Source> {
    let reader = File::open(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    let hasher = Arc::default();
    let hashing = HashingReader { inner: reader, hasher: Arc::clone(&hasher) };
    let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(BufReader::with_capacity(1 << 16, hashing));
    let mut record = csv::ByteRecord::new();
    if !read(&mut csv, &mut record, file, 1)? {
        return Err(error(file, None, None, "the file is empty: expected a header row and at least one data row"));
    }
    let header = decode(file, 1, &record, None)?;
    let (file_owned, columns) = (file.to_owned(), header.clone());
    let mut row = 1;
    let rows = std::iter::from_fn(move || {
        row += 1;
        match read(&mut csv, &mut record, &file_owned, row) {
            Ok(false) => None,
            Ok(true) if record.len() != columns.len() => Some(Err(error(
                &file_owned,
                Some(row),
                None,
                format!("this row has {} fields but the header has {}", record.len(), columns.len()),
            ))),
            Ok(true) => Some(decode(&file_owned, row, &record, Some(&columns)).map(|cells| (row, cells))),
            Err(e) => Some(Err(e)),
        }
    });
    Ok(Source { file: file.to_owned(), header, rows: Box::new(rows), digest: SourceDigest::Streamed(hasher), formulas_without_value: Default::default() })
}

fn read(csv: &mut Reader, record: &mut csv::ByteRecord, file: &str, row: u64) -> Result<bool> {
    csv.read_byte_record(record).map_err(|e| error(file, Some(row), None, format!("the file cannot be read as CSV: {e}")))
}

/// Cells as UTF-8 text; the csv crate has already dropped a leading byte-order mark.
fn decode(file: &str, row: u64, record: &csv::ByteRecord, columns: Option<&[String]>) -> Result<Vec<String>> {
    record
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            String::from_utf8(bytes.to_vec()).map_err(|_| {
                let column = columns.and_then(|c| c.get(i)).map(String::as_str);
                error(file, Some(row), column, "this cell is not valid UTF-8 text; save the listing as CSV UTF-8 and import it again")
            })
        })
        .collect()
}
