//! The engagement files opened lately on this computer, for the start screen. Only paths and
//! when each was last opened are kept, in a small JSON file in the user's configuration folder:
//! no client names or other engagement data. A missing or unreadable list is an empty one,
//! and the list is replaced whole (written beside, then renamed) so it is never half-written.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How many files the list keeps.
const KEEP: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecentFile {
    pub path: String,
    /// When it was last opened, UTC (RFC 3339).
    pub opened_at: String,
    /// Whether the file is still there; worked out when the list is read, not stored.
    #[serde(default)]
    pub exists: bool,
}

pub struct RecentFiles {
    store: PathBuf,
}

impl RecentFiles {
    /// The list kept in `store` (a JSON file, created when first written).
    pub fn at(store: PathBuf) -> RecentFiles {
        RecentFiles { store }
    }

    /// Most recent first.
    pub fn list(&self) -> Vec<RecentFile> {
        let mut files: Vec<RecentFile> = std::fs::read(&self.store).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
        for f in &mut files {
            f.exists = Path::new(&f.path).is_file();
        }
        files
    }

    /// Puts `path` at the top of the list.
    pub fn opened(&self, path: &Path) -> Result<Vec<RecentFile>> {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned()).to_string_lossy().into_owned();
        let mut files = self.list();
        files.retain(|f| f.path != path);
        files.insert(0, RecentFile { path, opened_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true), exists: true });
        files.truncate(KEEP);
        self.save(&files)?;
        Ok(files)
    }

    /// Takes `path` off the list; the file itself is not touched.
    pub fn forget(&self, path: &str) -> Result<Vec<RecentFile>> {
        let mut files = self.list();
        files.retain(|f| f.path != path);
        self.save(&files)?;
        Ok(files)
    }

    fn save(&self, files: &[RecentFile]) -> Result<()> {
        let io = |source| Error::Io { path: self.store.clone(), source };
        if let Some(folder) = self.store.parent() {
            std::fs::create_dir_all(folder).map_err(io)?;
        }
        let stored: Vec<_> = files.iter().map(|f| serde_json::json!({ "path": f.path, "opened_at": f.opened_at })).collect();
        let beside = self.store.with_extension("json.new");
        std::fs::write(&beside, serde_json::to_vec_pretty(&stored)?).map_err(io)?;
        std::fs::rename(&beside, &self.store).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_recent_first_without_repeats_and_at_most_ten() {
        let dir = tempfile::tempdir().unwrap();
        let recent = RecentFiles::at(dir.path().join("config/recent.json"));
        assert!(recent.list().is_empty(), "no list yet is an empty list");
        let paths: Vec<PathBuf> = (0..12).map(|i| dir.path().join(format!("client-{i}.tickmark"))).collect();
        std::fs::write(&paths[3], b"x").unwrap();
        for p in &paths {
            recent.opened(p).unwrap();
        }
        let listed = recent.opened(&paths[3]).unwrap();
        assert_eq!(listed.len(), 10);
        assert_eq!(listed[0].path, paths[3].to_string_lossy());
        assert_eq!(listed[1].path, paths[11].to_string_lossy());
        assert_eq!(listed.iter().filter(|f| f.path == paths[3].to_string_lossy()).count(), 1);
        let read = recent.list();
        assert_eq!(read.iter().map(|f| &f.path).collect::<Vec<_>>(), listed.iter().map(|f| &f.path).collect::<Vec<_>>());
        assert!(read[0].exists && !read[1].exists, "existence is checked on reading");

        let stored = std::fs::read_to_string(dir.path().join("config/recent.json")).unwrap();
        assert!(!stored.contains("exists"), "only paths and times are stored: {stored}");
        assert_eq!(recent.forget(&listed[0].path).unwrap().len(), 9);
    }

    #[test]
    fn an_unreadable_list_is_an_empty_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("recent.json");
        std::fs::write(&store, b"{ not json").unwrap();
        let recent = RecentFiles::at(store);
        assert!(recent.list().is_empty());
        assert_eq!(recent.opened(Path::new("/tmp/a.tickmark")).unwrap().len(), 1);
    }
}
