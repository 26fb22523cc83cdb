//! Crashes and a second program: kill -9 the command-line tool in the middle of a large
//! population import, many times at different moments; each time the file opens, verifies, and
//! holds the whole import or none of it. And a second process gets "in use", not a broken file.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use engagement::EngagementFile;
use tickmark_tests::app::{binary, tickmark};

const PASSPHRASE: &str = "crash test passphrase";
const ROWS: usize = 200_000;

fn import(file: &Path, listing: &Path) -> Command {
    let mut cmd = Command::new(binary("tickmark"));
    cmd.args(["import-population"])
        .arg(file)
        .args(["--control", "CC8.1-01", "--source"])
        .arg(listing)
        .args(["--key", "change_id", "--date", "deployed_on", "--as", "DW"])
        .env("TICKMARK_PASSPHRASE", PASSPHRASE)
        .env("TICKMARK_KEY", tickmark_tests::app::workspace().join("fixtures/demo/keys/DW.tickmark-key"))
        .env("TICKMARK_KEY_PASSPHRASE", tickmark_tests::engagements::demo_key_passphrase("DW"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn big_listing(path: &Path) {
    let mut text = String::with_capacity(ROWS * 60);
    text.push_str("change_id,title,deployed_on,approver\n");
    for i in 0..ROWS {
        text.push_str(&format!("CHG{i:07},Routine change number {i},2026-{:02}-{:02},Approver {}\n", 1 + i % 9, 1 + i % 28, i % 17));
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn killing_an_import_at_any_moment_leaves_all_of_it_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let listing = dir.path().join("changes.csv");
    big_listing(&listing);
    let base = dir.path().join("base.tickmark");
    tickmark_tests::engagements::demo(&base, PASSPHRASE).close().unwrap();
    let populations_before = EngagementFile::open(&base, PASSPHRASE).unwrap().populations(None).unwrap().len();

    // How long an uninterrupted import takes here, to spread the kills across it.
    let timed = dir.path().join("timed.tickmark");
    std::fs::copy(&base, &timed).unwrap();
    let start = Instant::now();
    assert!(import(&timed, &listing).status().unwrap().success());
    let full = start.elapsed();

    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let (mut none, mut whole) = (0, 0);
    for round in 0..10 {
        let file = dir.path().join(format!("round{round}.tickmark"));
        std::fs::copy(&base, &file).unwrap();
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let fraction = 0.05 + 0.9 * ((state >> 33) as f64 / (1u64 << 31) as f64);
        let mut child = import(&file, &listing).spawn().unwrap();
        std::thread::sleep(full.mul_f64(fraction));
        let _ = child.kill();
        let _ = child.wait();

        let opened = EngagementFile::open(&file, PASSPHRASE).unwrap_or_else(|e| panic!("round {round}: {e}"));
        let verification = opened.verify().unwrap();
        assert!(verification.is_intact(), "round {round}: {:?}", verification.problems);
        let populations = opened.populations(None).unwrap();
        match populations.len() - populations_before {
            0 => none += 1,
            1 => {
                assert_eq!(populations.last().unwrap().row_count as usize, ROWS, "round {round}: the whole import");
                whole += 1;
            }
            n => panic!("round {round}: {n} new populations"),
        }
    }
    assert!(none > 0, "some kills landed mid-import ({none} none, {whole} whole; import takes {full:?})");
}

#[test]
fn a_second_process_is_told_the_file_is_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.tickmark");
    let held = tickmark_tests::engagements::demo(&path, PASSPHRASE);
    let out = tickmark(&["info".as_ref(), path.as_os_str()], PASSPHRASE);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("open in another window or program"), "{stderr}");
    held.close().unwrap();
    let out = tickmark(&["verify".as_ref(), path.as_os_str()], PASSPHRASE);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
