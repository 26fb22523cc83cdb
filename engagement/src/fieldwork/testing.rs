//! The test grid: each item of the live sample against each of the control's attributes, with
//! a tickmark, a note where the outcome needs one, and the evidence it rests on.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::signoff::ensure_unlocked;
use crate::store::{EngagementFile, Writer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Deviation,
    NotApplicable,
}

/// A mark the firm uses on test grids, and the legend line that explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tickmark {
    pub outcome: Outcome,
    pub mark: &'static str,
    pub meaning: &'static str,
}

/// The firm's default tickmarks: what the screen, the workpaper PDF and the exports all print
/// for each outcome. A tickmark the preparer typed instead is printed as typed.
pub const TICKMARKS: [Tickmark; 3] = [
    Tickmark { outcome: Outcome::Pass, mark: "✓", meaning: "Inspected; agreed to supporting evidence without exception" },
    Tickmark { outcome: Outcome::Deviation, mark: "X", meaning: "Deviation: the attribute was not met on this item (see the note)" },
    Tickmark { outcome: Outcome::NotApplicable, mark: "N/A", meaning: "Not applicable to this item" },
];

impl Outcome {
    pub fn mark(self) -> &'static str {
        TICKMARKS.iter().find(|t| t.outcome == self).map_or("", |t| t.mark)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TestResult {
    pub sample_id: i64,
    /// Position of the item in the sample's selection order (0-based).
    pub position: i64,
    pub attribute_id: i64,
    pub outcome: Outcome,
    pub tickmark: Option<String>,
    pub note: Option<String>,
    /// Evidence files (by id, shown as EV-n) the result rests on.
    #[serde(default)]
    pub evidence: Vec<i64>,
}

/// The sample's control, its number of items, and whether it is voided.
fn control_of_sample(conn: &Connection, sample_id: i64) -> Result<(i64, i64, bool)> {
    conn.query_row(
        "SELECT control_id, json_array_length(selection, '$.items'), voided_at IS NOT NULL FROM sample WHERE id = ?1",
        [sample_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("sample {}", crate::model::number::label("sample", sample_id))))
}

impl EngagementFile {
    /// Records (or changes) one cell of the test grid.
    pub fn record_result(&mut self, result: &TestResult) -> Result<()> {
        self.write(|w| store_result(w, result))
    }

    /// Records many cells as one change: all of them, or (on the first refusal) none.
    pub fn record_results(&mut self, results: &[TestResult]) -> Result<usize> {
        self.write(|w| {
            for result in results {
                store_result(w, result)?;
            }
            Ok(results.len())
        })
    }

    pub fn results(&self, sample_id: i64) -> Result<Vec<TestResult>> {
        let mut stmt = self.conn().prepare(
            "SELECT position, attribute_id, outcome, tickmark, note, evidence FROM test_result WHERE sample_id = ?1 ORDER BY position, attribute_id",
        )?;
        let rows = stmt.query_map([sample_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?, r.get::<_, Option<String>>(4)?, r.get::<_, String>(5)?))
        })?;
        rows.map(|row| {
            let (position, attribute_id, outcome, tickmark, note, evidence) = row?;
            Ok(TestResult {
                sample_id,
                position,
                attribute_id,
                outcome: serde_json::from_value(outcome.into())?,
                tickmark,
                note,
                evidence: serde_json::from_str(&evidence)?,
            })
        })
        .collect()
    }
}

/// One cell, checked and stored inside the caller's transaction. A deviation or a "not
/// applicable" needs its note: what was found, or why the attribute does not apply.
fn store_result(w: &Writer, result: &TestResult) -> Result<()> {
    let tx = w.tx();
    let (control_id, size, voided) = control_of_sample(tx, result.sample_id)?;
    ensure_unlocked(tx, control_id)?;
    if voided {
        return Err(Error::invalid("sample", format!("sample {} is voided: results are recorded on the live sample", crate::model::number::label("sample", result.sample_id))));
    }
    if result.position < 0 || result.position >= size {
        return Err(Error::invalid("position", format!("the sample has items 1 to {size}")));
    }
    let attribute_control: Option<i64> =
        tx.query_row("SELECT control_id FROM attribute WHERE id = ?1", [result.attribute_id], |r| r.get(0)).optional()?;
    if attribute_control != Some(control_id) {
        return Err(Error::invalid("attribute", "the attribute belongs to another control"));
    }
    let noted = result.note.as_deref().is_some_and(|n| !n.trim().is_empty());
    match result.outcome {
        Outcome::Deviation if !noted => return Err(Error::invalid("note", "describe the deviation: what was found on this item")),
        Outcome::NotApplicable if !noted => return Err(Error::invalid("note", "say why the attribute does not apply to this item")),
        _ => {}
    }
    for id in &result.evidence {
        let known: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM evidence WHERE id = ?1)", [id], |r| r.get(0))?;
        if !known {
            return Err(Error::invalid("evidence", format!("evidence {id} is not in this engagement")));
        }
    }
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM test_result WHERE sample_id = ?1 AND position = ?2 AND attribute_id = ?3",
            params![result.sample_id, result.position, result.attribute_id],
            |r| r.get(0),
        )
        .optional()?;
    let values = (
        crate::store::enum_text(result.outcome)?,
        result.tickmark.as_deref().map(str::trim),
        result.note.as_deref().map(str::trim).filter(|n| !n.is_empty()),
        serde_json::to_string(&result.evidence)?,
    );
    match existing {
        Some(id) => {
            let before = w.snapshot("test_result", id)?;
            let changed = tx.execute(
                "UPDATE test_result SET outcome = ?2, tickmark = ?3, note = ?4, evidence = ?5
                 WHERE id = ?1 AND (outcome, coalesce(tickmark, ''), coalesce(note, ''), evidence) IS NOT (?2, coalesce(?3, ''), coalesce(?4, ''), ?5)",
                params![id, values.0, values.1, values.2, values.3],
            )?;
            if changed > 0 {
                w.record("edit", "test_result", id, before)?;
            }
            Ok(())
        }
        None => {
            tx.execute(
                "INSERT INTO test_result (sample_id, position, attribute_id, outcome, tickmark, note, evidence, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![result.sample_id, result.position, result.attribute_id, values.0, values.1, values.2, values.3, w.new_id("test_result")?],
            )?;
            w.record("record", "test_result", tx.last_insert_rowid(), None)
        }
    }
}

impl EngagementFile {
    /// The population columns shown beside the attributes in the control's test grid.
    pub fn grid_columns(&self, control_id: i64) -> Result<Vec<String>> {
        let stored: Option<String> = self.conn().query_row("SELECT columns FROM grid_view WHERE id = ?1", [control_id], |r| r.get(0)).optional()?;
        Ok(stored.map(|s| serde_json::from_str(&s)).transpose()?.unwrap_or_default())
    }

    /// Chooses the population columns shown beside the attributes (for change tickets: the
    /// approver, the developer, the approval date), in the order given. A view of the work, not
    /// the work: it does not change what a sign-off covers.
    pub fn set_grid_columns(&mut self, control_id: i64, columns: &[String]) -> Result<()> {
        let known: std::collections::BTreeSet<String> = self.populations(Some(control_id))?.into_iter().flat_map(|p| p.columns).collect();
        if let Some(unknown) = columns.iter().find(|c| !known.contains(*c)) {
            return Err(Error::invalid("columns", format!("\"{unknown}\" is not a column of the control's populations")));
        }
        self.write(|w| {
            let before = w.snapshot("grid_view", control_id)?;
            w.tx().execute(
                "INSERT INTO grid_view (id, columns) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET columns = excluded.columns",
                params![control_id, serde_json::to_string(columns)?],
            )?;
            w.record(if before.is_some() { "edit" } else { "add" }, "grid_view", control_id, before)
        })
    }
}
