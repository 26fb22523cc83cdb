//! Samples and test grids for the auditor's own spreadsheet work: an XLSX workbook with one sheet
//! per control, or one CSV file per control. Client data stays data: a value beginning with
//! `=`, `+`, `-` or `@` (or a tab or carriage return) would run as a formula once the file is
//! opened, so XLSX stores every text as a text-formatted string cell and CSV prefixes such a
//! value with an apostrophe, as spreadsheet programs expect.

use std::collections::HashSet;

use rust_xlsxwriter::{Format, Workbook};

use crate::archive::paths::NameSet;
use crate::error::{Error, Result};
use crate::report::grid::{grid, seed_origin};
use crate::testing::TICKMARKS;
use crate::store::EngagementFile;

enum Cell {
    Text(String),
    Number(f64),
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// One control's sheet: who and what was sampled, how, and the grid.
struct Sheet {
    reference: String,
    rows: Vec<Vec<Cell>>,
}

/// The first columns of a sample's grid in the exports, before the attributes; the results
/// import finds the grid by this header and reads it back.
pub(crate) const ITEM_COLUMNS: [&str; 5] = ["#", "Row in listing", "Key", "Date", "Amount"];
/// After each attribute's outcome column ("A: Approved before deployment?") comes its note
/// column ("A note"), and after all of them the evidence the item's results cite.
pub(crate) const NOTE_SUFFIX: &str = " note";
pub(crate) const EVIDENCE_COLUMN: &str = "Evidence";

fn sheets(file: &EngagementFile) -> Result<Vec<Sheet>> {
    Ok(file
        .workpapers()?
        .into_iter()
        .map(|wp| {
            let c = &wp.control;
            let mut rows = vec![vec![text("Control"), text(&c.reference)], vec![text("Control activity"), text(&c.description)]];
            match &wp.sample {
                None => rows.push(vec![text("Sample"), text("No live sample")]),
                Some(s) => {
                    let population = wp.population_of(s);
                    rows.push(Vec::new());
                    rows.extend([
                        vec![text("Sample"), text(format!("sample {}: {} of {} items", s.id, s.items.len(), s.population_size))],
                        vec![text("Population"), text(&population.source_name), text(&population.description)],
                        vec![text("Population fingerprint"), text(&s.fingerprint)],
                        vec![text("Method"), text(&s.method)],
                        vec![text("Size"), Cell::Number(s.items.len() as f64), text(&s.reasoning)],
                        vec![text("Seed"), text(&s.seed), text(seed_origin(s))],
                        vec![text("Drawn"), text(&s.drawn_at)],
                    ]);
                    if let Some(m) = &s.monetary {
                        rows.extend([
                            vec![text("Hits"), Cell::Number(m.hits as f64), text(format!("{} items, {} in the top stratum", m.items, m.top_stratum))],
                            vec![text("Book value"), Cell::Number(m.book_cents as f64 / 100.0)],
                            vec![text("Interval"), Cell::Number(m.interval_cents / 100.0)],
                            vec![text("Random start"), m.random_start.map_or_else(|| text("none (cell selection)"), |r| Cell::Number(r as f64))],
                        ]);
                        if let Some(upper) = m.upper_limit_cents {
                            rows.push(vec![text("Projected misstatement"), Cell::Number(m.projected_cents.unwrap_or_default() / 100.0)]);
                            rows.push(vec![text("Upper misstatement limit"), Cell::Number(upper / 100.0)]);
                        }
                    }
                    if let Some(evaluation) = &s.evaluation {
                        rows.push(vec![text("Evaluation"), text(evaluation)]);
                    }
                    rows.push(Vec::new());
                    let mut header: Vec<Cell> = ITEM_COLUMNS.iter().map(|h| text(*h)).collect();
                    for a in &c.attributes {
                        header.push(text(format!("{}: {}", a.label, a.question)));
                        header.push(text(format!("{}{NOTE_SUFFIX}", a.label)));
                    }
                    header.push(text(EVIDENCE_COLUMN));
                    if s.monetary.is_some() {
                        header.extend([text("Audited amount"), text("Audited note")]);
                    }
                    header.extend(s.columns.iter().map(text));
                    rows.push(header);
                    for row in grid(&wp, s) {
                        let mut cells = vec![
                            Cell::Number(row.number as f64),
                            Cell::Number(row.item.row as f64),
                            text(&row.item.key),
                            text(row.item.date.map(|d| d.to_string()).unwrap_or_default()),
                            row.item.amount_cents.map_or_else(|| text(""), |cents| Cell::Number(cents as f64 / 100.0)),
                        ];
                        for (mark, note) in row.marks.iter().zip(&row.notes) {
                            cells.push(text(mark));
                            cells.push(text(note));
                        }
                        cells.push(text(row.evidence.join(", ")));
                        if let Some(m) = &s.monetary {
                            let audited = m.audited.iter().find(|a| a.position == row.item.position);
                            cells.push(audited.map_or_else(|| text(""), |a| Cell::Number(a.audit_cents as f64 / 100.0)));
                            cells.push(text(audited.and_then(|a| a.note.clone()).unwrap_or_default()));
                        }
                        cells.extend(row.item.fields.iter().map(text));
                        rows.push(cells);
                    }
                }
            }
            rows.push(Vec::new());
            rows.push(vec![text("Tickmark legend")]);
            rows.extend(TICKMARKS.iter().map(|t| vec![text(t.mark), text(t.meaning)]));
            Sheet { reference: c.reference.clone(), rows }
        })
        .collect())
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

/// The apostrophe prefix that keeps a spreadsheet from reading a CSV value as a formula.
fn csv_safe(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

impl EngagementFile {
    /// The workbook of samples and test grids, one sheet per control.
    pub fn samples_xlsx(&self) -> Result<Vec<u8>> {
        let mut workbook = Workbook::new();
        let as_text = Format::new().set_num_format("@");
        let bold = Format::new().set_bold();
        let mut taken = HashSet::new();
        for sheet in sheets(self)? {
            let worksheet = workbook.add_worksheet();
            worksheet.set_name(sheet_name(&sheet.reference, &mut taken)).map_err(xlsx_error)?;
            worksheet.set_column_width(0, 24).map_err(xlsx_error)?;
            for (r, row) in sheet.rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    match cell {
                        Cell::Text(s) if c == 0 && !s.is_empty() && row.len() > 1 => worksheet.write_string_with_format(r, c, s, &bold),
                        Cell::Text(s) => worksheet.write_string_with_format(r, c, s, &as_text),
                        Cell::Number(x) => worksheet.write_number(r, c, *x),
                    }
                    .map_err(xlsx_error)?;
                }
            }
        }
        workbook.save_to_buffer().map_err(xlsx_error)
    }

    /// One CSV file per control, named after its reference: `(file name, bytes)`.
    pub fn samples_csv(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let mut names = NameSet::default();
        sheets(self)?
            .into_iter()
            .map(|sheet| {
                let mut out = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
                for row in &sheet.rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|cell| match cell {
                            Cell::Text(s) => csv_safe(s),
                            Cell::Number(x) => x.to_string(),
                        })
                        .collect();
                    out.write_record(&cells).map_err(|e| Error::Io { path: format!("{}.csv", sheet.reference).into(), source: e.into() })?;
                }
                let bytes = out.into_inner().map_err(|e| Error::Io { path: format!("{}.csv", sheet.reference).into(), source: e.into_error() })?;
                Ok((names.claim(&format!("{}.csv", sheet.reference)), bytes))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_values_are_defused_for_csv() {
        assert_eq!(csv_safe("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(csv_safe("+1"), "'+1");
        assert_eq!(csv_safe("-2+3"), "'-2+3");
        assert_eq!(csv_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_safe("CHG0040717"), "CHG0040717");
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
