//! The control matrix: the criteria library and the client's controls.

use engagement::control::{Control, ControlInput};
use engagement::model::{Criterion, CRITERIA};
use tauri::State;

use super::Reply;
use crate::state::OpenFile;

#[tauri::command]
pub fn criteria() -> Vec<Criterion> {
    CRITERIA.to_vec()
}

#[tauri::command]
pub async fn controls(state: State<'_, OpenFile>) -> Reply<Vec<Control>> {
    state.with(|f| f.controls())
}

#[tauri::command]
pub async fn add_control(state: State<'_, OpenFile>, input: ControlInput) -> Reply<i64> {
    state.with(|f| f.add_control(&input))
}

#[tauri::command]
pub async fn update_control(state: State<'_, OpenFile>, id: i64, input: ControlInput) -> Reply<()> {
    state.with(|f| f.update_control(id, &input))
}
