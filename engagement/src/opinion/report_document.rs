//! The client's own documents in the report: management's assertion (Section II), printed as
//! management wrote it, and the description of the system (Section III), referenced by its
//! evidence number and hash. Each is an evidence file designated for its section; until one
//! is, the report says so in place of it.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::evidence::Evidence;
use crate::store::{enum_text, EngagementFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ReportDocumentKind {
    /// Management's assertion: a plain-text file whose text Section II prints.
    Assertion,
    /// The description of the system, in whatever format the client wrote it.
    Description,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportDocuments {
    pub assertion: Option<Evidence>,
    pub description: Option<Evidence>,
}

impl EngagementFile {
    /// Designates evidence file `evidence_id` as the report's assertion or description,
    /// replacing an earlier one. An assertion must be UTF-8 text, since Section II prints it.
    pub fn set_report_document(&mut self, kind: ReportDocumentKind, evidence_id: i64) -> Result<()> {
        let evidence = self.evidence()?.into_iter().find(|e| e.id == evidence_id).ok_or_else(|| Error::NotFound(format!("evidence {evidence_id}")))?;
        if kind == ReportDocumentKind::Assertion {
            self.evidence_text(&evidence)?;
        }
        self.write(|w| {
            let existing: Option<i64> = rusqlite::OptionalExtension::optional(w.tx().query_row("SELECT id FROM report_document WHERE kind = ?1", [enum_text(kind)?], |r| r.get(0)))?;
            let before = match existing {
                Some(id) => w.snapshot("report_document", id)?,
                None => None,
            };
            w.tx().execute(
                "INSERT INTO report_document (kind, evidence_id, id) VALUES (?1, ?2, ?3) ON CONFLICT (kind) DO UPDATE SET evidence_id = ?2",
                params![enum_text(kind)?, evidence_id, w.new_id("report_document")?],
            )?;
            let id: i64 = w.tx().query_row("SELECT id FROM report_document WHERE kind = ?1", [enum_text(kind)?], |r| r.get(0))?;
            w.record("designate", "report_document", id, before)
        })
    }

    pub fn report_documents(&self) -> Result<ReportDocuments> {
        let evidence = self.evidence()?;
        let designated = |kind: ReportDocumentKind| -> Result<Option<Evidence>> {
            let id: Option<i64> = rusqlite::OptionalExtension::optional(self.conn().query_row("SELECT evidence_id FROM report_document WHERE kind = ?1", [enum_text(kind)?], |r| r.get(0)))?;
            Ok(id.and_then(|id| evidence.iter().find(|e| e.id == id).cloned()))
        };
        Ok(ReportDocuments { assertion: designated(ReportDocumentKind::Assertion)?, description: designated(ReportDocumentKind::Description)? })
    }

    /// The text of a plain-text evidence file.
    pub(crate) fn evidence_text(&self, evidence: &Evidence) -> Result<String> {
        let mut bytes = Vec::new();
        self.write_evidence(evidence.id, &mut bytes)?;
        String::from_utf8(bytes).map_err(|_| {
            Error::invalid("evidence", format!("{} ({}) is not plain text: attach management's assertion as a .txt file so the report can print it", evidence.reference(), evidence.name))
        })
    }
}
