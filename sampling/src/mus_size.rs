//! How many hits a monetary-unit sample needs: the rule behind the AICPA Audit Sampling guide's
//! Appendix C (Table C-1, "Monetary Unit Sample Size Determination Tables"), which is also what
//! jfa's `planning(likelihood = "poisson")` computes.

use serde::{Deserialize, Serialize};
use statrs::function::gamma::gamma_lr;

use crate::distribution::parts_per_million;
use crate::error::{Error, Result};

/// The most hits a plan may ask for: beyond it the gap between tolerable and expected
/// misstatement is too narrow for sampling to be the right test.
pub const MAX_MUS_HITS: u64 = 100_000;

/// What monetary-unit sampling is asked to plan, in cents, and the confidence as a fraction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct MusPlan {
    /// The population's book value: the total of its positive amounts.
    pub book_cents: u64,
    pub tolerable_cents: u64,
    pub expected_cents: u64,
    pub confidence: f64,
}

/// The planned sample, in hits (monetary units), not items: a record can be hit more than once,
/// so the items are as many or fewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct MusSize {
    pub hits: u64,
    /// The expected misstatement as a sum of taintings over the sample: `hits × expected / book`.
    pub expected_taints: f64,
    pub reasoning: String,
}

/// "1,234,567.89": an amount in cents as the workpaper writes it, without a currency sign.
pub fn money(cents: f64) -> String {
    let negative = cents < 0.0;
    let cents = cents.abs().round() as u64;
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped}.{:02}", if negative { "-" } else { "" }, cents % 100)
}

/// The smallest `n` for which the Poisson (gamma) upper bound on the misstatement rate, with the
/// expected misstatement as `n × EM / B` taintings (a fraction, not rounded), stays below the
/// tolerable rate `TM / B` at the confidence: with `P(a, x)` the regularised lower incomplete
/// gamma function, the smallest `n` with `P(1 + n·EM/B, n·TM/B) > confidence`. With no expected
/// misstatement this is `floor(R(0) / (TM/B)) + 1`, `R(0) = -ln(1 - confidence)`. It reproduces
/// every cell of the guide's Table C-1 (see `tests/mus.rs`).
pub fn mus_sample_size(plan: &MusPlan) -> Result<MusSize> {
    let confidence = parts_per_million("confidence", plan.confidence, false)? as f64 / 1e6;
    if plan.book_cents == 0 {
        return Err(Error::NoMonetaryUnits);
    }
    if plan.tolerable_cents == 0 || plan.tolerable_cents >= plan.book_cents {
        return Err(Error::OutOfRange {
            name: "tolerable misstatement",
            expected: "above zero and below the population's book value",
            value: money(plan.tolerable_cents as f64),
        });
    }
    if plan.expected_cents >= plan.tolerable_cents {
        return Err(Error::OutOfRange { name: "expected misstatement", expected: "below the tolerable misstatement", value: money(plan.expected_cents as f64) });
    }
    let book = plan.book_cents as f64;
    let (tolerable, expected) = (plan.tolerable_cents as f64 / book, plan.expected_cents as f64 / book);
    let enough = |n: u64| gamma_lr(1.0 + n as f64 * expected, n as f64 * tolerable) > confidence;
    if !enough(MAX_MUS_HITS) {
        return Err(Error::SampleSizeUnattainable { limit: MAX_MUS_HITS });
    }
    // The bound falls as n grows (the expected rate is below the tolerable), so the first n
    // that is enough is found by bisection.
    let (mut low, mut high) = (1, MAX_MUS_HITS);
    while low < high {
        let mid = low + (high - low) / 2;
        if enough(mid) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    let hits = low;
    let expected_taints = hits as f64 * expected;
    let reasoning = format!(
        "At {}% confidence, a tolerable misstatement of {} and an expected misstatement of {} in a book value of {}, the Poisson model (AICPA Audit Sampling guide, Appendix C) needs {hits} hits, an interval of {}: with the expected misstatement spread as {expected_taints:.2} taintings over the sample, the upper misstatement limit stays below the tolerable misstatement.",
        confidence * 100.0,
        money(plan.tolerable_cents as f64),
        money(plan.expected_cents as f64),
        money(book),
        money(book / hits as f64),
    );
    Ok(MusSize { hits, expected_taints, reasoning })
}
