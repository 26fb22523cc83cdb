//! What standard SQLCipher 4 tools see of a Tickmark file: with the passphrase they can read it
//! (an archive must outlive this program), and a change made through them, bypassing Tickmark,
//! is found by `tickmark verify`.

use std::path::Path;
use std::process::Command;

use engagement::sample::{SampleMethod, SampleRequest, SizeRequest};
use engagement::testing::{Outcome, TestResult};

use tickmark_tests::app::{tickmark, workspace};

const PASSPHRASE: &str = "it's a \"quoted\" passphrase";

fn python(args: &[&str]) -> serde_json::Value {
    let out = Command::new("python3")
        .arg(workspace().join("tests/sqlcipher/client.py"))
        .args(args)
        .env("TICKMARK_PASSPHRASE", PASSPHRASE)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "client.py {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn verify(path: &Path) -> (i32, String) {
    let out = tickmark(&["verify".as_ref(), path.as_os_str()], PASSPHRASE);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The demo engagement with one control's sample drawn and tested, one deviation among passes.
fn tested_demo(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("demo.tickmark");
    let mut file = tickmark_tests::engagements::demo(&path, PASSPHRASE);
    let control = file.control_by_reference("CC8.1-01").unwrap();
    let population = file.populations(Some(control.id)).unwrap()[0].id;
    let sample = file
        .draw_sample(&SampleRequest { control_id: control.id, population_id: population, method: SampleMethod::SimpleRandom, size: SizeRequest::FrequencyTable, seed: None, seed_reason: None })
        .unwrap();
    for (position, attribute) in [(0, 0), (1, 0), (2, 0)] {
        file.record_result(&TestResult {
            sample_id: sample,
            position,
            attribute_id: control.attributes[attribute].id,
            outcome: if position == 1 { Outcome::Deviation } else { Outcome::Pass },
            tickmark: None,
            note: (position == 1).then(|| "approved after deployment".into()),
            evidence: vec![],
        })
        .unwrap();
    }
    file.close().unwrap();
    path
}

#[test]
fn a_standard_sqlcipher_4_client_reads_the_file_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let path = tested_demo(dir.path());
    let seen = python(&["read", path.to_str().unwrap()]);
    assert_eq!(seen["client"], "Northwind Payroll, Inc.");
    assert!(seen["controls"].as_u64().unwrap() >= 20);
    assert!(seen["cipher_version"].as_str().unwrap().starts_with('4'), "{seen}");
    assert_eq!(verify(&path).0, 0, "reading changed nothing");
}

#[test]
fn verify_names_a_result_edited_and_a_trail_entry_deleted_outside_tickmark() {
    let dir = tempfile::tempdir().unwrap();
    let path = tested_demo(dir.path());
    let (code, out) = verify(&path);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("intact"), "{out}");

    let edited = python(&["sql", path.to_str().unwrap(), "UPDATE test_result SET outcome = 'pass' WHERE outcome = 'deviation'"]);
    assert_eq!(edited["changed"], 1);
    let (code, out) = verify(&path);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("test_result") && out.contains("changed outside Tickmark"), "names the edited result: {out}");

    python(&["sql", path.to_str().unwrap(), "DELETE FROM trail WHERE seq = 40"]);
    let (code, out) = verify(&path);
    assert_eq!(code, 1);
    assert!(out.contains("trail entry 40 is missing"), "names the deleted entry: {out}");
}
