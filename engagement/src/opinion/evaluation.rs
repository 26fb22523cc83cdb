//! How each exception bears on the criteria: whether the deviation is one of design or of
//! operation, what caused it, how far it extends, which other controls in the matrix compensate
//! for it (shown with their own conclusions and exceptions, so a compensating control that
//! itself failed is in plain view) and, for each criterion the control addresses, the effect.
//! The criteria conclusions are proposed from these evaluations (`criterion_conclusion`).

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::conclusion::Conclusion;
use crate::error::{Error, Result};
use crate::exception::Exception;
use crate::signoff::ensure_unlocked;
use crate::store::{enum_text, EngagementFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DeviationKind {
    /// The control as designed would not meet its objective even when operated as designed.
    Design,
    /// The control is designed suitably but did not operate as designed.
    Operating,
}

impl DeviationKind {
    pub fn title(self) -> &'static str {
        match self {
            DeviationKind::Design => "design deviation",
            DeviationKind::Operating => "operating deviation",
        }
    }
}

/// What the exception does to one criterion the control addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CriterionEffect {
    /// The deviation does not keep the criterion from being met (isolated, within what was
    /// tolerable), as the rationale explains.
    NoEffect,
    /// The criterion is met through the compensating controls named, provided they operated.
    Compensated,
    /// The criterion is not met because of this deviation.
    NotMet,
}

impl CriterionEffect {
    pub fn title(self) -> &'static str {
        match self {
            CriterionEffect::NoEffect => "not affected",
            CriterionEffect::Compensated => "met through compensating controls",
            CriterionEffect::NotMet => "not met",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EffectOn {
    pub criterion: String,
    pub effect: CriterionEffect,
}

/// The evaluation as the auditor records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct EvaluationInput {
    pub kind: DeviationKind,
    /// The cause, as learned from management and the evidence.
    pub cause: String,
    /// Other controls of the matrix that compensate for the deviation.
    #[serde(default)]
    pub compensating: Vec<i64>,
    /// One effect for each criterion the control addresses.
    pub effects: Vec<EffectOn>,
    /// Why the effects are what they are: the auditor's reasoning, as the workpaper prints it.
    pub rationale: String,
}

/// A compensating control as the evaluation shows it: its own conclusion and exceptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Compensating {
    pub control_id: i64,
    pub reference: String,
    pub conclusion: Option<Conclusion>,
    /// Its own exceptions (on no voided sample).
    pub exceptions: usize,
    /// As the evaluation prints it: "CC7.2-01 (no exceptions noted)", with its own exceptions.
    pub summary: String,
}

impl Compensating {
    /// Whether it can carry the weight put on it: concluded operating effectively.
    pub fn operated(&self) -> bool {
        self.conclusion.is_some_and(Conclusion::is_effective)
    }

}

/// "CC7.2-01 (no exceptions noted)", "CC7.2-01 (not concluded; 1 exception of its own)".
fn summary(reference: &str, conclusion: Option<Conclusion>, exceptions: usize) -> String {
    let conclusion = conclusion.map_or("not concluded".to_owned(), |c| c.title().to_lowercase());
    let own = match exceptions {
        0 => String::new(),
        1 => "; 1 exception of its own".to_owned(),
        n => format!("; {n} exceptions of its own"),
    };
    format!("{reference} ({conclusion}{own})")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Evaluation {
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub input: EvaluationInput,
    pub evaluated_by: String,
    pub evaluated_at: String,
}

/// An exception that counts, with its evaluation if it has one, and what the evaluation form
/// needs: the criteria to judge, the extent of the deviation, the compensating controls' status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExceptionEvaluation {
    pub exception: Exception,
    pub control_reference: String,
    /// The criteria the control addresses: each needs an effect.
    pub criteria: Vec<String>,
    /// The extent in words: deviations of the sample and, for a statistical sample, the upper
    /// deviation limit against the tolerable rate.
    pub extent: String,
    pub evaluation: Option<Evaluation>,
    pub compensating: Vec<Compensating>,
}

impl ExceptionEvaluation {
    /// The recorded effect on `criterion`, if evaluated.
    pub fn effect_on(&self, criterion: &str) -> Option<CriterionEffect> {
        self.evaluation.as_ref()?.input.effects.iter().find(|e| e.criterion == criterion).map(|e| e.effect)
    }
}

fn extent(exception: &Exception, wp: &crate::workpaper::Workpaper) -> String {
    let Some(sample) = wp.sample.as_ref().filter(|s| exception.sample_id == Some(s.id)) else {
        return "Found outside the sample (in a walkthrough, inquiry or inspection).".to_owned();
    };
    let size = sample.items.len();
    let mut text = format!(
        "{} of the {size} items sampled {} covered by this exception; {} of {size} deviate in all.",
        exception.items.len(),
        if exception.items.len() == 1 { "is" } else { "are" },
        sample.deviations
    );
    if let Some(evaluation) = &sample.evaluation {
        text.push(' ');
        text.push_str(evaluation);
    }
    text
}

impl EngagementFile {
    /// Every exception that counts (none on a voided sample), in the order recorded, with its
    /// evaluation.
    pub fn exception_evaluations(&self) -> Result<Vec<ExceptionEvaluation>> {
        let mut out = Vec::new();
        for wp in self.workpapers()? {
            out.extend(self.evaluations_of(&wp)?);
        }
        out.sort_by_key(|e| e.exception.id);
        Ok(out)
    }

    /// The exceptions of one workpaper with their evaluations.
    pub fn evaluations_of(&self, wp: &crate::workpaper::Workpaper) -> Result<Vec<ExceptionEvaluation>> {
        wp.exceptions
            .iter()
            .map(|exception| {
                let evaluation = self.evaluation(exception.id)?;
                let compensating = match &evaluation {
                    Some(e) => e.input.compensating.iter().map(|id| self.compensating(*id)).collect::<Result<_>>()?,
                    None => Vec::new(),
                };
                Ok(ExceptionEvaluation {
                    exception: exception.clone(),
                    control_reference: wp.control.reference.clone(),
                    criteria: wp.control.criteria.clone(),
                    extent: extent(exception, wp),
                    evaluation,
                    compensating,
                })
            })
            .collect()
    }

    fn compensating(&self, control_id: i64) -> Result<Compensating> {
        let (reference, conclusion, exceptions): (String, Option<String>, i64) = self.conn().query_row(
            "SELECT reference, conclusion, (SELECT count(*) FROM exception e LEFT JOIN sample s ON s.id = e.sample_id WHERE e.control_id = c.id AND s.voided_at IS NULL)
             FROM control c WHERE id = ?1",
            [control_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let conclusion: Option<Conclusion> = conclusion.map(|c| serde_json::from_value(c.into())).transpose()?;
        let exceptions = exceptions as usize;
        Ok(Compensating { control_id, summary: summary(&reference, conclusion, exceptions), reference, conclusion, exceptions })
    }

    fn evaluation(&self, exception_id: i64) -> Result<Option<Evaluation>> {
        let row: Option<(String, String, String, String, String, String, String)> = self
            .conn()
            .query_row(
                "SELECT kind, cause, compensating, effects, rationale, evaluated_by, evaluated_at FROM exception_evaluation WHERE id = ?1",
                [exception_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
            )
            .optional()?;
        row.map(|(kind, cause, compensating, effects, rationale, evaluated_by, evaluated_at)| {
            Ok(Evaluation {
                input: EvaluationInput {
                    kind: serde_json::from_value(kind.into())?,
                    cause,
                    compensating: serde_json::from_str(&compensating)?,
                    effects: serde_json::from_str(&effects)?,
                    rationale,
                },
                evaluated_by,
                evaluated_at,
            })
        })
        .transpose()
    }

    /// Records (or replaces) the evaluation of an exception. Refused, naming the field, when it
    /// leaves a criterion of the control without an effect, names one the control does not
    /// address, claims compensation without naming a compensating control, or names the
    /// control itself or one that does not exist.
    pub fn evaluate_exception(&mut self, exception_id: i64, input: &EvaluationInput) -> Result<()> {
        let exception = self.exceptions(None)?.into_iter().find(|e| e.id == exception_id).ok_or_else(|| Error::NotFound(format!("exception {}", crate::model::number::label("exception", exception_id))))?;
        if exception.on_voided_sample {
            return Err(Error::invalid("exception", format!("exception {} is on a voided sample and counts nowhere", crate::model::number::label("exception", exception_id))));
        }
        let control = self.control(exception.control_id)?;
        if input.cause.trim().is_empty() {
            return Err(Error::invalid("cause", "record the cause of the deviation as learned"));
        }
        if input.rationale.trim().is_empty() {
            return Err(Error::invalid("rationale", "explain the effect on the criteria"));
        }
        for effect in &input.effects {
            if !control.criteria.contains(&effect.criterion) {
                return Err(Error::invalid("effects", format!("{} does not address {}; judge the criteria it addresses: {}", control.reference, effect.criterion, control.criteria.join(", "))));
            }
        }
        let unjudged: Vec<&str> = control.criteria.iter().filter(|c| !input.effects.iter().any(|e| &e.criterion == *c)).map(String::as_str).collect();
        if !unjudged.is_empty() {
            return Err(Error::invalid("effects", format!("give the effect on {} too: every criterion {} addresses", unjudged.join(", "), control.reference)));
        }
        let mut compensating = input.compensating.clone();
        compensating.sort_unstable();
        compensating.dedup();
        for id in &compensating {
            if *id == control.id {
                return Err(Error::invalid("compensating", format!("{} cannot compensate for its own deviation", control.reference)));
            }
            self.control(*id)?;
        }
        if compensating.is_empty() && input.effects.iter().any(|e| e.effect == CriterionEffect::Compensated) {
            return Err(Error::invalid("compensating", "name the compensating controls that keep the criterion met"));
        }
        let mut effects = input.effects.clone();
        effects.sort_by(|a, b| a.criterion.cmp(&b.criterion));
        effects.dedup_by(|a, b| a.criterion == b.criterion);
        self.write(|w| {
            ensure_unlocked(w.tx(), control.id)?;
            let before = w.snapshot("exception_evaluation", exception_id)?;
            w.tx().execute(
                "INSERT INTO exception_evaluation (id, control_id, kind, cause, compensating, effects, rationale, evaluated_by, evaluated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET kind = ?3, cause = ?4, compensating = ?5, effects = ?6, rationale = ?7, evaluated_by = ?8, evaluated_at = ?9",
                params![
                    exception_id,
                    control.id,
                    enum_text(input.kind)?,
                    input.cause.trim(),
                    serde_json::to_string(&compensating)?,
                    serde_json::to_string(&effects)?,
                    input.rationale.trim(),
                    w.user,
                    w.at
                ],
            )?;
            w.record("evaluate", "exception_evaluation", exception_id, before)
        })
    }
}
