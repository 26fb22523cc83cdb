//! The desktop shell: Tauri commands that call the `engagement` crate, and native file dialogs.
//! What the app knows about audits lives in `engagement` and `sampling`, not here.

mod commands;
mod dialogs;
mod error;
mod state;

pub use commands::bindings::bindings;

pub fn run() {
    use commands::{deliverables, file, matrix, requests, trail, workpaper};
    tauri::Builder::default()
        .manage(state::OpenFile::default())
        .manage(state::ImportCancel::default())
        .invoke_handler(tauri::generate_handler![
            dialogs::choose_new_file,
            dialogs::choose_existing_file,
            dialogs::choose_listing,
            dialogs::choose_evidence,
            dialogs::choose_save_path,
            file::startup,
            file::create_engagement,
            file::open_engagement,
            file::close_engagement,
            file::overview,
            file::set_user,
            file::add_team_member,
            matrix::criteria,
            matrix::controls,
            matrix::add_control,
            matrix::update_control,
            workpaper::workpaper,
            workpaper::add_walkthrough,
            workpaper::preview_population,
            workpaper::import_population,
            workpaper::cancel_import,
            workpaper::population_items,
            workpaper::draw_sample,
            workpaper::record_result,
            workpaper::add_exception,
            workpaper::respond_to_exception,
            workpaper::set_conclusion,
            workpaper::sign,
            workpaper::withdraw_signoff,
            workpaper::raise_review_note,
            workpaper::respond_to_review_note,
            workpaper::clear_review_note,
            requests::requests,
            requests::add_request,
            requests::set_request_status,
            requests::evidence,
            requests::attach_evidence,
            trail::trail,
            trail::verify,
            deliverables::write_report,
            deliverables::write_workpaper,
            deliverables::write_samples_xlsx,
            deliverables::completion_blockers,
            deliverables::complete_documentation,
            deliverables::write_archive,
        ])
        .run(tauri::generate_context!())
        .expect("the Tickmark window could not be started");
}
