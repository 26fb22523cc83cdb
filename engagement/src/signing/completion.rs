//! Documentation completion: the date after which the file is the record of the engagement.
//! From then on the store refuses every change unless it is made inside an addendum, which the
//! trail records with its reason, who and when, ahead of the changes it covers.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::store::{EngagementFile, Writer};

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

    /// What stands between the file and completion, one line each: every control not
    /// concluded, or not signed by its preparer and its reviewer over the work as it stands;
    /// every exception without management's response (or its recorded refusal); an opinion not
    /// decided, or no longer standing (the report is dated before the documentation is
    /// completed); every request not settled; every review note not yet cleared.
    pub fn completion_blockers(&self) -> Result<Vec<String>> {
        self.completion_blockers_of(&self.workpapers()?)
    }

    /// The same, from the workpapers as already read (the draft report reads them for its own
    /// content; reading them twice was most of its time).
    pub(crate) fn completion_blockers_of(&self, workpapers: &[crate::workpaper::Workpaper]) -> Result<Vec<String>> {
        let mut blockers = Vec::new();
        for wp in workpapers {
            let reference = &wp.control.reference;
            if wp.conclusion.is_none() {
                blockers.push(format!("{reference}: no conclusion recorded"));
            }
            for (role, signoff) in [("preparer", &wp.preparer), ("reviewer", &wp.reviewer)] {
                match signoff {
                    None => blockers.push(format!("{reference}: not signed by a {role}")),
                    Some(s) if s.changed_since.is_some() => {
                        blockers.push(format!("{reference}: the work changed since {} signed as {role}; it must be signed again", s.initials))
                    }
                    Some(_) => {}
                }
            }
            for e in wp.exceptions.iter().filter(|e| !e.answered()) {
                blockers.push(format!("{reference}: exception {} has no management response (or recorded refusal to respond)", e.number));
            }
            for n in wp.review_notes.iter().filter(|n| n.cleared_at.is_none()) {
                blockers.push(format!("{reference}: review note {} raised by {} is open: \"{}\"", n.number, n.raised_by, n.text));
            }
            // A teammate's work kept aside after the workpaper was signed is not in what was signed.
            blockers.extend(wp.sync_conflicts.iter().map(|c| format!("{reference}: {c}")));
        }
        let present: Vec<i64> = workpapers.iter().map(|wp| wp.control.id).collect();
        blockers.extend(crate::sync::conflicts::unsettled_outside(self.conn(), &present)?);
        match self.opinion()?.decision {
            None => blockers.push("the opinion is not decided by the engagement partner".to_owned()),
            Some(d) if !d.stands() => blockers.push(format!("the opinion {} decided no longer stands: what it rests on changed since; it must be decided again", d.initials)),
            Some(_) => {}
        }
        for r in self.requests()?.iter().filter(|r| !r.settled()) {
            blockers.push(format!("request {} (\"{}\") is {}: close it, or mark it not needed with a reason", r.input.number, r.input.title, r.input.status.word()));
        }
        Ok(blockers)
    }

    /// Records the documentation completion date, after which the file is read-only except
    /// through [`EngagementFile::addendum`]. Refuses, listing every blocker, while any remain.
    /// The date, once recorded, stands: an addendum does not move it, so the file cannot come to
    /// say it was assembled on a day other than the one first recorded.
    pub fn complete(&mut self, on: NaiveDate) -> Result<()> {
        if let Some(recorded) = self.completed_on()? {
            return Err(Error::invalid("completed_on", format!("documentation was completed on {recorded}; that date stands")));
        }
        Error::refuse_unless_empty("completing the documentation", self.completion_blockers()?)?;
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

    /// Changes a completed engagement: `change` runs inside an addendum with `reason` (see
    /// [`EngagementFile::begin_addendum`]), and whatever addendum was open before is open again
    /// after. Should `change` fail part-way, the changes already made remain, each with its
    /// entry, as they would for any other sequence of edits.
    pub fn addendum<T>(&mut self, reason: &str, change: impl FnOnce(&mut EngagementFile) -> Result<T>) -> Result<T> {
        let outer = self.addendum.clone();
        self.begin_addendum(reason)?;
        let result = change(self);
        self.addendum = outer;
        result
    }

    /// Opens an addendum to the completed file: until it is ended, or someone else signs in,
    /// every change records "addendum: <reason>" as the current user first, in the same
    /// transaction, so the reason stands ahead of what it explains and travels with it to the
    /// team's other copies. The window keeps one open across several edits; the CLI for one
    /// command (`--addendum`).
    pub fn begin_addendum(&mut self, reason: &str) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("reason", "say why the completed file is changed"));
        }
        if self.completed_on()?.is_none() {
            return Err(Error::invalid("addendum", "documentation is not completed yet; change the file directly"));
        }
        if self.user().is_none() {
            return Err(Error::invalid("user", "choose who you are before making an addendum"));
        }
        self.addendum = Some(reason.to_owned());
        Ok(())
    }

    /// Ends the open addendum, if any: the file is read-only again.
    pub fn end_addendum(&mut self) {
        self.addendum = None;
    }

    /// The reason of the addendum open now, if one is.
    pub fn addendum_reason(&self) -> Option<&str> {
        self.addendum.as_deref()
    }
}

/// What an addendum's trail entries begin with.
const ADDENDUM: &str = "addendum: ";

/// Records, ahead of a change made in an addendum, the addendum's reason.
pub(crate) fn record_addendum(w: &Writer, reason: &str) -> Result<()> {
    let state = w.snapshot("engagement", 1)?;
    w.record(&format!("{ADDENDUM}{reason}"), "engagement", 1, state)
}

/// Whether a trail entry's action is an addendum's reason.
pub(crate) fn is_addendum(action: &str) -> bool {
    action.starts_with(ADDENDUM)
}
