//! Attaching a large evidence file and writing the archive report progress and can be
//! cancelled, leaving nothing behind; evidence opened for viewing is a private copy that goes
//! away when the auditor is done.

mod common;

use std::io::Write;

use common::workflow::{conclude_and_sign, test_a_control};
use common::*;
use engagement::progress::silent;
use engagement::viewing::ViewingCopies;
use engagement::Error;

fn write_file(path: &std::path::Path, megabytes: usize) -> Vec<u8> {
    let bytes: Vec<u8> = (0..megabytes << 20).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::File::create(path).unwrap().write_all(&bytes).unwrap();
    bytes
}

#[test]
fn attaching_reports_bytes_and_a_cancelled_attach_stores_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut file, _) = create(tmp.path());
    let source = tmp.path().join("system log.bin");
    write_file(&source, 5);
    let trail_before = file.overview().unwrap().trail_entries;

    let mut seen = Vec::new();
    let err = file
        .attach_evidence(&source, None, None, date("2026-10-01"), &mut |bytes| {
            seen.push(bytes);
            bytes < 3 << 20
        })
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled(_)), "{err}");
    assert!(err.to_string().contains("system log.bin"), "{err}");
    assert_eq!(seen, [1 << 20, 2 << 20, 3 << 20], "progress after each mebibyte, until cancelled");
    assert!(file.evidence().unwrap().is_empty(), "nothing stored");
    assert_eq!(file.overview().unwrap().trail_entries, trail_before, "no trail entry");

    let mut last = 0;
    file.attach_evidence(&source, None, None, date("2026-10-01"), &mut |bytes| {
        last = bytes;
        true
    })
    .unwrap();
    assert_eq!(last, 5 << 20);
    assert!(file.verify().unwrap().is_intact());
}

#[test]
fn a_cancelled_archive_leaves_no_partial_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut file, _) = create(tmp.path());
    let t = test_a_control(&mut file);
    let source = tmp.path().join("bank statement.pdf");
    write_file(&source, 8);
    file.attach_evidence(&source, None, Some(t.control), date("2026-10-01"), &mut silent).unwrap();
    conclude_and_sign(&mut file, t.control);
    file.complete(date("2026-11-20")).unwrap();

    let out = tmp.path().join("archive.zip");
    let mut reports = 0;
    let err = file
        .archive(&out, &mut |_| {
            reports += 1;
            reports < 3
        })
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled(_)), "{err}");
    assert!(!out.exists(), "the partial archive is removed");

    let mut written = 0;
    file.archive(&out, &mut |bytes| {
        written = bytes;
        true
    })
    .unwrap();
    assert!(written >= 8 << 20, "progress counts the evidence bytes ({written})");
    let check = engagement::archive::verify_archive(&out, Some(PASSPHRASE), &[]).unwrap();
    assert!(check.is_intact(), "{:?}", check.problems);
}

#[test]
fn a_viewing_copy_is_private_identical_and_removed_when_done() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let (mut file, _) = create(tmp.path());
    let source = tmp.path().join("access review.xlsx");
    let bytes = write_file(&source, 1);
    let id = file.attach_evidence(&source, None, None, date("2026-10-01"), &mut silent).unwrap();

    let runtime = tmp.path().join("runtime");
    std::fs::create_dir(&runtime).unwrap();
    let abandoned = runtime.join("tickmark-view-999999999");
    std::fs::create_dir(&abandoned).unwrap();
    std::fs::write(abandoned.join("1-left behind.pdf"), b"plaintext").unwrap();

    let mut copies = ViewingCopies::under(&runtime).unwrap();
    assert!(!abandoned.exists(), "a folder left by a dead process is removed");
    let copy = copies.open(&file, id).unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);
    assert!(copy.file_name().unwrap().to_string_lossy().ends_with("access review.xlsx"));
    assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(copies.folder()).unwrap().permissions().mode() & 0o777, 0o700);
    assert_eq!(copies.open(&file, id).unwrap(), copy, "opening again reuses the copy");

    copies.close(id).unwrap();
    assert!(!copy.exists(), "removed when done");
    let again = copies.open(&file, id).unwrap();
    let folder = copies.folder().to_owned();
    drop(copies);
    assert!(!again.exists() && !folder.exists(), "everything removed when the app lets go");
}
