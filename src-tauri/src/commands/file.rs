//! Creating, opening and closing the engagement file, and who is at the keyboard.

use std::path::PathBuf;

use engagement::keys::PersonalKey;
use engagement::model::{NewEngagement, TeamMember};
use engagement::overview::Overview;
use engagement::recent::RecentFile;
use engagement::EngagementFile;
use tauri::State;

use super::Reply;
use crate::error::CommandError;
use crate::state::{Keys, Launch, OpenFile, Recent, Viewing};

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
    close_open(&state, &viewing)?;
    let file = unlock(&path, &passphrase)?;
    recent.opened(&path);
    replace(&state, &viewing, file)
}

/// Makes a local copy, at `path`, of the engagement shared in `folder` (`tickmark join`), and
/// opens it as `open_engagement` opens a file.
#[tauri::command]
pub async fn join_engagement(
    state: State<'_, OpenFile>,
    viewing: State<'_, Viewing>,
    recent: State<'_, Recent>,
    folder: String,
    path: String,
    passphrase: String,
) -> Reply<Overview> {
    close_open(&state, &viewing)?;
    let (mut joined, _) = EngagementFile::join(&PathBuf::from(folder), &PathBuf::from(&path), &passphrase)?;
    seat_first_without_key(&mut joined)?;
    recent.opened(&path);
    replace(&state, &viewing, joined)
}

/// Closes the file open in the window, if any, with the windows viewing its evidence.
fn close_open(state: &OpenFile, viewing: &Viewing) -> Result<(), CommandError> {
    if let Some(previous) = state.lock().take() {
        viewing.close_all();
        previous.close()?;
    }
    Ok(())
}

/// Opens a file with the first member of its team without a personal key as the user of
/// record, until the auditor signs in as who they are; nobody, when every member has a key.
pub fn unlock(path: &str, passphrase: &str) -> engagement::Result<EngagementFile> {
    let mut file = EngagementFile::open(&PathBuf::from(path), passphrase)?;
    seat_first_without_key(&mut file)?;
    Ok(file)
}

fn seat_first_without_key(file: &mut EngagementFile) -> engagement::Result<()> {
    if let Some(first) = file.info()?.team.iter().find(|m| m.public_key.is_none()) {
        file.set_user(&first.initials)?;
    }
    Ok(())
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
    keys: State<'_, Keys>,
) -> Reply<Startup> {
    let Some(pending) = launch.take() else {
        return Ok(Startup { path: launch.path.clone(), overview: None, error: None });
    };
    let opened = match pending.await {
        Ok(unlocked) => unlocked.map_err(CommandError::from).map(|(file, key)| {
            if let Some(key) = key {
                keys.keep(key);
            }
            file
        }),
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

/// Changes are recorded against the member chosen here. One with a personal key is signed in
/// with it if it was unlocked earlier in this session and is still theirs (a sync may have
/// brought a replacement); otherwise the window is told (`key_required`) to ask for the key's
/// passphrase.
#[tauri::command]
pub async fn set_user(state: State<'_, OpenFile>, keys: State<'_, Keys>, initials: String) -> Reply<Overview> {
    let initials = initials.trim().to_uppercase();
    let registered = state.with(|file| Ok(file.info()?.team.into_iter().find(|m| m.initials == initials).and_then(|m| m.public_key)))?;
    let unlocked = keys.get(&initials).filter(|key| registered.as_deref() == Some(key.public_key().as_str()));
    match (registered.is_some(), unlocked) {
        (true, Some(key)) => state.with(|file| {
            file.sign_in(&key)?;
            file.overview()
        }),
        (true, None) => Err(CommandError {
            code: "key_required".into(),
            message: format!("{initials} signs with a personal key: enter its passphrase to sign in."),
            details: Vec::new(),
        }),
        (false, _) => state.with(|file| {
            file.set_user(&initials)?;
            file.overview()
        }),
    }
}

/// Signs in as `initials` with their key file (by default where Tickmark keeps it), unlocked
/// with its passphrase once for the session.
#[tauri::command]
pub async fn sign_in(state: State<'_, OpenFile>, keys: State<'_, Keys>, initials: String, passphrase: String, key_path: Option<String>) -> Reply<Overview> {
    let initials = initials.trim().to_uppercase();
    let path = key_path
        .filter(|p| !p.trim().is_empty())
        .map(PathBuf::from)
        .or_else(|| engagement::keys::default_path(&initials))
        .ok_or_else(|| CommandError::internal("no home folder to look for the key in; give the key file's path"))?;
    let key = tauri::async_runtime::spawn_blocking(move || PersonalKey::unlock(&path, &passphrase))
        .await
        .map_err(|_| CommandError::internal("unlocking the key stopped unexpectedly"))??;
    let overview = state.with(|file| {
        file.sign_in_as(&initials, &key)?;
        file.overview()
    })?;
    keys.keep(key);
    Ok(overview)
}

/// Makes the signed-in member's personal key: a new key file where Tickmark keeps keys, sealed
/// under the passphrase they choose, registered on the team (they are then signed in with it),
/// or kept for the partner to register. Unlocked for the session either way, so that once the
/// registration arrives they sign in without the passphrase.
#[tauri::command]
pub async fn make_key(state: State<'_, OpenFile>, keys: State<'_, Keys>, passphrase: String) -> Reply<Overview> {
    state.with(|file| {
        let initials = file.user().ok_or_else(|| engagement::Error::Invalid { field: "user".into(), message: "sign in first".into() })?.to_owned();
        let path = engagement::keys::default_path(&initials).ok_or_else(|| engagement::Error::Invalid { field: "key".into(), message: "no home folder to keep the key in".into() })?;
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|source| engagement::Error::Io { path: folder.to_owned(), source })?;
        }
        keys.keep(file.make_own_key(&path, &passphrase)?.key);
        file.overview()
    })
}

/// The fingerprint of a public key typed in, to compare in person before registering it, or
/// why it is not one.
#[tauri::command]
pub async fn key_fingerprint(public_key: String) -> Reply<String> {
    Ok(engagement::keys::fingerprint(&engagement::keys::check_public_key(&public_key)?))
}

/// Registers a member's key: the engagement partner, signed in with theirs, registers a
/// member's first key or replaces a lost one (the team's rule, in the library).
#[tauri::command]
pub async fn register_key(state: State<'_, OpenFile>, initials: String, public_key: String) -> Reply<Overview> {
    state.with(|file| {
        file.register_key(&initials, &public_key)?;
        file.overview()
    })
}

pub(super) fn replace(state: &OpenFile, viewing: &Viewing, file: EngagementFile) -> Reply<Overview> {
    let overview = file.overview()?;
    let mut guard = state.lock();
    if let Some(previous) = guard.replace(file) {
        viewing.close_all();
        previous.close()?;
    }
    Ok(overview)
}
