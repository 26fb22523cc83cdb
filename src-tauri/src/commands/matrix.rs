//! The control matrix: the criteria library and the client's controls.

use engagement::complementary::{Subservice, SubserviceInput, UserEntityControl, UserEntityControlInput};
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

/// What the criteria rely on beyond the client's controls, as the report prints it.
#[derive(serde::Serialize, ts_rs::TS)]
pub struct Complementary {
    pub user_entity_controls: Vec<UserEntityControl>,
    pub subservices: Vec<Subservice>,
}

#[tauri::command]
pub async fn complementary(state: State<'_, OpenFile>) -> Reply<Complementary> {
    state.with(|f| Ok(Complementary { user_entity_controls: f.user_entity_controls()?, subservices: f.subservices()? }))
}

#[tauri::command]
pub async fn add_user_entity_control(state: State<'_, OpenFile>, input: UserEntityControlInput) -> Reply<i64> {
    state.with(|f| f.add_user_entity_control(&input))
}

#[tauri::command]
pub async fn remove_user_entity_control(state: State<'_, OpenFile>, id: i64) -> Reply<()> {
    state.with(|f| f.remove_user_entity_control(id))
}

#[tauri::command]
pub async fn add_subservice(state: State<'_, OpenFile>, input: SubserviceInput) -> Reply<i64> {
    state.with(|f| f.add_subservice(&input))
}

#[tauri::command]
pub async fn remove_subservice(state: State<'_, OpenFile>, id: i64) -> Reply<()> {
    state.with(|f| f.remove_subservice(id))
}

#[tauri::command]
pub async fn update_control(state: State<'_, OpenFile>, id: i64, input: ControlInput) -> Reply<()> {
    state.with(|f| f.update_control(id, &input))
}
