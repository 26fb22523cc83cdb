//! Evidence files live inside the encrypted engagement file, in chunks, so a 500 MB file is
//! written and read a chunk at a time and never sits whole in memory or in a plaintext temp file.

use std::io::{Read, Write};
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::store::EngagementFile;

const CHUNK: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Evidence {
    pub id: i64,
    /// The index number workpapers cite it by: EV-1, EV-2, …
    pub number: i64,
    pub request_id: Option<i64>,
    pub control_id: Option<i64>,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    pub received_on: NaiveDate,
}

impl Evidence {
    /// "EV-3": how workpapers and the grid cite the file.
    pub fn reference(&self) -> String {
        format!("EV-{}", self.number)
    }
}

impl EngagementFile {
    /// Copies the file at `source` into the engagement, recording its name, size and SHA-256,
    /// reporting the bytes stored after each chunk; a cancelled attach stores nothing. A file
    /// attached to a control is part of its workpaper, so a workpaper the reviewer has signed
    /// takes none until the sign-off is withdrawn, as for every other part of it; after
    /// completion, an addendum may attach late evidence to it (the sign-off then shows the work
    /// changed since signed).
    pub fn attach_evidence(
        &mut self,
        source: &Path,
        request_id: Option<i64>,
        control_id: Option<i64>,
        received_on: NaiveDate,
        progress: Progress,
    ) -> Result<i64> {
        let io = |source_err| Error::Io { path: source.to_owned(), source: source_err };
        let name = source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::invalid("evidence", format!("{} is not a file", source.display())))?;
        let mut reader = std::fs::File::open(source).map_err(io)?;
        self.write(|w| {
            let tx = w.tx();
            if let (Some(control), false) = (control_id, w.in_addendum) {
                crate::signoff::ensure_unlocked(tx, control)?;
            }
            tx.execute(
                "INSERT INTO evidence (request_id, control_id, name, size, sha256, received_on, number, id)
                 VALUES (?1, ?2, ?3, 0, '', ?4, (SELECT coalesce(max(coalesce(number, id)), 0) + 1 FROM evidence), ?5)",
                params![request_id, control_id, name, received_on.to_string(), w.new_id("evidence")?],
            )?;
            let id = tx.last_insert_rowid();
            let mut hasher = Sha256::new();
            let mut size = 0i64;
            let mut buf = vec![0u8; CHUNK];
            let mut insert = tx.prepare("INSERT INTO evidence_chunk (evidence_id, seq, data) VALUES (?1, ?2, ?3)")?;
            for seq in 0.. {
                let n = read_full(&mut reader, &mut buf).map_err(io)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                insert.execute(params![id, seq, &buf[..n]])?;
                size += n as i64;
                if !progress(size as u64) {
                    return Err(crate::progress::cancelled(format!("attaching {name}")));
                }
            }
            tx.execute("UPDATE evidence SET size = ?2, sha256 = ?3 WHERE id = ?1", params![id, size, hex::encode(hasher.finalize())])?;
            w.record("attach", "evidence", id, None)?;
            Ok(id)
        })
    }

    pub fn evidence(&self) -> Result<Vec<Evidence>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, request_id, control_id, name, size, sha256, received_on, coalesce(number, id) FROM evidence ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Evidence {
                id: r.get(0)?,
                request_id: r.get(1)?,
                control_id: r.get(2)?,
                name: r.get(3)?,
                size: r.get(4)?,
                sha256: r.get(5)?,
                received_on: r.get::<_, String>(6)?.parse().unwrap_or_default(),
                number: r.get(7)?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
    }

    /// Writes a copy of an evidence file into `folder` for the auditor to look at in another
    /// program, readable by this user only. The copy is plaintext by necessity: the caller
    /// removes it (`ViewingCopies`) when the auditor is done, when the file closes, or at exit.
    pub fn write_viewing_copy(&self, id: i64, folder: &Path) -> Result<std::path::PathBuf> {
        let evidence = self.evidence()?.into_iter().find(|e| e.id == id).ok_or_else(|| Error::NotFound(format!("evidence {id}")))?;
        let path = folder.join(format!("{id}-{}", crate::archive::paths::safe_name(&evidence.name)));
        let io = |source| Error::Io { path: path.clone(), source };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut out = match options.open(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(path),
            opened => std::io::BufWriter::new(opened.map_err(io)?),
        };
        let written = self.write_evidence(id, &mut out).and_then(|()| out.flush().map_err(io));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        Ok(path)
    }

    /// Streams an evidence file's bytes to `out`, for an export the user asked for.
    pub fn write_evidence(&self, id: i64, out: &mut impl Write) -> Result<()> {
        for_each_chunk(self.conn(), id, |data| out.write_all(data).map_err(|source| Error::Io { path: "evidence".into(), source }))
    }
}

pub(crate) fn for_each_chunk(conn: &Connection, id: i64, mut f: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare("SELECT data FROM evidence_chunk WHERE evidence_id = ?1 ORDER BY seq")?;
    let mut rows = stmt.query([id])?;
    while let Some(row) = rows.next()? {
        f(row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?)?;
    }
    Ok(())
}

fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Every evidence file whose bytes no longer hash to what was recorded when it was attached.
pub(crate) fn verify_all(conn: &Connection) -> Result<Vec<String>> {
    let recorded: Vec<(i64, String, i64, String)> = conn
        .prepare("SELECT id, name, size, sha256 FROM evidence ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut problems = Vec::new();
    for (id, name, size, sha256) in recorded {
        let mut hasher = Sha256::new();
        let mut actual = 0i64;
        for_each_chunk(conn, id, |data| {
            hasher.update(data);
            actual += data.len() as i64;
            Ok(())
        })?;
        if actual != size || hex::encode(hasher.finalize()) != sha256 {
            problems.push(format!("evidence file \"{name}\" (evidence {id}) does not match the SHA-256 recorded when it was attached"));
        }
    }
    Ok(problems)
}
