//! The Tickmark engagement file and everything recorded in it. Nothing here knows of Tauri:
//! the desktop shell and the `tickmark` command-line tool both call this crate.
//!
//! - `store`: the encrypted file itself, its schema, the engagement and its team.
//! - `fieldwork`: the work on each control, from the matrix to the conclusion.
//! - `opinion`: from exceptions to criteria conclusions and the opinion.
//! - `signing`: the trail, personal keys, sign-offs, completion and verification.
//! - `outputs`: the report, workpapers, exports and the archive.
//! - `sync`: team fieldwork, each copy exchanging signed, sealed changes through a shared folder.
//! - `import`, `model`: reading clients' listings; the engagement's vocabulary.
//!
//! Each module is also re-exported at the crate's root (`engagement::sample`), the paths the
//! app, the CLI and the tests use.

pub mod error;
pub mod fieldwork;
mod import;
pub mod model;
pub mod opinion;
pub mod outputs;
pub mod progress;
pub mod signing;
pub mod store;
pub mod sync;

pub use fieldwork::{
    assignment, complementary, conclusion, control, evidence, exception, grid_import, monetary, overview, population, procedure, request, request_list, review, sample, testing,
    viewing, walkthrough, workpaper,
};
pub(crate) use fieldwork::gates;
pub use opinion::{criterion_conclusion, evaluation, report_document, scope_limitation};
pub use outputs::{archive, output};
pub(crate) use outputs::{export, report};
pub use signing::{keys, signoff, trail, verify};
pub(crate) use signing::completion;
pub use store::{recent, roll_forward, spec};
pub(crate) use store::engagement_info;

pub use error::{Error, Result};
pub use store::EngagementFile;
pub use sync::SyncReport;
