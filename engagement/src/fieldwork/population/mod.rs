//! Populations: the client's complete listing of a control's occurrences in the period, imported
//! with what an auditor records of information produced by the entity: where it came from, its
//! SHA-256, how many rows, the dates it spans, and the completeness checks (blank keys,
//! duplicate keys, items dated outside the period).

mod changes;
mod intake;

pub use intake::cents;

use std::path::Path;
use std::sync::mpsc::{channel, sync_channel};

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::import::{self, error};
use crate::progress::Progress;

use crate::store::EngagementFile;

/// Which of the listing's columns carry what sampling needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnMapping {
    pub key: String,
    pub date: Option<String>,
    pub amount: Option<String>,
    pub stratum: Option<String>,
}

/// What the completeness checks found. Rows are spreadsheet row numbers (the header is row 1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Findings {
    pub blank_keys: Vec<u64>,
    pub duplicate_keys: Vec<String>,
    pub outside_period: Vec<u64>,
    /// Rows whose date cell is empty, where a date column is mapped: they cannot be placed in
    /// the period. Absent from findings recorded before it was checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undated: Vec<u64>,
    /// Pairs of rows (the earlier first) whose keys differ only by letter case or invisible
    /// characters: likely the same item twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub near_duplicate_keys: Vec<(u64, u64)>,
    /// Rows whose key is a number of more than 15 significant digits: a spreadsheet keeps only
    /// 15, so the key may have lost digits before it reached the listing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub long_numeric_keys: Vec<u64>,
    /// Cells holding invisible or direction-changing characters (zero-width spaces, right-to-left
    /// overrides): text that reads other than it is. The first 1,000.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden_characters: Vec<CellAt>,
    /// Workbook cells holding a formula whose value was never saved (the workbook was written by
    /// a program that does not calculate): imported as empty, though the client's system may
    /// show a value there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub formulas_without_value: Vec<CellAt>,
}

/// A cell: its spreadsheet row and its column's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CellAt {
    pub row: u64,
    pub column: String,
}

impl Findings {
    /// The findings as the workpaper, the window and the command line state them.
    pub fn lines(&self) -> Vec<String> {
        let rows = |list: &[u64]| format!("rows {}", row_list(list));
        let mut lines = Vec::new();
        if !self.blank_keys.is_empty() {
            lines.push(format!("{} blank keys ({})", self.blank_keys.len(), rows(&self.blank_keys)));
        }
        if !self.duplicate_keys.is_empty() {
            lines.push(format!("{} duplicate keys ({})", self.duplicate_keys.len(), self.duplicate_keys.iter().take(10).cloned().collect::<Vec<_>>().join(", ")));
        }
        if !self.near_duplicate_keys.is_empty() {
            let pairs: Vec<String> = self.near_duplicate_keys.iter().take(10).map(|(a, b)| format!("rows {a} and {b}")).collect();
            lines.push(format!("{} keys differ from another only by letter case or invisible characters ({})", self.near_duplicate_keys.len(), pairs.join("; ")));
        }
        if !self.long_numeric_keys.is_empty() {
            lines.push(format!("{} numeric keys longer than the 15 digits a spreadsheet keeps ({})", self.long_numeric_keys.len(), rows(&self.long_numeric_keys)));
        }
        if !self.hidden_characters.is_empty() {
            let cells: Vec<String> = self.hidden_characters.iter().take(10).map(|c| format!("row {}, column \"{}\"", c.row, c.column)).collect();
            lines.push(format!("{} cells hold invisible or right-to-left characters ({})", self.hidden_characters.len(), cells.join("; ")));
        }
        if !self.formulas_without_value.is_empty() {
            let cells: Vec<String> = self.formulas_without_value.iter().take(10).map(|c| format!("row {}, column \"{}\"", c.row, c.column)).collect();
            lines.push(format!("{} cells hold a formula with no saved value, imported as empty ({})", self.formulas_without_value.len(), cells.join("; ")));
        }
        if !self.outside_period.is_empty() {
            lines.push(format!("{} items dated outside the period ({})", self.outside_period.len(), rows(&self.outside_period)));
        }
        if !self.undated.is_empty() {
            lines.push(format!("{} items without a date ({})", self.undated.len(), rows(&self.undated)));
        }
        lines
    }
}

/// Why and by whom a population was taken out of use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Removal {
    pub at: String,
    pub by: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Population {
    pub id: i64,
    pub control_id: i64,
    pub description: String,
    pub source_name: String,
    pub source_sha256: String,
    pub columns: Vec<String>,
    pub mapping: ColumnMapping,
    pub row_count: i64,
    pub date_min: Option<NaiveDate>,
    pub date_max: Option<NaiveDate>,
    pub findings: Findings,
    /// The findings as sentences, for the window (the same the CLI and workpaper print).
    pub finding_lines: Vec<String>,
    /// SHA-256 over the imported rows: the population's fingerprint, from which seeds derive.
    pub fingerprint: String,
    pub imported_at: String,
    /// Items dated within the period, where a date column is mapped.
    pub in_period: Option<i64>,
    /// Why items dated outside the period are in the listing, once the auditor has said.
    pub out_of_period_note: Option<String>,
    /// Set once the population was removed: it stays on record but is no longer sampled.
    pub removed: Option<Removal>,
    /// What its items are called in the report ("change tickets"); "items" when not set.
    pub item_type: Option<String>,
}

impl Population {
    /// What the report calls its items: "change tickets", or "items".
    pub fn noun(&self) -> &str {
        self.item_type.as_deref().unwrap_or("items")
    }

    /// Why this population cannot be sampled now, if it cannot: removed, no item in the period,
    /// or items outside the period not yet explained. Rows are spreadsheet rows.
    pub fn sampling_blocker(&self) -> Option<String> {
        if let Some(removed) = &self.removed {
            return Some(format!("population {} (\"{}\") was removed: {}", crate::model::number::label("population", self.id), self.source_name, removed.reason));
        }
        let outside = &self.findings.outside_period;
        if self.in_period == Some(0) {
            return Some(format!(
                "none of the {} items of \"{}\" is dated within the period, so it cannot be sampled; if the control did not operate in the period, conclude so",
                self.row_count, self.source_name
            ));
        }
        if !outside.is_empty() && self.out_of_period_note.is_none() {
            return Some(format!(
                "{} item(s) of \"{}\" are dated outside the period (rows {}): explain them before sampling",
                outside.len(),
                self.source_name,
                row_list(outside)
            ));
        }
        None
    }
}

/// "2, 5, 9" or "2, 5, 9, … (40 in all)": rows as a spreadsheet numbers them.
pub fn row_list(rows: &[u64]) -> String {
    let shown: Vec<String> = rows.iter().take(12).map(u64::to_string).collect();
    if rows.len() > shown.len() {
        format!("{}, … ({} in all)", shown.join(", "), rows.len())
    } else {
        shown.join(", ")
    }
}

/// One item of a population, as sampling and the test grid show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PopulationItem {
    pub index: i64,
    /// The row a spreadsheet shows for the item in the client's listing (the header is row 1).
    pub row: i64,
    pub key: String,
    pub date: Option<NaiveDate>,
    pub amount_cents: Option<i64>,
    pub stratum: Option<String>,
    pub fields: Vec<String>,
}

/// The first rows of a listing, for choosing the column mapping before importing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListingPreview {
    pub file: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub fn preview_listing(path: &Path, rows: usize) -> Result<ListingPreview> {
    let listing = import::open(path)?;
    let first = listing.rows.take(rows).map(|r| r.map(|(_, cells)| cells)).collect::<Result<_>>()?;
    Ok(ListingPreview { file: listing.file, header: listing.header, rows: first })
}

/// Rows per INSERT statement: one statement per row spends as long starting and finishing each
/// statement as storing its row.
const ROWS_PER_INSERT: usize = 16;

/// SQLite's page cache during an import, in KiB (negative, as the pragma takes it). The key index
/// receives keys in the listing's order; a listing sorted by date rather than key touches the
/// whole index, and once it outgrows the cache every insert rereads and re-encrypts pages (1M
/// shuffled keys: 9.3 s with the default 2 MB, 3.1 s with this). Bounded, and given back after.
const IMPORT_CACHE: i64 = -32 * 1024;

impl EngagementFile {
    /// Imports a listing as the population of a control, in one transaction: a refused or
    /// cancelled import leaves the file as it was. One thread reads and prepares the rows while
    /// this one stores them, a short channel between them so memory stays flat.
    pub fn import_population(
        &mut self,
        control_id: i64,
        source: &Path,
        mapping: &ColumnMapping,
        description: &str,
        progress: Progress,
    ) -> Result<i64> {
        let period = self.info()?.examination.period();
        let listing = import::open(source)?;
        let layout = layout(&listing.file, &listing.header, mapping, period)?;
        let (file, columns) = (listing.file.clone(), listing.header.clone());

        let cache_before: i64 = self.conn().pragma_query_value(None, "cache_size", |r| r.get(0))?;
        self.conn().pragma_update(None, "cache_size", IMPORT_CACHE)?;
        let imported = self.write(|w| {
            crate::signoff::ensure_unlocked(w.tx(), control_id)?;
            let tx = w.tx();
            tx.execute(
                "INSERT INTO population (control_id, description, source_name, source_sha256, columns, mapping, row_count, findings, rows_sha256, imported_at, fingerprint_version, id)
                 VALUES (?1, ?2, ?3, '', ?4, ?5, 0, '', '', ?6, 2, ?7)",
                params![control_id, description.trim(), file, serde_json::to_string(&columns)?, serde_json::to_string(mapping)?, w.at, w.new_id("population")?],
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => Error::NotFound(format!("control {control_id}")),
                _ => e.into(),
            })?;
            let population_id = tx.last_insert_rowid();
            let (to_writer, rows_in) = sync_channel(4);
            let (give_back, returned) = channel();
            let (count, summary) = std::thread::scope(|scope| -> Result<(i64, intake::Summary)> {
                let reader = scope.spawn(|| intake::prepare(listing, &layout, intake::Pipe { to_writer, returned }));
                let insert = |rows: usize| {
                    let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?)"; rows].join(", ");
                    tx.prepare(&format!("INSERT INTO population_row (id, population_id, idx, item_key, item_date, amount_cents, stratum, fields, source_row) VALUES {values}"))
                };
                let (mut insert_many, mut insert_one) = (insert(ROWS_PER_INSERT)?, insert(1)?);
                let mut count: i64 = 0;
                for batch in rows_in {
                    let mut rest = &batch[..];
                    while !rest.is_empty() {
                        let (rows, tail) = rest.split_at(if rest.len() >= ROWS_PER_INSERT { ROWS_PER_INSERT } else { 1 });
                        let statement = if rows.len() == ROWS_PER_INSERT { &mut insert_many } else { &mut insert_one };
                        for (n, row) in rows.iter().enumerate() {
                            let (index, at) = (count + n as i64, n * 9);
                            statement.raw_bind_parameter(at + 1, (population_id << 32) + index)?;
                            statement.raw_bind_parameter(at + 2, population_id)?;
                            statement.raw_bind_parameter(at + 3, index)?;
                            statement.raw_bind_parameter(at + 4, &row.key)?;
                            statement.raw_bind_parameter(at + 5, &row.date)?;
                            statement.raw_bind_parameter(at + 6, row.amount_cents)?;
                            statement.raw_bind_parameter(at + 7, &row.stratum)?;
                            statement.raw_bind_parameter(at + 8, &row.fields)?;
                            statement.raw_bind_parameter(at + 9, row.row as i64)?;
                        }
                        statement.raw_execute()?;
                        let before = count;
                        count += rows.len() as i64;
                        if count / 10_000 != before / 10_000 && !progress(count as u64) {
                            return Err(crate::progress::cancelled(format!("the import of {file}")));
                        }
                        rest = tail;
                    }
                    let _ = give_back.send(batch);
                }
                let summary = reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?.expect("the writer read every row");
                Ok((count, summary))
            })?;
            progress(count as u64);
            let mut findings = summary.findings;
            findings.duplicate_keys = duplicate_keys(tx, population_id)?;
            tx.execute(
                "UPDATE population SET row_count = ?2, date_min = ?3, date_max = ?4, findings = ?5, rows_sha256 = ?6, source_sha256 = ?7 WHERE id = ?1",
                params![
                    population_id,
                    count,
                    summary.date_min.map(|d| d.to_string()),
                    summary.date_max.map(|d| d.to_string()),
                    serde_json::to_string(&findings)?,
                    summary.fingerprint,
                    summary.source_sha256
                ],
            )?;
            w.record("import", "population", population_id, None)?;
            Ok(population_id)
        });
        self.conn().pragma_update(None, "cache_size", cache_before)?;
        imported
    }

    pub fn populations(&self, control_id: Option<i64>) -> Result<Vec<Population>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, control_id, description, source_name, source_sha256, columns, mapping, row_count, date_min, date_max, findings, rows_sha256, imported_at,
                    out_of_period_note, removed_at, removed_by, removed_reason, item_type
             FROM population WHERE ?1 IS NULL OR control_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([control_id], |r| {
            Ok((
                (r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?),
                (r.get::<_, String>(5)?, r.get::<_, String>(6)?, r.get::<_, i64>(7)?, r.get::<_, Option<String>>(8)?, r.get::<_, Option<String>>(9)?),
                (r.get::<_, String>(10)?, r.get::<_, String>(11)?, r.get::<_, String>(12)?),
                (r.get::<_, Option<String>>(13)?, r.get::<_, Option<String>>(14)?, r.get::<_, Option<String>>(15)?, r.get::<_, Option<String>>(16)?, r.get::<_, Option<String>>(17)?),
            ))
        })?;
        rows.map(|row| {
            let (
                (id, control_id, description, source_name, source_sha256),
                (columns, mapping, row_count, date_min, date_max),
                (findings, fingerprint, imported_at),
                (out_of_period_note, removed_at, removed_by, removed_reason, item_type),
            ) = row?;
            let mapping: ColumnMapping = serde_json::from_str(&mapping)?;
            let findings: Findings = serde_json::from_str(&findings)?;
            let in_period = mapping.date.is_some().then(|| row_count - (findings.outside_period.len() + findings.undated.len()) as i64);
            Ok(Population {
                id,
                control_id,
                description,
                source_name,
                source_sha256,
                columns: serde_json::from_str(&columns)?,
                mapping,
                row_count,
                date_min: date_min.and_then(|d| d.parse().ok()),
                date_max: date_max.and_then(|d| d.parse().ok()),
                finding_lines: findings.lines(),
                findings,
                fingerprint,
                imported_at,
                in_period,
                out_of_period_note,
                removed: removed_at.map(|at| Removal { at, by: removed_by.unwrap_or_default(), reason: removed_reason.unwrap_or_default() }),
                item_type,
            })
        })
        .collect()
    }

    pub fn population(&self, id: i64) -> Result<Population> {
        self.populations(None)?.into_iter().find(|p| p.id == id).ok_or_else(|| Error::NotFound(format!("population {}", crate::model::number::label("population", id))))
    }

    /// A window of items, for a table that shows a hundred thousand rows a screen at a time.
    pub fn population_items(&self, population_id: i64, offset: i64, limit: i64) -> Result<Vec<PopulationItem>> {
        items(self.conn(), WINDOW, params![population_id, offset, limit])
    }

    /// The items at the given indices, in the order asked.
    pub fn population_items_at(&self, population_id: i64, indices: &[u64]) -> Result<Vec<PopulationItem>> {
        indices
            .iter()
            .map(|&i| {
                items(self.conn(), "id = ?1 * 4294967296 + ?2", params![population_id, i as i64])?
                    .pop()
                    .ok_or_else(|| Error::NotFound(format!("item {i} of population {}", crate::model::number::label("population", population_id))))
            })
            .collect()
    }

    /// Items per calendar month of their dates, oldest first; undated items are not counted.
    pub(crate) fn population_months(&self, population_id: i64) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT substr(item_date, 1, 7), count(*) FROM population_row WHERE {ROWS} AND item_date IS NOT NULL GROUP BY 1 ORDER BY 1"
        ))?;
        let months = stmt.query_map([population_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(months)
    }

    /// Amounts (or dates) of every item in index order, for sampling methods that need them.
    pub(crate) fn population_column<T: rusqlite::types::FromSql>(&self, population_id: i64, column: &str) -> Result<Vec<Option<T>>> {
        let mut stmt = self.conn().prepare(&format!("SELECT {column} FROM population_row WHERE {ROWS} ORDER BY id"))?;
        let values = stmt.query_map([population_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(values)
    }
}

/// The rows of population ?1, in index order: schema v2 stores row idx at rowid
/// population_id · 2³² + idx, so a population is one range of the table's own B-tree.
const ROWS: &str = "id BETWEEN ?1 * 4294967296 AND ?1 * 4294967296 + 4294967295";

/// ?3 rows of population ?1 from index ?2. One range whose lower bound is the first row wanted:
/// given the population's range and `id >= …` as well, SQLite starts at the population's first
/// row and steps through every row before the window, so the last page of 100,000 rows took
/// 24 ms, all of it decrypting pages nobody looks at.
const WINDOW: &str = "id BETWEEN ?1 * 4294967296 + ?2 AND ?1 * 4294967296 + 4294967295 ORDER BY id LIMIT ?3";

/// An item's columns, in the order the fingerprint takes them.
const ITEM: &str = "idx, item_key, item_date, amount_cents, stratum, fields";

/// The items matching `filter`, which bounds the rowid to one population (?1).
fn items(conn: &Connection, filter: &str, params: impl rusqlite::Params) -> Result<Vec<PopulationItem>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {ITEM}, coalesce(source_row, idx + 2) FROM population_row WHERE {filter}"))?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(PopulationItem {
            index: r.get(0)?,
            row: r.get(6)?,
            key: r.get(1)?,
            date: r.get::<_, Option<String>>(2)?.and_then(|d| d.parse().ok()),
            amount_cents: r.get(3)?,
            stratum: r.get(4)?,
            fields: serde_json::from_str(r.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?)?,
        });
    }
    Ok(out)
}

/// Keys that occur more than once, in key order. The key index hands them over already grouped,
/// so finding them needs no memory for the keys seen: a million-row listing costs what a
/// hundred-row one does.
fn duplicate_keys(conn: &Connection, population_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(DUPLICATE_KEYS)?;
    let keys = stmt.query_map([population_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(keys)
}

const DUPLICATE_KEYS: &str =
    "SELECT item_key FROM population_row INDEXED BY population_row_key WHERE population_id = ?1 AND item_key <> '' GROUP BY item_key HAVING count(*) > 1";

/// Where the mapped columns are in the header, and the period items should fall within.
fn layout(file: &str, header: &[String], mapping: &ColumnMapping, period: (NaiveDate, NaiveDate)) -> Result<intake::Layout> {
    let position = |name: &Option<String>| -> Result<Option<usize>> {
        name.as_ref()
            .map(|n| header.iter().position(|h| h.trim() == n.trim()).ok_or_else(|| error(file, Some(1), Some(n), "the mapped column is not in the header row")))
            .transpose()
    };
    Ok(intake::Layout {
        key: position(&Some(mapping.key.clone()))?.expect("key is always mapped"),
        date: position(&mapping.date)?,
        amount: position(&mapping.amount)?,
        stratum: position(&mapping.stratum)?,
        period,
    })
}

/// Every population whose stored rows no longer hash to the fingerprint recorded at import,
/// or (version 2) whose key, date, amount or stratum no longer follow from its cells and mapping.
pub(crate) fn verify_all(conn: &Connection, period: (NaiveDate, NaiveDate)) -> Result<Vec<String>> {
    let recorded: Vec<(i64, String, String, i64, String, String)> = conn
        .prepare("SELECT id, source_name, rows_sha256, fingerprint_version, columns, mapping FROM population ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut problems = Vec::new();
    for (id, name, fingerprint, version, columns, mapping) in recorded {
        let header: Vec<String> = serde_json::from_str(&columns)?;
        let layout = layout(&name, &header, &serde_json::from_str(&mapping)?, period)?;
        let (mut v1, mut v2, mut mismatched) = (Sha256::new(), intake::Fingerprint::new(&header), None);
        let mut stmt = conn.prepare_cached(&format!("SELECT {ITEM}, coalesce(source_row, idx + 2) FROM population_row WHERE {ROWS} ORDER BY id"))?;
        let mut rows = stmt.query([id])?;
        while let Some(r) = rows.next()? {
            let text = |i| r.get_ref(i).and_then(|v| v.as_str_or_null().map_err(Into::into));
            let (key, date, amount, stratum, fields) = (text(1)?.unwrap_or(""), text(2)?, r.get::<_, Option<i64>>(3)?, text(4)?, text(5)?.unwrap_or(""));
            if version == 1 {
                intake::digest_row(&mut v1, r.get(0)?, key, date, amount, stratum, fields);
                continue;
            }
            let cells: Vec<String> = serde_json::from_str(fields)?;
            v2.row(&cells);
            let row: i64 = r.get(6)?;
            let again = intake::mapped(&layout, &name, &header, row as u64, &cells);
            let same = again.is_ok_and(|m| m.key == key && m.date.map(|(_, d)| d).as_deref() == date && m.amount_cents == amount && m.stratum.as_deref() == stratum);
            if !same && mismatched.is_none() {
                mismatched = Some(row);
            }
        }
        let actual = if version == 1 { hex::encode(v1.finalize()) } else { v2.finish() };
        if actual != fingerprint {
            problems.push(format!("population {} (\"{name}\") no longer matches the fingerprint recorded when it was imported", crate::model::number::label("population", id)));
        }
        if let Some(row) = mismatched {
            problems.push(format!("population {} (\"{name}\"), row {row}: the key, date, amount or stratum stored no longer follow from the row's cells", crate::model::number::label("population", id)));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(sql: &str) -> Vec<String> {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        crate::store::schema::migrate(&tx, 0).unwrap();
        let mut stmt = tx.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let mut rows = stmt.raw_query();
        let mut plan = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            plan.push(row.get(3).unwrap());
        }
        plan
    }

    /// Duplicate keys are read off the key index in order: no sort, so no memory that grows with
    /// the population (temp B-trees live in memory, never in plaintext temp files).
    #[test]
    fn duplicate_keys_are_read_from_the_index_without_sorting() {
        let plan = plan(DUPLICATE_KEYS);
        assert!(plan.iter().any(|step| step.contains("COVERING INDEX population_row_key")), "{plan:?}");
        assert!(!plan.iter().any(|step| step.contains("TEMP B-TREE")), "{plan:?}");
    }

    /// The table's last page costs what its first does: a window starts at its own first row,
    /// not at the population's, and never strays into the next population.
    #[test]
    fn a_window_reads_only_its_own_rows() {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        crate::store::schema::migrate(&tx, 0).unwrap();
        // Rows without their population records: checked only at a commit, which never comes.
        tx.execute_batch(
            "PRAGMA defer_foreign_keys = ON;
             WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999)
             INSERT INTO population_row (id, population_id, idx, item_key, fields)
             SELECT p * 4294967296 + i, p, i, 'K' || p || '-' || i, '[]' FROM n, (SELECT 1 AS p UNION ALL SELECT 2)",
        )
        .unwrap();
        let sql = format!("SELECT {ITEM} FROM population_row WHERE {WINDOW}");
        let steps = |offset: i64| {
            let mut stmt = tx.prepare(&sql).unwrap();
            let keys: Vec<String> = stmt.query_map(params![1, offset, 200], |r| r.get(1)).unwrap().map(|k| k.unwrap()).collect();
            (keys, stmt.get_status(rusqlite::StatementStatus::VmStep))
        };
        let (first, first_steps) = steps(0);
        let (last, last_steps) = steps(19_900);
        assert_eq!(first.len(), 200);
        assert_eq!(first[0], "K1-0");
        assert_eq!(last, (19_900..20_000).map(|i| format!("K1-{i}")).collect::<Vec<_>>(), "the last window stops at its population's end");
        assert!(last_steps <= first_steps, "the last window took {last_steps} steps, the first {first_steps}");
    }

    /// Windows of items, whole columns and the fingerprint read one rowid range, in order.
    #[test]
    fn item_reads_are_rowid_range_scans() {
        for sql in [
            format!("SELECT {ITEM} FROM population_row WHERE {WINDOW}"),
            format!("SELECT amount_cents FROM population_row WHERE {ROWS} ORDER BY id"),
        ] {
            let plan = plan(&sql);
            assert!(plan.iter().any(|step| step.contains("USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)")), "{sql}: {plan:?}");
            assert!(!plan.iter().any(|step| step.contains("TEMP B-TREE") || step.contains("population_row_key")), "{sql}: {plan:?}");
        }
    }
}
