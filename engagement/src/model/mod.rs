//! The auditor's records, as plain serialisable values. Storage lives in `crate::store`.

mod criteria;
mod engagement;
pub mod number;

pub use criteria::{criteria_in_scope, criterion, Criterion, CRITERIA};
pub use engagement::{long_date, Category, EngagementInfo, Examination, NewEngagement, Role, TeamMember};
