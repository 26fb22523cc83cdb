//! The three models of how many deviations a sample shows, and the one question sizing and
//! evaluation both ask of them: if the population deviated at the tolerable rate, would a sample
//! of `n` show `k` or fewer deviations with probability at most `1 - confidence`? Binomial and
//! hypergeometric answers are exact (rates are held as whole parts per million and the
//! probabilities compared as big-integer fractions), because published tables are decided at
//! their edges by differences floating point cannot see. The Poisson model involves `e^-λ`,
//! which no fraction represents, and is computed in `f64`.

use num_bigint::BigUint;
use num_traits::One;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub(crate) const MILLION: u64 = 1_000_000;

/// The largest attribute sample this crate sizes or evaluates: beyond it the exact fractions
/// grow past what an interactive tool should compute, and no test of controls needs it.
pub const MAX_ATTRIBUTE_SAMPLE: u64 = 10_000;

/// The probability model for the number of deviations in a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// Sampling with replacement, or from a population large enough that it makes no
    /// difference; the model behind the AICPA tables.
    Binomial,
    /// The binomial's large-population, low-rate approximation; the model behind MUS factors.
    Poisson,
    /// Sampling without replacement from a population of known size; the right model for
    /// small populations such as 4 quarters or 52 weeks.
    Hypergeometric,
}

impl Model {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Model::Binomial => "binomial",
            Model::Poisson => "Poisson",
            Model::Hypergeometric => "hypergeometric",
        }
    }
}

/// A fraction such as 0.95 or 0.0125, rounded to whole parts per million. `zero_allowed` admits
/// 0 (an expected rate of none); 1 and above are never a usable rate or confidence.
pub(crate) fn parts_per_million(name: &'static str, value: f64, zero_allowed: bool) -> Result<u64> {
    let (lowest, expected) = if zero_allowed {
        (
            0.0,
            "a fraction from 0 up to (not including) 1, such as 0.01 for 1%",
        )
    } else {
        (
            0.5 / MILLION as f64,
            "a fraction above 0 and below 1, such as 0.05 for 5%",
        )
    };
    let out_of_range = || Error::OutOfRange {
        name,
        expected,
        value: value.to_string(),
    };
    if !value.is_finite() || value < lowest || value >= 1.0 {
        return Err(out_of_range());
    }
    let ppm = (value * MILLION as f64).round() as u64;
    if ppm >= MILLION {
        return Err(out_of_range());
    }
    Ok(ppm)
}

/// A rate in parts per million as a percentage: one decimal as the tables print it, more only
/// where the rate needs them.
pub(crate) fn percent(ppm: u64) -> String {
    let text = format!("{}.{:04}", ppm / 10_000, ppm % 10_000);
    let trimmed = text.trim_end_matches('0');
    let trimmed = if trimmed.ends_with('.') {
        format!("{trimmed}0")
    } else {
        trimmed.to_owned()
    };
    format!("{trimmed}%")
}

/// The test both sizing and evaluation apply, fixed by the model, the tolerable rate, the risk
/// `alpha = 1 - confidence` and, for the hypergeometric model, the population size.
pub(crate) struct Criterion {
    pub model: Model,
    pub tolerable_ppm: u64,
    pub alpha_ppm: u64,
    pub population: Option<u64>,
}

impl Criterion {
    /// True when `k` or fewer deviations in `n` items would occur with probability at most
    /// alpha were the population at the tolerable rate, i.e. when finding `k` supports the
    /// conclusion that the rate does not exceed it. For fixed `k` this turns from false to true
    /// as `n` grows, and from true to false as `k` grows, which the searches rely on.
    pub fn supports(&self, n: u64, k: u64) -> bool {
        match self.model {
            Model::Binomial => binomial_within(k, n, self.tolerable_ppm, self.alpha_ppm),
            Model::Poisson => {
                let mean = n as f64 * self.tolerable_ppm as f64 / MILLION as f64;
                poisson_at_most(k, mean) <= self.alpha_ppm as f64 / MILLION as f64
            }
            Model::Hypergeometric => {
                let population = self.population.unwrap_or(n);
                hypergeometric_within(
                    k,
                    n,
                    population,
                    self.population_deviations(population),
                    self.alpha_ppm,
                )
            }
        }
    }

    /// The deviations a population of this size holds when it deviates at the tolerable rate:
    /// `ceil(tolerable × N)`, the finite-population counterpart of the binomial's `p = T`, so
    /// both models answer the same question.
    pub fn population_deviations(&self, population: u64) -> u64 {
        (u128::from(self.tolerable_ppm) * u128::from(population)).div_ceil(u128::from(MILLION)) as u64
    }

    /// The most deviations a population tested in full may show without its rate exceeding the
    /// tolerable rate: `floor(tolerable × N)`. Testing every item leaves no sampling risk, so
    /// the rate itself is compared.
    pub fn tolerable_count(&self, population: u64) -> u64 {
        (u128::from(self.tolerable_ppm) * u128::from(population) / u128::from(MILLION)) as u64
    }
}

/// Whether `P(X <= k) <= alpha` for `X ~ Binomial(n, p)`, exactly. With `p = a/d` in lowest
/// terms and `b = d - a`, `P(X <= k) = b^(n-k) · Σ_{i<=k} C(n,i) a^i b^(k-i) / d^n`, and the
/// comparison is made between the two sides multiplied out as whole numbers.
pub(crate) fn binomial_within(k: u64, n: u64, p_ppm: u64, alpha_ppm: u64) -> bool {
    if k >= n {
        return false;
    }
    let common = gcd(p_ppm, MILLION);
    let (a, d) = (p_ppm / common, MILLION / common);
    let b = d - a;
    let mut sum = BigUint::one();
    let mut choose = BigUint::one();
    let mut a_power = BigUint::one();
    for i in 1..=k {
        choose = choose * (n - i + 1) / i;
        a_power *= a;
        sum = sum * b + &choose * &a_power;
    }
    let left = sum * BigUint::from(b).pow(exponent(n - k)) * MILLION;
    let right = BigUint::from(d).pow(exponent(n)) * alpha_ppm;
    left <= right
}

/// Whether `P(X <= k) <= alpha` when `n` items are drawn without replacement from `population`
/// items of which `deviations` deviate: `Σ_{i<=k} C(D,i) C(N-D,n-i) / C(N,n)`, exactly.
pub(crate) fn hypergeometric_within(
    k: u64,
    n: u64,
    population: u64,
    deviations: u64,
    alpha_ppm: u64,
) -> bool {
    let clean = population - deviations;
    let sum: BigUint = (0..=k.min(deviations).min(n))
        .filter(|&i| n - i <= clean)
        .map(|i| choose(deviations, i) * choose(clean, n - i))
        .sum();
    sum * MILLION <= choose(population, n) * alpha_ppm
}

fn choose(n: u64, k: u64) -> BigUint {
    let k = k.min(n - k);
    (0..k).fold(BigUint::one(), |acc, i| acc * (n - i) / (i + 1))
}

fn exponent(value: u64) -> u32 {
    u32::try_from(value).expect("sample sizes are limited to MAX_ATTRIBUTE_SAMPLE")
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `P(X <= k)` for `X ~ Poisson(mean)`, summing terms formed in logarithms so that large means
/// do not underflow `e^-mean` before the powers lift it.
pub(crate) fn poisson_at_most(k: u64, mean: f64) -> f64 {
    if mean == 0.0 {
        return 1.0;
    }
    let log_mean = mean.ln();
    let mut log_factorial = 0.0;
    (0..=k)
        .map(|i| {
            if i > 0 {
                log_factorial += (i as f64).ln();
            }
            (i as f64 * log_mean - mean - log_factorial).exp()
        })
        .sum::<f64>()
        .min(1.0)
}

/// The Poisson upper-limit factor: the mean `λ` at which `P(X <= k) = alpha`, the expected
/// number of deviations (or of taintings, for MUS) the sample still allows at this confidence.
/// Found by bisection to full `f64` precision; `P(X <= k)` falls steadily as `λ` grows.
pub fn poisson_factor(k: u64, confidence: f64) -> Result<f64> {
    let alpha = 1.0 - parts_per_million("confidence", confidence, false)? as f64 / MILLION as f64;
    let mut high = k as f64 + 1.0;
    while poisson_at_most(k, high) > alpha {
        high *= 2.0;
    }
    let mut low = 0.0;
    for _ in 0..200 {
        let mid = (low + high) / 2.0;
        if poisson_at_most(k, mid) > alpha {
            low = mid;
        } else {
            high = mid;
        }
    }
    Ok(high)
}
