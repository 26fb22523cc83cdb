//! The test grid: each sample item against each of the control's attributes, with a tickmark;
//! deviations found there become exceptions, and the control gets a conclusion.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::signoff::ensure_unlocked;
use crate::store::EngagementFile;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    /// "No exceptions noted."
    NoExceptions,
    /// Deviations found, but the control still met its objective as tested.
    ExceptionsNoted,
    NotEffective,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Exception {
    pub id: i64,
    pub control_id: i64,
    pub description: String,
    /// Sample positions the exception covers.
    pub items: Vec<i64>,
    pub management_response: Option<String>,
    pub response_by: Option<String>,
    pub response_on: Option<NaiveDate>,
}

fn enum_text<T: Serialize>(value: T) -> Result<String> {
    Ok(serde_json::to_value(value)?.as_str().unwrap_or_default().to_owned())
}

fn control_of_sample(conn: &Connection, sample_id: i64) -> Result<(i64, i64)> {
    conn.query_row(
        "SELECT control_id, json_array_length(selection, '$.items') FROM sample WHERE id = ?1",
        [sample_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("sample {sample_id}")))
}

impl EngagementFile {
    /// Records (or changes) one cell of the test grid.
    pub fn record_result(&mut self, result: &TestResult) -> Result<()> {
        self.write(|w| {
            let tx = w.tx();
            let (control_id, size) = control_of_sample(tx, result.sample_id)?;
            ensure_unlocked(tx, control_id)?;
            if result.position < 0 || result.position >= size {
                return Err(Error::invalid("position", format!("the sample has items 1 to {size}")));
            }
            let attribute_control: Option<i64> =
                tx.query_row("SELECT control_id FROM attribute WHERE id = ?1", [result.attribute_id], |r| r.get(0)).optional()?;
            if attribute_control != Some(control_id) {
                return Err(Error::invalid("attribute", "the attribute belongs to another control"));
            }
            if result.outcome == Outcome::Deviation && result.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                return Err(Error::invalid("note", "describe the deviation: what was found on this item"));
            }
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM test_result WHERE sample_id = ?1 AND position = ?2 AND attribute_id = ?3",
                    params![result.sample_id, result.position, result.attribute_id],
                    |r| r.get(0),
                )
                .optional()?;
            let values = (enum_text(result.outcome)?, result.tickmark.as_deref().map(str::trim), result.note.as_deref().map(str::trim));
            match existing {
                Some(id) => {
                    let before = w.snapshot("test_result", id)?;
                    tx.execute("UPDATE test_result SET outcome = ?2, tickmark = ?3, note = ?4 WHERE id = ?1", params![id, values.0, values.1, values.2])?;
                    w.record("edit", "test_result", id, before)
                }
                None => {
                    tx.execute(
                        "INSERT INTO test_result (sample_id, position, attribute_id, outcome, tickmark, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![result.sample_id, result.position, result.attribute_id, values.0, values.1, values.2],
                    )?;
                    w.record("record", "test_result", tx.last_insert_rowid(), None)
                }
            }
        })
    }

    pub fn results(&self, sample_id: i64) -> Result<Vec<TestResult>> {
        let mut stmt = self.conn().prepare(
            "SELECT position, attribute_id, outcome, tickmark, note FROM test_result WHERE sample_id = ?1 ORDER BY position, attribute_id",
        )?;
        let rows = stmt.query_map([sample_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?, r.get::<_, Option<String>>(4)?))
        })?;
        rows.map(|row| {
            let (position, attribute_id, outcome, tickmark, note) = row?;
            Ok(TestResult { sample_id, position, attribute_id, outcome: serde_json::from_value(outcome.into())?, tickmark, note })
        })
        .collect()
    }

    pub fn add_exception(&mut self, control_id: i64, description: &str, items: &[i64]) -> Result<i64> {
        if description.trim().is_empty() {
            return Err(Error::invalid("description", "describe the exception as it will read in the report"));
        }
        self.write(|w| {
            ensure_unlocked(w.tx(), control_id)?;
            w.tx().execute(
                "INSERT INTO exception (control_id, description, items) VALUES (?1, ?2, ?3)",
                params![control_id, description.trim(), serde_json::to_string(items)?],
            )?;
            let id = w.tx().last_insert_rowid();
            w.record("add", "exception", id, None)?;
            Ok(id)
        })
    }

    /// Records management's response to an exception, as management gave it.
    pub fn respond_to_exception(&mut self, id: i64, response: &str, by: &str, on: NaiveDate) -> Result<()> {
        if response.trim().is_empty() || by.trim().is_empty() {
            return Err(Error::invalid("management_response", "record the response and who in management gave it"));
        }
        self.write(|w| {
            let before = w.snapshot("exception", id)?.ok_or_else(|| Error::NotFound(format!("exception {id}")))?;
            let control_id = before["control_id"].as_i64().unwrap_or_default();
            ensure_unlocked(w.tx(), control_id)?;
            w.tx().execute(
                "UPDATE exception SET management_response = ?2, response_by = ?3, response_on = ?4 WHERE id = ?1",
                params![id, response.trim(), by.trim(), on.to_string()],
            )?;
            w.record("respond", "exception", id, Some(before))
        })
    }

    pub fn exceptions(&self, control_id: Option<i64>) -> Result<Vec<Exception>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, control_id, description, items, management_response, response_by, response_on FROM exception
             WHERE ?1 IS NULL OR control_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([control_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, Option<String>>(4)?, r.get::<_, Option<String>>(5)?, r.get::<_, Option<String>>(6)?))
        })?;
        rows.map(|row| {
            let (id, control_id, description, items, management_response, response_by, response_on) = row?;
            Ok(Exception {
                id,
                control_id,
                description,
                items: serde_json::from_str(&items)?,
                management_response,
                response_by,
                response_on: response_on.and_then(|d| d.parse().ok()),
            })
        })
        .collect()
    }

    pub fn set_conclusion(&mut self, control_id: i64, conclusion: Conclusion, note: &str) -> Result<()> {
        self.write(|w| {
            ensure_unlocked(w.tx(), control_id)?;
            let before = w.snapshot("control", control_id)?.ok_or_else(|| Error::NotFound(format!("control {control_id}")))?;
            let deviations: i64 = w.tx().query_row(
                "SELECT count(*) FROM test_result t JOIN sample s ON s.id = t.sample_id WHERE s.control_id = ?1 AND t.outcome = 'deviation'",
                [control_id],
                |r| r.get(0),
            )?;
            if conclusion == Conclusion::NoExceptions && deviations > 0 {
                return Err(Error::invalid("conclusion", format!("{deviations} deviation(s) are recorded: the conclusion cannot be \"no exceptions noted\"")));
            }
            w.tx().execute(
                "UPDATE control SET conclusion = ?2, conclusion_note = ?3 WHERE id = ?1",
                params![control_id, enum_text(conclusion)?, note.trim()],
            )?;
            w.record("conclude", "control", control_id, Some(before))
        })
    }

    pub fn conclusion(&self, control_id: i64) -> Result<Option<(Conclusion, String)>> {
        let row: Option<(Option<String>, Option<String>)> = self
            .conn()
            .query_row("SELECT conclusion, conclusion_note FROM control WHERE id = ?1", [control_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            None => Err(Error::NotFound(format!("control {control_id}"))),
            Some((None, _)) => Ok(None),
            Some((Some(c), note)) => Ok(Some((serde_json::from_value(c.into())?, note.unwrap_or_default()))),
        }
    }
}
