//! What a change from another copy may carry at all, before any rule of the audit's judges what
//! it does. Tickmark sends one transaction of its author's, as SQLite's session recorded it: rows
//! of the engagement's own tables, whole, and the trail entries that say what was done. A change
//! carrying anything else was written outside Tickmark, by someone holding the passphrase and the
//! folder's secret, and is refused whole, as a badly signed one is:
//! - rows of a copy's own bookkeeping (what it holds, its conflicts list), SQLite's, or evidence
//!   bytes (which travel apart, by hash): applied, they would drop a conflict or rename a copy;
//! - a table named otherwise than this file's schema names it, with more columns, or another
//!   primary key: SQLite passes over such a table without a word, while merging would act on
//!   its trail entries as if they had landed;
//! - a row without the values a changeset records (a patchset's removal carries only the key,
//!   and would remove a row changed meanwhile on another copy without a conflict);
//! - a trail entry changed or removed, or added under a number this copy holds already (adding
//!   it would replace that entry): the trail only grows;
//! - a trail entry that is not the change's own: made at another clock, numbered in another
//!   copy's range, or written as someone else's. Merging keeps a held change's entries aside by
//!   its clock and range, and `verify` judges the team by entries it did not keep aside, so an
//!   entry posing as another change's would make the two judge the team differently;
//! - the engagement row added or removed, or the team's rule changed: both are set when the file
//!   is made (`signing::team::Rule`);
//! - a copy numbered as no copy is (0: the file before it was shared; merging's own), or a
//!   change that does not sort after every change it was made on that this copy holds.

use std::collections::HashMap;

use rusqlite::hooks::Action;
use rusqlite::session::ChangesetItem;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::sync::envelope::Change;
use crate::sync::folder::copy_index;
use crate::sync::merge::{each_item, Entry, MERGE_RANGE};
use crate::sync::outbox;

/// A table as this file's schema has it: its columns in order, each whether it is part of the
/// primary key.
struct Shape {
    primary_key: Vec<bool>,
    names: Vec<String>,
}

/// Judges the changes one sync reads, in the order it reads them.
pub(super) struct Admission<'c> {
    conn: &'c Connection,
    shapes: HashMap<String, Option<Shape>>,
    /// The highest trail number of each copy's range: held here, or in changes taken so far.
    highest: HashMap<i64, i64>,
    /// The same, with the file being read: kept when it is taken (`taken`).
    reading: HashMap<i64, i64>,
}

impl<'c> Admission<'c> {
    pub fn new(conn: &'c Connection) -> Self {
        Admission { conn, shapes: HashMap::new(), highest: HashMap::new(), reading: HashMap::new() }
    }

    /// The file read since the last call was taken (true) or refused.
    pub fn taken(&mut self, taken: bool) {
        if taken {
            self.highest.extend(self.reading.drain());
        } else {
            self.reading.clear();
        }
    }

    /// Why `change`, whose trail entries are `entries`, is not what Tickmark sends; None when it
    /// is.
    pub fn refusal(&mut self, change: &Change, entries: &[Entry]) -> Result<Option<String>> {
        let range = copy_index(&change.copy);
        if range == 0 || range == MERGE_RANGE {
            return Ok(Some(format!("comes from copy {}, numbered as no copy is", change.copy)));
        }
        if let Some(why) = self.out_of_order(change)? {
            return Ok(Some(why));
        }
        let mut why = None;
        let read = each_item(&change.changeset, |item| {
            why = self.item_refusal(item)?;
            Ok(why.is_none())
        });
        if let Err(e) = read {
            return Ok(Some(format!("cannot be read ({e})")));
        }
        if why.is_some() {
            return Ok(why);
        }
        let foreign = entries.iter().find(|e| e.clock != change.lamport as i64 || e.seq >> 32 != range || !e.actor.eq_ignore_ascii_case(change.author.trim()));
        if let Some(e) = foreign {
            return Ok(Some(format!(
                "carries trail entry {} ({} {} {}, by {}) that is not its own: a change's entries are its author's, at its clock, numbered in its copy's range",
                e.seq, e.action, e.entity, e.entity_id, e.actor
            )));
        }
        let mut highest = self.highest_of(range)?;
        for e in entries {
            if e.seq <= highest {
                return Ok(Some(format!("adds trail entry {} where this copy holds entries up to {highest} of its copy: the trail only grows", e.seq)));
            }
            highest = e.seq;
        }
        self.reading.insert(range, highest);
        Ok(None)
    }

    /// Why the change does not sort after every change it was made on that this copy holds, as
    /// every change Tickmark makes does (its clock is one more than the highest it held).
    fn out_of_order(&self, change: &Change) -> Result<Option<String>> {
        if change.lamport == 0 {
            return Ok(Some("has clock 0, which no change has".into()));
        }
        let mut stmt = self.conn.prepare_cached("SELECT lamport FROM sync_log WHERE copy = ?1 AND seq = ?2")?;
        for (copy, &seq) in &change.state {
            let lamport: Option<i64> = stmt.query_row(rusqlite::params![copy, seq as i64], |r| r.get(0)).optional()?;
            if lamport.is_some_and(|l| l >= change.lamport as i64) {
                return Ok(Some(format!("has clock {}, not after change {seq} of copy {copy} it was made on", change.lamport)));
            }
        }
        Ok(None)
    }

    /// The highest trail number of `range` so far.
    fn highest_of(&mut self, range: i64) -> Result<i64> {
        if let Some(&n) = self.reading.get(&range).or_else(|| self.highest.get(&range)) {
            return Ok(n);
        }
        let n: i64 = self.conn.query_row("SELECT coalesce(max(seq), ?1) FROM trail WHERE seq BETWEEN ?1 AND ?2", [range << 32, (range << 32) | 0xffff_ffff], |r| r.get(0))?;
        self.highest.insert(range, n);
        Ok(n)
    }

    /// Why one row of a changeset is not one Tickmark sends.
    fn item_refusal(&mut self, item: &ChangesetItem) -> Result<Option<String>> {
        let op = item.op()?;
        let (table, columns, code) = (op.table_name().to_owned(), op.number_of_columns().max(0) as usize, op.code());
        if !outbox::travels(&table) {
            return Ok(Some(format!("changes the table {table}, which no change of Tickmark's carries")));
        }
        let Some(shape) = self.shape(&table)? else {
            return Ok(Some(format!("changes a table {table}, which this file does not have as named")));
        };
        let primary_key: Vec<bool> = item.pk()?.iter().map(|&flag| flag != 0).collect();
        // Fewer columns than the table has is a change made before a column was added.
        if columns > shape.primary_key.len() || primary_key[..] != shape.primary_key[..columns] {
            return Ok(Some(format!("changes the table {table} in another shape than this file has it")));
        }
        if table == "trail" && code != Action::SQLITE_INSERT {
            return Ok(Some("changes or removes a trail entry, where the trail only grows".to_owned()));
        }
        if table == "engagement" {
            // A change made before the column was added has no value for it (SQLite: out of range).
            let rule = shape.names.iter().position(|n| n == "team_rule");
            if code != Action::SQLITE_UPDATE || rule.is_some_and(|i| item.new_value(i).is_ok()) {
                return Ok(Some("adds or removes the engagement, or changes the team's rule, which are set when the file is made".to_owned()));
            }
        }
        // A changeset records a row added or removed whole, and both values of each column it
        // changes; a patchset leaves out the old ones.
        let whole = match code {
            Action::SQLITE_INSERT => (0..columns).all(|i| item.new_value(i).is_ok()),
            Action::SQLITE_DELETE => (0..columns).all(|i| item.old_value(i).is_ok()),
            _ => (0..columns).all(|i| item.new_value(i).is_err() || item.old_value(i).is_ok()),
        };
        Ok((!whole).then(|| format!("changes a row of {table} without the values a change of Tickmark's records")))
    }

    /// `table` as this file's schema names it, exactly, or None.
    fn shape(&mut self, table: &str) -> Result<&Option<Shape>> {
        if !self.shapes.contains_key(table) {
            let named: bool = self.conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| r.get::<_, i64>(0))? > 0;
            let shape = if named {
                let mut stmt = self.conn.prepare("SELECT pk, name FROM pragma_table_info(?1) ORDER BY cid")?;
                let columns: Vec<(bool, String)> = stmt.query_map([table], |r| Ok((r.get::<_, i64>(0)? > 0, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
                let (primary_key, names) = columns.into_iter().unzip();
                Some(Shape { primary_key, names })
            } else {
                None
            };
            self.shapes.insert(table.to_owned(), shape);
        }
        Ok(&self.shapes[table])
    }
}
