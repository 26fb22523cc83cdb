//! A full disk, simulated without privileges: the command runs under a file-size limit
//! (`ulimit -f`, with SIGXFSZ ignored, so a write past it fails with EFBIG as a write to a full
//! disk fails with ENOSPC). An import that cannot be written fails and leaves the file as it
//! was; an import that reaches the write-ahead log but cannot be checkpointed into the file at
//! close fails, saying to keep the -wal beside the file, and with it beside the file nothing is
//! lost.

use std::path::Path;
use std::process::Output;

use engagement::EngagementFile;
use tickmark_tests::app::{binary, workspace};

const PASSPHRASE: &str = "disk full passphrase";
const ROWS: usize = 3_000;

/// Imports `listing` into `file` as DW, with files limited to `limit_kb` KiB when given.
fn import(file: &Path, listing: &Path, limit_kb: Option<u64>) -> Output {
    let limit = limit_kb.map_or("unlimited".to_owned(), |k| k.to_string());
    std::process::Command::new("bash")
        .args(["-c", "trap '' XFSZ; ulimit -f \"$1\"; shift; exec \"$@\"", "limited", &limit])
        .arg(binary("tickmark"))
        .arg("import-population")
        .arg(file)
        .args(["--control", "CC8.1-01", "--source"])
        .arg(listing)
        .args(["--key", "change_id", "--date", "deployed_on", "--as", "DW"])
        .env("TICKMARK_PASSPHRASE", PASSPHRASE)
        .env("TICKMARK_KEY", workspace().join("fixtures/demo/keys/DW.tickmark-key"))
        .env("TICKMARK_KEY_PASSPHRASE", tickmark_tests::engagements::demo_key_passphrase("DW"))
        .output()
        .expect("bash runs")
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn populations(file: &Path) -> usize {
    let opened = EngagementFile::open(file, PASSPHRASE).unwrap();
    assert!(opened.verify().unwrap().is_intact(), "{:?}", opened.verify().unwrap().problems);
    let n = opened.populations(None).unwrap().len();
    opened.close().unwrap();
    n
}

#[test]
fn a_full_disk_during_an_import_or_a_close_loses_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let listing = dir.path().join("changes.csv");
    let mut text = String::from("change_id,title,deployed_on,approver\n");
    for i in 0..ROWS {
        text.push_str(&format!("CHG{i:07},Routine change number {i},2026-{:02}-{:02},Approver {}\n", 1 + i % 9, 1 + i % 28, i % 17));
    }
    std::fs::write(&listing, text).unwrap();
    let base = dir.path().join("base.tickmark");
    tickmark_tests::engagements::demo(&base, PASSPHRASE).close().unwrap();
    let before = populations(&base);
    let probe = dir.path().join("probe.tickmark");
    std::fs::copy(&base, &probe).unwrap();
    assert!(import(&probe, &listing, None).status.success());
    let (s, f) = (size(&base), size(&probe));
    let grown = f - s;
    assert!(grown > 64 << 10 && grown < s, "the import grows the file by less than its size ({s} to {f}), as the close case needs");

    // Too little room for the import's pages: it fails, and the file is as it was.
    let failed = dir.path().join("failed.tickmark");
    std::fs::copy(&base, &failed).unwrap();
    let out = import(&failed, &listing, Some(grown / 2 / 1024));
    assert!(!out.status.success(), "the import fails: {}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(populations(&failed), before, "nothing of the import is kept, and the file opens and verifies");

    // Room for the log but not for the file to grow at close: the import is in the -wal, the
    // command fails saying so, and with the -wal beside it the file holds the import.
    let unflushed = dir.path().join("unflushed.tickmark");
    std::fs::copy(&base, &unflushed).unwrap();
    let out = import(&unflushed, &listing, Some((s + grown / 2) / 1024));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("could not be written into the file itself") && stderr.contains("unflushed.tickmark-wal"), "names the -wal to keep: {stderr}");
    assert!(size(&dir.path().join("unflushed.tickmark-wal")) > 0, "the changes are in the -wal");
    assert_eq!(populations(&unflushed), before + 1, "opened with its -wal beside it, the file holds the import and verifies");
    assert_eq!(size(&dir.path().join("unflushed.tickmark-wal")), 0, "and a clean close checkpoints it");
}
