//! On demand: `cargo bench -p engagement --bench report_archive`. Times the draft report for
//! 150 controls of 60 items each with 30 exceptions, as PDF and as Word, beside reading the
//! workpapers it is written from (goal: under a second each), and the archive bag
//! of an engagement holding 1 GB of evidence beside a plain `zip -0` of the same evidence and
//! engagement file, measured in the same run (goal: within 1.5x). TICKMARK_BENCH_EVIDENCE_MB
//! changes the amount of evidence.

#[path = "../tests/common/mod.rs"]
mod common;

use engagement::progress::silent;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{date, new_engagement};
use engagement::conclusion::{Conclusion, ConclusionInput};
use engagement::control::{AttributeInput, ControlInput, Nature};
use engagement::population::ColumnMapping;
use engagement::sample::{SampleMethod, SampleRequest, SizeRequest};
use engagement::signoff::SignoffRole;
use engagement::testing::{Outcome, TestResult};
use engagement::EngagementFile;

const CONTROLS: usize = 150;
const ITEMS: u64 = 60;
const EXCEPTIONS: usize = 30;
const PASSPHRASE: &str = "benchmark passphrase";

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = None;
    let mut out = None;
    for _ in 0..runs {
        let start = Instant::now();
        out = Some(f());
        let took = start.elapsed();
        best = Some(best.map_or(took, |b: Duration| b.min(took)));
    }
    (best.unwrap(), out.unwrap())
}

fn build(dir: &Path) -> EngagementFile {
    let mut file = EngagementFile::create(&dir.join("bench.tickmark"), PASSPHRASE, &new_engagement()).unwrap();
    let listing = dir.join("tickets.csv");
    let mut csv = std::fs::File::create(&listing).unwrap();
    writeln!(csv, "ticket_id,opened_on,summary").unwrap();
    for i in 0..400 {
        writeln!(csv, "CHG{:07},2026-{:02}-{:02},Change number {i} to the payroll platform", 40000 + i, 1 + i % 9, 1 + i % 28).unwrap();
    }
    drop(csv);
    let criteria: Vec<&str> = engagement::model::CRITERIA.iter().take(33).map(|c| c.id).collect();
    for n in 0..CONTROLS {
        let criterion = criteria[n % criteria.len()];
        let control = file
            .add_control(&ControlInput {
                reference: format!("{criterion}-{n:03}"),
                description: format!("Control {n}: changes are approved by someone other than the developer before deployment, and the approval is recorded in the ticket."),
                criteria: vec![criterion.into()],
                frequency: sampling::Frequency::MultipleTimesPerDay,
                nature: Nature::Manual,
                owner: "Head of Engineering".into(),
                attributes: vec![
                    AttributeInput { label: "A".into(), question: "Approved before deployment?".into() },
                    AttributeInput { label: "B".into(), question: "Approver is not the developer?".into() },
                ],
            })
            .unwrap();
        let mapping = ColumnMapping { key: "ticket_id".into(), date: Some("opened_on".into()), amount: None, stratum: None };
        let population = file.import_population(control, &listing, &mapping, "Ticket export", &mut |_| true).unwrap();
        let sample = file
            .draw_sample(&SampleRequest {
                control_id: control,
                population_id: population,
                method: SampleMethod::SimpleRandom,
                size: SizeRequest::Fixed { n: ITEMS, reason: "benchmark".into() },
                seed: None,
                seed_reason: None,
            })
            .unwrap();
        let attributes = file.control(control).unwrap().attributes;
        for position in 0..ITEMS as i64 {
            for a in &attributes {
                let deviation = n < EXCEPTIONS && position == 7 && a.label == "A";
                file.record_result(&TestResult {
                    sample_id: sample,
                    position,
                    attribute_id: a.id,
                    outcome: if deviation { Outcome::Deviation } else { Outcome::Pass },
                    tickmark: None,
                    note: deviation.then(|| "Deployed before approval".into()),
                    evidence: vec![],
                })
                .unwrap();
            }
        }
        if n < EXCEPTIONS {
            let e = file.add_exception(control, "For 1 of 60 changes sampled, deployment preceded approval.", &[7]).unwrap();
            file.respond_to_exception(e, "Approval is now enforced by the pipeline.", "Head of Engineering", date("2026-10-20")).unwrap();
        }
        let conclusion = if n < EXCEPTIONS { Conclusion::ExceptionsNoted } else { Conclusion::NoExceptions };
        file.set_conclusion(control, &ConclusionInput::new(conclusion, "Sixty items inspected.")).unwrap();
    }
    file
}

fn main() {
    let evidence_mb: u64 = std::env::var("TICKMARK_BENCH_EVIDENCE_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(1024);
    let dir = tempfile::tempdir().unwrap();
    eprintln!("building {CONTROLS} controls × {ITEMS} items…");
    let mut file = build(dir.path());

    // The baseline: reading every workpaper the draft is written from.
    let (load, _) = best_of(3, || file.workpapers().unwrap());
    let (report, pdf) = best_of(3, || file.report_pdf().unwrap());
    let (word, docx) = best_of(3, || file.report_docx().unwrap());
    let (workpaper, _) = best_of(3, || file.workpaper_pdf(1).unwrap());

    eprintln!("attaching {evidence_mb} MB of evidence…");
    let evidence_dir = dir.path().join("evidence");
    std::fs::create_dir(&evidence_dir).unwrap();
    let chunk_mb = 64.min(evidence_mb.max(1));
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for n in 0..evidence_mb.div_ceil(chunk_mb) {
        let path = evidence_dir.join(format!("evidence-{n:03}.bin"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for _ in 0..chunk_mb * (1 << 17) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            out.write_all(&state.to_le_bytes()).unwrap();
        }
        out.flush().unwrap();
        drop(out);
        file.attach_evidence(&path, None, None, date("2026-10-01"), &mut silent).unwrap();
    }
    // Completion needs the opinion decided by the partner: every exception evaluated, every
    // criterion concluded, as the tests' workflow does it.
    file.set_user("DW").unwrap();
    common::workflow::decide_opinion(&mut file);
    for control in file.controls().unwrap() {
        file.set_user("DW").unwrap();
        file.sign(control.id, SignoffRole::Preparer).unwrap();
        file.set_user("JI").unwrap();
        file.sign(control.id, SignoffRole::Reviewer).unwrap();
    }
    file.complete(date("2026-11-15")).unwrap();

    let mut runs = 0;
    let (archive, summary) = best_of(2, || {
        runs += 1;
        let out = dir.path().join(format!("bag-{runs}.zip"));
        let summary = file.archive(&out, &mut silent).unwrap();
        std::fs::remove_file(&out).unwrap();
        summary
    });
    let engagement_path = file.path().to_owned();
    let (plain_zip, _) = best_of(2, || {
        let out = dir.path().join("plain.zip");
        let status = Command::new("zip").arg("-0").arg("-q").arg("-r").arg(&out).arg(&evidence_dir).arg(&engagement_path).status().expect("zip is installed");
        assert!(status.success());
        std::fs::remove_file(&out).unwrap();
    });

    let secs = |d: Duration| d.as_secs_f64();
    println!();
    println!("| step | seconds | note |");
    println!("|---|---:|---|");
    println!("| reading the {CONTROLS} workpapers the draft is written from | {:.3} | baseline |", secs(load));
    println!("| draft report as PDF, {CONTROLS} controls × {ITEMS} items, {EXCEPTIONS} exceptions | {:.3} | {:.2}x the reading, {} KB, goal < 1 s |", secs(report), secs(report) / secs(load), pdf.len() / 1024);
    println!("| the same draft as Word | {:.3} | {:.2}x the reading, {} KB, goal < 1 s |", secs(word), secs(word) / secs(load), docx.len() / 1024);
    println!("| one workpaper ({ITEMS}-item grid) | {:.3} | |", secs(workpaper));
    println!("| `zip -0` of the evidence and the engagement file | {:.3} | baseline |", secs(plain_zip));
    println!(
        "| archive bag ({} files, {} MB payload) | {:.3} | {:.2}x `zip -0`, goal ≤ 1.5x |",
        summary.files,
        summary.bytes >> 20,
        secs(archive),
        secs(archive) / secs(plain_zip)
    );
    file.close().unwrap();
}
