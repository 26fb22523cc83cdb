//! A control's workpaper as the auditor reads it: everything recorded for the control, with
//! samples described in words (method, seed, size reasoning, evaluation) rather than as the
//! sampling crate's records, so every screen and report describes them the same way. The live
//! sample and its exceptions are kept apart from voided ones, so nothing that counts can pick
//! up a voided sample by mistake.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::conclusion::ConclusionInput;
use crate::control::Control;
use crate::error::Result;
use crate::evidence::Evidence;
use crate::exception::Exception;
use crate::monetary::MonetaryView;
use crate::population::Population;
use crate::procedure::{Performed, Procedure, ProcedureInput};
use crate::review::ReviewNote;
use crate::sample::{Sample, SampleMethod, SizeBasis, StratifyBy, Voiding};
use crate::signoff::{ensure_unlocked, Signoff};
use crate::store::EngagementFile;
use crate::testing::{Outcome, TestResult, Tickmark, TICKMARKS};
use crate::walkthrough::Walkthrough;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SampleItem {
    pub position: i64,
    pub index: i64,
    /// The item's row in the client's listing, as a spreadsheet shows it.
    pub row: i64,
    pub key: String,
    pub date: Option<NaiveDate>,
    /// The item's amount in cents, where an amount column is mapped: the book amount a
    /// monetary-unit sample's audited amounts are compared with.
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
    /// How people name it (`model::number`).
    pub number: String,
    pub population_id: i64,
    pub method: String,
    pub seed: String,
    pub seed_derived: bool,
    /// Why an explicit seed was chosen.
    pub seed_reason: Option<String>,
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
    /// Cells of the grid (items × attributes) with a result, and in all.
    pub results_recorded: i64,
    pub results_expected: i64,
    /// The statistical evaluation in words, where the size was planned statistically, once
    /// every result is recorded: before that it would speak of work not done.
    pub evaluation: Option<String>,
    /// Whether that evaluation supports the planned reliance.
    pub supports_reliance: Option<bool>,
    pub voided: Option<Voiding>,
    /// For a monetary-unit sample: hits, interval, audited amounts and the Stringer bound.
    pub monetary: Option<MonetaryView>,
}

impl SampleView {
    /// Every cell of the grid recorded, and for a monetary-unit sample every audited amount.
    pub fn complete(&self) -> bool {
        self.results_recorded >= self.results_expected && self.monetary.as_ref().is_none_or(MonetaryView::complete)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Workpaper {
    pub control: Control,
    pub walkthroughs: Vec<Walkthrough>,
    /// Every population imported for the control, removed ones included (marked).
    pub populations: Vec<Population>,
    /// The live sample: the one that counts.
    pub sample: Option<SampleView>,
    /// Samples voided with a reason: shown, counted nowhere.
    pub voided_samples: Vec<SampleView>,
    /// Samples left neither live nor voided by a later draw in a file made before voiding
    /// existed; each must be voided.
    pub stranded_samples: Vec<SampleView>,
    /// Results of every sample shown here; each names its sample.
    pub results: Vec<TestResult>,
    /// Exceptions that count: not written on a voided sample.
    pub exceptions: Vec<Exception>,
    pub voided_exceptions: Vec<Exception>,
    pub conclusion: Option<ConclusionInput>,
    pub preparer: Option<Signoff>,
    pub reviewer: Option<Signoff>,
    pub review_notes: Vec<ReviewNote>,
    /// Why the workpaper cannot be changed now, if it cannot.
    pub locked: Option<String>,
    /// The tickmarks the grid uses, for its legend.
    pub legend: Vec<Tickmark>,
    /// What the preparer's sign-off still needs; empty when it can be signed.
    pub preparer_missing: Vec<String>,
    /// Conflicts from merging team members' copies that touch this work and nobody has settled.
    pub sync_conflicts: Vec<String>,
    /// The grid cells among them, which the grid marks.
    pub conflict_cells: Vec<crate::sync::conflicts::ConflictCell>,
    /// What the reviewer's sign-off still needs, for the person working now.
    pub reviewer_missing: Vec<String>,
    /// The population columns shown beside the attributes in the test grid.
    pub grid_columns: Vec<String>,
    /// Evidence behind the control: attached to it, or referred to by its results.
    pub evidence: Vec<Evidence>,
    /// The test procedures, performed or planned; only performed ones reach the report.
    pub procedures: Vec<Procedure>,
    /// Procedures a firm would typically plan here that the control does not have yet.
    pub suggested_procedures: Vec<ProcedureInput>,
    /// What last year's file said about the control (walkthroughs, exceptions), carried
    /// forward as notes: not work done this year.
    pub carried: Vec<crate::roll_forward::CarriedNote>,
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

    /// Populations in use: not removed.
    pub fn current_populations(&self) -> impl Iterator<Item = &Population> {
        self.populations.iter().filter(|p| p.removed.is_none())
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
    pub fn workpapers(&self) -> Result<Vec<Workpaper>> {
        self.controls()?.iter().map(|c| self.workpaper(c.id)).collect()
    }

    pub fn workpaper(&self, control_id: i64) -> Result<Workpaper> {
        let control = self.control(control_id)?;
        let populations = self.populations(Some(control_id))?;
        let mut results = Vec::new();
        let (mut voided_samples, mut current) = (Vec::new(), Vec::new());
        for sample in self.samples(Some(control_id))? {
            let sample_results = self.results(sample.id)?;
            let population = populations.iter().find(|p| p.id == sample.population_id).expect("a sample's population belongs to its control");
            let view = self.sample_view(&sample, population, &sample_results, control.attributes.len())?;
            results.extend(sample_results);
            if view.voided.is_some() { voided_samples.push(view) } else { current.push(view) }
        }
        // The newest sample not voided is live; any older one not voided is stranded.
        let sample = current.pop();
        let (exceptions, voided_exceptions) = self.exceptions(Some(control_id))?.into_iter().partition(|e| !e.on_voided_sample);
        let (preparer, reviewer) = self.signoffs(control_id)?;
        let referenced: std::collections::BTreeSet<i64> = results.iter().flat_map(|r| r.evidence.iter().copied()).collect();
        let evidence = self.evidence()?.into_iter().filter(|e| e.control_id == Some(control_id) || referenced.contains(&e.id)).collect();
        let mut procedures = self.procedures(control_id)?;
        if let Some(live) = sample.as_ref().filter(|s| s.complete()) {
            let performed = self.last_result(live.id)?;
            for p in procedures.iter_mut().filter(|p| p.input.sample_based) {
                p.performed = performed.clone();
            }
        }
        let walkthroughs = self.walkthroughs(control_id)?;
        let team: Vec<String> = self.info()?.team.into_iter().map(|m| m.name).collect();
        let suggested_procedures =
            crate::procedure::suggestions(&control, &walkthroughs, &team).into_iter().filter(|s| !procedures.iter().any(|p| p.input.text == s.text)).collect();
        let mut wp = Workpaper {
            carried: self.carried_notes(control_id)?,
            procedures,
            suggested_procedures,
            walkthroughs,
            review_notes: self.review_notes(Some(control_id))?,
            locked: ensure_unlocked(self.conn(), control_id).err().map(|e| e.to_string()),
            conclusion: self.conclusion(control_id)?,
            grid_columns: self.grid_columns(control_id)?,
            control,
            populations,
            sample,
            voided_samples,
            stranded_samples: current,
            results,
            exceptions,
            voided_exceptions,
            preparer,
            reviewer,
            legend: TICKMARKS.to_vec(),
            preparer_missing: Vec::new(),
            reviewer_missing: Vec::new(),
            sync_conflicts: crate::sync::conflicts::unsettled(self.conn(), control_id)?,
            conflict_cells: crate::sync::conflicts::cells(self.conn(), control_id)?,
            evidence,
        };
        wp.preparer_missing = crate::gates::preparer_missing(&wp, &self.info()?.examination);
        wp.reviewer_missing = crate::gates::reviewer_missing(&wp, self.user().unwrap_or_default());
        Ok(wp)
    }

    /// Who recorded the sample's last result or audited amount, and when: a sample-based
    /// procedure is performed then.
    fn last_result(&self, sample_id: i64) -> Result<Option<Performed>> {
        let last: Option<(String, String)> = self
            .conn()
            .query_row(
                // Through the trail's (entity, entity_id) index: a scan of the whole trail per
                // workpaper made a 150-control report take seconds.
                "SELECT actor, at FROM trail
                 WHERE (entity = 'test_result' AND entity_id IN (SELECT id FROM test_result WHERE sample_id = ?1))
                    OR (entity = 'audited_amount' AND entity_id IN (SELECT id FROM audited_amount WHERE sample_id = ?1))
                 ORDER BY clock DESC, seq DESC LIMIT 1",
                [sample_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(last.and_then(|(by, at)| at.get(..10).and_then(|d| d.parse().ok()).map(|on| Performed { by, on })))
    }

    fn sample_view(&self, sample: &Sample, population: &Population, results: &[TestResult], attributes: usize) -> Result<SampleView> {
        let selection = &sample.selection;
        let items: Vec<SampleItem> = self
            .population_items_at(sample.population_id, &selection.items)?
            .into_iter()
            .enumerate()
            .map(|(position, item)| SampleItem {
                position: position as i64,
                index: item.index,
                row: item.row,
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
        let results_expected = (items.len() * attributes) as i64;
        let complete = results.len() as i64 >= results_expected;
        let amounts: Vec<Option<i64>> = items.iter().map(|i| i.amount_cents).collect();
        let monetary = crate::monetary::view(self, sample, &amounts)?;
        let evaluation = match (&sample.basis, &monetary) {
            (SizeBasis::Attribute { plan, .. }, _) if complete => {
                let e = sampling::evaluate(&sampling::EvaluationInput {
                    sample_size: items.len() as u64,
                    deviations: deviations as u64,
                    confidence: plan.confidence,
                    tolerable_rate: plan.tolerable_rate,
                    model: plan.model,
                    population: Some(selection.population_size),
                })?;
                Some((e.conclusion, e.supports_reliance))
            }
            (_, Some((_, Some(stringer)))) if complete => Some(stringer.clone()),
            _ => None,
        };
        Ok(SampleView {
            id: sample.id,
            number: crate::model::number::label("sample", sample.id),
            population_id: sample.population_id,
            method: describe_method(&sample.method),
            seed: selection.seed.to_string(),
            seed_derived: selection.seed_origin == sampling::SeedOrigin::Derived,
            seed_reason: sample.seed_reason.clone(),
            population_size: selection.population_size as i64,
            fingerprint: population.fingerprint.clone(),
            reasoning: sample.basis.reasoning(),
            extended_by: selection.extended_by as i64,
            drawn_at: sample.drawn_at.clone(),
            columns: population.columns.clone(),
            items,
            spread: spread.into_values().collect(),
            deviations,
            results_recorded: results.len() as i64,
            results_expected,
            supports_reliance: evaluation.as_ref().map(|e| e.1),
            evaluation: evaluation.map(|e| e.0),
            voided: sample.voided.clone(),
            monetary: monetary.map(|m| m.0),
        })
    }
}
