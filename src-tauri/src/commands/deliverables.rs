//! What leaves the engagement file at the auditor's request: the draft report, workpapers, the
//! sample exports, documentation completion and the archive package.

use std::path::PathBuf;

use chrono::NaiveDate;
use engagement::output::write_new;
use engagement::overview::Overview;
use tauri::ipc::Channel;
use tauri::State;

use super::Reply;
use crate::state::{Cancel, OpenFile};

#[tauri::command]
/// The draft report: Word when the path ends in .docx, PDF otherwise.
pub async fn write_report(state: State<'_, OpenFile>, path: String) -> Reply<()> {
    let path = PathBuf::from(path);
    state.with(|f| write_new(&path, &f.report_for(&path)?))
}

#[tauri::command]
pub async fn write_workpaper(state: State<'_, OpenFile>, control_id: i64, path: String) -> Reply<()> {
    state.with(|f| write_new(&PathBuf::from(path), &f.workpaper_pdf(control_id)?))
}

#[tauri::command]
pub async fn write_samples_xlsx(state: State<'_, OpenFile>, path: String) -> Reply<()> {
    state.with(|f| write_new(&PathBuf::from(path), &f.samples_xlsx()?))
}

/// What still blocks documentation completion, in the auditor's words; empty when nothing does.
#[tauri::command]
pub async fn completion_blockers(state: State<'_, OpenFile>) -> Reply<Vec<String>> {
    state.with(|f| f.completion_blockers())
}

#[tauri::command]
pub async fn complete_documentation(state: State<'_, OpenFile>, on: NaiveDate) -> Reply<Overview> {
    state.with(|f| {
        f.complete(on)?;
        f.overview()
    })
}

/// Opens an addendum to the completed file: the user's changes from now on are recorded under
/// `reason`, until they end it or someone else signs in.
#[tauri::command]
pub async fn begin_addendum(state: State<'_, OpenFile>, reason: String) -> Reply<Overview> {
    state.with(|f| {
        f.begin_addendum(&reason)?;
        f.overview()
    })
}

/// Ends the open addendum: the completed file is read-only again.
#[tauri::command]
pub async fn end_addendum(state: State<'_, OpenFile>) -> Reply<Overview> {
    state.with(|f| {
        f.end_addendum();
        f.overview()
    })
}

/// Writes the archive package, reporting bytes written through `progress`; `cancel_work` stops
/// it and the partial file is removed.
#[tauri::command]
pub async fn write_archive(state: State<'_, OpenFile>, cancel: State<'_, Cancel>, path: String, progress: Channel<u64>) -> Reply<()> {
    let mut report = cancel.progress(&progress);
    state.with(|f| f.archive(&PathBuf::from(path), &mut report).map(drop))
}

/// Next year's engagement from this one, at `path` under a new passphrase, created by the
/// person signed in (with their key, unlocked this session, when they have one). The window
/// then has the new file open, on its overview.
#[tauri::command]
#[allow(clippy::too_many_arguments)] // the app's state, then each field of the roll-forward form
pub async fn roll_forward(
    state: State<'_, OpenFile>,
    viewing: State<'_, crate::state::Viewing>,
    keys: State<'_, crate::state::Keys>,
    recent: State<'_, crate::state::Recent>,
    path: String,
    examination: engagement::model::Examination,
    passphrase: String,
    from_incomplete: bool,
) -> Reply<Overview> {
    let next = state.with(|f| {
        let key = f.user().and_then(|u| keys.get(u));
        f.roll_forward(&PathBuf::from(&path), &passphrase, examination, key.as_ref(), from_incomplete)
    })?;
    recent.opened(&path);
    super::file::replace(&state, &viewing, next)
}
