//! Checking an archive bag years later. Without the passphrase: every payload and tag file
//! against the manifests, the Payload-Oxum, the bag-info fields and the JSON index. With it:
//! the engagement file inside opens, its trail verifies, and its head and completion date are
//! the ones bag-info records. The zip is read in place; only the (encrypted) engagement file is
//! copied out, to a temporary file, because SQLite needs a file to open.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};
use zip::ZipArchive;

use super::bag::{zip_error, IndexEntry, BAGIT_TXT, INDEX};
use crate::error::{Error, Result};
use crate::store::EngagementFile;
use crate::verify::Verification;

const REQUIRED_INFO: &[&str] = &["Client", "Completion-Date", "Trail-Head", "Payload-Oxum"];

#[derive(Debug, Clone)]
pub struct ArchiveCheck {
    pub payload_files: usize,
    pub payload_bytes: u64,
    pub info: BTreeMap<String, String>,
    /// The engagement file's own verification, when a passphrase was given.
    pub trail: Option<Verification>,
    pub problems: Vec<String>,
}

impl ArchiveCheck {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty() && self.trail.as_ref().is_none_or(Verification::is_intact)
    }
}

fn sha256_of(reader: &mut impl Read) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(reader, &mut hasher)?;
    Ok((hex::encode(hasher.finalize()), bytes))
}

/// "hash  path" lines as path → hash.
fn parse_manifest(text: &str) -> BTreeMap<String, String> {
    text.lines().filter_map(|line| line.split_once(char::is_whitespace)).map(|(hash, path)| (path.trim().to_owned(), hash.to_lowercase())).collect()
}

pub fn verify_archive(bag_zip: &Path, passphrase: Option<&str>) -> Result<ArchiveCheck> {
    let io = |source| Error::Io { path: bag_zip.to_owned(), source };
    let not_a_bag = |detail: String| Error::invalid("archive", format!("{}: not a Tickmark archive bag ({detail})", bag_zip.display()));
    let mut zip = ZipArchive::new(File::open(bag_zip).map_err(io)?).map_err(|e| not_a_bag(e.to_string()))?;
    let root = zip
        .file_names()
        .filter_map(std::result::Result::ok)
        .find_map(|name| name.strip_suffix("/bagit.txt").filter(|root| !root.contains('/')).map(str::to_owned))
        .ok_or_else(|| not_a_bag("no bagit.txt at the top of the bag".into()))?;
    let mut read_tag = |name: &str| -> Result<String> {
        let mut text = String::new();
        zip.by_name(&format!("{root}/{name}")).map_err(|_| not_a_bag(format!("{name} is missing")))?.read_to_string(&mut text).map_err(io)?;
        Ok(text)
    };
    let bagit = read_tag("bagit.txt")?;
    let bag_info = read_tag("bag-info.txt")?;
    let manifest = parse_manifest(&read_tag("manifest-sha256.txt")?);
    let tag_manifest = parse_manifest(&read_tag("tagmanifest-sha256.txt")?);
    let mut problems = Vec::new();
    if bagit != BAGIT_TXT {
        problems.push("bagit.txt does not declare BagIt 1.0 in UTF-8".to_owned());
    }

    // Every file in the zip, hashed where it lies.
    let mut actual: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let prefix = format!("{root}/");
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(zip_error)?;
        if file.is_dir() {
            continue;
        }
        let name = String::from_utf8_lossy(file.name_raw()).into_owned();
        match name.strip_prefix(&prefix).map(str::to_owned) {
            Some(path) => {
                let hashed = sha256_of(&mut file).map_err(io)?;
                actual.insert(path, hashed);
            }
            None => problems.push(format!("{name} lies outside the bag's folder")),
        }
    }

    let mut check_against = |listed: &BTreeMap<String, String>, which: &str, actual: &BTreeMap<String, (String, u64)>| {
        for (path, hash) in listed {
            match actual.get(path) {
                None => problems.push(format!("{path} is listed in {which} but missing from the bag")),
                Some((found, _)) if found != hash => problems.push(format!("{path} was changed: its SHA-256 no longer matches {which}")),
                Some(_) => {}
            }
        }
    };
    check_against(&manifest, "manifest-sha256.txt", &actual);
    check_against(&tag_manifest, "tagmanifest-sha256.txt", &actual);
    for path in actual.keys() {
        if path.starts_with("data/") && !manifest.contains_key(path) {
            problems.push(format!("{path} is in the bag but not in manifest-sha256.txt"));
        }
    }

    let info: BTreeMap<String, String> =
        bag_info.lines().filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())).collect();
    for label in REQUIRED_INFO {
        if info.get(*label).is_none_or(String::is_empty) {
            problems.push(format!("bag-info.txt lacks {label}"));
        }
    }
    let payload: Vec<(&String, &(String, u64))> = actual.iter().filter(|(p, _)| p.starts_with("data/")).collect();
    let payload_bytes: u64 = payload.iter().map(|(_, (_, size))| size).sum();
    let oxum = format!("{payload_bytes}.{}", payload.len());
    if info.get("Payload-Oxum").is_some_and(|o| *o != oxum) {
        problems.push(format!("Payload-Oxum says {} but the payload holds {oxum} (bytes.files)", info["Payload-Oxum"]));
    }

    let index: Vec<IndexEntry> = match actual.get(INDEX) {
        None => {
            problems.push(format!("{INDEX} is missing"));
            Vec::new()
        }
        Some(_) => {
            let mut text = String::new();
            zip.by_name(&format!("{root}/{INDEX}")).map_err(zip_error)?.read_to_string(&mut text).map_err(io)?;
            serde_json::from_str(&text).unwrap_or_else(|e| {
                problems.push(format!("{INDEX} cannot be read: {e}"));
                Vec::new()
            })
        }
    };
    for entry in &index {
        match actual.get(&entry.path) {
            Some((sha256, size)) if *sha256 == entry.sha256 && *size == entry.size => {}
            Some(_) => problems.push(format!("{} does not match its entry in {INDEX}", entry.path)),
            None => problems.push(format!("{} is listed in {INDEX} but missing from the bag", entry.path)),
        }
    }
    for (path, _) in &payload {
        if path.as_str() != INDEX && !index.iter().any(|e| &e.path == *path) {
            problems.push(format!("{path} is not listed in {INDEX}"));
        }
    }

    let trail = match passphrase {
        None => None,
        Some(passphrase) => Some(check_engagement_file(&mut zip, &root, &index, &info, passphrase, &mut problems)?),
    };
    Ok(ArchiveCheck { payload_files: payload.len(), payload_bytes, info, trail, problems })
}

/// Opens a temporary copy of the engagement file inside the bag and checks it against itself
/// and against what bag-info and the index say of it.
fn check_engagement_file(
    zip: &mut ZipArchive<File>,
    root: &str,
    index: &[IndexEntry],
    info: &BTreeMap<String, String>,
    passphrase: &str,
    problems: &mut Vec<String>,
) -> Result<Verification> {
    let entry = index
        .iter()
        .find(|e| e.kind == "engagement_file")
        .ok_or_else(|| Error::invalid("archive", format!("{INDEX} lists no engagement file")))?;
    let dir = tempfile::tempdir().map_err(|source| Error::Io { path: std::env::temp_dir(), source })?;
    let copy = dir.path().join("engagement.tickmark");
    {
        let mut out = File::create(&copy).map_err(|source| Error::Io { path: copy.clone(), source })?;
        let mut inner = zip.by_name(&format!("{root}/{}", entry.path)).map_err(zip_error)?;
        std::io::copy(&mut inner, &mut out).map_err(|source| Error::Io { path: copy.clone(), source })?;
    }
    let file = EngagementFile::open(&copy, passphrase)?;
    let verification = file.verify()?;
    if info.get("Trail-Head") != Some(&verification.head) {
        problems.push(format!(
            "the engagement file's trail ends at {} but bag-info.txt records {}",
            verification.head,
            info.get("Trail-Head").map_or("nothing", String::as_str)
        ));
    }
    let completed = file.completed_on()?.map(|d| d.to_string());
    if info.get("Completion-Date") != completed.as_ref() {
        problems.push("the engagement file's completion date is not the one bag-info.txt records".to_owned());
    }
    let recorded: BTreeMap<i64, String> = file.evidence()?.into_iter().map(|e| (e.id, e.sha256)).collect();
    for e in index.iter().filter(|e| e.kind == "evidence") {
        if e.evidence_id.and_then(|id| recorded.get(&id)) != Some(&e.sha256) {
            problems.push(format!("{} is not the evidence file the engagement recorded", e.path));
        }
    }
    file.close()?;
    Ok(verification)
}
