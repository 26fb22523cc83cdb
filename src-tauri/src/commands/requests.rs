//! The request list and the evidence the client sent.

use std::path::PathBuf;

use chrono::NaiveDate;
use engagement::evidence::Evidence;
use engagement::request::{Request, RequestInput, RequestStatus};
use engagement::request_list::{ClientFiles, RequestChange};
use tauri::ipc::Channel;
use tauri::State;

use super::Reply;
use crate::state::{Cancel, OpenFile, Viewing};

#[tauri::command]
pub async fn requests(state: State<'_, OpenFile>) -> Reply<Vec<Request>> {
    state.with(|f| f.requests())
}

#[tauri::command]
pub async fn add_request(state: State<'_, OpenFile>, input: RequestInput) -> Reply<i64> {
    state.with(|f| f.add_request(&input))
}

#[tauri::command]
pub async fn set_request_status(state: State<'_, OpenFile>, id: i64, status: RequestStatus, reason: Option<String>) -> Reply<()> {
    state.with(|f| f.set_request_status(id, status, reason.as_deref()))
}

#[tauri::command]
pub async fn evidence(state: State<'_, OpenFile>) -> Reply<Vec<Evidence>> {
    state.with(|f| f.evidence())
}

/// Stores a file as evidence, reporting the bytes stored through `progress`; `cancel_work`
/// stops it and nothing is stored.
#[tauri::command]
#[allow(clippy::too_many_arguments)] // each is one field of the attach form, named for the UI
pub async fn attach_evidence(
    state: State<'_, OpenFile>,
    cancel: State<'_, Cancel>,
    path: String,
    request_id: Option<i64>,
    control_id: Option<i64>,
    received_on: NaiveDate,
    progress: Channel<u64>,
) -> Reply<i64> {
    let mut report = cancel.progress(&progress);
    state.with(|f| f.attach_evidence(&PathBuf::from(path), request_id, control_id, received_on, &mut report))
}

/// Writes a private copy of an evidence file and asks the desktop to open it in the program
/// set up for its type. The copy stays until `close_evidence_view`, the file closes or the
/// app exits; where no program could be started, the auditor is told where the copy is.
#[tauri::command]
pub async fn view_evidence(state: State<'_, OpenFile>, viewing: State<'_, Viewing>, id: i64) -> Reply<ViewedEvidence> {
    let path = state.with(|f| viewing.open(f, id))?;
    let problem = open::that_detached(&path).err().map(|e| format!("no program could be started to open it ({e}); open the copy yourself"));
    Ok(ViewedEvidence { id, path: path.to_string_lossy().into_owned(), problem })
}

#[tauri::command]
pub async fn close_evidence_view(viewing: State<'_, Viewing>, id: i64) -> Reply<()> {
    Ok(viewing.close(id)?)
}

/// Where a viewing copy was written, and why it may not have opened.
#[derive(Debug, serde::Serialize, ts_rs::TS)]
pub struct ViewedEvidence {
    pub id: i64,
    pub path: String,
    pub problem: Option<String>,
}

/// The request list for the client: XLSX, or CSV when the path ends in .csv.
#[tauri::command]
pub async fn write_request_list(state: State<'_, OpenFile>, path: String) -> Reply<()> {
    let path = PathBuf::from(path);
    let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    state.with(|f| engagement::output::write_new(&path, &if csv { f.request_list_csv()? } else { f.request_list_xlsx()? }))
}

/// What the client's reply would change; nothing is stored.
#[tauri::command]
pub async fn request_list_changes(state: State<'_, OpenFile>, path: String) -> Reply<Vec<RequestChange>> {
    state.with(|f| f.request_list_changes(&PathBuf::from(path)))
}

#[tauri::command]
pub async fn apply_request_list(state: State<'_, OpenFile>, path: String) -> Reply<Vec<RequestChange>> {
    state.with(|f| f.apply_request_list(&PathBuf::from(path)))
}

#[tauri::command]
pub async fn attach_client_files(state: State<'_, OpenFile>, folder: String, received_on: NaiveDate) -> Reply<ClientFiles> {
    state.with(|f| f.attach_client_files(&PathBuf::from(folder), received_on))
}
