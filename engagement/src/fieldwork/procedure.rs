//! A control's test procedures, as the report will state them: their nature (inquiry,
//! observation, inspection, re-performance, recalculation), their text, and whether and when
//! they were performed, by whom. The report prints performed procedures only. Defaults built from
//! the control and its walkthroughs are offered as editable suggestions, never as work done.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::control::{Control, Nature};
use crate::error::{Error, Result};
use crate::signoff::ensure_unlocked;
use crate::store::{enum_text, EngagementFile, Writer};
use crate::walkthrough::{Walkthrough, WalkthroughKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ProcedureNature {
    Inquiry,
    Observation,
    Inspection,
    Reperformance,
    Recalculation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProcedureInput {
    pub nature: ProcedureNature,
    /// As it will read in the report. A sample-based procedure's text follows "For a sample of
    /// n of N items, " ("inspected each ticket for approval before deployment").
    pub text: String,
    /// Performed on each item of the live sample: performed once every result is recorded.
    pub sample_based: bool,
}

/// Who performed a procedure, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Performed {
    pub by: String,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Procedure {
    pub id: i64,
    pub control_id: i64,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub input: ProcedureInput,
    /// None while planned. For a sample-based procedure, set by the workpaper once the live
    /// sample's results are all recorded.
    pub performed: Option<Performed>,
}

/// "Zoë Ørsted, Accounts Payable Lead" reads "the Accounts Payable Lead"; "Hyun-woo Seo (CTO)"
/// reads "the CTO": the report names roles, not people. A name alone stays as given.
pub fn role_of(person: &str) -> String {
    let person = person.trim();
    if let Some((_, role)) = person.rsplit_once(',') {
        return format!("the {}", role.trim());
    }
    if let Some(role) = person.strip_suffix(')').and_then(|p| p.rsplit_once('(')).map(|(_, r)| r.trim()) {
        return format!("the {role}");
    }
    person.to_owned()
}

/// Words that make an owner a role ("Head of Engineering") rather than a person's name.
const ROLE_WORDS: &[&str] = &[
    "head", "manager", "director", "officer", "lead", "vp", "chief", "team", "administrator", "engineer", "analyst", "controller", "committee",
    "department", "owner", "president", "cto", "cfo", "ciso", "ceo", "coo", "board", "desk", "operations", "security",
];

/// The control owner as an inquiry names them: "the Head of Engineering" for a role, the role of
/// "Name, Role", and a name alone as given.
fn owner_role(owner: &str) -> String {
    let owner = owner.trim();
    match role_of(owner) {
        same if same == owner && owner.split_whitespace().any(|w| ROLE_WORDS.contains(&w.to_lowercase().as_str())) => format!("the {owner}"),
        role => role,
    }
}

/// "Approved before deployment?" as the clause "approved before deployment".
pub(crate) fn clause(question: &str) -> String {
    let text = question.trim().trim_end_matches(['?', '.']).trim();
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first.to_lowercase().chain(text.chars().skip(1)).collect(),
        _ => text.to_owned(),
    }
}

/// Procedures a firm would typically plan for this control, to be edited: inquiry of the owner
/// by role, a walkthrough with the client's people (the audit team left out), the inspection of
/// each sample item for the attributes, and what the control's nature calls for.
pub fn suggestions(control: &Control, walkthroughs: &[Walkthrough], team: &[String]) -> Vec<ProcedureInput> {
    let mut suggested = vec![ProcedureInput {
        nature: ProcedureNature::Inquiry,
        text: format!("Inquired of {} about how the control operates.", owner_role(&control.owner)),
        sample_based: false,
    }];
    for w in walkthroughs {
        let client: Vec<String> = w
            .input
            .attendees
            .iter()
            .filter(|a| !team.iter().any(|t| a.trim().starts_with(t.as_str())))
            .map(|a| role_of(a))
            .collect();
        let with = if client.is_empty() { String::new() } else { format!(" with {}", client.join(", ")) };
        let on = crate::model::long_date(w.input.held_on);
        suggested.push(match w.input.kind {
            WalkthroughKind::Walkthrough => ProcedureInput { nature: ProcedureNature::Observation, text: format!("Observed one instance of the control operating{with} on {on}."), sample_based: false },
            WalkthroughKind::Interview => ProcedureInput { nature: ProcedureNature::Inquiry, text: format!("Inquired{with} on {on}."), sample_based: false },
        });
    }
    if !control.attributes.is_empty() {
        suggested.push(sample_inspection(control));
    }
    match control.nature {
        Nature::Automated => suggested.push(ProcedureInput {
            nature: ProcedureNature::Inspection,
            text: "Inspected the configuration of the automated control to determine that it enforces the control as described.".into(),
            sample_based: false,
        }),
        Nature::ItDependentManual => suggested.push(ProcedureInput {
            nature: ProcedureNature::Inspection,
            text: "Inspected the system report the control relies on, and the parameters that produce it, for completeness and accuracy.".into(),
            sample_based: false,
        }),
        Nature::Manual => {}
    }
    suggested
}

/// The inspection of every sample item for the control's attributes.
fn sample_inspection(control: &Control) -> ProcedureInput {
    let questions: Vec<String> = control.attributes.iter().map(|a| format!("({}) {}", a.label, clause(&a.question))).collect();
    ProcedureInput { nature: ProcedureNature::Inspection, text: format!("inspected each for: {}.", questions.join("; ")), sample_based: true }
}

fn validate(input: &ProcedureInput) -> Result<()> {
    if input.text.trim().is_empty() {
        return Err(Error::invalid("text", "write the procedure as the report will state it"));
    }
    Ok(())
}

fn insert(w: &Writer, control_id: i64, input: &ProcedureInput) -> Result<i64> {
    w.tx().execute(
        "INSERT INTO procedure (control_id, nature, text, sample_based, id) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![control_id, enum_text(input.nature)?, input.text.trim(), input.sample_based, w.new_id("procedure")?],
    )?;
    let id = w.tx().last_insert_rowid();
    w.record("add", "procedure", id, None)?;
    Ok(id)
}

/// Adds the sample inspection a draw makes possible, unless the control has a sample-based
/// procedure already: the inspection is then performed once the sample's results are in.
pub(crate) fn ensure_sample_procedure(w: &Writer, control: &Control) -> Result<()> {
    let exists: bool = w.tx().query_row("SELECT EXISTS(SELECT 1 FROM procedure WHERE control_id = ?1 AND sample_based)", [control.id], |r| r.get(0))?;
    if !exists && !control.attributes.is_empty() {
        insert(w, control.id, &sample_inspection(control))?;
    }
    Ok(())
}

impl EngagementFile {
    pub fn add_procedure(&mut self, control_id: i64, input: &ProcedureInput) -> Result<i64> {
        validate(input)?;
        self.control(control_id)?;
        self.write(|w| {
            ensure_unlocked(w.tx(), control_id)?;
            insert(w, control_id, input)
        })
    }

    /// Changes a procedure's nature or text; a change to a performed one makes it planned again,
    /// since what was performed is no longer what it says.
    pub fn edit_procedure(&mut self, id: i64, input: &ProcedureInput) -> Result<()> {
        validate(input)?;
        let control_id = self.procedure_control(id)?;
        self.write(|w| {
            ensure_unlocked(w.tx(), control_id)?;
            let before = w.snapshot("procedure", id)?;
            w.tx().execute(
                "UPDATE procedure SET nature = ?2, text = ?3, sample_based = ?4, performed_by = NULL, performed_on = NULL WHERE id = ?1",
                params![id, enum_text(input.nature)?, input.text.trim(), input.sample_based],
            )?;
            w.record("edit", "procedure", id, before)
        })
    }

    /// Records that the current user performed a procedure on `on`. A sample-based procedure is
    /// performed by its results, not marked.
    pub fn mark_performed(&mut self, id: i64, on: NaiveDate) -> Result<()> {
        let control_id = self.procedure_control(id)?;
        let sample_based: bool = self.conn().query_row("SELECT sample_based FROM procedure WHERE id = ?1", [id], |r| r.get(0))?;
        if sample_based {
            return Err(Error::invalid("procedure", "a sample-based procedure is performed when every result of the live sample is recorded"));
        }
        if on > chrono::Local::now().date_naive() {
            return Err(Error::invalid("performed_on", "a procedure cannot be performed after today"));
        }
        self.write(|w| {
            ensure_unlocked(w.tx(), control_id)?;
            let before = w.snapshot("procedure", id)?;
            w.tx().execute("UPDATE procedure SET performed_by = ?2, performed_on = ?3 WHERE id = ?1", params![id, w.user, on.to_string()])?;
            w.record("performed", "procedure", id, before)
        })
    }

    /// Removes a planned procedure; a performed one is part of the record and stays.
    pub fn remove_procedure(&mut self, id: i64) -> Result<()> {
        let control_id = self.procedure_control(id)?;
        self.write(|w| {
            ensure_unlocked(w.tx(), control_id)?;
            let before = w.snapshot("procedure", id)?;
            if before.as_ref().is_some_and(|b| !b["performed_on"].is_null()) {
                return Err(Error::invalid("procedure", "a performed procedure stays on record; edit it instead"));
            }
            w.tx().execute("DELETE FROM procedure WHERE id = ?1", [id])?;
            w.record("remove", "procedure", id, before)
        })
    }

    /// The control's procedures in the order they were added, as recorded (a sample-based
    /// one's performance is added by the workpaper).
    pub fn procedures(&self, control_id: i64) -> Result<Vec<Procedure>> {
        let mut stmt = self.conn().prepare("SELECT id, nature, text, sample_based, performed_by, performed_on FROM procedure WHERE control_id = ?1 ORDER BY id")?;
        let rows = stmt.query_map([control_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?, r.get::<_, Option<String>>(4)?, r.get::<_, Option<String>>(5)?))
        })?;
        rows.map(|row| {
            let (id, nature, text, sample_based, by, on) = row?;
            Ok(Procedure {
                id,
                control_id,
                input: ProcedureInput { nature: serde_json::from_value(nature.into())?, text, sample_based },
                performed: match (by, on.and_then(|d| d.parse().ok())) {
                    (Some(by), Some(on)) => Some(Performed { by, on }),
                    _ => None,
                },
            })
        })
        .collect()
    }

    fn procedure_control(&self, id: i64) -> Result<i64> {
        self.conn().query_row("SELECT control_id FROM procedure WHERE id = ?1", [id], |r| r.get(0)).optional()?.ok_or_else(|| Error::NotFound(format!("procedure {id}")))
    }
}
