//! Evidence opened for viewing in another program needs a plaintext copy on disk; these copies
//! are kept in a folder private to this process, preferably in the user's runtime folder (a
//! memory file system on most Linux desktops), and removed when the auditor is done with each,
//! when the engagement closes, or when the app exits. Folders left by a process that died are
//! removed at the next start.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::store::EngagementFile;

const PREFIX: &str = "tickmark-view-";

pub struct ViewingCopies {
    folder: PathBuf,
    open: BTreeMap<i64, PathBuf>,
}

impl ViewingCopies {
    /// Copies go under `$XDG_RUNTIME_DIR`, or the temp folder where there is none.
    pub fn in_runtime_dir() -> Result<ViewingCopies> {
        let base = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from).filter(|p| p.is_dir()).unwrap_or_else(std::env::temp_dir);
        ViewingCopies::under(&base)
    }

    pub fn under(base: &Path) -> Result<ViewingCopies> {
        remove_abandoned(base);
        let folder = base.join(format!("{PREFIX}{}", std::process::id()));
        let io = |source| Error::Io { path: folder.clone(), source };
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&folder) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(io(e)),
            _ => {}
        }
        Ok(ViewingCopies { folder, open: BTreeMap::new() })
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The copy of evidence `id`, written now unless it is already open.
    pub fn open(&mut self, file: &EngagementFile, id: i64) -> Result<PathBuf> {
        if let Some(path) = self.open.get(&id) {
            return Ok(path.clone());
        }
        let path = file.write_viewing_copy(id, &self.folder)?;
        self.open.insert(id, path.clone());
        Ok(path)
    }

    /// Removes the copy of evidence `id`.
    pub fn close(&mut self, id: i64) -> Result<()> {
        match self.open.remove(&id) {
            Some(path) => std::fs::remove_file(&path).or_else(ignore_missing).map_err(|source| Error::Io { path, source }),
            None => Ok(()),
        }
    }

    /// Removes every copy; called when the engagement closes.
    pub fn close_all(&mut self) {
        for id in self.open.keys().copied().collect::<Vec<_>>() {
            let _ = self.close(id);
        }
    }
}

impl Drop for ViewingCopies {
    fn drop(&mut self) {
        self.close_all();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

fn ignore_missing(e: std::io::Error) -> std::io::Result<()> {
    if e.kind() == std::io::ErrorKind::NotFound {
        Ok(())
    } else {
        Err(e)
    }
}

/// Removes viewing folders whose process is gone (it crashed or was killed before cleaning up).
fn remove_abandoned(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Without /proc there is no cheap check; another process's folder is left alone.
#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: u32) -> bool {
    true
}
