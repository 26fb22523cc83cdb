//! The firm's frequency table, small-population sizes, MUS factors and bounds, and the errors
//! user input gets instead of a panic.

use std::collections::BTreeMap;

use sampling::{
    attribute_sample_size, evaluate, extend, monetary_unit, mus_sample_size, poisson_factor, simple_random,
    stratified, stringer_bound, Allocation, AttributePlan, Error, EvaluationInput, Frequency,
    FrequencyTable, Misstatement, Model, MusBasis, MusPlan, MusVariant, Population, Seed, SeedOrigin,
};

#[test]
fn the_default_table_holds_the_firm_ranges() {
    let table = FrequencyTable::default();
    let ranges = [
        (Frequency::Annual, 1, 1),
        (Frequency::Quarterly, 2, 2),
        (Frequency::Monthly, 2, 5),
        (Frequency::Weekly, 5, 15),
        (Frequency::Daily, 20, 40),
        (Frequency::MultipleTimesPerDay, 25, 60),
    ];
    for (frequency, minimum, maximum) in ranges {
        let row = table
            .rows
            .iter()
            .find(|row| row.frequency == frequency)
            .unwrap();
        assert_eq!(
            (row.minimum, row.maximum),
            (minimum, maximum),
            "{frequency:?}"
        );
        let decision = table.size_for(frequency, 1_000).unwrap();
        assert_eq!(decision.sample_size, row.size);
        assert!(!decision.all_items);
        assert!(
            decision.reasoning.contains(&row.size.to_string()),
            "{}",
            decision.reasoning
        );
    }
}

#[test]
fn a_population_smaller_than_the_table_size_is_tested_in_full() {
    let decision = FrequencyTable::default()
        .size_for(Frequency::Daily, 12)
        .unwrap();
    assert_eq!((decision.sample_size, decision.all_items), (12, true));
    assert!(
        decision.reasoning.contains("every occurrence"),
        "{}",
        decision.reasoning
    );
}

#[test]
fn as_needed_controls_are_sized_like_the_periodic_control_that_occurs_as_often() {
    let table = FrequencyTable::default();
    for (occurrences, like) in [
        (1, Frequency::Annual),
        (3, Frequency::Quarterly),
        (30, Frequency::Weekly),
        (200, Frequency::Daily),
        (5_000, Frequency::MultipleTimesPerDay),
    ] {
        let decision = table.size_for(Frequency::AsNeeded, occurrences).unwrap();
        let periodic = table.size_for(like, occurrences).unwrap();
        assert_eq!(decision.sample_size, periodic.sample_size, "{occurrences}");
        assert_eq!(decision.frequency, Frequency::AsNeeded);
        assert!(
            decision.reasoning.starts_with("An as-needed control"),
            "{}",
            decision.reasoning
        );
    }
}

#[test]
fn a_firm_can_store_and_change_its_table() {
    let mut table = FrequencyTable::default();
    table
        .rows
        .iter_mut()
        .find(|row| row.frequency == Frequency::Weekly)
        .unwrap()
        .size = 10;
    let json = serde_json::to_string(&table).unwrap();
    assert!(json.contains("\"multiple_times_per_day\""), "{json}");
    let stored: FrequencyTable = serde_json::from_str(&json).unwrap();
    assert_eq!(stored, table);
    assert_eq!(
        stored.size_for(Frequency::Weekly, 52).unwrap().sample_size,
        10
    );

    let mut broken = table.clone();
    broken.rows[0].size = 7;
    assert!(matches!(
        broken.size_for(Frequency::Annual, 1),
        Err(Error::InvalidTable(_))
    ));
    // Below its own minimum, or zero, is as wrong as above its maximum.
    for size in [4, 0] {
        let mut low = table.clone();
        let weekly = low.rows.iter_mut().find(|row| row.frequency == Frequency::Weekly).unwrap();
        weekly.size = size;
        assert!(
            matches!(low.size_for(Frequency::Weekly, 52), Err(Error::InvalidTable(_))),
            "a weekly row proposing {size} below its minimum of 5"
        );
    }
    let mut unbounded = table.clone();
    unbounded.as_needed.pop();
    assert!(matches!(
        unbounded.size_for(Frequency::Weekly, 52),
        Err(Error::InvalidTable(_))
    ));
    let mut missing = table;
    missing.rows.retain(|row| row.frequency != Frequency::Daily);
    assert!(matches!(
        missing.size_for(Frequency::AsNeeded, 100),
        Err(Error::InvalidTable(_))
    ));
}

/// `P(no deviation in n of N | D deviations in the population) = Π_{i<D} (N-n-i)/(N-i)`,
/// computed independently of the crate.
fn chance_of_none(population: u64, deviations: u64, n: u64) -> f64 {
    (0..deviations)
        .map(|i| (population as f64 - n as f64 - i as f64).max(0.0) / (population - i) as f64)
        .product()
}

#[test]
fn small_periodic_populations_get_the_smallest_hypergeometric_sample() {
    for population in [4, 12, 52, 250] {
        for (confidence, tolerable) in [(0.95, 0.05), (0.90, 0.10)] {
            let plan = AttributePlan {
                confidence,
                tolerable_rate: tolerable,
                expected_rate: 0.0,
                population: Some(population),
                model: Model::Hypergeometric,
            };
            let size = attribute_sample_size(&plan).unwrap();
            let exceeding = (tolerable * population as f64).floor() as u64 + 1;
            let alpha = 1.0 - confidence;
            assert!(
                chance_of_none(population, exceeding, size.n) <= alpha + 1e-12,
                "{population}: {size:?}"
            );
            if size.n > 1 {
                assert!(
                    chance_of_none(population, exceeding, size.n - 1) > alpha,
                    "{population}: {size:?}"
                );
            }
            assert_eq!(size.all_items, size.n == population);
        }
    }
}

#[test]
fn the_sample_is_every_item_when_the_population_is_smaller() {
    let plan = AttributePlan {
        confidence: 0.95,
        tolerable_rate: 0.05,
        expected_rate: 0.0,
        population: Some(40),
        model: Model::Binomial,
    };
    let size = attribute_sample_size(&plan).unwrap();
    assert_eq!(
        (size.n, size.all_items, size.tolerable_deviations),
        (40, true, 2)
    );
    assert!(
        size.reasoning.contains("test all 40 items"),
        "{}",
        size.reasoning
    );
}

#[test]
fn published_examples_from_the_issue() {
    for (confidence, tolerable, expected, n) in [
        (0.95, 0.05, 0.0, 59),
        (0.90, 0.05, 0.0, 45),
        (0.95, 0.05, 0.01, 93),
    ] {
        let plan = AttributePlan {
            confidence,
            tolerable_rate: tolerable,
            expected_rate: expected,
            population: None,
            model: Model::Binomial,
        };
        assert_eq!(attribute_sample_size(&plan).unwrap().n, n);
    }
    let evaluation = evaluate(&EvaluationInput {
        sample_size: 60,
        deviations: 0,
        confidence: 0.95,
        tolerable_rate: 0.05,
        model: Model::Binomial,
        population: None,
    })
    .unwrap();
    assert_eq!(
        evaluation.conclusion,
        "The upper deviation limit of 4.9% does not exceed the tolerable rate of 5.0%: the control operated effectively as tested."
    );
    let evaluation = evaluate(&EvaluationInput {
        sample_size: 60,
        deviations: 1,
        confidence: 0.95,
        tolerable_rate: 0.05,
        model: Model::Binomial,
        population: None,
    })
    .unwrap();
    assert!(!evaluation.supports_reliance);
    assert!(
        evaluation
            .conclusion
            .starts_with("The upper deviation limit of 7.7% exceeds"),
        "{}",
        evaluation.conclusion
    );
}

#[test]
fn hypergeometric_evaluation_uses_the_population() {
    let small = |deviations| {
        evaluate(&EvaluationInput {
            sample_size: 25,
            deviations,
            confidence: 0.95,
            tolerable_rate: 0.10,
            model: Model::Hypergeometric,
            population: Some(52),
        })
        .unwrap()
    };
    let large = evaluate(&EvaluationInput {
        sample_size: 25,
        deviations: 0,
        confidence: 0.95,
        tolerable_rate: 0.10,
        model: Model::Binomial,
        population: None,
    })
    .unwrap();
    assert!(small(0).upper_limit < large.upper_limit);
    assert!(small(0).supports_reliance);
    assert!(small(1).upper_limit > small(0).upper_limit);
    let all = evaluate(&EvaluationInput {
        sample_size: 52,
        deviations: 2,
        confidence: 0.95,
        tolerable_rate: 0.05,
        model: Model::Hypergeometric,
        population: Some(52),
    })
    .unwrap();
    assert_eq!(all.upper_limit, (2000u64.div_ceil(52)) as f64 / 1000.0);
    assert!(all.supports_reliance, "2 of 52 is 3.8%, within 5%");
}

/// Monetary-unit confidence factors for 0–5 overstatements as the AICPA guide prints them
/// (rounded up to two decimals).
#[test]
fn poisson_factors_match_the_published_table() {
    let published = [
        (0.95, [3.00, 4.75, 6.30, 7.76, 9.16, 10.52]),
        (0.90, [2.31, 3.89, 5.33, 6.69, 8.00, 9.28]),
    ];
    for (confidence, factors) in published {
        for (k, printed) in factors.into_iter().enumerate() {
            let factor = poisson_factor(k as u64, confidence).unwrap();
            assert_eq!(
                (factor * 100.0).ceil() / 100.0,
                printed,
                "{confidence} {k}: {factor}"
            );
        }
    }
}

#[test]
fn stringer_bound_adds_precision_projection_and_allowance() {
    let interval = 1_000_000.0;
    let clean = stringer_bound(
        interval,
        0.95,
        &[Misstatement {
            book_cents: 50_000,
            audit_cents: 50_000,
        }],
    )
    .unwrap();
    assert_eq!(
        clean.upper_bound_cents,
        poisson_factor(0, 0.95).unwrap() * interval
    );
    assert_eq!(clean.projected_misstatement_cents, 0.0);

    let examined = [
        Misstatement {
            book_cents: 40_000,
            audit_cents: 30_000,
        },
        Misstatement {
            book_cents: 80_000,
            audit_cents: 0,
        },
        Misstatement {
            book_cents: 2_500_000,
            audit_cents: 2_400_000,
        },
        Misstatement {
            book_cents: 10_000,
            audit_cents: 12_000,
        },
    ];
    let bound = stringer_bound(interval, 0.95, &examined).unwrap();
    let r: Vec<f64> = (0..3).map(|k| poisson_factor(k, 0.95).unwrap()).collect();
    let expected_upper = r[0] * interval
        + 1.0 * interval * (r[1] - r[0])
        + 0.25 * interval * (r[2] - r[1])
        + 100_000.0;
    assert!(
        (bound.upper_bound_cents - expected_upper).abs() < 1e-6,
        "{bound:?}"
    );
    assert_eq!(
        bound.projected_misstatement_cents,
        1.25 * interval + 100_000.0
    );
    assert_eq!(bound.top_stratum_cents, 100_000.0);
    assert_eq!(bound.understatements_excluded, 1);
    let parts = bound.basic_precision_cents
        + bound.projected_misstatement_cents
        + bound.incremental_allowance_cents;
    assert!((bound.upper_bound_cents - parts).abs() < 1e-6);
}

#[test]
fn user_input_is_rejected_with_an_error_not_a_panic() {
    let seed = Seed([7; 32]);
    let origin = SeedOrigin::Explicit;
    assert_eq!(
        simple_random(seed, origin, 10, 11),
        Err(Error::SampleTooLarge {
            requested: 11,
            available: 10
        })
    );
    assert_eq!(
        simple_random(seed, origin, 0, 1),
        Err(Error::EmptyPopulation)
    );
    assert_eq!(simple_random(seed, origin, 10, 0), Err(Error::ZeroSample));
    let labels = vec!["a".to_owned(), "b".to_owned()];
    let counts = Allocation::Counts(BTreeMap::from([("c".to_owned(), 1)]));
    assert_eq!(
        stratified(seed, origin, &labels, &counts),
        Err(Error::EmptyStratum("c".into()))
    );
    let too_many = Allocation::Counts(BTreeMap::from([("a".to_owned(), 2)]));
    assert!(matches!(
        stratified(seed, origin, &labels, &too_many),
        Err(Error::SampleTooLarge { .. })
    ));
    assert_eq!(
        monetary_unit(
            seed,
            origin,
            &[0, -5],
            MusBasis::SampleSize(1),
            MusVariant::Fixed
        ),
        Err(Error::NoMonetaryUnits)
    );
    assert!(matches!(
        monetary_unit(
            seed,
            origin,
            &[10, 20],
            MusBasis::SampleSize(3),
            MusVariant::Cell
        ),
        Err(Error::OutOfRange { .. })
    ));
    assert!(matches!(
        monetary_unit(
            seed,
            origin,
            &[10, 20],
            MusBasis::IntervalCents(31),
            MusVariant::Fixed
        ),
        Err(Error::OutOfRange { .. })
    ));
    assert_eq!(
        monetary_unit(
            seed,
            origin,
            &[i64::MAX, i64::MAX, 5],
            MusBasis::SampleSize(1),
            MusVariant::Fixed
        ),
        Err(Error::AmountOverflow)
    );
    let drawn = simple_random(seed, origin, 10, 8).unwrap();
    assert!(matches!(
        extend(&drawn, Population::Size(10), 3),
        Err(Error::SampleTooLarge {
            requested: 3,
            available: 2
        })
    ));
    assert!(matches!(
        extend(&drawn, Population::Size(11), 1),
        Err(Error::PopulationMismatch(_))
    ));
    // A record whose items repeat, or name a row the population lacks, is not extended.
    let mut repeated = drawn.clone();
    repeated.items[1] = repeated.items[0];
    assert!(matches!(
        extend(&repeated, Population::Size(10), 1),
        Err(Error::PopulationMismatch(_))
    ));
    let mut outside = drawn.clone();
    outside.items[0] = 10;
    assert!(matches!(
        extend(&outside, Population::Size(10), 1),
        Err(Error::PopulationMismatch(_))
    ));
    // A monetary-unit sample is extended from the amounts, never by a plain draw.
    let amounts = [500, 1_200, 80, 3_000, 45, 610, 99, 2_500];
    let mus = monetary_unit(seed, origin, &amounts, MusBasis::SampleSize(3), MusVariant::Fixed).unwrap();
    assert!(extend(&mus, Population::Size(8), 1).is_err());
    let extended = extend(&mus, Population::Amounts(&amounts), 1).unwrap();
    assert_eq!(extended.items[..mus.items.len()], mus.items[..], "every item drawn keeps its place");
    assert!("not hex".parse::<Seed>().is_err());

    let plan = |confidence, tolerable_rate, expected_rate, model| AttributePlan {
        confidence,
        tolerable_rate,
        expected_rate,
        population: None,
        model,
    };
    for bad in [
        plan(1.0, 0.05, 0.0, Model::Binomial),
        plan(0.95, 0.0, 0.0, Model::Binomial),
        plan(0.95, f64::NAN, 0.0, Model::Binomial),
        plan(0.95, 0.05, 0.05, Model::Binomial),
        plan(0.95, 0.05, -0.01, Model::Binomial),
        plan(0.95, 0.05, 0.0, Model::Hypergeometric),
    ] {
        assert!(
            matches!(attribute_sample_size(&bad), Err(Error::OutOfRange { .. })),
            "{bad:?}"
        );
    }
    assert_eq!(
        attribute_sample_size(&plan(0.95, 0.05, 0.049, Model::Binomial)),
        Err(Error::SampleSizeUnattainable { limit: 10_000 })
    );
    let input = |sample_size, deviations| EvaluationInput {
        sample_size,
        deviations,
        confidence: 0.95,
        tolerable_rate: 0.05,
        model: Model::Binomial,
        population: None,
    };
    assert!(matches!(
        evaluate(&input(10, 11)),
        Err(Error::OutOfRange { .. })
    ));
    assert_eq!(evaluate(&input(0, 0)), Err(Error::ZeroSample));
    assert!(matches!(
        stringer_bound(0.0, 0.95, &[]),
        Err(Error::OutOfRange { .. })
    ));
    assert!(matches!(
        stringer_bound(
            100.0,
            0.95,
            &[Misstatement {
                book_cents: 0,
                audit_cents: 0
            }]
        ),
        Err(Error::OutOfRange { .. })
    ));
}

#[test]
fn records_round_trip_through_json_in_snake_case() {
    let seed = Seed::derive("E", "C", "F");
    let selection = simple_random(seed, SeedOrigin::Derived, 100, 5).unwrap();
    let json = serde_json::to_string(&selection).unwrap();
    assert!(
        json.contains("\"kind\":\"simple_random\"") && json.contains("\"seed_origin\":\"derived\""),
        "{json}"
    );
    assert!(json.contains(&format!("\"{seed}\"")), "{json}");
    assert_eq!(
        serde_json::from_str::<sampling::Selection>(&json).unwrap(),
        selection
    );
    assert_eq!(seed.to_string().parse::<Seed>().unwrap(), seed);
}

/// The workpaper's size reasoning names the model it was computed under, so a reviewer can
/// re-perform it with the right distribution; both the sampled and the test-everything wording.
#[test]
fn the_size_reasoning_names_its_model() {
    for (model, population, name) in [
        (Model::Binomial, None, "the binomial model"),
        (Model::Poisson, None, "the Poisson model"),
        (Model::Hypergeometric, Some(500), "the hypergeometric model"),
        (Model::Hypergeometric, Some(12), "under the hypergeometric model: test all 12 items"),
    ] {
        let plan = AttributePlan {
            confidence: 0.95,
            tolerable_rate: 0.05,
            expected_rate: 0.0,
            population,
            model,
        };
        let size = attribute_sample_size(&plan).unwrap();
        assert!(size.reasoning.contains(name), "{model:?}: {}", size.reasoning);
    }
}

/// Evaluation at its edges: the largest sample the crate evaluates and one more, every item
/// deviating and one deviation more than items, and a hypergeometric limit at the top of its
/// range (k = 4 of n = 5 from N = 10: D = 9 still leaves P(X <= 4) = 126/252 = 0.5 > 5%).
#[test]
fn evaluation_edges_are_exact() {
    let input = |n, k, population| EvaluationInput {
        sample_size: n,
        deviations: k,
        confidence: 0.95,
        tolerable_rate: 0.05,
        model: Model::Hypergeometric,
        population,
    };
    let binomial = |n, k| EvaluationInput { model: Model::Binomial, ..input(n, k, None) };
    assert!(evaluate(&binomial(10_000, 0)).is_ok(), "10,000 items is within range");
    assert!(matches!(evaluate(&binomial(10_001, 0)), Err(Error::OutOfRange { .. })));
    let all = evaluate(&binomial(25, 25)).unwrap();
    assert_eq!((all.upper_limit, all.deviation_rate, all.supports_reliance), (1.0, 1.0, false), "every item deviating");
    assert!(matches!(evaluate(&binomial(25, 26)), Err(Error::OutOfRange { .. })));

    let top = evaluate(&input(5, 4, Some(10))).unwrap();
    assert_eq!(top.upper_limit, 0.9, "{}", top.conclusion);
    assert!((top.deviation_rate - 0.8).abs() < 1e-15);

    // A hypergeometric limit lands on the tolerable rate exactly (scipy: D = 5 of N = 100 is the
    // largest with P(X <= 0 | n = 44) > 5%): it "reaches" it, and reliance is not supported.
    let reaches = evaluate(&input(44, 0, Some(100))).unwrap();
    assert_eq!(reaches.upper_limit, 0.05);
    assert!(reaches.conclusion.contains("The upper deviation limit of 5.0% reaches the tolerable rate of 5.0%"), "{}", reaches.conclusion);
    let exceeds = evaluate(&input(25, 1, Some(52))).unwrap();
    assert!(exceeds.conclusion.contains("exceeds the tolerable rate"), "{}", exceeds.conclusion);
}

/// Understatements are counted and totalled beside the Stringer bound; an item audited at its
/// book amount is neither an overstatement nor an understatement.
#[test]
fn stringer_counts_understatements_and_only_them() {
    let examined = [
        Misstatement { book_cents: 10_000, audit_cents: 10_000 },
        Misstatement { book_cents: 20_000, audit_cents: 23_000 },
        Misstatement { book_cents: 5_000, audit_cents: 5_250 },
        Misstatement { book_cents: 8_000, audit_cents: 6_000 },
    ];
    let bound = stringer_bound(100_000.0, 0.95, &examined).unwrap();
    assert_eq!(bound.understatements_excluded, 2);
    assert_eq!(bound.understatement_cents, 3_250.0, "30.00 + 2.50");
    assert_eq!(bound.taintings, vec![0.25]);
    let clean = stringer_bound(100_000.0, 0.95, &examined[..1]).unwrap();
    assert_eq!((clean.understatements_excluded, clean.understatement_cents), (0, 0.0));
}

/// Amounts as the workpaper and the report print them: cents rounded, thousands grouped, the
/// sign kept.
#[test]
fn money_reads_as_a_workpaper_writes_it() {
    for (cents, text) in [
        (0.0, "0.00"),
        (5.0, "0.05"),
        (12_345.0, "123.45"),
        (99_999.6, "1,000.00"),
        (100_000_000.0, "1,000,000.00"),
        (123_456_789.0, "1,234,567.89"),
        (-100_050.0, "-1,000.50"),
        (-7.0, "-0.07"),
    ] {
        assert_eq!(sampling::money(cents), text, "{cents} cents");
    }
}

/// What the workpaper says of the firm's table is what the table holds, in words a reviewer
/// reads: "an annual control", "1 item", "20 to 40 items".
#[test]
fn the_table_reasoning_names_the_frequency_and_range() {
    let table = FrequencyTable::default();
    assert_eq!(
        table.size_for(Frequency::Annual, 1).unwrap().reasoning,
        "For an annual control the firm's table asks for 1 item and proposes 1: it occurred 1 time, no more than the 1 the table sets, so test every occurrence."
    );
    assert_eq!(
        table.size_for(Frequency::Daily, 250).unwrap().reasoning,
        "For a daily control the firm's table asks for 20 to 40 items and proposes 25: test 25 of the 250 occurrences."
    );
    assert_eq!(
        table.size_for(Frequency::AsNeeded, 30).unwrap().reasoning,
        "An as-needed control that occurred 30 times is sized like a weekly control (the firm's table treats up to 52 occurrences that way). For a weekly control the firm's table asks for 5 to 15 items and proposes 5: test 5 of the 30 occurrences."
    );
    // Bands that do not rise (two ending at the same count) leave the lookup ambiguous.
    let mut flat = FrequencyTable::default();
    flat.as_needed[1].up_to = flat.as_needed[0].up_to;
    assert!(matches!(flat.validate(), Err(Error::InvalidTable(_))));
}

/// Above the 10,000 items the crate sizes, a plan no sample reaches is an error, never "test
/// all 50,000"; at or below it, the population is tested in full, with the expected and
/// tolerable deviations of the whole population: ceil(4.9% × 9,000) = 441, floor(5% × 9,000) = 450.
#[test]
fn an_unattainable_plan_tests_all_only_within_reach() {
    let plan = |population| AttributePlan {
        confidence: 0.95,
        tolerable_rate: 0.05,
        expected_rate: 0.049,
        population: Some(population),
        model: Model::Binomial,
    };
    assert_eq!(
        attribute_sample_size(&plan(50_000)),
        Err(Error::SampleSizeUnattainable { limit: 10_000 })
    );
    let all = attribute_sample_size(&plan(9_000)).unwrap();
    assert!(all.all_items);
    assert_eq!((all.n, all.expected_deviations, all.tolerable_deviations), (9_000, 441, 450));
}

/// The smallest samples there are, worked by hand: with no deviation expected, P(X = 0) is
/// (1 - T)^n under the binomial, so at 50% confidence and T = 90% one item suffices (0.1 <= 0.5),
/// and at 70% confidence and T = 50% two do (0.5 > 0.3, 0.25 <= 0.3).
#[test]
fn the_smallest_samples_are_found() {
    let plan = |confidence, tolerable_rate| AttributePlan {
        confidence,
        tolerable_rate,
        expected_rate: 0.0,
        population: None,
        model: Model::Binomial,
    };
    assert_eq!(attribute_sample_size(&plan(0.5, 0.9)).unwrap().n, 1);
    assert_eq!(attribute_sample_size(&plan(0.7, 0.5)).unwrap().n, 2);
    // MUS: with no expected misstatement the hits are floor(-ln(1 - c) / (TM / B)) + 1;
    // -ln(0.5) = 0.693 against 0.9 gives 1 hit, and against 0.5 gives 2.
    let mus = |tolerable_cents| MusPlan {
        book_cents: 100_000,
        tolerable_cents,
        expected_cents: 0,
        confidence: 0.5,
    };
    assert_eq!(mus_sample_size(&mus(90_000)).unwrap().hits, 1);
    assert_eq!(mus_sample_size(&mus(50_000)).unwrap().hits, 2);
}

/// A MUS plan's refusals each name their own mistake: no tolerable misstatement, one as large as
/// the book value, an expected misstatement as large as the tolerable; and the expected
/// taintings reported are hits × EM / B.
#[test]
fn mus_plans_are_refused_at_each_edge() {
    let plan = |tolerable_cents, expected_cents| MusPlan {
        book_cents: 1_000_000,
        tolerable_cents,
        expected_cents,
        confidence: 0.95,
    };
    let refused = |plan: MusPlan| match mus_sample_size(&plan) {
        Err(Error::OutOfRange { name, .. }) => name,
        other => panic!("{plan:?} gave {other:?}"),
    };
    assert_eq!(refused(plan(0, 0)), "tolerable misstatement");
    assert_eq!(refused(plan(1_000_000, 0)), "tolerable misstatement");
    assert_eq!(refused(plan(50_000, 50_000)), "expected misstatement");
    let size = mus_sample_size(&plan(50_000, 10_000)).unwrap();
    let expected = size.hits as f64 * 10_000.0 / 1_000_000.0;
    assert!((size.expected_taints - expected).abs() < 1e-12, "{size:?}");
}

/// Monetary-unit selection at its edges: a sample or interval of zero is refused as such; one
/// hit over the whole book and one hit per record are allowed; and a unit is never taken at or
/// past the book total (the cell variant's last cell reaches past it, the fixed interval's last
/// step lands on it), whatever the seed.
#[test]
fn monetary_unit_selection_holds_at_its_edges() {
    let origin = SeedOrigin::Explicit;
    let seed = Seed([7; 32]);
    for basis in [MusBasis::SampleSize(0), MusBasis::IntervalCents(0)] {
        assert_eq!(
            monetary_unit(seed, origin, &[10, 20], basis, MusVariant::Fixed),
            Err(Error::ZeroSample),
            "{basis:?}"
        );
    }
    let one = monetary_unit(seed, origin, &[10, 20], MusBasis::SampleSize(1), MusVariant::Fixed).unwrap();
    assert_eq!(one.items.len(), 1);
    let whole = monetary_unit(seed, origin, &[10, 20], MusBasis::IntervalCents(30), MusVariant::Cell).unwrap();
    assert_eq!(whole.items.len(), 1);
    for byte in 0..24u8 {
        let seed = Seed([byte; 32]);
        let every = monetary_unit(seed, origin, &[2; 5], MusBasis::SampleSize(5), MusVariant::Fixed).unwrap();
        assert_eq!(every.items.len(), 5, "five hits over five records of two cents: {seed:?}");
        let cells = monetary_unit(seed, origin, &[3, 3, 4], MusBasis::IntervalCents(4), MusVariant::Cell).unwrap();
        assert!((1..=3).contains(&cells.items.len()), "{seed:?}: {:?}", cells.items);
    }
}

/// A stratum may be sampled in full, and a seed reads back as itself in a failing assertion.
#[test]
fn a_stratum_can_be_taken_whole() {
    let seed = Seed([9; 32]);
    let labels: Vec<String> = ["a", "a", "b"].iter().map(|label| label.to_string()).collect();
    let all_of_a = Allocation::Counts(BTreeMap::from([("a".to_owned(), 2)]));
    let drawn = stratified(seed, SeedOrigin::Explicit, &labels, &all_of_a).unwrap();
    let mut items = drawn.items.clone();
    items.sort();
    assert_eq!(items, vec![0, 1]);
    assert_eq!(format!("{seed:?}"), format!("Seed({seed})"));
}
