//! Next year's engagement from this year's. What stays from year to year is carried: the
//! controls with their criteria and attributes, the procedures (all planned again), the request
//! list (all open again, dates moved by the period's shift), the team and its public keys, the
//! complementary user entity controls and subservice organisations. Nothing of this year's work
//! is: no evidence, population, sample, result, exception, conclusion, sign-off or review note.
//! Walkthrough narratives and exceptions come across as notes on their controls ("from last
//! year"), which no rule counts as work done. The new file's first trail entry names the old
//! file, its identity and its trail head, so the chain can be followed from year to year.

use std::path::Path;

use chrono::{Duration, NaiveDate};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::keys::PersonalKey;
use crate::model::{Examination, NewEngagement};
use crate::request::{RequestInput, RequestStatus};
use crate::store::{enum_text, EngagementFile};

/// What last year's file said about a control, carried into this year's as a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CarriedKind {
    /// A walkthrough or interview narrative, to be updated this year.
    Walkthrough,
    /// An exception, to test this year with in mind.
    Exception,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CarriedNote {
    pub id: i64,
    pub kind: CarriedKind,
    pub text: String,
}

/// The shift between two periods' starts, and a date moved by it.
fn shifted(date: NaiveDate, shift: Duration) -> NaiveDate {
    date.checked_add_signed(shift).unwrap_or(date)
}

impl EngagementFile {
    /// Creates next year's file at `out` for `examination`, under `passphrase`, as the user of
    /// this file (signed with `key` when they have one). A file whose documentation is not
    /// completed is refused unless `from_incomplete` says it is meant.
    pub fn roll_forward(&self, out: &Path, passphrase: &str, examination: Examination, key: Option<&PersonalKey>, from_incomplete: bool) -> Result<EngagementFile> {
        if self.completed_on()?.is_none() && !from_incomplete {
            return Err(Error::invalid(
                "from_incomplete",
                "this file's documentation is not completed: roll forward the completed file, or say that an incomplete one is meant",
            ));
        }
        let info = self.info()?;
        let (old_start, _) = info.examination.period();
        let (new_start, _) = examination.period();
        if new_start <= old_start {
            return Err(Error::invalid("period", format!("next year's period must start after this one's ({old_start})")));
        }
        let shift = new_start - old_start;
        // The person rolling forward creates the file: first on its team.
        let user = self.user().ok_or_else(|| Error::invalid("user", "choose who you are before rolling forward"))?.to_owned();
        let mut team = info.team.clone();
        team.sort_by_key(|m| m.initials != user);
        let new = NewEngagement { client: info.client.clone(), system: info.system.clone(), examination, categories: info.categories.clone(), team };
        let origin = format!(
            "{} (identity {}), trail head {}",
            self.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            info.identity(),
            crate::trail::last_hash(self.conn())?
        );
        let mut next = EngagementFile::create_from(out, passphrase, &new, key, Some(&origin))?;
        let filled = self.carry_into(&mut next, shift);
        if let Err(e) = filled {
            drop(next);
            crate::store::remove_unfinished(out);
            return Err(e);
        }
        Ok(next)
    }

    fn carry_into(&self, next: &mut EngagementFile, shift: Duration) -> Result<()> {
        let mut controls = Vec::new();
        for control in self.controls()? {
            let input = crate::control::ControlInput {
                reference: control.reference.clone(),
                description: control.description.clone(),
                criteria: control.criteria.clone(),
                frequency: control.frequency,
                nature: control.nature,
                owner: control.owner.clone(),
                attributes: control.attributes.iter().map(|a| crate::control::AttributeInput { label: a.label.clone(), question: a.question.clone() }).collect(),
            };
            let id = next.add_control(&input)?;
            for procedure in self.procedures(control.id)? {
                next.add_procedure(id, &procedure.input)?;
            }
            let mut notes = Vec::new();
            for w in self.walkthroughs(control.id)? {
                notes.push((
                    CarriedKind::Walkthrough,
                    format!("From last year, to be updated: {} on {} with {}: {}", enum_text(w.input.kind)?, w.input.held_on, w.input.attendees.join(", "), w.input.narrative),
                ));
            }
            for e in self.exceptions(Some(control.id))?.into_iter().filter(|e| !e.on_voided_sample) {
                notes.push((CarriedKind::Exception, format!("Exception last year: {}", e.description)));
            }
            controls.push((id, notes));
        }
        next.write(|w| {
            for (control_id, notes) in &controls {
                for (kind, text) in notes {
                    w.tx().execute("INSERT INTO carried_note (control_id, kind, text, id) VALUES (?1, ?2, ?3, ?4)", params![control_id, enum_text(*kind)?, text, w.new_id("carried_note")?])?;
                    w.record("carry forward", "carried_note", w.tx().last_insert_rowid(), None)?;
                }
            }
            Ok(())
        })?;
        for request in self.requests()? {
            let control_id = match request.input.control_id {
                Some(old) => Some(next.control_by_reference(&self.control(old)?.reference)?.id),
                None => None,
            };
            next.add_request(&RequestInput {
                number: request.input.number.clone(),
                title: request.input.title.clone(),
                control_id,
                requested_on: shifted(request.input.requested_on, shift),
                due_on: request.input.due_on.map(|d| shifted(d, shift)),
                status: RequestStatus::Open,
            })?;
        }
        for c in self.user_entity_controls()? {
            next.add_user_entity_control(&c.input)?;
        }
        for s in self.subservices()? {
            next.add_subservice(&s.input)?;
        }
        Ok(())
    }

    /// What last year's file said about a control: notes carried forward, never work done.
    pub fn carried_notes(&self, control_id: i64) -> Result<Vec<CarriedNote>> {
        let mut stmt = self.conn().prepare("SELECT id, kind, text FROM carried_note WHERE control_id = ?1 ORDER BY id")?;
        let rows = stmt.query_map([control_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        rows.map(|row| {
            let (id, kind, text) = row?;
            Ok(CarriedNote { id, kind: serde_json::from_value(kind.into())?, text })
        })
        .collect()
    }

    /// The file this one was rolled forward from, as its first trail entry names it.
    pub fn rolled_from(&self) -> Result<Option<String>> {
        Ok(self.conn().query_row("SELECT rolled_from FROM engagement WHERE id = 1", [], |r| r.get(0))?)
    }
}
