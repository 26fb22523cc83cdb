//! The test grid and its tickmarks as the report's workpaper and the sample exports print them,
//! laid out from the control's `Workpaper` so paper, spreadsheet and screen show the same marks.

use crate::workpaper::{SampleItem, SampleView, Workpaper};

/// One sample item across the control's attributes, as the test grid shows it.
pub(crate) struct GridRow<'a> {
    /// 1-based, as the auditor numbers the items.
    pub number: usize,
    pub item: &'a SampleItem,
    /// Per attribute, in the control's attribute order: the tickmark, or "" if not yet tested.
    pub marks: Vec<String>,
    /// Per attribute, in the same order: the note recorded on the cell, or "".
    pub notes: Vec<String>,
    /// The evidence the item's results cite, as EV-n, in number order.
    pub evidence: Vec<String>,
}

impl GridRow<'_> {
    /// The item's notes in one line, each after its attribute's label ("A: …; B: …").
    pub fn notes_line(&self, wp: &Workpaper) -> String {
        wp.control
            .attributes
            .iter()
            .zip(&self.notes)
            .filter(|(_, note)| !note.is_empty())
            .map(|(a, note)| format!("{}: {note}", a.label))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

pub(crate) fn grid<'a>(wp: &Workpaper, sample: &'a SampleView) -> Vec<GridRow<'a>> {
    let results: Vec<_> = wp.results_of(sample).collect();
    sample
        .items
        .iter()
        .map(|item| {
            let cells: Vec<_> =
                wp.control.attributes.iter().map(|a| results.iter().find(|r| r.position == item.position && r.attribute_id == a.id)).collect();
            let marks = cells
                .iter()
                .map(|r| r.map_or_else(String::new, |r| r.tickmark.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| r.outcome.mark().to_owned())))
                .collect();
            let notes = cells.iter().map(|r| r.and_then(|r| r.note.clone()).unwrap_or_default()).collect();
            let mut cited: Vec<&crate::evidence::Evidence> =
                wp.evidence.iter().filter(|e| cells.iter().flatten().any(|r| r.evidence.contains(&e.id))).collect();
            cited.sort_by_key(|e| e.number);
            GridRow { number: item.position as usize + 1, item, marks, notes, evidence: cited.iter().map(|e| e.reference()).collect() }
        })
        .collect()
}

/// How the seed came about, beside the seed itself, so a reviewer knows whether re-deriving it
/// from the population's fingerprint should give the same number.
pub(crate) fn seed_origin(sample: &SampleView) -> &'static str {
    if sample.seed_derived { "derived" } else { "explicit" }
}
