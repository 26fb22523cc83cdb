//! The Tickmark engagement file and everything recorded in it. Nothing here knows of Tauri:
//! the desktop shell and the `tickmark` command-line tool both call this crate.

pub mod archive;
mod completion;
pub mod complementary;
pub mod conclusion;
pub mod control;
pub mod criterion_conclusion;
mod engagement_info;
pub mod error;
pub mod evaluation;
pub mod evidence;
pub mod exception;
pub(crate) mod export;
mod gates;
pub mod grid_import;
mod import;
pub mod keys;
pub mod output;
pub mod overview;
pub mod model;
pub mod monetary;
pub mod opinion;
pub mod population;
pub mod procedure;
pub mod progress;
pub mod recent;
mod report;
pub mod report_document;
pub mod request;
pub mod review;
pub mod sample;
pub mod scope_limitation;
pub mod spec;
pub mod signoff;
pub mod store;
pub mod testing;
pub mod trail;
pub mod verify;
pub mod viewing;
pub mod walkthrough;
pub mod workpaper;

pub use error::{Error, Result};
pub use store::EngagementFile;
