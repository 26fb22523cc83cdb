//! A control's workpaper as the auditor reads it: everything recorded for the control, with
//! samples described in words (method, seed, size reasoning, evaluation) rather than as the
//! sampling crate's records, so every screen and report describes them the same way.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::control::Control;
use crate::error::Result;
use crate::population::Population;
use crate::review::ReviewNote;
use crate::sample::{Sample, SampleMethod, SizeBasis, StratifyBy};
use crate::signoff::{ensure_unlocked, Signoff};
use crate::store::EngagementFile;
use crate::testing::{Conclusion, Exception, Outcome, TestResult, Tickmark, TICKMARKS};
use crate::walkthrough::Walkthrough;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SampleItem {
    pub position: i64,
    pub index: i64,
    pub key: String,
    pub date: Option<NaiveDate>,
    /// For the sample exports' Amount column. The screens show the listing's own columns, so
    /// it stays out of their JSON and the UI's generated bindings.
    #[serde(skip)]
    pub amount_cents: Option<i64>,
    pub fields: Vec<String>,
}

/// Items per month: the population beside the sample, to show the sample covers the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonthCount {
    pub month: String,
    pub population: i64,
    pub sample: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SampleView {
    pub id: i64,
    pub population_id: i64,
    pub method: String,
    pub seed: String,
    pub seed_derived: bool,
    pub population_size: i64,
    pub fingerprint: String,
    pub reasoning: String,
    /// Items added after the first draw, which the report and the workpaper PDF state beside
    /// the size. No screen shows it yet, so it stays out of their JSON and the UI's generated
    /// bindings.
    #[serde(skip)]
    pub extended_by: i64,
    pub drawn_at: String,
    pub columns: Vec<String>,
    pub items: Vec<SampleItem>,
    pub spread: Vec<MonthCount>,
    /// Items with at least one deviation.
    pub deviations: i64,
    /// The statistical evaluation in words, where the size was planned statistically.
    pub evaluation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Workpaper {
    pub control: Control,
    pub walkthroughs: Vec<Walkthrough>,
    pub populations: Vec<Population>,
    pub samples: Vec<SampleView>,
    pub results: Vec<TestResult>,
    pub exceptions: Vec<Exception>,
    pub conclusion: Option<Conclusion>,
    pub conclusion_note: String,
    pub preparer: Option<Signoff>,
    pub reviewer: Option<Signoff>,
    pub review_notes: Vec<ReviewNote>,
    /// Why the workpaper cannot be changed now, if it cannot.
    pub locked: Option<String>,
    /// The tickmarks the grid uses, for its legend.
    pub legend: Vec<Tickmark>,
}

pub fn describe_method(method: &SampleMethod) -> String {
    match method {
        SampleMethod::SimpleRandom => "simple random selection".into(),
        SampleMethod::Systematic => "systematic selection with a random start".into(),
        SampleMethod::Cell => "cell selection (one item at random from each interval)".into(),
        SampleMethod::Stratified { by, counts } => format!(
            "stratified random selection by {}, {} allocation",
            match by {
                StratifyBy::Column => "the stratum column",
                StratifyBy::Month => "month",
                StratifyBy::Quarter => "quarter",
                StratifyBy::Half => "half-year",
            },
            if counts.is_some() { "set counts per stratum" } else { "proportional" }
        ),
        SampleMethod::MonetaryUnit { variant } => format!("monetary-unit selection ({variant:?} interval)").to_lowercase(),
    }
}

impl Workpaper {
    /// The population a sample was drawn from. `workpaper()` builds each sample's view from
    /// the control's own populations, so the lookup cannot miss.
    pub fn population_of(&self, sample: &SampleView) -> &Population {
        self.populations.iter().find(|p| p.id == sample.population_id).expect("a sample's population belongs to its control")
    }

    /// The results recorded on one sample's items.
    pub fn results_of(&self, sample: &SampleView) -> impl Iterator<Item = &TestResult> {
        let id = sample.id;
        self.results.iter().filter(move |r| r.sample_id == id)
    }
}

impl EngagementFile {
    /// Every control's workpaper in the control matrix's order: what the report, the
    /// workpaper PDFs and the sample exports all print from, so they never disagree.
    pub(crate) fn workpapers(&self) -> Result<Vec<Workpaper>> {
        self.controls()?.iter().map(|c| self.workpaper(c.id)).collect()
    }

    pub fn workpaper(&self, control_id: i64) -> Result<Workpaper> {
        let control = self.control(control_id)?;
        let populations = self.populations(Some(control_id))?;
        let mut results = Vec::new();
        let mut samples = Vec::new();
        for sample in self.samples(Some(control_id))? {
            let sample_results = self.results(sample.id)?;
            let population = populations.iter().find(|p| p.id == sample.population_id).expect("a sample's population belongs to its control");
            samples.push(self.sample_view(&sample, population, &sample_results)?);
            results.extend(sample_results);
        }
        let (preparer, reviewer) = self.signoffs(control_id)?;
        let (conclusion, conclusion_note) = match self.conclusion(control_id)? {
            Some((c, note)) => (Some(c), note),
            None => (None, String::new()),
        };
        Ok(Workpaper {
            walkthroughs: self.walkthroughs(control_id)?,
            exceptions: self.exceptions(Some(control_id))?,
            review_notes: self.review_notes(Some(control_id))?,
            locked: ensure_unlocked(self.conn(), control_id).err().map(|e| e.to_string()),
            control,
            populations,
            samples,
            results,
            conclusion,
            conclusion_note,
            preparer,
            reviewer,
            legend: TICKMARKS.to_vec(),
        })
    }

    fn sample_view(&self, sample: &Sample, population: &Population, results: &[TestResult]) -> Result<SampleView> {
        let selection = &sample.selection;
        let items: Vec<SampleItem> = self
            .population_items_at(sample.population_id, &selection.items)?
            .into_iter()
            .enumerate()
            .map(|(position, item)| SampleItem {
                position: position as i64,
                index: item.index,
                key: item.key,
                date: item.date,
                amount_cents: item.amount_cents,
                fields: item.fields,
            })
            .collect();
        let mut spread: BTreeMap<String, MonthCount> = BTreeMap::new();
        for (month, count) in self.population_months(sample.population_id)? {
            spread.insert(month.clone(), MonthCount { month, population: count, sample: 0 });
        }
        for item in &items {
            if let Some(date) = item.date {
                let month = date.format("%Y-%m").to_string();
                spread.entry(month.clone()).or_insert(MonthCount { month, population: 0, sample: 0 }).sample += 1;
            }
        }
        let mut deviating: Vec<i64> = results.iter().filter(|r| r.outcome == Outcome::Deviation).map(|r| r.position).collect();
        deviating.sort_unstable();
        deviating.dedup();
        let deviations = deviating.len() as i64;
        let evaluation = match &sample.basis {
            SizeBasis::Attribute { plan, .. } => Some(
                sampling::evaluate(&sampling::EvaluationInput {
                    sample_size: items.len() as u64,
                    deviations: deviations as u64,
                    confidence: plan.confidence,
                    tolerable_rate: plan.tolerable_rate,
                    model: plan.model,
                    population: Some(selection.population_size),
                })?
                .conclusion,
            ),
            _ => None,
        };
        Ok(SampleView {
            id: sample.id,
            population_id: sample.population_id,
            method: describe_method(&sample.method),
            seed: selection.seed.to_string(),
            seed_derived: selection.seed_origin == sampling::SeedOrigin::Derived,
            population_size: selection.population_size as i64,
            fingerprint: population.fingerprint.clone(),
            reasoning: sample.basis.reasoning(),
            extended_by: selection.extended_by as i64,
            drawn_at: sample.drawn_at.clone(),
            columns: population.columns.clone(),
            items,
            spread: spread.into_values().collect(),
            deviations,
            evaluation,
        })
    }
}
