//! Monetary-unit sampling against published and independently computed values
//! (`tests/golden/mus.json`, each case naming its source): sample sizes in hits from tolerable
//! and expected misstatement (the AICPA Audit Sampling guide's Appendix C, Table C-1, whose rule
//! jfa's `planning(likelihood = "poisson")` shares), and Stringer bounds with exact Poisson
//! factors. "Computed" values were worked out with scipy and mpmath at 50 digits, apart from
//! this crate (`tests/mus_reference.py`); the Python re-performer checks the same file again.

use sampling::{mus_sample_size, stringer_bound, Misstatement, MusPlan};
use serde_json::Value;

fn golden() -> Value {
    serde_json::from_str(include_str!("golden/mus.json")).unwrap()
}

fn cents(dollars: &Value) -> f64 {
    dollars.as_f64().unwrap() * 100.0
}

/// A sample size that would drift from the guide's table by a cell: a misread expected
/// misstatement, a rounded factor, a search one step off.
#[test]
fn hits_for_tolerable_and_expected_misstatement_agree_with_the_published_table() {
    let golden = golden();
    let cases = golden["planning"].as_array().unwrap();
    assert!(cases.len() >= 30);
    for case in cases {
        let source = case["source"].as_str().unwrap();
        let plan = MusPlan {
            book_cents: cents(&case["book_value"]).round() as u64,
            tolerable_cents: cents(&case["tolerable"]).round() as u64,
            expected_cents: cents(&case["expected"]).round() as u64,
            confidence: case["confidence"].as_f64().unwrap(),
        };
        let size = mus_sample_size(&plan).unwrap_or_else(|e| panic!("{source}: {e}"));
        assert_eq!(size.hits, case["hits"].as_u64().unwrap(), "{source}");
    }
}

/// A bound that nets understatements against overstatements, lets a tainting exceed 100%, puts
/// the top stratum through the factors, or orders the taintings wrongly.
#[test]
fn stringer_bounds_agree_with_worked_examples_and_independent_computation() {
    let golden = golden();
    let cases = golden["stringer"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for case in cases {
        let source = case["source"].as_str().unwrap();
        let examined: Vec<Misstatement> = case["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| Misstatement { book_cents: cents(&i["book"]).round() as i64, audit_cents: cents(&i["audit"]).round() as i64 })
            .collect();
        let bound = stringer_bound(cents(&case["interval"]), case["confidence"].as_f64().unwrap(), &examined).unwrap_or_else(|e| panic!("{source}: {e}"));
        let close = |got: f64, what: &str| {
            let want = case[what].as_f64().unwrap();
            assert!((got / 100.0 - want).abs() <= 0.01 + want.abs() * 1e-9, "{source}: {what} {} (want {want})", got / 100.0);
        };
        close(bound.basic_precision_cents, "basic_precision");
        close(bound.projected_misstatement_cents, "projected_misstatement");
        close(bound.incremental_allowance_cents, "incremental_allowance");
        close(bound.upper_bound_cents, "upper_limit");
        assert!(bound.taintings.iter().all(|t| (0.0..=1.0).contains(t)), "{source}: taintings in [0, 1]");
    }
}
