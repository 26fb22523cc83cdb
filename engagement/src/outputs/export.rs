//! Samples, test grids and their results for a reviewer's spreadsheet: an XLSX workbook (a
//! summary sheet, an exceptions sheet with management's responses, then one sheet per control),
//! or CSV files (one table each, the sheet's description in its own `-about` file). Dates are
//! dates and amounts numbers, headers are frozen with filters, long text wraps.
//!
//! Client data stays data: text beginning with `=`, `+`, `-` or `@` (or a tab or carriage
//! return) would run as a formula once the file is opened, so XLSX stores text as string cells in
//! text format, and CSV prefixes such text with an apostrophe, as spreadsheet programs expect;
//! numbers are written as numbers, so a negative amount stays a number.

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

use crate::archive::paths::NameSet;
use crate::error::{Error, Result};
use crate::report::grid::{grid, seed_origin};
use crate::store::EngagementFile;
use crate::testing::TICKMARKS;
use crate::workpaper::Workpaper;

/// A value as the spreadsheet should hold it.
enum Cell {
    Text(String),
    /// Long text, wrapped in its cell.
    Wrapped(String),
    Count(f64),
    Money(f64),
    Date(NaiveDate),
    Empty,
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Text(s) | Cell::Wrapped(s) => csv_safe(s),
            Cell::Count(x) => x.to_string(),
            Cell::Money(x) => format!("{x:.2}"),
            Cell::Date(d) => d.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A header row and its rows, with each column's width in characters.
struct Table {
    header: Vec<String>,
    widths: Vec<f64>,
    rows: Vec<Vec<Cell>>,
}

/// One sheet: what it describes (label and value, above the table in XLSX, in its own file in
/// CSV) and its table.
struct Sheet {
    name: String,
    about: Vec<(String, Cell)>,
    table: Table,
}

/// The first columns of a sample's grid in the exports, before the attributes; the results
/// import finds the grid by this header and reads it back.
pub(crate) const ITEM_COLUMNS: [&str; 5] = ["#", "Row in listing", "Key", "Date", "Amount"];
/// After each attribute's outcome column ("A: Approved before deployment?") comes its note
/// column ("A note"), and after all of them the evidence the item's results cite.
pub(crate) const NOTE_SUFFIX: &str = " note";
pub(crate) const EVIDENCE_COLUMN: &str = "Evidence";

fn signed(s: &Option<crate::signoff::Signoff>) -> Cell {
    match s {
        Some(s) if s.changed_since.is_some() => text(format!("{} {} (changed since signed)", s.initials, &s.signed_at[..10.min(s.signed_at.len())])),
        Some(s) => text(format!("{} {}", s.initials, &s.signed_at[..10.min(s.signed_at.len())])),
        None => Cell::Empty,
    }
}

fn summary(workpapers: &[Workpaper]) -> Sheet {
    let header = ["Control", "Criteria", "Population", "Items in the population", "Sample size", "Items deviating", "Conclusion", "Preparer", "Reviewer"];
    let rows = workpapers
        .iter()
        .map(|wp| {
            let population = wp.sample.as_ref().map(|s| wp.population_of(s));
            vec![
                text(&wp.control.reference),
                text(wp.control.criteria.join(", ")),
                population.map_or(Cell::Empty, |p| text(&p.source_name)),
                wp.sample.as_ref().map_or(Cell::Empty, |s| Cell::Count(s.population_size as f64)),
                wp.sample.as_ref().map_or(Cell::Empty, |s| Cell::Count(s.items.len() as f64)),
                wp.sample.as_ref().map_or(Cell::Empty, |s| Cell::Count(s.deviations as f64)),
                wp.conclusion.as_ref().map_or(Cell::Empty, |c| text(c.conclusion.title())),
                signed(&wp.preparer),
                signed(&wp.reviewer),
            ]
        })
        .collect();
    Sheet {
        name: "Summary".into(),
        about: Vec::new(),
        table: Table { header: header.map(String::from).to_vec(), widths: vec![12.0, 14.0, 26.0, 12.0, 10.0, 10.0, 34.0, 22.0, 22.0], rows },
    }
}

fn exceptions(workpapers: &[Workpaper]) -> Sheet {
    let header = ["Control", "Exception", "Items", "Management's response", "Given by", "On"];
    let rows = workpapers
        .iter()
        .flat_map(|wp| {
            wp.exceptions.iter().map(|e| {
                let response = match (&e.management_response, e.response_declined) {
                    (Some(note), true) => format!("Management declined to respond: {note}"),
                    (Some(text), false) => text.clone(),
                    (None, _) => String::new(),
                };
                vec![
                    text(&wp.control.reference),
                    Cell::Wrapped(e.description.clone()),
                    text(e.items.iter().map(|p| (p + 1).to_string()).collect::<Vec<_>>().join(", ")),
                    Cell::Wrapped(response),
                    e.response_by.clone().map_or(Cell::Empty, text),
                    e.response_on.map_or(Cell::Empty, Cell::Date),
                ]
            })
        })
        .collect();
    Sheet { name: "Exceptions".into(), about: Vec::new(), table: Table { header: header.map(String::from).to_vec(), widths: vec![12.0, 50.0, 10.0, 50.0, 24.0, 12.0], rows } }
}

fn control(wp: &Workpaper) -> Sheet {
    let c = &wp.control;
    let mut about = vec![("Control".to_owned(), text(&c.reference)), ("Control activity".to_owned(), Cell::Wrapped(c.description.clone()))];
    let Some(s) = &wp.sample else {
        about.push(("Sample".into(), text("No live sample")));
        return Sheet { name: c.reference.clone(), about, table: Table { header: Vec::new(), widths: Vec::new(), rows: Vec::new() } };
    };
    let population = wp.population_of(s);
    about.extend([
        ("Sample".to_owned(), text(format!("sample {}: {} of {} items", s.number, s.items.len(), s.population_size))),
        ("Population".to_owned(), text(format!("{} ({})", population.source_name, population.description))),
        ("Population fingerprint".to_owned(), text(&s.fingerprint)),
        ("Method".to_owned(), text(&s.method)),
        ("Size".to_owned(), Cell::Wrapped(s.reasoning.clone())),
        ("Seed".to_owned(), text(format!("{} ({})", s.seed, seed_origin(s)))),
        ("Drawn".to_owned(), text(&s.drawn_at)),
    ]);
    if let Some(m) = &s.monetary {
        about.extend([
            ("Hits".to_owned(), Cell::Count(m.hits as f64)),
            ("Items".to_owned(), text(format!("{} items, {} in the top stratum", m.items, m.top_stratum))),
            ("Book value".to_owned(), Cell::Money(m.book_cents as f64 / 100.0)),
            ("Interval".to_owned(), Cell::Money(m.interval_cents / 100.0)),
            ("Random start".to_owned(), m.random_start.map_or_else(|| text("none (cell selection)"), |r| Cell::Count(r as f64))),
        ]);
        if let Some(upper) = m.upper_limit_cents {
            about.push(("Projected misstatement".to_owned(), Cell::Money(m.projected_cents.unwrap_or_default() / 100.0)));
            about.push(("Upper misstatement limit".to_owned(), Cell::Money(upper / 100.0)));
        }
    }
    if let Some(evaluation) = &s.evaluation {
        about.push(("Evaluation".to_owned(), Cell::Wrapped(evaluation.clone())));
    }
    about.push(("Legend".to_owned(), text(TICKMARKS.iter().map(|t| format!("{} {}", t.mark, t.meaning)).collect::<Vec<_>>().join("; "))));

    let mut header: Vec<String> = ITEM_COLUMNS.iter().map(|h| h.to_string()).collect();
    let mut widths = vec![5.0, 9.0, 16.0, 11.0, 13.0];
    for a in &c.attributes {
        header.push(format!("{}: {}", a.label, a.question));
        header.push(format!("{}{NOTE_SUFFIX}", a.label));
        widths.extend([14.0, 30.0]);
    }
    header.push(EVIDENCE_COLUMN.into());
    widths.push(12.0);
    if s.monetary.is_some() {
        header.extend(["Audited amount".to_owned(), "Audited note".to_owned()]);
        widths.extend([14.0, 30.0]);
    }
    header.extend(s.columns.iter().cloned());
    widths.extend(s.columns.iter().map(|_| 16.0));
    let rows = grid(wp, s)
        .into_iter()
        .map(|row| {
            let mut cells = vec![
                Cell::Count(row.number as f64),
                Cell::Count(row.item.row as f64),
                text(&row.item.key),
                row.item.date.map_or(Cell::Empty, Cell::Date),
                row.item.amount_cents.map_or(Cell::Empty, |cents| Cell::Money(cents as f64 / 100.0)),
            ];
            for (mark, note) in row.marks.iter().zip(&row.notes) {
                cells.push(text(mark));
                cells.push(Cell::Wrapped(note.clone()));
            }
            cells.push(text(row.evidence.join(", ")));
            if let Some(m) = &s.monetary {
                let audited = m.audited.iter().find(|a| a.position == row.item.position);
                cells.push(audited.map_or(Cell::Empty, |a| Cell::Money(a.audit_cents as f64 / 100.0)));
                cells.push(Cell::Wrapped(audited.and_then(|a| a.note.clone()).unwrap_or_default()));
            }
            cells.extend(row.item.fields.iter().map(text));
            cells
        })
        .collect();
    Sheet { name: c.reference.clone(), about, table: Table { header, widths, rows } }
}

fn sheets(file: &EngagementFile) -> Result<Vec<Sheet>> {
    let workpapers = file.workpapers()?;
    let mut sheets = vec![summary(&workpapers), exceptions(&workpapers)];
    sheets.extend(workpapers.iter().map(control));
    Ok(sheets)
}

/// Excel's rules for sheet names: at most 31 characters, none of `[]:*?/\`, unique without
/// regard to case.
fn sheet_name(reference: &str, taken: &mut HashSet<String>) -> String {
    let base: String = reference.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).take(28).collect();
    let base = base.trim_matches('\'').to_owned();
    let base = if base.is_empty() { "Control".to_owned() } else { base };
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{base}~{n}");
        n += 1;
    }
    name
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Io { path: "samples.xlsx".into(), source: std::io::Error::other(e) }
}

/// The apostrophe prefix that keeps a spreadsheet from reading a CSV value as a formula; a
/// plain number (a negative amount in a text column, say) is left as it is.
fn csv_safe(value: &str) -> String {
    let number = value.strip_prefix('-').is_some_and(|rest| !rest.is_empty() && rest.split_once('.').map_or(rest, |(w, _)| w).bytes().all(|b| b.is_ascii_digit()) && value.parse::<f64>().is_ok());
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && !number {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// A sheet written into `ws`: what it describes above its table, the header frozen and
/// filtered, then the rows.
fn write_sheet(ws: &mut Worksheet, sheet: &Sheet, formats: &Formats) -> Result<()> {
    let mut r = 0u32;
    if !sheet.about.is_empty() {
        ws.set_column_width(0, 24).map_err(xlsx_error)?;
        for (label, value) in &sheet.about {
            ws.write_string_with_format(r, 0, label, &formats.label).map_err(xlsx_error)?;
            formats.write(ws, r, 1, value)?;
            r += 1;
        }
        r += 1;
    }
    let table = &sheet.table;
    if table.header.is_empty() {
        return Ok(());
    }
    for (c, (title, width)) in table.header.iter().zip(&table.widths).enumerate() {
        ws.write_string_with_format(r, c as u16, title, &formats.header).map_err(xlsx_error)?;
        if sheet.about.is_empty() || c > 0 {
            ws.set_column_width(c as u16, *width).map_err(xlsx_error)?;
        }
    }
    // The header stays in view, and each column can be filtered.
    ws.set_freeze_panes(r + 1, 0).map_err(xlsx_error)?;
    let last_row = r + table.rows.len() as u32;
    ws.autofilter(r, 0, last_row, (table.header.len() - 1) as u16).map_err(xlsx_error)?;
    for row in &table.rows {
        r += 1;
        for (c, cell) in row.iter().enumerate() {
            formats.write(ws, r, c as u16, cell)?;
        }
    }
    Ok(())
}

/// A table's header and rows as CSV records.
fn table_rows(table: &Table) -> impl Iterator<Item = Vec<String>> + '_ {
    std::iter::once(table.header.iter().map(|h| csv_safe(h)).collect()).chain(table.rows.iter().map(|r| r.iter().map(Cell::csv).collect()))
}

/// CSV in UTF-8 with a byte-order mark, as spreadsheet programs recognise it.
fn csv_bytes(name: &str, rows: &mut dyn Iterator<Item = Vec<String>>) -> Result<Vec<u8>> {
    let io = |e: csv::Error| Error::Io { path: name.into(), source: e.into() };
    let mut out = csv::WriterBuilder::new().flexible(true).from_writer("\u{feff}".as_bytes().to_vec());
    for row in rows {
        out.write_record(&row).map_err(io)?;
    }
    out.into_inner().map_err(|e| Error::Io { path: name.into(), source: e.into_error() })
}

/// The formats cells are written in.
struct Formats {
    text: Format,
    wrapped: Format,
    money: Format,
    date: Format,
    label: Format,
    header: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            text: Format::new().set_num_format("@"),
            wrapped: Format::new().set_num_format("@").set_text_wrap().set_align(FormatAlign::Top),
            money: Format::new().set_num_format("#,##0.00"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            label: Format::new().set_bold(),
            header: Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top).set_background_color("#EEF0F3"),
        }
    }

    fn write(&self, ws: &mut Worksheet, r: u32, c: u16, cell: &Cell) -> Result<()> {
        match cell {
            Cell::Text(s) => ws.write_string_with_format(r, c, s, &self.text),
            Cell::Wrapped(s) => ws.write_string_with_format(r, c, s, &self.wrapped),
            Cell::Count(x) => ws.write_number(r, c, *x),
            Cell::Money(x) => ws.write_number_with_format(r, c, *x, &self.money),
            Cell::Date(d) => {
                let date = ExcelDateTime::from_ymd(chrono::Datelike::year(d) as u16, chrono::Datelike::month(d) as u8, chrono::Datelike::day(d) as u8).map_err(xlsx_error)?;
                ws.write_datetime_with_format(r, c, &date, &self.date)
            }
            Cell::Empty => return Ok(()),
        }
        .map(drop)
        .map_err(xlsx_error)
    }
}

impl EngagementFile {
    /// The workbook: a summary sheet, the exceptions with management's responses, and one sheet
    /// per control with its sample described above its grid.
    pub fn samples_xlsx(&self) -> Result<Vec<u8>> {
        let mut workbook = Workbook::new();
        let formats = Formats::new();
        let mut taken = HashSet::new();
        for sheet in sheets(self)? {
            let ws = workbook.add_worksheet();
            ws.set_name(sheet_name(&sheet.name, &mut taken)).map_err(xlsx_error)?;
            write_sheet(ws, &sheet, &formats)?;
        }
        workbook.save_to_buffer().map_err(xlsx_error)
    }

    /// CSV in UTF-8 with a byte-order mark: one table per file (`summary.csv`,
    /// `exceptions.csv`, `<control>.csv`) and each control's description in `<control>-about.csv`:
    /// `(file name, bytes)`.
    pub fn samples_csv(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let mut names = NameSet::default();
        let mut files = Vec::new();
        let write = csv_bytes;
        for sheet in sheets(self)? {
            let base = sheet.name.to_lowercase().replace(' ', "-");
            let base = if sheet.about.is_empty() { base } else { sheet.name.clone() };
            if !sheet.about.is_empty() {
                let name = names.claim(&format!("{base}-about.csv"));
                let mut rows = sheet.about.iter().map(|(label, value)| vec![label.clone(), value.csv()]);
                files.push((name.clone(), write(&name, &mut rows)?));
            }
            if !sheet.table.header.is_empty() {
                let name = names.claim(&format!("{base}.csv"));
                files.push((name.clone(), write(&name, &mut table_rows(&sheet.table))?));
            }
        }
        Ok(files)
    }
}

/// The request list's columns, as the client's copy has them and its import reads them back.
pub(crate) const REQUEST_COLUMNS: [&str; 8] = ["Reference", "Request", "Controls", "Requested on", "Due", "Status", "Client comments", "File names"];
/// The statuses the client's copy offers, as its drop-down lists them.
pub(crate) const REQUEST_STATUSES: [(&str, crate::request::RequestStatus); 5] = [
    ("open", crate::request::RequestStatus::Open),
    ("received", crate::request::RequestStatus::Received),
    ("closed", crate::request::RequestStatus::Closed),
    ("not needed", crate::request::RequestStatus::NotNeeded),
    ("not provided", crate::request::RequestStatus::NotProvided),
];

fn request_sheet(file: &EngagementFile) -> Result<Sheet> {
    let controls: std::collections::HashMap<i64, String> = file.controls()?.into_iter().map(|c| (c.id, c.reference)).collect();
    let rows = file
        .requests()?
        .into_iter()
        .map(|r| {
            let status = REQUEST_STATUSES.iter().find(|(_, s)| *s == r.input.status).map_or("open", |(word, _)| word);
            vec![
                text(&r.input.number),
                Cell::Wrapped(r.input.title.clone()),
                r.input.control_id.and_then(|id| controls.get(&id)).map_or(Cell::Empty, text),
                Cell::Date(r.input.requested_on),
                r.input.due_on.map_or(Cell::Empty, Cell::Date),
                text(status),
                r.client_comment.clone().map_or(Cell::Empty, Cell::Wrapped),
                r.client_files.clone().map_or(Cell::Empty, text),
            ]
        })
        .collect();
    Ok(Sheet {
        name: "Requests".into(),
        about: Vec::new(),
        table: Table { header: REQUEST_COLUMNS.map(String::from).to_vec(), widths: vec![11.0, 50.0, 14.0, 12.0, 12.0, 14.0, 40.0, 30.0], rows },
    })
}

impl EngagementFile {
    /// The request list for the client: one sheet, the status a drop-down of the list's
    /// statuses, and columns for the client's comments and the names of the files they send.
    pub fn request_list_xlsx(&self) -> Result<Vec<u8>> {
        let sheet = request_sheet(self)?;
        let mut workbook = Workbook::new();
        let ws = workbook.add_worksheet();
        ws.set_name("Requests").map_err(xlsx_error)?;
        write_sheet(ws, &sheet, &Formats::new())?;
        let statuses: Vec<&str> = REQUEST_STATUSES.iter().map(|(word, _)| *word).collect();
        let validation = rust_xlsxwriter::DataValidation::new()
            .allow_list_strings(&statuses)
            .map_err(xlsx_error)?
            .set_error_message("Choose one of the list's statuses.")
            .map_err(xlsx_error)?;
        let last = sheet.table.rows.len().max(1) as u32;
        ws.add_data_validation(1, 5, last, 5, &validation).map_err(xlsx_error)?;
        workbook.save_to_buffer().map_err(xlsx_error)
    }

    /// The same list as one CSV file.
    pub fn request_list_csv(&self) -> Result<Vec<u8>> {
        let sheet = request_sheet(self)?;
        let bytes = csv_bytes("requests.csv", &mut table_rows(&sheet.table))?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_values_are_defused_for_csv_and_numbers_stay_numbers() {
        assert_eq!(csv_safe("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(csv_safe("+1"), "'+1");
        assert_eq!(csv_safe("-2+3"), "'-2+3");
        assert_eq!(csv_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_safe("CHG0040717"), "CHG0040717");
        assert_eq!(csv_safe("-1234.50"), "-1234.50", "a negative amount stays a number");
        assert_eq!(csv_safe("-12"), "-12");
        assert_eq!(csv_safe("-"), "'-");
    }

    #[test]
    fn sheet_names_follow_excel_rules_and_stay_unique() {
        let mut taken = HashSet::new();
        assert_eq!(sheet_name("CC8.1/01", &mut taken), "CC8.1_01");
        assert_eq!(sheet_name("cc8.1/01", &mut taken), "cc8.1_01~2");
        let long = sheet_name(&"X".repeat(40), &mut taken);
        assert!(long.chars().count() <= 31);
    }
}