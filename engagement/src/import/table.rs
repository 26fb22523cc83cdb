//! A small spreadsheet read whole, for inputs that are tables rather than listings (test results
//! brought back from Excel): every sheet of an XLSX workbook, or the one table of a CSV file,
//! each row with the number a spreadsheet shows for it and its cells as text.

use std::path::Path;

use calamine::{open_workbook, Reader, Xlsx};

use super::{error, xlsx_source};
use crate::error::{Error, Result};

/// More cells than any sheet of results holds: beyond it the file is refused, not read on.
const MAX_CELLS: usize = 2_000_000;

pub(crate) struct Table {
    /// The sheet's name; none for a CSV file.
    pub sheet: Option<String>,
    pub rows: Vec<(u64, Vec<String>)>,
}

/// The file's name as errors name it, and its tables.
pub(crate) fn read_tables(path: &Path) -> Result<(String, Vec<Table>)> {
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let tables = match extension.as_str() {
        "xlsx" | "xlsm" => xlsx_tables(path, &file)?,
        _ => vec![csv_table(path, &file)?],
    };
    Ok((file, tables))
}

fn too_large(file: &str) -> Error {
    error(file, None, None, format!("the file holds more than {MAX_CELLS} cells; a sheet of results is far smaller"))
}

fn csv_table(path: &Path, file: &str) -> Result<Table> {
    let reader = std::fs::File::open(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(std::io::BufReader::new(reader));
    let (mut rows, mut cells) = (Vec::new(), 0);
    for (i, record) in csv.byte_records().enumerate() {
        let row = i as u64 + 1;
        let record = record.map_err(|e| error(file, Some(row), None, format!("the file cannot be read as CSV: {e}")))?;
        let texts = record
            .iter()
            .map(|bytes| String::from_utf8(bytes.to_vec()).map_err(|_| error(file, Some(row), None, "this row is not valid UTF-8 text; save it as CSV UTF-8")))
            .collect::<Result<Vec<_>>>()?;
        cells += texts.len();
        if cells > MAX_CELLS {
            return Err(too_large(file));
        }
        rows.push((row, texts));
    }
    Ok(Table { sheet: None, rows })
}

fn xlsx_tables(path: &Path, file: &str) -> Result<Vec<Table>> {
    let mut workbook: Xlsx<_> = open_workbook(path).map_err(|e| error(file, None, None, format!("the file cannot be read as an Excel workbook: {e}")))?;
    let mut tables = Vec::new();
    let mut total = 0;
    for sheet in workbook.sheet_names() {
        let mut reader = workbook.worksheet_cells_reader(&sheet).map_err(|e| error(file, None, None, format!("sheet \"{sheet}\" cannot be read: {e}")))?;
        let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(|e| error(file, None, None, format!("sheet \"{sheet}\" cannot be read: {e}")))? {
            let (r, c) = cell.get_position();
            let row = u64::from(r) + 1;
            let text = xlsx_source::text(file, row, cell.get_value())?;
            if text.is_empty() {
                continue;
            }
            total += 1;
            if total > MAX_CELLS || c as usize > 16_384 {
                return Err(too_large(file));
            }
            if rows.last().is_none_or(|(n, _)| *n != row) {
                rows.push((row, Vec::new()));
            }
            let cells = &mut rows.last_mut().expect("pushed above").1;
            if cells.len() <= c as usize {
                cells.resize(c as usize + 1, String::new());
            }
            cells[c as usize] = text;
        }
        tables.push(Table { sheet: Some(sheet), rows });
    }
    Ok(tables)
}
