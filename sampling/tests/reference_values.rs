//! Attribute-sampling sizes and evaluations against reference values computed independently of
//! the crate with scipy 1.17 (`scipy.stats.hypergeom`, `binom` and `poisson`, and
//! `scipy.special.gammainccinv` for Poisson factors). Every decision was also re-checked exactly:
//! integer fractions for the binomial and hypergeometric, mpmath at 60 digits for the Poisson.
//! The script that prints every number below is `compute.py` (written to `/tmp/refvals/`).
//!
//! Definitions reproduced (rates and confidence to whole parts per million, `alpha = 1 - c`):
//! - size: the smallest `n` with `P(X <= k(n)) <= alpha`, `k(n) = ceil(E × n)`, where `X` is
//!   `Binomial(n, T)`, `Poisson(n × T)` or `Hypergeometric(N, D = ceil(T × N), n)`; a population
//!   no sample below it serves is tested in full (`all_items`, `n = N`);
//!   `tolerable_deviations` is the largest `k'` with `P(X <= k') <= alpha` at that `n`;
//! - upper limit, rounded up to 0.001: binomial, the smallest `m/1000` with
//!   `P(X <= k | n, m/1000) <= alpha`; Poisson, `λ/n` with `P(Poisson(λ) <= k) = alpha`, capped
//!   at 1; hypergeometric, the largest `D` with `P(X <= k | N, D, n) > alpha`, over `N`;
//! - reliance: `P(X <= k)` at the tolerable rate (hypergeometric: `D = ceil(T × N)`) `<= alpha`.

use sampling::{
    attribute_sample_size, evaluate, poisson_factor, AttributePlan, EvaluationInput, Model,
};

fn plan(
    confidence: f64,
    tolerable: f64,
    expected: f64,
    population: Option<u64>,
    model: Model,
) -> AttributePlan {
    AttributePlan {
        confidence,
        tolerable_rate: tolerable,
        expected_rate: expected,
        population,
        model,
    }
}

/// Evaluates one result and checks the limit (to 1e-12, it is a whole number of tenths of a
/// percent), the reliance decision and the sample deviation rate.
fn check_evaluation(case: &str, input: EvaluationInput, upper: f64, supports: bool) {
    let evaluation = evaluate(&input).unwrap_or_else(|error| panic!("{case}: {error}"));
    assert!(
        (evaluation.upper_limit - upper).abs() < 1e-12,
        "{case}: upper limit {} (scipy: {upper})",
        evaluation.upper_limit
    );
    assert_eq!(
        evaluation.supports_reliance, supports,
        "{case}: {}",
        evaluation.conclusion
    );
    let rate = input.deviations as f64 / input.sample_size as f64;
    assert!(
        (evaluation.deviation_rate - rate).abs() < 1e-12,
        "{case}: rate {}",
        evaluation.deviation_rate
    );
}

/// (N, confidence, tolerable, expected, n, expected deviations, tolerable deviations, all items),
/// from scipy.stats.hypergeom with D = ceil(T × N). Rows marked `*` give a different size with
/// D = floor(T × N) + 1 (T × N a whole number). `None`: every item is tested and T × N is a
/// whole number, where the spec (D - 1 = T × N - 1) and SAMPLING.md (floor(T × N)) disagree, so
/// it is not checked. The N = 20 rows at n = 19 are exact ties, P(X <= k) = alpha (1/20 and
/// 1/10), which pass.
#[rustfmt::skip]
#[allow(clippy::type_complexity)]
const HYPERGEOMETRIC_SIZES: &[(u64, f64, f64, f64, u64, u64, Option<u64>, bool)] = &[
    (52, 0.95, 0.05, 0.00, 33, 0, Some(0), false),
    (100, 0.95, 0.05, 0.00, 45, 0, Some(0), false), // * 39
    (250, 0.95, 0.05, 0.00, 51, 0, Some(0), false),
    (365, 0.95, 0.05, 0.00, 52, 0, Some(0), false),
    (1000, 0.95, 0.05, 0.00, 57, 0, Some(0), false), // * 56
    (52, 0.95, 0.05, 0.01, 45, 1, Some(1), false),
    (100, 0.95, 0.05, 0.01, 65, 1, Some(1), false), // * 58
    (250, 0.95, 0.05, 0.01, 78, 1, Some(1), false),
    (365, 0.95, 0.05, 0.01, 82, 1, Some(1), false),
    (1000, 0.95, 0.05, 0.01, 90, 1, Some(1), false), // * 88
    (52, 0.95, 0.05, 0.02, 45, 1, Some(1), false),
    (100, 0.95, 0.05, 0.02, 81, 2, Some(2), false), // * 73
    (250, 0.95, 0.05, 0.02, 123, 3, Some(3), false),
    (365, 0.95, 0.05, 0.02, 130, 3, Some(3), false),
    (1000, 0.95, 0.05, 0.02, 146, 3, Some(3), false), // * 143
    (52, 0.95, 0.10, 0.00, 20, 0, Some(0), false),
    (100, 0.95, 0.10, 0.00, 25, 0, Some(0), false), // * 23
    (250, 0.95, 0.10, 0.00, 27, 0, Some(0), false), // * 26
    (365, 0.95, 0.10, 0.00, 27, 0, Some(0), false),
    (1000, 0.95, 0.10, 0.00, 29, 0, Some(0), false), // * 28
    (52, 0.95, 0.10, 0.01, 30, 1, Some(1), false),
    (100, 0.95, 0.10, 0.01, 39, 1, Some(1), false), // * 36
    (250, 0.95, 0.10, 0.01, 43, 1, Some(1), false), // * 41
    (365, 0.95, 0.10, 0.01, 43, 1, Some(1), false),
    (1000, 0.95, 0.10, 0.01, 45, 1, Some(1), false),
    (52, 0.95, 0.10, 0.02, 30, 1, Some(1), false),
    (100, 0.95, 0.10, 0.02, 39, 1, Some(1), false), // * 36
    (250, 0.95, 0.10, 0.02, 43, 1, Some(1), false), // * 41
    (365, 0.95, 0.10, 0.02, 43, 1, Some(1), false),
    (1000, 0.95, 0.10, 0.02, 45, 1, Some(1), false),
    (52, 0.90, 0.05, 0.01, 42, 1, Some(1), false),
    (100, 0.90, 0.05, 0.01, 58, 1, Some(1), false), // * 51
    (250, 0.90, 0.05, 0.01, 66, 1, Some(1), false),
    (365, 0.90, 0.05, 0.01, 69, 1, Some(1), false),
    (1000, 0.90, 0.05, 0.01, 75, 1, Some(1), false), // * 73
    (52, 0.90, 0.05, 0.02, 42, 1, Some(1), false),
    (100, 0.90, 0.05, 0.02, 75, 2, Some(2), false), // * 66
    (250, 0.90, 0.05, 0.02, 89, 2, Some(2), false),
    (365, 0.90, 0.05, 0.02, 93, 2, Some(2), false),
    (1000, 0.90, 0.05, 0.02, 128, 3, Some(3), false), // * 100
    (52, 0.90, 0.10, 0.00, 16, 0, Some(0), false),
    (100, 0.90, 0.10, 0.00, 20, 0, Some(0), false), // * 18
    (250, 0.90, 0.10, 0.00, 21, 0, Some(0), false),
    (365, 0.90, 0.10, 0.00, 21, 0, Some(0), false),
    (1000, 0.90, 0.10, 0.00, 22, 0, Some(0), false),
    (4, 0.95, 0.05, 0.00, 4, 0, Some(0), true),
    (12, 0.95, 0.10, 0.00, 9, 0, Some(0), false),
    (12, 0.90, 0.10, 0.01, 12, 1, Some(1), true),
    (20, 0.95, 0.05, 0.00, 19, 0, Some(0), false), // * 16
    (20, 0.95, 0.05, 0.01, 20, 1, None, true),
    (20, 0.95, 0.10, 0.01, 20, 1, None, true), // * 17
    (20, 0.90, 0.10, 0.01, 19, 1, Some(1), false), // * 16
    (30, 0.95, 0.05, 0.01, 30, 1, Some(1), true),
    (30, 0.95, 0.10, 0.01, 26, 1, Some(1), false), // * 22
    (40, 0.95, 0.05, 0.00, 31, 0, Some(0), false), // * 25
    (40, 0.90, 0.05, 0.02, 38, 1, Some(1), false), // * 32
];

/// Guards against a sizing that ignores the deviations allowed by the expected rate, puts
/// floor(T × N) + 1 instead of ceil(T × N) deviations in the population, uses the binomial for a
/// small population, stops the search one item early or late, or mislabels a full test.
#[test]
fn hypergeometric_sizes_match_scipy() {
    for &(population, confidence, tolerable, expected, n, k, most, all_items) in
        HYPERGEOMETRIC_SIZES
    {
        let case = format!("N={population} at {confidence}, T={tolerable}, E={expected}");
        let size = attribute_sample_size(&plan(
            confidence,
            tolerable,
            expected,
            Some(population),
            Model::Hypergeometric,
        ))
        .unwrap_or_else(|error| panic!("{case}: {error}"));
        assert_eq!(
            (size.n, size.expected_deviations, size.all_items),
            (n, k, all_items),
            "{case}: {size:?}"
        );
        assert!(size.n <= population, "{case}: {size:?}");
        if let Some(most) = most {
            assert_eq!(size.tolerable_deviations, most, "{case}: {size:?}");
        }
    }
}

/// (N, n, k, confidence, tolerable, upper limit, supports reliance), from scipy.stats.hypergeom.
/// Rows marked `*` support reliance with D = floor(T × N) + 1 but not with D = ceil(T × N).
#[rustfmt::skip]
const HYPERGEOMETRIC_EVALUATIONS: &[(u64, u64, u64, f64, f64, f64, bool)] = &[
    (52, 25, 5, 0.95, 0.10, 0.327, false),
    (52, 25, 1, 0.95, 0.10, 0.135, false),
    (52, 25, 1, 0.90, 0.10, 0.116, false),
    (52, 33, 1, 0.95, 0.10, 0.097, true),
    (52, 40, 2, 0.90, 0.10, 0.077, true),
    (100, 45, 1, 0.95, 0.05, 0.080, false),
    (100, 45, 1, 0.95, 0.10, 0.080, true),
    (100, 60, 2, 0.95, 0.10, 0.070, true),
    (100, 44, 0, 0.95, 0.05, 0.050, false), // *
    (100, 45, 0, 0.95, 0.05, 0.040, true),
    (250, 51, 1, 0.95, 0.05, 0.080, false),
    (250, 80, 1, 0.95, 0.05, 0.048, true),
    (250, 80, 2, 0.90, 0.05, 0.056, false),
    (365, 90, 2, 0.95, 0.05, 0.061, false),
    (365, 60, 3, 0.90, 0.10, 0.102, false),
    (1000, 93, 1, 0.95, 0.05, 0.048, true),
    (1000, 93, 2, 0.95, 0.05, 0.064, false),
    (1000, 150, 4, 0.90, 0.05, 0.050, false), // *
    (1000, 46, 1, 0.95, 0.10, 0.097, true),
    (52, 52, 2, 0.95, 0.05, 0.039, true),
];

/// Guards against an upper limit off by one population deviation, rounded down or to the
/// nearest tenth instead of up, computed with the binomial, and against a reliance decision
/// that ignores the deviations found or counts the wrong number of population deviations.
#[test]
fn hypergeometric_evaluations_match_scipy() {
    for &(population, n, k, confidence, tolerable, upper, supports) in HYPERGEOMETRIC_EVALUATIONS {
        let case = format!("{k} of {n} from N={population} at {confidence}, T={tolerable}");
        let input = EvaluationInput {
            sample_size: n,
            deviations: k,
            confidence,
            tolerable_rate: tolerable,
            model: Model::Hypergeometric,
            population: Some(population),
        };
        check_evaluation(&case, input, upper, supports);
    }
}

/// Guards against a Poisson sizing that uses the wrong mean (n × T), ignores the expected
/// deviations, or stops a step early or late; (confidence, tolerable, expected, n, expected
/// deviations, tolerable deviations) from scipy.stats.poisson.
#[test]
fn poisson_sizes_match_scipy() {
    #[rustfmt::skip]
    let cases: [(f64, f64, f64, u64, u64, u64); 11] = [
        (0.95, 0.050, 0.000, 60, 0, 0),
        (0.90, 0.050, 0.000, 47, 0, 0),
        (0.95, 0.050, 0.010, 95, 1, 1),
        (0.90, 0.050, 0.010, 78, 1, 1),
        (0.95, 0.100, 0.020, 48, 1, 1),
        (0.90, 0.100, 0.020, 39, 1, 1),
        (0.95, 0.040, 0.010, 158, 2, 2),
        (0.95, 0.030, 0.005, 159, 1, 1),
        (0.90, 0.060, 0.020, 89, 2, 2),
        (0.95, 0.100, 0.040, 92, 4, 4),
        (0.99, 0.050, 0.010, 169, 2, 2),
    ];
    for (confidence, tolerable, expected, n, k, most) in cases {
        let case = format!("Poisson at {confidence}, T={tolerable}, E={expected}");
        let size =
            attribute_sample_size(&plan(confidence, tolerable, expected, None, Model::Poisson))
                .unwrap_or_else(|error| panic!("{case}: {error}"));
        assert_eq!(
            (
                size.n,
                size.expected_deviations,
                size.tolerable_deviations,
                size.all_items
            ),
            (n, k, most, false),
            "{case}: {size:?}"
        );
    }
}

/// Guards against a Poisson upper limit that divides the wrong factor, rounds down, or is not
/// capped at 100%, and a reliance decision not taken at the mean n × T; (n, k, confidence,
/// tolerable, upper limit, supports reliance) from scipy.special.gammainccinv and
/// scipy.stats.poisson.
#[test]
fn poisson_evaluations_match_scipy() {
    #[rustfmt::skip]
    let cases: [(u64, u64, f64, f64, f64, bool); 10] = [
        (60, 1, 0.95, 0.05, 0.080, false),
        (60, 1, 0.95, 0.10, 0.080, true),
        (95, 1, 0.95, 0.05, 0.050, true),
        (78, 1, 0.90, 0.05, 0.050, true),
        (40, 2, 0.95, 0.15, 0.158, false),
        (100, 3, 0.90, 0.10, 0.067, true),
        (150, 4, 0.95, 0.05, 0.062, false),
        (59, 2, 0.95, 0.10, 0.107, false),
        (25, 5, 0.95, 0.20, 0.421, false),
        (2, 1, 0.95, 0.50, 1.000, false),
    ];
    for (n, k, confidence, tolerable, upper, supports) in cases {
        let case = format!("Poisson {k} of {n} at {confidence}, T={tolerable}");
        let input = EvaluationInput {
            sample_size: n,
            deviations: k,
            confidence,
            tolerable_rate: tolerable,
            model: Model::Poisson,
            population: None,
        };
        check_evaluation(&case, input, upper, supports);
    }
}

/// Guards against a Poisson factor solved for the wrong tail, the wrong confidence or too few
/// bisection steps: λ with P(Poisson(λ) <= k) = 1 - confidence, from
/// scipy.special.gammainccinv(k + 1, 1 - confidence), checked with mpmath. For k = 0 at 90%
/// scipy gives 2.302585092994046, which is ln 10 (written as the constant for clippy).
#[test]
fn poisson_factors_match_scipy() {
    use std::f64::consts::LN_10;
    #[rustfmt::skip]
    let factors = [
        (0.90, [LN_10, 3.889720169867, 5.322320337834, 6.680783068256, 7.993589586053, 9.274673893352]),
        (0.95, [2.995732273554, 4.743864518391, 6.295793621872, 7.753656527933, 9.153519026638, 10.513034908742]),
    ];
    for (confidence, expected) in factors {
        for (k, lambda) in expected.into_iter().enumerate() {
            let factor = poisson_factor(k as u64, confidence).unwrap();
            assert!(
                (factor - lambda).abs() < 1e-9,
                "k={k} at {confidence}: {factor} (scipy: {lambda})"
            );
        }
    }
}

/// Guards against a Clopper–Pearson limit that ignores deviations after the first, rounds down
/// or to the nearest tenth, or a reliance decision compared with the wrong risk; (n, k,
/// confidence, tolerable, upper limit, supports reliance) from scipy.stats.binom.
#[test]
fn binomial_evaluations_match_scipy() {
    #[rustfmt::skip]
    let cases: [(u64, u64, f64, f64, f64, bool); 32] = [
        (25, 1, 0.95, 0.10, 0.177, false),
        (25, 1, 0.90, 0.15, 0.147, true),
        (25, 2, 0.95, 0.10, 0.232, false),
        (25, 2, 0.90, 0.15, 0.200, false),
        (25, 3, 0.95, 0.10, 0.282, false),
        (25, 3, 0.90, 0.15, 0.249, false),
        (25, 4, 0.95, 0.10, 0.330, false),
        (25, 4, 0.90, 0.15, 0.295, false),
        (40, 1, 0.95, 0.10, 0.114, false),
        (40, 1, 0.90, 0.15, 0.094, true),
        (40, 2, 0.95, 0.10, 0.150, false),
        (40, 2, 0.90, 0.15, 0.128, true),
        (40, 3, 0.95, 0.10, 0.183, false),
        (40, 3, 0.90, 0.15, 0.160, false),
        (40, 4, 0.95, 0.10, 0.215, false),
        (40, 4, 0.90, 0.15, 0.190, false),
        (59, 1, 0.95, 0.10, 0.078, true),
        (59, 1, 0.90, 0.15, 0.065, true),
        (59, 2, 0.95, 0.10, 0.103, false),
        (59, 2, 0.90, 0.15, 0.088, true),
        (59, 3, 0.95, 0.10, 0.127, false),
        (59, 3, 0.90, 0.15, 0.110, true),
        (59, 4, 0.95, 0.10, 0.149, false),
        (59, 4, 0.90, 0.15, 0.131, true),
        (93, 1, 0.95, 0.10, 0.050, true),
        (93, 1, 0.90, 0.15, 0.042, true),
        (93, 2, 0.95, 0.10, 0.067, true),
        (93, 2, 0.90, 0.15, 0.057, true),
        (93, 3, 0.95, 0.10, 0.082, true),
        (93, 3, 0.90, 0.15, 0.071, true),
        (93, 4, 0.95, 0.10, 0.096, true),
        (93, 4, 0.90, 0.15, 0.085, true),
    ];
    for (n, k, confidence, tolerable, upper, supports) in cases {
        let case = format!("binomial {k} of {n} at {confidence}, T={tolerable}");
        let input = EvaluationInput {
            sample_size: n,
            deviations: k,
            confidence,
            tolerable_rate: tolerable,
            model: Model::Binomial,
            population: None,
        };
        check_evaluation(&case, input, upper, supports);
    }
}

/// Guards against a hypergeometric sizing that needs more items than the binomial for the same
/// plan, or more than the population, and a binomial sizing that does not cap at the
/// population; (N, confidence, tolerable, expected, hypergeometric n, binomial n) from
/// scipy.stats.hypergeom and scipy.stats.binom, both given the population.
#[test]
fn hypergeometric_never_needs_more_than_the_binomial() {
    #[rustfmt::skip]
    let cases: [(u64, f64, f64, f64, u64, u64); 22] = [
        (30, 0.95, 0.05, 0.00, 23, 30),
        (52, 0.95, 0.05, 0.00, 33, 52),
        (52, 0.90, 0.10, 0.01, 26, 38),
        (60, 0.95, 0.05, 0.01, 52, 60),
        (80, 0.90, 0.05, 0.00, 35, 45),
        (100, 0.95, 0.03, 0.00, 63, 99),
        (100, 0.95, 0.05, 0.01, 65, 93),
        (120, 0.90, 0.04, 0.01, 70, 96),
        (150, 0.95, 0.10, 0.02, 41, 46),
        (200, 0.95, 0.05, 0.02, 121, 181),
        (250, 0.95, 0.05, 0.01, 78, 93),
        (250, 0.90, 0.07, 0.02, 49, 75),
        (300, 0.99, 0.05, 0.00, 78, 90),
        (365, 0.95, 0.04, 0.01, 132, 156),
        (365, 0.90, 0.10, 0.04, 49, 65),
        (500, 0.95, 0.05, 0.00, 56, 59),
        (500, 0.95, 0.06, 0.03, 158, 195),
        (750, 0.90, 0.05, 0.02, 100, 132),
        (1000, 0.95, 0.05, 0.01, 90, 93),
        (2000, 0.95, 0.03, 0.01, 247, 257),
        (5000, 0.95, 0.02, 0.00, 147, 149),
        (12, 0.90, 0.10, 0.00, 8, 12),
    ];
    for (population, confidence, tolerable, expected, exact_n, binomial_n) in cases {
        let case = format!("N={population} at {confidence}, T={tolerable}, E={expected}");
        let size = |model| {
            attribute_sample_size(&plan(
                confidence,
                tolerable,
                expected,
                Some(population),
                model,
            ))
            .unwrap_or_else(|error| panic!("{case} {model:?}: {error}"))
        };
        let (exact, binomial) = (size(Model::Hypergeometric), size(Model::Binomial));
        assert_eq!((exact.n, binomial.n), (exact_n, binomial_n), "{case}");
        assert!(
            exact.n <= binomial.n && binomial.n <= population,
            "{case}: {exact:?} {binomial:?}"
        );
        assert_eq!(exact.all_items, exact.n == population, "{case}: {exact:?}");
        assert_eq!(
            binomial.all_items,
            binomial.n == population,
            "{case}: {binomial:?}"
        );
    }
}
