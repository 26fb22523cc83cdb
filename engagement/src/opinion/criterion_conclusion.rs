//! A conclusion on each criterion in scope: met, or not met with the reason. Tickmark proposes
//! one from the controls that address the criterion, their conclusions and the evaluations of
//! their exceptions; the auditor decides, with a reason wherever the decision is "not met" or
//! differs from the proposal. A criterion no control addresses is flagged and can only be
//! concluded not met; one a scope limitation touches cannot be concluded at all.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::conclusion::Conclusion;
use crate::error::{Error, Result};
use crate::evaluation::{CriterionEffect, ExceptionEvaluation};
use crate::model::criteria_in_scope;
use crate::scope_limitation::ScopeLimitation;
use crate::store::EngagementFile;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CriterionDecision {
    pub met: bool,
    pub reason: Option<String>,
    /// What Tickmark proposed when it was decided: "met", "not met", or none.
    pub proposed: Option<bool>,
    pub decided_by: String,
    pub decided_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CriterionStatus {
    pub id: String,
    pub title: String,
    /// The controls that address it, by reference.
    pub controls: Vec<String>,
    /// Scope limitations on those controls ("PBC-4, CC8.1-01"): no conclusion is possible.
    pub limited_by: Vec<String>,
    /// Met, not met, or none while the work does not support a proposal.
    pub proposal: Option<bool>,
    /// Why: the basis of the proposal, or what is missing before one can be made.
    pub reasons: Vec<String>,
    pub decided: Option<CriterionDecision>,
    /// No control addresses it: flagged, and it can only be concluded not met.
    pub unmapped: bool,
    /// Decided when the proposal was different from what it is now: what the decision rests
    /// on has changed, and it must be decided again.
    pub stale: bool,
}

/// A control as the proposals need it.
struct Addressing {
    id: i64,
    reference: String,
    criteria: Vec<String>,
    conclusion: Option<Conclusion>,
}

fn proposal(criterion: &str, controls: &[&Addressing], evaluations: &[ExceptionEvaluation]) -> (Option<bool>, Vec<String>) {
    if controls.is_empty() {
        return (None, vec!["no control is mapped to it: map one, or conclude it not met".to_owned()]);
    }
    let (mut missing, mut not_met, mut met) = (Vec::new(), Vec::new(), Vec::new());
    for control in controls {
        let exceptions: Vec<&ExceptionEvaluation> = evaluations.iter().filter(|e| e.exception.control_id == control.id).collect();
        match control.conclusion {
            None => missing.push(format!("{} is not concluded", control.reference)),
            Some(Conclusion::NotEffective) if !exceptions.iter().any(|e| matches!(e.effect_on(criterion), Some(CriterionEffect::NoEffect | CriterionEffect::Compensated))) => {
                not_met.push(format!("{} is not operating effectively", control.reference));
            }
            Some(c) => met.push(format!("{}: {}", control.reference, c.title().to_lowercase())),
        }
        for e in exceptions {
            let n = e.exception.id;
            match e.effect_on(criterion) {
                None => missing.push(format!("exception {n} on {} is not evaluated", control.reference)),
                Some(CriterionEffect::NotMet) => not_met.push(format!("exception {n} on {}: {}", control.reference, e.exception.description)),
                Some(CriterionEffect::Compensated) => match e.compensating.iter().find(|c| !c.operated()) {
                    Some(weak) => not_met.push(format!("exception {n} on {} rests on compensating control {}", control.reference, weak.summary)),
                    None => met.push(format!(
                        "exception {n} on {} is compensated by {}",
                        control.reference,
                        e.compensating.iter().map(|c| c.summary.clone()).collect::<Vec<_>>().join(", ")
                    )),
                },
                Some(CriterionEffect::NoEffect) => met.push(format!("exception {n} on {} does not affect it", control.reference)),
            }
        }
    }
    if !missing.is_empty() {
        (None, missing)
    } else if !not_met.is_empty() {
        (Some(false), not_met)
    } else {
        (Some(true), met)
    }
}

impl EngagementFile {
    /// Every criterion in scope, in the order of the criteria, with its proposal and decision.
    pub fn criteria_status(&self) -> Result<Vec<CriterionStatus>> {
        let info = self.info()?;
        let controls: Vec<Addressing> = self
            .conn()
            .prepare("SELECT id, reference, criteria, conclusion FROM control ORDER BY reference")?
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?)))?
            .map(|row| {
                let (id, reference, criteria, conclusion) = row?;
                Ok(Addressing { id, reference, criteria: serde_json::from_str(&criteria)?, conclusion: conclusion.map(|c| serde_json::from_value(c.into())).transpose()? })
            })
            .collect::<Result<_>>()?;
        let evaluations = self.exception_evaluations()?;
        let limitations = self.scope_limitations()?;
        let decisions = self.criterion_decisions()?;
        Ok(criteria_in_scope(&info.categories)
            .map(|criterion| {
                let addressing: Vec<&Addressing> = controls.iter().filter(|c| c.criteria.iter().any(|x| x == criterion.id)).collect();
                let limited_by: Vec<String> = limitations
                    .iter()
                    .filter(|l: &&ScopeLimitation| addressing.iter().any(|c| c.id == l.control_id))
                    .map(|l| format!("request {} was not provided, so {} could not be tested", l.request_number, l.control_reference))
                    .collect();
                let (proposal, reasons) = if limited_by.is_empty() { proposal(criterion.id, &addressing, &evaluations) } else { (None, limited_by.clone()) };
                let decided = decisions.iter().find(|(id, _)| id == criterion.id).map(|(_, d)| d.clone());
                CriterionStatus {
                    id: criterion.id.to_owned(),
                    title: criterion.title.to_owned(),
                    controls: addressing.iter().map(|c| c.reference.clone()).collect(),
                    limited_by,
                    unmapped: addressing.is_empty(),
                    stale: decided.as_ref().is_some_and(|d| d.proposed != proposal),
                    proposal,
                    reasons,
                    decided,
                }
            })
            .collect())
    }

    fn criterion_decisions(&self) -> Result<Vec<(String, CriterionDecision)>> {
        let mut stmt = self.conn().prepare("SELECT criterion, met, reason, proposed, decided_by, decided_at FROM criterion_conclusion")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                CriterionDecision {
                    met: r.get(1)?,
                    reason: r.get(2)?,
                    proposed: r.get::<_, Option<String>>(3)?.map(|p| p == "met"),
                    decided_by: r.get(4)?,
                    decided_at: r.get(5)?,
                },
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
    }

    /// Concludes on a criterion in scope (see [`EngagementFile::conclude_criteria`]).
    pub fn conclude_criterion(&mut self, criterion: &str, met: bool, reason: Option<&str>) -> Result<()> {
        self.conclude_criteria(&[criterion], met, reason)
    }

    /// Concludes on criteria in scope, all in one change or none. "Not met" needs the reason,
    /// and so does a conclusion other than Tickmark's proposal. "Met" is refused, with the list
    /// of what is missing, for a criterion no control addresses, one a scope limitation
    /// touches, or one whose controls are not all concluded and their exceptions evaluated.
    pub fn conclude_criteria(&mut self, criteria: &[&str], met: bool, reason: Option<&str>) -> Result<()> {
        let all = self.criteria_status()?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let mut decided = Vec::new();
        for criterion in criteria {
            let status = all
                .iter()
                .find(|c| c.id == criterion.trim())
                .ok_or_else(|| Error::invalid("criterion", format!("{} is not a criterion in the scope of this engagement", criterion.trim())))?;
            if met && status.proposal.is_none() {
                Error::refuse_unless_empty(format!("concluding {} met", status.id), status.reasons.clone())?;
            }
            if !met && reason.is_none() {
                return Err(Error::invalid("reason", format!("say why {} is not met", status.id)));
            }
            if status.proposal.is_some_and(|p| p != met) && reason.is_none() {
                return Err(Error::invalid("reason", format!("Tickmark proposes {} {}: say why you conclude otherwise", status.id, if met { "not met" } else { "met" })));
            }
            decided.push((status.id.clone(), status.proposal.map(|p| if p { "met" } else { "not_met" })));
        }
        self.write(|w| {
            for (criterion, proposed) in &decided {
                let find = |tx: &rusqlite::Transaction| rusqlite::OptionalExtension::optional(tx.query_row("SELECT id FROM criterion_conclusion WHERE criterion = ?1", [criterion], |r| r.get::<_, i64>(0)));
                let before = match find(w.tx())? {
                    Some(id) => w.snapshot("criterion_conclusion", id)?,
                    None => None,
                };
                w.tx().execute(
                    "INSERT INTO criterion_conclusion (criterion, met, reason, proposed, decided_by, decided_at, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (criterion) DO UPDATE SET met = ?2, reason = ?3, proposed = ?4, decided_by = ?5, decided_at = ?6",
                    params![criterion, met, reason, proposed, w.user, w.at, w.new_id("criterion_conclusion")?],
                )?;
                let id = find(w.tx())?.ok_or_else(|| Error::NotFound(format!("criterion conclusion {criterion}")))?;
                w.record("conclude", "criterion_conclusion", id, before)?;
            }
            Ok(())
        })
    }
}
