//! Who is working on which control. On a team each auditor works in their own copy, so taking a
//! control is how the others see it is being worked on ("assigned to TW"). It is a courtesy, not
//! a lock: anyone may take a control someone else has, and the trail shows who did.

use rusqlite::{params, OptionalExtension};

use crate::error::{Error, Result};
use crate::store::EngagementFile;

impl EngagementFile {
    /// Takes the control's work for the user signed in.
    pub fn take_control(&mut self, control_id: i64) -> Result<()> {
        self.control(control_id)?;
        self.write(|w| {
            let before = w.snapshot("assignment", control_id)?;
            let current: Option<String> = w.tx().query_row("SELECT initials FROM assignment WHERE id = ?1", [control_id], |r| r.get(0)).optional()?;
            if current.as_deref() == Some(w.user.as_str()) {
                return Ok(());
            }
            w.tx().execute(
                "INSERT INTO assignment (id, initials, taken_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET initials = excluded.initials, taken_at = excluded.taken_at",
                params![control_id, w.user, w.at],
            )?;
            w.record("take", "assignment", control_id, before)
        })
    }

    /// Leaves the control free for anyone to take.
    pub fn release_control(&mut self, control_id: i64) -> Result<()> {
        let reference = self.control(control_id)?.reference;
        self.write(|w| {
            let before = w.snapshot("assignment", control_id)?.ok_or_else(|| Error::invalid("control", format!("nobody has taken {reference}")))?;
            w.tx().execute("DELETE FROM assignment WHERE id = ?1", [control_id])?;
            w.record("release", "assignment", control_id, Some(before))
        })
    }
}
