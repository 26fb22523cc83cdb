//! The request list and the evidence the client sent.

use std::path::PathBuf;

use chrono::NaiveDate;
use engagement::evidence::Evidence;
use engagement::request::{Request, RequestInput, RequestStatus};
use tauri::State;

use super::Reply;
use crate::state::OpenFile;

#[tauri::command]
pub async fn requests(state: State<'_, OpenFile>) -> Reply<Vec<Request>> {
    state.with(|f| f.requests())
}

#[tauri::command]
pub async fn add_request(state: State<'_, OpenFile>, input: RequestInput) -> Reply<i64> {
    state.with(|f| f.add_request(&input))
}

#[tauri::command]
pub async fn set_request_status(state: State<'_, OpenFile>, id: i64, status: RequestStatus) -> Reply<()> {
    state.with(|f| f.set_request_status(id, status))
}

#[tauri::command]
pub async fn evidence(state: State<'_, OpenFile>) -> Reply<Vec<Evidence>> {
    state.with(|f| f.evidence())
}

#[tauri::command]
pub async fn attach_evidence(
    state: State<'_, OpenFile>,
    path: String,
    request_id: Option<i64>,
    control_id: Option<i64>,
    received_on: NaiveDate,
) -> Reply<i64> {
    state.with(|f| f.attach_evidence(&PathBuf::from(path), request_id, control_id, received_on))
}
