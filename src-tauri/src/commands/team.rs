//! Team fieldwork: sharing the engagement to a folder and syncing with it.

use std::path::PathBuf;

use engagement::sync::conflicts::SyncConflict;
use engagement::SyncReport;
use tauri::State;

use super::Reply;
use crate::state::OpenFile;

/// The shared folder this copy syncs with; None when the engagement is not shared.
#[tauri::command]
pub async fn shared_folder(state: State<'_, OpenFile>) -> Reply<Option<String>> {
    state.with(|f| Ok(f.shared_folder()?.map(|p| p.display().to_string())))
}

#[tauri::command]
pub async fn share_engagement(state: State<'_, OpenFile>, folder: String) -> Reply<()> {
    state.with(|f| f.share(&PathBuf::from(folder)))
}

/// What merging concurrent changes kept aside for a person to settle.
#[tauri::command]
pub async fn sync_conflicts(state: State<'_, OpenFile>) -> Reply<Vec<SyncConflict>> {
    state.with(|f| f.sync_conflicts())
}

#[tauri::command]
pub async fn settle_conflict(state: State<'_, OpenFile>, number: i64, note: String) -> Reply<()> {
    state.with(|f| f.settle_conflict(number, &note))
}

/// Syncs with the folder this copy last synced with.
#[tauri::command]
pub async fn sync_now(state: State<'_, OpenFile>) -> Reply<SyncReport> {
    state.with(|f| f.sync_now())
}

/// Syncs with the shared folder where it is now (a USB stick mounted elsewhere, a share mapped
/// to another drive); later syncs use it.
#[tauri::command]
pub async fn sync_with(state: State<'_, OpenFile>, folder: String) -> Reply<SyncReport> {
    state.with(|f| f.sync(&PathBuf::from(folder)))
}
