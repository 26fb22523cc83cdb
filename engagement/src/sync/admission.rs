//! What a change from another copy may carry at all, before any rule of the audit's judges what
//! it does. Tickmark sends one transaction of its author's: rows of the engagement's own tables,
//! and the trail entries that say what was done. A change carrying anything else was written
//! outside Tickmark, by someone holding the passphrase and the folder's secret, and is refused
//! whole, as a badly signed one is:
//! - rows of a copy's own bookkeeping (what it holds, its conflicts list), SQLite's, or evidence
//!   bytes (which travel apart, by hash): applied, they would drop a conflict or rename a copy;
//! - a trail entry changed or removed: the trail only grows;
//! - a trail entry that is not the change's own: made at another clock, numbered in another
//!   copy's range, or written as someone else's. Merging keeps a held change's entries aside by
//!   its clock and range, and `verify` judges the team by entries it did not keep aside, so an
//!   entry posing as another change's would make the two judge the team differently.

use rusqlite::hooks::Action;

use crate::sync::envelope::Change;
use crate::sync::folder::copy_index;
use crate::sync::merge::{each_item, Entry};
use crate::sync::outbox;

/// Why `change`, whose trail entries are `entries`, is not what Tickmark sends; None when it is.
pub(super) fn refusal(change: &Change, entries: &[Entry]) -> Option<String> {
    let mut why = None;
    let read = each_item(&change.changeset, |item| {
        let op = item.op()?;
        let table = op.table_name();
        if !outbox::travels(table) {
            why = Some(format!("changes the table {table}, which no change of Tickmark's carries"));
        } else if table.eq_ignore_ascii_case("trail") && op.code() != Action::SQLITE_INSERT {
            why = Some("changes or removes a trail entry, where the trail only grows".to_owned());
        }
        Ok(why.is_none())
    });
    if let Err(e) = read {
        return Some(format!("cannot be read ({e})"));
    }
    why.or_else(|| {
        let range = copy_index(&change.copy);
        let foreign = entries.iter().find(|e| e.clock != change.lamport as i64 || e.seq >> 32 != range || !e.actor.eq_ignore_ascii_case(change.author.trim()))?;
        Some(format!(
            "carries trail entry {} ({} {} {}, by {}) that is not its own: a change's entries are its author's, at its clock, numbered in its copy's range",
            foreign.seq, foreign.action, foreign.entity, foreign.entity_id, foreign.actor
        ))
    })
}
