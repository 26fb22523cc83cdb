//! Monetary-unit sampling against published and independently computed values: sample sizes
//! in hits from tolerable and expected misstatement (the AICPA Audit Sampling guide's Appendix C,
//! Table C-1, whose rule jfa's `planning(likelihood = "poisson")` shares), and Stringer bounds
//! with exact Poisson factors. Each case names its source; "computed" values were worked out with
//! scipy and mpmath at 50 digits, apart from this crate (the script is kept beside these tests as
//! `tests/mus_reference.py`).

use sampling::{mus_sample_size, stringer_bound, Misstatement, MusPlan};

/// (source, book value, tolerable, expected (dollars), confidence, hits)
const PLANNING: &[(&str, f64, f64, f64, f64, u64)] = &[
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 5%, ratio of expected to tolerable 0.0, tolerable 5.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 500000.0, 0.0, 0.95, 60),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 5%, ratio of expected to tolerable 0.1, tolerable 5.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 500000.0, 50000.0, 0.95, 74),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 5%, ratio of expected to tolerable 0.2, tolerable 1.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 100000.0, 20000.0, 0.95, 463),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 5%, ratio of expected to tolerable 0.3, tolerable 8.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 800000.0, 240000.0, 0.95, 75),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 5%, ratio of expected to tolerable 0.4, tolerable 5.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 500000.0, 200000.0, 0.95, 162),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 5%, ratio of expected to tolerable 0.5, tolerable 0.5% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 50000.0, 25000.0, 0.95, 2308),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 10%, ratio of expected to tolerable 0.0, tolerable 4.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 400000.0, 0.0, 0.9, 58),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 10%, ratio of expected to tolerable 0.2, tolerable 2.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 200000.0, 40000.0, 0.9, 171),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 10%, ratio of expected to tolerable 0.3, tolerable 5.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 500000.0, 150000.0, 0.9, 87),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 10%, ratio of expected to tolerable 0.5, tolerable 4.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 400000.0, 200000.0, 0.9, 200),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 15%, ratio of expected to tolerable 0.0, tolerable 1.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 100000.0, 0.0, 0.85, 190),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 15%, ratio of expected to tolerable 0.3, tolerable 10.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 1000000.0, 300000.0, 0.85, 35),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 20%, ratio of expected to tolerable 0.0, tolerable 5.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 500000.0, 0.0, 0.8, 33),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 20%, ratio of expected to tolerable 0.3, tolerable 0.5% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 50000.0, 15000.0, 0.8, 554),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 25%, ratio of expected to tolerable 0.0, tolerable 1.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 100000.0, 0.0, 0.75, 139),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 25%, ratio of expected to tolerable 0.3, tolerable 6.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 600000.0, 180000.0, 0.75, 39),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 30%, ratio of expected to tolerable 0.0, tolerable 3.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 300000.0, 0.0, 0.7, 41),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 30%, ratio of expected to tolerable 0.4, tolerable 5.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 500000.0, 200000.0, 0.7, 48),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 35%, ratio of expected to tolerable 0.2, tolerable 1.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 100000.0, 20000.0, 0.65, 138),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 50%, ratio of expected to tolerable 0.0, tolerable 2.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 200000.0, 0.0, 0.5, 35),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 50%, ratio of expected to tolerable 0.4, tolerable 5.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 500000.0, 200000.0, 0.5, 23),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 50%, ratio of expected to tolerable 0.6, tolerable 1.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 100000.0, 60000.0, 0.5, 170),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 5%, ratio of expected to tolerable 0.3, tolerable 0.5% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 50000.0, 15000.0, 0.95, 1199),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 5%, ratio of expected to tolerable 0.4, tolerable 0.5% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 50000.0, 20000.0, 0.95, 1618),
    ("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit Sample Size Determination Tables' (risk of incorrect acceptance 30%, ratio of expected to tolerable 0.2, tolerable 4.0% of population); transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1", 10000000.0, 400000.0, 80000.0, 0.7, 41),
    ("Touw & Hoogduin (2011) Statistiek voor audit en controlling, Table 1.3 p.17 (materiality 1%); jfa value from koenderks/jfa tests/testthat/test-touwhoogduin.R test f14-v0.5.1-t1 (book prints 300, jfa asserts 300)", 1000000.0, 10000.0, 0.0, 0.95, 300),
    ("Touw & Hoogduin (2011) Statistiek voor audit en controlling, Table 1.3 p.17 (materiality 1%); jfa value from koenderks/jfa tests/testthat/test-touwhoogduin.R test f14-v0.5.1-t1 (book prints 230, jfa asserts 231)", 1000000.0, 10000.0, 0.0, 0.9, 231),
    ("Touw & Hoogduin (2011) Statistiek voor audit en controlling, Table 1.3 p.17 (materiality 1%); jfa value from koenderks/jfa tests/testthat/test-touwhoogduin.R test f14-v0.5.1-t1 (book prints 140, jfa asserts 139)", 1000000.0, 10000.0, 0.0, 0.75, 139),
    ("Touw & Hoogduin (2011) Statistiek voor audit en controlling, Table 1.3 p.17 (materiality 1%); jfa value from koenderks/jfa tests/testthat/test-touwhoogduin.R test f14-v0.5.1-t1 (book prints 90, jfa asserts 92)", 1000000.0, 10000.0, 0.0, 0.6, 92),
    ("Touw & Hoogduin (2011) Statistiek voor audit en controlling, Table 1.3 p.17 (materiality 1%); jfa value from koenderks/jfa tests/testthat/test-touwhoogduin.R test f14-v0.5.1-t1 (book prints 70, jfa asserts 70)", 1000000.0, 10000.0, 0.0, 0.5, 70),
    ("Touw & Hoogduin (2011) p.23 example; koenderks/jfa tests/testthat/test-touwhoogduin.R test f14-v0.5.1-t2", 5000000.0, 100000.0, 0.0, 0.95, 150),
    ("Touw & Hoogduin (2011) p.23 example; koenderks/jfa tests/testthat/test-touwhoogduin.R test f14-v0.5.1-t2", 5000000.0, 100000.0, 0.0, 0.875, 104),
    ("Messier et al. solutions ch.9 problem 9-21(b) (coursehero.com/file/5671033/CHAPTER-9): published 'Using ACL ... sample size is equal to 161'; same inputs are AICPA Table C-1 cell (5%, ratio 0.40, TM 5%) = 162; the solution's own 'Table 8-5' figure 181 is from an older table", 300000.0, 15000.0, 6000.0, 0.95, 162),
    ("computed: inputs from Arens 'Husky Manufacturing' problem (solutioninn.com/assume-that-you-are-auditing-the-inventory-of-husky-manufacturing); answer not shown", 8124998.66, 275000.0, 80000.0, 0.9, 125),
];

/// A sample size that would drift from the guide's table by a cell: a misread expected
/// misstatement, a rounded factor, a search one step off.
#[test]
fn hits_for_tolerable_and_expected_misstatement_agree_with_the_published_table() {
    assert!(PLANNING.len() >= 30);
    for &(source, book, tolerable, expected, confidence, hits) in PLANNING {
        let cents = |dollars: f64| (dollars * 100.0).round() as u64;
        let plan = MusPlan { book_cents: cents(book), tolerable_cents: cents(tolerable), expected_cents: cents(expected), confidence };
        let size = mus_sample_size(&plan).unwrap_or_else(|e| panic!("{source}: {e}"));
        assert_eq!(size.hits, hits, "{source}");
    }
}

/// (source, interval, confidence, items as (book, audited) in dollars, basic precision,
/// projected misstatement, incremental allowance, upper misstatement limit), exact factors.
#[allow(clippy::type_complexity)]
const STRINGER: &[(&str, f64, f64, &[(f64, f64)], f64, f64, f64, f64)] = &[
    ("Whittington & Pany 'Principles of Auditing' ch.16 problem P7, worked in coursehero.com/file/6455584/L12-Notes-Part-13: published BP 97,882; increments (rounded factors 3.9-2.3, 5.3-3.9, 6.7-5.3) 40,678 / 17,797 / 5,932; top-stratum 10,699; UML 172,988", 42372.8813559322, 0.9, &[(71330.0, 60631.0), (18996.0, 17096.0), (30081.0, 21057.0), (3555.0, 1422.0)], 97567.165, 53072.351, 21945.3645, 172584.8805),
    ("coursehero.com/file/6569919/1004-MUS-HO: published projected misstatement $1,912 (567 + 212 top-stratum + 1,133); BP/IA/UML not visible -> computed", 11333.333333333334, 0.95, &[(100.0, 95.0), (11700.0, 11488.0), (65.0, 58.5)], 33951.6324, 1912.0, 1160.643, 37024.2755),
    ("computed: inputs from studentsmerit.com/paper-detail/?paper_id=27099 (Harder Company; RF 3.0, increments 1.75/1.55/1.46/1.40 given); answer not published there", 8000.0, 0.95, &[(1500.0, 1000.0), (2400.0, 1200.0), (8200.0, 7500.0), (6000.0, 5400.0), (9000.0, 8000.0)], 23965.8582, 9166.6667, 4830.6302, 37963.1551),
    ("computed: inputs from Messier problem 'Jordan Thomas' (justaaa.com/accounting/331542); the web answer (PM 9,500 = sum of differences) does not project taints and is NOT used", 12300.0, 0.95, &[(15000.0, 12500.0), (10000.0, 4000.0), (3000.0, 2000.0)], 36847.507, 13980.0, 7784.1253, 58611.6323),
    ("computed: inputs from Messier problem 'Jordan Thomas' (justaaa.com/accounting/331542); the web answer (PM 9,500 = sum of differences) does not project taints and is NOT used", 12300.0, 0.9, &[(15000.0, 12500.0), (10000.0, 4000.0), (3000.0, 2000.0)], 28321.7966, 13980.0, 6106.7176, 48408.5142),
    ("computed: scipy+mpmath (compute.py) - no misstatements", 50000.0, 0.95, &[], 149786.6137, 0.0, 0.0, 149786.6137),
    ("computed: scipy+mpmath (compute.py) - no misstatements 90%", 50000.0, 0.9, &[], 115129.2546, 0.0, 0.0, 115129.2546),
    ("computed: scipy+mpmath (compute.py) - single 100% taint", 50000.0, 0.95, &[(1000.0, 0.0)], 149786.6137, 50000.0, 37406.6122, 237193.2259),
    ("computed: scipy+mpmath (compute.py) - single 40% taint", 50000.0, 0.95, &[(1000.0, 600.0)], 149786.6137, 20000.0, 14962.6449, 184749.2586),
    ("computed: scipy+mpmath (compute.py) - taint 1.5 (audit value negative) capped to 1.0", 50000.0, 0.95, &[(1000.0, -500.0)], 149786.6137, 50000.0, 37406.6122, 237193.2259),
    ("computed: scipy+mpmath (compute.py) - understatement -0.5 ignored in overstatement bound", 50000.0, 0.95, &[(1000.0, 1500.0), (1000.0, 700.0)], 149786.6137, 15000.0, 11221.9837, 176008.5974),
    ("computed: scipy+mpmath (compute.py) - five taints unsorted input", 20000.0, 0.95, &[(1000.0, 900.0), (1000.0, 250.0), (1000.0, 700.0), (1000.0, 0.0), (1000.0, 950.0)], 59914.6455, 44000.0, 27147.9998, 131062.6452),
    ("computed: scipy+mpmath (compute.py) - five taints 90%", 20000.0, 0.9, &[(1000.0, 900.0), (1000.0, 250.0), (1000.0, 700.0), (1000.0, 0.0), (1000.0, 950.0)], 46051.7019, 44000.0, 21289.1778, 111340.8796),
    ("computed: scipy+mpmath (compute.py) - ten taints 80%", 10000.0, 0.8, &[(1000.0, 100.0), (1000.0, 200.0), (1000.0, 300.0), (1000.0, 400.0), (1000.0, 500.0), (1000.0, 600.0), (1000.0, 700.0), (1000.0, 800.0), (1000.0, 900.0), (1000.0, 950.0)], 16094.3791, 45500.0, 11202.8524, 72797.2315),
    ("computed: scipy+mpmath (compute.py) - two equal taints 99%", 30000.0, 0.99, &[(1000.0, 500.0), (1000.0, 500.0)], 138155.1056, 30000.0, 27011.6509, 195166.7565),
];

/// A bound that nets understatements against overstatements, lets a tainting exceed 100%, puts
/// the top stratum through the factors, or orders the taintings wrongly.
#[test]
fn stringer_bounds_agree_with_worked_examples_and_independent_computation() {
    assert!(STRINGER.len() >= 15);
    for &(source, interval, confidence, items, basic, projected, incremental, upper) in STRINGER {
        let examined: Vec<Misstatement> = items.iter().map(|&(b, a)| Misstatement { book_cents: (b * 100.0).round() as i64, audit_cents: (a * 100.0).round() as i64 }).collect();
        let bound = stringer_bound(interval * 100.0, confidence, &examined).unwrap_or_else(|e| panic!("{source}: {e}"));
        let close = |got: f64, want: f64, what: &str| assert!((got / 100.0 - want).abs() <= 0.01 + want.abs() * 1e-9, "{source}: {what} {} (want {want})", got / 100.0);
        close(bound.basic_precision_cents, basic, "basic precision");
        close(bound.projected_misstatement_cents, projected, "projected misstatement");
        close(bound.incremental_allowance_cents, incremental, "incremental allowance");
        close(bound.upper_bound_cents, upper, "upper misstatement limit");
        assert!(bound.taintings.iter().all(|t| (0.0..=1.0).contains(t)), "{source}: taintings in [0, 1]");
    }
}
