//! The floor for the app's start-up benchmark (`scripts/bench-app`): a Tauri window with the
//! app's own tauri build and window size but nothing else, no commands and no UI framework, so
//! the benchmark can tell Tickmark's own cost apart from what any Tauri window costs.

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!("examples/bare/tauri.conf.json"))
        .expect("the bare window could not be started");
}
