//! Re-checks a file against its own trail: the hash chain, every tracked row against the last
//! state the trail recorded for it, and the bytes of evidence and populations against their
//! recorded hashes. What this finds was changed outside Tickmark.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::model::TeamMember;
use crate::signing::team;
use crate::trail::{self, TRACKED};
use crate::{evidence, population};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Verification {
    pub entries: i64,
    pub head: String,
    /// In the order found: the chain first, then rows, evidence and populations.
    pub problems: Vec<String>,
    /// Sign-offs whose workpaper no longer hashes to what was signed: changes made through
    /// Tickmark after signing, shown everywhere as "changed since signed". Not tampering, but
    /// no signature covers the work as it stands.
    pub changed_since_signed: Vec<String>,
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
    // Each copy of a shared engagement numbers its entries in its own range (k·2³² + 1 on);
    // a file never shared has only range 0, numbered from 1.
    let mut next_in_range: HashMap<i64, i64> = HashMap::new();
    let mut earlier: HashSet<&str> = HashSet::from([trail::GENESIS]);
    let mut last_state: HashMap<(&str, i64), Option<&str>> = HashMap::new();
    let not_applied = kept_aside(conn)?;
    let rule = team::Rule::of(conn)?;
    let mut signatures = Signatures::new(&entries, &not_applied, rule);
    for entry in &entries {
        let range = entry.seq >> 32;
        let expected_seq = *next_in_range.get(&range).unwrap_or(&(range << 32 | 1));
        // An entry made on one copy while another copy was making its own follows the entry its
        // copy held last, which merging may have put further back: any earlier entry will do.
        let follows = entry.prev_hash == expected_prev || (entry.clock > 0 && earlier.contains(entry.prev_hash.as_str()));
        if entry.seq != expected_seq {
            problems.push(format!(
                "trail entry {expected_seq} is missing: the trail jumps from entry {} to entry {}",
                expected_seq - 1,
                entry.seq
            ));
        } else if !follows {
            problems.push(format!("trail entry {} does not follow from entry {}: the chain is broken", entry.seq, entry.seq - 1));
        }
        if entry.hash != entry.compute_hash() {
            problems.push(format!(
                "trail entry {} ({} {} {}) was altered: its content no longer matches its hash",
                entry.seq, entry.action, entry.entity, entry.entity_id
            ));
        }
        if entry.entity == "engagement" && entry.action != "create" {
            let number = entry.after.as_deref().and_then(|a| serde_json::from_str::<Value>(a).ok()).and_then(|a| a["team_rule"].as_i64());
            if team::Rule::numbered(number) != rule {
                problems.push(format!("trail entry {} ({} engagement) changes the team's rule, which is set when the file is made: it was written outside Tickmark", entry.seq, entry.action));
            }
        }
        let applied = !not_applied.contains(&kept_aside_key(entry));
        problems.extend(signatures.check(entry, applied));
        expected_prev = entry.hash.clone();
        earlier.insert(&entry.hash);
        next_in_range.insert(range, entry.seq + 1);
        // An entry that leaves its row as it was (an addendum's reason records the engagement as
        // its author saw it) says nothing of the row: on a shared file another copy may have
        // changed it meanwhile, in a change that sorts before.
        let unchanged = entry.before.is_some() && entry.before == entry.after;
        if !unchanged && applied {
            last_state.insert((entry.entity.as_str(), entry.entity_id), entry.after.as_deref());
        }
    }
    problems.extend(chain_heads(conn, &entries)?);

    for table in TRACKED {
        let defaults = column_defaults(conn, table)?;
        let ids: Vec<i64> = conn.prepare(&format!("SELECT id FROM {table} ORDER BY id"))?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for &id in &ids {
            let current = trail::row_json(conn, table, id)?;
            match last_state.remove(&(table, id)) {
                None => problems.push(format!("{table} {} has no trail entry: it was added outside Tickmark", crate::model::number::label(table, id))),
                Some(None) => problems.push(format!("{table} {} was deleted according to the trail but is present", crate::model::number::label(table, id))),
                Some(Some(after)) => {
                    let recorded: Value = serde_json::from_str(after)?;
                    if !matches_record(current.as_ref(), &recorded, &defaults) {
                        problems.push(format!("{table} {} differs from what the trail last recorded: it was changed outside Tickmark", crate::model::number::label(table, id)));
                    }
                }
            }
        }
    }
    let mut vanished: Vec<_> = last_state.into_iter().filter(|(_, after)| after.is_some()).map(|(k, _)| k).collect();
    vanished.sort();
    for (table, id) in vanished {
        problems.push(format!("{table} {} is recorded in the trail but missing: it was deleted outside Tickmark", crate::model::number::label(table, id)));
    }

    problems.extend(evidence::verify_all(conn)?);
    let examination: String = conn.query_row("SELECT examination FROM engagement WHERE id = 1", [], |r| r.get(0))?;
    let period = serde_json::from_str::<crate::model::Examination>(&examination)?.period();
    problems.extend(population::verify_all(conn, period)?);

    Ok(Verification { entries: entries.len() as i64, head: trail::last_hash(conn)?, problems, changed_since_signed: Vec::new() })
}

type KeptAside = HashSet<(i64, i64, String, i64)>;

/// How `kept_aside` names an entry's row.
fn kept_aside_key(entry: &trail::TrailEntry) -> (i64, i64, String, i64) {
    (entry.clock, entry.seq >> 32, entry.entity.clone(), entry.entity_id)
}

/// The rows whose trail entries a merge of concurrent changes did not apply (kept in the
/// conflicts list instead), as (clock, copy range, entity, id): the trail says what their author
/// did, and the row is as the change before it left it.
fn kept_aside(conn: &Connection) -> Result<KeptAside> {
    let mut stmt = conn.prepare(
        "SELECT l.lamport, c.copy, c.entity, c.entity_id FROM sync_conflict c JOIN sync_log l ON l.copy = c.copy AND l.seq = c.seq
         WHERE c.kind <> 'replaced' AND c.entity_id IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?)))?;
    let mut out = HashSet::new();
    for row in rows {
        let (clock, copy, entity, id) = row?;
        out.insert((clock, crate::sync::folder::copy_index(&copy), entity, id));
    }
    Ok(out)
}

/// The team as the trail went, and who had which key: each member as the trail recorded their
/// row before each entry, and every key each ever had. An entry verifies under the key its
/// author had by the trail, or under another of theirs: the entries that create a file are signed
/// by a creator whose key is registered in the same change, and work done offline on one copy
/// with a key the partner replaced meanwhile on another was signed with the key its author had.
/// What merging kept aside never took effect: no key comes from it.
struct Signatures {
    team: BTreeMap<i64, TeamMember>,
    had: HashMap<String, Vec<String>>,
    /// The time of the entries that created the file, while they last: the team named at
    /// creation was named by its creator, before any rule of the team's could apply.
    founding: Option<String>,
    /// The rule the file was made under.
    rule: team::Rule,
    /// Each public key parsed once.
    parsed: HashMap<String, Option<crate::keys::Verifier>>,
}

fn member_of(state: Option<&str>) -> Option<TeamMember> {
    team::member(&serde_json::from_str(state?).ok()?)
}

impl Signatures {
    fn new(entries: &[trail::TrailEntry], not_applied: &KeptAside, rule: team::Rule) -> Self {
        let mut had: HashMap<String, Vec<String>> = HashMap::new();
        for e in entries.iter().filter(|e| e.entity == "team_member" && !not_applied.contains(&kept_aside_key(e))) {
            if let Some(TeamMember { initials, public_key: Some(key), .. }) = member_of(e.after.as_deref()) {
                let keys = had.entry(initials.to_uppercase()).or_default();
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        let founding = entries.first().filter(|e| e.entity == "engagement" && e.action == "create").map(|e| e.at.clone());
        Signatures { team: BTreeMap::new(), had, founding, rule, parsed: HashMap::new() }
    }

    /// Whether `signature` of `entry` verifies under public key `key`.
    fn verifies(&mut self, key: &str, entry: &trail::TrailEntry, signature: &str) -> bool {
        self.parsed.entry(key.to_owned()).or_insert_with(|| crate::keys::Verifier::new(key)).as_ref().is_some_and(|v| v.verify(entry.hash.as_bytes(), signature))
    }

    /// What is wrong with `entry`: its signature missing where its author had a key, or
    /// verifying under no key its author had; a change of the team its author may not make.
    /// Then takes in what the entry changed of the team, when it took effect (`applied`).
    fn check(&mut self, entry: &trail::TrailEntry, applied: bool) -> Vec<String> {
        let actor = entry.actor.to_uppercase();
        let mut problems = Vec::new();
        let key = self.team.values().find(|m| m.initials.to_uppercase() == actor).and_then(|m| m.public_key.clone());
        // Signed with the key the author holds on the team as it stands: only that proves who
        // changed the team (an entry signed with the key it registers proves nothing of it).
        let by_own_key = match (&entry.signature, &key) {
            (Some(signature), Some(key)) => entry.compute_hash() == entry.hash && self.verifies(key, entry, signature),
            _ => false,
        };
        match (&entry.signature, key) {
            (None, Some(_)) => problems.push(format!(
                "trail entry {} ({} {} {}) by {actor} is not signed, though {actor} signs with a personal key: it was written or rewritten outside Tickmark",
                entry.seq, entry.action, entry.entity, entry.entity_id
            )),
            (None, None) => {}
            (Some(signature), key) => {
                let candidates: Vec<String> = key.into_iter().chain(self.had.get(&actor).into_iter().flatten().cloned()).collect();
                if candidates.is_empty() {
                    problems.push(format!("trail entry {} by {actor} is signed, but {actor} never had a key on the team", entry.seq));
                } else if !candidates.iter().any(|key| self.verifies(key, entry, signature)) {
                    problems.push(format!("trail entry {} by {actor}: its signature is not {actor}'s: the entry was forged or altered", entry.seq));
                }
            }
        }
        if self.founding.as_ref().is_some_and(|at| *at != entry.at) {
            self.founding = None;
        }
        if entry.entity == "team_member" && applied {
            let before = self.team.get(&entry.entity_id).cloned();
            let after = member_of(entry.after.as_deref());
            if let (None, Some(refusal)) = (&self.founding, team::refusal(self.rule, &self.team.values().cloned().collect::<Vec<_>>(), &actor, by_own_key, before.as_ref(), after.as_ref())) {
                problems.push(format!("trail entry {} ({} {} {}) by {actor} breaks the team's rule: {refusal}", entry.seq, entry.action, entry.entity, entry.entity_id));
            }
            match after {
                Some(member) => self.team.insert(entry.entity_id, member),
                None => self.team.remove(&entry.entity_id),
            };
        }
        problems
    }
}

/// Each sign-off and opinion decision records the trail's head when it was made: that head must
/// be the hash of the entry just before the one that recorded it.
fn chain_heads(conn: &Connection, entries: &[trail::TrailEntry]) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (table, action) in [("signoff", "sign"), ("opinion", "decide")] {
        let rows: Vec<(i64, String)> =
            conn.prepare(&format!("SELECT id, chain_head FROM {table} ORDER BY id"))?.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        for (id, head) in rows {
            // The entry that recorded it follows the head the signer saw (the entry just before
            // it, on a file never shared), so that head must be what it follows.
            let recorded = entries.iter().find(|e| e.entity == table && e.entity_id == id && e.action == action);
            if recorded.map(|e| e.prev_hash.as_str()) != Some(head.as_str()) {
                problems.push(format!("{table} {id} records a trail head that is not the entry before it: the trail beneath it was rewritten"));
            }
        }
    }
    Ok(problems)
}
