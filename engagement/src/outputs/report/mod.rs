//! Paper an auditor signs and a reader without Tickmark can open: the draft of the report's
//! testing section and a workpaper per control, as PDF with an embedded Unicode font.

mod docx;
mod draft;
mod fonts;
pub(crate) mod grid;
mod layout;
mod sections;
mod wording;
mod workpaper;

use crate::error::Result;
use crate::model::{long_date, EngagementInfo, Examination};
use crate::store::EngagementFile;

impl EngagementFile {
    /// The draft of the report: cover, scope, Section IV (controls, tests and results by
    /// criterion group) and the exceptions with management's responses.
    pub fn report_pdf(&self) -> Result<Vec<u8>> {
        draft::render(self)
    }

    /// The same draft as a Word document, for the firm's template and edits before issue.
    pub fn report_docx(&self) -> Result<Vec<u8>> {
        draft::render_docx(self)
    }

    /// The draft in the format `path` names: Word for `.docx`, PDF otherwise.
    pub fn report_for(&self, path: &std::path::Path) -> Result<Vec<u8>> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_lowercase).as_deref() {
            Some("docx") => self.report_docx(),
            _ => self.report_pdf(),
        }
    }

    /// The workpaper of one control: header, procedures, sample, test grid, conclusion.
    pub fn workpaper_pdf(&self, control_id: i64) -> Result<Vec<u8>> {
        workpaper::render(self, control_id)
    }
}

/// "October 1, 2025 to September 30, 2026", or the as-of date of a Type 1.
fn period(info: &EngagementInfo) -> String {
    match &info.examination {
        Examination::Type1 { as_of } => format!("as of {}", long_date(*as_of)),
        Examination::Type2 { period_start, period_end } => {
            format!("{} to {}", long_date(*period_start), long_date(*period_end))
        }
    }
}
