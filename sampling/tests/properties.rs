//! Properties every draw promises, over many populations, sizes and seeds; and uniformity of
//! selection checked by chi-square over a fixed list of seeds, so the test is itself repeatable.

use std::collections::{BTreeMap, HashSet};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use sampling::{
    attribute_sample_size, cell, evaluate, extend, monetary_unit, simple_random, stratified,
    systematic, Allocation, AttributePlan, EvaluationInput, Method, Model, MusBasis, MusVariant,
    Population, Seed, SeedOrigin, Selection,
};

const ORIGIN: SeedOrigin = SeedOrigin::Explicit;

fn config() -> Config {
    Config {
        cases: 64,
        rng_seed: RngSeed::Fixed(20_240_101),
        failure_persistence: None,
        ..Config::default()
    }
}

fn seed_strategy() -> impl Strategy<Value = Seed> {
    any::<[u8; 32]>().prop_map(Seed)
}

fn assert_distinct_within(selection: &Selection) {
    let mut seen = HashSet::new();
    for &item in &selection.items {
        assert!(
            item < selection.population_size,
            "{item} outside {}",
            selection.population_size
        );
        assert!(seen.insert(item), "{item} drawn twice");
    }
}

/// Sizes where `n <= N`, weighted towards small populations where collisions would show.
fn size_and_sample() -> impl Strategy<Value = (u64, u64)> {
    prop_oneof![1u64..50, 50u64..5_000, 5_000u64..100_000_000]
        .prop_flat_map(|size| (Just(size), 1..=size.min(300)))
}

type Draw = fn(Seed, SeedOrigin, u64, u64) -> sampling::Result<Selection>;
const SIZED: [(&str, Draw); 3] = [
    ("simple random", simple_random),
    ("systematic", systematic),
    ("cell", cell),
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sized_methods_draw_n_distinct_items_in_range_repeatably(seed in seed_strategy(), (size, n) in size_and_sample()) {
        for (name, draw) in SIZED {
            let selection = draw(seed, ORIGIN, size, n).unwrap();
            prop_assert_eq!(selection.items.len() as u64, n, "{}", name);
            assert_distinct_within(&selection);
            prop_assert_eq!(&draw(seed, ORIGIN, size, n).unwrap(), &selection, "{}", name);
        }
    }

    #[test]
    fn a_different_seed_draws_a_different_sample(seed in seed_strategy(), other in seed_strategy(), size in 10_000u64..10_000_000, n in 10u64..100) {
        prop_assume!(seed != other);
        for (name, draw) in SIZED {
            prop_assert_ne!(draw(seed, ORIGIN, size, n).unwrap().items, draw(other, ORIGIN, size, n).unwrap().items, "{}", name);
        }
    }

    #[test]
    fn systematic_and_cell_take_one_item_from_every_interval(seed in seed_strategy(), (size, n) in size_and_sample()) {
        let (size, count) = (u128::from(size), u128::from(n));
        let systematic_items = systematic(seed, ORIGIN, size as u64, n).unwrap().items;
        let cell_items = cell(seed, ORIGIN, size as u64, n).unwrap().items;
        for j in 0..count {
            // Interval j spans [j·N/n, (j+1)·N/n) items: the systematic item overlaps it, the
            // cell item lies in its whole-item cell.
            let item = u128::from(systematic_items[j as usize]);
            prop_assert!(item * count < (j + 1) * size && (item + 1) * count > j * size);
            let item = u128::from(cell_items[j as usize]);
            prop_assert!(j * size / count <= item && item < (j + 1) * size / count);
        }
    }

    #[test]
    fn extending_keeps_the_sample_and_splits_freely(seed in seed_strategy(), (size, n) in size_and_sample(), first in 1u64..20, second in 1u64..20) {
        prop_assume!(n + first + second <= size);
        for (name, draw) in SIZED {
            let base = draw(seed, ORIGIN, size, n).unwrap();
            let once = extend(&base, Population::Size(size), first).unwrap();
            let twice = extend(&once, Population::Size(size), second).unwrap();
            let together = extend(&base, Population::Size(size), first + second).unwrap();
            prop_assert_eq!(&once.items[..base.items.len()], &base.items[..], "{}", name);
            prop_assert_eq!(&twice.items[..once.items.len()], &once.items[..], "{}", name);
            prop_assert_eq!(&twice, &together, "{}", name);
            assert_distinct_within(&twice);
        }
    }

    #[test]
    fn stratified_draws_each_stratum_from_its_own_records(seed in seed_strategy(), labels in prop::collection::vec(0u8..6, 1..400), share in 1u64..100) {
        let labels: Vec<String> = labels.iter().map(|l| format!("S{l}")).collect();
        let n = (labels.len() as u64 * share).div_ceil(100);
        let selection = stratified(seed, ORIGIN, &labels, &Allocation::Proportional { sample_size: n }).unwrap();
        assert_distinct_within(&selection);
        prop_assert_eq!(selection.items.len() as u64, n);
        let Method::Stratified { strata, .. } = &selection.method else { unreachable!() };
        let mut drawn = selection.items.iter();
        for stratum in strata {
            let exact = n as f64 * stratum.population as f64 / labels.len() as f64;
            prop_assert!((stratum.sample as f64 - exact).abs() < 1.0, "{stratum:?} against {exact}");
            for &item in drawn.by_ref().take(stratum.sample as usize) {
                prop_assert_eq!(&labels[item as usize], &stratum.label);
            }
        }
        let extended = extend(&selection, Population::Labels(&labels), 1);
        if n < labels.len() as u64 {
            prop_assert_eq!(&extended.unwrap().items[..n as usize], &selection.items[..]);
        } else {
            prop_assert!(extended.is_err());
        }
    }

    #[test]
    fn monetary_units_select_every_large_item_and_no_credit(seed in seed_strategy(), amounts in prop::collection::vec(-1_000i64..1_000_000, 1..300), n in 1u64..60, cell_variant in any::<bool>()) {
        let positive = amounts.iter().filter(|&&a| a > 0).count() as u64;
        prop_assume!(n <= positive);
        let variant = if cell_variant { MusVariant::Cell } else { MusVariant::Fixed };
        let selection = monetary_unit(seed, ORIGIN, &amounts, MusBasis::SampleSize(n), variant).unwrap();
        assert_distinct_within(&selection);
        prop_assert!(selection.items.len() as u64 <= n.max(1) + positive);
        let total: i64 = amounts.iter().filter(|&&a| a > 0).sum();
        for (index, &amount) in amounts.iter().enumerate() {
            let selected = selection.items.contains(&(index as u64));
            if amount <= 0 {
                prop_assert!(!selected, "credit or zero at {index} selected");
            }
            if (amount as i128) * (n as i128) >= total as i128 {
                prop_assert!(selected, "item {index} of {amount} at or above the interval missed");
            }
        }
        prop_assert_eq!(&monetary_unit(seed, ORIGIN, &amounts, MusBasis::SampleSize(n), variant).unwrap(), &selection);
        if (selection.items.len() as u64) < positive {
            let extended = extend(&selection, Population::Amounts(&amounts), 1).unwrap();
            prop_assert_eq!(&extended.items[..selection.items.len()], &selection.items[..]);
            prop_assert!(amounts[*extended.items.last().unwrap() as usize] > 0);
        }
    }

    #[test]
    fn a_planned_sample_supports_reliance_with_exactly_its_tolerable_deviations(
        confidence in prop::sample::select(vec![0.80, 0.90, 0.95, 0.99]),
        tolerable_percent in 2u64..20,
        expected_share in 0u64..70,
    ) {
        let tolerable_rate = tolerable_percent as f64 / 100.0;
        let expected_ppm = tolerable_percent * 100 * expected_share;
        let expected_rate = expected_ppm as f64 / 1e6;
        for model in [Model::Binomial, Model::Poisson] {
            let size = attribute_sample_size(&AttributePlan { confidence, tolerable_rate, expected_rate, population: None, model }).unwrap();
            prop_assert!(size.tolerable_deviations >= size.expected_deviations);
            prop_assert_eq!(size.expected_deviations, (expected_ppm * size.n).div_ceil(1_000_000));
            let outcome = |sample_size, deviations| evaluate(&EvaluationInput { sample_size, deviations, confidence, tolerable_rate, model, population: None }).unwrap().supports_reliance;
            prop_assert!(outcome(size.n, size.tolerable_deviations), "{:?}", size);
            prop_assert!(!outcome(size.n, size.tolerable_deviations + 1), "{:?}", size);
            if size.n > 1 {
                let smaller = size.n - 1;
                prop_assert!(!outcome(smaller, (expected_ppm * smaller).div_ceil(1_000_000)), "{:?}", size);
            }
        }
    }

    #[test]
    fn small_populations_need_no_more_than_the_binomial_and_never_more_than_all(
        population in 1u64..400,
        tolerable_percent in 2u64..20,
    ) {
        let plan = |model| AttributePlan { confidence: 0.95, tolerable_rate: tolerable_percent as f64 / 100.0, expected_rate: 0.0, population: Some(population), model };
        let exact = attribute_sample_size(&plan(Model::Hypergeometric)).unwrap();
        let binomial = attribute_sample_size(&plan(Model::Binomial)).unwrap();
        prop_assert!(exact.n <= population);
        prop_assert!(exact.n <= binomial.n);
        prop_assert_eq!(exact.all_items, exact.n == population);
        prop_assert_eq!(binomial.all_items, binomial.n == population);
    }
}

/// Pearson's chi-square statistic of observed counts against expected counts.
fn chi_square(observed: &[u64], expected: &[f64]) -> f64 {
    observed
        .iter()
        .zip(expected)
        .map(|(&o, &e)| (o as f64 - e).powi(2) / e)
        .sum()
}

/// The 0.1% upper point of the chi-square distribution for `df` degrees of freedom
/// (Wilson–Hilferty), so a correct method fails this test for one seed list in a thousand.
fn critical(df: usize) -> f64 {
    let (df, z) = (df as f64, 3.090_232);
    df * (1.0 - 2.0 / (9.0 * df) + z * (2.0 / (9.0 * df)).sqrt()).powi(3)
}

fn counts_over_seeds(draws: u64, size: usize, draw: impl Fn(Seed) -> Vec<u64>) -> Vec<u64> {
    let mut counts = vec![0u64; size];
    for i in 0..draws {
        for item in draw(Seed::derive("chi-square", "uniformity", &i.to_string())) {
            counts[item as usize] += 1;
        }
    }
    counts
}

#[test]
fn every_record_is_equally_likely() {
    const SIZE: u64 = 23;
    const N: u64 = 5;
    const DRAWS: u64 = 4_000;
    let mut statistics = BTreeMap::new();
    // Cell sampling is uniform only when the cells are equal, so it gets a multiple of N.
    for ((name, draw), size) in SIZED.into_iter().zip([SIZE, SIZE, N * 5]) {
        let counts = counts_over_seeds(DRAWS, size as usize, |seed| {
            draw(seed, ORIGIN, size, N).unwrap().items
        });
        statistics.insert(
            name,
            chi_square(
                &counts,
                &vec![(DRAWS * N) as f64 / size as f64; size as usize],
            ) / critical(size as usize - 1),
        );
    }
    let extension = counts_over_seeds(DRAWS, SIZE as usize, |seed| {
        let base = systematic(seed, ORIGIN, SIZE, N).unwrap();
        extend(&base, Population::Size(SIZE), 3).unwrap().items[N as usize..].to_vec()
    });
    statistics.insert(
        "extension",
        chi_square(
            &extension,
            &vec![(DRAWS * 3) as f64 / SIZE as f64; SIZE as usize],
        ) / critical(SIZE as usize - 1),
    );
    let first_positions = counts_over_seeds(DRAWS, SIZE as usize, |seed| {
        simple_random(seed, ORIGIN, SIZE, N).unwrap().items[..1].to_vec()
    });
    statistics.insert(
        "first item drawn",
        chi_square(
            &first_positions,
            &vec![DRAWS as f64 / SIZE as f64; SIZE as usize],
        ) / critical(SIZE as usize - 1),
    );
    for (name, ratio) in statistics {
        assert!(
            ratio < 1.0,
            "{name}: chi-square at {ratio:.2} of its 0.1% critical value"
        );
    }
}

#[test]
fn monetary_units_select_in_proportion_to_amount() {
    let amounts: Vec<i64> = (1..=30).map(|i| i * 1_000).chain([-500, 0]).collect();
    let total: i64 = amounts.iter().filter(|&&a| a > 0).sum();
    const N: u64 = 8;
    const DRAWS: u64 = 3_000;
    for variant in [MusVariant::Fixed, MusVariant::Cell] {
        let counts = counts_over_seeds(DRAWS, 30, |seed| {
            monetary_unit(seed, ORIGIN, &amounts, MusBasis::SampleSize(N), variant)
                .unwrap()
                .items
        });
        let expected: Vec<f64> = amounts[..30]
            .iter()
            .map(|&a| (DRAWS * N) as f64 * a as f64 / total as f64)
            .collect();
        let statistic = chi_square(&counts, &expected);
        assert!(
            statistic < critical(29),
            "{variant:?}: chi-square {statistic:.1}"
        );
    }
}

proptest! {
    #![proptest_config(Config { cases: 48, ..config() })]

    /// Knowing the population's size can only help: the hypergeometric size is never above the
    /// binomial size for the same confidence, tolerable and expected rates, nor above N.
    #[test]
    fn the_hypergeometric_size_never_exceeds_the_binomial_or_the_population(
        confidence in prop::sample::select(vec![0.90, 0.95, 0.99]),
        tolerable_permille in 20u64..200,
        expected_share in 0u64..60,
        population in 10u64..3000,
    ) {
        let tolerable = tolerable_permille as f64 / 1000.0;
        let expected = (tolerable_permille * expected_share / 100) as f64 / 1000.0;
        let plan = |model, population| sampling::AttributePlan { confidence, tolerable_rate: tolerable, expected_rate: expected, population, model };
        let Ok(binomial) = sampling::attribute_sample_size(&plan(sampling::Model::Binomial, None)) else { return Ok(()) };
        let hyper = sampling::attribute_sample_size(&plan(sampling::Model::Hypergeometric, Some(population))).unwrap();
        prop_assert!(hyper.n <= population, "{} > N = {population}", hyper.n);
        prop_assert!(hyper.n <= binomial.n, "hypergeometric {} > binomial {}", hyper.n, binomial.n);
    }

    /// Whatever was audited (a negative amount, an understatement), an overstatement's tainting
    /// stays within 0 and 100%, and understatements never lower the bound.
    #[test]
    fn stringer_taintings_stay_within_zero_and_one(
        items in prop::collection::vec((1i64..5_000_000, -3.0f64..2.0), 0..40),
        interval in 1_000_000f64..20_000_000.0,
    ) {
        let examined: Vec<sampling::Misstatement> = items.iter().map(|&(book, share)| sampling::Misstatement { book_cents: book, audit_cents: (book as f64 * share) as i64 }).collect();
        let bound = sampling::stringer_bound(interval, 0.95, &examined).unwrap();
        prop_assert!(bound.taintings.iter().all(|t| (0.0..=1.0).contains(t)), "{:?}", bound.taintings);
        let overstated_only: Vec<sampling::Misstatement> = examined.iter().copied().filter(|m| m.audit_cents <= m.book_cents).collect();
        let without = sampling::stringer_bound(interval, 0.95, &overstated_only).unwrap();
        prop_assert!((bound.upper_bound_cents - without.upper_bound_cents).abs() < 1e-6, "understatements are not netted");
    }
}
