//! Three auditors, each with a copy of the engagement, each working in their own processes (the
//! `tickmark` command): random edits of several kinds made offline (grid results, including
//! the same cells on several copies, review notes, exceptions, procedures, taking and releasing
//! a control, request statuses), syncs at random moments, some of them killed (SIGKILL) part-way. Afterwards, once
//! every copy has synced twice more: all three hold the same work, every copy's trail holds
//! every edit anyone made, every copy lists the same conflicts, and every copy verifies.
//!
//! Each seed is one scenario; `TICKMARK_SYNC_SEEDS=n` runs n of them (three by default).

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::workflow::test_a_control;
use common::*;
use engagement::keys::PersonalKey;
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
    new.team = keys.iter().map(|k| TeamMember { name: k.name.clone(), initials: k.initials.clone(), role: Role::Senior, public_key: Some(k.public_key()) }).collect();
    let first = dir.path().join("DW.tickmark");
    let mut file = EngagementFile::create_signed(&first, PASSPHRASE, &new, Some(&keys[0])).unwrap();
    let tested = test_a_control(&mut file);
    for n in 1..=3 {
        file.add_request(&RequestInput { number: format!("PBC-{n}"), title: format!("Listing {n}"), control_id: Some(tested.control), requested_on: date("2026-10-01"), due_on: None, status: RequestStatus::Open }).unwrap();
    }
    let reference = file.control(tested.control).unwrap().reference;
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
    for step in 0..30 {
        let who = &auditors[rng.random_range(0..3)];
        let tag = format!("seed {seed} step {step} by {}", who.initials);
        match rng.random_range(0..12) {
            0..=3 => {
                let item = &items[rng.random_range(0..items.len())];
                let attribute = ["A", "B"][rng.random_range(0..2)];
                let outcome = ["pass", "deviation"][rng.random_range(0..2)];
                let sheet = dir.path().join(format!("results-{step}.csv"));
                std::fs::write(&sheet, format!("key,attribute,outcome,note\n{item},{attribute},{outcome},{tag}\n")).unwrap();
                let out = who.run(&["results", copy_arg(who), "--control", &reference, "--from", sheet.to_str().unwrap()]);
                assert!(out.status.success(), "results: {}", String::from_utf8_lossy(&out.stderr));
                tags.push(tag);
            }
            4 => {
                let out = who.run(&["note", "raise", copy_arg(who), "--control", &reference, "--text", &tag]);
                assert!(out.status.success(), "note: {}", String::from_utf8_lossy(&out.stderr));
                tags.push(tag);
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
        let trail: String = file.trail(None).unwrap().iter().filter_map(|e| e.after.clone()).collect();
        for tag in &tags {
            assert!(trail.contains(tag.as_str()), "seed {seed}: {}'s trail lacks \"{tag}\"", who.initials);
        }
        conflict_lists.push(file.sync_conflicts().unwrap());
        file.close().unwrap();
    }
    assert!(conflict_lists.windows(2).all(|w| w[0] == w[1]), "seed {seed}: the conflicts lists differ");
    eprintln!("seed {seed}: {} edits, {killed} syncs killed, {} conflicts listed", tags.len(), conflict_lists[0].len());
}

#[test]
fn three_auditors_editing_offline_and_syncing_at_random_converge_and_lose_nothing() {
    let seeds: u64 = std::env::var("TICKMARK_SYNC_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    for seed in 1..=seeds {
        scenario(seed);
    }
}
