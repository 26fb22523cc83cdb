//! On-demand benchmark: `cargo bench -p sampling`. Prints one table; each figure is the median
//! of repeated runs and is also given as a ratio to a baseline measured in the same run (drawing
//! the same number of raw ChaCha20 words), so figures compare across machines.

use std::hint::black_box;
use std::time::{Duration, Instant};

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use sampling::{
    attribute_sample_size, cell, monetary_unit, simple_random, stratified, systematic, Allocation,
    AttributePlan, Model, MusBasis, MusVariant, Seed, SeedOrigin,
};

const ORIGIN: SeedOrigin = SeedOrigin::Derived;

type Draw = fn(Seed, SeedOrigin, u64, u64) -> sampling::Result<sampling::Selection>;

/// Median wall time of `f`, repeated until about `budget` has passed (at least 5 runs).
fn median(budget: Duration, mut f: impl FnMut()) -> Duration {
    let started = Instant::now();
    let mut times = Vec::new();
    while times.len() < 5 || (started.elapsed() < budget && times.len() < 10_000) {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

fn raw_words(seed: &Seed, count: u64) -> Duration {
    median(Duration::from_millis(200), || {
        let mut rng = ChaCha20Rng::from_seed(seed.0);
        let mut acc = 0u64;
        for _ in 0..count {
            acc ^= rng.next_u64();
        }
        black_box(acc);
    })
}

fn row(what: &str, time: Duration, baseline: Duration) {
    println!(
        "| {what:<52} | {:>12.3} | {:>12.3} | {:>10.1} |",
        time.as_secs_f64() * 1e6,
        baseline.as_secs_f64() * 1e6,
        time.as_secs_f64() / baseline.as_secs_f64()
    );
}

fn main() {
    let seed = Seed::derive("bench", "bench", "bench");
    println!(
        "| {:<52} | {:>12} | {:>12} | {:>10} |",
        "operation", "median µs", "baseline µs", "ratio"
    );
    println!("|{:-<54}|{:->14}|{:->14}|{:->12}|", "", "", "", "");
    let budget = Duration::from_millis(300);
    for n in [60u64, 10_000] {
        let baseline = raw_words(&seed, n);
        row(
            &format!("{n} raw ChaCha20 words (baseline)"),
            baseline,
            baseline,
        );
        for population in [10_000u64, 10_000_000] {
            let draws: [(&str, Draw); 3] = [
                ("simple random", simple_random),
                ("systematic", systematic),
                ("cell", cell),
            ];
            for (name, draw) in draws {
                let time = median(budget, || {
                    black_box(draw(seed, ORIGIN, population, n).unwrap());
                });
                row(&format!("{name}, {n} of {population}"), time, baseline);
            }
        }
        let labels: Vec<String> = (0..10_000)
            .map(|i| format!("2024-{:02}", 1 + i % 12))
            .collect();
        let time = median(budget, || {
            black_box(
                stratified(
                    seed,
                    ORIGIN,
                    &labels,
                    &Allocation::Proportional { sample_size: n },
                )
                .unwrap(),
            );
        });
        row(
            &format!("stratified by month, {n} of 10000"),
            time,
            baseline,
        );
        let mut amounts_rng = ChaCha20Rng::from_seed([3; 32]);
        let amounts: Vec<i64> = (0..1_000_000)
            .map(|_| (amounts_rng.next_u64() % 1_000_000) as i64 - 10_000)
            .collect();
        for variant in [MusVariant::Fixed, MusVariant::Cell] {
            let time = median(budget, || {
                black_box(
                    monetary_unit(seed, ORIGIN, &amounts, MusBasis::SampleSize(n), variant)
                        .unwrap(),
                );
            });
            row(
                &format!("monetary unit {variant:?}, {n} hits over 1000000 amounts"),
                time,
                baseline,
            );
        }
    }
    let baseline = raw_words(&seed, 60);
    for confidence in [0.95, 0.90] {
        let time = median(Duration::from_secs(2), || {
            for tolerable in [2u64, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20] {
                for expected in (0..=16).map(|q| q * 25).chain([500, 600, 700]) {
                    if expected < tolerable * 100 {
                        let plan = AttributePlan {
                            confidence,
                            tolerable_rate: tolerable as f64 / 100.0,
                            expected_rate: expected as f64 / 10_000.0,
                            population: None,
                            model: Model::Binomial,
                        };
                        let _ = black_box(attribute_sample_size(&plan));
                    }
                }
            }
        });
        row(
            &format!(
                "plan a full AICPA table at {:.0}% (vs 60 words)",
                confidence * 100.0
            ),
            time,
            baseline,
        );
    }
}
