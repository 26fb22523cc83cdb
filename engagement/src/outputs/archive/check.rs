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

use super::bag::{zip_error, BagSignature, IndexEntry, BAGIT_TXT, INDEX, SIGNATURE, TAG_FILES};
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
    /// Who signed the bag's tag manifest, with their key's fingerprint; none for an unsigned bag.
    pub signer: Option<(String, String)>,
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

/// The names in the zip's central directory, as written, duplicates included: zip readers keep
/// one entry per name, so a second entry of the same name (a forged copy placed first, say)
/// would otherwise go unseen.
fn central_directory_names(path: &Path) -> std::io::Result<Vec<String>> {
    use std::io::{Seek, SeekFrom};
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let tail_len = len.min(65_557);
    file.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    file.read_exact(&mut tail)?;
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "no end of central directory");
    let eocd = tail.windows(4).rposition(|w| w == [0x50, 0x4b, 0x05, 0x06]).ok_or_else(bad)?;
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as u64;
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap()) as u64;
    let u64_at = |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap());
    let (mut size, mut offset) = (u32_at(&tail, eocd + 12), u32_at(&tail, eocd + 16));
    if (size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF) && eocd >= 20 && tail[eocd - 20..eocd - 16] == [0x50, 0x4b, 0x06, 0x07] {
        let zip64 = u64_at(&tail, eocd - 20 + 8);
        let mut record = [0u8; 56];
        file.seek(SeekFrom::Start(zip64))?;
        file.read_exact(&mut record)?;
        (size, offset) = (u64_at(&record, 40), u64_at(&record, 48));
    }
    let mut directory = vec![0u8; usize::try_from(size).map_err(|_| bad())?];
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(&mut directory)?;
    let mut names = Vec::new();
    let mut at = 0;
    while at + 46 <= directory.len() && directory[at..at + 4] == [0x50, 0x4b, 0x01, 0x02] {
        let (name_len, extra_len, comment_len) = (u16_at(&directory, at + 28) as usize, u16_at(&directory, at + 30) as usize, u16_at(&directory, at + 32) as usize);
        let name = directory.get(at + 46..at + 46 + name_len).ok_or_else(bad)?;
        names.push(String::from_utf8_lossy(name).into_owned());
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(names)
}

/// "hash  path" lines as path → hash.
fn parse_manifest(text: &str) -> BTreeMap<String, String> {
    text.lines().filter_map(|line| line.split_once(char::is_whitespace)).map(|(hash, path)| (path.trim().to_owned(), hash.to_lowercase())).collect()
}

/// Checks the bag at `bag_zip`. `trusted` holds the public keys (hex) whose signature the firm
/// accepts; when it is not empty, a bag signed by anyone else, or not signed, is a mismatch.
pub fn verify_archive(bag_zip: &Path, passphrase: Option<&str>, trusted: &[String]) -> Result<ArchiveCheck> {
    let io = |source| Error::Io { path: bag_zip.to_owned(), source };
    let not_a_bag = |detail: String| Error::invalid("archive", format!("{}: not a Tickmark archive bag ({detail})", bag_zip.display()));
    let mut zip = ZipArchive::new(File::open(bag_zip).map_err(io)?).map_err(|e| not_a_bag(e.to_string()))?;
    let root = zip
        .file_names()
        .filter_map(std::result::Result::ok)
        .find_map(|name| name.strip_suffix("/bagit.txt").filter(|root| !root.contains('/')).map(str::to_owned))
        .ok_or_else(|| not_a_bag("no bagit.txt at the top of the bag".into()))?;
    let mut read_tag = |name: &str| -> Result<Option<String>> {
        let mut text = String::new();
        match zip.by_name(&format!("{root}/{name}")) {
            Err(_) => Ok(None),
            Ok(mut file) => {
                file.read_to_string(&mut text).map_err(io)?;
                Ok(Some(text))
            }
        }
    };
    let mut required = |name: &str| read_tag(name)?.ok_or_else(|| not_a_bag(format!("{name} is missing")));
    let bagit = required("bagit.txt")?;
    let bag_info = required("bag-info.txt")?;
    let manifest = parse_manifest(&required("manifest-sha256.txt")?);
    let tag_manifest_text = required("tagmanifest-sha256.txt")?;
    let tag_manifest = parse_manifest(&tag_manifest_text);
    let signature_text = read_tag(SIGNATURE)?;
    let mut problems = Vec::new();
    if bagit != BAGIT_TXT {
        problems.push("bagit.txt does not declare BagIt 1.0 in UTF-8".to_owned());
    }

    // Every file in the zip, hashed where it lies; names that escape the bag, repeat, or are
    // tag files the bag does not declare are refused, and a damaged entry is named.
    let mut actual: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let prefix = format!("{root}/");
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(zip_error)?;
        if file.is_dir() {
            continue;
        }
        let name = String::from_utf8_lossy(file.name_raw()).into_owned();
        let escapes = name.starts_with('/') || name.contains('\\') || name.split('/').any(|part| part == ".." || part == ".");
        match name.strip_prefix(&prefix).map(str::to_owned) {
            _ if escapes => problems.push(format!("{name} escapes the bag's folder")),
            Some(path) => {
                if actual.contains_key(&path) {
                    problems.push(format!("{path} appears twice in the zip"));
                    continue;
                }
                if !path.contains('/') && !TAG_FILES.contains(&path.as_str()) {
                    problems.push(format!("{path} is a tag file the bag does not declare"));
                }
                match sha256_of(&mut file) {
                    Ok(hashed) => {
                        actual.insert(path, hashed);
                    }
                    Err(e) => problems.push(format!("{path} cannot be read: its bytes are damaged ({e})")),
                }
            }
            None => problems.push(format!("{name} lies outside the bag's folder")),
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for name in central_directory_names(bag_zip).map_err(io)? {
        if !seen.insert(name.clone()) {
            problems.push(format!("{} appears twice in the zip", name.strip_prefix(&prefix).unwrap_or(&name)));
        }
    }
    for name in actual.keys().filter(|p| !p.contains('/') && p.as_str() != SIGNATURE && p.as_str() != "tagmanifest-sha256.txt") {
        if !tag_manifest.contains_key(name) {
            problems.push(format!("{name} is not listed in tagmanifest-sha256.txt"));
        }
    }
    let signer = match signature_text.filter(|_| actual.contains_key(SIGNATURE)) {
        None => {
            if !trusted.is_empty() {
                problems.push("the bag is not signed, and a signature by one of the trusted keys was required".to_owned());
            }
            None
        }
        Some(text) => {
            match serde_json::from_str::<BagSignature>(&text) {
                Err(e) => {
                    problems.push(format!("{SIGNATURE} cannot be read: {e}"));
                    None
                }
                Ok(sig) => {
                    if !crate::keys::verify(&sig.public_key, tag_manifest_text.as_bytes(), &sig.signature) {
                        problems.push(format!("{SIGNATURE}: the signature is not {}'s signature of the tag manifest", sig.initials));
                    }
                    if !trusted.is_empty() && !trusted.iter().any(|k| k.trim().eq_ignore_ascii_case(&sig.public_key)) {
                        problems.push(format!("the bag is signed by {} ({}), whose key is not among the trusted keys", sig.name, crate::keys::fingerprint(&sig.public_key)));
                    }
                    Some((format!("{} ({})", sig.name, sig.initials), sig.public_key))
                }
            }
        }
    };

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
        Some(passphrase) => Some(check_engagement_file(&mut zip, &root, &index, &info, signer.as_ref().map(|(_, k)| k.as_str()), passphrase, &mut problems)?),
    };
    let signer = signer.map(|(who, key)| (who, crate::keys::fingerprint(&key)));
    Ok(ArchiveCheck { payload_files: payload.len(), payload_bytes, info, trail, signer, problems })
}

/// Opens a temporary copy of the engagement file inside the bag and checks it against itself
/// and against what bag-info and the index say of it.
fn check_engagement_file(
    zip: &mut ZipArchive<File>,
    root: &str,
    index: &[IndexEntry],
    info: &BTreeMap<String, String>,
    signer: Option<&str>,
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
    // Everything the file records is in the bag, and bag-info says what the file says.
    for e in file.evidence()? {
        if !index.iter().any(|x| x.kind == "evidence" && x.evidence_id == Some(e.id)) {
            problems.push(format!("{} ({}) is recorded in the engagement file but missing from the bag", e.reference(), e.name));
        }
    }
    for c in file.controls()? {
        if !index.iter().any(|x| x.kind == "workpaper" && x.control.as_deref() == Some(c.reference.as_str())) {
            problems.push(format!("the workpaper of {} is missing from the bag", c.reference));
        }
    }
    let facts = file.info()?;
    let period = match facts.examination {
        crate::model::Examination::Type1 { as_of } => ("As-Of-Date", as_of.to_string()),
        crate::model::Examination::Type2 { period_start, period_end } => ("Period", format!("{period_start} to {period_end}")),
    };
    for (label, value) in [("Client", facts.client.clone()), ("System", facts.system.clone()), (period.0, period.1), ("Engagement-Id", facts.id.clone())] {
        if info.get(label) != Some(&value) {
            problems.push(format!("bag-info.txt's {label} is not what the engagement file records ({value})"));
        }
    }
    if let Some(signer) = signer {
        if !facts.team.iter().any(|m| m.public_key.as_deref() == Some(signer)) {
            problems.push("the bag's signer is not a member of the engagement's team".to_owned());
        }
    }
    file.close()?;
    Ok(verification)
}
