//! The archive bag against a forger who knows the passphrase and the BagIt format: a bag
//! rebuilt around a change, with every manifest, the Payload-Oxum and the tag manifest
//! recomputed and signed again with the forger's own key. The signature pinned to the firm's
//! keys (`--trust`) and the engagement file inside (with the passphrase) give each forgery away;
//! zip entries that escape the bag, repeat or add undeclared tag files are refused on sight, and
//! a damaged byte is named with exit 1.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

use common::workflow::{decide_opinion, test_a_control};
use common::*;
use engagement::archive::verify_archive;
use engagement::conclusion::{Conclusion, ConclusionInput};
use engagement::keys::PersonalKey;
use engagement::progress::silent;
use engagement::signoff::SignoffRole;
use engagement::EngagementFile;
use sha2::{Digest, Sha256};

/// A completed engagement with one evidence file, archived by Dana signed in with her key.
fn signed_bag(dir: &Path) -> (std::path::PathBuf, PersonalKey) {
    let (new, dana, joaquin) = keyed_team();
    let mut file = EngagementFile::create_signed(&dir.join("signed.tickmark"), PASSPHRASE, &new, Some(&dana)).unwrap();
    let t = test_a_control(&mut file);
    let evidence = dir.join("approvals.csv");
    std::fs::write(&evidence, "change,approved\nCHG1,yes\n").unwrap();
    file.attach_evidence(&evidence, None, Some(t.control), date("2026-10-01"), &mut silent).unwrap();
    file.set_conclusion(t.control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One deviation.")).unwrap();
    decide_opinion(&mut file);
    file.sign_in(&dana).unwrap();
    file.sign(t.control, SignoffRole::Preparer).unwrap();
    file.sign_in(&joaquin).unwrap();
    file.sign(t.control, SignoffRole::Reviewer).unwrap();
    file.complete(date("2026-11-15")).unwrap();
    file.sign_in(&dana).unwrap();
    let bag = dir.join("bag.zip");
    file.archive(&bag, &mut silent).unwrap();
    file.close().unwrap();
    (bag, dana)
}

/// A zip's entries in order: name and bytes.
type Entries = Vec<(String, Vec<u8>)>;

fn entries(bag: &Path) -> Entries {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(bag).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (String::from_utf8(entry.name_raw().to_vec()).unwrap(), bytes)
        })
        .collect()
}

fn write(entries: &[(String, Vec<u8>)], to: &Path) {
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for (name, bytes) in entries {
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap();
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What a careful forger does after changing the payload: the manifest, Payload-Oxum, tag
/// manifest and signature made again, the last with `key`.
fn reseal(entries: &mut Vec<(String, Vec<u8>)>, key: &PersonalKey) {
    let payload: Vec<(String, Vec<u8>)> = entries.iter().filter(|(n, _)| n.starts_with("bag/data/")).cloned().collect();
    let manifest: String = payload.iter().map(|(n, b)| format!("{}  {}\n", sha(b), n.trim_start_matches("bag/"))).collect();
    let oxum = format!("Payload-Oxum: {}.{}", payload.iter().map(|(_, b)| b.len()).sum::<usize>(), payload.len());
    let set = |entries: &mut Vec<(String, Vec<u8>)>, name: &str, bytes: Vec<u8>| entries.iter_mut().find(|(n, _)| n == name).unwrap().1 = bytes;
    set(entries, "bag/manifest-sha256.txt", manifest.into_bytes());
    let info = String::from_utf8(entries.iter().find(|(n, _)| n == "bag/bag-info.txt").unwrap().1.clone()).unwrap();
    let info: String = info.lines().map(|l| if l.starts_with("Payload-Oxum:") { format!("{oxum}\n") } else { format!("{l}\n") }).collect();
    set(entries, "bag/bag-info.txt", info.into_bytes());
    let tags: String = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"]
        .iter()
        .map(|t| format!("{}  {t}\n", sha(&entries.iter().find(|(n, _)| *n == format!("bag/{t}")).unwrap().1)))
        .collect();
    set(entries, "bag/tagmanifest-sha256.txt", tags.clone().into_bytes());
    let signature = serde_json::json!({"initials": key.initials, "name": key.name, "public_key": key.public_key(), "signature": key.sign(tags.as_bytes())});
    set(entries, "bag/tagmanifest-sha256.txt.sig", serde_json::to_vec(&signature).unwrap());
}

fn cli(bag: &Path, passphrase: Option<&str>, trust: Option<&Path>) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tickmark"));
    cmd.arg("verify-archive").arg(bag).env_remove("TICKMARK_PASSPHRASE");
    if let Some(p) = passphrase {
        cmd.env("TICKMARK_PASSPHRASE", p);
    }
    if let Some(t) = trust {
        cmd.arg("--trust").arg(t);
    }
    cmd.output().unwrap()
}

#[test]
fn a_signed_bag_names_its_signer_and_passes_only_the_keys_the_firm_trusts() {
    let dir = tempfile::tempdir().unwrap();
    let (bag, dana) = signed_bag(dir.path());
    let check = verify_archive(&bag, Some(PASSPHRASE), &[dana.public_key()]).unwrap();
    assert!(check.is_intact(), "{:?}", check.problems);
    assert_eq!(check.signer, Some(("Dana Whitfield (DW)".to_owned(), dana.fingerprint())));
    let other = PersonalKey::generate("Firm partner", "FP");
    let check = verify_archive(&bag, None, &[other.public_key()]).unwrap();
    assert!(check.problems.iter().any(|p| p.contains("whose key is not among the trusted keys")), "{:?}", check.problems);

    // The signature is a tag file the tag manifest cannot list; the BagIt validator accepts it.
    let out = Command::new("python3")
        .args(["-c", "import sys, zipfile, bagit; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2]); bagit.Bag(sys.argv[2] + '/bag').validate()"])
        .arg(&bag)
        .arg(dir.path().join("extracted"))
        .output()
        .unwrap();
    assert!(out.status.success(), "bagit validation failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let trust = dir.path().join("firm-keys.txt");
    std::fs::write(&trust, format!("# the firm's archive signers\n{}\n", dana.public_key())).unwrap();
    let out = cli(&bag, Some(PASSPHRASE), Some(&trust));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains(&format!("signed by Dana Whitfield (DW), key {}", dana.fingerprint())), "{text}");
}

#[test]
fn a_bag_rebuilt_without_an_evidence_file_and_signed_again_by_the_forger_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (bag, dana) = signed_bag(dir.path());
    let mut forged: Vec<(String, Vec<u8>)> = entries(&bag).into_iter().filter(|(n, _)| !n.starts_with("bag/data/evidence/")).collect();
    let index = forged.iter_mut().find(|(n, _)| n == "bag/data/index.json").unwrap();
    let mut listed: Vec<serde_json::Value> = serde_json::from_slice(&index.1).unwrap();
    listed.retain(|e| e["kind"] != "evidence");
    index.1 = serde_json::to_vec_pretty(&listed).unwrap();
    let mallory = PersonalKey::generate("Mallory", "MA");
    reseal(&mut forged, &mallory);
    let path = dir.path().join("forged.zip");
    write(&forged, &path);

    let blind = verify_archive(&path, None, &[]).unwrap();
    assert!(blind.is_intact(), "consistent on its face: {:?}", blind.problems);
    assert_eq!(blind.signer.as_ref().map(|s| s.0.as_str()), Some("Mallory (MA)"), "but it says who signed it");
    let pinned = verify_archive(&path, None, &[dana.public_key()]).unwrap();
    assert!(pinned.problems.iter().any(|p| p.contains("signed by Mallory") && p.contains("not among the trusted keys")), "{:?}", pinned.problems);
    let full = verify_archive(&path, Some(PASSPHRASE), &[]).unwrap();
    assert!(full.problems.iter().any(|p| p == "EV-1 (approvals.csv) is recorded in the engagement file but missing from the bag"), "{:?}", full.problems);
    assert!(full.problems.iter().any(|p| p == "the bag's signer is not a member of the engagement's team"), "{:?}", full.problems);
}

#[test]
fn bag_info_edited_and_resealed_disagrees_with_the_file_inside() {
    let dir = tempfile::tempdir().unwrap();
    let (bag, dana) = signed_bag(dir.path());
    let mut forged = entries(&bag);
    let info = forged.iter_mut().find(|(n, _)| n == "bag/bag-info.txt").unwrap();
    info.1 = String::from_utf8(info.1.clone()).unwrap().replace("Client: Northwind Payroll, Inc.", "Client: Southwind Payroll, Inc.").into_bytes();
    reseal(&mut forged, &dana);
    let path = dir.path().join("renamed.zip");
    write(&forged, &path);
    let full = verify_archive(&path, Some(PASSPHRASE), &[dana.public_key()]).unwrap();
    assert!(full.problems.iter().any(|p| p.starts_with("bag-info.txt's Client is not what the engagement file records")), "{:?}", full.problems);
}

#[test]
fn zip_entries_that_escape_repeat_or_add_undeclared_tag_files_are_refused_without_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (bag, _) = signed_bag(dir.path());
    let original = entries(&bag);
    let index = original.iter().find(|(n, _)| n == "bag/data/index.json").unwrap().clone();
    let cases: Vec<(&str, Entries, &str)> = vec![
        ("escape", [original.clone(), vec![("bag/../../evil.sh".to_owned(), b"rm -rf ~".to_vec())]].concat(), "bag/../../evil.sh escapes the bag's folder"),
        ("twice", [vec![("bag/data/indeX.json".to_owned(), index.1.clone())], original.clone()].concat(), "data/index.json appears twice in the zip"),
        ("extra-tag", [original.clone(), vec![("bag/notes.txt".to_owned(), b"trust me".to_vec())]].concat(), "notes.txt is a tag file the bag does not declare"),
    ];
    for (name, entries, problem) in cases {
        let path = dir.path().join(format!("{name}.zip"));
        write(&entries, &path);
        // A second entry of the same name, which zip writers refuse to make: renamed in place,
        // in the local header and the central directory alike.
        let bytes = std::fs::read(&path).unwrap();
        let renamed = replace_all(&bytes, b"bag/data/indeX.json", b"bag/data/index.json");
        std::fs::write(&path, renamed).unwrap();
        let check = verify_archive(&path, None, &[]).unwrap();
        assert!(check.problems.iter().any(|p| p == problem), "{name}: {:?}", check.problems);
        assert_eq!(cli(&path, None, None).status.code(), Some(1), "{name}: a mismatch exits 1");
    }
}

#[test]
fn a_damaged_byte_is_named_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let (bag, _) = signed_bag(dir.path());
    let mut bytes = std::fs::read(&bag).unwrap();
    let at = bytes.windows(15).position(|w| w == b"change,approved").expect("the evidence is stored uncompressed");
    bytes[at] ^= 0x20;
    let damaged = dir.path().join("damaged.zip");
    std::fs::write(&damaged, bytes).unwrap();
    let out = cli(&damaged, None, None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("data/evidence/approvals.csv"), "names the damaged file: {text}");
}

fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}
