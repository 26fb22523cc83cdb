//! Each way an open can go wrong gets its own error, and leaves the file's bytes untouched.

mod common;

use common::*;
use engagement::{EngagementFile, Error};

fn open_err(path: &std::path::Path, passphrase: &str) -> Error {
    match EngagementFile::open(path, passphrase) {
        Ok(_) => panic!("{} opened but should not have", path.display()),
        Err(e) => e,
    }
}

#[test]
fn the_right_passphrase_opens_and_the_wrong_one_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let (file, path) = create(dir.path());
    file.close().unwrap();
    let before = bytes(&path);

    let err = open_err(&path, "correct horse batterY");
    assert!(matches!(err, Error::WrongPassphrase { .. }), "{err}");
    assert!(err.to_string().contains("northwind.tickmark"), "the error names the file: {err}");
    assert_eq!(bytes(&path), before);
    assert!(!std::path::Path::new(&format!("{}-wal", path.display())).exists(), "no WAL left behind");

    let opened = EngagementFile::open(&path, PASSPHRASE).unwrap();
    assert_eq!(opened.info().unwrap().client, "Northwind Payroll, Inc.");
}

#[test]
fn files_that_are_not_engagements_are_refused_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.tickmark");
    std::fs::write(&text, "Population listing, exported 2026-10-01\nid,date\n".repeat(200)).unwrap();
    let empty = dir.path().join("empty.tickmark");
    std::fs::write(&empty, b"").unwrap();
    let plain = dir.path().join("plain.tickmark");
    rusqlite::Connection::open(&plain).unwrap().execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    let foreign = dir.path().join("foreign.tickmark");
    {
        let c = rusqlite::Connection::open(&foreign).unwrap();
        c.pragma_update(None, "key", PASSPHRASE).unwrap();
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    }
    for (path, expect) in [
        (&text, "holds text"),
        (&empty, "empty"),
        (&plain, "unencrypted SQLite"),
        (&foreign, "did not make"),
    ] {
        let before = bytes(path);
        let err = open_err(path, PASSPHRASE);
        assert!(matches!(err, Error::NotAnEngagement { .. }), "{}: {err}", path.display());
        assert!(err.to_string().contains(expect), "{err}");
        assert_eq!(bytes(path), before, "{} unchanged", path.display());
    }
}

/// A closed engagement file that spans many pages, so it can be cut or damaged in the middle.
fn many_pages(dir: &std::path::Path) -> std::path::PathBuf {
    let (mut file, path) = create(dir);
    for i in 0..40 {
        let mut control = change_control();
        control.reference = format!("CC8.1-{i:02}");
        control.description = "x".repeat(2000);
        file.add_control(&control).unwrap();
    }
    file.close().unwrap();
    path
}

#[test]
fn a_truncated_file_is_reported_damaged_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = many_pages(dir.path());
    let full = std::fs::read(&path).unwrap();
    assert!(full.len() > 8 * 4096, "the file spans many pages");

    for cut in [full.len() - 4096 * 3, full.len() / 2 + 100] {
        std::fs::write(&path, &full[..cut]).unwrap();
        let err = open_err(&path, PASSPHRASE);
        assert!(matches!(err, Error::Damaged { .. }), "cut at {cut}: {err}");
        assert!(err.to_string().contains("truncated"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), &full[..cut], "left as it is");
    }
}

#[test]
fn a_file_corrupted_inside_is_reported_damaged_not_as_a_wrong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let path = many_pages(dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 64] {
        *b ^= 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = open_err(&path, PASSPHRASE);
    assert!(matches!(err, Error::Damaged { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "left as it is");
}

#[test]
fn a_file_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (file, path) = create(dir.path());
    file.close().unwrap();
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "key", PASSPHRASE).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    let before = bytes(&path);
    let err = open_err(&path, PASSPHRASE);
    assert!(matches!(err, Error::NewerSchema { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("newer version"), "{err}");
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_file_open_elsewhere_is_reported_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let (file, path) = create(dir.path());
    let err = open_err(&path, PASSPHRASE);
    assert!(matches!(err, Error::InUse { .. }), "{err}");
    file.close().unwrap();
    EngagementFile::open(&path, PASSPHRASE).unwrap();
}

#[test]
fn a_new_passphrase_replaces_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, path) = create(dir.path());
    file.change_passphrase("a much longer passphrase").unwrap();
    file.close().unwrap();
    assert!(matches!(open_err(&path, PASSPHRASE), Error::WrongPassphrase { .. }));
    let reopened = EngagementFile::open(&path, "a much longer passphrase").unwrap();
    assert!(reopened.verify().unwrap().is_intact());
}

#[test]
fn creating_over_an_existing_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("existing.tickmark");
    std::fs::write(&path, b"keep me").unwrap();
    let err = EngagementFile::create(&path, PASSPHRASE, &new_engagement()).err().unwrap();
    assert!(matches!(err, Error::AlreadyExists { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"keep me");
}

#[test]
fn a_short_passphrase_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weak.tickmark");
    let err = EngagementFile::create(&path, "short", &new_engagement()).err().unwrap();
    assert!(err.to_string().contains("at least 8"), "{err}");
    assert!(!path.exists());
}

#[test]
fn a_guessable_passphrase_is_refused_with_the_reason_and_no_file_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weak.tickmark");
    for (weak, reason) in [("aaaaaaaa", "Repeats like \"aaa\" are easy to guess"), ("password1", "too easy to guess"), ("qwertyuiop", "too easy to guess")] {
        let err = EngagementFile::create(&path, weak, &new_engagement()).err().expect("a weak passphrase is refused");
        assert!(err.to_string().starts_with("passphrase: the passphrase is too easy to guess") && err.to_string().contains(reason), "{weak}: {err}");
        assert!(!path.exists(), "nothing is created");
    }
    let key = engagement::keys::PersonalKey::generate("Dana Whitfield", "DW");
    assert!(key.write(&dir.path().join("DW.key"), "password1").is_err(), "nor a key's");
    let mut file = EngagementFile::create(&path, PASSPHRASE, &new_engagement()).unwrap();
    assert!(file.change_passphrase("aaaaaaaa").unwrap_err().to_string().contains("too easy to guess"), "nor a new one for an existing file");
}
