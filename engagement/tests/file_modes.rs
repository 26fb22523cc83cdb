//! Everything Tickmark writes that holds the client's data is its owner's only (mode 0600 on
//! Unix): the engagement file and its -wal, exports, reports and the archive bag.

#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::workflow::{conclude_and_sign, test_a_control};
use common::*;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[test]
fn the_file_its_wal_exports_and_the_archive_are_created_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, path) = create(dir.path());
    let t = test_a_control(&mut file);
    assert_eq!(mode(&path), 0o600, "the engagement file");
    let wal = dir.path().join("northwind.tickmark-wal");
    assert!(wal.exists(), "the write-ahead log while the file is open");
    assert_eq!(mode(&wal), 0o600, "its -wal");
    let report = dir.path().join("report.pdf");
    engagement::output::write_new(&report, &file.report_pdf().unwrap()).unwrap();
    assert_eq!(mode(&report), 0o600, "a report written out");
    conclude_and_sign(&mut file, t.control);
    file.complete(date("2026-11-20")).unwrap();
    let bag = dir.path().join("archive.zip");
    file.archive(&bag, &mut engagement::progress::silent).unwrap();
    assert_eq!(mode(&bag), 0o600, "the archive bag");
    let left: Vec<String> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".partial")).collect();
    assert!(left.is_empty(), "no temporary bag is left once it is renamed: {left:?}");
    file.close().unwrap();
    assert!(!wal.exists(), "closing checkpoints the -wal into the file and removes it");
}
