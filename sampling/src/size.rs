//! How many items to test: the firm's judgemental table by control frequency, and statistical
//! attribute sampling.

use serde::{Deserialize, Serialize};

use crate::distribution::{
    parts_per_million, percent, Criterion, Model, MAX_ATTRIBUTE_SAMPLE, MILLION,
};
use crate::error::{Error, Result};

/// How often a control operates. `AsNeeded` covers event-driven controls (a change, a new
/// hire), sized by how many times the event occurred in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Annual,
    Quarterly,
    Monthly,
    Weekly,
    Daily,
    MultipleTimesPerDay,
    AsNeeded,
}

impl Frequency {
    fn describe(self) -> &'static str {
        match self {
            Frequency::Annual => "an annual",
            Frequency::Quarterly => "a quarterly",
            Frequency::Monthly => "a monthly",
            Frequency::Weekly => "a weekly",
            Frequency::Daily => "a daily",
            Frequency::MultipleTimesPerDay => "a many-times-a-day",
            Frequency::AsNeeded => "an as-needed",
        }
    }
}

/// The firm's range for one frequency and the point within it that the tool proposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct FrequencyRow {
    pub frequency: Frequency,
    pub minimum: u64,
    pub maximum: u64,
    pub size: u64,
}

/// As-needed controls that occurred at most `up_to` times (no bound on the last band) are sized
/// like the periodic control `like` that operates about as often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct OccurrenceBand {
    pub up_to: Option<u64>,
    pub like: Frequency,
}

/// The firm's sample-size table for tests of controls, kept as data so a firm can store its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct FrequencyTable {
    pub rows: Vec<FrequencyRow>,
    pub as_needed: Vec<OccurrenceBand>,
}

/// A proposed sample size and the reasoning to put in the workpaper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct SizeDecision {
    pub frequency: Frequency,
    pub population_size: u64,
    pub sample_size: u64,
    pub all_items: bool,
    pub reasoning: String,
}

impl Default for FrequencyTable {
    /// Ranges from common practice (annual 1, quarterly 2, monthly 2–5, weekly 5–15, daily
    /// 20–40, many times a day 25–60), proposing the low end where the range is narrow and 25
    /// and 40 for daily and many-times-a-day controls, where a reviewer expects more than the
    /// minimum. As-needed controls are sized like the periodic control that occurs about as
    /// often: up to 1, 4, 12, 52 and 365 occurrences, then many times a day.
    fn default() -> FrequencyTable {
        let row = |frequency, minimum, maximum, size| FrequencyRow {
            frequency,
            minimum,
            maximum,
            size,
        };
        let band = |up_to, like| OccurrenceBand { up_to, like };
        FrequencyTable {
            rows: vec![
                row(Frequency::Annual, 1, 1, 1),
                row(Frequency::Quarterly, 2, 2, 2),
                row(Frequency::Monthly, 2, 5, 2),
                row(Frequency::Weekly, 5, 15, 5),
                row(Frequency::Daily, 20, 40, 25),
                row(Frequency::MultipleTimesPerDay, 25, 60, 40),
            ],
            as_needed: vec![
                band(Some(1), Frequency::Annual),
                band(Some(4), Frequency::Quarterly),
                band(Some(12), Frequency::Monthly),
                band(Some(52), Frequency::Weekly),
                band(Some(365), Frequency::Daily),
                band(None, Frequency::MultipleTimesPerDay),
            ],
        }
    }
}

impl FrequencyTable {
    /// The firm's size for a control that operated `population_size` times in the period, or
    /// every occurrence when there are fewer than that.
    pub fn size_for(&self, frequency: Frequency, population_size: u64) -> Result<SizeDecision> {
        self.validate()?;
        if population_size == 0 {
            return Err(Error::EmptyPopulation);
        }
        let (row, sized_as) = if frequency == Frequency::AsNeeded {
            let band = self
                .as_needed
                .iter()
                .find(|band| band.up_to.is_none_or(|up_to| population_size <= up_to))
                .ok_or_else(|| {
                    Error::InvalidTable("no as-needed band covers this many occurrences".into())
                })?;
            let bound = band
                .up_to
                .map_or("more than the other bands".to_owned(), |up_to| {
                    format!("up to {up_to}")
                });
            (
                self.row(band.like)?,
                format!(
                    "An as-needed control that occurred {} is sized like {} control (the firm's table treats {bound} occurrences that way). ",
                    counted(population_size, "time"),
                    band.like.describe()
                ),
            )
        } else {
            (self.row(frequency)?, String::new())
        };
        let range = if row.minimum == row.maximum {
            counted(row.minimum, "item")
        } else {
            format!("{} to {} items", row.minimum, row.maximum)
        };
        let all_items = population_size <= row.size;
        let sample_size = row.size.min(population_size);
        let conclusion = if all_items {
            format!("it occurred {}, no more than the {} the table sets, so test every occurrence", counted(population_size, "time"), row.size)
        } else {
            format!("test {sample_size} of the {population_size} occurrences")
        };
        let reasoning = format!(
            "{sized_as}For {} control the firm's table asks for {range} and proposes {}: {conclusion}.",
            row.frequency.describe(),
            row.size
        );
        Ok(SizeDecision {
            frequency,
            population_size,
            sample_size,
            all_items,
            reasoning,
        })
    }

    /// Rejects a table a firm edited into something the lookup cannot use.
    pub fn validate(&self) -> Result<()> {
        let invalid = |why: String| Err(Error::InvalidTable(why));
        for (position, row) in self.rows.iter().enumerate() {
            if row.frequency == Frequency::AsNeeded {
                return invalid(
                    "as-needed controls are sized through the occurrence bands, not a row".into(),
                );
            }
            if self.rows[..position]
                .iter()
                .any(|earlier| earlier.frequency == row.frequency)
            {
                return invalid(format!("{:?} has more than one row", row.frequency));
            }
            if row.size == 0 || row.minimum > row.size || row.size > row.maximum {
                return invalid(format!(
                    "{:?} proposes {} outside its range {}–{} (or zero)",
                    row.frequency, row.size, row.minimum, row.maximum
                ));
            }
        }
        let rising = match self.as_needed.split_last() {
            Some((last, bounded)) => {
                last.up_to.is_none()
                    && bounded.iter().all(|band| band.up_to.is_some())
                    && bounded.windows(2).all(|pair| pair[0].up_to < pair[1].up_to)
            }
            None => false,
        };
        if !rising {
            return invalid("as-needed bands must rise and end with one without a bound".into());
        }
        for band in &self.as_needed {
            self.row(band.like)?;
        }
        Ok(())
    }

    fn row(&self, frequency: Frequency) -> Result<&FrequencyRow> {
        self.rows
            .iter()
            .find(|row| row.frequency == frequency)
            .ok_or_else(|| Error::InvalidTable(format!("there is no row for {frequency:?}")))
    }
}

/// What statistical attribute sampling is asked to plan. Rates and confidence are fractions
/// (0.05 for 5%), taken to the nearest part per million.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct AttributePlan {
    pub confidence: f64,
    pub tolerable_rate: f64,
    pub expected_rate: f64,
    pub population: Option<u64>,
    pub model: Model,
}

/// The planned sample. `expected_deviations` is `ceil(expected rate × n)`, the figure the
/// AICPA tables print in parentheses; `tolerable_deviations` is the most deviations the sample
/// can show and still support reliance, at least as many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct SampleSize {
    pub n: u64,
    pub expected_deviations: u64,
    pub tolerable_deviations: u64,
    pub all_items: bool,
    pub model: Model,
    pub reasoning: String,
}

/// The smallest `n` such that, were the population's deviation rate at the tolerable rate, a
/// sample of `n` would show no more than `k = ceil(expected rate × n)` deviations with
/// probability at most `1 - confidence` (the AICPA construction; `k` in exact integers). The
/// hypergeometric model puts `ceil(tolerable × N)` deviations in the population, the population
/// at the tolerable rate, as the binomial's `p = T` is. A population no larger than that `n` is
/// tested in full.
pub fn attribute_sample_size(plan: &AttributePlan) -> Result<SampleSize> {
    let confidence = parts_per_million("confidence", plan.confidence, false)?;
    let tolerable = parts_per_million("tolerable_rate", plan.tolerable_rate, false)?;
    let expected = parts_per_million("expected_rate", plan.expected_rate, true)?;
    if expected >= tolerable {
        return Err(Error::OutOfRange {
            name: "expected_rate",
            expected: "below the tolerable rate",
            value: plan.expected_rate.to_string(),
        });
    }
    if plan.population == Some(0) {
        return Err(Error::EmptyPopulation);
    }
    if plan.model == Model::Hypergeometric && plan.population.is_none() {
        return Err(Error::OutOfRange {
            name: "population",
            expected: "given for the hypergeometric model",
            value: "none".into(),
        });
    }
    let criterion = Criterion {
        model: plan.model,
        tolerable_ppm: tolerable,
        alpha_ppm: MILLION - confidence,
        population: plan.population,
    };
    let limit = match (plan.model, plan.population) {
        (Model::Hypergeometric, Some(population)) => population.min(MAX_ATTRIBUTE_SAMPLE),
        _ => MAX_ATTRIBUTE_SAMPLE,
    };
    let found = smallest_sample(expected, limit, &criterion);
    let setting = format!(
        "At {} confidence, a tolerable deviation rate of {} and an expected rate of {}",
        percent(confidence),
        percent(tolerable),
        percent(expected)
    );
    match (found, plan.population) {
        (Some((n, k)), population) if population.is_none_or(|population| n < population) => {
            // No sample supports reliance with every item deviating, so the count stops at n.
            let tolerable_deviations = (k..=n)
                .take_while(|&more| criterion.supports(n, more))
                .last()
                .unwrap_or(k);
            Ok(SampleSize {
                n,
                expected_deviations: k,
                tolerable_deviations,
                all_items: false,
                model: plan.model,
                reasoning: format!(
                    "{setting}, the {} model needs {n} items: were the population deviating at {}, a sample of {n} would show {k} or fewer deviations with probability at most {}. The sample supports reliance with up to {tolerable_deviations} deviations.",
                    plan.model.name(),
                    percent(tolerable),
                    percent(MILLION - confidence)
                ),
            })
        }
        (_, Some(population)) if population <= MAX_ATTRIBUTE_SAMPLE => {
            let tolerable_deviations = criterion.tolerable_count(population);
            Ok(SampleSize {
                n: population,
                expected_deviations: ceil_rate(expected, population),
                tolerable_deviations,
                all_items: true,
                model: plan.model,
                reasoning: format!(
                    "{setting}, no sample smaller than the population of {population} gives that assurance under the {} model: test all {population} items. The control supports reliance with up to {tolerable_deviations} deviations.",
                    plan.model.name()
                ),
            })
        }
        _ => Err(Error::SampleSizeUnattainable { limit }),
    }
}

/// "1 item", "2 items": the reasoning is read as a sentence in the workpaper.
fn counted(count: u64, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ => format!("{count} {noun}s"),
    }
}

fn ceil_rate(ppm: u64, n: u64) -> u64 {
    (u128::from(ppm) * u128::from(n)).div_ceil(u128::from(MILLION)) as u64
}

/// For each `k` in turn, the `n` with `ceil(expected × n) = k` form a run (all `n` when the
/// expected rate is 0); within a run the criterion only turns from false to true, so if it holds
/// at the run's end, a binary search finds the first `n` where it does.
fn smallest_sample(expected_ppm: u64, limit: u64, criterion: &Criterion) -> Option<(u64, u64)> {
    let mut k = u64::from(expected_ppm > 0);
    loop {
        let (low, high) = match (k * MILLION).checked_div(expected_ppm) {
            None => (1, limit),
            Some(last) => ((k - 1) * MILLION / expected_ppm + 1, last.min(limit)),
        };
        if low > limit {
            return None;
        }
        if criterion.supports(high, k) {
            let (mut low, mut high) = (low, high);
            while low < high {
                let mid = low + (high - low) / 2;
                if criterion.supports(mid, k) {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            return Some((low, k));
        }
        if expected_ppm == 0 {
            return None;
        }
        k += 1;
    }
}
