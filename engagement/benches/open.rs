//! Benchmark (on demand: `cargo bench -p engagement --bench open`): opening a large engagement
//! to its overview. The file holds 150 controls, about 10,000 sample items and about 20,000
//! trail entries. Key derivation (SQLCipher 4's PBKDF2, deliberately slow) is measured on its
//! own in the same run, on a one-table database with the same passphrase, and reported apart.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use engagement::control::{AttributeInput, ControlInput, Nature};
use engagement::model::{Category, Examination, NewEngagement, Role, TeamMember};
use engagement::population::ColumnMapping;
use engagement::sample::{SampleMethod, SampleRequest, SizeRequest};
use engagement::testing::{Outcome, TestResult};
use engagement::EngagementFile;

const PASSPHRASE: &str = "benchmark passphrase";
const CONTROLS: usize = 150;
const ITEMS_PER_SAMPLE: u64 = 67;
const RUNS: usize = 7;

fn build(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("large.tickmark");
    let date = |s: &str| s.parse::<NaiveDate>().unwrap();
    let new = NewEngagement {
        client: "Benchmark Co.".into(),
        system: "Platform".into(),
        examination: Examination::Type2 { period_start: date("2026-01-01"), period_end: date("2026-12-31") },
        categories: vec![Category::Security],
        team: vec![TeamMember { name: "Bench Runner".into(), initials: "BR".into(), role: Role::Senior, public_key: None }],
    };
    let mut file = EngagementFile::create(&path, PASSPHRASE, &new).unwrap();
    let listing = dir.join("listing.csv");
    let mut csv = String::from("id,date\n");
    for i in 0..500 {
        csv.push_str(&format!("K{i:05},2026-{:02}-15\n", 1 + i % 12));
    }
    std::fs::write(&listing, csv).unwrap();
    let mapping = ColumnMapping { key: "id".into(), date: Some("date".into()), amount: None, stratum: None };
    for c in 0..CONTROLS {
        let control = file
            .add_control(&ControlInput {
                reference: format!("CC{}.1-{c:03}", 1 + c % 9),
                description: format!("Control activity number {c}, performed and evidenced as the policy requires."),
                criteria: vec![format!("CC{}.1", 1 + c % 9)],
                frequency: sampling::Frequency::AsNeeded,
                nature: Nature::Manual,
                owner: "Owner".into(),
                attributes: vec![
                    AttributeInput { label: "A".into(), question: "Performed?".into() },
                    AttributeInput { label: "B".into(), question: "Evidenced?".into() },
                ],
            })
            .unwrap();
        let population = file.import_population(control, &listing, &mapping, "listing", &mut |_| true).unwrap();
        let sample = file
            .draw_sample(&SampleRequest {
                control_id: control,
                population_id: population,
                method: SampleMethod::SimpleRandom,
                size: SizeRequest::Fixed { n: ITEMS_PER_SAMPLE, reason: "benchmark".into() },
                seed: None,
                seed_reason: None,
            })
            .unwrap();
        let attributes = file.control(control).unwrap().attributes;
        for position in 0..ITEMS_PER_SAMPLE as i64 {
            for a in &attributes {
                file.record_result(&TestResult { sample_id: sample, position, attribute_id: a.id, outcome: Outcome::Pass, tickmark: None, note: None, evidence: vec![] }).unwrap();
            }
        }
    }
    file.close().unwrap();
    path
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let path = build(dir.path());
    println!("built {} in {:.1?} ({} MB)", path.display(), started.elapsed(), std::fs::metadata(&path).unwrap().len() / 1_000_000);

    let tiny = dir.path().join("tiny.db");
    {
        let c = rusqlite::Connection::open(&tiny).unwrap();
        c.pragma_update(None, "key", PASSPHRASE).unwrap();
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    }
    let kdf = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                let c = rusqlite::Connection::open(&tiny).unwrap();
                c.pragma_update(None, "key", PASSPHRASE).unwrap();
                c.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0)).unwrap();
                t.elapsed()
            })
            .collect(),
    );

    let (mut opens, mut overviews, mut entries, mut items) = (Vec::new(), Vec::new(), 0, 0);
    for _ in 0..RUNS {
        let t = Instant::now();
        let file = EngagementFile::open(&path, PASSPHRASE).unwrap();
        let opened = t.elapsed();
        let o = file.overview().unwrap();
        overviews.push(t.elapsed() - opened);
        opens.push(opened);
        entries = o.trail_entries;
        items = o.controls.iter().map(|c| c.results_expected / 2).sum::<i64>();
        file.close().unwrap();
    }
    let (open, overview) = (median(opens), median(overviews));
    println!("{CONTROLS} controls, {items} sample items, {entries} trail entries; medians of {RUNS} runs\n");
    println!("{:<44} {:>10} {:>12}", "step", "ms", "x KDF");
    let row = |name: &str, d: Duration| println!("{name:<44} {:>10.1} {:>12.2}", d.as_secs_f64() * 1e3, d.as_secs_f64() / kdf.as_secs_f64());
    row("key derivation alone (baseline)", kdf);
    row("open: key, checks, integrity check", open);
    row("overview query", overview);
    row("open to overview, key derivation excluded", (open + overview).saturating_sub(kdf));
}
