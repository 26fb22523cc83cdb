//! Walkthroughs and interviews: following one instance of a control with its owner, and who
//! said what, when.

use chrono::NaiveDate;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::signoff;
use crate::store::EngagementFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WalkthroughKind {
    Walkthrough,
    Interview,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WalkthroughInput {
    pub control_id: i64,
    pub kind: WalkthroughKind,
    pub held_on: NaiveDate,
    pub attendees: Vec<String>,
    pub narrative: String,
    /// Evidence files this walkthrough refers to.
    pub evidence: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Walkthrough {
    pub id: i64,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub input: WalkthroughInput,
}

impl EngagementFile {
    pub fn add_walkthrough(&mut self, input: &WalkthroughInput) -> Result<i64> {
        if input.attendees.iter().all(|a| a.trim().is_empty()) {
            return Err(Error::invalid("attendees", "list who took part"));
        }
        if input.narrative.trim().is_empty() {
            return Err(Error::invalid("narrative", "describe what was observed or said"));
        }
        self.write(|w| {
            signoff::ensure_unlocked(w.tx(), input.control_id)?;
            w.tx().execute(
                "INSERT INTO walkthrough (control_id, kind, held_on, attendees, narrative, evidence, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    input.control_id,
                    serde_json::to_value(input.kind)?.as_str(),
                    input.held_on.to_string(),
                    serde_json::to_string(&input.attendees)?,
                    input.narrative.trim(),
                    serde_json::to_string(&input.evidence)?,
                    w.new_id("walkthrough")?
                ],
            )?;
            let id = w.tx().last_insert_rowid();
            w.record("add", "walkthrough", id, None)?;
            Ok(id)
        })
    }

    pub fn walkthroughs(&self, control_id: i64) -> Result<Vec<Walkthrough>> {
        let mut stmt = self.conn().prepare("SELECT id, kind, held_on, attendees, narrative, evidence FROM walkthrough WHERE control_id = ?1 ORDER BY held_on, id")?;
        let rows = stmt.query_map([control_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?))
        })?;
        rows.map(|row| {
            let (id, kind, held_on, attendees, narrative, evidence) = row?;
            Ok(Walkthrough {
                id,
                input: WalkthroughInput {
                    control_id,
                    kind: serde_json::from_value(kind.into())?,
                    held_on: held_on.parse().map_err(|_| Error::invalid("held_on", "stored date is not a date"))?,
                    attendees: serde_json::from_str(&attendees)?,
                    narrative,
                    evidence: serde_json::from_str(&evidence)?,
                },
            })
        })
        .collect()
    }
}
