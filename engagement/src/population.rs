//! Populations: the client's complete listing of a control's occurrences in the period, imported
//! with what an auditor records of information produced by the entity: where it came from, its
//! SHA-256, how many rows, the dates it spans, and the completeness checks (blank keys,
//! duplicate keys, items dated outside the period).

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::import::{self, error};
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
    /// SHA-256 over the imported rows: the population's fingerprint, from which seeds derive.
    pub fingerprint: String,
    pub imported_at: String,
}

/// One item of a population, as sampling and the test grid show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PopulationItem {
    pub index: i64,
    pub key: String,
    pub date: Option<NaiveDate>,
    pub amount_cents: Option<i64>,
    pub stratum: Option<String>,
    pub fields: Vec<String>,
}

/// One stored row's part of the population's fingerprint: its columns exactly as stored, each
/// preceded by its byte length as a little-endian u64 (integers in decimal, absent values empty).
fn digest_row(hasher: &mut Sha256, index: i64, key: &str, date: Option<&str>, amount_cents: Option<i64>, stratum: Option<&str>, fields_json: &str) {
    let (index, amount) = (index.to_string(), amount_cents.map(|a| a.to_string()).unwrap_or_default());
    for part in [index.as_str(), key, date.unwrap_or(""), amount.as_str(), stratum.unwrap_or(""), fields_json] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
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

/// Called with the number of rows read so far; returning false cancels the import.
pub type Progress<'a> = &'a mut dyn FnMut(u64) -> bool;

impl EngagementFile {
    /// Imports a listing as the population of a control, in one transaction: a refused or
    /// cancelled import leaves the file as it was.
    pub fn import_population(
        &mut self,
        control_id: i64,
        source: &Path,
        mapping: &ColumnMapping,
        description: &str,
        progress: Progress,
    ) -> Result<i64> {
        let (period_start, period_end) = self.info()?.examination.period();
        let mut listing = import::open(source)?;
        let position = |name: &Option<String>| -> Result<Option<usize>> {
            name.as_ref()
                .map(|n| {
                    listing.header.iter().position(|h| h.trim() == n.trim()).ok_or_else(|| {
                        error(&listing.file, Some(1), Some(n), "the mapped column is not in the header row")
                    })
                })
                .transpose()
        };
        let key_col = position(&Some(mapping.key.clone()))?.expect("key is always mapped");
        let (date_col, amount_col, stratum_col) = (position(&mapping.date)?, position(&mapping.amount)?, position(&mapping.stratum)?);
        let file = listing.file.clone();
        let columns = listing.header.clone();

        self.write(|w| {
            crate::signoff::ensure_unlocked(w.tx(), control_id)?;
            let tx = w.tx();
            tx.execute(
                "INSERT INTO population (control_id, description, source_name, source_sha256, columns, mapping, row_count, findings, rows_sha256, imported_at)
                 VALUES (?1, ?2, ?3, '', ?4, ?5, 0, '', '', ?6)",
                params![control_id, description.trim(), file, serde_json::to_string(&columns)?, serde_json::to_string(mapping)?, w.at],
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => Error::NotFound(format!("control {control_id}")),
                _ => e.into(),
            })?;
            let population_id = tx.last_insert_rowid();
            let mut insert = tx.prepare(
                "INSERT INTO population_row (population_id, idx, item_key, item_date, amount_cents, stratum, fields) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut findings = Findings::default();
            let mut keys_seen: HashSet<[u8; 16]> = HashSet::new();
            let mut duplicates_seen: HashSet<String> = HashSet::new();
            let (mut date_min, mut date_max) = (None::<NaiveDate>, None::<NaiveDate>);
            let mut hasher = Sha256::new();
            let mut count: i64 = 0;
            for row in listing.rows.by_ref() {
                let (row, cells) = row?;
                let key = cells[key_col].trim().to_owned();
                let date = date_col.map(|c| parse_date(&file, row, &columns[c], &cells[c])).transpose()?.flatten();
                let amount_cents = amount_col.map(|c| parse_amount(&file, row, &columns[c], &cells[c])).transpose()?.flatten();
                let stratum = stratum_col.map(|c| cells[c].trim().to_owned());
                if key.is_empty() {
                    findings.blank_keys.push(row);
                } else if !keys_seen.insert(key_digest(&key)) && duplicates_seen.insert(key.clone()) {
                    findings.duplicate_keys.push(key.clone());
                }
                if let Some(d) = date {
                    if d < period_start || d > period_end {
                        findings.outside_period.push(row);
                    }
                    date_min = Some(date_min.map_or(d, |m| m.min(d)));
                    date_max = Some(date_max.map_or(d, |m| m.max(d)));
                }
                let date_text = date.map(|d| d.to_string());
                let fields_json = serde_json::to_string(&cells)?;
                digest_row(&mut hasher, count, &key, date_text.as_deref(), amount_cents, stratum.as_deref(), &fields_json);
                insert.execute(params![population_id, count, key, date_text, amount_cents, stratum, fields_json])?;
                count += 1;
                if count % 10_000 == 0 && !progress(count as u64) {
                    return Err(Error::invalid("import", "the import was cancelled; nothing was stored"));
                }
            }
            if count == 0 {
                return Err(error(&file, None, None, "the listing has a header row but no data rows"));
            }
            progress(count as u64);
            drop(insert);
            let source_sha256 = listing.sha256()?;
            tx.execute(
                "UPDATE population SET row_count = ?2, date_min = ?3, date_max = ?4, findings = ?5, rows_sha256 = ?6, source_sha256 = ?7 WHERE id = ?1",
                params![
                    population_id,
                    count,
                    date_min.map(|d| d.to_string()),
                    date_max.map(|d| d.to_string()),
                    serde_json::to_string(&findings)?,
                    hex::encode(hasher.finalize()),
                    source_sha256
                ],
            )?;
            w.record("import", "population", population_id, None)?;
            Ok(population_id)
        })
    }

    pub fn populations(&self, control_id: Option<i64>) -> Result<Vec<Population>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, control_id, description, source_name, source_sha256, columns, mapping, row_count, date_min, date_max, findings, rows_sha256, imported_at
             FROM population WHERE ?1 IS NULL OR control_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([control_id], |r| {
            Ok((
                (r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?),
                (r.get::<_, String>(5)?, r.get::<_, String>(6)?, r.get::<_, i64>(7)?, r.get::<_, Option<String>>(8)?, r.get::<_, Option<String>>(9)?),
                (r.get::<_, String>(10)?, r.get::<_, String>(11)?, r.get::<_, String>(12)?),
            ))
        })?;
        rows.map(|row| {
            let ((id, control_id, description, source_name, source_sha256), (columns, mapping, row_count, date_min, date_max), (findings, fingerprint, imported_at)) = row?;
            Ok(Population {
                id,
                control_id,
                description,
                source_name,
                source_sha256,
                columns: serde_json::from_str(&columns)?,
                mapping: serde_json::from_str(&mapping)?,
                row_count,
                date_min: date_min.and_then(|d| d.parse().ok()),
                date_max: date_max.and_then(|d| d.parse().ok()),
                findings: serde_json::from_str(&findings)?,
                fingerprint,
                imported_at,
            })
        })
        .collect()
    }

    pub fn population(&self, id: i64) -> Result<Population> {
        self.populations(None)?.into_iter().find(|p| p.id == id).ok_or_else(|| Error::NotFound(format!("population {id}")))
    }

    /// A window of items, for a table that shows a hundred thousand rows a screen at a time.
    pub fn population_items(&self, population_id: i64, offset: i64, limit: i64) -> Result<Vec<PopulationItem>> {
        items(self.conn(), "idx >= ?2 ORDER BY idx LIMIT ?3", params![population_id, offset, limit])
    }

    /// The items at the given indices, in the order asked.
    pub fn population_items_at(&self, population_id: i64, indices: &[u64]) -> Result<Vec<PopulationItem>> {
        indices
            .iter()
            .map(|&i| {
                items(self.conn(), "idx = ?2", params![population_id, i as i64])?
                    .pop()
                    .ok_or_else(|| Error::NotFound(format!("item {i} of population {population_id}")))
            })
            .collect()
    }

    /// Items per calendar month of their dates, oldest first; undated items are not counted.
    pub(crate) fn population_months(&self, population_id: i64) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn().prepare(
            "SELECT substr(item_date, 1, 7), count(*) FROM population_row WHERE population_id = ?1 AND item_date IS NOT NULL GROUP BY 1 ORDER BY 1",
        )?;
        let months = stmt.query_map([population_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(months)
    }

    /// Amounts (or dates) of every item in index order, for sampling methods that need them.
    pub(crate) fn population_column<T: rusqlite::types::FromSql>(&self, population_id: i64, column: &str) -> Result<Vec<Option<T>>> {
        let mut stmt = self.conn().prepare(&format!("SELECT {column} FROM population_row WHERE population_id = ?1 ORDER BY idx"))?;
        let values = stmt.query_map([population_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(values)
    }
}

fn items(conn: &Connection, filter: &str, params: impl rusqlite::Params) -> Result<Vec<PopulationItem>> {
    let mut out = Vec::new();
    each_item(conn, filter, params, |item| {
        out.push(item);
        Ok(())
    })?;
    Ok(out)
}

/// Streams the items matching `filter` (?1 is always the population) without collecting them.
fn each_item(conn: &Connection, filter: &str, params: impl rusqlite::Params, mut f: impl FnMut(PopulationItem) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT idx, item_key, item_date, amount_cents, stratum, fields FROM population_row WHERE population_id = ?1 AND {filter}"
    ))?;
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        f(PopulationItem {
            index: r.get(0)?,
            key: r.get(1)?,
            date: r.get::<_, Option<String>>(2)?.and_then(|d| d.parse().ok()),
            amount_cents: r.get(3)?,
            stratum: r.get(4)?,
            fields: serde_json::from_str(r.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?)?,
        })?;
    }
    Ok(())
}

fn key_digest(key: &str) -> [u8; 16] {
    let digest = Sha256::digest(key.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

fn parse_date(file: &str, row: u64, column: &str, text: &str) -> Result<Option<NaiveDate>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let date_part = text.split(['T', ' ']).next().unwrap_or(text);
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| error(file, Some(row), Some(column), format!("\"{}\" is not a date; expected a date such as 2026-03-31", truncate(text))))
}

/// Amounts in cents, exactly: floating point would move a cent at scale.
fn parse_amount(file: &str, row: u64, column: &str, text: &str) -> Result<Option<i64>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || error(file, Some(row), Some(column), format!("\"{}\" is not an amount; expected a number such as -1234.50", truncate(t)));
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 2 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let cents = format!("{whole}{fraction:0<2}").parse::<i64>().map_err(|_| bad())?;
    Ok(Some(if negative { -cents } else { cents }))
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// Every population whose stored rows no longer hash to the fingerprint recorded at import.
pub(crate) fn verify_all(conn: &Connection) -> Result<Vec<String>> {
    let recorded: Vec<(i64, String, String)> = conn
        .prepare("SELECT id, source_name, rows_sha256 FROM population ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut problems = Vec::new();
    for (id, name, fingerprint) in recorded {
        let mut hasher = Sha256::new();
        let mut stmt = conn.prepare("SELECT idx, item_key, item_date, amount_cents, stratum, fields FROM population_row WHERE population_id = ?1 ORDER BY idx")?;
        let mut rows = stmt.query([id])?;
        while let Some(r) = rows.next()? {
            let text = |i| r.get_ref(i).and_then(|v| v.as_str_or_null().map_err(Into::into));
            digest_row(&mut hasher, r.get(0)?, text(1)?.unwrap_or(""), text(2)?, r.get(3)?, text(4)?, text(5)?.unwrap_or(""));
        }
        if hex::encode(hasher.finalize()) != fingerprint {
            problems.push(format!("population {id} (\"{name}\") no longer matches the fingerprint recorded when it was imported"));
        }
    }
    Ok(problems)
}
