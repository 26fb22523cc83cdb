//! What leaves the engagement file at the auditor's request, and only then: the report and the
//! workpapers (`report`), the sample exports, and the archive bag with its independent check.

pub mod archive;
pub(crate) mod export;
pub mod output;
pub(crate) mod report;
