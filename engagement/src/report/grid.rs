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
    /// The notes recorded on the item, each prefixed by its attribute's label.
    pub notes: String,
}

pub(crate) fn grid<'a>(wp: &Workpaper, sample: &'a SampleView) -> Vec<GridRow<'a>> {
    let results: Vec<_> = wp.results_of(sample).collect();
    sample
        .items
        .iter()
        .map(|item| {
            let mut notes = Vec::new();
            let marks = wp
                .control
                .attributes
                .iter()
                .map(|a| match results.iter().find(|r| r.position == item.position && r.attribute_id == a.id) {
                    None => String::new(),
                    Some(r) => {
                        if let Some(note) = r.note.as_deref().filter(|n| !n.is_empty()) {
                            notes.push(format!("{}: {note}", a.label));
                        }
                        r.tickmark.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| r.outcome.mark().to_owned())
                    }
                })
                .collect();
            GridRow { number: item.position as usize + 1, item, marks, notes: notes.join("; ") }
        })
        .collect()
}

/// How the seed came about, beside the seed itself, so a reviewer knows whether re-deriving it
/// from the population's fingerprint should give the same number.
pub(crate) fn seed_origin(sample: &SampleView) -> &'static str {
    if sample.seed_derived { "derived" } else { "explicit" }
}

