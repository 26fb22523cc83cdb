//! The conflicts list: what merging concurrent changes kept aside, for a person to look at and
//! settle (a row added the same on two copies is kept aside too, but nobody needs to look). A conflict on a workpaper's work keeps its preparer from signing until it is settled,
//! so that a signature never stands over an outcome nobody chose.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::EngagementFile;

/// One entry of the conflicts list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncConflict {
    /// Its place in the list, the same on every copy: what `settle` takes. A conflict that
    /// arrives later but sorts earlier moves the ones after it down.
    pub number: i64,
    /// What it is, whatever its place: the change it came from and the row. The window keeps a
    /// note being typed against it, so the note stays with its conflict across a sync.
    pub key: String,
    pub text: String,
    /// The workpaper it belongs to, when it does.
    pub control_id: Option<i64>,
    /// Who settled it, when and how ("TW, 2026-12-01: kept DW's outcome"), once someone has,
    /// over what it holds now: a settlement made while it held something else (a change that
    /// sorts before its own arrived since) settles it no more, and its text says so.
    pub settled: Option<String>,
}

/// A grid cell with an unsettled conflict: the grid marks it until someone settles it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConflictCell {
    pub sample_id: i64,
    pub position: i64,
    pub attribute_id: i64,
    /// The conflict's number in the list.
    pub number: i64,
}

/// A conflict's identity across copies: the change it came from and the row; and what it holds
/// now (`holds`, a SHA-256 of its values), which a settlement is bound to.
struct Key {
    copy: String,
    seq: i64,
    entity: String,
    entity_id: Option<i64>,
    holds: String,
}

fn listed(conn: &Connection) -> Result<Vec<(Key, SyncConflict, serde_json::Value)>> {
    let mut stmt = conn.prepare("SELECT copy, seq, author, kind, entity, entity_id, control_id, detail FROM sync_conflict WHERE kind <> 'duplicate' ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            Key { copy: r.get(0)?, seq: r.get(1)?, entity: r.get(4)?, entity_id: r.get(5)?, holds: String::new() },
            (r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, Option<i64>>(6)?, r.get::<_, String>(7)?),
        ))
    })?;
    let mut out = Vec::new();
    for (number, row) in rows.enumerate() {
        let (mut key, (author, kind, stored_control, detail)) = row?;
        let detail: serde_json::Value = serde_json::from_str(&detail)?;
        // What it holds: the values kept and those they replaced, not how the list words them.
        let held = serde_json::json!({ "kind": kind, "values": detail["values"], "current": detail["current"] });
        key.holds = hex::encode(Sha256::digest(held.to_string().as_bytes()));
        let what = name(conn, &key.entity, key.entity_id, &detail["values"])?;
        let (values, current) = (said(&detail["values"]), said(&detail["current"]));
        let text = match kind.as_str() {
            "replaced" => format!("{what}: changed on two copies; {author}'s change stands, what it replaced is kept here: {current}"),
            "clash" => format!("{what}: added by {author} on another copy as well (the same cell, number or reference); {author}'s is kept here, not applied: {values}"),
            "held" => {
                let reason = detail["reason"].as_str().unwrap_or_default();
                match detail["removal"].as_bool() {
                    Some(true) => format!("{what}: {author}'s removal of it is kept here, not applied: {reason}; it removed {values}"),
                    _ => format!("{what}: {author}'s change is kept here, not applied: {reason}; it recorded {}", differing(&detail["values"], &detail["current"])),
                }
            }
            "changed meanwhile" => format!("{what}: {author}'s removal of it is kept here, not applied: it was changed on another copy meanwhile and stands as changed ({})", said(&changed(&detail["current"], &detail["values"]).into())),
            "removed meanwhile" => format!("{what}: {author} changed it on a copy where it was removed meanwhile; kept here, not applied: {values}"),
            _ => format!("{what}: {author}'s change refers to a row removed meanwhile: {values}"),
        };
        let (text, settled) = match settlement(conn, &key)? {
            Settlement::None => (text, None),
            Settlement::Over(by) => (text, Some(by)),
            Settlement::OverSomethingElse(by) => (format!("{text} (settled by {by}, when it held something else: to be settled again)"), None),
        };
        let control_id = workpaper(conn, &key, stored_control, &detail["values"])?;
        let values = detail["values"].clone();
        let identity = format!("{}/{}/{}/{}", key.copy, key.seq, key.entity, key.entity_id.map_or_else(|| "-".to_owned(), |id| id.to_string()));
        out.push((key, SyncConflict { number: number as i64 + 1, key: identity, text, control_id, settled }, values));
    }
    Ok(out)
}

/// How a conflict stands settled ("TW, 2026-12-01: kept DW's outcome").
enum Settlement {
    None,
    /// Over what it holds now, or made before settlements said what they settled over.
    Over(String),
    /// Only over something else than it holds now: a change that sorts before the conflict's
    /// own arrived late, and what the conflict holds now nobody has looked at.
    OverSomethingElse(String),
}

/// Any settlement over what the conflict holds now settles it, whichever copy made it and in
/// whatever order the copies' settlements arrived (their numbers follow the copy, not the time).
fn settlement(conn: &Connection, key: &Key) -> Result<Settlement> {
    let mut stmt = conn.prepare_cached(
        "SELECT settled_by || ', ' || substr(settled_at, 1, 10) || ': ' || note, holds FROM settlement
         WHERE copy = ?1 AND seq = ?2 AND entity = ?3 AND entity_id IS ?4 ORDER BY id DESC",
    )?;
    let made: Vec<(String, Option<String>)> = stmt.query_map(params![key.copy, key.seq, key.entity, key.entity_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(match made.iter().find(|(_, over)| over.as_ref().is_none_or(|over| *over == key.holds)) {
        Some((by, _)) => Settlement::Over(by.clone()),
        None => made.into_iter().next().map_or(Settlement::None, |(by, _)| Settlement::OverSomethingElse(by)),
    })
}

/// The workpaper a conflict belongs to, whose preparer may not sign until it is settled. Worked
/// out as the list is read, from what every copy holding the same changes holds alike, so that
/// a conflict merged by an earlier Tickmark is placed as a new one is: by the control merging
/// found (`stored`) or the values kept; where they leave the control out (a change to a row
/// carries only the columns it changed), by the row as the change's own trail entry recorded
/// it, and for a result whose sample is not here, by the control the sample was added to. A
/// control not here (added on another copy as well, the other standing) is the first control
/// here added with the same reference: its workpaper is where the other's work is missing.
fn workpaper(conn: &Connection, key: &Key, stored: Option<i64>, values: &serde_json::Value) -> Result<Option<i64>> {
    let Some(id) = key.entity_id else { return Ok(stored) };
    let recorded = || -> Result<serde_json::Value> {
        let range = crate::sync::folder::copy_index(&key.copy) << 32;
        let row: Option<Option<String>> = conn
            .query_row(
                "SELECT coalesce(t.after, t.before) FROM sync_log l JOIN trail t ON t.clock = l.lamport AND t.seq BETWEEN ?5 AND ?5 + 4294967295
                 WHERE l.copy = ?1 AND l.seq = ?2 AND t.entity = ?3 AND t.entity_id = ?4 ORDER BY t.seq DESC LIMIT 1",
                params![key.copy, key.seq, key.entity, id, range],
                |r| r.get(0),
            )
            .optional()?;
        Ok(parsed(row.flatten()))
    };
    let mut control = match stored {
        Some(control) => Some(control),
        None => crate::signoff::control_of_work(conn, &key.entity, id, values)?,
    };
    if control.is_none() {
        let row = recorded()?;
        control = crate::signoff::control_of_work(conn, &key.entity, id, &row)?;
        if let (None, "test_result" | "audited_amount", Some(sample)) = (control, key.entity.as_str(), row["sample_id"].as_i64().or(values["sample_id"].as_i64())) {
            control = added(conn, "sample", sample)?["control_id"].as_i64();
        }
    }
    let Some(control) = control else { return Ok(None) };
    let here: bool = conn.query_row("SELECT EXISTS(SELECT 1 FROM control WHERE id = ?1)", [control], |r| r.get(0))?;
    let standing: Option<i64> = match (here, added(conn, "control", control)?["reference"].as_str()) {
        // The first control added with that reference that is here: the one it was kept aside
        // for, even if since renamed and its reference given to a control added later.
        (false, Some(reference)) => conn
            .query_row(
                "SELECT t.entity_id FROM trail t JOIN control c ON c.id = t.entity_id
                 WHERE t.entity = 'control' AND t.before IS NULL AND json_extract(t.after, '$.reference') = ?1 ORDER BY t.clock, t.seq LIMIT 1",
                [reference],
                |r| r.get(0),
            )
            .optional()?,
        _ => None,
    };
    Ok(Some(standing.unwrap_or(control)))
}

/// Row `id` of `entity` as the trail entry that added it records it (Null when none does).
fn added(conn: &Connection, entity: &str, id: i64) -> Result<serde_json::Value> {
    let row: Option<Option<String>> = conn
        .query_row(
            "SELECT after FROM trail WHERE entity = ?1 AND entity_id = ?2 AND before IS NULL ORDER BY clock, seq LIMIT 1",
            params![entity, id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(parsed(row.flatten()))
}

fn parsed(json: Option<String>) -> serde_json::Value {
    json.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(serde_json::Value::Null)
}

/// What a conflict is about, as people name it: a grid cell by its item and attribute, the
/// engagement (there is one), any other row by its kind and number (`model::number`).
fn name(conn: &Connection, entity: &str, id: Option<i64>, values: &serde_json::Value) -> Result<String> {
    let cell = (values["position"].as_i64(), values["attribute_id"].as_i64(), values["sample_id"].as_i64());
    if let ("test_result", (Some(position), Some(attribute), Some(sample))) = (entity, cell) {
        let label: Option<String> = conn.query_row("SELECT label FROM attribute WHERE id = ?1", [attribute], |r| r.get(0)).optional()?;
        let sample = crate::model::number::label("sample", sample);
        return Ok(format!("item {}, attribute {} of sample {sample}", position + 1, label.unwrap_or_else(|| "?".into())));
    }
    if entity == "engagement" {
        return Ok("the engagement".to_owned());
    }
    Ok(format!("{} {}", entity.replace('_', " "), id.map(|i| crate::model::number::label(entity, i)).unwrap_or_default()))
}

/// A row's values as people read them: each field that says something, ids left out.
fn said(values: &serde_json::Value) -> String {
    let Some(fields) = values.as_object() else { return values.to_string() };
    let said = fields
        .iter()
        .filter(|(field, value)| !["id", "position"].contains(&field.as_str()) && !field.ends_with("_id") && !value.is_null() && value.as_str() != Some("[]"))
        .map(|(field, value)| format!("{} {}", field.replace('_', " "), value.as_str().map_or_else(|| value.to_string(), |s| format!("\"{s}\""))))
        .collect::<Vec<_>>()
        .join(", ");
    if said.is_empty() {
        "no values".to_owned()
    } else {
        said
    }
}

/// What a held change recorded that differs from the row as it stood ("completed on
/// \"2026-11-15\" where the row has completed on \"2026-11-16\""); everything it recorded when
/// the row was not there, or nothing differs.
fn differing(values: &serde_json::Value, current: &serde_json::Value) -> String {
    let Some(standing) = current.as_object() else { return said(values) };
    let changed = changed(values, current);
    let was: serde_json::Map<String, serde_json::Value> = changed.keys().filter_map(|f| standing.get(f).map(|v| (f.clone(), v.clone()))).collect();
    match (said(&changed.into()).as_str(), said(&was.into()).as_str()) {
        ("no values", _) => said(values),
        (recorded, "no values") => format!("{recorded}, none of which the row has"),
        (recorded, had) => format!("{recorded} where the row has {had}"),
    }
}

/// The fields of `values` that differ from `other`.
fn changed(values: &serde_json::Value, other: &serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    let Some(fields) = values.as_object() else { return serde_json::Map::new() };
    fields.iter().filter(|(field, value)| other.get(field.as_str()) != Some(value)).map(|(f, v)| (f.clone(), v.clone())).collect()
}

/// The unsettled conflicts on a workpaper's work, as its sign-off gate lists them.
pub(crate) fn unsettled(conn: &Connection, control_id: i64) -> Result<Vec<String>> {
    unsettled_where(conn, |c| c == Some(control_id))
}

/// The unsettled conflicts on none of `workpapers` (the controls there are): on no workpaper's
/// work, or on a control merging kept aside, as completion lists them.
pub(crate) fn unsettled_outside(conn: &Connection, workpapers: &[i64]) -> Result<Vec<String>> {
    unsettled_where(conn, |c| !c.is_some_and(|id| workpapers.contains(&id)))
}

fn unsettled_where(conn: &Connection, on: impl Fn(Option<i64>) -> bool) -> Result<Vec<String>> {
    Ok(listed(conn)?
        .into_iter()
        .filter(|(_, c, _)| on(c.control_id) && c.settled.is_none())
        .map(|(_, c, _)| format!("sync conflict {} is not settled: {}", c.number, c.text))
        .collect())
}

/// How many conflicts nobody has settled yet.
pub(crate) fn unsettled_count(conn: &Connection) -> Result<i64> {
    Ok(listed(conn)?.iter().filter(|(_, c, _)| c.settled.is_none()).count() as i64)
}

/// The grid cells of a workpaper with an unsettled conflict.
pub(crate) fn cells(conn: &Connection, control_id: i64) -> Result<Vec<ConflictCell>> {
    Ok(listed(conn)?
        .into_iter()
        .filter(|(key, c, _)| key.entity == "test_result" && c.control_id == Some(control_id) && c.settled.is_none())
        .filter_map(|(_, c, v)| Some(ConflictCell { sample_id: v["sample_id"].as_i64()?, position: v["position"].as_i64()?, attribute_id: v["attribute_id"].as_i64()?, number: c.number }))
        .collect())
}

impl EngagementFile {
    /// The conflicts list, settled entries included.
    pub fn sync_conflicts(&self) -> Result<Vec<SyncConflict>> {
        Ok(listed(self.conn())?.into_iter().map(|(_, c, _)| c).collect())
    }

    /// Settles conflict `number`: the user has put the record right (or found it right as it
    /// stands) and says how. Travels like any other change, so it is settled on every copy.
    pub fn settle_conflict(&mut self, number: i64, note: &str) -> Result<()> {
        let note = note.trim();
        if note.is_empty() {
            return Err(Error::invalid("note", "say how the conflict was settled: which outcome stands, and why"));
        }
        let (key, conflict, _) = listed(self.conn())?
            .into_iter()
            .find(|(_, c, _)| c.number == number)
            .ok_or_else(|| Error::NotFound(format!("sync conflict {number}")))?;
        if conflict.settled.is_some() {
            return Err(Error::invalid("conflict", format!("sync conflict {number} is settled already")));
        }
        self.write(|w| {
            let id = w.new_id("settlement")?;
            w.tx().execute(
                "INSERT INTO settlement (id, copy, seq, entity, entity_id, note, settled_by, settled_at, holds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![id, key.copy, key.seq, key.entity, key.entity_id, note, w.user, w.at, key.holds],
            )?;
            w.record("settle", "settlement", id, None)
        })
    }
}
