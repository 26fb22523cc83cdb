//! The shared folder's layout. Nothing in it is readable without the engagement's secret:
//!
//! - `tickmark-share.json`: `{"format": "tickmark-share", "version": 1, "engagement": uid}`, so
//!   that a folder is never mistaken for another engagement's;
//! - `base.tickmark`: the engagement file as shared (SQLCipher, under the team's passphrase),
//!   from which `join` makes a copy;
//! - `changes/<copy>/<seq>.tmc`: each copy's changes, numbered from 1, six digits or more, each
//!   written under a temporary dot-name and renamed when whole, never rewritten once there. Only
//!   the copy named by the folder writes in it, so two copies syncing at once never touch the
//!   same file;
//! - `evidence/<sha256>/<n>.tmc`, `evidence/<sha256>/count.tmc`: each evidence file once, by its
//!   content hash, in sealed 1 MB chunks, the count written last so that it says the file is
//!   whole;
//! - `copies/<number>`: a copy number taken (four hex digits), created only if absent, so that
//!   two copies joining at once never both take it, nor a copy joining later the number of one
//!   that has sent nothing yet. A copy joined before Tickmark kept them writes its own at its
//!   next sync. A folder kept in step by cloud storage does not lock: two laptops may both
//!   create one there, and their copies then share a number (`EngagementFile::sync` names them).

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const MARKER: &str = "tickmark-share.json";
const BASE: &str = "base.tickmark";
const CHANGES: &str = "changes";
const EVIDENCE: &str = "evidence";
const COPIES: &str = "copies";

#[derive(Serialize, Deserialize)]
struct Marker {
    format: String,
    version: u32,
    engagement: String,
}

/// A reachable shared folder of one engagement.
pub struct Folder {
    root: PathBuf,
    pub engagement: String,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_owned(), source }
}

/// A copy's name in the folder: its number (four hex digits, which pick the ids it gives new
/// rows) and twelve random ones, so that it says nothing of who holds it.
pub fn new_copy_name(index: i64) -> String {
    let mut bytes = [0u8; 6];
    rand::fill(&mut bytes);
    format!("{index:04x}{}", hex::encode(bytes))
}

/// The number of the copy named `name`.
pub fn copy_index(name: &str) -> i64 {
    name.get(..4).and_then(|n| i64::from_str_radix(n, 16).ok()).unwrap_or(0) & 0x7fff
}

/// The number of the sharer's copy: no copy joining takes it, so it needs no claim.
pub const SHARERS: i64 = 1;

/// A number for a copy joining now: one that no copy in the folder has, never the sharer's, at
/// random, so that two copies joining at once through a folder that does not lock (cloud
/// storage) almost never pick the same.
pub fn free_copy_index(taken: impl Iterator<Item = i64>) -> i64 {
    let taken: std::collections::HashSet<i64> = taken.collect();
    loop {
        let mut bytes = [0u8; 2];
        rand::fill(&mut bytes);
        let index = i64::from(u16::from_be_bytes(bytes) & 0x7fff);
        if index > SHARERS && index != crate::sync::merge::MERGE_RANGE && !taken.contains(&index) {
            return index;
        }
    }
}

fn is_copy_name(name: &str) -> bool {
    name.len() == 16 && name.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl Folder {
    /// The folder at `root`, or why it cannot be reached now (unmounted share, stick pulled
    /// out): a reason for a message, since work goes on offline and syncs later.
    pub fn reach(root: &Path) -> std::result::Result<Folder, String> {
        let marker = root.join(MARKER);
        let bytes = fs::read(&marker).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound if root.is_dir() => format!("{} holds no shared engagement ({MARKER} is missing)", root.display()),
            _ => format!("{} cannot be reached ({e})", root.display()),
        })?;
        let marker: Marker = serde_json::from_slice(&bytes)
            .ok()
            .filter(|m: &Marker| m.format == "tickmark-share" && m.version == 1)
            .ok_or_else(|| format!("{} is not a Tickmark shared folder this version reads", root.join(MARKER).display()))?;
        Ok(Folder { root: root.to_owned(), engagement: marker.engagement })
    }

    /// Makes `root` (an existing, empty folder) the shared folder of engagement `engagement`;
    /// the base file is written by `write_base` before the marker, so that a folder with a
    /// marker always has its base.
    pub fn create(root: &Path, engagement: &str, write_base: impl FnOnce(&Path) -> Result<()>) -> Result<Folder> {
        if !root.is_dir() {
            return Err(Error::invalid("folder", format!("{} is not a folder that can be reached", root.display())));
        }
        // A base without a marker is a share that was cut short: it is written again.
        if root.join(MARKER).exists() {
            return Err(Error::invalid("folder", format!("{} already holds a shared engagement", root.display())));
        }
        let base = root.join(BASE);
        let partial = root.join(format!(".{BASE}.partial"));
        let _ = fs::remove_file(&partial);
        write_base(&partial)?;
        fs::rename(&partial, &base).map_err(io(&base))?;
        fs::create_dir_all(root.join(CHANGES)).map_err(io(root))?;
        let marker = serde_json::to_vec_pretty(&Marker { format: "tickmark-share".into(), version: 1, engagement: engagement.to_owned() })?;
        write_whole(&root.join(MARKER), &marker)?;
        Ok(Folder { root: root.to_owned(), engagement: engagement.to_owned() })
    }

    pub fn base(&self) -> PathBuf {
        self.root.join(BASE)
    }

    fn change_path(&self, copy: &str, seq: u64) -> PathBuf {
        self.root.join(CHANGES).join(copy).join(format!("{seq:06}.tmc"))
    }

    /// The folder-relative name a message gives a change file.
    pub fn name(&self, copy: &str, seq: u64) -> String {
        format!("{CHANGES}/{copy}/{seq:06}.tmc")
    }

    fn claim_path(&self, index: i64) -> PathBuf {
        self.root.join(COPIES).join(format!("{index:04x}"))
    }

    /// Takes a number no copy has for a copy joining now, and returns the copy's name.
    pub fn claim_new_copy(&self) -> Result<String> {
        let mut taken: Vec<i64> = self.changes()?.keys().map(|c| copy_index(c)).collect();
        loop {
            let name = new_copy_name(free_copy_index(taken.iter().copied()));
            if self.create_claim(&name)? {
                return Ok(name);
            }
            taken.push(copy_index(&name));
        }
    }

    /// Claims the number of copy `name` if nothing claims it yet: a copy joined before numbers
    /// were claimed, so that no copy joining later takes it. A claim only keeps a number from
    /// being drawn again; nothing else reads it, so a claim removed or written by someone else
    /// costs no copy its work.
    pub fn claim(&self, name: &str) -> Result<()> {
        if copy_index(name) != SHARERS {
            self.create_claim(name)?;
        }
        Ok(())
    }

    /// Creates the claim of `name`'s number, naming it, only if there is none: false if there is.
    fn create_claim(&self, name: &str) -> Result<bool> {
        let path = self.claim_path(copy_index(name));
        let dir = path.parent().expect("a claim is in a folder");
        fs::create_dir_all(dir).map_err(io(dir))?;
        match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(name.as_bytes()).and_then(|()| file.sync_all()).map_err(io(&path))?;
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(io(&path)(e)),
        }
    }

    /// Every change file in the folder: copy → numbers held. Anything else there (temporary
    /// files of a sync under way, a cloud client's own files) is not a change and is ignored.
    pub fn changes(&self) -> Result<BTreeMap<String, Vec<u64>>> {
        let dir = self.root.join(CHANGES);
        let mut out = BTreeMap::new();
        for copy in fs::read_dir(&dir).map_err(io(&dir))? {
            let copy = copy.map_err(io(&dir))?;
            let Some(name) = copy.file_name().to_str().filter(|n| is_copy_name(n)).map(str::to_owned) else { continue };
            let mut seqs = Vec::new();
            for file in fs::read_dir(copy.path()).map_err(io(&copy.path()))? {
                let file = file.map_err(io(&copy.path()))?;
                let file_name = file.file_name();
                let Some(seq) = file_name.to_str().and_then(|n| n.strip_suffix(".tmc")).filter(|n| n.len() >= 6 && n.bytes().all(|b| b.is_ascii_digit())) else {
                    continue;
                };
                if let Ok(seq) = seq.parse::<u64>() {
                    seqs.push(seq);
                }
            }
            seqs.sort_unstable();
            out.insert(name, seqs);
        }
        Ok(out)
    }

    fn evidence_part(&self, sha256: &str, part: &str) -> PathBuf {
        self.root.join(EVIDENCE).join(sha256).join(format!("{part}.tmc"))
    }

    /// Whether the evidence file with this SHA-256 is in the folder whole.
    pub fn has_evidence(&self, sha256: &str) -> bool {
        self.evidence_part(sha256, "count").exists()
    }

    /// Reads one sealed part of an evidence file: a chunk by its number, or "count".
    pub fn read_evidence(&self, sha256: &str, part: &str) -> Result<Vec<u8>> {
        let path = self.evidence_part(sha256, part);
        fs::read(&path).map_err(io(&path))
    }

    /// Writes one sealed part of an evidence file, whole or not at all.
    pub fn write_evidence(&self, sha256: &str, part: &str, bytes: &[u8]) -> Result<()> {
        let path = self.evidence_part(sha256, part);
        let dir = path.parent().expect("an evidence part has a folder");
        fs::create_dir_all(dir).map_err(io(dir))?;
        write_whole(&path, bytes)
    }

    pub fn read_change(&self, copy: &str, seq: u64) -> Result<Vec<u8>> {
        let path = self.change_path(copy, seq);
        fs::read(&path).map_err(io(&path))
    }

    /// Writes a change of this copy: whole or not at all, since a sync may be killed at any
    /// moment and a cloud client may copy the folder at any moment.
    pub fn write_change(&self, copy: &str, seq: u64, bytes: &[u8]) -> Result<()> {
        let path = self.change_path(copy, seq);
        let dir = path.parent().expect("a change file has a folder");
        fs::create_dir_all(dir).map_err(io(dir))?;
        write_whole(&path, bytes)
    }
}

/// Writes `bytes` to `path` through a temporary dot-name in the same folder, flushed to disk
/// before the rename, so that `path` is never seen part-written.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("a file in a folder");
    let temp = dir.join(format!(".{}.{}.partial", path.file_name().and_then(|n| n.to_str()).unwrap_or("file"), new_copy_name(0)));
    let written = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written.map_err(io(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joining_copy_takes_a_free_number_never_the_sharers_nor_mergings() {
        let free = 0x1234;
        let taken: Vec<i64> = (0..=0x7fff).filter(|&i| i != free && i != 0 && i != 1 && i != crate::sync::merge::MERGE_RANGE).collect();
        for _ in 0..20 {
            assert_eq!(free_copy_index(taken.iter().copied()), free, "the one number left");
        }
    }

    /// Each joining copy claims a number of its own; a number claimed is not drawn again, nor the
    /// number of a copy joined before claims once it has claimed it; the sharer's number is never
    /// claimed.
    #[test]
    fn a_copy_number_is_claimed_once() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::create(dir.path(), "e", |path| std::fs::write(path, b"base").map_err(io(path))).unwrap();
        let names: Vec<String> = (0..50).map(|_| folder.claim_new_copy().unwrap()).collect();
        let numbers: std::collections::HashSet<i64> = names.iter().map(|n| copy_index(n)).collect();
        assert_eq!(numbers.len(), names.len(), "no number twice");
        for name in &names {
            assert!(dir.path().join(COPIES).join(&name[..4]).exists());
            assert!(!folder.create_claim(name).unwrap(), "claimed once");
        }
        folder.claim("0abc000000000000").unwrap();
        assert!(!folder.create_claim("0abcffffffffffff").unwrap(), "a copy joined before claims, once it has synced");
        folder.claim(&new_copy_name(SHARERS)).unwrap();
        assert!(!dir.path().join(COPIES).join("0001").exists(), "the sharer's number is never claimed");
    }

    #[test]
    fn a_copy_folder_is_named_by_sixteen_lowercase_hex_digits() {
        assert!(is_copy_name("0001a2b3c4d5e6f7"));
        for name in ["0001a2b3c4d5e6f", "0001a2b3c4d5e6f78", "0001A2B3C4D5E6F7", "0001a2b3c4d5e6fg", ".0001a2b3c4d5e6f"] {
            assert!(!is_copy_name(name), "{name}");
        }
    }

    #[test]
    fn an_unreachable_folder_an_empty_one_and_another_versions_say_which() {
        let dir = tempfile::tempdir().unwrap();
        let gone = Folder::reach(&dir.path().join("unplugged")).err().unwrap();
        assert!(gone.contains("cannot be reached"), "{gone}");
        let empty = Folder::reach(dir.path()).err().unwrap();
        assert!(empty.contains("holds no shared engagement"), "{empty}");
        std::fs::write(dir.path().join(MARKER), r#"{"format":"tickmark-share","version":2,"engagement":"e"}"#).unwrap();
        let newer = Folder::reach(dir.path()).err().unwrap();
        assert!(newer.contains("is not a Tickmark shared folder this version reads"), "{newer}");
    }

    #[test]
    fn only_numbered_change_files_of_copy_folders_are_changes() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::create(dir.path(), "e", |path| std::fs::write(path, b"base").map_err(io(path))).unwrap();
        folder.write_change("0002a2b3c4d5e6f7", 3, b"sealed").unwrap();
        let copy = dir.path().join(CHANGES).join("0002a2b3c4d5e6f7");
        for stray in ["12.tmc", "notes.txt", "00000x.tmc", ".000004.tmc.0001aaaaaaaaaaaa.partial"] {
            std::fs::write(copy.join(stray), b"").unwrap();
        }
        std::fs::create_dir(dir.path().join(CHANGES).join("desktop.ini")).unwrap();
        assert_eq!(folder.changes().unwrap(), BTreeMap::from([("0002a2b3c4d5e6f7".to_owned(), vec![3])]));
    }
}
