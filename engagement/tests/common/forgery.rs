#![allow(dead_code)] // not every test binary that includes `common` forges
//! What a forger who knows the passphrase can do to the file behind Tickmark's back, written
//! from the trail's documented format rather than Tickmark's code: open it with SQLCipher and
//! recompute the hash chain after an edit, as a careful forger would.

use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The file opened directly, as any SQLCipher client given the passphrase can.
pub fn raw(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "key", super::PASSPHRASE).unwrap();
    conn
}

/// SHA-256 over the fields, each length-prefixed (u64, little endian), NULL as empty.
fn entry_hash(row: &[Value]) -> String {
    let mut h = Sha256::new();
    for field in row {
        let text = match field {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Recomputes `prev_hash` and `hash` of every entry from `seq` on, so the chain is whole again.
pub fn rechain_from(conn: &rusqlite::Connection, seq: i64) {
    let rows: Vec<Vec<Value>> = {
        let mut stmt = conn.prepare("SELECT seq, at, actor, action, entity, entity_id, before, after FROM trail WHERE seq >= ?1 ORDER BY seq").unwrap();
        let mapped = stmt
            .query_map([seq], |r| {
                let text = |i| r.get::<_, Option<String>>(i).map(|t| t.map_or(Value::Null, Value::String));
                Ok(vec![Value::from(r.get::<_, i64>(0)?), text(1)?, text(2)?, text(3)?, text(4)?, Value::from(r.get::<_, i64>(5)?), text(6)?, text(7)?])
            })
            .unwrap();
        mapped.map(Result::unwrap).collect()
    };
    let mut prev: String = conn
        .query_row("SELECT hash FROM trail WHERE seq < ?1 ORDER BY seq DESC LIMIT 1", [seq], |r| r.get(0))
        .unwrap_or_else(|_| "0".repeat(64));
    for mut row in rows {
        let seq = row[0].as_i64().unwrap();
        row.push(Value::String(prev.clone()));
        let hash = entry_hash(&row);
        conn.execute("UPDATE trail SET prev_hash = ?1, hash = ?2 WHERE seq = ?3", rusqlite::params![prev, hash, seq]).unwrap();
        prev = hash;
    }
}
