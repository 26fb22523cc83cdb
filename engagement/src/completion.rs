//! Documentation completion: the date after which the file is the record of the engagement.
//! From then on the store refuses every change unless it is made inside an addendum, which the
//! trail records with its reason, who and when, ahead of the changes it covers.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::store::EngagementFile;

/// The recorded completion date, if documentation has been completed.
fn completed_on(conn: &Connection) -> Result<Option<NaiveDate>> {
    let stored: Option<Option<String>> =
        conn.query_row("SELECT completed_on FROM engagement WHERE id = 1", [], |r| r.get(0)).optional()?;
    Ok(stored.flatten().and_then(|d| d.parse().ok()))
}

/// Refuses a change to a completed engagement; the store calls this before every write.
pub(crate) fn ensure_not_completed(conn: &Connection) -> Result<()> {
    match completed_on(conn)? {
        None => Ok(()),
        Some(on) => Err(Error::Locked {
            what: "the engagement".into(),
            reason: format!("documentation was completed on {on}; record changes as an addendum"),
        }),
    }
}

impl EngagementFile {
    pub fn completed_on(&self) -> Result<Option<NaiveDate>> {
        completed_on(self.conn())
    }

    /// What stands between the file and completion, one line each: every control without a
    /// preparer's or a reviewer's sign-off, and every review note not yet cleared.
    pub fn completion_blockers(&self) -> Result<Vec<String>> {
        let mut blockers = Vec::new();
        for control in self.controls()? {
            let (preparer, reviewer) = self.signoffs(control.id)?;
            if preparer.is_none() {
                blockers.push(format!("{}: not signed by a preparer", control.reference));
            }
            if reviewer.is_none() {
                blockers.push(format!("{}: not signed by a reviewer", control.reference));
            }
        }
        let mut open_notes = self.conn().prepare(
            "SELECT c.reference, n.id, n.raised_by, n.text FROM review_note n JOIN control c ON c.id = n.control_id
             WHERE n.cleared_at IS NULL ORDER BY c.reference, n.id",
        )?;
        let rows = open_notes.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?;
        for row in rows {
            let (reference, id, raised_by, text) = row?;
            blockers.push(format!("{reference}: review note {id} raised by {raised_by} is open: \"{text}\""));
        }
        Ok(blockers)
    }

    /// Records the documentation completion date, after which the file is read-only except
    /// through [`EngagementFile::addendum`]. Refuses, listing every blocker, while any remain.
    pub fn complete(&mut self, on: NaiveDate) -> Result<()> {
        let blockers = self.completion_blockers()?;
        if !blockers.is_empty() {
            return Err(Error::invalid(
                "completion",
                format!("documentation cannot be completed while {} item(s) remain: {}", blockers.len(), blockers.join("; ")),
            ));
        }
        let (_, period_end) = self.info()?.examination.period();
        if on < period_end {
            return Err(Error::invalid("completed_on", format!("the completion date cannot precede the end of the period, {period_end}")));
        }
        self.write(|w| {
            let before = w.snapshot("engagement", 1)?;
            w.tx().execute("UPDATE engagement SET completed_on = ?1 WHERE id = 1", params![on.to_string()])?;
            w.record("complete", "engagement", 1, before)
        })
    }

    /// Changes a completed engagement. The trail first records "addendum: <reason>" as the
    /// current user, then each change `change` makes, so the reason stands ahead of what it
    /// explains. Should `change` fail part-way, the entry and the changes already made remain,
    /// as they would for any other sequence of edits.
    pub fn addendum<T>(&mut self, reason: &str, change: impl FnOnce(&mut EngagementFile) -> Result<T>) -> Result<T> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("reason", "say why the completed file is changed"));
        }
        if self.completed_on()?.is_none() {
            return Err(Error::invalid("addendum", "documentation is not completed yet; change the file directly"));
        }
        let outer = std::mem::replace(&mut self.in_addendum, true);
        let result = self
            .write(|w| {
                let state = w.snapshot("engagement", 1)?;
                w.record(&format!("addendum: {reason}"), "engagement", 1, state)
            })
            .and_then(|()| change(self));
        self.in_addendum = outer;
        result
    }
}
