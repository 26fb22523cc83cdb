//! Benchmark (on demand: `cargo bench -p engagement --bench sync`): a day's work on one copy of a
//! shared engagement (RESULTS grid results recorded one at a time, default 5,000, and EVIDENCE
//! files of 1 MB attached, default 50) reaching a second copy through the shared folder, beside
//! the alternative without sync: copying the whole engagement file through the same folder
//! (into it, then out of it). The engagement holds PRIOR files of 1 MB attached on earlier days
//! (default 200), as a file in the middle of fieldwork does. Prints bytes written to the folder
//! and wall time of each side, and the ratios. Goal: under a fifth of the bytes and of the time.

use std::path::Path;
use std::time::{Duration, Instant};

use engagement::control::{AttributeInput, ControlInput, Nature};
use engagement::keys::PersonalKey;
use engagement::model::{Category, Examination, NewEngagement, Role, TeamMember};
use engagement::population::ColumnMapping;
use engagement::progress::silent;
use engagement::sample::{SampleMethod, SampleRequest, SizeRequest};
use engagement::sync::envelope;
use engagement::testing::{Outcome, TestResult};
use engagement::EngagementFile;

const PASSPHRASE: &str = "benchmark of the shared folder";

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| if e.path().is_dir() { folder_bytes(&e.path()) } else { e.metadata().map(|m| m.len()).unwrap_or(0) })
        .sum()
}

/// Writes every dirty page to disk, so that each timed part starts with the disk idle instead of
/// paying for the writeback of what the part before it wrote (hundreds of MB of setup).
fn settle() {
    std::process::Command::new("sync").status().expect("sync(1) runs");
}

fn attach(file: &mut EngagementFile, dir: &Path, name: &str, control: i64) {
    let path = dir.join(name);
    let mut bytes = vec![0u8; 1 << 20];
    rand::fill(&mut bytes[..]);
    std::fs::write(&path, &bytes).unwrap();
    file.attach_evidence(&path, None, Some(control), "2026-10-02".parse().unwrap(), &mut silent).unwrap();
    std::fs::remove_file(&path).unwrap();
}

fn main() {
    let (results, evidence, prior) = (env("RESULTS", 5_000), env("EVIDENCE", 50), env("PRIOR", 200));
    let dir = tempfile::tempdir().unwrap();
    let (dana, joaquin) = (PersonalKey::generate("Dana Whitfield", "DW"), PersonalKey::generate("Joaquín Ibáñez", "JI"));
    let new = NewEngagement {
        client: "Northwind Payroll, Inc.".into(),
        system: "Payroll platform".into(),
        examination: Examination::Type2 { period_start: "2025-10-01".parse().unwrap(), period_end: "2026-09-30".parse().unwrap() },
        categories: vec![Category::Availability],
        team: [&dana, &joaquin].iter().map(|k| TeamMember { name: k.name.clone(), initials: k.initials.clone(), role: Role::Senior, public_key: Some(k.public_key()) }).collect(),
    };
    let a_path = dir.path().join("dana.tickmark");
    let mut a = EngagementFile::create_signed(&a_path, PASSPHRASE, &new, Some(&dana)).unwrap();
    let control = a
        .add_control(&ControlInput {
            reference: "CC8.1-01".into(),
            description: "Changes are approved before deployment.".into(),
            criteria: vec!["CC8.1".into()],
            frequency: sampling::Frequency::MultipleTimesPerDay,
            nature: Nature::Manual,
            owner: "Head of Engineering".into(),
            attributes: vec![AttributeInput { label: "A".into(), question: "Approved?".into() }, AttributeInput { label: "B".into(), question: "Tested?".into() }],
        })
        .unwrap();
    let items = results.div_ceil(2);
    let listing = dir.path().join("changes.csv");
    let mut csv = String::from("id,date\n");
    for i in 0..items {
        csv.push_str(&format!("CHG-{i:06},2026-0{}-15\n", 1 + i % 9));
    }
    std::fs::write(&listing, csv).unwrap();
    let mapping = ColumnMapping { key: "id".into(), date: Some("date".into()), amount: None, stratum: None };
    let population = a.import_population(control, &listing, &mapping, "Change tickets", &mut |_| true).unwrap();
    let size = SizeRequest::Fixed { n: items as u64, reason: "Every change, for the benchmark".into() };
    let sample = a.draw_sample(&SampleRequest { control_id: control, population_id: population, method: SampleMethod::SimpleRandom, size, seed: None, seed_reason: None }).unwrap();
    for n in 0..prior {
        attach(&mut a, dir.path(), &format!("earlier-{n}.bin"), control);
    }
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    a.share(&folder).unwrap();
    let b_path = dir.path().join("joaquin.tickmark");
    let (mut b, _) = EngagementFile::join(&folder, &b_path, PASSPHRASE).unwrap();
    b.sign_in(&joaquin).unwrap();
    let before_day = folder_bytes(&folder);

    // The day's work on DW's copy.
    let attributes = a.control(control).unwrap().attributes;
    for n in 0..results {
        let (position, attribute) = ((n / 2) as i64, attributes[n % 2].id);
        let outcome = if n % 97 == 0 { Outcome::Deviation } else { Outcome::Pass };
        let note = (outcome == Outcome::Deviation).then(|| "No approval on file".to_owned());
        a.record_result(&TestResult { sample_id: sample, position, attribute_id: attribute, outcome, tickmark: None, note, evidence: vec![] }).unwrap();
    }
    for n in 0..evidence {
        attach(&mut a, dir.path(), &format!("today-{n}.bin"), control);
    }

    settle();
    let started = Instant::now();
    let sent = a.sync(&folder).unwrap();
    let sending = started.elapsed();
    let received = b.sync(&folder).unwrap();
    let syncing = started.elapsed();
    assert_eq!(b.results(sample).unwrap().len(), results, "every result reached JI's copy");
    let sync_bytes = folder_bytes(&folder) - before_day;
    a.close().unwrap();
    b.close().unwrap();

    let whole = dir.path().join("whole");
    std::fs::create_dir(&whole).unwrap();
    settle();
    let started = Instant::now();
    let into = whole.join("dana.tickmark");
    std::fs::copy(&a_path, &into).unwrap();
    std::fs::File::open(&into).unwrap().sync_all().unwrap();
    std::fs::copy(&into, dir.path().join("joaquin-whole.tickmark")).unwrap();
    let copying = started.elapsed();
    let copy_bytes = std::fs::metadata(&a_path).unwrap().len();

    // What any sync of this day must do, however it is built: check the signature of each change
    // (the issue has every transaction signed by its author) and seal every evidence byte for the
    // folder and open it on the other side. Measured beside the copy, as the least a sync can take.
    let checks: Vec<(Vec<u8>, String)> = (0..sent.sent.len()).map(|n| {
        let state = envelope::State::from([("0001".to_owned(), n as u64)]);
        let message = envelope::signed_message("benchmark", "0001", n as u64 + 1, "DW", n as u64 + 1, &state, b"the change");
        let signature = dana.sign(&message);
        (message, signature)
    }).collect();
    let chunk = vec![7u8; 1 << 20];
    let started = Instant::now();
    let verifier = engagement::keys::Verifier::new(&dana.public_key()).unwrap();
    assert!(checks.iter().all(|(message, signature)| verifier.verify(message, signature)));
    let checking = started.elapsed();
    let started = Instant::now();
    for n in 0..evidence as u64 {
        let sealed = envelope::seal_chunk(&chunk, "benchmark", PASSPHRASE.as_bytes(), "sha256", n);
        assert_eq!(envelope::open_chunk(&sealed, "benchmark", PASSPHRASE.as_bytes(), "sha256", n).unwrap().len(), chunk.len());
    }
    let sealing = started.elapsed();

    let mb = |b: u64| b as f64 / 1e6;
    let s = |d: Duration| d.as_secs_f64();
    println!("a day's work: {results} results recorded one at a time, {evidence} evidence files of 1 MB; {prior} files of 1 MB from earlier days");
    println!("  sync: {} changes out ({:.2} s), {} trail entries in ({:.2} s)", sent.sent.len(), s(sending), received.received.len(), s(syncing - sending));
    println!("  whole-file copy (baseline)   {:>9.1} MB {:>8.2} s", mb(copy_bytes), s(copying));
    println!(
        "  sync through the folder      {:>9.1} MB {:>8.2} s   bytes {:.2}x, time {:.2}x",
        mb(sync_bytes),
        s(syncing),
        sync_bytes as f64 / copy_bytes as f64,
        s(syncing) / s(copying)
    );
    println!(
        "  least any sync must do: {} signatures checked ({:.2} s), {evidence} MB sealed and opened ({:.2} s): {:.2}x the copy",
        checks.len(),
        s(checking),
        s(sealing),
        s(checking + sealing) / s(copying)
    );
}
