//! No engagement data in plaintext on disk: a marker written into every kind of record is not
//! found in the file, its WAL, the temp folder, the shared folder its changes travel through or
//! a teammate's copy, while the file is open or after it is closed.
//! One test in its own binary, because it points the process's temp folder somewhere it owns.

mod common;

use engagement::progress::silent;
use std::path::Path;

use common::*;
use engagement::control::{AttributeInput, ControlInput};
use engagement::population::ColumnMapping;
use engagement::request::{RequestInput, RequestStatus};
use engagement::sample::{SampleMethod, SampleRequest, SizeRequest};
use engagement::testing::{Outcome, TestResult};
use engagement::walkthrough::{WalkthroughInput, WalkthroughKind};
use engagement::EngagementFile;

const MARK: &str = "QZXJV";

fn marked(kind: &str) -> String {
    format!("{MARK}-{kind}")
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn assert_no_marker(paths: &[std::path::PathBuf], when: &str) {
    let needle = MARK.as_bytes();
    let mut scanned = 0;
    for path in paths {
        let Ok(bytes) = std::fs::read(path) else { continue };
        scanned += bytes.len();
        assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{when}: plaintext found in {}", path.display());
    }
    assert!(scanned > 0, "{when}: something was scanned");
}

#[test]
fn no_record_reaches_the_disk_in_plaintext() {
    let temp = tempfile::tempdir().unwrap();
    std::env::set_var("TMPDIR", temp.path());
    std::env::set_var("SQLITE_TMPDIR", temp.path());
    let dir = tempfile::tempdir_in(std::env::var_os("HOME").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir)).unwrap();
    let path = dir.path().join("marked.tickmark");

    let mut new = new_engagement();
    new.client = marked("client");
    new.system = marked("system");
    new.team[0].name = marked("team");
    let key = engagement::keys::PersonalKey::generate(&new.team[0].name, &new.team[0].initials);
    new.team[0].public_key = Some(key.public_key());
    let mut file = EngagementFile::create_signed(&path, PASSPHRASE, &new, Some(&key)).unwrap();
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    file.share(&shared).unwrap();
    let control = file
        .add_control(&ControlInput {
            description: marked("control"),
            owner: marked("owner"),
            attributes: vec![AttributeInput { label: "A".into(), question: marked("attribute") }],
            ..change_control()
        })
        .unwrap();
    file.add_request(&RequestInput { number: "PBC-01".into(), title: marked("request"), control_id: Some(control), requested_on: date("2026-10-01"), due_on: None, status: RequestStatus::Open }).unwrap();
    let evidence_source = dir.path().join("evidence.txt");
    std::fs::write(&evidence_source, marked("evidence").repeat(50_000)).unwrap();
    let evidence = file.attach_evidence(&evidence_source, None, Some(control), date("2026-10-02"), &mut silent).unwrap();
    std::fs::remove_file(&evidence_source).unwrap();
    file.add_walkthrough(&WalkthroughInput { control_id: control, kind: WalkthroughKind::Interview, held_on: date("2026-10-03"), attendees: vec![marked("attendee")], narrative: marked("narrative"), evidence: vec![evidence] }).unwrap();
    let listing = dir.path().join("listing.csv");
    let mut csv = String::from("id,date,detail\n");
    for i in 0..2000 {
        csv.push_str(&format!("{MARK}-key-{i},2026-01-15,{MARK}-cell-{i}\n"));
    }
    std::fs::write(&listing, csv).unwrap();
    let mapping = ColumnMapping { key: "id".into(), date: Some("date".into()), amount: None, stratum: None };
    let population = file.import_population(control, &listing, &mapping, &marked("population"), &mut |_| true).unwrap();
    std::fs::remove_file(&listing).unwrap();
    let sample = file.draw_sample(&SampleRequest { control_id: control, population_id: population, method: SampleMethod::SimpleRandom, size: SizeRequest::FrequencyTable, seed: None, seed_reason: None }).unwrap();
    let attribute = file.control(control).unwrap().attributes[0].id;
    file.record_result(&TestResult { sample_id: sample, position: 0, attribute_id: attribute, outcome: Outcome::Deviation, tickmark: Some("X".into()), note: Some(marked("note")), evidence: vec![] }).unwrap();
    let exception = file.add_exception(control, &marked("exception"), &[0]).unwrap();
    file.respond_to_exception(exception, &marked("response"), &marked("manager"), date("2026-10-10")).unwrap();
    file.raise_review_note(control, &marked("review")).unwrap();
    let sent = file.sync(&shared).unwrap().sent.len();
    assert!(sent >= 10, "every record went out as a change ({sent})");
    let (copy, _) = EngagementFile::join(&shared, &dir.path().join("copy.tickmark"), PASSPHRASE).unwrap();
    assert_eq!(copy.review_notes(None).unwrap()[0].text, marked("review"), "the teammate's copy has the work");
    assert!(copy.verify().unwrap().is_intact(), "evidence and all, as attached");
    copy.close().unwrap();

    let on_disk = || {
        let mut paths = files_under(dir.path());
        paths.extend(files_under(temp.path()));
        paths
    };
    assert!(std::path::Path::new(&format!("{}-wal", path.display())).exists(), "the WAL is there to be scanned while open");
    assert_no_marker(&on_disk(), "while open");
    assert!(file.verify().unwrap().is_intact());
    file.close().unwrap();
    assert_no_marker(&on_disk(), "after closing");

    let reopened = EngagementFile::open(&path, PASSPHRASE).unwrap();
    assert_eq!(reopened.info().unwrap().client, marked("client"), "the data is there, encrypted");
}
