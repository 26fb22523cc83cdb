use std::path::Path;
use std::sync::mpsc::sync_channel;

use calamine::{open_workbook, DataRef, Reader, Xlsx};

use super::{error, Source, SourceDigest, SourceRow};
use crate::error::Result;

/// The most the shared strings of a workbook may decompress to. calamine holds them all in
/// memory (sheets it streams), so a larger part (a 400 MB "string" in a 400 KB file, say) is
/// refused before it is read.
pub(crate) const MAX_SHARED_STRINGS_BYTES: u64 = 256 << 20;

/// Refuses a workbook whose shared strings would decompress past the limit, by the sizes its zip
/// directory declares (the reader stops at them).
fn check_parts(path: &Path, file: &str) -> Result<()> {
    let opened = std::fs::File::open(path).map_err(|e| error(file, None, None, format!("the file cannot be read: {e}")))?;
    let mut zip = zip::ZipArchive::new(opened).map_err(|e| error(file, None, None, format!("the file cannot be read as an Excel workbook: {e}")))?;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|e| error(file, None, None, format!("the workbook is damaged: {e}")))?;
        if String::from_utf8_lossy(part.name_raw()).eq_ignore_ascii_case("xl/sharedStrings.xml") && part.size() > MAX_SHARED_STRINGS_BYTES {
            return Err(error(
                file,
                None,
                None,
                format!("its shared strings (xl/sharedStrings.xml) decompress to {} MB, more than the {} MB Tickmark reads", part.size() >> 20, MAX_SHARED_STRINGS_BYTES >> 20),
            ));
        }
    }
    Ok(())
}

/// calamine's streaming cell reader borrows its workbook, so a thread owns the workbook and
/// hands over whole rows through a short channel: the sheet is never all in memory.
pub(super) fn open(path: &Path, file: &str) -> Result<Source> {
    check_parts(path, file)?;
    let mut workbook: Xlsx<_> = open_workbook(path).map_err(|e| error(file, None, None, format!("the file cannot be read as an Excel workbook: {e}")))?;
    let sheet = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| error(file, None, None, "the workbook has no worksheet"))?;
    let (tx, rx) = sync_channel::<Result<SourceRow>>(256);
    let file_owned = file.to_owned();
    let formulas = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let formulas_seen = formulas.clone();
    std::thread::spawn(move || {
        let mut send_rows = || -> Result<()> {
            let mut cells = workbook
                .worksheet_cells_reader(&sheet)
                .map_err(|e| error(&file_owned, None, None, format!("sheet \"{sheet}\" cannot be read: {e}")))?;
            let mut current: Option<SourceRow> = None;
            loop {
                let cell = cells.next_cell_with_formula_metadata().map_err(|e| error(&file_owned, None, None, format!("sheet \"{sheet}\" cannot be read: {e}")))?;
                let Some(cell) = cell else { break };
                let (r, c) = cell.pos;
                let row = u64::from(r) + 1;
                if cell.formula.is_some() && matches!(cell.value, DataRef::Empty) {
                    formulas_seen.lock().unwrap_or_else(|p| p.into_inner()).push((row, c as usize));
                }
                if current.as_ref().is_some_and(|(n, _)| *n != row) && tx.send(Ok(current.take().expect("checked above"))).is_err() {
                    return Ok(());
                }
                let text = text(&file_owned, row, &cell.value)?;
                if text.is_empty() {
                    continue;
                }
                let (_, cells_of_row) = current.get_or_insert_with(|| (row, Vec::new()));
                let c = c as usize;
                if cells_of_row.len() <= c {
                    cells_of_row.resize(c + 1, String::new());
                }
                cells_of_row[c] = text;
            }
            if let Some(last) = current {
                let _ = tx.send(Ok(last));
            }
            Ok(())
        };
        if let Err(e) = send_rows() {
            let _ = tx.send(Err(e));
        }
    });
    let mut rows = rx.into_iter();
    let (_, header) = match rows.next() {
        None => return Err(error(file, None, None, "the first worksheet is empty: expected a header row and at least one data row")),
        Some(first) => first?,
    };
    Ok(Source {
        file: file.to_owned(),
        rows: Box::new(widen(rows, header.len(), file.to_owned())),
        header,
        digest: SourceDigest::Reread(path.to_owned()),
        formulas_without_value: formulas,
    })
}

/// Rows as the header is wide: short rows padded, cells beyond the header refused.
fn widen(rows: impl Iterator<Item = Result<SourceRow>> + Send + 'static, width: usize, file: String) -> impl Iterator<Item = Result<SourceRow>> + Send {
    rows.map(move |row| {
        let (n, mut cells) = row?;
        if cells.len() > width {
            return Err(error(&file, Some(n), None, format!("this row has a value in column {} but the header has {width} columns", cells.len())));
        }
        cells.resize(width, String::new());
        Ok((n, cells))
    })
}

pub(super) fn text(file: &str, row: u64, value: &DataRef) -> Result<String> {
    Ok(match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.to_string(),
            None => dt.as_f64().to_string(),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => return Err(error(file, Some(row), None, format!("this cell holds the spreadsheet error {e}"))),
    })
}

