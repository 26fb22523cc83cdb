//! What the window itself does: files dropped on it, and closing it while text is unsaved. The
//! window's events are handled in `lib.rs`; these commands connect them to the UI.

use tauri::ipc::Channel;
use tauri::State;

use super::Reply;
use crate::state::{CloseGuard, DropTarget, Dropping};

/// Files dropped on the window go to the channel registered here (the UI registers one when
/// it starts).
#[tauri::command]
pub async fn watch_dropped_files(target: State<'_, DropTarget>, channel: Channel<Dropping>) -> Reply<()> {
    target.listen(channel);
    Ok(())
}

/// The UI says whether any form holds unsaved text, each time that changes.
#[tauri::command]
pub async fn set_unsaved(guard: State<'_, CloseGuard>, unsaved: bool) -> Reply<()> {
    guard.set_unsaved(unsaved);
    Ok(())
}

/// A close of the window held back for unsaved text is reported on this channel.
#[tauri::command]
pub async fn watch_close_requests(guard: State<'_, CloseGuard>, channel: Channel<()>) -> Reply<()> {
    guard.watch(channel);
    Ok(())
}

/// Closes the window once the auditor has agreed to discard what is unsaved.
#[tauri::command]
pub async fn close_window(guard: State<'_, CloseGuard>, window: tauri::Window) -> Reply<()> {
    guard.set_unsaved(false);
    window.close().map_err(|e| crate::error::CommandError::internal(&format!("the window could not be closed: {e}")))
}
