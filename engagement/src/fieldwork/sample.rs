//! Samples: sized by the firm's table or by attribute sampling, drawn by the `sampling` crate
//! from a seed derived from the engagement, the control and the population's fingerprint, and
//! stored with every parameter a reviewer needs to re-perform the draw.

use std::collections::BTreeMap;

use chrono::Datelike;
use rusqlite::{params, OptionalExtension};
use sampling::{
    AttributePlan, FrequencyTable, MusBasis, MusPlan, MusSize, MusVariant, PeriodSlice, SampleSize, Seed, SeedOrigin, Selection, SizeDecision,
};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::number::label;
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
    /// A monetary-unit sample, in hits, from the misstatement the auditor can tolerate and the
    /// misstatement expected (in cents), at a confidence; the book value is the population's.
    Monetary { tolerable_cents: u64, expected_cents: u64, confidence: f64 },
}

/// The size as decided, with its reasoning for the workpaper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SizeBasis {
    FrequencyTable { decision: SizeDecision },
    Attribute { plan: AttributePlan, size: SampleSize },
    Fixed { n: u64, reason: String },
    Monetary { plan: MusPlan, size: MusSize },
}

impl SizeBasis {
    /// Items, or for a monetary-unit sample, hits.
    pub fn n(&self) -> u64 {
        match self {
            SizeBasis::FrequencyTable { decision } => decision.sample_size,
            SizeBasis::Attribute { size, .. } => size.n,
            SizeBasis::Fixed { n, .. } => *n,
            SizeBasis::Monetary { size, .. } => size.hits,
        }
    }

    pub fn reasoning(&self) -> String {
        match self {
            SizeBasis::FrequencyTable { decision } => decision.reasoning.clone(),
            SizeBasis::Attribute { size, .. } => size.reasoning.clone(),
            SizeBasis::Fixed { n, reason } => format!("{n} set by the auditor: {reason}"),
            SizeBasis::Monetary { size, .. } => size.reasoning.clone(),
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
    /// Why an explicit seed was chosen: required with one, since a reviewer will ask.
    #[serde(default)]
    pub seed_reason: Option<String>,
}

/// Why, when and by whom a sample was voided. A voided sample stays on record with its
/// results, and counts nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Voiding {
    pub at: String,
    pub by: String,
    pub reason: String,
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
    pub seed_reason: Option<String>,
    /// For a derived seed drawn since the identity was recorded: what it was derived from.
    pub derived_from: Option<DerivedFrom>,
    pub voided: Option<Voiding>,
}

/// A sample as it would be drawn: shown to the auditor before the draw is committed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SamplePlan {
    /// Items, or for a monetary-unit sample, hits (`hits` is then true).
    pub size: u64,
    pub hits: bool,
    pub population_size: u64,
    pub reasoning: String,
    pub method: String,
    pub seed: String,
    pub seed_derived: bool,
}

/// What a derived seed was derived from, recorded with the sample so anyone can derive it
/// again: `Seed::derive(identity, control, fingerprint)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivedFrom {
    /// The engagement's identity (`EngagementInfo::identity`).
    pub identity: String,
    /// The control's reference.
    pub control: String,
    /// The population's fingerprint.
    pub fingerprint: String,
}

/// What is stored in the `basis` column: the request's method and the decided size.
#[derive(Serialize, Deserialize)]
struct StoredBasis {
    method: SampleMethod,
    size: SizeBasis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seed_reason: Option<String>,
    /// Absent for samples drawn before it was recorded: their seeds were derived from the
    /// engagement's random identifier (`uid`), the control's reference and the fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    derived_from: Option<DerivedFrom>,
}

/// A request checked and worked out: the size decided and the seed chosen or derived.
struct Planned {
    control: crate::control::Control,
    population: crate::population::Population,
    size: SizeBasis,
    seed: Seed,
    origin: SeedOrigin,
    seed_reason: Option<String>,
    derived_from: Option<DerivedFrom>,
}

impl DerivedFrom {
    pub fn seed(&self) -> Seed {
        Seed::derive(&self.identity, &self.control, &self.fingerprint)
    }
}

impl EngagementFile {
    /// The size, its reasoning and the seed a request would draw with, without drawing.
    pub fn plan_sample(&self, request: &SampleRequest) -> Result<SamplePlan> {
        let planned = self.planned(request)?;
        Ok(SamplePlan {
            size: planned.size.n(),
            hits: matches!(request.method, SampleMethod::MonetaryUnit { .. }),
            population_size: planned.population.row_count as u64,
            reasoning: planned.size.reasoning(),
            method: crate::workpaper::describe_method(&request.method),
            seed: planned.seed.to_string(),
            seed_derived: planned.origin == SeedOrigin::Derived,
        })
    }

    /// Draws the control's sample. Refused while the control has a live sample (void it first)
    /// or while its population cannot be sampled.
    pub fn draw_sample(&mut self, request: &SampleRequest) -> Result<i64> {
        let Planned { control, population, size, seed, origin, seed_reason, derived_from } = self.planned(request)?;
        let n = size.n();
        let n_population = population.row_count as u64;
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
        let basis = StoredBasis { method: request.method.clone(), size, seed_reason, derived_from };
        self.write(|w| {
            ensure_unlocked(w.tx(), control.id)?;
            w.tx().execute(
                "INSERT INTO sample (control_id, population_id, basis, selection, drawn_at, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![control.id, population.id, serde_json::to_string(&basis)?, serde_json::to_string(&selection)?, w.at, w.new_id("sample")?],
            )?;
            let id = w.tx().last_insert_rowid();
            w.record("draw", "sample", id, None)?;
            crate::procedure::ensure_sample_procedure(w, &control)?;
            Ok(id)
        })
    }

    /// Checks a request against the rules of a draw and works out its size and seed.
    fn planned(&self, request: &SampleRequest) -> Result<Planned> {
        let control = self.control(request.control_id)?;
        let population = self.population(request.population_id)?;
        if population.control_id != control.id {
            return Err(Error::invalid("population", format!("population {} belongs to another control", label("population", population.id))));
        }
        let mut missing = Vec::new();
        if let Some(live) = self.live_sample(control.id)? {
            missing.push(format!(
                "sample {} ({} items, drawn {}) is the control's live sample: void it first, with a reason",
                label("sample", live.id),
                live.selection.items.len(),
                &live.drawn_at[..10.min(live.drawn_at.len())]
            ));
        }
        missing.extend(population.sampling_blocker());
        Error::refuse_unless_empty(format!("drawing a sample for {}", control.reference), missing)?;
        let n_population = population.row_count as u64;
        let monetary = matches!(request.method, SampleMethod::MonetaryUnit { .. });
        match (&request.size, monetary) {
            (SizeRequest::FrequencyTable | SizeRequest::Attribute { .. }, true) => {
                return Err(Error::invalid("size", "a monetary-unit sample is sized in hits, from the tolerable and expected misstatement (or set by the auditor)"));
            }
            (SizeRequest::Monetary { .. }, false) => {
                return Err(Error::invalid("size", "sizing from misstatement is for monetary-unit selection; choose a monetary-unit method"));
            }
            _ => {}
        }
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
                if *n == 0 || *n > n_population {
                    return Err(Error::invalid("size", format!("a sample of {n} items cannot be drawn from {n_population}: choose 1 to {n_population}")));
                }
                SizeBasis::Fixed { n: *n, reason: reason.trim().to_owned() }
            }
            SizeRequest::Monetary { tolerable_cents, expected_cents, confidence } => {
                let book_cents = self.amounts(population.id)?.iter().filter(|&&a| a > 0).map(|&a| a as u64).sum();
                if book_cents == 0 {
                    return Err(Error::invalid("amount", format!("\"{}\" has no positive amounts: map its amount column when importing it", population.source_name)));
                }
                let plan = MusPlan { book_cents, tolerable_cents: *tolerable_cents, expected_cents: *expected_cents, confidence: *confidence };
                SizeBasis::Monetary { size: sampling::mus_sample_size(&plan)?, plan }
            }
        };
        let seed_reason = request.seed_reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        let (seed, origin, derived_from) = match request.seed.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(hex) => {
                let seed = hex.parse::<Seed>().map_err(|_| Error::invalid("seed", "a seed is 64 hexadecimal digits"))?;
                if seed_reason.is_none() {
                    return Err(Error::invalid("seed_reason", "say why this seed was chosen instead of the derived one; a reviewer will ask"));
                }
                (seed, SeedOrigin::Explicit, None)
            }
            None => {
                let from = DerivedFrom { identity: self.info()?.identity(), control: control.reference.clone(), fingerprint: population.fingerprint.clone() };
                (from.seed(), SeedOrigin::Derived, Some(from))
            }
        };
        Ok(Planned { control, population, size, seed, origin, seed_reason: seed_reason.filter(|_| origin == SeedOrigin::Explicit), derived_from })
    }

    /// The control's live sample: the one not voided (the newest, should a file made before
    /// voiding existed hold several).
    pub fn live_sample(&self, control_id: i64) -> Result<Option<Sample>> {
        let id: Option<i64> = self
            .conn()
            .query_row("SELECT max(id) FROM sample WHERE control_id = ?1 AND voided_at IS NULL", [control_id], |r| r.get(0))?;
        id.map(|id| self.sample(id)).transpose()
    }

    /// Voids a sample with a reason: it stays on record, with its results, and counts nowhere;
    /// the control may then be sampled again.
    pub fn void_sample(&mut self, sample_id: i64, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::invalid("reason", "say why the sample is voided; the trail keeps it"));
        }
        let sample = self.sample(sample_id)?;
        if sample.voided.is_some() {
            return Err(Error::invalid("sample", format!("sample {} is already voided", label("sample", sample_id))));
        }
        self.write(|w| {
            ensure_unlocked(w.tx(), sample.control_id)?;
            let before = w.snapshot("sample", sample_id)?;
            w.tx().execute(
                "UPDATE sample SET voided_at = ?2, voided_by = ?3, void_reason = ?4 WHERE id = ?1",
                params![sample_id, w.at, w.user, reason.trim()],
            )?;
            w.record("void", "sample", sample_id, before)
        })
    }

    /// Adds items to a sample, keeping every item already drawn in its place.
    pub fn extend_sample(&mut self, sample_id: i64, additional: u64, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::invalid("reason", "say why the sample is extended"));
        }
        let sample = self.sample(sample_id)?;
        if sample.voided.is_some() {
            return Err(Error::invalid("sample", format!("sample {} is voided; it cannot be extended", label("sample", sample_id))));
        }
        let extended = self.with_population_data(&sample, |population| sampling::extend(&sample.selection, population, additional))?;
        self.write(|w| {
            ensure_unlocked(w.tx(), sample.control_id)?;
            let before = w.snapshot("sample", sample_id)?;
            w.tx().execute("UPDATE sample SET selection = ?2 WHERE id = ?1", params![sample_id, serde_json::to_string(&extended)?])?;
            w.record(&format!("extend by {additional}: {}", reason.trim()), "sample", sample_id, before)
        })
    }

    /// Why a derived seed is not the one its engagement, control and population give, if it is
    /// not: the seed was replaced, or what it was derived from no longer describes the file.
    pub fn seed_problems(&self, sample: &Sample) -> Result<Vec<String>> {
        if sample.selection.seed_origin != SeedOrigin::Derived {
            return Ok(Vec::new());
        }
        let info = self.info()?;
        let control = self.control(sample.control_id)?;
        let population = self.population(sample.population_id)?;
        // Drawn before the identity was recorded: derived from the engagement's random uid.
        let from = sample.derived_from.clone().unwrap_or_else(|| DerivedFrom {
            identity: info.id.clone(),
            control: control.reference.clone(),
            fingerprint: population.fingerprint.clone(),
        });
        let mut problems = Vec::new();
        if from.seed() != sample.selection.seed {
            problems.push(format!("sample {} has seed {}, not the seed derived from its engagement, control and population ({}): the seed was replaced", label("sample", sample.id), sample.selection.seed, from.seed()));
        }
        if sample.derived_from.is_some() && from.identity != info.identity() {
            problems.push(format!("sample {}'s seed was derived for the engagement \"{}\", but this engagement is \"{}\"", label("sample", sample.id), from.identity, info.identity()));
        }
        if from.control != control.reference {
            problems.push(format!("sample {}'s seed was derived for control {}, but its control is {}", label("sample", sample.id), from.control, control.reference));
        }
        if from.fingerprint != population.fingerprint {
            problems.push(format!("sample {}'s seed was derived from a population fingerprint {} other than its population's {}", label("sample", sample.id), from.fingerprint, population.fingerprint));
        }
        Ok(problems)
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
        type Row = (i64, i64, String, String, String, Option<String>, Option<String>, Option<String>);
        let row: Option<Row> = self
            .conn()
            .query_row(
                "SELECT control_id, population_id, basis, selection, drawn_at, voided_at, voided_by, void_reason FROM sample WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
            )
            .optional()?;
        let (control_id, population_id, basis, selection, drawn_at, voided_at, voided_by, void_reason) =
            row.ok_or_else(|| Error::NotFound(format!("sample {}", label("sample", id))))?;
        let basis: StoredBasis = serde_json::from_str(&basis)?;
        Ok(Sample {
            id,
            control_id,
            population_id,
            method: basis.method,
            basis: basis.size,
            selection: serde_json::from_str(&selection)?,
            drawn_at,
            seed_reason: basis.seed_reason,
            derived_from: basis.derived_from,
            voided: voided_at.map(|at| Voiding { at, by: voided_by.unwrap_or_default(), reason: void_reason.unwrap_or_default() }),
        })
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

    pub(crate) fn amounts(&self, population_id: i64) -> Result<Vec<i64>> {
        Ok(self.population_column::<i64>(population_id, "amount_cents")?.into_iter().map(Option::unwrap_or_default).collect())
    }
}
