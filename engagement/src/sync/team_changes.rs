//! A change from another copy that touches the team, judged by what its changeset does to the
//! team rows as they stand on this copy. Its trail entries are only its author's word for it: a
//! modified build could write an entry that says the row was already so, or none at all. So the
//! rule (`signing::team`) is applied to the changeset's effect, and a change whose entries do not
//! say what it does to the team is held as well.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::model::TeamMember;
use crate::signing::team;
use crate::sync::merge::{json, Entry};

/// What a changeset does to one team row: the row as it stands here, and as the change leaves it
/// (None: no row). `id` is None when the changeset names the row by no id Tickmark can read.
pub(super) struct Effect {
    pub id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// What `changeset` does to the team rows it touches, each laid over the row as it stands here.
/// SQLite finds a changeset's tables whatever their case, so this does too.
pub(super) fn effects(conn: &Connection, changeset: &[u8]) -> Result<Vec<Effect>> {
    use rusqlite::hooks::Action;
    let mut columns: Vec<String> = Vec::new();
    let mut effects = Vec::new();
    crate::sync::merge::each_item(changeset, |item| {
        let op = item.op()?;
        if !op.table_name().eq_ignore_ascii_case("team_member") {
            return Ok(true);
        }
        if columns.is_empty() {
            columns = conn.prepare("SELECT name FROM pragma_table_info('team_member') ORDER BY cid")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        }
        let id = [item.old_value(0), item.new_value(0)].into_iter().find_map(|v| v.ok().and_then(|v| v.as_i64().ok()));
        let before = match id {
            Some(id) => crate::trail::row_json(conn, "team_member", id)?,
            None => None,
        };
        let after = match op.code() {
            Action::SQLITE_DELETE => None,
            code => {
                // An update leaves the columns it does not name as they were; one it sets to
                // NULL is named, with NULL.
                let mut row = match (code, &before) {
                    (Action::SQLITE_UPDATE, Some(Value::Object(was))) => was.clone(),
                    _ => Map::new(),
                };
                for (i, name) in columns.iter().enumerate().take(op.number_of_columns().max(0) as usize) {
                    if let Ok(value) = item.new_value(i) {
                        row.insert(name.clone(), json(value));
                    }
                }
                Some(Value::Object(row))
            }
        };
        effects.push(Effect { id, before, after });
        Ok(true)
    })?;
    Ok(effects)
}

/// Whether `entry` is `author`'s, over its own fields, signed with the key `author` holds on
/// `team` before it. A change signed only with a key it registers itself (a member's own first
/// key, `register_own_key`) proves nothing of who made it, nor does an entry carrying another
/// entry's hash and signature, nor one naming someone else: the rule judges each as unsigned.
fn signed_with_own_key(team: &[TeamMember], author: &str, entry: &Entry) -> bool {
    let key = team.iter().find(|m| m.initials.eq_ignore_ascii_case(author.trim())).and_then(|m| m.public_key.as_deref());
    match (key, &entry.signature) {
        (Some(key), Some(signature)) => entry.own_hash && entry.actor.eq_ignore_ascii_case(author.trim()) && crate::keys::verify(key, entry.hash.as_bytes(), signature),
        _ => false,
    }
}

/// Why a change by `author` may not do to the team what its changeset does: a row it touches
/// that no trail entry of it describes, or whose last entry describes otherwise than the change
/// leaves it; an entry for a team row it does not touch; the rule, judged entry by entry on the
/// team as it stands here, as `verify` walks the trail (a change whose entries pass through a
/// team the rule forbids is held, though it ends at one the rule allows), by the rule the file
/// was made under, the same on every copy. None when it may.
pub(super) fn refusal(conn: &Connection, author: &str, changeset: &[u8], entries: &[Entry]) -> Result<Option<String>> {
    let effects = effects(conn, changeset)?;
    let said: Vec<&Entry> = entries.iter().filter(|e| e.entity == "team_member").collect();
    // An entry alone would still set the row when merging settles rows by what entries record.
    if let Some(e) = said.iter().find(|e| !effects.iter().any(|f| f.id == Some(e.entity_id))) {
        return Ok(Some(format!("its trail entry changes team member {} where the change itself does not", e.entity_id)));
    }
    if effects.is_empty() {
        return Ok(None);
    }
    for effect in &effects {
        let Some(id) = effect.id else { return Ok(Some("it changes a team row it names by no id".into())) };
        let after = effect.after.as_ref().map(|row| team::member(row).ok_or(id)).transpose();
        let Ok(after) = after else { return Ok(Some(format!("it leaves team member {id} as no member Tickmark can read"))) };
        match said.iter().rev().find(|e| e.entity_id == id) {
            None => return Ok(Some(format!("it changes team member {id} without a trail entry saying so"))),
            Some(e) if stated(e) != after => return Ok(Some(format!("its trail entry says otherwise than what it does to team member {id}"))),
            Some(_) => {}
        }
    }
    let mut members: BTreeMap<i64, TeamMember> = BTreeMap::new();
    for id in conn.prepare("SELECT id FROM team_member ORDER BY id")?.query_map([], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<Vec<_>>>()? {
        if let Some(member) = crate::trail::row_json(conn, "team_member", id)?.as_ref().and_then(team::member) {
            members.insert(id, member);
        }
    }
    let rule = team::Rule::of(conn)?;
    for entry in said {
        let team: Vec<TeamMember> = members.values().cloned().collect();
        let after = stated(entry);
        if let Some(refusal) = team::refusal(rule, &team, author, signed_with_own_key(&team, author, entry), members.get(&entry.entity_id), after.as_ref()) {
            return Ok(Some(refusal));
        }
        match after {
            Some(member) => members.insert(entry.entity_id, member),
            None => members.remove(&entry.entity_id),
        };
    }
    Ok(None)
}

/// The member an entry leaves its row as (None: no row, or none Tickmark can read).
fn stated(entry: &Entry) -> Option<TeamMember> {
    if entry.removal {
        None
    } else {
        team::member(&entry.state)
    }
}

