//! Re-checks a file against its own trail: the hash chain, every tracked row against the last
//! state the trail recorded for it, and the bytes of evidence and populations against their
//! recorded hashes. What this finds was changed outside Tickmark.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;
use serde_json::{Map, Value};

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

/// Each column's default as the row JSON shows it: what a column added by a later schema
/// version holds in rows the trail recorded before it existed.
fn column_defaults(conn: &Connection, table: &str) -> Result<Map<String, Value>> {
    let mut stmt = conn.prepare(&format!("SELECT name, dflt_value FROM pragma_table_info('{table}')"))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
    let mut defaults = Map::new();
    for row in rows {
        let (name, default) = row?;
        let value = match default {
            None => Value::Null,
            Some(sql) => conn.query_row(&format!("SELECT {sql}"), [], |r| {
                Ok(match r.get_ref(0)? {
                    rusqlite::types::ValueRef::Integer(n) => Value::from(n),
                    rusqlite::types::ValueRef::Real(x) => Value::from(x),
                    rusqlite::types::ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                    _ => Value::Null,
                })
            })?,
        };
        defaults.insert(name, value);
    }
    Ok(defaults)
}

/// The row equals its last recorded state, where columns the record does not name (added by a
/// later schema version) still hold their defaults.
fn matches_record(current: Option<&Value>, recorded: &Value, defaults: &Map<String, Value>) -> bool {
    let (Some(Value::Object(current)), Value::Object(recorded)) = (current, recorded) else { return false };
    current.iter().all(|(name, value)| match recorded.get(name) {
        Some(was) => was == value,
        None => defaults.get(name).is_some_and(|default| default == value),
    }) && recorded.keys().all(|name| current.contains_key(name))
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
        let defaults = column_defaults(conn, table)?;
        let ids: Vec<i64> = conn.prepare(&format!("SELECT id FROM {table} ORDER BY id"))?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for &id in &ids {
            let current = trail::row_json(conn, table, id)?;
            match last_state.remove(&(table, id)) {
                None => problems.push(format!("{table} {id} has no trail entry: it was added outside Tickmark")),
                Some(None) => problems.push(format!("{table} {id} was deleted according to the trail but is present")),
                Some(Some(after)) => {
                    let recorded: Value = serde_json::from_str(after)?;
                    if !matches_record(current.as_ref(), &recorded, &defaults) {
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
    let examination: String = conn.query_row("SELECT examination FROM engagement WHERE id = 1", [], |r| r.get(0))?;
    let period = serde_json::from_str::<crate::model::Examination>(&examination)?.period();
    problems.extend(population::verify_all(conn, period)?);

    Ok(Verification { entries: entries.len() as i64, head: trail::head(conn)?, problems })
}
