//! The service auditor's opinion: proposed from the criteria conclusions and the scope
//! limitations, decided by the engagement partner, and signed as a sign-off is (who, when, the
//! trail's head, and the hash of what it rests on). A change to what it rests on after the
//! decision shows the decision as no longer standing, and the report is a draft again.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::criterion_conclusion::CriterionStatus;
use crate::error::{Error, Result};
use crate::model::Role;
use crate::scope_limitation::ScopeLimitation;
use crate::store::{enum_text, EngagementFile};
use crate::trail;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OpinionKind {
    Unqualified,
    Qualified,
    Adverse,
    Disclaimer,
}

impl OpinionKind {
    pub fn title(self) -> &'static str {
        match self {
            OpinionKind::Unqualified => "unqualified",
            OpinionKind::Qualified => "qualified",
            OpinionKind::Adverse => "adverse",
            OpinionKind::Disclaimer => "disclaimer of opinion",
        }
    }

    /// "an unqualified opinion", "a disclaimer of opinion": as a sentence names it.
    pub fn named(self) -> &'static str {
        match self {
            OpinionKind::Unqualified => "an unqualified opinion",
            OpinionKind::Qualified => "a qualified opinion",
            OpinionKind::Adverse => "an adverse opinion",
            OpinionKind::Disclaimer => "a disclaimer of opinion",
        }
    }
}

/// What Tickmark proposes, and why; or, while criteria are not concluded, what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpinionProposal {
    pub kind: Option<OpinionKind>,
    pub criteria_not_met: Vec<String>,
    pub criteria_limited: Vec<String>,
    pub reasoning: String,
    /// What must be done before the opinion can be decided; empty when it can be.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpinionDecision {
    pub id: i64,
    pub kind: OpinionKind,
    pub proposed: OpinionKind,
    /// The criteria the opinion names: not met (qualified, adverse) or not concluded on
    /// because of a scope limitation (disclaimer).
    pub criteria: Vec<String>,
    pub reason: Option<String>,
    pub initials: String,
    pub decided_at: String,
    pub chain_head: String,
    /// True when what the decision rests on has changed since: it no longer stands.
    pub changed_since: bool,
}

impl OpinionDecision {
    pub fn stands(&self) -> bool {
        !self.changed_since
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpinionState {
    pub criteria: Vec<CriterionStatus>,
    pub limitations: Vec<ScopeLimitation>,
    pub proposal: OpinionProposal,
    pub decision: Option<OpinionDecision>,
}

/// The tables the opinion rests on, hashed as a sign-off hashes its workpaper.
const BASIS: &[&str] = &["control", "exception_evaluation", "criterion_conclusion", "scope_limitation"];

fn basis_hash(conn: &Connection) -> Result<String> {
    let mut hasher = Sha256::new();
    for table in BASIS {
        for row in trail::rows_json(conn, table, "?1 = 0", 0)? {
            for field in [table.as_bytes(), row.to_string().as_bytes()] {
                hasher.update((field.len() as u64).to_le_bytes());
                hasher.update(field);
            }
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The proposal from the criteria and limitations. Not met criteria make it qualified, or
/// adverse when they are more than half of those in scope (pervasive: the partner may judge
/// otherwise, with a reason); a scope limitation makes it a disclaimer.
fn propose(criteria: &[CriterionStatus], limitations: &[ScopeLimitation]) -> OpinionProposal {
    let mut missing = Vec::new();
    for c in criteria {
        match &c.decided {
            _ if !c.limited_by.is_empty() => {}
            None if c.unmapped => missing.push(format!("{}: no control is mapped to it; map a control to it, or conclude it not met", c.id)),
            None => missing.push(format!(
                "{}: not concluded ({})",
                c.id,
                match c.proposal {
                    Some(true) => "Tickmark proposes met".to_owned(),
                    Some(false) => "Tickmark proposes not met".to_owned(),
                    None => c.reasons.join("; "),
                }
            )),
            Some(d) if c.stale => missing.push(format!(
                "{}: concluded {} when Tickmark proposed {}; it now proposes {}: conclude it again",
                c.id,
                if d.met { "met" } else { "not met" },
                proposal_word(d.proposed),
                proposal_word(c.proposal)
            )),
            Some(_) => {}
        }
    }
    let criteria_not_met: Vec<String> = criteria.iter().filter(|c| c.decided.as_ref().is_some_and(|d| !d.met)).map(|c| c.id.clone()).collect();
    let criteria_limited: Vec<String> = criteria.iter().filter(|c| !c.limited_by.is_empty()).map(|c| c.id.clone()).collect();
    let (kind, reasoning) = if !missing.is_empty() {
        (None, format!("No opinion can be proposed until every criterion in scope is concluded: {} to go.", missing.len()))
    } else if !limitations.is_empty() {
        (Some(OpinionKind::Disclaimer), format!("Evidence the client did not provide kept {} from being concluded on.", criteria_limited.join(", ")))
    } else if criteria_not_met.len() * 2 > criteria.len() {
        (Some(OpinionKind::Adverse), format!("{} of the {} criteria in scope are not met: the effect is pervasive.", criteria_not_met.len(), criteria.len()))
    } else if !criteria_not_met.is_empty() {
        (
            Some(OpinionKind::Qualified),
            format!("{} of the {} criteria in scope {} not met ({}); the effect is not pervasive.", criteria_not_met.len(), criteria.len(), if criteria_not_met.len() == 1 { "is" } else { "are" }, criteria_not_met.join(", ")),
        )
    } else {
        (Some(OpinionKind::Unqualified), format!("Every one of the {} criteria in scope is concluded met.", criteria.len()))
    };
    OpinionProposal { kind, criteria_not_met, criteria_limited, reasoning, missing }
}

fn proposal_word(p: Option<bool>) -> &'static str {
    match p {
        Some(true) => "met",
        Some(false) => "not met",
        None => "nothing",
    }
}

impl EngagementFile {
    pub fn opinion(&self) -> Result<OpinionState> {
        let criteria = self.criteria_status()?;
        let limitations = self.scope_limitations()?;
        let proposal = propose(&criteria, &limitations);
        // A decision stands only over criteria all still concluded: a new exception not yet
        // evaluated, say, takes it down even though nothing it was decided on changed.
        let decision = self.opinion_decision()?.map(|mut d| {
            d.changed_since |= !proposal.missing.is_empty();
            d
        });
        Ok(OpinionState { criteria, limitations, proposal, decision })
    }

    fn opinion_decision(&self) -> Result<Option<OpinionDecision>> {
        let row = self
            .conn()
            .query_row(
                "SELECT id, kind, proposed, criteria, reason, initials, decided_at, chain_head, content_hash FROM opinion WHERE withdrawn_at IS NULL",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get::<_, String>(8)?)),
            )
            .optional()?;
        let Some((id, kind, proposed, criteria, reason, initials, decided_at, chain_head, hash)) = row else { return Ok(None) };
        Ok(Some(OpinionDecision {
            id,
            kind: serde_json::from_value(kind.into())?,
            proposed: serde_json::from_value(proposed.into())?,
            criteria: serde_json::from_str(&criteria)?,
            reason,
            initials,
            decided_at,
            chain_head,
            changed_since: hash != basis_hash(self.conn())?,
        }))
    }

    /// The engagement partner decides the opinion. Refused, with the list, while any criterion
    /// in scope is not concluded (a criterion with no control mapped among them); refused for
    /// an unqualified opinion while a criterion is concluded not met or a scope limitation
    /// stands, for a qualified or adverse one that would name no criterion, and for a
    /// disclaimer without a scope limitation. A decision other than the proposal needs a reason.
    pub fn decide_opinion(&mut self, kind: OpinionKind, reason: Option<&str>) -> Result<()> {
        let user = self.user().unwrap_or_default().to_owned();
        let info = self.info()?;
        let member = info.team.iter().find(|m| m.initials.eq_ignore_ascii_case(&user));
        if member.is_none_or(|m| m.role != Role::Partner) {
            return Err(Error::invalid("user", format!("only the engagement partner decides the opinion; {user} is not the partner on this engagement")));
        }
        let state = self.opinion()?;
        let p = &state.proposal;
        let action = format!("deciding {}", kind.named());
        Error::refuse_unless_empty(action.clone(), p.missing.clone())?;
        let mut wrong = Vec::new();
        match kind {
            OpinionKind::Unqualified => {
                wrong.extend(p.criteria_not_met.iter().map(|c| format!("{c} is concluded not met")));
                wrong.extend(state.limitations.iter().map(|l| format!("request {} was not provided, so {} could not be tested", l.request_number, l.control_reference)));
            }
            OpinionKind::Qualified | OpinionKind::Adverse if p.criteria_not_met.is_empty() => {
                wrong.push("no criterion is concluded not met: the opinion would name none".to_owned());
            }
            OpinionKind::Disclaimer if state.limitations.is_empty() => wrong.push("no scope limitation is recorded: nothing kept the examination from concluding".to_owned()),
            _ => {}
        }
        Error::refuse_unless_empty(action, wrong)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let proposed = p.kind.unwrap_or(kind);
        if proposed != kind && reason.is_none() {
            return Err(Error::invalid("reason", format!("Tickmark proposes {}: say why it is {}", proposed.named(), kind.named())));
        }
        let criteria = if kind == OpinionKind::Disclaimer { p.criteria_limited.clone() } else { p.criteria_not_met.clone() };
        self.write(|w| {
            let tx = w.tx();
            let previous: Option<i64> = tx.query_row("SELECT id FROM opinion WHERE withdrawn_at IS NULL", [], |r| r.get(0)).optional()?;
            if let Some(old) = previous {
                let before = w.snapshot("opinion", old)?;
                tx.execute("UPDATE opinion SET withdrawn_at = ?2 WHERE id = ?1", params![old, w.at])?;
                w.record("withdraw", "opinion", old, before)?;
            }
            tx.execute(
                "INSERT INTO opinion (kind, proposed, criteria, reason, initials, decided_at, chain_head, content_hash, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![enum_text(kind)?, enum_text(proposed)?, serde_json::to_string(&criteria)?, reason, w.user, w.at, trail::head(tx)?, basis_hash(tx)?, w.new_id("opinion")?],
            )?;
            w.record("decide", "opinion", tx.last_insert_rowid(), None)
        })
    }
}
