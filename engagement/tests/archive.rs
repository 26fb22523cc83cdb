//! Closing the file and archiving it: completion refuses while anything is open and then locks
//! the file; addenda are recorded; the archive bag validates with the Library of Congress
//! `bagit` validator; `verify-archive` catches a changed file.

mod common;

use engagement::progress::silent;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::workflow::{conclude_and_sign, test_a_control};
use common::*;
use engagement::archive::verify_archive;
use engagement::conclusion::{Conclusion, ConclusionInput};
use engagement::signoff::SignoffRole;
use engagement::{EngagementFile, Error};

const COMPLETED: &str = "2026-11-15";

/// Evidence names as clients send them, including ones that must not be written as they are.
const EVIDENCE: &[(&str, &str, &str)] = &[
    ("a", "invoice.pdf", "first invoice"),
    ("b", "invoice.pdf", "second invoice, same name"),
    ("a", "..\\..\\escape.txt", "backslash traversal"),
    ("a", "C:\\Windows\\win.ini", "drive path"),
    ("a", "Señor Núñez – contrato.pdf", "accented name"),
    ("a", "CON.txt", "device name"),
    ("a", "report: final?.txt", "reserved characters"),
];

/// A tested control, signed by preparer (DW) and reviewer (JI), with the evidence above.
fn signed_engagement(dir: &Path) -> (EngagementFile, PathBuf) {
    let (mut file, path) = create(dir);
    let t = test_a_control(&mut file);
    for (sub, name, content) in EVIDENCE {
        let folder = dir.join("incoming").join(sub);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(name), content).unwrap();
        file.attach_evidence(&folder.join(name), None, Some(t.control), date("2026-10-01"), &mut silent).unwrap();
    }
    conclude_and_sign(&mut file, t.control);
    (file, path)
}

#[test]
fn completion_lists_every_blocker_then_locks_the_file_and_addenda_are_kept_in_the_trail() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, path) = create(dir.path());
    let t = test_a_control(&mut file);
    file.set_user("JI").unwrap();
    let note = file.raise_review_note(t.control, "Tie item 4 to the deployment log.").unwrap();

    let err = file.complete(date(COMPLETED)).unwrap_err();
    assert!(matches!(err, Error::Refused { .. }), "{err}");
    for blocker in [
        "CC8.1-01: no conclusion recorded",
        "CC8.1-01: not signed by a preparer",
        "CC8.1-01: not signed by a reviewer",
        &format!("CC8.1-01: review note {note} raised by JI is open: \"Tie item 4 to the deployment log.\""),
    ] {
        assert!(err.missing().iter().any(|m| m == blocker), "the refusal lists {blocker:?}: {:?}", err.missing());
    }

    file.set_user("DW").unwrap();
    file.set_conclusion(t.control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One deviation; the rest approved before deployment.")).unwrap();
    common::workflow::decide_opinion(&mut file);
    file.sign(t.control, SignoffRole::Preparer).unwrap();
    file.set_user("JI").unwrap();
    let err = file.sign(t.control, SignoffRole::Reviewer).unwrap_err();
    assert_eq!(err.missing(), [format!("review note {note} raised by JI is open: \"Tie item 4 to the deployment log.\"")], "an open note stops the review");
    file.clear_review_note(note).unwrap();
    file.sign(t.control, SignoffRole::Reviewer).unwrap();
    // A criterion concluded again after the partner decided: the decision no longer stands,
    // and completion waits for it to be made again.
    let criterion = file.criteria_status().unwrap().remove(0);
    file.set_user("DW").unwrap();
    let met = criterion.proposal.unwrap_or(false);
    file.conclude_criterion(&criterion.id, met, Some("Concluded again after the walkthrough was re-read.")).unwrap();
    let err = file.complete(date(COMPLETED)).unwrap_err();
    assert_eq!(err.missing(), ["the opinion PR decided no longer stands: what it rests on changed since; it must be decided again"]);
    common::workflow::decide_opinion(&mut file);
    let err = file.complete(date("2026-09-29")).unwrap_err();
    assert!(err.to_string().contains("cannot precede the end of the period, 2026-09-30"), "{err}");
    // The last day of the period is the earliest completion date there is.
    file.complete(date("2026-09-30")).unwrap();
    assert_eq!(file.completed_on().unwrap(), Some(date("2026-09-30")));

    // Closed and reopened, the file is still read-only.
    file.close().unwrap();
    let mut file = EngagementFile::open(&path, PASSPHRASE).unwrap();
    file.set_user("JI").unwrap();
    let err = file.raise_review_note(t.control, "One more thing").unwrap_err();
    assert!(matches!(err, Error::Locked { .. }), "{err}");
    assert_eq!(err.to_string(), "the engagement is locked: documentation was completed on 2026-09-30; record changes as an addendum");

    let late = dir.path().join("late-confirmation.pdf");
    std::fs::write(&late, "bank confirmation received after completion").unwrap();
    let evidence = file
        .addendum("Bank confirmation received after completion", |f| f.attach_evidence(&late, None, Some(t.control), date("2026-11-20"), &mut silent))
        .unwrap();
    assert!(file.addendum("  ", |_| Ok(())).is_err(), "an addendum needs a reason");
    let trail = file.trail(None).unwrap();
    let addendum = trail.iter().position(|e| e.action == "addendum: Bank confirmation received after completion").expect("the addendum is in the trail");
    assert_eq!(trail[addendum].actor, "JI", "the trail says who made the addendum");
    assert!(!trail[addendum].at.is_empty(), "and when");
    assert_eq!((trail[addendum + 1].action.as_str(), trail[addendum + 1].entity_id), ("attach", evidence), "the change follows its reason");
    assert!(trail[..addendum].iter().any(|e| e.action == "complete"));

    let err = file.raise_review_note(t.control, "after the addendum").unwrap_err();
    assert!(matches!(err, Error::Locked { .. }), "the file is locked again after the addendum: {err}");

    // An addendum opened (as the window does) covers every change until it is ended, each with
    // its reason ahead of it; another auditor sitting down ends it.
    file.begin_addendum("Confirmations received after completion").unwrap();
    assert_eq!(file.overview().unwrap().addendum.as_deref(), Some("Confirmations received after completion"));
    for name in ["second.pdf", "third.pdf"] {
        let late = dir.path().join(name);
        std::fs::write(&late, name).unwrap();
        file.attach_evidence(&late, None, None, date("2026-11-21"), &mut silent).unwrap();
    }
    let reasons: Vec<String> = file.trail(None).unwrap().into_iter().filter(|e| e.action == "addendum: Confirmations received after completion").map(|e| e.actor).collect();
    assert_eq!(reasons, ["JI", "JI"], "each change made in the open addendum records its reason, as JI's");
    let err = file.complete(date("2026-10-31")).unwrap_err();
    assert!(err.to_string().contains("documentation was completed on 2026-09-30; that date stands"), "{err}");
    assert_eq!(file.completed_on().unwrap(), Some(date("2026-09-30")), "not even an addendum moves the completion date");
    file.set_user("JI").unwrap();
    assert!(file.addendum_reason().is_some(), "JI choosing JI again keeps JI's addendum open");
    file.set_user("DW").unwrap();
    assert_eq!(file.addendum_reason(), None, "JI's addendum is not DW's");
    assert!(matches!(file.raise_review_note(t.control, "DW's edit").unwrap_err(), Error::Locked { .. }));
    file.begin_addendum("Typo in the conclusion").unwrap();
    file.end_addendum();
    file.sign_out();
    let err = file.begin_addendum("Nobody's").unwrap_err();
    assert!(err.to_string().contains("choose who you are"), "an addendum is somebody's: {err}");
    file.set_user("DW").unwrap();
    assert!(matches!(file.raise_review_note(t.control, "after it ended").unwrap_err(), Error::Locked { .. }), "an ended addendum changes nothing more");
    assert!(file.verify().unwrap().is_intact());
}

#[test]
fn the_archive_bag_validates_keeps_every_file_safely_and_holds_the_encrypted_file() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = signed_engagement(dir.path());
    let not_yet = file.archive(&dir.path().join("early.zip"), &mut silent).unwrap_err();
    assert!(not_yet.to_string().contains("complete the documentation"), "{not_yet}");
    assert!(!dir.path().join("early.zip").exists(), "a refused archive leaves nothing behind");
    file.complete(date(COMPLETED)).unwrap();
    let bag_zip = dir.path().join("northwind-2026.zip");
    let summary = file.archive(&bag_zip, &mut silent).unwrap();
    let head = file.verify().unwrap().head;
    assert_eq!(summary.trail_head, head);

    let unpacked = dir.path().join("unpacked");
    let out = Command::new("python3")
        .args(["-c", "import sys, zipfile, bagit; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2]); bag = bagit.Bag(sys.argv[2] + '/northwind-2026'); bag.validate(); print(bag.info['Trail-Head'])"])
        .arg(&bag_zip)
        .arg(&unpacked)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "bagit validation failed:\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), head, "bag-info records the trail head");

    let bag = unpacked.join("northwind-2026");
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    for line in ["Client: Northwind Payroll, Inc.", "Period: 2025-10-01 to 2026-09-30", "Completion-Date: 2026-11-15", &format!("Trail-Head: {head}")] {
        assert!(info.contains(line), "bag-info.txt has {line:?}:\n{info}");
    }
    let evidence_dir = bag.join("data/evidence");
    let mut names: Vec<String> = std::fs::read_dir(&evidence_dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut expected = ["_CON.txt", "C__Windows_win.ini", "Señor Núñez – contrato.pdf", "_.._escape.txt", "invoice (2).pdf", "invoice.pdf", "report_ final_.txt"];
    expected.sort();
    assert_eq!(names, expected, "every evidence file survives under a safe name");
    assert_eq!(std::fs::read_to_string(evidence_dir.join("invoice.pdf")).unwrap(), "first invoice");
    assert_eq!(std::fs::read_to_string(evidence_dir.join("invoice (2).pdf")).unwrap(), "second invoice, same name");
    assert!(bag.join("data/report/draft-report.pdf").exists() && bag.join("data/workpapers/CC8.1-01.pdf").exists());
    assert!(bag.join("data/exports/samples.xlsx").exists() && bag.join("data/exports/csv/CC8.1-01.csv").exists());
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(bag.join("data/index.json")).unwrap()).unwrap();
    assert!(index.as_array().unwrap().iter().any(|e| e["original_name"] == "..\\..\\escape.txt" && e["path"] == "data/evidence/_.._escape.txt"));

    // The engagement file in the bag is the encrypted file, and it opens with the passphrase.
    let inner = bag.join("data/engagement/northwind.tickmark");
    assert!(!std::fs::read(&inner).unwrap().starts_with(b"SQLite format 3"), "stored encrypted");
    let copy = EngagementFile::open(&inner, PASSPHRASE).unwrap();
    assert_eq!(copy.completed_on().unwrap(), Some(date(COMPLETED)));
    assert_eq!(copy.evidence().unwrap().len(), EVIDENCE.len());
    assert!(copy.verify().unwrap().is_intact());
    copy.close().unwrap();

    let blind = verify_archive(&bag_zip, None, &[]).unwrap();
    assert!(blind.is_intact() && blind.trail.is_none(), "{:?}", blind.problems);
    let full = verify_archive(&bag_zip, Some(PASSPHRASE), &[]).unwrap();
    assert!(full.is_intact(), "{:?}", full.problems);
    assert_eq!(full.trail.unwrap().head, head);
}

/// Copies the zip at `from` to `to`, replacing the contents of the entries `change` returns
/// new bytes for.
fn rewrite_zip(from: &Path, to: &Path, change: impl Fn(&str, &[u8]) -> Option<Vec<u8>>) {
    let mut source = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..source.len() {
        let mut entry = source.by_index(i).unwrap();
        let name = String::from_utf8(entry.name_raw().to_vec()).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)).unwrap();
        out.write_all(&change(&name, &bytes).unwrap_or(bytes)).unwrap();
    }
    out.finish().unwrap();
}

#[test]
fn verify_archive_catches_a_changed_file_and_a_forged_trail_head() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = signed_engagement(dir.path());
    file.complete(date(COMPLETED)).unwrap();
    let bag_zip = dir.path().join("bag.zip");
    file.archive(&bag_zip, &mut silent).unwrap();
    file.close().unwrap();

    let tampered = dir.path().join("tampered.zip");
    rewrite_zip(&bag_zip, &tampered, |name, _| name.ends_with("data/evidence/invoice.pdf").then(|| b"an altered invoice".to_vec()));
    let check = verify_archive(&tampered, None, &[]).unwrap();
    assert!(!check.is_intact());
    assert!(check.problems.iter().any(|p| p.contains("data/evidence/invoice.pdf was changed")), "{:?}", check.problems);

    let cli = |bag: &Path, passphrase: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tickmark"));
        cmd.arg("verify-archive").arg(bag).env_remove("TICKMARK_PASSPHRASE");
        if let Some(p) = passphrase {
            cmd.env("TICKMARK_PASSPHRASE", p);
        }
        cmd.output().unwrap()
    };
    let out = cli(&tampered, None);
    assert_eq!(out.status.code(), Some(1), "verify-archive fails on a changed file");
    assert!(String::from_utf8_lossy(&out.stdout).contains("MISMATCH: data/evidence/invoice.pdf was changed"));
    let out = cli(&bag_zip, Some(PASSPHRASE));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("intact"));

    // A forger who rewrites bag-info and its tag manifest passes the checks without the
    // passphrase; the engagement file's own trail gives the forgery away.
    let forged = dir.path().join("forged.zip");
    let fake_head = "f".repeat(64);
    let bag_info = {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&bag_zip).unwrap()).unwrap();
        let mut text = String::new();
        zip.by_name("bag/bag-info.txt").unwrap().read_to_string(&mut text).unwrap();
        text.lines().map(|l| if l.starts_with("Trail-Head:") { format!("Trail-Head: {fake_head}\n") } else { format!("{l}\n") }).collect::<String>()
    };
    let sha = |b: &[u8]| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b))
    };
    let info_sha = sha(bag_info.as_bytes());
    rewrite_zip(&bag_zip, &forged, |name, bytes| match name {
        "bag/bag-info.txt" => Some(bag_info.clone().into_bytes()),
        "bag/tagmanifest-sha256.txt" => Some(
            String::from_utf8_lossy(bytes)
                .lines()
                .map(|l| if l.ends_with("  bag-info.txt") { format!("{info_sha}  bag-info.txt\n") } else { format!("{l}\n") })
                .collect::<String>()
                .into_bytes(),
        ),
        _ => None,
    });
    assert!(verify_archive(&forged, None, &[]).unwrap().is_intact(), "the forgery is consistent on its face");
    let full = verify_archive(&forged, Some(PASSPHRASE), &[]).unwrap();
    assert!(full.problems.iter().any(|p| p.contains("bag-info.txt records") && p.contains(&fake_head)), "{:?}", full.problems);
    let out = cli(&forged, Some(PASSPHRASE));
    assert_eq!(out.status.code(), Some(1));
}
