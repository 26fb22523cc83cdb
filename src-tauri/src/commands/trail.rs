//! The audit trail and its verification.

use engagement::trail::TrailEntry;
use engagement::verify::Verification;
use tauri::State;

use super::Reply;
use crate::state::OpenFile;

#[tauri::command]
pub async fn trail(state: State<'_, OpenFile>) -> Reply<Vec<TrailEntry>> {
    state.with(|f| f.trail(None))
}

#[tauri::command]
pub async fn verify(state: State<'_, OpenFile>) -> Reply<Verification> {
    state.with(|f| f.verify())
}
