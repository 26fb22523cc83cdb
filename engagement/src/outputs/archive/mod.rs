//! The firm's archive copy of a completed engagement: a BagIt bag (RFC 8493), zipped, holding
//! the report draft, every workpaper, the sample exports and the evidence as files a person can
//! open without Tickmark, beside the encrypted engagement file itself and an index of all of
//! them. bag-info.txt names the client, the period, the completion date and the trail's head,
//! so a bag can be tied to the file it came from years later.

mod bag;
mod check;
pub mod paths;

use std::cell::Cell;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::Examination;
use crate::progress::{cancelled, CountingWriter, Progress};
use crate::store::EngagementFile;

pub use bag::IndexEntry;
pub use check::{verify_archive, ArchiveCheck};
use bag::{BagWriter, INDEX};
use paths::NameSet;

/// What was written, for the person who asked.
#[derive(Debug, Clone)]
pub struct ArchiveSummary {
    pub files: usize,
    pub bytes: u64,
    pub trail_head: String,
}

impl EngagementFile {
    /// Writes the archive bag to `out`, which must not exist yet, reporting the bytes written.
    /// Written by someone signed in with their personal key, the bag carries their signature
    /// of its tag manifest.
    /// Only a completed engagement is archived: the archive is the record as completed. A
    /// failure or a cancellation removes the partial file.
    pub fn archive(&self, out: &Path, progress: Progress) -> Result<ArchiveSummary> {
        let completed_on = self
            .completed_on()?
            .ok_or_else(|| Error::invalid("completion", "complete the documentation before archiving; the archive is the record as completed"))?;
        let io = |source| Error::Io { path: out.to_owned(), source };
        if out.exists() {
            return Err(Error::AlreadyExists { path: out.to_owned() });
        }
        // Written under a temporary name beside the target (owner-only, as tempfile makes it)
        // and renamed when whole: a killed archive never leaves a partial bag under the final
        // name, and a failed one removes its temporary file.
        let folder = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".partial").tempfile_in(folder).map_err(io)?;
        let target = temp.as_file().try_clone().map_err(io)?;
        let stopped = Cell::new(false);
        let written = self.write_bag(CountingWriter::new(BufWriter::with_capacity(1 << 20, target), progress, &stopped), out, completed_on);
        match written {
            Ok(summary) => {
                temp.as_file().sync_all().map_err(io)?;
                temp.persist_noclobber(out).map_err(|e| match e.error.kind() {
                    std::io::ErrorKind::AlreadyExists => Error::AlreadyExists { path: out.to_owned() },
                    _ => io(e.error),
                })?;
                Ok(summary)
            }
            Err(e) => Err(if stopped.get() { cancelled(format!("writing the archive {}", out.display())) } else { e }),
        }
    }

    fn write_bag(&self, target: CountingWriter<BufWriter<File>>, out: &Path, completed_on: chrono::NaiveDate) -> Result<ArchiveSummary> {
        let info = self.info()?;
        let root = paths::safe_name(&out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
        let mut bag = BagWriter::new(target, &root);
        let mut index = Vec::new();
        let entry = |path: String, (sha256, size): (String, u64), kind: &str, control: Option<&str>| IndexEntry {
            path,
            sha256,
            size,
            kind: kind.to_owned(),
            control: control.map(str::to_owned),
            original_name: None,
            evidence_id: None,
        };

        let path = "data/report/draft-report.pdf".to_owned();
        index.push(entry(path.clone(), bag.add_bytes(&path, &self.report_pdf()?)?, "report", None));

        let mut workpapers = NameSet::default();
        for control in self.controls()? {
            let path = format!("data/workpapers/{}", workpapers.claim(&format!("{}.pdf", control.reference)));
            index.push(entry(path.clone(), bag.add_bytes(&path, &self.workpaper_pdf(control.id)?)?, "workpaper", Some(&control.reference)));
        }

        let path = "data/exports/samples.xlsx".to_owned();
        index.push(entry(path.clone(), bag.add_bytes(&path, &self.samples_xlsx()?)?, "sample_export", None));
        for (name, bytes) in self.samples_csv()? {
            let path = format!("data/exports/csv/{name}");
            index.push(entry(path.clone(), bag.add_bytes(&path, &bytes)?, "sample_export", None));
        }

        let controls: std::collections::HashMap<i64, String> = self.controls()?.into_iter().map(|c| (c.id, c.reference)).collect();
        let mut evidence_names = NameSet::default();
        for evidence in self.evidence()? {
            let path = format!("data/evidence/{}", evidence_names.claim(&evidence.name));
            let written = bag.add(&path, evidence.size as u64, |mut out| self.write_evidence(evidence.id, &mut out))?;
            if written.0 != evidence.sha256 {
                return Err(Error::Damaged {
                    path: self.path().to_owned(),
                    detail: format!("evidence file \"{}\" no longer matches the SHA-256 recorded when it was attached; run verify", evidence.name),
                });
            }
            let control = evidence.control_id.and_then(|id| controls.get(&id)).map(String::as_str);
            index.push(IndexEntry { original_name: Some(evidence.name.clone()), evidence_id: Some(evidence.id), ..entry(path, written, "evidence", control) });
        }

        let trail_head = crate::trail::last_hash(self.conn())?;
        let trail_entries = self.trail(None)?.len();
        let path = format!("data/engagement/{}", paths::safe_name(&self.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()));
        let written = self.copy_encrypted_file(&mut bag, &path)?;
        index.push(entry(path, written, "engagement_file", None));

        bag.add_bytes(INDEX, &serde_json::to_vec_pretty(&index)?)?;

        let (period_label, period) = match info.examination {
            Examination::Type1 { as_of } => ("As-Of-Date", as_of.to_string()),
            Examination::Type2 { period_start, period_end } => ("Period", format!("{period_start} to {period_end}")),
        };
        let files = index.len() + 1;
        let bytes = index.iter().map(|e| e.size).sum();
        let out_file = bag
            .finish(&[
                ("Source-Organization", info.client.clone()),
                ("External-Description", format!("{} — {}: archive of the engagement file as completed", info.client, info.examination.describe())),
                ("Bagging-Date", chrono::Local::now().date_naive().to_string()),
                ("Bag-Software-Agent", format!("Tickmark {}", env!("CARGO_PKG_VERSION"))),
                ("Client", info.client.clone()),
                ("System", info.system.clone()),
                (period_label, period),
                ("Completion-Date", completed_on.to_string()),
                ("Engagement-Id", info.id.clone()),
                ("Trail-Head", trail_head.clone()),
                ("Trail-Entries", trail_entries.to_string()),
            ], self.signer())?;
        out_file.into_inner().into_inner().map_err(|e| Error::Io { path: out.to_owned(), source: e.into_error() })?.sync_all().map_err(|source| Error::Io { path: out.to_owned(), source })?;
        Ok(ArchiveSummary { files, bytes, trail_head })
    }

    /// Streams the encrypted file's own bytes into the bag. A checkpoint first moves every
    /// committed page from the WAL into the file; the exclusive lock this handle holds, and the
    /// `&self` borrow that rules out our own writes, keep it unchanged while it is read.
    fn copy_encrypted_file<W: Write + std::io::Seek>(&self, bag: &mut BagWriter<W>, path: &str) -> Result<(String, u64)> {
        let busy: i64 = self.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            return Err(Error::InUse { path: self.path().to_owned() });
        }
        let io = |source| Error::Io { path: self.path().to_owned(), source };
        let mut source = File::open(self.path()).map_err(io)?;
        let size = source.metadata().map_err(io)?.len();
        bag.add(path, size, |out| std::io::copy(&mut source, out).map(drop).map_err(io))
    }
}
