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
    }
}
