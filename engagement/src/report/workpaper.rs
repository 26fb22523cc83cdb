//! One control's workpaper as a reviewer reads it on paper: the header with index, client,
//! period and sign-offs; the procedures; each sample with what re-performs it (seed, method,
//! population fingerprint); the test grid with its tickmark legend; exceptions; conclusion.

use crate::error::Result;
use crate::signoff::Signoff;
use crate::store::EngagementFile;
use crate::testing::Conclusion;

use super::grid::{grid, seed_origin};
use crate::testing::TICKMARKS;
use super::layout::{Column, Document, BODY, H1, H2, TABLE};
use super::{period, wording};

/// A unit enum's stored name, spaced for reading ("it_dependent_manual" reads "it dependent manual").
fn serde_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => String::new(),
    }
}

fn signed(signoff: &Option<Signoff>) -> String {
    match signoff {
        Some(s) => format!("{}  {}", s.initials, &s.signed_at[..10.min(s.signed_at.len())]),
        None => "not signed".to_owned(),
    }
}

pub(super) fn render(file: &EngagementFile, control_id: i64) -> Result<Vec<u8>> {
    let info = file.info()?;
    let wp = file.workpaper(control_id)?;
    let c = &wp.control;
    let period = period(&info);
    let mut doc = Document::new(
        &format!("Workpaper {} — {}", c.reference, info.client),
        &format!("Workpaper {} — {} — {period}", c.reference, info.client),
    );

    doc.paragraph(&format!("Workpaper {}", c.reference), H1);
    doc.fields(&[
        ("Index", c.reference.clone()),
        ("Client", info.client.clone()),
        ("Period", period.clone()),
        ("Prepared by", signed(&wp.preparer)),
        ("Reviewed by", signed(&wp.reviewer)),
        ("Criteria", c.criteria.join(", ")),
    ]);

    doc.heading("Control", H2);
    doc.fields(&[
        ("Control activity", c.description.clone()),
        ("Owner", c.owner.clone()),
        ("Frequency", serde_text(&c.frequency)),
        ("Nature", serde_text(&c.nature)),
    ]);

    doc.heading("Procedures", H2);
    doc.paragraph(&wording::tests_performed(&wp), BODY);
    if !c.attributes.is_empty() {
        let rows: Vec<Vec<String>> = c.attributes.iter().map(|a| vec![a.label.clone(), a.question.clone()]).collect();
        doc.table(&[Column { title: "Attribute", share: 0.12 }, Column { title: "Question asked of each item", share: 0.88 }], &rows);
    }
    for w in &wp.walkthroughs {
        doc.fields(&[
            ("Walkthrough", format!("{} with {}", w.input.held_on, w.input.attendees.join(", "))),
            ("Narrative", w.input.narrative.clone()),
        ]);
    }

    for (n, s) in wp.samples.iter().enumerate() {
        let population = wp.population_of(s);
        doc.heading(&format!("Sample {} of {}", n + 1, wp.samples.len()), H2);
        doc.fields(&[
            ("Population", format!("{} ({} rows)", population.source_name, wording::count(population.row_count as usize))),
            ("Obtained", population.description.clone()),
            ("Source SHA-256", population.source_sha256.clone()),
            ("Fingerprint", s.fingerprint.clone()),
            ("Method", s.method.clone()),
            ("Size", s.reasoning.clone()),
            ("Seed", format!("{} ({})", s.seed, seed_origin(s))),
            ("Drawn", s.drawn_at.clone()),
            ("Extended by", if s.extended_by > 0 { format!("{} items", s.extended_by) } else { "not extended".into() }),
        ]);
        let labels: Vec<String> = c.attributes.iter().map(|a| a.label.clone()).collect();
        let mut columns = vec![Column { title: "#", share: 0.05 }, Column { title: "Item", share: 0.17 }, Column { title: "Date", share: 0.11 }];
        let share = 0.25 / labels.len().max(1) as f32;
        columns.extend(labels.iter().map(|l| Column { title: l, share }));
        columns.push(Column { title: "Notes", share: 0.42 });
        let rows: Vec<Vec<String>> = grid(&wp, s)
            .into_iter()
            .map(|row| {
                let mut cells = vec![row.number.to_string(), row.item.key.clone(), row.item.date.map(|d| d.to_string()).unwrap_or_default()];
                cells.extend(row.marks);
                cells.push(row.notes);
                cells
            })
            .collect();
        doc.table(&columns, &rows);
    }

    doc.heading("Tickmark legend", H2);
    let mut legend: Vec<Vec<String>> = TICKMARKS.iter().map(|t| vec![t.mark.to_owned(), t.meaning.to_owned()]).collect();
    let mut custom: Vec<&str> = wp
        .results
        .iter()
        .filter_map(|r| r.tickmark.as_deref())
        .filter(|t| !t.is_empty() && !TICKMARKS.iter().any(|known| known.mark == *t))
        .collect();
    custom.sort_unstable();
    custom.dedup();
    legend.extend(custom.into_iter().map(|t| vec![t.to_owned(), "Tickmark as recorded by the preparer".to_owned()]));
    doc.table(&[Column { title: "Mark", share: 0.12 }, Column { title: "Meaning", share: 0.88 }], &legend);

    doc.heading("Exceptions", H2);
    if wp.exceptions.is_empty() {
        doc.paragraph("None recorded.", BODY);
    } else {
        let rows: Vec<Vec<String>> = wp
            .exceptions
            .iter()
            .map(|e| {
                let items = e.items.iter().map(|p| (p + 1).to_string()).collect::<Vec<_>>().join(", ");
                let response = match &e.management_response {
                    Some(text) => format!("{text} — {}", e.response_by.clone().unwrap_or_default()),
                    None => "No response recorded yet.".to_owned(),
                };
                vec![e.description.clone(), items, response]
            })
            .collect();
        doc.table(&[Column { title: "Exception", share: 0.45 }, Column { title: "Items", share: 0.1 }, Column { title: "Management's response", share: 0.45 }], &rows);
    }

    if !wp.review_notes.is_empty() {
        doc.heading("Review notes", H2);
        let rows: Vec<Vec<String>> = wp
            .review_notes
            .iter()
            .map(|n| {
                let status = match (&n.cleared_by, &n.response) {
                    (Some(by), _) => format!("Cleared by {by}"),
                    (None, Some(_)) => "Responded; open".to_owned(),
                    (None, None) => "Open".to_owned(),
                };
                vec![n.raised_by.clone(), n.text.clone(), n.response.clone().unwrap_or_default(), status]
            })
            .collect();
        doc.table(
            &[Column { title: "By", share: 0.08 }, Column { title: "Note", share: 0.4 }, Column { title: "Response", share: 0.37 }, Column { title: "Status", share: 0.15 }],
            &rows,
        );
    }

    doc.heading("Conclusion", H2);
    let conclusion = match wp.conclusion {
        None => "Not yet concluded.".to_owned(),
        Some(kind) => {
            let kind = match kind {
                Conclusion::NoExceptions => "No exceptions noted.",
                Conclusion::ExceptionsNoted => "Exceptions noted.",
                Conclusion::NotEffective => "The control was not operating effectively.",
            };
            format!("{kind} {}", wp.conclusion_note).trim().to_owned()
        }
    };
    doc.paragraph(&conclusion, BODY);
    doc.paragraph(&format!("Result as it reads in the report: {}", wording::result(&wp)), TABLE);
    Ok(doc.finish())
}
