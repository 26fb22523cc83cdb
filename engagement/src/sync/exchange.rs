//! Share, join and sync: the engagement's changes going out to the folder and coming in.
//!
//! Each copy publishes its outbox as numbered files and applies other copies' changes in the
//! order they were made. A change is applied only on top of exactly what its author's copy held
//! when it was made (its `state`), so every copy passes through the same contents and the trail
//! stays one chain. A change made while this copy held work its author had not seen is
//! concurrent: merging concurrent work is not built yet, so it waits, named in the report, and
//! both sides keep everything (the folder keeps both, each copy keeps its own).

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::session::{ConflictAction, ConflictType};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::EngagementFile;
use crate::sync::envelope::{self, signed_message, Change, State};
use crate::sync::folder::{new_copy_name, Folder};
use crate::sync::outbox;

/// What one sync did, for the window and the terminal alike.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    /// The folder could not be reached: nothing was exchanged, work goes on offline.
    pub unreachable: Option<String>,
    /// This copy's changes written to the folder, e.g. "change 3 by TW".
    pub sent: Vec<String>,
    /// What came in, as the trail entries other copies' changes brought.
    pub received: Vec<String>,
    /// Change files refused, each by its name in the folder and why; nothing of them applied.
    pub refused: Vec<String>,
    /// Changes not applied yet: made alongside work this copy holds, or after a refused one.
    pub waiting: Vec<String>,
}

impl SyncReport {
    /// Every line a person needs to read, in order.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(why) = &self.unreachable {
            lines.push(format!("Not synced: {why}. Work continues on this copy; sync again when the folder can be reached."));
            return lines;
        }
        let count = |n: usize, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
        lines.push(format!("Sent {}; received {}.", count(self.sent.len(), "change", "changes"), count(self.received.len(), "trail entry", "trail entries")));
        lines.extend(self.sent.iter().map(|s| format!("  out: {s}")));
        lines.extend(self.received.iter().map(|s| format!("  in:  {s}")));
        lines.extend(self.refused.iter().map(|s| format!("  refused: {s}")));
        lines.extend(self.waiting.iter().map(|s| format!("  waiting: {s}")));
        lines
    }
}

fn secret_and_copy(file: &EngagementFile) -> Result<(Vec<u8>, String)> {
    let found: Option<(Vec<u8>, Option<String>)> =
        file.conn().query_row("SELECT secret, copy FROM sync_state WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    match found {
        Some((secret, Some(copy))) => Ok((secret, copy)),
        _ => Err(Error::invalid("folder", "this engagement is not shared: share it to a folder first, or join the folder it was shared to")),
    }
}

impl EngagementFile {
    /// Puts this engagement in the shared folder `dir` (an existing, empty folder): its base
    /// file, from which teammates join, and from now on this copy's changes.
    pub fn share(&mut self, dir: &Path) -> Result<()> {
        if outbox::copy_name(self.conn())?.is_some() {
            return Err(Error::invalid("folder", "this engagement is already shared; sync it with its folder"));
        }
        let uid = self.info()?.id;
        let mut secret = [0u8; 32];
        rand::fill(&mut secret);
        // A share that was cut short left its secret and no copy name: it starts again.
        self.conn().execute("DELETE FROM sync_state WHERE copy IS NULL", [])?;
        self.conn().execute("INSERT INTO sync_state (id, secret, copy) VALUES (1, ?1, NULL)", [&secret[..]])?;
        let shared = Folder::create(dir, &uid, |base| self.export_base(base));
        match shared {
            Ok(_) => {
                self.conn().execute("UPDATE sync_state SET copy = ?1, folder = ?2", [new_copy_name(), dir.display().to_string()])?;
                Ok(())
            }
            Err(e) => {
                self.conn().execute("DELETE FROM sync_state", [])?;
                Err(e)
            }
        }
    }

    /// Writes the engagement as it stands, under the same passphrase, to `path`: SQLCipher's
    /// own export into a database attached with this file's key.
    fn export_base(&self, path: &Path) -> Result<()> {
        let conn = self.conn();
        let target = path.to_str().ok_or_else(|| Error::invalid("folder", format!("{} is not a path SQLite can open", path.display())))?;
        // A file opened for an existing engagement may not create files: attach an empty one.
        std::fs::File::create(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        conn.execute("ATTACH DATABASE ?1 AS base", [target])?;
        let exported = (|| -> Result<()> {
            conn.query_row("SELECT sqlcipher_export('base')", [], |_| Ok(()))?;
            for pragma in ["application_id", "user_version"] {
                let value: i64 = conn.pragma_query_value(None, pragma, |r| r.get(0))?;
                conn.pragma_update(Some("base"), pragma, value)?;
            }
            Ok(())
        })();
        conn.execute("DETACH DATABASE base", [])?;
        exported
    }

    /// Makes a local copy at `out` of the engagement shared in `dir`, and brings it up to date.
    pub fn join(dir: &Path, out: &Path, passphrase: &str) -> Result<(EngagementFile, SyncReport)> {
        let folder = Folder::reach(dir).map_err(|why| Error::invalid("folder", why))?;
        if out.exists() {
            return Err(Error::AlreadyExists { path: out.to_owned() });
        }
        // The copy is made under a temporary name and takes `out` only once it has its own copy
        // name: a join cut short leaves no file that looks like a copy but is none.
        let partial = out.with_file_name(format!(".{}.joining", out.file_name().and_then(|n| n.to_str()).unwrap_or("copy")));
        crate::store::remove_unfinished(&partial);
        let base = folder.base();
        let made = (|| {
            std::fs::copy(&base, &partial).map_err(|source| Error::Io { path: base.clone(), source })?;
            crate::store::owner_only(&partial)?;
            let file = EngagementFile::open(&partial, passphrase)?;
            file.conn().execute("UPDATE sync_state SET copy = ?1, folder = ?2", [new_copy_name(), dir.display().to_string()])?;
            file.close()?;
            std::fs::rename(&partial, out).map_err(|source| Error::Io { path: out.to_owned(), source })
        })();
        if made.is_err() {
            crate::store::remove_unfinished(&partial);
        }
        made?;
        let mut file = EngagementFile::open(out, passphrase)?;
        let report = file.sync(dir)?;
        Ok((file, report))
    }

    /// The shared folder this copy last synced with, when the engagement is shared.
    pub fn shared_folder(&self) -> Result<Option<std::path::PathBuf>> {
        let folder: Option<Option<String>> = self.conn().query_row("SELECT folder FROM sync_state WHERE id = 1 AND copy IS NOT NULL", [], |r| r.get(0)).optional()?;
        Ok(folder.flatten().map(std::path::PathBuf::from))
    }

    /// Exchanges changes with the shared folder `dir`: this copy's go out, other copies' come in.
    pub fn sync(&mut self, dir: &Path) -> Result<SyncReport> {
        let (secret, copy) = secret_and_copy(self)?;
        let folder = match Folder::reach(dir) {
            Ok(folder) => folder,
            Err(why) => return Ok(SyncReport { unreachable: Some(why), ..SyncReport::default() }),
        };
        let uid = self.info()?.id;
        if folder.engagement != uid {
            return Err(Error::invalid("folder", format!("{} is the shared folder of another engagement", dir.display())));
        }
        self.conn().execute("UPDATE sync_state SET folder = ?1", [dir.display().to_string()])?;
        let mut report = SyncReport::default();
        let held = folder.changes()?;
        self.publish(&folder, &uid, &secret, &copy, held.get(&copy).map(Vec::as_slice).unwrap_or(&[]), &mut report)?;
        self.receive(&folder, &uid, &secret, &copy, &held, &mut report)?;
        Ok(report)
    }

    fn publish(&self, folder: &Folder, uid: &str, secret: &[u8], copy: &str, held: &[u64], report: &mut SyncReport) -> Result<()> {
        let mut stmt = self.conn().prepare("SELECT seq, author, state, changeset, signature FROM sync_outbox ORDER BY seq")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Vec<u8>>(3)?, r.get::<_, String>(4)?)))?;
        let mut last = 0;
        for row in rows {
            let (seq, author, state, changeset, signature) = row?;
            let seq = seq as u64;
            last = seq;
            if held.binary_search(&seq).is_ok() {
                continue;
            }
            let state: State = serde_json::from_str(&state)?;
            let change = Change { copy: copy.to_owned(), seq, author: author.clone(), state, changeset, signature };
            folder.write_change(copy, seq, &envelope::seal(&change, uid, secret))?;
            report.sent.push(format!("change {seq} by {author}"));
        }
        if let Some(beyond) = held.iter().find(|&&s| s > last) {
            report.refused.push(format!(
                "{}: the folder holds changes of this copy from {beyond} on that this copy does not (was it restored from an older backup?)",
                folder.name(copy, *beyond)
            ));
        }
        Ok(())
    }

    fn receive(&mut self, folder: &Folder, uid: &str, secret: &[u8], copy: &str, held: &std::collections::BTreeMap<String, Vec<u64>>, report: &mut SyncReport) -> Result<()> {
        let mut blocked: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        loop {
            let state = outbox::state(self.conn(), copy)?;
            let mut progressed = false;
            for (other, seqs) in held.iter() {
                if other == copy || blocked.contains(other) {
                    continue;
                }
                let next = state.get(other).copied().unwrap_or(0) + 1;
                if !seqs.contains(&next) {
                    if let Some(later) = seqs.iter().find(|&&s| s > next) {
                        report.refused.push(format!("{}: the folder lacks change {next} of this copy, which comes before it", folder.name(other, *later)));
                        blocked.insert(other.clone());
                    }
                    continue;
                }
                let name = folder.name(other, next);
                let change = match self.open_change(folder, uid, secret, other, next) {
                    Ok(change) => change,
                    Err(why) => {
                        report.refused.push(format!("{name}: {why}"));
                        blocked.insert(other.clone());
                        continue;
                    }
                };
                let mut expected = state.clone();
                expected.remove(other);
                if next > 1 {
                    expected.insert(other.clone(), next - 1);
                }
                if change.state != expected {
                    continue;
                }
                match self.apply(&change)? {
                    Ok(entries) => {
                        report.received.extend(entries);
                        progressed = true;
                    }
                    Err(why) => {
                        report.refused.push(format!("{name}: {why}"));
                        blocked.insert(other.clone());
                    }
                }
            }
            if !progressed {
                break;
            }
        }
        let state = outbox::state(self.conn(), copy)?;
        for (other, seqs) in held.iter().filter(|(c, _)| *c != copy) {
            let have = state.get(other).copied().unwrap_or(0);
            if let Some(&newest) = seqs.last() {
                if newest < have {
                    report.refused.push(format!(
                        "{}: the folder lost changes {}–{have} of this copy, which this copy holds",
                        folder.name(other, newest + 1),
                        newest + 1
                    ));
                }
            }
            if blocked.contains(other) {
                continue;
            }
            let pending: Vec<u64> = seqs.iter().copied().filter(|&s| s > have).collect();
            if let (Some(first), Some(last)) = (pending.first(), pending.last()) {
                let author = self.open_change(folder, uid, secret, other, *first).map(|c| c.author).unwrap_or_else(|_| "?".into());
                report.waiting.push(format!(
                    "changes {first}–{last} by {author} ({}) were made alongside work this copy holds and they had not seen; merging concurrent work is not supported yet, so both are kept as they are",
                    folder.name(other, *first)
                ));
            }
        }
        Ok(())
    }

    /// Opens a change file and checks its signature against the team as this copy records it.
    fn open_change(&self, folder: &Folder, uid: &str, secret: &[u8], copy: &str, seq: u64) -> std::result::Result<Change, String> {
        let bytes = folder.read_change(copy, seq).map_err(|e| e.to_string())?;
        let change = envelope::open(&bytes, uid, secret, copy, seq).map_err(|e| e.to_string())?;
        let key: Option<String> = self
            .conn()
            .query_row("SELECT public_key FROM team_member WHERE upper(initials) = upper(?1)", [&change.author], |r| r.get(0))
            .optional()
            .map_err(|e| e.to_string())?
            .flatten();
        let message = signed_message(uid, copy, seq, &change.author, &change.state, &change.changeset);
        match key {
            Some(key) if crate::keys::verify(&key, &message, &change.signature) => Ok(change),
            _ => Err(format!("it is not signed by the key of a team member of this engagement (it names {})", change.author)),
        }
    }

    /// Applies one change and records it as applied, in one transaction. Returns the trail
    /// entries it brought, or why it does not apply to this copy (nothing of it then applied).
    fn apply(&mut self, change: &Change) -> Result<std::result::Result<Vec<String>, String>> {
        let before: i64 = self.conn().query_row("SELECT coalesce(max(seq), 0) FROM trail", [], |r| r.get(0))?;
        let conflict = Arc::new(Mutex::new(None::<String>));
        let seen = Arc::clone(&conflict);
        let tx = self.conn_mut().transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied = tx.apply_strm(&mut &change.changeset[..], None::<fn(&str) -> bool>, move |kind: ConflictType, item| {
            let table = item.op().map(|op| op.table_name().to_owned()).unwrap_or_default();
            *seen.lock().expect("one sync at a time") = Some(format!("{kind:?} in table {table}"));
            ConflictAction::SQLITE_CHANGESET_ABORT
        });
        if let Err(e) = applied {
            let why = conflict.lock().expect("one sync at a time").take().unwrap_or_else(|| e.to_string());
            return Ok(Err(format!("it does not apply to this copy ({why})")));
        }
        tx.execute(
            "INSERT INTO sync_applied (copy, seq) VALUES (?1, ?2) ON CONFLICT (copy) DO UPDATE SET seq = excluded.seq",
            params![change.copy, change.seq as i64],
        )?;
        let entries = {
            let mut stmt = tx.prepare("SELECT actor, action, entity, entity_id FROM trail WHERE seq > ?1 ORDER BY seq")?;
            let rows = stmt.query_map([before], |r| {
                Ok(format!("{} {} {} {}", r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?.replace('_', " "), r.get::<_, i64>(3)?))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        tx.commit()?;
        Ok(Ok(entries))
    }
}
