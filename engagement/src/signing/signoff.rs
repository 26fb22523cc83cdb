//! Sign-offs: the preparer's and the reviewer's names under a control's workpaper. Each records
//! what the signer saw, as a hash of the workpaper's content; any later change to that content
//! shows the sign-off as "changed since signed", with who changed what and when, until it is
//! signed again. A reviewer's sign-off locks the workpaper; changing it then takes an explicit
//! withdrawal with a reason, which the trail keeps like every other change.

use std::collections::HashSet;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::EngagementFile;
use crate::trail;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SignoffRole {
    Preparer,
    Reviewer,
}

impl SignoffRole {
    pub fn as_str(self) -> &'static str {
        match self {
            SignoffRole::Preparer => "preparer",
            SignoffRole::Reviewer => "reviewer",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Signoff {
    pub id: i64,
    pub role: SignoffRole,
    pub initials: String,
    pub signed_at: String,
    /// The trail's head when signing: what exactly the signer vouched for.
    pub chain_head: String,
    /// Set when the work changed after this signature: it no longer covers the workpaper as
    /// it stands.
    pub changed_since: Option<ChangedSince>,
}

/// What changed on a workpaper after it was signed: one line per change, oldest first ("2026-
/// 03-04 14:05 DW: edit test result 57"). Empty when the content differs from what was signed
/// by changes recorded before the signature reached this file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChangedSince {
    pub changes: Vec<String>,
}

/// The tables that hold a control's work, with how their rows belong to control ?1. Sign-offs
/// and review notes are not the work: they are about it.
const WORK: &[(&str, &str)] = &[
    ("control", "id = ?1"),
    ("attribute", "control_id = ?1"),
    ("walkthrough", "control_id = ?1"),
    ("procedure", "control_id = ?1"),
    ("population", "control_id = ?1"),
    ("sample", "control_id = ?1"),
    ("test_result", "sample_id IN (SELECT id FROM sample WHERE control_id = ?1)"),
    ("audited_amount", "sample_id IN (SELECT id FROM sample WHERE control_id = ?1)"),
    ("exception", "control_id = ?1"),
    ("exception_evaluation", "control_id = ?1"),
    ("evidence", "control_id = ?1"),
];

/// The control whose workpaper a trail entry's row belongs to, when the row is part of the work
/// a signature covers; `state` is the row as the entry records it.
pub(crate) fn control_of_work(conn: &Connection, entity: &str, entity_id: i64, state: &Value) -> Result<Option<i64>> {
    if !WORK.iter().any(|(table, _)| *table == entity) {
        return Ok(None);
    }
    Ok(match entity {
        "control" => Some(entity_id),
        "test_result" | "audited_amount" => match state["sample_id"].as_i64() {
            Some(sample) => conn.query_row("SELECT control_id FROM sample WHERE id = ?1", [sample], |r| r.get(0)).optional()?,
            None => None,
        },
        _ => state["control_id"].as_i64(),
    })
}

/// SHA-256 over the control's work: for each table of `WORK` in order and each of its rows in
/// id order, the table name, the id and the row as the trail records it (canonical JSON), each
/// length-prefixed.
pub(crate) fn content_hash(conn: &Connection, control_id: i64) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    for (table, belongs) in WORK {
        for row in trail::rows_json(conn, table, belongs, control_id)? {
            field(table.as_bytes());
            field(row["id"].to_string().as_bytes());
            field(row.to_string().as_bytes());
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The trail entries after `after_seq` that changed the control's work, as lines for people.
fn changes_after(conn: &Connection, control_id: i64, (after_clock, after_seq): (i64, i64)) -> Result<Vec<String>> {
    let samples: HashSet<i64> = conn
        .prepare_cached("SELECT id FROM sample WHERE control_id = ?1")?
        .query_map([control_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT at, actor, action, entity, entity_id, before, after FROM trail WHERE (clock, seq) > (?1, ?2) ORDER BY clock, seq",
    )?;
    let rows = stmt.query_map([after_clock, after_seq], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?, r.get::<_, Option<String>>(5)?, r.get::<_, Option<String>>(6)?))
    })?;
    let mut changes = Vec::new();
    for row in rows {
        let (at, actor, action, entity, entity_id, before, after) = row?;
        if !WORK.iter().any(|(table, _)| *table == entity) {
            continue;
        }
        let state: Value = after.or(before).map(|j| serde_json::from_str(&j)).transpose()?.unwrap_or(Value::Null);
        let ours = match entity.as_str() {
            "control" => entity_id == control_id,
            "test_result" | "audited_amount" => state["sample_id"].as_i64().is_some_and(|s| samples.contains(&s)),
            _ => state["control_id"].as_i64() == Some(control_id),
        };
        if ours {
            let when = at.get(..16).unwrap_or(&at).replace('T', " ");
            let what = match entity.as_str() {
                "test_result" => {
                    let label: Option<String> = conn
                        .query_row("SELECT label FROM attribute WHERE id = ?1", [state["attribute_id"].as_i64().unwrap_or_default()], |r| r.get(0))
                        .optional()?;
                    format!("the result of item {}, attribute {}", state["position"].as_i64().unwrap_or_default() + 1, label.unwrap_or_default())
                }
                "audited_amount" => format!("the audited amount of item {}", state["position"].as_i64().unwrap_or_default() + 1),
                "control" => "the control".to_owned(),
                // Rows kept by the control's own id.
                "assignment" => "who has taken the control".to_owned(),
                "grid_view" => "the grid's columns".to_owned(),
                other => format!("{} {}", other.replace('_', " "), crate::model::number::label(other, entity_id)),
            };
            changes.push(format!("{when} {actor}: {action} {what}"));
        }
    }
    Ok(changes)
}

/// The active sign-off of `role`, judged against the work's hash `current` (computed by the
/// caller at most once, since every sign-off of a control compares with the same content).
fn active(conn: &Connection, control_id: i64, role: SignoffRole, current: &mut Option<String>) -> Result<Option<Signoff>> {
    let row: Option<(i64, String, String, String, Option<String>)> = conn
        .query_row(
            "SELECT id, initials, signed_at, chain_head, content_hash FROM signoff
             WHERE control_id = ?1 AND role = ?2 AND withdrawn_at IS NULL",
            params![control_id, role.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((id, initials, signed_at, chain_head, signed_hash)) = row else { return Ok(None) };
    // The signature's own trail entry: changes after it (in the trail's order) are changes since
    // signing.
    let signed_at_entry: (i64, i64) = conn
        .query_row(
            "SELECT clock, seq FROM trail WHERE entity = 'signoff' AND entity_id = ?1 AND action = 'sign' ORDER BY clock DESC, seq DESC LIMIT 1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((i64::MAX, i64::MAX));
    if signed_hash.is_some() && current.is_none() {
        *current = Some(content_hash(conn, control_id)?);
    }
    let changed_since = match &signed_hash {
        Some(hash) if Some(hash) == current.as_ref() => None,
        Some(_) => Some(ChangedSince { changes: changes_after(conn, control_id, signed_at_entry)? }),
        // Signed before the content was hashed: the trail alone says what changed.
        None => Some(changes_after(conn, control_id, signed_at_entry)?).filter(|c| !c.is_empty()).map(|changes| ChangedSince { changes }),
    };
    Ok(Some(Signoff { id, role, initials, signed_at, chain_head, changed_since }))
}

/// Refuses a change to a workpaper its reviewer has signed.
pub(crate) fn ensure_unlocked(conn: &Connection, control_id: i64) -> Result<()> {
    let review: Option<(String, String)> = conn
        .query_row(
            "SELECT initials, signed_at FROM signoff WHERE control_id = ?1 AND role = 'reviewer' AND withdrawn_at IS NULL",
            [control_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((initials, signed_at)) = review {
        let reference = load_reference(conn, control_id)?;
        return Err(Error::Locked {
            what: format!("workpaper {reference}"),
            reason: format!("signed by reviewer {initials} on {}; withdraw the sign-off to change it", &signed_at[..10.min(signed_at.len())]),
        });
    }
    Ok(())
}

impl EngagementFile {
    pub fn signoffs(&self, control_id: i64) -> Result<(Option<Signoff>, Option<Signoff>)> {
        let mut current = None;
        Ok((active(self.conn(), control_id, SignoffRole::Preparer, &mut current)?, active(self.conn(), control_id, SignoffRole::Reviewer, &mut current)?))
    }

    /// Signs the workpaper as the current user, refused with the list of what is missing
    /// while the workpaper does not meet the role's rule (`gates`). A sign-off of the same role
    /// that the work has changed since is replaced; one that still holds is not signed twice.
    pub fn sign(&mut self, control_id: i64, role: SignoffRole) -> Result<()> {
        let wp = self.workpaper(control_id)?;
        let existing = match role {
            SignoffRole::Preparer => &wp.preparer,
            SignoffRole::Reviewer => &wp.reviewer,
        };
        if let Some(existing) = existing.as_ref().filter(|s| s.changed_since.is_none()) {
            return Err(Error::invalid("signoff", format!("already signed as {} by {}", role.as_str(), existing.initials)));
        }
        let missing = match role {
            SignoffRole::Preparer => wp.preparer_missing.clone(),
            SignoffRole::Reviewer => crate::gates::reviewer_missing(&wp, self.user().unwrap_or_default()),
        };
        Error::refuse_unless_empty(format!("signing {} as {}", wp.control.reference, role.as_str()), missing)?;
        let superseded = existing.as_ref().map(|s| s.id);
        self.write(|w| {
            let tx = w.tx();
            if let Some(old) = superseded {
                let before = w.snapshot("signoff", old)?;
                tx.execute(
                    "UPDATE signoff SET withdrawn_at = ?2, withdrawn_reason = 'signed again after the work changed' WHERE id = ?1",
                    params![old, w.at],
                )?;
                w.record("withdraw", "signoff", old, before)?;
            }
            tx.execute(
                "INSERT INTO signoff (control_id, role, initials, signed_at, chain_head, content_hash, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![control_id, role.as_str(), w.user, w.at, trail::head(tx)?, content_hash(tx, control_id)?, w.new_id("signoff")?],
            )?;
            w.record("sign", "signoff", tx.last_insert_rowid(), None)
        })
    }

    /// Withdraws a sign-off (and the reviewer's, which rested on the preparer's), with a reason.
    pub fn withdraw_signoff(&mut self, control_id: i64, role: SignoffRole, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::invalid("reason", "say why the sign-off is withdrawn"));
        }
        self.write(|w| {
            let tx = w.tx();
            let roles: &[SignoffRole] = match role {
                SignoffRole::Preparer => &[SignoffRole::Reviewer, SignoffRole::Preparer],
                SignoffRole::Reviewer => &[SignoffRole::Reviewer],
            };
            let mut withdrawn = 0;
            for &r in roles {
                let id: Option<i64> = tx
                    .query_row(
                        "SELECT id FROM signoff WHERE control_id = ?1 AND role = ?2 AND withdrawn_at IS NULL",
                        params![control_id, r.as_str()],
                        |row| row.get(0),
                    )
                    .optional()?;
                if let Some(id) = id {
                    let before = w.snapshot("signoff", id)?;
                    tx.execute("UPDATE signoff SET withdrawn_at = ?2, withdrawn_reason = ?3 WHERE id = ?1", params![id, w.at, reason.trim()])?;
                    w.record("withdraw", "signoff", id, before)?;
                    withdrawn += 1;
                }
            }
            if withdrawn == 0 {
                return Err(Error::invalid("signoff", format!("there is no {} sign-off to withdraw", role.as_str())));
            }
            Ok(())
        })
    }
}

fn load_reference(conn: &Connection, control_id: i64) -> Result<String> {
    conn.query_row("SELECT reference FROM control WHERE id = ?1", [control_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("control {control_id}")))
}
