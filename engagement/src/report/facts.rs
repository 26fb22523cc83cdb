//! Everything recorded about one control, read once, for the report, its workpaper and the
//! sample exports alike, so the three always say the same thing.

use crate::control::Control;
use crate::error::Result;
use crate::population::{Population, PopulationItem};
use crate::review::ReviewNote;
use crate::sample::Sample;
use crate::signoff::Signoff;
use crate::store::EngagementFile;
use crate::testing::{Conclusion, Exception, Outcome, TestResult};
use crate::walkthrough::Walkthrough;

pub(crate) struct ControlFacts {
    pub control: Control,
    pub preparer: Option<Signoff>,
    pub reviewer: Option<Signoff>,
    pub walkthroughs: Vec<Walkthrough>,
    pub samples: Vec<SampleFacts>,
    pub exceptions: Vec<Exception>,
    pub conclusion: Option<(Conclusion, String)>,
    pub review_notes: Vec<ReviewNote>,
}

pub(crate) struct SampleFacts {
    pub sample: Sample,
    pub population: Population,
    pub results: Vec<TestResult>,
}

/// One sample item across the control's attributes, as the test grid shows it.
pub(crate) struct GridRow {
    /// 1-based, as the auditor numbers the items.
    pub number: usize,
    pub item: PopulationItem,
    /// Per attribute, in the control's attribute order: the tickmark, or "" if not yet tested.
    pub marks: Vec<String>,
    /// The notes recorded on the item, each prefixed by its attribute's label.
    pub notes: String,
}

/// The firm's default tickmarks, printed as the legend of every test grid. A tickmark the
/// preparer typed in place of these is printed as typed and listed under the legend.
pub(crate) const LEGEND: [(&str, &str); 3] = [
    ("✓", "Inspected; agreed to supporting evidence without exception"),
    ("X", "Deviation: the attribute was not met on this item (see the note)"),
    ("N/A", "Not applicable to this item"),
];

pub(crate) fn default_mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => LEGEND[0].0,
        Outcome::Deviation => LEGEND[1].0,
        Outcome::NotApplicable => LEGEND[2].0,
    }
}

impl ControlFacts {
    pub fn gather(file: &EngagementFile, control: Control) -> Result<Self> {
        let id = control.id;
        let (preparer, reviewer) = file.signoffs(id)?;
        let samples = file
            .samples(Some(id))?
            .into_iter()
            .map(|sample| {
                Ok(SampleFacts { population: file.population(sample.population_id)?, results: file.results(sample.id)?, sample })
            })
            .collect::<Result<_>>()?;
        Ok(ControlFacts {
            preparer,
            reviewer,
            walkthroughs: file.walkthroughs(id)?,
            samples,
            exceptions: file.exceptions(Some(id))?,
            conclusion: file.conclusion(id)?,
            review_notes: file.review_notes(Some(id))?,
            control,
        })
    }

    pub fn all(file: &EngagementFile) -> Result<Vec<Self>> {
        file.controls()?.into_iter().map(|c| Self::gather(file, c)).collect()
    }

    pub fn items_sampled(&self) -> usize {
        self.samples.iter().map(|s| s.sample.selection.items.len()).sum()
    }
}

impl SampleFacts {
    pub fn size(&self) -> usize {
        self.sample.selection.items.len()
    }

    /// Items with at least one deviation recorded.
    pub fn items_with_deviations(&self) -> usize {
        let mut positions: Vec<i64> = self.results.iter().filter(|r| r.outcome == Outcome::Deviation).map(|r| r.position).collect();
        positions.dedup();
        positions.len()
    }

    pub fn results_expected(&self, attributes: usize) -> usize {
        self.size() * attributes
    }

    pub fn grid(&self, file: &EngagementFile, control: &Control) -> Result<Vec<GridRow>> {
        let items = file.population_items_at(self.population.id, &self.sample.selection.items)?;
        Ok(items
            .into_iter()
            .enumerate()
            .map(|(position, item)| {
                let mut notes = Vec::new();
                let marks = control
                    .attributes
                    .iter()
                    .map(|a| {
                        let found = self.results.iter().find(|r| r.position == position as i64 && r.attribute_id == a.id);
                        match found {
                            None => String::new(),
                            Some(r) => {
                                if let Some(note) = r.note.as_deref().filter(|n| !n.is_empty()) {
                                    notes.push(format!("{}: {note}", a.label));
                                }
                                r.tickmark.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| default_mark(r.outcome).to_owned())
                            }
                        }
                    })
                    .collect();
                GridRow { number: position + 1, item, marks, notes: notes.join("; ") }
            })
            .collect())
    }
}

/// An enum's stored name, spaced for reading ("it_dependent_manual" reads "it dependent manual").
pub(crate) fn serde_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        Ok(serde_json::Value::Object(map)) => map.get("kind").and_then(|k| k.as_str()).unwrap_or_default().replace('_', " "),
        _ => String::new(),
    }
}
