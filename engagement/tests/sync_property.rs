//! Three auditors, each with a copy of the engagement, each working in their own processes (the
//! `tickmark` command, or this test opening their copy with their key where the command has no
//! verb for it): random edits of every kind made offline (grid results, including the same cells
//! on several copies, review notes, exceptions and management's responses, procedures,
//! conclusions, sign-offs and their withdrawal, walkthroughs, evidence files, a population and
//! a sample drawn from it, taking and releasing a control, request statuses), syncs at random
//! moments, some of them killed (SIGKILL) part-way. Afterwards, once every copy has synced twice
//! more: all three hold the same work, every copy's trail holds every edit anyone made, every
//! copy lists the same conflicts, and every copy verifies.
//!
//! Each seed is one scenario; `TICKMARK_SYNC_SEEDS=n` runs n of them (three by default),
//! `TICKMARK_SYNC_SEED=k` the k-th alone.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::workflow::test_a_control;
use common::*;
use engagement::control::ControlInput;
use engagement::keys::PersonalKey;
use engagement::walkthrough::{WalkthroughInput, WalkthroughKind};
use engagement::Error;
use engagement::model::{Role, TeamMember};
use engagement::request::{RequestInput, RequestStatus};
use engagement::EngagementFile;
use rand::{RngExt, SeedableRng};

const KEY_PASSPHRASE: &str = "three auditors, one engagement";

struct Auditor {
    initials: &'static str,
    copy: PathBuf,
    key_file: PathBuf,
}

impl Auditor {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tickmark"));
        command
            .args(args)
            .env("TICKMARK_PASSPHRASE", PASSPHRASE)
            .env("TICKMARK_USER", self.initials)
            .env("TICKMARK_KEY", &self.key_file)
            .env("TICKMARK_KEY_PASSPHRASE", KEY_PASSPHRASE)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }
}

fn copy_arg(a: &Auditor) -> &str {
    a.copy.to_str().unwrap()
}

fn scenario(seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let keys: Vec<PersonalKey> = [("Dana Whitfield", "DW"), ("Joaquín Ibáñez", "JI"), ("Tomasz Wójcik", "TW")].iter().map(|(n, i)| PersonalKey::generate(n, i)).collect();
    let mut new = new_engagement();
    let roles = [Role::Senior, Role::Manager, Role::Staff];
    new.team = keys.iter().zip(roles).map(|(k, role)| TeamMember { name: k.name.clone(), initials: k.initials.clone(), role, public_key: Some(k.public_key()) }).collect();
    let first = dir.path().join("DW.tickmark");
    let mut file = EngagementFile::create_signed(&first, PASSPHRASE, &new, Some(&keys[0])).unwrap();
    let tested = test_a_control(&mut file);
    for n in 1..=3 {
        file.add_request(&RequestInput { number: format!("PBC-{n}"), title: format!("Listing {n}"), control_id: Some(tested.control), requested_on: date("2026-10-01"), due_on: None, status: RequestStatus::Open }).unwrap();
    }
    let reference = file.control(tested.control).unwrap().reference;
    // A second control, untested: its population and sample are drawn during the scenario.
    let second = ControlInput { reference: "CC6.2-01".into(), criteria: vec!["CC6.2".into()], ..change_control() };
    let (second_control, second_reference) = (file.add_control(&second).unwrap(), second.reference);
    let listing = dir.path().join("access-reviews.csv");
    let rows: String = (1..=40).map(|n| format!("AR-{n:03},2026-0{}-1{}\n", 1 + n % 9, n % 10)).collect();
    std::fs::write(&listing, format!("id,date\n{rows}")).unwrap();
    let items: Vec<String> = file.workpaper(tested.control).unwrap().sample.unwrap().items.iter().take(4).map(|i| i.key.clone()).collect();
    file.share(&folder).unwrap();
    file.close().unwrap();
    let auditors: Vec<Auditor> = keys
        .iter()
        .map(|k| {
            let initials: &'static str = Box::leak(k.initials.clone().into_boxed_str());
            let key_file = dir.path().join(format!("{initials}.tickmark-key"));
            k.write(&key_file, KEY_PASSPHRASE).unwrap();
            let copy = dir.path().join(format!("{initials}.tickmark"));
            if initials != "DW" {
                EngagementFile::join(&folder, &copy, PASSPHRASE).unwrap().0.close().unwrap();
            }
            Auditor { initials, copy, key_file }
        })
        .collect();

    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let folder_arg = folder.to_str().unwrap();
    let mut tags: Vec<String> = Vec::new();
    let mut killed = 0;
    let mut signed = 0;
    for step in 0..40 {
        let index = rng.random_range(0..3);
        let who = &auditors[index];
        let tag = format!("seed {seed} step {step} by {}", who.initials);
        // An edit this test makes in its own process, on the auditor's copy with their key: kept
        // as a tag when done; refused only by a rule of the audit (a locked workpaper, say).
        let mut in_process = |edit: &mut dyn FnMut(&mut EngagementFile) -> engagement::Result<i64>| {
            let mut file = EngagementFile::open(&who.copy, PASSPHRASE).unwrap();
            file.sign_in(&keys[index]).unwrap();
            match edit(&mut file) {
                Ok(_) => tags.push(tag.clone()),
                Err(e) => assert!(matches!(e, Error::Invalid { .. } | Error::Locked { .. }), "seed {seed} step {step}: {e}"),
            }
            file.close().unwrap();
        };
        match rng.random_range(0..26) {
            0..=3 => {
                let item = &items[rng.random_range(0..items.len())];
                let attribute = ["A", "B"][rng.random_range(0..2)];
                let outcome = if rng.random_bool(0.8) { "pass" } else { "deviation" };
                let sheet = dir.path().join(format!("results-{step}.csv"));
                std::fs::write(&sheet, format!("key,attribute,outcome,note\n{item},{attribute},{outcome},{tag}\n")).unwrap();
                // Refused (exit 1) once the workpaper is signed on this copy.
                let out = who.run(&["results", copy_arg(who), "--control", &reference, "--from", sheet.to_str().unwrap()]);
                if done_or_refused(&out, "results") {
                    tags.push(tag);
                }
            }
            4 => {
                let out = who.run(&["note", "raise", copy_arg(who), "--control", &reference, "--text", &tag]);
                assert!(out.status.success(), "note: {}", String::from_utf8_lossy(&out.stderr));
                tags.push(tag);
            }
            9 | 10 | 19 => {
                let role = ["preparer", "reviewer"][rng.random_range(0..2)];
                let out = if rng.random_bool(0.7) {
                    who.run(&["sign", copy_arg(who), "--control", &reference, "--role", role])
                } else {
                    who.run(&["unsign", copy_arg(who), "--control", &reference, "--role", role, "--reason", &tag])
                };
                if done_or_refused(&out, "sign") {
                    signed += 1;
                }
            }
            11 | 20 => {
                let conclusion = ["no-exceptions", "exceptions-noted"][rng.random_range(0..2)];
                let out = who.run(&["conclude", copy_arg(who), "--control", &reference, "--conclusion", conclusion, "--basis", &tag]);
                if done_or_refused(&out, "conclude") {
                    tags.push(tag);
                }
            }
            12 => {
                let exception = rng.random_range(1..=2).to_string();
                let out = who.run(&["response", copy_arg(who), "--exception", &exception, "--text", &tag, "--by", "Head of Engineering"]);
                if done_or_refused(&out, "response") {
                    tags.push(tag);
                }
            }
            17 | 18 => {
                // Answer or clear one of the notes this copy holds (the reviewer who raised it
                // clears it, once answered), so that a workpaper can come to be signed.
                let file = EngagementFile::open(&who.copy, PASSPHRASE).unwrap();
                let open: Vec<i64> = file.review_notes(None).unwrap().iter().filter(|n| n.cleared_by.is_none()).map(|n| n.id).collect();
                file.close().unwrap();
                if let Some(note) = (!open.is_empty()).then(|| open[rng.random_range(0..open.len())].to_string()) {
                    let out = if rng.random_bool(0.5) {
                        who.run(&["note", "respond", copy_arg(who), "--note", &note, "--text", &tag])
                    } else {
                        who.run(&["note", "clear", copy_arg(who), "--note", &note])
                    };
                    if done_or_refused(&out, "note") && String::from_utf8_lossy(&out.stdout).contains("response") {
                        tags.push(tag);
                    }
                }
            }
            13 => in_process(&mut |file| {
                let input = WalkthroughInput {
                    control_id: if rng.random_bool(0.5) { tested.control } else { second_control },
                    kind: WalkthroughKind::Walkthrough,
                    held_on: date("2026-10-05"),
                    attendees: vec!["Head of Engineering".into()],
                    narrative: tag.clone(),
                    evidence: vec![],
                };
                file.add_walkthrough(&input)
            }),
            14 => in_process(&mut |file| {
                // Now and then over a megabyte, so that a file travels in more than one chunk.
                let mut bytes = vec![0u8; rng.random_range(1..1_300_000)];
                rand::fill(&mut bytes[..]);
                let path = dir.path().join(format!("{tag}.bin"));
                std::fs::write(&path, &bytes).unwrap();
                let control = if rng.random_bool(0.5) { tested.control } else { second_control };
                file.attach_evidence(&path, None, Some(control), date("2026-10-06"), &mut engagement::progress::silent)
            }),
            15 => {
                let out = who.run(&[
                    "import-population", copy_arg(who), "--control", &second_reference, "--source", listing.to_str().unwrap(),
                    "--key", "id", "--date", "date", "--description", &tag,
                ]);
                if done_or_refused(&out, "import-population") {
                    tags.push(tag);
                }
            }
            16 => {
                let out = who.run(&["sample", copy_arg(who), "--control", &second_reference, "--size", "5", "--reason", &tag]);
                if done_or_refused(&out, "sample") {
                    tags.push(tag);
                }
            }
            5 => {
                // Refused (exit 1) when the item is not a deviation on this copy, or written up.
                let item = rng.random_range(1..=items.len()).to_string();
                let out = who.run(&["exception", copy_arg(who), "--control", &reference, "--description", &tag, "--items", &item]);
                assert!(matches!(out.status.code(), Some(0 | 1)), "exception: {}", String::from_utf8_lossy(&out.stderr));
                if out.status.success() {
                    tags.push(tag);
                }
            }
            8 => {
                let out = who.run(&["procedure", "add", copy_arg(who), "--control", &reference, "--nature", "inspection", "--text", &tag]);
                assert!(out.status.success(), "procedure: {}", String::from_utf8_lossy(&out.stderr));
                tags.push(tag);
            }
            6 => {
                let taking = rng.random_bool(0.5);
                let out = who.run(&[if taking { "take" } else { "release" }, copy_arg(who), "--control", &reference]);
                assert!(out.status.success() || !taking, "take: {}", String::from_utf8_lossy(&out.stderr));
            }
            7 => {
                let request = format!("PBC-{}", rng.random_range(1..=3));
                let status = ["received", "open"][rng.random_range(0..2)];
                let out = who.run(&["request", copy_arg(who), "--ref", &request, "--status", status]);
                assert!(out.status.code() != Some(101), "request: {}", String::from_utf8_lossy(&out.stderr));
            }
            _ => {
                let mut child = who.command(&["sync", copy_arg(who), "--folder", folder_arg]).spawn().unwrap();
                if rng.random_bool(0.4) {
                    std::thread::sleep(Duration::from_millis(rng.random_range(0..60)));
                    if child.try_wait().unwrap().is_none() {
                        child.kill().unwrap();
                        killed += 1;
                    }
                }
                let out = child.wait_with_output().unwrap();
                assert!(out.status.code() != Some(2), "sync: {}", String::from_utf8_lossy(&out.stderr));
            }
        }
    }
    for _ in 0..2 {
        for who in &auditors {
            let out = who.run(&["sync", copy_arg(who), "--folder", folder_arg]);
            assert!(out.status.success(), "final sync of {}: {}{}", who.initials, String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        }
    }

    let first_content = content(&auditors[0].copy);
    let mut conflict_lists = Vec::new();
    for who in &auditors {
        assert!(content(&who.copy) == first_content, "seed {seed}: {}'s copy differs from DW's", who.initials);
        let file = EngagementFile::open(&who.copy, PASSPHRASE).unwrap();
        let verified = file.verify().unwrap();
        assert!(verified.is_intact(), "seed {seed}: {}'s copy: {:?}", who.initials, verified.problems);
        let entries = file.trail(None).unwrap();
        let trail: String = entries.iter().filter_map(|e| e.after.clone()).collect();
        if who.initials == "DW" {
            let mut kinds = std::collections::BTreeMap::<String, usize>::new();
            for e in entries.iter().filter(|e| e.clock > 0) {
                *kinds.entry(format!("{} {}", e.action, e.entity)).or_default() += 1;
            }
            eprintln!("seed {seed}: what the copies did, from the trail: {kinds:?}");
        }
        for tag in &tags {
            assert!(trail.contains(tag.as_str()), "seed {seed}: {}'s trail lacks \"{tag}\"", who.initials);
        }
        conflict_lists.push(file.sync_conflicts().unwrap());
        file.close().unwrap();
    }
    assert!(conflict_lists.windows(2).all(|w| w[0] == w[1]), "seed {seed}: the conflicts lists differ");
    eprintln!("seed {seed}: {} edits and {signed} sign-offs, {killed} syncs killed, {} conflicts listed", tags.len(), conflict_lists[0].len());
}

/// Whether a command did what it was asked: true when done, false when refused, by a rule of the
/// audit (exit 1) or as not possible on this copy now (exit 2: no sign-off to withdraw, no such
/// exception yet); a damaged or busy file, or a crash, fails the test.
fn done_or_refused(out: &Output, what: &str) -> bool {
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let broken = ["is damaged", "open in another window", "panicked", "not a Tickmark engagement", "could not be written into the file"].iter().any(|w| said.contains(w));
    assert!(matches!(out.status.code(), Some(0..=2)) && !broken, "{what}: {said}");
    out.status.success()
}

#[test]
fn three_auditors_editing_offline_and_syncing_at_random_converge_and_lose_nothing() {
    let number = |name: &str| std::env::var(name).ok().and_then(|s| s.parse::<u64>().ok());
    let seeds = match number("TICKMARK_SYNC_SEED") {
        Some(seed) => seed..=seed,
        None => 1..=number("TICKMARK_SYNC_SEEDS").unwrap_or(3),
    };
    for seed in seeds {
        scenario(seed);
    }
}
