//! One control's workpaper as a reviewer reads it on paper: the header with index, client,
//! period and sign-offs; the procedures; each sample with what re-performs it (seed, method,
//! population fingerprint); the test grid with its tickmark legend; exceptions; conclusion.

use crate::error::Result;
use crate::signoff::Signoff;
use crate::store::EngagementFile;
use crate::testing::Conclusion;

use super::facts::{serde_text, ControlFacts, LEGEND};
use super::layout::{Column, Document, BODY, H1, H2, TABLE};
use super::{period, wording};

fn signed(signoff: &Option<Signoff>) -> String {
    match signoff {
        Some(s) => format!("{}  {}", s.initials, &s.signed_at[..10.min(s.signed_at.len())]),
        None => "not signed".to_owned(),
    }
}

pub(super) fn render(file: &EngagementFile, control_id: i64) -> Result<Vec<u8>> {
    let info = file.info()?;
    let f = ControlFacts::gather(file, file.control(control_id)?)?;
    let c = &f.control;
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
        ("Prepared by", signed(&f.preparer)),
        ("Reviewed by", signed(&f.reviewer)),
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
    doc.paragraph(&wording::tests_performed(&f), BODY);
    if !c.attributes.is_empty() {
        let rows: Vec<Vec<String>> = c.attributes.iter().map(|a| vec![a.label.clone(), a.question.clone()]).collect();
        doc.table(&[Column { title: "Attribute", share: 0.12 }, Column { title: "Question asked of each item", share: 0.88 }], &rows);
    }
    for w in &f.walkthroughs {
        doc.fields(&[
            ("Walkthrough", format!("{} with {}", w.input.held_on, w.input.attendees.join(", "))),
            ("Narrative", w.input.narrative.clone()),
        ]);
    }

    for (n, s) in f.samples.iter().enumerate() {
        let selection = &s.sample.selection;
        doc.heading(&format!("Sample {} of {}", n + 1, f.samples.len()), H2);
        doc.fields(&[
            ("Population", format!("{} ({} rows)", s.population.source_name, wording::count(s.population.row_count as usize))),
            ("Obtained", s.population.description.clone()),
            ("Source SHA-256", s.population.source_sha256.clone()),
            ("Fingerprint", s.population.fingerprint.clone()),
            ("Method", serde_text(&s.sample.method)),
            ("Size", s.sample.basis.reasoning()),
            ("Seed", format!("{} ({})", selection.seed, serde_text(&selection.seed_origin))),
            ("Drawn", s.sample.drawn_at.clone()),
            ("Extended by", if selection.extended_by > 0 { format!("{} items", selection.extended_by) } else { "not extended".into() }),
        ]);
        let labels: Vec<String> = c.attributes.iter().map(|a| a.label.clone()).collect();
        let mut columns = vec![Column { title: "#", share: 0.05 }, Column { title: "Item", share: 0.17 }, Column { title: "Date", share: 0.11 }];
        let share = 0.25 / labels.len().max(1) as f32;
        columns.extend(labels.iter().map(|l| Column { title: l, share }));
        columns.push(Column { title: "Notes", share: 0.42 });
        let grid = s.grid(file, c)?;
        let rows: Vec<Vec<String>> = grid
            .into_iter()
            .map(|row| {
                let mut cells = vec![row.number.to_string(), row.item.key, row.item.date.map(|d| d.to_string()).unwrap_or_default()];
                cells.extend(row.marks);
                cells.push(row.notes);
                cells
            })
            .collect();
        doc.table(&columns, &rows);
    }

    doc.heading("Tickmark legend", H2);
    let mut legend: Vec<Vec<String>> = LEGEND.iter().map(|(mark, meaning)| vec![mark.to_string(), meaning.to_string()]).collect();
    let mut custom: Vec<&str> = f
        .samples
        .iter()
        .flat_map(|s| s.results.iter().filter_map(|r| r.tickmark.as_deref()))
        .filter(|t| !t.is_empty() && !LEGEND.iter().any(|(mark, _)| mark == t))
        .collect();
    custom.sort_unstable();
    custom.dedup();
    legend.extend(custom.into_iter().map(|t| vec![t.to_owned(), "Tickmark as recorded by the preparer".to_owned()]));
    doc.table(&[Column { title: "Mark", share: 0.12 }, Column { title: "Meaning", share: 0.88 }], &legend);

    doc.heading("Exceptions", H2);
    if f.exceptions.is_empty() {
        doc.paragraph("None recorded.", BODY);
    } else {
        let rows: Vec<Vec<String>> = f
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

    if !f.review_notes.is_empty() {
        doc.heading("Review notes", H2);
        let rows: Vec<Vec<String>> = f
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
    let conclusion = match &f.conclusion {
        None => "Not yet concluded.".to_owned(),
        Some((kind, note)) => {
            let kind = match kind {
                Conclusion::NoExceptions => "No exceptions noted.",
                Conclusion::ExceptionsNoted => "Exceptions noted.",
                Conclusion::NotEffective => "The control was not operating effectively.",
            };
            format!("{kind} {note}").trim().to_owned()
        }
    };
    doc.paragraph(&conclusion, BODY);
    doc.paragraph(&format!("Result as it reads in the report: {}", wording::result(&f)), TABLE);
    Ok(doc.finish())
}
