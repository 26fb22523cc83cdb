//! Share, join and sync: the engagement's changes going out to the folder and coming in.
//!
//! Each copy publishes its outbox as numbered files, takes in the other copies' changes it can
//! (each with everything its author's copy held when it was made), and merges them with its own
//! in the one order (`merge`).

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::keys::Verifier;
use crate::store::EngagementFile;
use crate::sync::envelope::{self, signed_message, Change};
use crate::sync::folder::{copy_index, new_copy_name, Folder, SHARERS};
use crate::sync::{admission, merge, outbox};

/// What one sync did, for the window and the terminal alike.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    /// The folder could not be reached: nothing was exchanged, work goes on offline.
    pub unreachable: Option<String>,
    /// This copy's changes written to the folder, each with what it did, e.g. "change 3 by TW:
    /// raise review note 1-2 (CC6.1)".
    pub sent: Vec<String>,
    /// What came in, as the trail entries other copies' changes brought.
    pub received: Vec<String>,
    /// Change files refused, each by its name in the folder and why; nothing of them applied.
    pub refused: Vec<String>,
    /// Changes not taken yet: made on top of a change this copy cannot take yet, or attaching
    /// an evidence file not yet whole in the folder.
    pub waiting: Vec<String>,
    /// Everything merging has kept aside that nobody has settled yet (not only from this sync).
    pub conflicts: Vec<String>,
    /// Why the user is no longer signed in with their key: what came in registered another key
    /// for them, or kept their registration of it aside (`EngagementFile::reseat`).
    pub signed_out: Option<String>,
    /// The sentence that sums the sync up, in the same words in the window and the terminal.
    pub headline: String,
}

impl SyncReport {
    /// The report with its headline written.
    fn summed(mut self) -> Self {
        let count = |n: usize, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
        self.headline = match &self.unreachable {
            Some(why) => format!("Not synced: {why}. Work continues on this copy; sync again when the folder can be reached."),
            None => format!("Sent {}; received {}.", count(self.sent.len(), "change", "changes"), count(self.received.len(), "trail entry", "trail entries")),
        };
        self
    }

    /// Every line a person needs to read, in order.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![self.headline.clone()];
        if self.unreachable.is_some() {
            return lines;
        }
        lines.extend(self.signed_out.iter().map(|s| format!("  {s}")));
        lines.extend(self.sent.iter().map(|s| format!("  out: {s}")));
        lines.extend(self.received.iter().map(|s| format!("  in:  {s}")));
        lines.extend(self.refused.iter().map(|s| format!("  refused: {s}")));
        lines.extend(self.waiting.iter().map(|s| format!("  waiting: {s}")));
        lines.extend(self.conflicts.iter().map(|s| format!("  conflict: {s}")));
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
                self.conn().execute("UPDATE sync_state SET copy = ?1, folder = ?2", [new_copy_name(SHARERS), dir.display().to_string()])?;
                Ok(())
            }
            Err(e) => {
                self.conn().execute("DELETE FROM sync_state", [])?;
                Err(e)
            }
        }
    }

    /// Writes the engagement as it stands, under the same passphrase, to `path`: everything
    /// checkpointed from the WAL into the file (this connection holds the file exclusively, so
    /// nothing else writes), then the file's encrypted bytes copied.
    fn export_base(&self, path: &Path) -> Result<()> {
        let (busy, _, _): (i64, i64, i64) = self.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        if busy != 0 {
            return Err(Error::InUse { path: self.path().to_owned() });
        }
        std::fs::copy(self.path(), path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        std::fs::File::open(path).and_then(|f| f.sync_all()).map_err(|source| Error::Io { path: path.to_owned(), source })
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
            file.conn().execute("UPDATE sync_state SET copy = ?1, folder = ?2", [folder.claim_new_copy()?, dir.display().to_string()])?;
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

    /// Exchanges changes with the shared folder `dir`: this copy's go out, other copies' come in
    /// and are merged with this copy's in the one order every copy converges on.
    pub fn sync(&mut self, dir: &Path) -> Result<SyncReport> {
        let (secret, copy) = secret_and_copy(self)?;
        let folder = match Folder::reach(dir) {
            Ok(folder) => folder,
            Err(why) => return Ok(SyncReport { unreachable: Some(why), ..SyncReport::default() }.summed()),
        };
        let uid = self.info()?.id;
        if folder.engagement != uid {
            return Err(Error::invalid("folder", format!("{} is the shared folder of another engagement", dir.display())));
        }
        self.conn().execute("UPDATE sync_state SET folder = ?1", [dir.display().to_string()])?;
        let mut report = SyncReport::default();
        let held = folder.changes()?;
        folder.claim(&copy)?;
        self.publish(&folder, &uid, &secret, &copy, held.get(&copy).map(Vec::as_slice).unwrap_or(&[]), &mut report)?;
        let incoming = self.gather(&folder, &uid, &secret, &copy, &held, &mut report)?;
        let fetch = |sha256: &str| fetch_evidence(&folder, &uid, &secret, sha256);
        report.received = merge::merge(self.conn_mut(), &copy, incoming, &fetch)?;
        report.signed_out = self.reseat()?;
        report.conflicts = self.sync_conflicts()?.into_iter().filter(|c| c.settled.is_none()).map(|c| c.text).collect();
        Ok(report.summed())
    }

    /// Syncs with the folder this copy last synced with (the window's Sync).
    pub fn sync_now(&mut self) -> Result<SyncReport> {
        let folder = self.shared_folder()?.ok_or_else(|| Error::invalid("folder", "this engagement is not shared: share it to a folder first"))?;
        self.sync(&folder)
    }

    /// The shared folder as the anchor outside this laptop: every trail entry of the changes the
    /// folder holds that this copy made or took in must be in this copy's trail. Nothing when the
    /// engagement is not shared or its folder cannot be reached now.
    pub(crate) fn folder_problems(&self) -> Result<Vec<String>> {
        let (Ok((secret, copy)), Some(dir)) = (secret_and_copy(self), self.shared_folder()?) else { return Ok(Vec::new()) };
        let Ok(folder) = Folder::reach(&dir) else { return Ok(Vec::new()) };
        let uid = self.info()?.id;
        let have = outbox::state(self.conn())?;
        let mut problems = Vec::new();
        let mut stmt = self.conn().prepare_cached("SELECT EXISTS(SELECT 1 FROM trail WHERE hash = ?1)")?;
        for (other, files) in folder.changes()? {
            for first in files {
                let name = folder.name(&other, first);
                let Ok(changes) = folder.read_change(&other, first).map_err(|e| e.to_string()).and_then(|b| envelope::open(&b, &uid, &secret, &other, first).map_err(|e| e.to_string())) else {
                    continue;
                };
                for change in changes.iter().filter(|c| other == copy || c.seq <= have.get(&other).copied().unwrap_or(0)) {
                    let lost = merge::trail_entries(&change.changeset)?.iter().filter(|e| !stmt.query_row([&e.hash], |r| r.get::<_, bool>(0)).unwrap_or(false)).count();
                    if lost > 0 {
                        problems.push(format!(
                            "the trail lacks {lost} {} of {}'s change {} ({name}) that the shared folder holds: entries were removed from this copy",
                            if lost == 1 { "entry" } else { "entries" },
                            change.author,
                            change.seq
                        ));
                    }
                }
            }
        }
        Ok(problems)
    }

    /// Writes this copy's changes that the folder does not hold yet, as one file.
    fn publish(&self, folder: &Folder, uid: &str, secret: &[u8], copy: &str, files: &[u64], report: &mut SyncReport) -> Result<()> {
        let published = match files.last() {
            None => 0,
            Some(&first) => match envelope::open(&folder.read_change(copy, first)?, uid, secret, copy, first) {
                Ok(changes) => first + changes.len() as u64 - 1,
                Err(why) => {
                    report.refused.push(format!("{}: {why}; written again from this copy", folder.name(copy, first)));
                    first - 1
                }
            },
        };
        let mut stmt = self.conn().prepare("SELECT seq, author, state, lamport, changeset, signature FROM sync_outbox WHERE seq > ?1 ORDER BY seq")?;
        let rows = stmt.query_map([published as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?, r.get::<_, Vec<u8>>(4)?, r.get::<_, String>(5)?))
        })?;
        let mut changes = Vec::new();
        for row in rows {
            let (seq, author, state, lamport, changeset, signature) = row?;
            let entries = merge::trail_entries(&changeset)?;
            for (id, sha256) in merge::evidence_added(&entries) {
                self.publish_evidence(folder, uid, secret, id, &sha256)?;
            }
            report.sent.push(sent_line(self.conn(), seq, &author, &entries)?);
            changes.push(Change { copy: copy.to_owned(), seq: seq as u64, author, lamport: lamport as u64, state: serde_json::from_str(&state)?, changeset, signature });
        }
        if let Some(first) = changes.first() {
            folder.write_change(copy, first.seq, &envelope::seal(&changes, uid, secret))?;
        }
        let own: i64 = self.conn().query_row("SELECT coalesce(max(seq), 0) FROM sync_outbox", [], |r| r.get(0))?;
        if published > own as u64 {
            report.refused.push(format!(
                "{}: the folder holds changes {}–{published} of this copy that this copy does not (was it restored from an older backup?)",
                folder.name(copy, files.last().copied().unwrap_or_default()),
                own + 1
            ));
        }
        Ok(())
    }

    /// Puts an evidence file in the folder, once: its chunks, then their count.
    fn publish_evidence(&self, folder: &Folder, uid: &str, secret: &[u8], id: i64, sha256: &str) -> Result<()> {
        if folder.has_evidence(sha256) {
            return Ok(());
        }
        let mut count = 0u64;
        crate::evidence::for_each_chunk(self.conn(), id, |data| {
            folder.write_evidence(sha256, &format!("{count:06}"), &envelope::seal_chunk(data, uid, secret, sha256, count))?;
            count += 1;
            Ok(())
        })?;
        folder.write_evidence(sha256, "count", &envelope::seal_chunk(count.to_string().as_bytes(), uid, secret, sha256, u64::MAX))
    }

    /// The other copies' changes this copy does not hold yet and can take now: each copy's in
    /// order up to the first that is missing or refused, then only those whose author's copy
    /// held nothing that is not here or arriving.
    fn gather(&self, folder: &Folder, uid: &str, secret: &[u8], copy: &str, held: &BTreeMap<String, Vec<u64>>, report: &mut SyncReport) -> Result<Vec<Change>> {
        let state = outbox::state(self.conn())?;
        let mut incoming: Vec<Change> = Vec::new();
        // Every key each member has had, as this copy's trail records them, and as the changes
        // taken so far add to them: a member added (with their key) on another copy may sign
        // that copy's next changes, and work done offline with a key the partner replaced
        // meanwhile on another copy was signed with the key its author had. A key from a change
        // merging keeps aside counts too: this only checks who sent a change. Whether the key
        // was theirs to use is for merging (`team`) and `verify` to judge, the same on every
        // copy; refusing it here would leave the copies that took it apart from those that had not.
        // Each key is parsed once: a day's changes are thousands of signatures by a few people.
        let mut keys: Vec<(String, Verifier)> = {
            // The trail records every key a member row ever held, the one it holds now included.
            let mut stmt = self.conn().prepare(
                "SELECT DISTINCT upper(json_extract(after, '$.initials')), json_extract(after, '$.public_key') FROM trail
                 WHERE entity = 'team_member' AND json_extract(after, '$.public_key') IS NOT NULL",
            )?;
            let rows: Vec<(String, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
            rows.into_iter().filter_map(|(initials, key)| Some((initials, Verifier::new(&key)?))).collect()
        };
        // Each copy's files in order, from the first change this copy lacks. A file refused only
        // for a signature no key known yet verifies is read again once the others have been: a
        // key registered in another copy's change (a replacement the partner made there) may
        // sign this copy's, and copies are read in no order that follows who registered what.
        let mut admission = admission::Admission::new(self.conn());
        let mut next: BTreeMap<&String, u64> = held.keys().filter(|c| *c != copy).map(|c| (c, state.get(c).copied().unwrap_or(0) + 1)).collect();
        let mut reading: Vec<&String> = next.keys().copied().collect();
        loop {
            let known_before = keys.len();
            let mut unsigned: Vec<(&String, String)> = Vec::new();
            for other in reading {
                let (files, have) = (&held[other], state.get(other).copied().unwrap_or(0));
                let next = next.get_mut(other).expect("every copy read has a next change");
                for (i, &first) in files.iter().enumerate() {
                    let name = folder.name(other, first);
                    if files.get(i + 1).is_some_and(|&following| following <= *next) {
                        continue;
                    }
                    if first > *next {
                        report.refused.push(format!("{name}: the folder lacks change {next} of this copy, which comes before it"));
                        break;
                    }
                    let changes = match folder.read_change(other, first).map_err(|e| e.to_string()).and_then(|b| envelope::open(&b, uid, secret, other, first).map_err(|e| e.to_string())) {
                        Ok(changes) => changes,
                        Err(why) => {
                            report.refused.push(format!("{name}: {why}"));
                            break;
                        }
                    };
                    let last = first + changes.len() as u64 - 1;
                    if files.get(i + 1).is_none() && last < have {
                        report.refused.push(format!("{name}: the folder lost changes {}–{have} of this copy, which this copy holds", last + 1));
                    }
                    // A file is taken whole or not at all: one change that fails its check leaves
                    // out the changes before it in the file too, and the keys they would have added.
                    let known = keys.len();
                    let mut taking = Vec::new();
                    let mut failed = None;
                    for change in changes.into_iter().filter(|c| c.seq >= *next) {
                        let seq = change.seq;
                        let entries = match merge::trail_entries(&change.changeset) {
                            Ok(entries) => entries,
                            Err(e) => {
                                failed = Some((format!("change {seq} cannot be read ({e})"), Stop::Refused));
                                break;
                            }
                        };
                        if let Some(why) = admission.refusal(&change, &entries)? {
                            failed = Some((format!("change {seq} {why}: {}", refused_because(other, copy, held)), Stop::Refused));
                            break;
                        }
                        // A member's first key is registered by a change signed with it
                        // (`register_own_key`): the key it gives its own author may sign it.
                        let (own, others): (Vec<_>, Vec<_>) = team_keys(&entries).partition(|(initials, _)| *initials == change.author.to_uppercase());
                        keys.extend(own);
                        if let Err(why) = check(&change, uid, &keys) {
                            failed = Some((why, Stop::Unsigned));
                            break;
                        }
                        if let Some((_, sha256)) = merge::evidence_added(&entries).into_iter().find(|(_, sha256)| !folder.has_evidence(sha256)) {
                            failed = Some((format!("change {seq} waits for evidence file {sha256}, not whole in the folder yet"), Stop::Waiting));
                            break;
                        }
                        keys.extend(others);
                        taking.push(change);
                    }
                    admission.taken(failed.is_none());
                    match failed {
                        None => {
                            *next = taking.last().map_or(*next, |c| c.seq + 1);
                            incoming.extend(taking);
                        }
                        Some((why, stop)) => {
                            keys.truncate(known);
                            let line = format!("{name}: {why}");
                            match stop {
                                Stop::Refused => report.refused.push(line),
                                Stop::Waiting => report.waiting.push(line),
                                Stop::Unsigned => unsigned.push((other, line)),
                            }
                            break;
                        }
                    }
                }
            }
            if unsigned.is_empty() || keys.len() == known_before {
                report.refused.extend(unsigned.into_iter().map(|(_, line)| line));
                break;
            }
            reading = unsigned.into_iter().map(|(other, _)| other).collect();
        }
        // A change is taken only with everything it was made on; dropping one drops the later
        // changes of its copy, so this runs until nothing more is dropped.
        loop {
            let mut available = state.clone();
            for c in &incoming {
                let entry = available.entry(c.copy.clone()).or_insert(0);
                *entry = (*entry).max(c.seq);
            }
            let lamports: std::collections::HashMap<(&str, u64), u64> = incoming.iter().map(|c| ((c.copy.as_str(), c.seq), c.lamport)).collect();
            let missing = incoming.iter().position(|c| {
                c.state.iter().any(|(d, &s)| available.get(d).copied().unwrap_or(0) < s || lamports.get(&(d.as_str(), s)).is_some_and(|&l| l >= c.lamport))
            });
            let Some(at) = missing else { break };
            let dropped = incoming[at].copy.clone();
            let first = incoming[at].seq;
            let author = incoming[at].author.clone();
            incoming.retain(|c| c.copy != dropped || c.seq < first);
            report.waiting.push(format!("{}: {author}'s changes from {first} on wait for changes their copy held that this copy cannot take yet", folder.name(&dropped, first)));
        }
        Ok(incoming)
    }
}

/// A change that went out, in words: its number, author and what its trail entries say it did
/// (the first few, and how many more).
fn sent_line(conn: &rusqlite::Connection, seq: i64, author: &str, entries: &[merge::Entry]) -> Result<String> {
    const SHOWN: usize = 3;
    let mut did: Vec<String> = entries.iter().take(SHOWN).map(|e| merge::what_it_did(conn, &e.action, &e.entity, e.entity_id, &e.state)).collect::<Result<_>>()?;
    if entries.len() > SHOWN {
        did.push(format!("and {} more", entries.len() - SHOWN));
    }
    Ok(format!("change {seq} by {author}: {}", did.join("; ")))
}

/// Why a copy's file was not taken.
enum Stop {
    Refused,
    /// Its evidence is not whole in the folder yet.
    Waiting,
    /// No key known so far verifies a change in it.
    Unsigned,
}

/// The keys a change's trail entries name for members: (initials in capitals, key).
fn team_keys(entries: &[merge::Entry]) -> impl Iterator<Item = (String, Verifier)> + '_ {
    entries.iter().filter(|e| e.entity == "team_member").filter_map(|e| Some((e.state["initials"].as_str()?.to_uppercase(), e.state["public_key"].as_str().and_then(Verifier::new)?)))
}

/// Checks a change's signature against the keys of the team.
fn check(change: &Change, uid: &str, keys: &[(String, Verifier)]) -> std::result::Result<(), String> {
    let message = signed_message(uid, &change.copy, change.seq, &change.author, change.lamport, &change.state, &change.changeset);
    let author = change.author.to_uppercase();
    if keys.iter().any(|(initials, key)| *initials == author && key.verify(&message, &change.signature)) {
        Ok(())
    } else {
        Err(format!("change {} is not signed by the key of a team member of this engagement (it names {})", change.seq, change.author))
    }
}

/// The chunks of the evidence file with SHA-256 `sha256` from the folder, checked against it.
fn fetch_evidence(folder: &Folder, uid: &str, secret: &[u8], sha256: &str) -> Result<Vec<Vec<u8>>> {
    use sha2::{Digest, Sha256};
    let bad = |why: String| Error::invalid("folder", format!("evidence file {sha256} in the folder: {why}"));
    let count = envelope::open_chunk(&folder.read_evidence(sha256, "count")?, uid, secret, sha256, u64::MAX).map_err(|e| bad(e.to_string()))?;
    let count: u64 = String::from_utf8_lossy(&count).parse().map_err(|_| bad("its count is damaged".into()))?;
    let mut hasher = Sha256::new();
    let mut chunks = Vec::new();
    for n in 0..count {
        let chunk = envelope::open_chunk(&folder.read_evidence(sha256, &format!("{n:06}"))?, uid, secret, sha256, n).map_err(|e| bad(e.to_string()))?;
        hasher.update(&chunk);
        chunks.push(chunk);
    }
    if hex::encode(hasher.finalize()) != sha256 {
        return Err(bad("its bytes do not hash to it".into()));
    }
    Ok(chunks)
}

/// Why a change of copy `other` that admission refuses was not what Tickmark sends. When another
/// copy has the same number (two copies that joined at once through a folder that does not
/// lock, such as cloud storage, and drew the same), that is the likelier cause: their work is
/// numbered alike, so no copy can hold both's.
fn refused_because(other: &str, own: &str, held: &BTreeMap<String, Vec<u64>>) -> String {
    let twin = std::iter::once(own).chain(held.keys().map(String::as_str)).find(|c| *c != other && copy_index(c) == copy_index(other));
    match twin {
        None => "it was written outside Tickmark, or by a newer Tickmark than this copy's".to_owned(),
        Some(twin) => format!(
            "{} has the same number ({:04x}): the two joined at once through a folder that does not lock, so no copy can hold the work of both. The team keeps one of them and makes the other again with join, entering again there what was done in it",
            if twin == own { "this copy".to_owned() } else { format!("copy {twin}") },
            copy_index(other)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, entity: &str, entity_id: i64, state: serde_json::Value) -> merge::Entry {
        let nothing = serde_json::Value::Null;
        merge::Entry { action: action.into(), entity: entity.into(), entity_id, state, removal: false, before: nothing, hash: String::new(), own_hash: true, signature: None, at: String::new(), actor: String::new(), seq: 0, clock: 0 }
    }

    /// A change that did many things is named by its first three and how many more, each row
    /// by the control it belongs to (through its sample, for a result), by reference.
    #[test]
    fn a_change_that_went_out_is_named_by_what_it_did() {
        use serde_json::json;
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE control (id INTEGER PRIMARY KEY, reference TEXT); INSERT INTO control VALUES (3, 'CC6.1');
                            CREATE TABLE sample (id INTEGER PRIMARY KEY, control_id INTEGER); INSERT INTO sample VALUES (8, 3);").unwrap();
        let entries = [
            entry("add", "control", 3, json!({ "reference": "CC6.1" })),
            entry("add", "attribute", 4, json!({ "control_id": 3 })),
            entry("record", "test_result", 5, json!({ "sample_id": 8 })),
            entry("add", "attribute", 6, json!({ "control_id": 3 })),
            entry("take", "assignment", 3, json!({})),
            entry("raise", "review_note", 9, json!({ "control_id": 77 })),
        ];
        let line = |entries: &[merge::Entry]| sent_line(&conn, 7, "TW", entries).unwrap();
        assert_eq!(line(&entries[..1]), "change 7 by TW: add control CC6.1");
        assert_eq!(line(&entries[..3]), "change 7 by TW: add control CC6.1; add attribute 4 (CC6.1); record test result 5 (CC6.1)");
        assert_eq!(line(&entries[..4]), "change 7 by TW: add control CC6.1; add attribute 4 (CC6.1); record test result 5 (CC6.1); and 1 more");
        assert_eq!(line(&entries[4..]), "change 7 by TW: take assignment 3 (CC6.1); raise review note 9", "a control not here is not named");
        let member = [entry("register key", "team_member", 4, json!({ "initials": "TW", "public_key": "ab" }))];
        assert_eq!(line(&member), "change 7 by TW: register key TW", "a member by their initials");
    }
}
