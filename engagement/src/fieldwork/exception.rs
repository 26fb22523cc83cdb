//! Exceptions: the deviations of the live sample written up as the report will state them,
//! and management's response to each (or management's recorded refusal to give one).

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::signoff::ensure_unlocked;
use crate::store::EngagementFile;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Exception {
    pub id: i64,
    /// How people name it, and its sample (`model::number`).
    pub number: String,
    pub sample_number: Option<String>,
    pub control_id: i64,
    /// The sample whose deviations it writes up; none for an exception found another way.
    pub sample_id: Option<i64>,
    /// True when that sample was voided: the exception then counts nowhere, like its sample.
    pub on_voided_sample: bool,
    pub description: String,
    /// Sample positions the exception covers.
    pub items: Vec<i64>,
    /// Management's response as given or, when management declined to respond, the auditor's
    /// record of that.
    pub management_response: Option<String>,
    pub response_by: Option<String>,
    pub response_on: Option<NaiveDate>,
    pub response_declined: bool,
}

impl Exception {
    /// Whether management has answered, or its refusal to is on record.
    pub fn answered(&self) -> bool {
        self.management_response.is_some()
    }
}

impl EngagementFile {
    /// Writes up deviations as an exception. `items` are positions in the control's live
    /// sample (none for an exception found outside the sample, in a walkthrough say).
    pub fn add_exception(&mut self, control_id: i64, description: &str, items: &[i64]) -> Result<i64> {
        if description.trim().is_empty() {
            return Err(Error::invalid("description", "describe the exception as it will read in the report"));
        }
        let sample = if items.is_empty() { None } else { self.live_sample(control_id)? };
        if !items.is_empty() {
            let size = sample.as_ref().map_or(0, |s| s.selection.items.len() as i64);
            if size == 0 {
                return Err(Error::invalid("items", "the control has no live sample for these items"));
            }
            if let Some(bad) = items.iter().find(|&&p| p < 0 || p >= size) {
                return Err(Error::invalid("items", format!("item {} is not in the sample, which has items 1 to {size}", bad + 1)));
            }
        }
        let mut items = items.to_vec();
        items.sort_unstable();
        items.dedup();
        self.write(|w| {
            ensure_unlocked(w.tx(), control_id)?;
            w.tx().execute(
                "INSERT INTO exception (control_id, description, items, sample_id, id) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![control_id, description.trim(), serde_json::to_string(&items)?, sample.as_ref().map(|s| s.id), w.new_id("exception")?],
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
        self.record_response(id, response.trim(), Some(by.trim()), on, false, "respond")
    }

    /// Records that management declined to respond, with the auditor's note of how and when.
    pub fn record_response_declined(&mut self, id: i64, note: &str, on: NaiveDate) -> Result<()> {
        if note.trim().is_empty() {
            return Err(Error::invalid("note", "record how management declined to respond: who was asked, and what they said"));
        }
        self.record_response(id, note.trim(), None, on, true, "response declined")
    }

    fn record_response(&mut self, id: i64, text: &str, by: Option<&str>, on: NaiveDate, declined: bool, action: &str) -> Result<()> {
        self.write(|w| {
            let before = w.snapshot("exception", id)?.ok_or_else(|| Error::NotFound(format!("exception {}", crate::model::number::label("exception", id))))?;
            let control_id = before["control_id"].as_i64().unwrap_or_default();
            ensure_unlocked(w.tx(), control_id)?;
            w.tx().execute(
                "UPDATE exception SET management_response = ?2, response_by = ?3, response_on = ?4, response_declined = ?5 WHERE id = ?1",
                params![id, text, by, on.to_string(), declined],
            )?;
            w.record(action, "exception", id, Some(before))
        })
    }

    pub fn exceptions(&self, control_id: Option<i64>) -> Result<Vec<Exception>> {
        let mut stmt = self.conn().prepare(
            "SELECT e.id, e.control_id, e.sample_id, s.voided_at IS NOT NULL, e.description, e.items,
                    e.management_response, e.response_by, e.response_on, e.response_declined
             FROM exception e LEFT JOIN sample s ON s.id = e.sample_id
             WHERE ?1 IS NULL OR e.control_id = ?1 ORDER BY e.id",
        )?;
        let rows = stmt.query_map([control_id], |r| {
            Ok((
                (r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<i64>>(2)?, r.get::<_, bool>(3)?, r.get::<_, String>(4)?),
                (r.get::<_, String>(5)?, r.get::<_, Option<String>>(6)?, r.get::<_, Option<String>>(7)?, r.get::<_, Option<String>>(8)?, r.get::<_, bool>(9)?),
            ))
        })?;
        rows.map(|row| {
            let ((id, control_id, sample_id, on_voided_sample, description), (items, management_response, response_by, response_on, response_declined)) = row?;
            Ok(Exception {
                id,
                number: crate::model::number::label("exception", id),
                sample_number: sample_id.map(|s| crate::model::number::label("sample", s)),
                control_id,
                sample_id,
                on_voided_sample,
                description,
                items: serde_json::from_str(&items)?,
                management_response,
                response_by,
                response_on: response_on.and_then(|d| d.parse().ok()),
                response_declined,
            })
        })
        .collect()
    }
}
