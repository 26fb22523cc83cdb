//! The conclusion on a control: recorded by the auditor, never assumed. Whether a conclusion
//! agrees with the work recorded is decided in `gates`, the same rule for recording it, for
//! signing the workpaper and for completing the engagement.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::signoff::ensure_unlocked;
use crate::store::{enum_text, EngagementFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    /// "No exceptions noted": every item tested, none deviating.
    NoExceptions,
    /// Deviations found and written up, but the control still met its objective as tested.
    ExceptionsNoted,
    NotEffective,
    /// The control had no occasion to operate in the period (an as-needed control that never
    /// ran), so no test of operating effectiveness was possible.
    DidNotOperate,
}

impl Conclusion {
    /// Whether the conclusion says the control operated effectively.
    pub fn is_effective(self) -> bool {
        matches!(self, Conclusion::NoExceptions | Conclusion::ExceptionsNoted)
    }

    pub fn title(self) -> &'static str {
        match self {
            Conclusion::NoExceptions => "No exceptions noted",
            Conclusion::ExceptionsNoted => "Exceptions noted; the control operated as tested",
            Conclusion::NotEffective => "Not operating effectively",
            Conclusion::DidNotOperate => "The control did not operate during the period",
        }
    }
}

/// A conclusion as the auditor records it: the conclusion, its basis, and for a statistical
/// sample whose upper deviation limit exceeds the tolerable rate, the reason for concluding the
/// control effective all the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConclusionInput {
    pub conclusion: Conclusion,
    pub basis: String,
    #[serde(default)]
    pub override_reason: Option<String>,
}

impl ConclusionInput {
    pub fn new(conclusion: Conclusion, basis: &str) -> Self {
        ConclusionInput { conclusion, basis: basis.to_owned(), override_reason: None }
    }
}

impl EngagementFile {
    /// Records the conclusion, refused with the list of reasons while it does not agree with
    /// what the workpaper holds.
    pub fn set_conclusion(&mut self, control_id: i64, input: &ConclusionInput) -> Result<()> {
        let wp = self.workpaper(control_id)?;
        let examination = self.info()?.examination;
        Error::refuse_unless_empty(
            format!("concluding \"{}\" on {}", input.conclusion.title(), wp.control.reference),
            crate::gates::conclusion_problems(&wp, &examination, input),
        )?;
        let override_reason = input.override_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        self.write(|w| {
            ensure_unlocked(w.tx(), control_id)?;
            let before = w.snapshot("control", control_id)?.ok_or_else(|| Error::NotFound(format!("control {control_id}")))?;
            w.tx().execute(
                "UPDATE control SET conclusion = ?2, conclusion_note = ?3, conclusion_override = ?4 WHERE id = ?1",
                params![control_id, enum_text(input.conclusion)?, input.basis.trim(), override_reason],
            )?;
            w.record("conclude", "control", control_id, Some(before))
        })
    }

    /// The recorded conclusion, with its basis and any override.
    pub fn conclusion(&self, control_id: i64) -> Result<Option<ConclusionInput>> {
        let row: Option<(Option<String>, Option<String>, Option<String>)> = self
            .conn()
            .query_row("SELECT conclusion, conclusion_note, conclusion_override FROM control WHERE id = ?1", [control_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        match row {
            None => Err(Error::NotFound(format!("control {control_id}"))),
            Some((None, ..)) => Ok(None),
            Some((Some(c), basis, override_reason)) => {
                Ok(Some(ConclusionInput { conclusion: serde_json::from_value(c.into())?, basis: basis.unwrap_or_default(), override_reason }))
            }
        }
    }
}
