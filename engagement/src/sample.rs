//! Samples: sized by the firm's table or by attribute sampling, drawn by the `sampling` crate
//! from a seed derived from the engagement, the control and the population's fingerprint, and
//! stored with every parameter a reviewer needs to re-perform the draw.

use std::collections::BTreeMap;

use chrono::Datelike;
use rusqlite::{params, OptionalExtension};
use sampling::{
    AttributePlan, FrequencyTable, MusBasis, MusVariant, PeriodSlice, SampleSize, Seed, SeedOrigin, Selection, SizeDecision,
};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::signoff::ensure_unlocked;
use crate::store::EngagementFile;

/// How the items are picked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SampleMethod {
    SimpleRandom,
    Systematic,
    Cell,
    /// By the population's stratum column, or by slices of the period so every part of it is
    /// covered; proportional allocation unless counts per stratum are given.
    Stratified { by: StratifyBy, counts: Option<BTreeMap<String, u64>> },
    MonetaryUnit {
        #[cfg_attr(feature = "ts", ts(type = "\"fixed\" | \"cell\""))]
        variant: MusVariant,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StratifyBy {
    Column,
    Month,
    Quarter,
    Half,
}

/// How many items: the firm's table for the control's frequency, attribute sampling, or a
/// number the auditor sets with a reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SizeRequest {
    FrequencyTable,
    Attribute {
        #[cfg_attr(
            feature = "ts",
            ts(type = "{ confidence: number, tolerable_rate: number, expected_rate: number, population: number | null, model: \"binomial\" | \"poisson\" | \"hypergeometric\" }")
        )]
        plan: AttributePlan,
    },
    Fixed { n: u64, reason: String },
}

/// The size as decided, with its reasoning for the workpaper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SizeBasis {
    FrequencyTable { decision: SizeDecision },
    Attribute { plan: AttributePlan, size: SampleSize },
    Fixed { n: u64, reason: String },
}

impl SizeBasis {
    pub fn n(&self) -> u64 {
        match self {
            SizeBasis::FrequencyTable { decision } => decision.sample_size,
            SizeBasis::Attribute { size, .. } => size.n,
            SizeBasis::Fixed { n, .. } => *n,
        }
    }

    pub fn reasoning(&self) -> String {
        match self {
            SizeBasis::FrequencyTable { decision } => decision.reasoning.clone(),
            SizeBasis::Attribute { size, .. } => size.reasoning.clone(),
            SizeBasis::Fixed { n, reason } => format!("{n} items, set by the auditor: {reason}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SampleRequest {
    pub control_id: i64,
    pub population_id: i64,
    pub method: SampleMethod,
    pub size: SizeRequest,
    /// An explicit seed in hex, recorded as chosen; by default the seed is derived.
    pub seed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub id: i64,
    pub control_id: i64,
    pub population_id: i64,
    pub method: SampleMethod,
    pub basis: SizeBasis,
    pub selection: Selection,
    pub drawn_at: String,
}

/// What is stored in the `basis` column: the request's method and the decided size.
#[derive(Serialize, Deserialize)]
struct StoredBasis {
    method: SampleMethod,
    size: SizeBasis,
}

impl EngagementFile {
    pub fn draw_sample(&mut self, request: &SampleRequest) -> Result<i64> {
        let control = self.control(request.control_id)?;
        let population = self.population(request.population_id)?;
        if population.control_id != control.id {
            return Err(Error::invalid("population", format!("population {} belongs to another control", population.id)));
        }
        let n_population = population.row_count as u64;
        let size = match &request.size {
            SizeRequest::FrequencyTable => {
                SizeBasis::FrequencyTable { decision: FrequencyTable::default().size_for(control.frequency, n_population)? }
            }
            SizeRequest::Attribute { plan } => {
                let plan = AttributePlan { population: plan.population.or(Some(n_population)), ..*plan };
                SizeBasis::Attribute { size: sampling::attribute_sample_size(&plan)?, plan }
            }
            SizeRequest::Fixed { n, reason } => {
                if reason.trim().is_empty() {
                    return Err(Error::invalid("reason", "say why this sample size was chosen"));
                }
                SizeBasis::Fixed { n: *n, reason: reason.trim().to_owned() }
            }
        };
        let n = size.n();
        let (seed, origin) = match &request.seed {
            Some(hex) => (hex.trim().parse::<Seed>().map_err(|_| Error::invalid("seed", "a seed is 64 hexadecimal digits"))?, SeedOrigin::Explicit),
            None => (Seed::derive(&self.info()?.id, &control.reference, &population.fingerprint), SeedOrigin::Derived),
        };
        let selection = match &request.method {
            SampleMethod::SimpleRandom => sampling::simple_random(seed, origin, n_population, n)?,
            SampleMethod::Systematic => sampling::systematic(seed, origin, n_population, n)?,
            SampleMethod::Cell => sampling::cell(seed, origin, n_population, n)?,
            SampleMethod::Stratified { by, counts } => {
                let labels = self.stratum_labels(population.id, *by)?;
                let allocation = match counts {
                    Some(counts) => sampling::Allocation::Counts(counts.clone()),
                    None => sampling::Allocation::Proportional { sample_size: n },
                };
                sampling::stratified(seed, origin, &labels, &allocation)?
            }
            SampleMethod::MonetaryUnit { variant } => {
                let amounts = self.amounts(population.id)?;
                sampling::monetary_unit(seed, origin, &amounts, MusBasis::SampleSize(n), *variant)?
            }
        };
        let basis = StoredBasis { method: request.method.clone(), size };
        self.write(|w| {
            ensure_unlocked(w.tx(), control.id)?;
            w.tx().execute(
                "INSERT INTO sample (control_id, population_id, basis, selection, drawn_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![control.id, population.id, serde_json::to_string(&basis)?, serde_json::to_string(&selection)?, w.at],
            )?;
            let id = w.tx().last_insert_rowid();
            w.record("draw", "sample", id, None)?;
            Ok(id)
        })
    }

    /// Adds items to a sample, keeping every item already drawn in its place.
    pub fn extend_sample(&mut self, sample_id: i64, additional: u64, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::invalid("reason", "say why the sample is extended"));
        }
        let sample = self.sample(sample_id)?;
        let extended = self.with_population_data(&sample, |population| sampling::extend(&sample.selection, population, additional))?;
        self.write(|w| {
            ensure_unlocked(w.tx(), sample.control_id)?;
            let before = w.snapshot("sample", sample_id)?;
            w.tx().execute("UPDATE sample SET selection = ?2 WHERE id = ?1", params![sample_id, serde_json::to_string(&extended)?])?;
            w.record(&format!("extend by {additional}: {}", reason.trim()), "sample", sample_id, before)
        })
    }

    /// Draws the sample again from its record and says whether the same items come out.
    pub fn reperform_sample(&self, sample_id: i64) -> Result<bool> {
        let sample = self.sample(sample_id)?;
        let again = self.with_population_data(&sample, |population| sampling::reperform(&sample.selection, population))?;
        Ok(again.items == sample.selection.items)
    }

    pub fn samples(&self, control_id: Option<i64>) -> Result<Vec<Sample>> {
        let ids: Vec<i64> = self
            .conn()
            .prepare("SELECT id FROM sample WHERE ?1 IS NULL OR control_id = ?1 ORDER BY id")?
            .query_map([control_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| self.sample(id)).collect()
    }

    pub fn sample(&self, id: i64) -> Result<Sample> {
        let row: Option<(i64, i64, String, String, String)> = self
            .conn()
            .query_row("SELECT control_id, population_id, basis, selection, drawn_at FROM sample WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let (control_id, population_id, basis, selection, drawn_at) = row.ok_or_else(|| Error::NotFound(format!("sample {id}")))?;
        let basis: StoredBasis = serde_json::from_str(&basis)?;
        Ok(Sample { id, control_id, population_id, method: basis.method, basis: basis.size, selection: serde_json::from_str(&selection)?, drawn_at })
    }

    fn with_population_data<T>(&self, sample: &Sample, f: impl FnOnce(sampling::Population<'_>) -> sampling::Result<T>) -> Result<T> {
        Ok(match &sample.method {
            SampleMethod::Stratified { by, .. } => f(sampling::Population::Labels(&self.stratum_labels(sample.population_id, *by)?))?,
            SampleMethod::MonetaryUnit { .. } => f(sampling::Population::Amounts(&self.amounts(sample.population_id)?))?,
            _ => f(sampling::Population::Size(self.population(sample.population_id)?.row_count as u64))?,
        })
    }

    fn stratum_labels(&self, population_id: i64, by: StratifyBy) -> Result<Vec<String>> {
        let slice = match by {
            StratifyBy::Column => {
                return self
                    .population_column::<String>(population_id, "stratum")?
                    .into_iter()
                    .map(|s| s.ok_or_else(|| Error::invalid("stratum", "map a stratum column when importing the population")))
                    .collect();
            }
            StratifyBy::Month => PeriodSlice::Month,
            StratifyBy::Quarter => PeriodSlice::Quarter,
            StratifyBy::Half => PeriodSlice::Half,
        };
        let dates = self.population_column::<String>(population_id, "item_date")?;
        let year_months = dates
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let date: chrono::NaiveDate = d
                    .as_deref()
                    .and_then(|d| d.parse().ok())
                    .ok_or_else(|| Error::invalid("date", format!("item {} has no date, so it cannot be placed in a slice of the period", i + 1)))?;
                Ok((date.year(), date.month() as u8))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(sampling::period_labels(&year_months, slice)?)
    }

    fn amounts(&self, population_id: i64) -> Result<Vec<i64>> {
        Ok(self.population_column::<i64>(population_id, "amount_cents")?.into_iter().map(Option::unwrap_or_default).collect())
    }
}
