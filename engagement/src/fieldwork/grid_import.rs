//! Test results brought in from a spreadsheet, so testing can be done in Excel and brought back:
//! the control's sheet that `export` writes, filled in, or a plain list with one result a row
//! (item key, attribute, outcome, note, and optionally evidence), as XLSX or CSV. Every cell is
//! checked before anything is stored, a refusal names the file, the row and the column, and
//! the results land in one transaction or not at all.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::control::Attribute;
use crate::error::{Error, Result};
use crate::export::{EVIDENCE_COLUMN, ITEM_COLUMNS, NOTE_SUFFIX};
use crate::import::error;
use crate::import::table::{read_tables, Table};
use crate::store::EngagementFile;
use crate::testing::{Outcome, TestResult};
use crate::workpaper::SampleView;

/// What an import of results changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResultsImported {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// An outcome as people write it in a sheet: the tickmark, the key the grid uses, or the word.
pub fn parse_outcome(text: &str) -> Option<Outcome> {
    match text.trim().to_lowercase().as_str() {
        "✓" | "p" | "pass" | "passed" | "ok" => Some(Outcome::Pass),
        "x" | "d" | "deviation" | "fail" | "failed" | "exception" => Some(Outcome::Deviation),
        "n/a" | "na" | "n" | "not applicable" => Some(Outcome::NotApplicable),
        _ => None,
    }
}

/// One result as read, with where it was read from.
struct Cell {
    row: u64,
    column: String,
    position: i64,
    attribute: i64,
    outcome: Outcome,
    note: Option<String>,
    evidence: Vec<i64>,
}

/// Where in a header row each of these names is, ignoring case and surrounding spaces.
fn find(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
}

struct Reader<'a> {
    file: &'a str,
    sample: &'a SampleView,
    attributes: &'a [Attribute],
    evidence: HashMap<String, i64>,
}

impl Reader<'_> {
    fn outcome(&self, row: u64, column: &str, text: &str) -> Result<Outcome> {
        parse_outcome(text).ok_or_else(|| {
            error(self.file, Some(row), Some(column), format!("\"{text}\" is not an outcome: write ✓ (or P, pass), X (or D, deviation) or N/A (or N, not applicable)"))
        })
    }

    fn evidence(&self, row: u64, column: &str, text: &str) -> Result<Vec<i64>> {
        text.split([',', ';'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                self.evidence.get(&t.to_uppercase()).copied().ok_or_else(|| error(self.file, Some(row), Some(column), format!("{t} is not an evidence number of this engagement (EV-1, EV-2, …)")))
            })
            .collect()
    }

    /// The sample position of the item in `row`: by its number where the sheet gives one (and
    /// then its key must agree), else by its key, which must name one item of the sample.
    fn position(&self, row: u64, number: Option<(&str, &str)>, key: (&str, &str)) -> Result<i64> {
        let (key_column, key) = key;
        if let Some((column, number)) = number.filter(|(_, n)| !n.trim().is_empty()) {
            let position = number.trim().parse::<i64>().ok().filter(|n| (1..=self.sample.items.len() as i64).contains(n)).ok_or_else(|| {
                error(self.file, Some(row), Some(column), format!("\"{number}\" is not an item of the sample, which has items 1 to {}", self.sample.items.len()))
            })? - 1;
            let item = &self.sample.items[position as usize];
            if !key.trim().is_empty() && item.key != key.trim() {
                return Err(error(self.file, Some(row), Some(key_column), format!("item {} of the sample is {}, not {}", position + 1, item.key, key.trim())));
            }
            return Ok(position);
        }
        let matches: Vec<i64> = self.sample.items.iter().filter(|i| i.key == key.trim()).map(|i| i.position).collect();
        match matches[..] {
            [position] => Ok(position),
            [] => Err(error(self.file, Some(row), Some(key_column), format!("\"{}\" is not an item of sample {}", key.trim(), self.sample.number))),
            _ => Err(error(self.file, Some(row), Some(key_column), format!("\"{}\" appears more than once in the sample: give the item's number (#)", key.trim()))),
        }
    }

    /// A note is required where the outcome needs one, as in the grid.
    fn cell(&self, (row, column): (u64, &str), position: i64, attribute: &Attribute, outcome: Outcome, note: &str, evidence: Vec<i64>) -> Result<Cell> {
        let note = Some(note.trim().to_owned()).filter(|n| !n.is_empty());
        if note.is_none() && outcome != Outcome::Pass {
            let why = if outcome == Outcome::Deviation { "a deviation needs a note: what was found" } else { "\"not applicable\" needs a note: why" };
            return Err(error(self.file, Some(row), Some(column), format!("item {}, attribute {}: {why}", position + 1, attribute.label)));
        }
        Ok(Cell { row, column: column.to_owned(), position, attribute: attribute.id, outcome, note, evidence })
    }

    /// The sheet `export` writes: metadata, then the grid under the header ITEM_COLUMNS.
    fn exported(&self, table: &Table, header_at: usize) -> Result<Vec<Cell>> {
        let (header_row, header) = &table.rows[header_at];
        let mut columns = Vec::new();
        for a in self.attributes {
            let outcome = header.iter().position(|h| h.trim() == a.label || h.starts_with(&format!("{}: ", a.label))).ok_or_else(|| {
                error(self.file, Some(*header_row), None, format!("the header has no column for attribute {} ({})", a.label, a.question))
            })?;
            let note = header.iter().position(|h| h.trim() == format!("{}{NOTE_SUFFIX}", a.label));
            columns.push((a, outcome, note));
        }
        let evidence_column = find(header, &[EVIDENCE_COLUMN]);
        let mut cells = Vec::new();
        let mut previous = *header_row;
        for (row, values) in &table.rows[header_at + 1..] {
            let at = |i: usize| values.get(i).map(String::as_str).unwrap_or("");
            // A blank row (which a workbook does not store, so a gap) ends the grid, as does a
            // row with neither an item number nor a key: the legend that follows the export.
            if *row != previous + 1 || (at(2).trim().is_empty() && at(0).trim().parse::<i64>().is_err()) {
                break;
            }
            previous = *row;
            let position = self.position(*row, Some((ITEM_COLUMNS[0], at(0))), (ITEM_COLUMNS[2], at(2)))?;
            let evidence = match evidence_column {
                Some(i) => self.evidence(*row, EVIDENCE_COLUMN, at(i))?,
                None => Vec::new(),
            };
            for (attribute, outcome_at, note_at) in &columns {
                let column = header[*outcome_at].as_str();
                let note = note_at.map(at).unwrap_or("");
                if at(*outcome_at).trim().is_empty() {
                    if !note.trim().is_empty() {
                        return Err(error(self.file, Some(*row), Some(column), "a note without an outcome: record the outcome too"));
                    }
                    continue;
                }
                let outcome = self.outcome(*row, column, at(*outcome_at))?;
                cells.push(self.cell((*row, column), position, attribute, outcome, note, evidence.clone())?);
            }
        }
        Ok(cells)
    }

    /// One result a row, under a header naming at least the key, the attribute and the outcome.
    fn listed(&self, table: &Table) -> Result<Vec<Cell>> {
        let Some((header_row, header)) = table.rows.first() else { return Ok(Vec::new()) };
        let required = |names: &[&str], what: &str| {
            find(header, names).ok_or_else(|| error(self.file, Some(*header_row), None, format!("the header row needs a column \"{what}\"")))
        };
        let key = required(&["key", "item key", "item"], "key")?;
        let attribute = required(&["attribute"], "attribute")?;
        let outcome = required(&["outcome", "result"], "outcome")?;
        let (number, note, evidence) = (find(header, &["#", "number"]), find(header, &["note", "notes"]), find(header, &[EVIDENCE_COLUMN]));
        let mut cells = Vec::new();
        for (row, values) in &table.rows[1..] {
            let at = |i: usize| values.get(i).map(String::as_str).unwrap_or("");
            if values.iter().all(|v| v.trim().is_empty()) {
                continue;
            }
            let position = self.position(*row, number.map(|i| (header[i].as_str(), at(i))), (header[key].as_str(), at(key)))?;
            let label = at(attribute).trim();
            let a = self.attributes.iter().find(|a| a.label == label || a.question == label).ok_or_else(|| {
                let known: Vec<&str> = self.attributes.iter().map(|a| a.label.as_str()).collect();
                error(self.file, Some(*row), Some(&header[attribute]), format!("\"{label}\" is not an attribute of the control ({})", known.join(", ")))
            })?;
            let column = header[outcome].as_str();
            let value = self.outcome(*row, column, at(outcome))?;
            let evidence = match evidence {
                Some(i) => self.evidence(*row, &header[i], at(i))?,
                None => Vec::new(),
            };
            cells.push(self.cell((*row, column), position, a, value, note.map(at).unwrap_or(""), evidence)?);
        }
        Ok(cells)
    }
}

impl EngagementFile {
    /// Brings the results in `source` into the control's live sample; see the module's doc.
    pub fn import_results(&mut self, control_id: i64, source: &Path) -> Result<ResultsImported> {
        let wp = self.workpaper(control_id)?;
        let reference = &wp.control.reference;
        let sample = wp.sample.as_ref().ok_or_else(|| Error::invalid("sample", format!("{reference} has no live sample to record results on")))?;
        let (file, tables) = read_tables(source)?;
        let evidence = self.evidence()?.into_iter().map(|e| (e.reference().to_uppercase(), e.id)).collect();
        let reader = Reader { file: &file, sample, attributes: &wp.control.attributes, evidence };
        let is_ours = |t: &Table| t.rows.first().is_some_and(|(_, r)| r.len() >= 2 && r[0] == "Control" && r[1] == *reference);
        let table = match tables.iter().find(|t| is_ours(t)) {
            Some(t) => t,
            None if tables.len() == 1 => &tables[0],
            None => {
                let names: Vec<&str> = tables.iter().filter_map(|t| t.sheet.as_deref()).collect();
                return Err(error(&file, None, None, format!("no sheet holds control {reference} (sheets: {})", names.join(", "))));
            }
        };
        let grid_header = table.rows.iter().position(|(_, r)| r.len() >= ITEM_COLUMNS.len() && r[..ITEM_COLUMNS.len()].iter().zip(ITEM_COLUMNS).all(|(a, b)| a == b));
        let cells = match grid_header {
            Some(at) => reader.exported(table, at)?,
            None => reader.listed(table)?,
        };
        let mut seen = HashMap::new();
        for c in &cells {
            if let Some(first) = seen.insert((c.position, c.attribute), c.row) {
                return Err(error(&file, Some(c.row), Some(&c.column), format!("item {} has a second result for this attribute (the first is on row {first})", c.position + 1)));
            }
        }
        let existing: HashMap<(i64, i64), &TestResult> = wp.results_of(sample).map(|r| ((r.position, r.attribute_id), r)).collect();
        let mut counts = ResultsImported { new: 0, changed: 0, unchanged: 0 };
        let mut results = Vec::new();
        for c in cells {
            let before = existing.get(&(c.position, c.attribute));
            let same = before.is_some_and(|r| r.outcome == c.outcome && r.note == c.note && r.evidence == c.evidence);
            match (before, same) {
                (None, _) => counts.new += 1,
                (Some(_), true) => {
                    counts.unchanged += 1;
                    continue;
                }
                (Some(_), false) => counts.changed += 1,
            }
            // A tickmark the preparer typed stays while the outcome does.
            let tickmark = before.filter(|r| r.outcome == c.outcome).and_then(|r| r.tickmark.clone());
            results.push(TestResult { sample_id: sample.id, position: c.position, attribute_id: c.attribute, outcome: c.outcome, tickmark, note: c.note, evidence: c.evidence });
        }
        self.record_results(&results)?;
        Ok(counts)
    }
}
