//! One control's workpaper: walkthroughs, population, sample, test grid, exceptions,
//! conclusion, sign-offs and review notes.

use std::path::PathBuf;

use chrono::NaiveDate;
use engagement::conclusion::ConclusionInput;
use engagement::grid_import::ResultsImported;
use engagement::population::{preview_listing, ColumnMapping, ListingPreview, Population, PopulationItem};
use engagement::procedure::ProcedureInput;
use engagement::sample::{SamplePlan, SampleRequest};
use engagement::signoff::SignoffRole;
use engagement::testing::TestResult;
use engagement::walkthrough::WalkthroughInput;
use engagement::workpaper::Workpaper;
use tauri::ipc::Channel;
use tauri::State;

use super::Reply;
use crate::state::{Cancel, OpenFile};

#[tauri::command]
pub async fn workpaper(state: State<'_, OpenFile>, control_id: i64) -> Reply<Workpaper> {
    state.with(|f| f.workpaper(control_id))
}

#[tauri::command]
pub async fn add_walkthrough(state: State<'_, OpenFile>, input: WalkthroughInput) -> Reply<i64> {
    state.with(|f| f.add_walkthrough(&input))
}

#[tauri::command]
pub async fn preview_population(path: String) -> Reply<ListingPreview> {
    Ok(preview_listing(&PathBuf::from(path), 8)?)
}

/// Imports a listing, reporting rows read through `progress`; `cancel_work` stops it and
/// nothing is stored.
#[tauri::command]
pub async fn import_population(
    state: State<'_, OpenFile>,
    cancel: State<'_, Cancel>,
    control_id: i64,
    path: String,
    mapping: ColumnMapping,
    description: String,
    progress: Channel<u64>,
) -> Reply<Population> {
    let mut report = cancel.progress(&progress);
    state.with(|f| {
        let id = f.import_population(control_id, &PathBuf::from(&path), &mapping, &description, &mut report)?;
        f.population(id)
    })
}

/// Stops the import, attach or archive running now; whatever it had written is undone.
#[tauri::command]
pub fn cancel_work(cancel: State<'_, Cancel>) {
    cancel.cancel();
}

#[tauri::command]
pub async fn population_items(state: State<'_, OpenFile>, population_id: i64, offset: i64, limit: i64) -> Reply<Vec<PopulationItem>> {
    state.with(|f| f.population_items(population_id, offset, limit))
}

#[tauri::command]
pub async fn remove_population(state: State<'_, OpenFile>, population_id: i64, reason: String) -> Reply<()> {
    state.with(|f| f.remove_population(population_id, &reason))
}

#[tauri::command]
pub async fn explain_out_of_period(state: State<'_, OpenFile>, population_id: i64, explanation: String) -> Reply<()> {
    state.with(|f| f.explain_out_of_period(population_id, &explanation))
}

/// The size, reasoning and seed a draw would use: shown before the draw is committed.
#[tauri::command]
pub async fn plan_sample(state: State<'_, OpenFile>, request: SampleRequest) -> Reply<SamplePlan> {
    state.with(|f| f.plan_sample(&request))
}

#[tauri::command]
pub async fn draw_sample(state: State<'_, OpenFile>, request: SampleRequest) -> Reply<i64> {
    state.with(|f| f.draw_sample(&request))
}

#[tauri::command]
pub async fn void_sample(state: State<'_, OpenFile>, sample_id: i64, reason: String) -> Reply<()> {
    state.with(|f| f.void_sample(sample_id, &reason))
}

#[tauri::command]
pub async fn extend_sample(state: State<'_, OpenFile>, sample_id: i64, additional: u64, reason: String) -> Reply<()> {
    state.with(|f| f.extend_sample(sample_id, additional, &reason))
}

#[tauri::command]
pub async fn record_audited_amount(state: State<'_, OpenFile>, sample_id: i64, position: i64, audit_cents: i64, note: Option<String>) -> Reply<()> {
    state.with(|f| f.record_audited_amount(sample_id, position, audit_cents, note.as_deref()))
}

#[tauri::command]
pub async fn set_grid_columns(state: State<'_, OpenFile>, control_id: i64, columns: Vec<String>) -> Reply<()> {
    state.with(|f| f.set_grid_columns(control_id, &columns))
}

/// Brings results filled in a spreadsheet (the control's exported sheet, or a list) into the grid.
#[tauri::command]
pub async fn import_results(state: State<'_, OpenFile>, control_id: i64, path: String) -> Reply<ResultsImported> {
    state.with(|f| f.import_results(control_id, &PathBuf::from(path)))
}

#[tauri::command]
pub async fn record_result(state: State<'_, OpenFile>, result: TestResult) -> Reply<()> {
    state.with(|f| f.record_result(&result))
}

#[tauri::command]
pub async fn add_exception(state: State<'_, OpenFile>, control_id: i64, description: String, items: Vec<i64>) -> Reply<i64> {
    state.with(|f| f.add_exception(control_id, &description, &items))
}

#[tauri::command]
pub async fn respond_to_exception(state: State<'_, OpenFile>, id: i64, response: String, by: String, on: NaiveDate) -> Reply<()> {
    state.with(|f| f.respond_to_exception(id, &response, &by, on))
}

#[tauri::command]
pub async fn record_response_declined(state: State<'_, OpenFile>, id: i64, note: String, on: NaiveDate) -> Reply<()> {
    state.with(|f| f.record_response_declined(id, &note, on))
}

#[tauri::command]
pub async fn set_conclusion(state: State<'_, OpenFile>, control_id: i64, input: ConclusionInput) -> Reply<()> {
    state.with(|f| f.set_conclusion(control_id, &input))
}

#[tauri::command]
pub async fn sign(state: State<'_, OpenFile>, control_id: i64, role: SignoffRole) -> Reply<()> {
    state.with(|f| f.sign(control_id, role))
}

#[tauri::command]
pub async fn withdraw_signoff(state: State<'_, OpenFile>, control_id: i64, role: SignoffRole, reason: String) -> Reply<()> {
    state.with(|f| f.withdraw_signoff(control_id, role, &reason))
}

#[tauri::command]
pub async fn raise_review_note(state: State<'_, OpenFile>, control_id: i64, text: String) -> Reply<i64> {
    state.with(|f| f.raise_review_note(control_id, &text))
}

/// Takes the control's work for the user signed in ("assigned to TW"); locks nothing.
#[tauri::command]
pub async fn take_control(state: State<'_, OpenFile>, control_id: i64) -> Reply<()> {
    state.with(|f| f.take_control(control_id))
}

#[tauri::command]
pub async fn release_control(state: State<'_, OpenFile>, control_id: i64) -> Reply<()> {
    state.with(|f| f.release_control(control_id))
}

#[tauri::command]
pub async fn respond_to_review_note(state: State<'_, OpenFile>, id: i64, response: String) -> Reply<()> {
    state.with(|f| f.respond_to_review_note(id, &response))
}

#[tauri::command]
pub async fn clear_review_note(state: State<'_, OpenFile>, id: i64) -> Reply<()> {
    state.with(|f| f.clear_review_note(id))
}

#[tauri::command]
pub async fn add_procedure(state: State<'_, OpenFile>, control_id: i64, input: ProcedureInput) -> Reply<i64> {
    state.with(|f| f.add_procedure(control_id, &input))
}

#[tauri::command]
pub async fn edit_procedure(state: State<'_, OpenFile>, id: i64, input: ProcedureInput) -> Reply<()> {
    state.with(|f| f.edit_procedure(id, &input))
}

#[tauri::command]
pub async fn mark_performed(state: State<'_, OpenFile>, id: i64, on: NaiveDate) -> Reply<()> {
    state.with(|f| f.mark_performed(id, on))
}

#[tauri::command]
pub async fn remove_procedure(state: State<'_, OpenFile>, id: i64) -> Reply<()> {
    state.with(|f| f.remove_procedure(id))
}

#[tauri::command]
pub async fn set_item_type(state: State<'_, OpenFile>, population_id: i64, item_type: String) -> Reply<()> {
    state.with(|f| f.set_item_type(population_id, &item_type))
}
