//! Capturing each local transaction of a shared engagement as a changeset, in the same
//! transaction: a change is in the outbox exactly when it is in the file, whatever stops the
//! process, so a sync never has to reconstruct what was done.
//!
//! Rows added on two copies at once must never share an id, or merging them would lose one, so
//! a copy of a shared engagement gives new rows ids from its own range: copy number k (from its
//! name) takes k·2³² + 1 onwards (populations, whose rows are numbered from the population's id,
//! k·2¹⁶ + 1 onwards). Ids stay below 2⁵³, exact in JavaScript.

use rusqlite::session::Session;
use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::keys::PersonalKey;
use crate::sync::envelope::{signed_message, State};

/// What a write on a shared engagement needs to know of the copy it is made on.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    pub copy: String,
    /// The copy's number, which picks its id range.
    pub index: i64,
    /// The Lamport clock of the change being made: one more than any change this copy holds.
    pub lamport: i64,
}

impl Context {
    /// The ids this copy gives new rows of `table`.
    fn range(&self, table: &str) -> (i64, i64) {
        let bits = crate::model::number::range_bits(table);
        (self.index << bits | 1, (self.index << bits) + ((1 << bits) - 1))
    }
}

/// The copy name and what a change made now would be, when the engagement is shared.
pub(crate) fn context(conn: &Connection) -> Result<Option<Context>> {
    let Some(copy) = copy_name(conn)? else { return Ok(None) };
    // The log is in the one order, whose first key is the clock, so its last entry has the
    // highest clock: found by the primary key, where max(lamport) would read the whole log.
    let last: Option<i64> = conn.query_row("SELECT lamport FROM sync_log ORDER BY position DESC LIMIT 1", [], |r| r.get(0)).optional()?;
    let lamport = last.unwrap_or(0) + 1;
    Ok(Some(Context { index: crate::sync::folder::copy_index(&copy), copy, lamport }))
}

/// A new id for `column` of `table`: the next in this copy's range on a shared engagement, the
/// next after the highest otherwise (as SQLite itself would choose).
pub(crate) fn new_id(conn: &Connection, ctx: Option<&Context>, table: &str, column: &str) -> Result<i64> {
    let (low, high) = ctx.map_or((1, i64::MAX), |c| c.range(table));
    let max: Option<i64> =
        conn.query_row(&format!("SELECT max({column}) FROM {table} WHERE {column} BETWEEN ?1 AND ?2"), [low, high], |r| r.get(0))?;
    match max {
        None => Ok(low),
        Some(max) if max < high => Ok(max + 1),
        Some(_) => Err(Error::invalid(table, "this copy has used every id of its range: join the folder again for a new copy")),
    }
}

/// The copy name, when the engagement is shared.
pub(crate) fn copy_name(conn: &Connection) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT copy FROM sync_state WHERE id = 1", [], |r| r.get(0)).optional()?.flatten())
}

/// What this copy holds: the last change of each copy (its own included) it has applied.
pub(crate) fn state(conn: &Connection) -> Result<State> {
    let mut state = State::new();
    // A skip over the (copy, seq) index, a step per copy, since every write on a shared file asks
    // this: GROUP BY would read the whole log each time.
    let mut stmt = conn.prepare(
        "WITH RECURSIVE copies(copy) AS (
             SELECT min(copy) FROM sync_log
             UNION ALL SELECT (SELECT min(copy) FROM sync_log WHERE copy > copies.copy) FROM copies WHERE copy IS NOT NULL)
         SELECT copy, (SELECT max(seq) FROM sync_log WHERE sync_log.copy = copies.copy) FROM copies WHERE copy IS NOT NULL",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (copy, seq) = row?;
        state.insert(copy, seq as u64);
    }
    Ok(state)
}

/// A transaction being recorded for the folder.
pub(crate) struct Capture<'c> {
    session: Session<'c>,
    ctx: Context,
    engagement: String,
    key: &'c PersonalKey,
}

impl<'c> Capture<'c> {
    /// Starts recording. Changes that travel are signed, so a team member without a personal key
    /// cannot change a shared engagement.
    pub fn begin(conn: &'c Connection, key: Option<&'c PersonalKey>, ctx: &Context) -> Result<Self> {
        let key = key.ok_or_else(|| {
            Error::invalid("user", "this engagement is shared: every change that travels is signed, so sign in with your personal key")
        })?;
        let engagement: String = conn.query_row("SELECT uid FROM engagement WHERE id = 1", [], |r| r.get(0))?;
        Ok(Capture { session: record(conn)?, ctx: ctx.clone(), engagement, key })
    }

    /// Puts what the transaction changed into the outbox, signed by its author, and into the
    /// log of what this copy holds.
    pub fn finish(mut self, conn: &Connection, author: &str) -> Result<()> {
        let mut changeset = Vec::new();
        self.session.changeset_strm(&mut changeset)?;
        drop(self.session);
        if changeset.is_empty() {
            return Ok(());
        }
        let state = state(conn)?;
        let seq = state.get(&self.ctx.copy).copied().unwrap_or(0) + 1;
        let lamport = self.ctx.lamport as u64;
        let signature = self.key.sign(&signed_message(&self.engagement, &self.ctx.copy, seq, author, lamport, &state, &changeset));
        conn.execute(
            "INSERT INTO sync_outbox (seq, author, state, lamport, changeset, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![seq as i64, author, serde_json::to_string(&state)?, lamport as i64, changeset, signature],
        )?;
        log(conn, &self.ctx.copy, seq, lamport, author, None, None)
    }
}

/// Whether changes to `table` travel: the engagement's own tables do; a copy's own bookkeeping
/// (`sync_*`), SQLite's, and evidence bytes, which travel apart, once per file (`exchange`), do
/// not. SQLite finds a table whatever its case, so this does too.
pub(crate) fn travels(table: &str) -> bool {
    let table = table.to_ascii_lowercase();
    !table.starts_with("sync_") && !table.starts_with("sqlite_") && table != "evidence_chunk"
}

/// A session recording every change to the tables whose changes travel.
pub(crate) fn record(conn: &Connection) -> Result<Session<'_>> {
    let mut session = Session::new(conn)?;
    session.table_filter(Some(|table: &str| travels(table)));
    session.attach(None::<&str>)?;
    Ok(session)
}

/// Appends a change to the log of what this copy holds, in the order it took effect. A change
/// of this copy's own keeps its changeset in the outbox only (`original` None), and one that took
/// effect as made has no `effective` of its own: evidence makes changesets large.
pub(crate) fn log(conn: &Connection, copy: &str, seq: u64, lamport: u64, author: &str, original: Option<&[u8]>, effective: Option<&[u8]>) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_log (position, copy, seq, lamport, author, original, effective)
         VALUES ((SELECT coalesce(max(position), 0) + 1 FROM sync_log), ?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![copy, seq as i64, lamport as i64, author, original, effective],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy's range ends where the next copy's begins: its last id is given, then refused.
    #[test]
    fn a_copy_gives_ids_from_its_range_up_to_its_last_and_no_further() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE review_note (id INTEGER PRIMARY KEY); CREATE TABLE population (id INTEGER PRIMARY KEY);").unwrap();
        let ctx = Context { copy: "0003".into(), index: 3, lamport: 1 };
        for (table, bits) in [("review_note", 32), ("population", 16)] {
            assert_eq!(new_id(&conn, Some(&ctx), table, "id").unwrap(), 3 << bits | 1, "{table}: the first of copy 3");
            let next_copy = 4i64 << bits;
            conn.execute(&format!("INSERT INTO {table} (id) VALUES (?1), (?2)"), [next_copy | 1, next_copy - 2]).unwrap();
            assert_eq!(new_id(&conn, Some(&ctx), table, "id").unwrap(), next_copy - 1, "{table}: copy 3's last id, not copy 4's first");
            conn.execute(&format!("INSERT INTO {table} (id) VALUES (?1)"), [next_copy - 1]).unwrap();
            let refused = new_id(&conn, Some(&ctx), table, "id").unwrap_err().to_string();
            assert!(refused.contains("used every id of its range"), "{refused}");
            assert_eq!(new_id(&conn, None, table, "id").unwrap(), next_copy | 2, "unshared: after the highest");
        }
    }
}
