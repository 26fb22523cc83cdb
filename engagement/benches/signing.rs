//! Benchmark (on demand: `cargo bench -p engagement --bench signing`): what personal keys cost
//! the trail. 100,000 entries chained with SHA-256 as the trail chains them (the baseline), then
//! each entry's hash signed with an Ed25519 key as a keyed author's entries are, then every
//! signature verified as `verify` does; and one key unlocked from its file (Argon2id, 64 MiB).
//! Prints times and ratios to the baseline from the same run.

use std::time::Instant;

use engagement::keys::{self, PersonalKey};
use sha2::{Digest, Sha256};

const ENTRIES: usize = 100_000;

fn main() {
    let started = Instant::now();
    let mut prev = "0".repeat(64);
    let mut hashes = Vec::with_capacity(ENTRIES);
    for seq in 0..ENTRIES {
        let mut h = Sha256::new();
        for field in [seq.to_string(), "2026-03-04T10:00:00.000Z".into(), "DW".into(), "edit".into(), "test_result".into(), format!("{{\"id\":{seq},\"outcome\":\"pass\"}}"), prev.clone()] {
            h.update((field.len() as u64).to_le_bytes());
            h.update(field.as_bytes());
        }
        prev = hex::encode(h.finalize());
        hashes.push(prev.clone());
    }
    let chaining = started.elapsed();

    let key = PersonalKey::generate("Bench Runner", "BR");
    let public = key.public_key();
    let started = Instant::now();
    let signatures: Vec<String> = hashes.iter().map(|h| key.sign(h.as_bytes())).collect();
    let signing = started.elapsed();
    let started = Instant::now();
    let verifier = keys::Verifier::new(&public).unwrap();
    let verified = hashes.iter().zip(&signatures).filter(|(h, s)| verifier.verify(h.as_bytes(), s)).count();
    let verifying = started.elapsed();
    assert_eq!(verified, ENTRIES);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("BR.tickmark-key");
    key.write(&path, "bench key passphrase of some length").unwrap();
    let started = Instant::now();
    PersonalKey::unlock(&path, "bench key passphrase of some length").unwrap();
    let unlocking = started.elapsed();

    let ratio = |d: std::time::Duration| d.as_secs_f64() / chaining.as_secs_f64();
    println!("{ENTRIES} trail entries");
    println!("  SHA-256 chaining (baseline)  {:>8.3} s", chaining.as_secs_f64());
    println!("  Ed25519 signing              {:>8.3} s  {:>6.2}x", signing.as_secs_f64(), ratio(signing));
    println!("  Ed25519 verifying            {:>8.3} s  {:>6.2}x", verifying.as_secs_f64(), ratio(verifying));
    println!("one key unlocked (Argon2id)    {:>8.3} s", unlocking.as_secs_f64());
}
