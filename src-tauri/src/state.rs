use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use engagement::keys::PersonalKey;
use engagement::recent::RecentFiles;
use engagement::viewing::ViewingCopies;
use engagement::EngagementFile;
use tauri::async_runtime::{self, JoinHandle};
use tauri::ipc::Channel;

use crate::error::CommandError;

/// The one engagement file the window has open, if any.
#[derive(Default)]
pub struct OpenFile(Mutex<Option<EngagementFile>>);

/// The personal keys unlocked while the app is open, by initials: each person types their key's
/// passphrase once per session. Held in memory only.
#[derive(Default)]
pub struct Keys(Mutex<HashMap<String, PersonalKey>>);

impl Keys {
    pub fn get(&self, initials: &str) -> Option<PersonalKey> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).get(initials).cloned()
    }

    pub fn keep(&self, key: PersonalKey) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(key.initials.clone(), key);
    }
}

/// Set to stop the long work running now (an import, an attach, an archive); kept outside
/// `OpenFile`, whose lock that work holds.
#[derive(Default)]
pub struct Cancel(AtomicBool);

impl Cancel {
    /// A progress callback for the engagement crate: sends the count to the window and says
    /// whether to go on. The flag is cleared first, so an old Cancel does not stop new work.
    pub fn progress<'a>(&'a self, channel: &'a Channel<u64>) -> impl FnMut(u64) -> bool + 'a {
        self.0.store(false, Ordering::SeqCst);
        move |done| {
            let _ = channel.send(done);
            !self.0.load(Ordering::SeqCst)
        }
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Evidence copies open for viewing. Their folder is made on first use, so a session that
/// views nothing leaves nothing in the runtime folder.
#[derive(Default)]
pub struct Viewing(Mutex<Option<ViewingCopies>>);

impl Viewing {
    /// Writes (or reuses) the viewing copy of evidence `id` and returns its path.
    pub fn open(&self, file: &EngagementFile, id: i64) -> engagement::Result<PathBuf> {
        let mut copies = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let copies = match copies.as_mut() {
            Some(c) => c,
            None => copies.insert(ViewingCopies::in_runtime_dir()?),
        };
        copies.open(file, id)
    }

    pub fn close(&self, id: i64) -> engagement::Result<()> {
        match self.0.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            Some(copies) => copies.close(id),
            None => Ok(()),
        }
    }

    pub fn close_all(&self) {
        if let Some(copies) = self.0.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            copies.close_all();
        }
    }
}

/// The channel the window registered last for one kind of message from the shell.
pub struct Listener<T>(Mutex<Option<Channel<T>>>);

impl<T> Default for Listener<T> {
    fn default() -> Self {
        Listener(Mutex::new(None))
    }
}

impl<T: tauri::ipc::IpcResponse> Listener<T> {
    pub fn listen(&self, channel: Channel<T>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(channel);
    }

    /// Whether the message reached a window that is listening.
    pub fn send(&self, message: T) -> bool {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).as_ref().is_some_and(|c| c.send(message).is_ok())
    }
}

/// Where files dropped on the window are sent.
pub type DropTarget = Listener<Dropping>;

/// Whether the window holds text not yet saved, as the UI last said, and where to ask about a
/// close of the window meanwhile.
#[derive(Default)]
pub struct CloseGuard {
    unsaved: AtomicBool,
    ask: Listener<()>,
}

impl CloseGuard {
    pub fn set_unsaved(&self, unsaved: bool) {
        self.unsaved.store(unsaved, Ordering::SeqCst);
    }

    pub fn watch(&self, channel: Channel<()>) {
        self.ask.listen(channel);
    }

    /// Whether to hold back a close of the window: only with unsaved text and a UI to ask,
    /// since a window that cannot ask must still close.
    pub fn hold(&self) -> bool {
        self.unsaved.load(Ordering::SeqCst) && self.ask.send(())
    }
}

/// Files dragged over the window, dropped on it, or taken away.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct Dropping {
    pub kind: DropKind,
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Copy, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DropKind {
    Over,
    Drop,
    Leave,
}

impl OpenFile {
    pub fn lock(&self) -> MutexGuard<'_, Option<EngagementFile>> {
        // A panic while holding the lock leaves the file itself consistent (every write is one
        // transaction), so the guard is still usable.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the open file, or reports that none is open.
    pub fn with<T>(&self, f: impl FnOnce(&mut EngagementFile) -> engagement::Result<T>) -> Result<T, CommandError> {
        let mut guard = self.lock();
        let file = guard.as_mut().ok_or_else(CommandError::no_file)?;
        f(file).map_err(CommandError::from)
    }
}

/// The recent-files list, kept in the app's configuration folder.
pub struct Recent(pub RecentFiles);

impl Recent {
    /// Records an opened file. A list that cannot be saved (a read-only home, say) only means
    /// the start screen will not offer the file next time, so it does not fail the open.
    pub fn opened(&self, path: &str) {
        let _ = self.0.opened(std::path::Path::new(path));
    }
}

/// The file named on the command line. With TICKMARK_PASSPHRASE also set, it is unlocked while
/// the window starts, since the key derivation is deliberately slow; `startup` takes the result.
/// With TICKMARK_USER (and, for a member with a personal key, TICKMARK_KEY and
/// TICKMARK_KEY_PASSPHRASE) it opens signed in as that member. The passphrases are taken out of
/// the environment before the window starts, so no WebView process inherits them.
pub struct Launch {
    pub path: Option<String>,
    pending: Mutex<Option<Unlocking>>,
}

/// The file named at launch being unlocked, with the key its user signed in with, if any.
pub type Unlocking = JoinHandle<engagement::Result<(EngagementFile, Option<PersonalKey>)>>;

impl Launch {
    pub fn from_env() -> Self {
        let path = std::env::args().skip(1).find(|a| !a.starts_with('-'));
        let var = |name: &str| std::env::var(name).ok();
        let (passphrase, user, key, key_passphrase) = (var("TICKMARK_PASSPHRASE"), var("TICKMARK_USER"), var("TICKMARK_KEY"), var("TICKMARK_KEY_PASSPHRASE"));
        for secret in ["TICKMARK_PASSPHRASE", "TICKMARK_KEY_PASSPHRASE"] {
            std::env::remove_var(secret);
        }
        let pending = match (&path, passphrase) {
            (Some(path), Some(passphrase)) => {
                let path = path.clone();
                Some(async_runtime::spawn_blocking(move || {
                    let mut file = crate::commands::file::unlock(&path, &passphrase)?;
                    let key = match (user, key, key_passphrase) {
                        (Some(_), Some(key), Some(key_passphrase)) => {
                            let key = PersonalKey::unlock(std::path::Path::new(&key), &key_passphrase)?;
                            file.sign_in(&key)?;
                            Some(key)
                        }
                        (Some(user), _, _) => {
                            file.set_user(&user)?;
                            None
                        }
                        _ => None,
                    };
                    Ok((file, key))
                }))
            }
            _ => None,
        };
        Launch { path, pending: Mutex::new(pending) }
    }

    /// The unlocking begun at launch, once: a second start-up (the page reloaded) shows the
    /// open form instead.
    pub fn take(&self) -> Option<Unlocking> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}
