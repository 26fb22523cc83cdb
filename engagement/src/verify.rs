//! Re-checks a file against its own trail: the hash chain, every tracked row against the last
//! state the trail recorded for it, and the bytes of evidence and populations against their
//! recorded hashes. What this finds was changed outside Tickmark.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use crate::error::Result;
use crate::trail::{self, TRACKED};
use crate::{evidence, population};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Verification {
    pub entries: i64,
    pub head: String,
    /// In the order found: the chain first, then rows, evidence and populations.
    pub problems: Vec<String>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

pub fn verify(conn: &Connection) -> Result<Verification> {
    let entries = trail::entries(conn, None)?;
    let mut problems = Vec::new();
    let mut expected_prev = trail::GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut last_state: HashMap<(&str, i64), Option<&str>> = HashMap::new();
    for entry in &entries {
        if entry.seq != expected_seq {
            problems.push(format!(
                "trail entry {expected_seq} is missing: the trail jumps from entry {} to entry {}",
                expected_seq - 1,
                entry.seq
            ));
        } else if entry.prev_hash != expected_prev {
            problems.push(format!("trail entry {} does not follow from entry {}: the chain is broken", entry.seq, entry.seq - 1));
        }
        if entry.hash != entry.compute_hash() {
            problems.push(format!(
                "trail entry {} ({} {} {}) was altered: its content no longer matches its hash",
                entry.seq, entry.action, entry.entity, entry.entity_id
            ));
        }
        expected_prev = entry.hash.clone();
        expected_seq = entry.seq + 1;
        last_state.insert((entry.entity.as_str(), entry.entity_id), entry.after.as_deref());
    }

    for table in TRACKED {
        let ids: Vec<i64> = conn.prepare(&format!("SELECT id FROM {table} ORDER BY id"))?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for &id in &ids {
            let current = trail::row_json(conn, table, id)?;
            match last_state.remove(&(table, id)) {
                None => problems.push(format!("{table} {id} has no trail entry: it was added outside Tickmark")),
                Some(None) => problems.push(format!("{table} {id} was deleted according to the trail but is present")),
                Some(Some(after)) => {
                    let recorded: Value = serde_json::from_str(after)?;
                    if current.as_ref() != Some(&recorded) {
                        problems.push(format!("{table} {id} differs from what the trail last recorded: it was changed outside Tickmark"));
                    }
                }
            }
        }
    }
    let mut vanished: Vec<_> = last_state.into_iter().filter(|(_, after)| after.is_some()).map(|(k, _)| k).collect();
    vanished.sort();
    for (table, id) in vanished {
        problems.push(format!("{table} {id} is recorded in the trail but missing: it was deleted outside Tickmark"));
    }

    problems.extend(evidence::verify_all(conn)?);
    problems.extend(population::verify_all(conn)?);

    Ok(Verification { entries: entries.len() as i64, head: trail::head(conn)?, problems })
}
