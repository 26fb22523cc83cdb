//! Every command has one shape: take the state, call `engagement`, convert the error.

use std::path::PathBuf;

use engagement::model::NewEngagement;
use engagement::overview::Overview;
use engagement::EngagementFile;
use tauri::State;

use crate::error::CommandError;
use crate::state::OpenFile;

type Reply<T> = Result<T, CommandError>;

#[tauri::command]
pub fn create_engagement(state: State<'_, OpenFile>, path: String, passphrase: String, engagement: NewEngagement) -> Reply<Overview> {
    let file = EngagementFile::create(&PathBuf::from(path), &passphrase, &engagement)?;
    replace(&state, file)
}

#[tauri::command]
pub fn open_engagement(state: State<'_, OpenFile>, path: String, passphrase: String) -> Reply<Overview> {
    let mut guard = state.lock();
    if let Some(previous) = guard.take() {
        previous.close()?;
    }
    drop(guard);
    let mut file = EngagementFile::open(&PathBuf::from(path), &passphrase)?;
    if let Some(first) = file.info()?.team.first() {
        file.set_user(&first.initials)?;
    }
    replace(&state, file)
}

/// What the window shows first. Started as `tickmark-app FILE`, the open form is filled with
/// FILE; with TICKMARK_PASSPHRASE also set (the demo does this), the file opens straight away.
#[derive(Debug, serde::Serialize, ts_rs::TS)]
pub struct Startup {
    pub path: Option<String>,
    pub overview: Option<Overview>,
    pub error: Option<CommandError>,
}

#[tauri::command]
pub fn startup(state: State<'_, OpenFile>) -> Startup {
    let path = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let passphrase = std::env::var("TICKMARK_PASSPHRASE").ok();
    match (&path, passphrase) {
        (Some(p), Some(pass)) => match open_engagement(state, p.clone(), pass) {
            Ok(overview) => Startup { path, overview: Some(overview), error: None },
            Err(e) => Startup { path, overview: None, error: Some(e) },
        },
        _ => Startup { path, overview: None, error: None },
    }
}

#[tauri::command]
pub fn close_engagement(state: State<'_, OpenFile>) -> Reply<()> {
    match state.lock().take() {
        Some(file) => Ok(file.close()?),
        None => Ok(()),
    }
}

#[tauri::command]
pub fn overview(state: State<'_, OpenFile>) -> Reply<Overview> {
    state.with(|file| file.overview())
}

fn replace(state: &OpenFile, file: EngagementFile) -> Reply<Overview> {
    let overview = file.overview()?;
    let mut guard = state.lock();
    if let Some(previous) = guard.replace(file) {
        previous.close()?;
    }
    Ok(overview)
}

/// The TypeScript declarations of every type the commands take or return, in one module the
/// UI imports. `cargo test` fails when the committed copy differs.
pub fn bindings() -> String {
    use ts_rs::{Config, TS};
    let cfg = Config::new().with_large_int("number");
    let decls = [
        engagement::model::Category::decl(&cfg),
        engagement::model::Examination::decl(&cfg),
        engagement::model::Role::decl(&cfg),
        engagement::model::TeamMember::decl(&cfg),
        engagement::model::NewEngagement::decl(&cfg),
        engagement::model::EngagementInfo::decl(&cfg),
        engagement::overview::ControlProgress::decl(&cfg),
        engagement::overview::Overview::decl(&cfg),
        CommandError::decl(&cfg),
        Startup::decl(&cfg),
    ];
    let mut out = String::from("// Generated from the Rust types by `cargo test -p tickmark-app` (UPDATE_BINDINGS=1 rewrites it). Do not edit.\n\n");
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn committed_ui_bindings_are_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let generated = super::bindings();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p tickmark-app bindings` and commit it"
        );
    }
}
