//! The engagement at a glance: where each control's workpaper stands.

use serde::Serialize;

use crate::error::Result;
use crate::model::EngagementInfo;
use crate::store::EngagementFile;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ControlProgress {
    pub id: i64,
    pub reference: String,
    pub description: String,
    pub criteria: Vec<String>,
    pub walkthroughs: i64,
    pub populations: i64,
    pub samples: i64,
    /// Results recorded against (sample items × attributes) of the control's samples.
    pub results_recorded: i64,
    pub results_expected: i64,
    pub exceptions: i64,
    pub preparer: Option<String>,
    pub reviewer: Option<String>,
    pub open_review_notes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Overview {
    pub path: String,
    pub user: Option<String>,
    pub info: EngagementInfo,
    pub controls: Vec<ControlProgress>,
    /// The documentation completion date, once recorded: the file is read-only after it.
    pub completed_on: Option<chrono::NaiveDate>,
    pub open_requests: i64,
    pub evidence_files: i64,
    pub trail_entries: i64,
}

const PROGRESS_SQL: &str = "
SELECT c.id, c.reference, c.description, c.criteria,
  (SELECT count(*) FROM walkthrough w WHERE w.control_id = c.id),
  (SELECT count(*) FROM population p WHERE p.control_id = c.id),
  (SELECT count(*) FROM sample s WHERE s.control_id = c.id),
  (SELECT count(*) FROM test_result t JOIN sample s ON s.id = t.sample_id WHERE s.control_id = c.id),
  (SELECT coalesce(sum(json_array_length(s.selection, '$.items')), 0) FROM sample s WHERE s.control_id = c.id)
    * (SELECT count(*) FROM attribute a WHERE a.control_id = c.id),
  (SELECT count(*) FROM exception e WHERE e.control_id = c.id),
  (SELECT initials FROM signoff g WHERE g.control_id = c.id AND g.role = 'preparer' AND g.withdrawn_at IS NULL),
  (SELECT initials FROM signoff g WHERE g.control_id = c.id AND g.role = 'reviewer' AND g.withdrawn_at IS NULL),
  (SELECT count(*) FROM review_note n WHERE n.control_id = c.id AND n.cleared_at IS NULL)
FROM control c ORDER BY c.reference";

impl EngagementFile {
    pub fn overview(&self) -> Result<Overview> {
        let conn = self.conn();
        let mut stmt = conn.prepare(PROGRESS_SQL)?;
        let controls = stmt
            .query_map([], |r| {
                Ok((
                    ControlProgress {
                        id: r.get(0)?,
                        reference: r.get(1)?,
                        description: r.get(2)?,
                        criteria: Vec::new(),
                        walkthroughs: r.get(4)?,
                        populations: r.get(5)?,
                        samples: r.get(6)?,
                        results_recorded: r.get(7)?,
                        results_expected: r.get(8)?,
                        exceptions: r.get(9)?,
                        preparer: r.get(10)?,
                        reviewer: r.get(11)?,
                        open_review_notes: r.get(12)?,
                    },
                    r.get::<_, String>(3)?,
                ))
            })?
            .map(|row| {
                let (mut progress, criteria) = row?;
                progress.criteria = serde_json::from_str(&criteria)?;
                Ok(progress)
            })
            .collect::<Result<_>>()?;
        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
        Ok(Overview {
            path: self.path().display().to_string(),
            user: self.user().map(str::to_owned),
            info: self.info()?,
            controls,
            completed_on: self.completed_on()?,
            open_requests: count("SELECT count(*) FROM request WHERE status <> 'closed'")?,
            evidence_files: count("SELECT count(*) FROM evidence")?,
            trail_entries: count("SELECT count(*) FROM trail")?,
        })
    }
}
