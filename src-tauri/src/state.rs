use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};

use engagement::EngagementFile;

use crate::error::CommandError;

/// The one engagement file the window has open, if any.
#[derive(Default)]
pub struct OpenFile(Mutex<Option<EngagementFile>>);

/// Set to stop the running population import; kept outside `OpenFile`, whose lock the import holds.
#[derive(Default)]
pub struct ImportCancel(pub AtomicBool);

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
