//! The control matrix: the client's controls, the criteria each addresses, and the questions
//! (test attributes) asked of every sample item.

use rusqlite::{params, Connection, OptionalExtension};
use sampling::Frequency;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::criterion;
use crate::signoff;
use crate::store::{enum_text, EngagementFile, Writer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    Manual,
    Automated,
    ItDependentManual,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttributeInput {
    pub label: String,
    pub question: String,
}

/// A control as the auditor enters or edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ControlInput {
    pub reference: String,
    pub description: String,
    pub criteria: Vec<String>,
    pub frequency: Frequency,
    pub nature: Nature,
    pub owner: String,
    pub attributes: Vec<AttributeInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Attribute {
    pub id: i64,
    pub label: String,
    pub question: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Control {
    pub id: i64,
    pub reference: String,
    pub description: String,
    pub criteria: Vec<String>,
    pub frequency: Frequency,
    pub nature: Nature,
    pub owner: String,
    pub attributes: Vec<Attribute>,
    /// Initials of the team member who has taken the control's work, if anyone has.
    pub assigned_to: Option<String>,
}

impl ControlInput {
    fn validate(&self) -> Result<()> {
        if self.reference.trim().is_empty() {
            return Err(Error::invalid("reference", "give the control a reference such as CC6.2-01"));
        }
        if self.description.trim().is_empty() {
            return Err(Error::invalid("description", "describe the control activity"));
        }
        if self.criteria.is_empty() {
            return Err(Error::invalid("criteria", "map the control to at least one criterion"));
        }
        if let Some(unknown) = self.criteria.iter().find(|id| criterion(id).is_none()) {
            return Err(Error::invalid("criteria", format!("{unknown} is not a Trust Services Criterion")));
        }
        let mut labels = std::collections::HashSet::new();
        for attribute in &self.attributes {
            if attribute.label.trim().is_empty() || attribute.question.trim().is_empty() {
                return Err(Error::invalid("attributes", "every test attribute needs a label and a question"));
            }
            if !labels.insert(attribute.label.trim()) {
                return Err(Error::invalid("attributes", format!("the label {} is used twice", attribute.label.trim())));
            }
        }
        Ok(())
    }
}

impl EngagementFile {
    pub fn add_control(&mut self, input: &ControlInput) -> Result<i64> {
        input.validate()?;
        self.write(|w| {
            let tx = w.tx();
            let taken: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM control WHERE reference = ?1)",
                [input.reference.trim()],
                |r| r.get(0),
            )?;
            if taken {
                return Err(Error::invalid("reference", format!("{} is already in the control matrix", input.reference.trim())));
            }
            tx.execute(
                "INSERT INTO control (reference, description, criteria, frequency, nature, owner, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    input.reference.trim(),
                    input.description.trim(),
                    serde_json::to_string(&input.criteria)?,
                    enum_text(input.frequency)?,
                    enum_text(input.nature)?,
                    input.owner.trim(),
                    w.new_id("control")?
                ],
            )?;
            let id = tx.last_insert_rowid();
            w.record("add", "control", id, None)?;
            write_attributes(w, id, &input.attributes)?;
            Ok(id)
        })
    }

    /// Replaces what the auditor edits of a control. Attributes that already have results
    /// recorded against them cannot be removed.
    pub fn update_control(&mut self, id: i64, input: &ControlInput) -> Result<()> {
        input.validate()?;
        self.write(|w| {
            signoff::ensure_unlocked(w.tx(), id)?;
            let before = w.snapshot("control", id)?.ok_or_else(|| Error::NotFound(format!("control {id}")))?;
            w.tx().execute(
                "UPDATE control SET reference = ?2, description = ?3, criteria = ?4, frequency = ?5, nature = ?6, owner = ?7 WHERE id = ?1",
                params![
                    id,
                    input.reference.trim(),
                    input.description.trim(),
                    serde_json::to_string(&input.criteria)?,
                    enum_text(input.frequency)?,
                    enum_text(input.nature)?,
                    input.owner.trim()
                ],
            ).map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => Error::invalid("reference", format!("{} is already in the control matrix", input.reference.trim())),
                _ => e.into(),
            })?;
            w.record("edit", "control", id, Some(before))?;
            write_attributes(w, id, &input.attributes)
        })
    }

    pub fn controls(&self) -> Result<Vec<Control>> {
        let ids: Vec<i64> = self.conn().prepare("SELECT id FROM control ORDER BY reference")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| load(self.conn(), id)).collect()
    }

    pub fn control(&self, id: i64) -> Result<Control> {
        load(self.conn(), id)
    }

    pub fn control_by_reference(&self, reference: &str) -> Result<Control> {
        let id: Option<i64> = self.conn().query_row("SELECT id FROM control WHERE reference = ?1", [reference], |r| r.get(0)).optional()?;
        load(self.conn(), id.ok_or_else(|| Error::NotFound(format!("control {reference}")))?)
    }
}

/// Brings the control's attributes to `wanted`, matching by label so recorded results keep
/// pointing at the same question.
fn write_attributes(w: &Writer, control_id: i64, wanted: &[AttributeInput]) -> Result<()> {
    let tx = w.tx();
    let existing: Vec<(i64, String)> = tx
        .prepare("SELECT id, label FROM attribute WHERE control_id = ?1")?
        .query_map([control_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, label) in &existing {
        if !wanted.iter().any(|a| a.label.trim() == label) {
            let used: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM test_result WHERE attribute_id = ?1)", [id], |r| r.get(0))?;
            if used {
                return Err(Error::invalid("attributes", format!("attribute {label} has test results and cannot be removed")));
            }
            let before = w.snapshot("attribute", *id)?;
            tx.execute("DELETE FROM attribute WHERE id = ?1", [id])?;
            w.record("remove", "attribute", *id, before)?;
        }
    }
    for attribute in wanted {
        let (label, question) = (attribute.label.trim(), attribute.question.trim());
        match existing.iter().find(|(_, l)| l == label) {
            Some((id, _)) => {
                let before = w.snapshot("attribute", *id)?;
                if tx.execute("UPDATE attribute SET question = ?2 WHERE id = ?1 AND question <> ?2", params![id, question])? > 0 {
                    w.record("edit", "attribute", *id, before)?;
                }
            }
            None => {
                tx.execute("INSERT INTO attribute (control_id, label, question, id) VALUES (?1, ?2, ?3, ?4)", params![control_id, label, question, w.new_id("attribute")?])?;
                w.record("add", "attribute", tx.last_insert_rowid(), None)?;
            }
        }
    }
    Ok(())
}

fn load(conn: &Connection, id: i64) -> Result<Control> {
    let row = conn
        .query_row(
            "SELECT reference, description, criteria, frequency, nature, owner FROM control WHERE id = ?1",
            [id],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?)),
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("control {id}")))?;
    let attributes = conn
        .prepare("SELECT id, label, question FROM attribute WHERE control_id = ?1 ORDER BY label")?
        .query_map([id], |r| Ok(Attribute { id: r.get(0)?, label: r.get(1)?, question: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Control {
        id,
        reference: row.0,
        description: row.1,
        criteria: serde_json::from_str(&row.2)?,
        frequency: serde_json::from_value(row.3.into())?,
        nature: serde_json::from_value(row.4.into())?,
        owner: row.5,
        attributes,
        assigned_to: conn.query_row("SELECT initials FROM assignment WHERE id = ?1", [id], |r| r.get(0)).optional()?,
    })
}
