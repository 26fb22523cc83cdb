//! Team fieldwork: each auditor works in a copy of the engagement on their own laptop, and the
//! copies exchange changes through a folder the team shares (network share, cloud-synced folder,
//! USB stick), with no server of Tickmark's own.
//!
//! - `outbox`: every local transaction of a shared engagement, captured as a SQLite session
//!   changeset and signed by its author, in the same transaction.
//! - `envelope`: a change as a file in the folder, sealed under a key derived from the
//!   engagement's sync secret (never the passphrase).
//! - `folder`: the folder's layout: marker, base file, numbered change files per copy.
//! - `admission`: what a change from another copy may carry at all (its own trail entries, the
//!   engagement's own tables).
//! - `merge`: every copy's changes in one order, concurrent work settled by the audit's rules.
//! - `team_changes`: a change of the team from another copy, judged by what it does.
//! - `added`: rows a change adds, beside those standing here: added the same on two copies
//!   (nobody needs to choose), or referring to a row that is not here.
//! - `conflicts`: the list of what merging kept aside, and settling it.
//! - `exchange`: share, join and sync.

mod added;
mod admission;
pub mod conflicts;
pub mod envelope;
mod exchange;
pub mod folder;
pub(crate) mod merge;
pub(crate) mod outbox;
mod team_changes;

pub use exchange::SyncReport;
