//! Files made by every earlier schema version open in this one: each version's file is frozen
//! in `fixtures/schema/` when that version is current (FREEZE_SCHEMA=1 writes the missing one),
//! and every later version must upgrade it to the same schema a new file has, keeping its data.

mod common;

use std::path::{Path, PathBuf};

use common::workflow::test_a_control;
use common::*;
use engagement::store::schema::CURRENT_VERSION;
use engagement::EngagementFile;

const FIXTURE_PASSPHRASE: &str = "schema fixture passphrase";

fn fixture(version: i64) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../fixtures/schema/v{version}.tickmark"))
}

fn schema_of(path: &Path, passphrase: &str) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "key", passphrase).unwrap();
    let mut stmt = conn.prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

fn team_rule(path: &Path, passphrase: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "key", passphrase).unwrap();
    conn.query_row("SELECT team_rule FROM engagement", [], |r| r.get(0)).unwrap()
}

#[test]
fn files_from_every_schema_version_open_upgraded_with_their_data() {
    let current = fixture(CURRENT_VERSION);
    if !current.exists() && std::env::var_os("FREEZE_SCHEMA").is_some() {
        let mut file = EngagementFile::create(&current, FIXTURE_PASSPHRASE, &new_engagement()).unwrap();
        test_a_control(&mut file);
        file.close().unwrap();
    }

    let dir = tempfile::tempdir().unwrap();
    let (fresh, fresh_path) = create(dir.path());
    fresh.close().unwrap();
    let wanted = schema_of(&fresh_path, PASSPHRASE);

    for version in 1..=CURRENT_VERSION {
        let frozen = fixture(version);
        assert!(frozen.exists(), "{} is missing: run this test once with FREEZE_SCHEMA=1 and commit the file", frozen.display());
        let copy = dir.path().join(format!("v{version}.tickmark"));
        std::fs::copy(&frozen, &copy).unwrap();

        let opened = EngagementFile::open(&copy, FIXTURE_PASSPHRASE).unwrap_or_else(|e| panic!("v{version}: {e}"));
        assert_eq!(opened.info().unwrap().client, "Northwind Payroll, Inc.", "v{version} keeps its data");
        let control = opened.control_by_reference("CC8.1-01").unwrap();
        assert_eq!(opened.workpaper(control.id).unwrap().sample.unwrap().deviations, 1, "v{version} keeps its test results");
        let verification = opened.verify().unwrap();
        assert!(verification.is_intact(), "v{version}: {:?}", verification.problems);
        opened.close().unwrap();
        assert_eq!(schema_of(&copy, FIXTURE_PASSPHRASE), wanted, "v{version} upgrades to the schema a new file has");
        // Files made before the team's rule was recorded keep the rule they were made under.
        let made_under = if version < 5 { 1 } else { 2 };
        assert_eq!(team_rule(&copy, FIXTURE_PASSPHRASE), made_under, "v{version}'s team rule");
    }
    assert_eq!(team_rule(&fresh_path, PASSPHRASE), 2, "a new file is made under the rule that the partner registers first keys");
}

/// Version 4 moves evidence bytes out of a WITHOUT ROWID table: every chunk of every file comes
/// through byte for byte, in order. The v3 fixture holds no evidence, so files are put in it as
/// version 3 stored them.
#[test]
fn evidence_bytes_come_through_the_move_to_version_4_whole_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("v3.tickmark");
    std::fs::copy(fixture(3), &copy).unwrap();
    let files: Vec<Vec<Vec<u8>>> = (0..3u8).map(|f| (0..f + 1).map(|c| vec![f * 16 + c; 1000 + 7 * c as usize]).collect()).collect();
    {
        let conn = rusqlite::Connection::open(&copy).unwrap();
        conn.pragma_update(None, "key", FIXTURE_PASSPHRASE).unwrap();
        assert_eq!(conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0)).unwrap(), 3);
        for (f, chunks) in files.iter().enumerate() {
            let id = 900 + f as i64;
            let size: usize = chunks.iter().map(Vec::len).sum();
            conn.execute(
                "INSERT INTO evidence (id, name, size, sha256, received_on) VALUES (?1, ?2, ?3, 'not checked here', '2026-10-02')",
                rusqlite::params![id, format!("file-{f}.bin"), size as i64],
            )
            .unwrap();
            // Stored last chunk first: the order is the chunk number's, not the insertion's.
            for (seq, data) in chunks.iter().enumerate().rev() {
                conn.execute("INSERT INTO evidence_chunk (evidence_id, seq, data) VALUES (?1, ?2, ?3)", rusqlite::params![id, seq as i64, data]).unwrap();
            }
        }
    }
    let opened = EngagementFile::open(&copy, FIXTURE_PASSPHRASE).unwrap();
    for (f, chunks) in files.iter().enumerate() {
        let mut bytes = Vec::new();
        opened.write_evidence(900 + f as i64, &mut bytes).unwrap();
        assert_eq!(bytes, chunks.concat(), "file {f} reads back as stored under version 3");
    }
    opened.close().unwrap();
}
