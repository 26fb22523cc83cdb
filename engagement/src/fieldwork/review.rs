//! Review notes: the reviewer raises, the preparer responds, the reviewer clears. An open note
//! blocks documentation completion.

use rusqlite::params;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::EngagementFile;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewNote {
    pub id: i64,
    /// How people name it (`model::number`).
    pub number: String,
    pub control_id: i64,
    pub raised_by: String,
    pub raised_at: String,
    pub text: String,
    pub response: Option<String>,
    pub responded_by: Option<String>,
    pub responded_at: Option<String>,
    pub cleared_by: Option<String>,
    pub cleared_at: Option<String>,
}

impl EngagementFile {
    pub fn raise_review_note(&mut self, control_id: i64, text: &str) -> Result<i64> {
        if text.trim().is_empty() {
            return Err(Error::invalid("text", "write the review note"));
        }
        self.write(|w| {
            w.tx().execute(
                "INSERT INTO review_note (control_id, raised_by, raised_at, text, id) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![control_id, w.user, w.at, text.trim(), w.new_id("review_note")?],
            )?;
            let id = w.tx().last_insert_rowid();
            w.record("raise", "review_note", id, None)?;
            Ok(id)
        })
    }

    pub fn respond_to_review_note(&mut self, id: i64, response: &str) -> Result<()> {
        if response.trim().is_empty() {
            return Err(Error::invalid("response", "write the response"));
        }
        self.write(|w| {
            let before = w.snapshot("review_note", id)?.ok_or_else(|| Error::NotFound(format!("review note {}", crate::model::number::label("review_note", id))))?;
            if !before["cleared_at"].is_null() {
                return Err(Error::invalid("review_note", "the note is already cleared"));
            }
            w.tx().execute(
                "UPDATE review_note SET response = ?2, responded_by = ?3, responded_at = ?4 WHERE id = ?1",
                params![id, response.trim(), w.user, w.at],
            )?;
            w.record("respond", "review_note", id, Some(before))
        })
    }

    /// Clears a note; only the reviewer who raised it may.
    pub fn clear_review_note(&mut self, id: i64) -> Result<()> {
        self.write(|w| {
            let before = w.snapshot("review_note", id)?.ok_or_else(|| Error::NotFound(format!("review note {}", crate::model::number::label("review_note", id))))?;
            if before["raised_by"].as_str() != Some(w.user.as_str()) {
                return Err(Error::invalid("review_note", format!("only {} who raised the note can clear it", before["raised_by"].as_str().unwrap_or("?"))));
            }
            w.tx().execute("UPDATE review_note SET cleared_by = ?2, cleared_at = ?3 WHERE id = ?1 AND cleared_at IS NULL", params![id, w.user, w.at])?;
            w.record("clear", "review_note", id, Some(before))
        })
    }

    pub fn review_notes(&self, control_id: Option<i64>) -> Result<Vec<ReviewNote>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, control_id, raised_by, raised_at, text, response, responded_by, responded_at, cleared_by, cleared_at
             FROM review_note WHERE ?1 IS NULL OR control_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([control_id], |r| {
            Ok(ReviewNote {
                id: r.get(0)?,
                number: crate::model::number::label("review_note", r.get(0)?),
                control_id: r.get(1)?,
                raised_by: r.get(2)?,
                raised_at: r.get(3)?,
                text: r.get(4)?,
                response: r.get(5)?,
                responded_by: r.get(6)?,
                responded_at: r.get(7)?,
                cleared_by: r.get(8)?,
                cleared_at: r.get(9)?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
    }
}
