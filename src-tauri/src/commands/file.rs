//! Creating, opening and closing the engagement file, and who is at the keyboard.

use std::path::PathBuf;

use engagement::model::{NewEngagement, TeamMember};
use engagement::overview::Overview;
use engagement::recent::RecentFile;
use engagement::EngagementFile;
use tauri::State;

use super::Reply;
use crate::error::CommandError;
use crate::state::{Launch, OpenFile, Recent, Viewing};

#[tauri::command]
pub async fn create_engagement(
    state: State<'_, OpenFile>,
    viewing: State<'_, Viewing>,
    recent: State<'_, Recent>,
    path: String,
    passphrase: String,
    engagement: NewEngagement,
) -> Reply<Overview> {
    let file = EngagementFile::create(&PathBuf::from(&path), &passphrase, &engagement)?;
    recent.opened(&path);
    replace(&state, &viewing, file)
}

#[tauri::command]
pub async fn open_engagement(
    state: State<'_, OpenFile>,
    viewing: State<'_, Viewing>,
    recent: State<'_, Recent>,
    path: String,
    passphrase: String,
) -> Reply<Overview> {
    let mut guard = state.lock();
    if let Some(previous) = guard.take() {
        viewing.close_all();
        previous.close()?;
    }
    drop(guard);
    let file = unlock(&path, &passphrase)?;
    recent.opened(&path);
    replace(&state, &viewing, file)
}

/// Opens a file with the first member of its team as the user of record, until the auditor
/// chooses who they are.
pub fn unlock(path: &str, passphrase: &str) -> engagement::Result<EngagementFile> {
    let mut file = EngagementFile::open(&PathBuf::from(path), passphrase)?;
    if let Some(first) = file.info()?.team.first() {
        file.set_user(&first.initials)?;
    }
    Ok(file)
}

/// The files opened lately, most recent first, each marked if it is no longer there.
#[tauri::command]
pub async fn recent_files(recent: State<'_, Recent>) -> Reply<Vec<RecentFile>> {
    Ok(recent.0.list())
}

/// Takes a file off the recent list; the file itself is not touched.
#[tauri::command]
pub async fn forget_recent_file(recent: State<'_, Recent>, path: String) -> Reply<Vec<RecentFile>> {
    Ok(recent.0.forget(&path)?)
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
pub async fn startup(
    state: State<'_, OpenFile>,
    viewing: State<'_, Viewing>,
    recent: State<'_, Recent>,
    launch: State<'_, Launch>,
) -> Reply<Startup> {
    let Some(pending) = launch.take() else {
        return Ok(Startup { path: launch.path.clone(), overview: None, error: None });
    };
    let opened = match pending.await {
        Ok(unlocked) => unlocked.map_err(CommandError::from),
        Err(_) => Err(CommandError::internal("opening the file stopped unexpectedly; open it again from this screen")),
    };
    let path = launch.path.clone();
    Ok(match opened.and_then(|file| {
        recent.opened(path.as_deref().unwrap_or_default());
        replace(&state, &viewing, file)
    }) {
        Ok(overview) => Startup { path, overview: Some(overview), error: None },
        Err(e) => Startup { path, overview: None, error: Some(e) },
    })
}

#[tauri::command]
pub async fn close_engagement(state: State<'_, OpenFile>, viewing: State<'_, Viewing>) -> Reply<()> {
    viewing.close_all();
    match state.lock().take() {
        Some(file) => Ok(file.close()?),
        None => Ok(()),
    }
}

#[tauri::command]
pub async fn overview(state: State<'_, OpenFile>) -> Reply<Overview> {
    state.with(|file| file.overview())
}

#[tauri::command]
pub async fn add_team_member(state: State<'_, OpenFile>, member: TeamMember) -> Reply<Overview> {
    state.with(|file| {
        file.add_team_member(&member)?;
        file.overview()
    })
}

/// Changes are recorded against the initials chosen here.
#[tauri::command]
pub async fn set_user(state: State<'_, OpenFile>, initials: String) -> Reply<Overview> {
    state.with(|file| {
        file.set_user(&initials)?;
        file.overview()
    })
}

fn replace(state: &OpenFile, viewing: &Viewing, file: EngagementFile) -> Reply<Overview> {
    let overview = file.overview()?;
    let mut guard = state.lock();
    if let Some(previous) = guard.replace(file) {
        viewing.close_all();
        previous.close()?;
    }
    Ok(overview)
}
