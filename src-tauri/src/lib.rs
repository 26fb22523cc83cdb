//! The desktop shell: Tauri commands that call the `engagement` crate, and native file dialogs.
//! What the app knows about audits lives in `engagement` and `sampling`, not here.

mod commands;
mod dialogs;
mod error;
mod state;

pub use commands::bindings;

pub fn run() {
    tauri::Builder::default()
        .manage(state::OpenFile::default())
        .invoke_handler(tauri::generate_handler![
            dialogs::choose_new_file,
            dialogs::choose_existing_file,
            commands::create_engagement,
            commands::open_engagement,
            commands::close_engagement,
            commands::overview,
            commands::startup,
        ])
        .run(tauri::generate_context!())
        .expect("the Tickmark window could not be started");
}
