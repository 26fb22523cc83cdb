//! Capturing each local transaction of a shared engagement as a changeset, in the same
//! transaction: a change is in the outbox exactly when it is in the file, whatever stops the
//! process, so a sync never has to reconstruct what was done.

use rusqlite::session::Session;
use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::keys::PersonalKey;
use crate::sync::envelope::{signed_message, State};

/// The copy name and what this copy holds, when the engagement is shared.
pub(crate) fn copy_name(conn: &Connection) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT copy FROM sync_state WHERE id = 1", [], |r| r.get(0)).optional()?.flatten())
}

/// What this copy holds: its own last change and the last applied change of every other copy.
pub(crate) fn state(conn: &Connection, copy: &str) -> Result<State> {
    let mut state = State::new();
    let own: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM sync_outbox", [], |r| r.get(0))?;
    if own > 0 {
        state.insert(copy.to_owned(), own as u64);
    }
    let mut stmt = conn.prepare("SELECT copy, seq FROM sync_applied WHERE seq > 0")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (copy, seq) = row?;
        state.insert(copy, seq as u64);
    }
    Ok(state)
}

/// A transaction being recorded for the folder.
pub(crate) struct Capture<'c> {
    session: Session<'c>,
    copy: String,
    engagement: String,
    key: &'c PersonalKey,
}

impl<'c> Capture<'c> {
    /// Starts recording when the engagement is shared. Changes that travel are signed, so a
    /// team member without a personal key cannot change a shared engagement.
    pub fn begin(conn: &'c Connection, key: Option<&'c PersonalKey>) -> Result<Option<Self>> {
        let Some(copy) = copy_name(conn)? else { return Ok(None) };
        let key = key.ok_or_else(|| {
            Error::invalid("user", "this engagement is shared: every change that travels is signed, so sign in with your personal key")
        })?;
        let engagement: String = conn.query_row("SELECT uid FROM engagement WHERE id = 1", [], |r| r.get(0))?;
        let mut session = Session::new(conn)?;
        session.table_filter(Some(|table: &str| !table.starts_with("sync_")));
        session.attach(None::<&str>)?;
        Ok(Some(Capture { session, copy, engagement, key }))
    }

    /// Puts what the transaction changed into the outbox, signed by its author.
    pub fn finish(mut self, conn: &Connection, author: &str) -> Result<()> {
        let mut changeset = Vec::new();
        self.session.changeset_strm(&mut changeset)?;
        drop(self.session);
        if changeset.is_empty() {
            return Ok(());
        }
        let state = state(conn, &self.copy)?;
        let seq = state.get(&self.copy).copied().unwrap_or(0) + 1;
        let signature = self.key.sign(&signed_message(&self.engagement, &self.copy, seq, author, &state, &changeset));
        conn.execute(
            "INSERT INTO sync_outbox (seq, author, state, changeset, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![seq as i64, author, serde_json::to_string(&state)?, changeset, signature],
        )?;
        Ok(())
    }
}
