//! The desktop shell: Tauri commands that call the `engagement` crate, and native file dialogs.
//! What the app knows about audits lives in `engagement` and `sampling`, not here.

mod commands;
mod dialogs;
mod error;
mod state;

pub use commands::bindings::bindings;

use engagement::recent::RecentFiles;
use tauri::{DragDropEvent, Manager, RunEvent, WindowEvent};

pub fn run() {
    use commands::{deliverables, file, matrix, opinion, requests, team, trail, window, workpaper};
    // First, so that unlocking a file named at launch overlaps the window's start.
    let launch = state::Launch::from_env();
    tauri::Builder::default()
        .manage(launch)
        .manage(state::OpenFile::default())
        .manage(state::Keys::default())
        .manage(state::Cancel::default())
        .manage(state::Viewing::default())
        .manage(state::DropTarget::default())
        .manage(state::CloseGuard::default())
        .setup(|app| {
            let config = app.path().app_config_dir()?;
            app.manage(state::Recent(RecentFiles::at(config.join("recent-files.json"))));
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                if window.state::<state::CloseGuard>().hold() {
                    api.prevent_close();
                }
            }
            if let WindowEvent::DragDrop(drag) = event {
                use state::DropKind;
                let (kind, paths): (_, &[std::path::PathBuf]) = match drag {
                    DragDropEvent::Enter { paths, .. } => (DropKind::Over, paths),
                    DragDropEvent::Drop { paths, .. } => (DropKind::Drop, paths),
                    DragDropEvent::Leave => (DropKind::Leave, &[]),
                    _ => return,
                };
                let paths = paths.iter().map(|p| p.to_string_lossy().into_owned()).collect();
                window.state::<state::DropTarget>().send(state::Dropping { kind, paths });
            }
        })
        .invoke_handler(tauri::generate_handler![
            dialogs::choose_new_file,
            dialogs::choose_existing_file,
            dialogs::choose_listing,
            dialogs::choose_evidence,
            dialogs::choose_save_path,
            file::startup,
            file::create_engagement,
            file::open_engagement,
            file::join_engagement,
            file::close_engagement,
            file::overview,
            file::set_user,
            file::sign_in,
            file::make_key,
            file::register_key,
            file::key_fingerprint,
            file::add_team_member,
            file::recent_files,
            file::forget_recent_file,
            window::watch_dropped_files,
            window::set_unsaved,
            window::watch_close_requests,
            window::close_window,
            matrix::criteria,
            matrix::controls,
            matrix::add_control,
            matrix::update_control,
            matrix::complementary,
            matrix::add_user_entity_control,
            matrix::remove_user_entity_control,
            matrix::add_subservice,
            matrix::remove_subservice,
            workpaper::workpaper,
            workpaper::add_walkthrough,
            workpaper::preview_population,
            workpaper::import_population,
            workpaper::cancel_work,
            workpaper::population_items,
            workpaper::remove_population,
            workpaper::explain_out_of_period,
            workpaper::plan_sample,
            workpaper::draw_sample,
            workpaper::void_sample,
            workpaper::extend_sample,
            workpaper::record_audited_amount,
            workpaper::set_grid_columns,
            workpaper::import_results,
            workpaper::record_result,
            workpaper::add_exception,
            workpaper::respond_to_exception,
            workpaper::record_response_declined,
            workpaper::set_conclusion,
            workpaper::sign,
            workpaper::withdraw_signoff,
            workpaper::raise_review_note,
            workpaper::take_control,
            workpaper::release_control,
            workpaper::respond_to_review_note,
            workpaper::clear_review_note,
            workpaper::add_procedure,
            workpaper::edit_procedure,
            workpaper::mark_performed,
            workpaper::remove_procedure,
            workpaper::set_item_type,
            requests::requests,
            requests::add_request,
            requests::set_request_status,
            requests::evidence,
            requests::attach_evidence,
            requests::view_evidence,
            requests::close_evidence_view,
            requests::write_request_list,
            requests::request_list_changes,
            requests::apply_request_list,
            requests::attach_client_files,
            trail::trail,
            trail::verify,
            team::shared_folder,
            team::share_engagement,
            team::sync_now,
            team::sync_with,
            team::sync_conflicts,
            team::settle_conflict,
            opinion::opinion_state,
            opinion::exception_evaluations,
            opinion::evaluate_exception,
            opinion::conclude_criteria,
            opinion::add_scope_limitation,
            opinion::remove_scope_limitation,
            opinion::decide_opinion,
            opinion::report_documents,
            opinion::set_report_document,
            deliverables::write_report,
            deliverables::write_workpaper,
            deliverables::write_samples_xlsx,
            deliverables::completion_blockers,
            deliverables::complete_documentation,
            deliverables::begin_addendum,
            deliverables::end_addendum,
            deliverables::write_archive,
            deliverables::roll_forward,
        ])
        .build(tauri::generate_context!())
        .expect("the Tickmark window could not be started")
        .run(|app, event| {
            // Viewing copies are plaintext: none outlives the app.
            if let RunEvent::Exit = event {
                app.state::<state::Viewing>().close_all();
            }
        });
}
