//! Writing a BagIt bag (RFC 8493) straight into a zip: every payload file is hashed as it is
//! streamed into the archive, and the manifests and bag-info follow once the payload is known.
//! Nothing is staged in a folder, so no plaintext copy of the client's files touches the disk.

use std::io::{Seek, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::error::{Error, Result};

pub(crate) const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
pub(crate) const INDEX: &str = "data/index.json";
/// The detached signature of `tagmanifest-sha256.txt` by the person who wrote the bag: a tag
/// file the tag manifest cannot list, since it signs it.
pub(crate) const SIGNATURE: &str = "tagmanifest-sha256.txt.sig";
/// The tag files a Tickmark bag holds at its root; anything else there is refused.
pub(crate) const TAG_FILES: &[&str] = &["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", SIGNATURE];

/// What the signature file holds.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct BagSignature {
    pub initials: String,
    pub name: String,
    pub public_key: String,
    /// Ed25519 signature (hex) of the bytes of `tagmanifest-sha256.txt`.
    pub signature: String,
}

/// A payload file as `data/index.json` lists it, so a person can tell what each file is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// Relative to the bag, e.g. `data/evidence/invoice.pdf`.
    pub path: String,
    pub sha256: String,
    pub size: u64,
    /// `report`, `workpaper`, `sample_export`, `evidence` or `engagement_file`.
    pub kind: String,
    /// The control a workpaper or evidence file belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    /// An evidence file's name as the client gave it, before it was made safe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_id: Option<i64>,
}

pub(crate) struct BagWriter<W: Write + Seek> {
    zip: ZipWriter<W>,
    root: String,
    written: zip::DateTime,
    /// (path in the bag, SHA-256, bytes) of every payload file, in the order written.
    payload: Vec<(String, String, u64)>,
}

/// Passes bytes on to the zip while hashing and counting them.
struct Hashing<'a, W: Write> {
    inner: &'a mut W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

pub(crate) fn zip_error(e: zip::result::ZipError) -> Error {
    Error::Io { path: "archive".into(), source: std::io::Error::other(e) }
}

impl<W: Write + Seek> BagWriter<W> {
    pub fn new(out: W, root: &str) -> Self {
        use chrono::{Datelike, Timelike};
        let now = chrono::Local::now().naive_local();
        let written = zip::DateTime::from_date_and_time(now.year() as u16, now.month() as u8, now.day() as u8, now.hour() as u8, now.minute() as u8, now.second() as u8)
            .unwrap_or_default();
        BagWriter { zip: ZipWriter::new(out), root: root.to_owned(), written, payload: Vec::new() }
    }

    /// Streams one file into the bag at `path` (relative to the bag), stored uncompressed, and
    /// returns its SHA-256 and size. `size_hint` above 4 GiB switches the entry to ZIP64.
    pub fn add(&mut self, path: &str, size_hint: u64, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<(String, u64)> {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(self.written)
            .large_file(size_hint >= u64::from(u32::MAX));
        self.zip.start_file(format!("{}/{path}", self.root), options).map_err(zip_error)?;
        let mut hashing = Hashing { inner: &mut self.zip, hasher: Sha256::new(), bytes: 0 };
        write(&mut hashing)?;
        let (sha256, bytes) = (hex::encode(hashing.hasher.finalize()), hashing.bytes);
        if path.starts_with("data/") {
            self.payload.push((path.to_owned(), sha256.clone(), bytes));
        }
        Ok((sha256, bytes))
    }

    pub fn add_bytes(&mut self, path: &str, bytes: &[u8]) -> Result<(String, u64)> {
        self.add(path, bytes.len() as u64, |out| out.write_all(bytes).map_err(|source| Error::Io { path: path.into(), source }))
    }

    /// Writes the tag files: bagit.txt, bag-info.txt (with `info` and the Payload-Oxum), the
    /// payload manifest, and the tag manifest over those three.
    /// Writes the tag files (and, given a key, the tag manifest's signature) and closes the zip.
    pub fn finish(mut self, info: &[(&str, String)], key: Option<&crate::keys::PersonalKey>) -> Result<W> {
        let (bytes, files) = self.payload.iter().fold((0u64, 0usize), |(b, n), (_, _, size)| (b + size, n + 1));
        let mut bag_info = String::new();
        for (label, value) in info {
            bag_info.push_str(&format!("{label}: {}\n", value.replace(['\r', '\n'], " ")));
        }
        bag_info.push_str(&format!("Payload-Oxum: {bytes}.{files}\n"));
        let manifest: String = self.payload.iter().map(|(path, sha256, _)| format!("{sha256}  {path}\n")).collect();
        let mut tag_manifest = String::new();
        for (name, text) in [("bagit.txt", BAGIT_TXT.to_owned()), ("bag-info.txt", bag_info), ("manifest-sha256.txt", manifest)] {
            let (sha256, _) = self.add_bytes(name, text.as_bytes())?;
            tag_manifest.push_str(&format!("{sha256}  {name}\n"));
        }
        self.add_bytes("tagmanifest-sha256.txt", tag_manifest.as_bytes())?;
        if let Some(key) = key {
            let signature = BagSignature { initials: key.initials.clone(), name: key.name.clone(), public_key: key.public_key(), signature: key.sign(tag_manifest.as_bytes()) };
            self.add_bytes(SIGNATURE, &serde_json::to_vec_pretty(&signature)?)?;
        }
        self.zip.finish().map_err(zip_error)
    }
}
