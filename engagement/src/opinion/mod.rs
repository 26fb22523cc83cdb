//! From exceptions to the opinion: each exception evaluated (`evaluation`), each criterion in
//! scope concluded (`criterion_conclusion`), evidence not provided recorded as a scope
//! limitation, the partner's signed decision (`decision`), and the client's own documents the
//! report presents (`report_document`).

pub mod criterion_conclusion;
mod decision;
pub mod evaluation;
pub mod report_document;
pub mod scope_limitation;

pub use decision::*;
