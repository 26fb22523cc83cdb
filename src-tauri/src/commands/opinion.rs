//! From exceptions to the opinion: evaluating exceptions, concluding on criteria, scope
//! limitations, the partner's decision, and the client's documents in the report. Each change
//! answers with the state the Opinion screen shows, so the window never shows a stale proposal.

use engagement::evaluation::{EvaluationInput, ExceptionEvaluation};
use engagement::opinion::{OpinionKind, OpinionState};
use engagement::report_document::{ReportDocumentKind, ReportDocuments};
use tauri::State;

use super::Reply;
use crate::state::OpenFile;

#[tauri::command]
pub async fn opinion_state(state: State<'_, OpenFile>) -> Reply<OpinionState> {
    state.with(|f| f.opinion())
}

#[tauri::command]
pub async fn exception_evaluations(state: State<'_, OpenFile>) -> Reply<Vec<ExceptionEvaluation>> {
    state.with(|f| f.exception_evaluations())
}

#[tauri::command]
pub async fn evaluate_exception(state: State<'_, OpenFile>, exception_id: i64, input: EvaluationInput) -> Reply<Vec<ExceptionEvaluation>> {
    state.with(|f| {
        f.evaluate_exception(exception_id, &input)?;
        f.exception_evaluations()
    })
}

#[tauri::command]
pub async fn conclude_criteria(state: State<'_, OpenFile>, criteria: Vec<String>, met: bool, reason: Option<String>) -> Reply<OpinionState> {
    state.with(|f| {
        let criteria: Vec<&str> = criteria.iter().map(String::as_str).collect();
        f.conclude_criteria(&criteria, met, reason.as_deref())?;
        f.opinion()
    })
}

#[tauri::command]
pub async fn add_scope_limitation(state: State<'_, OpenFile>, request_number: String, control_id: i64, description: String) -> Reply<OpinionState> {
    state.with(|f| {
        f.add_scope_limitation(&request_number, control_id, &description)?;
        f.opinion()
    })
}

#[tauri::command]
pub async fn remove_scope_limitation(state: State<'_, OpenFile>, id: i64) -> Reply<OpinionState> {
    state.with(|f| {
        f.remove_scope_limitation(id)?;
        f.opinion()
    })
}

#[tauri::command]
pub async fn decide_opinion(state: State<'_, OpenFile>, kind: OpinionKind, reason: Option<String>) -> Reply<OpinionState> {
    state.with(|f| {
        f.decide_opinion(kind, reason.as_deref())?;
        f.opinion()
    })
}

#[tauri::command]
pub async fn report_documents(state: State<'_, OpenFile>) -> Reply<ReportDocuments> {
    state.with(|f| f.report_documents())
}

#[tauri::command]
pub async fn set_report_document(state: State<'_, OpenFile>, kind: ReportDocumentKind, evidence_id: i64) -> Reply<ReportDocuments> {
    state.with(|f| {
        f.set_report_document(kind, evidence_id)?;
        f.report_documents()
    })
}
