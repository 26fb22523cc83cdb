//! Golden vectors: the draws this version makes, stored under `tests/golden/` and re-performed
//! by `tests/sampling_reference/reperform.py`. A change to any of them changes recorded samples
//! and must never happen silently. `UPDATE_GOLDEN=1` rewrites the files (only ever for a new
//! vector, never to paper over a changed one).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use sampling::stream::{Stream, EXTENSION_STREAM, SELECTION_STREAM};
use sampling::{
    cell, extend, monetary_unit, period_labels, reperform, simple_random, stratified, systematic,
    Allocation, MusBasis, MusVariant, PeriodSlice, Population, Seed, SeedOrigin, Selection,
};

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum PopulationData {
    Size(u64),
    Labels(Vec<String>),
    Amounts(Vec<i64>),
}

impl PopulationData {
    fn view(&self) -> Population<'_> {
        match self {
            PopulationData::Size(size) => Population::Size(*size),
            PopulationData::Labels(labels) => Population::Labels(labels),
            PopulationData::Amounts(amounts) => Population::Amounts(amounts),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct SelectionCase {
    name: String,
    population: PopulationData,
    selection: Selection,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct SeedCase {
    engagement_id: String,
    control_ref: String,
    population_fingerprint: String,
    seed: Seed,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct BelowCase {
    bound: u64,
    value: u64,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct StreamCase {
    seed: Seed,
    stream: u64,
    words: Vec<u64>,
    below: Vec<BelowCase>,
}

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares freshly computed vectors with the stored file, or writes them when asked to.
fn pin<T: Serialize>(name: &str, computed: &T) {
    let path = golden_path(name);
    let computed = serde_json::to_value(computed).unwrap();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&computed).unwrap() + "\n",
        )
        .unwrap();
    }
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        stored, computed,
        "{name} no longer matches this version's output"
    );
}

fn demo_seed() -> Seed {
    Seed::derive("ENG-2024-NORTHWIND", "CC6.1-03", &"ab".repeat(32))
}

fn explicit_seed() -> Seed {
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        .parse()
        .unwrap()
}

#[test]
fn seed_derivation_is_pinned() {
    let inputs = [
        ("ENG-2024-NORTHWIND", "CC6.1-03", "ab".repeat(32)),
        ("", "", String::new()),
        (
            "Ünïcödé engagement",
            "CC7.2 — change management",
            "0".repeat(64),
        ),
        ("a", "bc", "d".into()),
        ("ab", "c", "d".into()),
    ];
    let cases: Vec<SeedCase> = inputs
        .into_iter()
        .map(|(engagement_id, control_ref, fingerprint)| SeedCase {
            seed: Seed::derive(engagement_id, control_ref, &fingerprint),
            engagement_id: engagement_id.into(),
            control_ref: control_ref.into(),
            population_fingerprint: fingerprint,
        })
        .collect();
    pin("seeds.json", &cases);
}

#[test]
fn stream_and_index_mapping_are_pinned() {
    let bounds = [
        1,
        2,
        3,
        10,
        1_000,
        10_000_000,
        (1 << 32) + 1,
        (1 << 63) + 1,
        u64::MAX,
    ];
    let mut cases = Vec::new();
    for (seed, stream) in [
        (explicit_seed(), SELECTION_STREAM),
        (demo_seed(), SELECTION_STREAM),
        (demo_seed(), EXTENSION_STREAM),
    ] {
        let mut words = Stream::new(&seed, stream);
        let words = (0..40).map(|_| words.next_word()).collect();
        let mut draws = Stream::new(&seed, stream);
        let below = bounds
            .iter()
            .cycle()
            .take(45)
            .map(|&bound| BelowCase {
                bound,
                value: draws.below(bound),
            })
            .collect();
        cases.push(StreamCase {
            seed,
            stream,
            words,
            below,
        });
    }
    pin("stream.json", &cases);
}

/// A made-up ledger: mostly ordinary invoices, some credits and zero lines, and a few amounts
/// above any interval used below, generated from a fixed stream so the file is reproducible.
fn ledger(count: usize) -> Vec<i64> {
    let mut stream = Stream::new(&Seed::derive("golden", "ledger", ""), SELECTION_STREAM);
    (0..count)
        .map(|_| match stream.below(20) {
            0 => -(stream.below(50_000) as i64),
            1 => 0,
            2 => 5_000_000 + stream.below(5_000_000) as i64,
            _ => 100 + stream.below(250_000) as i64,
        })
        .collect()
}

fn selection_cases() -> Vec<SelectionCase> {
    let (derived, explicit) = (SeedOrigin::Derived, SeedOrigin::Explicit);
    let seed = demo_seed();
    let size = |name: &str, population: u64, selection: Selection| SelectionCase {
        name: name.into(),
        population: PopulationData::Size(population),
        selection,
    };
    let mut month_stream = Stream::new(&Seed::derive("golden", "months", ""), SELECTION_STREAM);
    let months: Vec<(i32, u8)> = (0..300)
        .map(|_| (2024, 1 + month_stream.below(12) as u8))
        .collect();
    let labels = period_labels(&months, PeriodSlice::Month).unwrap();
    let quarters = period_labels(&months, PeriodSlice::Quarter).unwrap();
    let amounts = ledger(400);
    let simple = simple_random(seed, derived, 1000, 60).unwrap();
    let fixed = monetary_unit(
        seed,
        derived,
        &amounts,
        MusBasis::SampleSize(40),
        MusVariant::Fixed,
    )
    .unwrap();
    let strata = stratified(
        seed,
        derived,
        &labels,
        &Allocation::Proportional { sample_size: 25 },
    )
    .unwrap();
    let counts: BTreeMap<String, u64> = [("2024-Q1", 2), ("2024-Q2", 3), ("2024-Q4", 5)]
        .into_iter()
        .map(|(label, count)| (label.to_owned(), count))
        .collect();
    let system = systematic(seed, derived, 1000, 25).unwrap();
    vec![
        size(
            "simple random, whole population",
            10,
            simple_random(seed, derived, 10, 10).unwrap(),
        ),
        size("simple random, 60 of 1,000", 1000, simple.clone()),
        size(
            "simple random, 25 of 10,000,000, explicit seed",
            10_000_000,
            simple_random(explicit_seed(), explicit, 10_000_000, 25).unwrap(),
        ),
        size(
            "simple random extended by 15",
            1000,
            extend(&simple, Population::Size(1000), 15).unwrap(),
        ),
        size("systematic, 25 of 1,000", 1000, system.clone()),
        size(
            "systematic, 3 of 7",
            7,
            systematic(seed, derived, 7, 3).unwrap(),
        ),
        size(
            "systematic extended by 5",
            1000,
            extend(&system, Population::Size(1000), 5).unwrap(),
        ),
        size(
            "cell, 25 of 1,000",
            1000,
            cell(seed, derived, 1000, 25).unwrap(),
        ),
        size("cell, 3 of 10", 10, cell(seed, derived, 10, 3).unwrap()),
        SelectionCase {
            name: "stratified by month, proportional 25".into(),
            population: PopulationData::Labels(labels.clone()),
            selection: strata.clone(),
        },
        SelectionCase {
            name: "stratified by month, extended by 4".into(),
            population: PopulationData::Labels(labels),
            selection: extend(&strata, Population::Size(300), 4).unwrap(),
        },
        SelectionCase {
            name: "stratified by quarter, counts".into(),
            population: PopulationData::Labels(quarters.clone()),
            selection: stratified(
                explicit_seed(),
                explicit,
                &quarters,
                &Allocation::Counts(counts),
            )
            .unwrap(),
        },
        SelectionCase {
            name: "monetary unit, fixed interval, 40 hits".into(),
            population: PopulationData::Amounts(amounts.clone()),
            selection: fixed.clone(),
        },
        SelectionCase {
            name: "monetary unit, cell, interval 1,500,000 cents".into(),
            population: PopulationData::Amounts(amounts.clone()),
            selection: monetary_unit(
                seed,
                derived,
                &amounts,
                MusBasis::IntervalCents(1_500_000),
                MusVariant::Cell,
            )
            .unwrap(),
        },
        SelectionCase {
            name: "monetary unit, fixed interval 2,000,000 cents".into(),
            population: PopulationData::Amounts(amounts.clone()),
            selection: monetary_unit(
                explicit_seed(),
                explicit,
                &amounts,
                MusBasis::IntervalCents(2_000_000),
                MusVariant::Fixed,
            )
            .unwrap(),
        },
        SelectionCase {
            name: "monetary unit, cell, 30 hits".into(),
            population: PopulationData::Amounts(amounts.clone()),
            selection: monetary_unit(
                seed,
                derived,
                &amounts,
                MusBasis::SampleSize(30),
                MusVariant::Cell,
            )
            .unwrap(),
        },
        SelectionCase {
            name: "monetary unit extended by 6".into(),
            population: PopulationData::Amounts(amounts.clone()),
            selection: extend(&fixed, Population::Amounts(&amounts), 6).unwrap(),
        },
    ]
}

#[test]
fn selections_are_pinned() {
    pin("selections.json", &selection_cases());
}

#[test]
fn stored_selections_reperform_from_their_records() {
    let stored: Vec<SelectionCase> =
        serde_json::from_str(&std::fs::read_to_string(golden_path("selections.json")).unwrap())
            .unwrap();
    assert!(stored.len() >= 15);
    for case in stored {
        let again = reperform(&case.selection, case.population.view()).unwrap();
        assert_eq!(again, case.selection, "{}", case.name);
    }
}
