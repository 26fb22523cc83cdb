//! The audit trail: every change appends who, when, what, and the row before and after. Each
//! entry's hash covers its fields and the previous entry's hash, so removing or editing an
//! entry breaks the chain, and a row changed without an entry no longer matches its last "after".
//!
//! Entry hash = SHA-256 over, in order, `seq`, `at`, `actor`, `action`, `entity`, `entity_id`,
//! `before`, `after`, `prev_hash`, each as its UTF-8 bytes (integers in decimal, an absent
//! before/after as the empty string) preceded by its byte length as a little-endian u64.

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::Result;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Tables whose rows the trail vouches for, row by row.
pub const TRACKED: &[&str] = &[
    "engagement",
    "team_member",
    "control",
    "attribute",
    "request",
    "evidence",
    "walkthrough",
    "population",
    "sample",
    "test_result",
    "exception",
    "signoff",
    "review_note",
    "grid_view",
    "audited_amount",
    "procedure",
    "user_entity_control",
    "subservice_organization",
    "exception_evaluation",
    "criterion_conclusion",
    "scope_limitation",
    "opinion",
    "report_document",
    "carried_note",
    "assignment",
    "settlement",
];

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrailEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// The author's Ed25519 signature of `hash` (hex), when the author has a personal key.
    pub signature: Option<String>,
    /// The Lamport clock of the shared change the entry belongs to (0 when never shared): the
    /// trail reads in (clock, seq) order. Not hashed.
    pub clock: i64,
}

impl TrailEntry {
    pub(crate) fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        field(self.seq.to_string().as_bytes());
        field(self.at.as_bytes());
        field(self.actor.as_bytes());
        field(self.action.as_bytes());
        field(self.entity.as_bytes());
        field(self.entity_id.to_string().as_bytes());
        field(self.before.as_deref().unwrap_or("").as_bytes());
        field(self.after.as_deref().unwrap_or("").as_bytes());
        field(self.prev_hash.as_bytes());
        hex::encode(h.finalize())
    }
}

/// A row as a JSON object with keys in column-name order of a BTreeMap, so the same row always
/// serialises to the same text. Blobs never reach here: evidence bytes are verified by hash.
pub fn row_json(conn: &Connection, table: &str, id: i64) -> Result<Option<Value>> {
    debug_assert!(TRACKED.contains(&table));
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
    let names: Vec<String> = stmt.column_names().map(String::from).collect();
    stmt.query_row([id], |row| row_to_json(&names, row)).optional().map_err(Into::into)
}

/// Every row of `table` matching `filter` (with `?1` bound to `param`), in id order, as
/// `row_json` gives each: one statement for all of them.
pub fn rows_json(conn: &Connection, table: &str, filter: &str, param: i64) -> Result<Vec<Value>> {
    debug_assert!(TRACKED.contains(&table));
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE {filter} ORDER BY id"))?;
    let names: Vec<String> = stmt.column_names().map(String::from).collect();
    let rows = stmt.query_map([param], |row| row_to_json(&names, row))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

fn row_to_json(names: &[String], row: &rusqlite::Row) -> rusqlite::Result<Value> {
    let mut map = Map::new();
    for (i, name) in names.iter().enumerate() {
        let value = match row.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => Value::from(n),
            ValueRef::Real(x) => Value::from(x),
            ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::from(hex::encode(Sha256::digest(b))),
        };
        map.insert(name.clone(), value);
    }
    Ok(Value::Object(map))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn append(
    conn: &Connection,
    sync: Option<&crate::sync::outbox::Context>,
    at: &str,
    actor: &str,
    key: Option<&crate::keys::PersonalKey>,
    action: &str,
    entity: &str,
    entity_id: i64,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<()> {
    let prev_hash = head(conn)?;
    let mut entry = TrailEntry {
        seq: crate::sync::outbox::new_id(conn, sync, "trail", "seq")?,
        at: at.to_owned(),
        actor: actor.to_owned(),
        action: action.to_owned(),
        entity: entity.to_owned(),
        entity_id,
        before: before.map(Value::to_string),
        after: after.map(Value::to_string),
        prev_hash,
        hash: String::new(),
        signature: None,
        clock: sync.map_or(0, |s| s.lamport),
    };
    entry.hash = entry.compute_hash();
    entry.signature = key.map(|k| k.sign(entry.hash.as_bytes()));
    conn.prepare_cached(
        "INSERT INTO trail (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash, signature, clock)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        entry.seq,
        entry.at,
        entry.actor,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.before,
        entry.after,
        entry.prev_hash,
        entry.hash,
        entry.signature,
        entry.clock
    ])?;
    Ok(())
}

/// The hash of the newest entry a person made: what a new entry follows, and what a sign-off or
/// decision records as the trail its signer saw. On a shared engagement the newest is the last in
/// the order every copy converges on, leaving out Tickmark's own entries from merging
/// (renumbering): merging writes them again when an earlier change arrives late, under another
/// hash, and an entry that followed one would then follow nothing.
pub fn head(conn: &Connection) -> Result<String> {
    newest(conn, false)
}

/// The hash of the last entry of all, Tickmark's own included: what `verify` reports and the
/// archive pins, so that an unsigned renumbering entry, which no entry follows, is pinned there.
pub fn last_hash(conn: &Connection) -> Result<String> {
    newest(conn, true)
}

/// The hash of the last entry in the one order, with or without merging's own, or the genesis
/// hash when there is none.
fn newest(conn: &Connection, with_merging: bool) -> Result<String> {
    Ok(conn
        .query_row(
            "SELECT hash FROM trail WHERE ?1 OR seq >> 32 <> ?2 ORDER BY clock DESC, seq DESC LIMIT 1",
            params![with_merging, crate::sync::merge::MERGE_RANGE],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| GENESIS.to_owned()))
}

pub fn entries(conn: &Connection, entity: Option<&str>) -> Result<Vec<TrailEntry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash, signature, clock FROM trail
         WHERE ?1 IS NULL OR entity = ?1 ORDER BY clock, seq",
    )?;
    let rows = stmt.query_map([entity], |r| {
        Ok(TrailEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            entity: r.get(4)?,
            entity_id: r.get(5)?,
            before: r.get(6)?,
            after: r.get(7)?,
            prev_hash: r.get(8)?,
            hash: r.get(9)?,
            signature: r.get(10)?,
            clock: r.get(11)?,
        })
    })?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

impl crate::store::EngagementFile {
    /// The trail, oldest first; only the entries about `entity` (a table name) if given.
    pub fn trail(&self, entity: Option<&str>) -> Result<Vec<TrailEntry>> {
        entries(self.conn(), entity)
    }
}
