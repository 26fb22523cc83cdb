//! One control's workpaper as a reviewer reads it on paper: the header with index, client,
//! period and sign-offs; the procedures; each sample with what re-performs it (seed, method,
//! population fingerprint); the test grid with its tickmark legend; exceptions; conclusion.

use crate::error::Result;
use crate::model::long_date;
use crate::request::Request;
use crate::signoff::Signoff;
use crate::store::EngagementFile;
use crate::workpaper::{SampleView, Workpaper};

use super::grid::{grid, seed_origin};
use crate::testing::TICKMARKS;
use super::layout::{Column, Document, BODY, H1, H2, STRONG, TABLE};
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
        Some(s) => {
            let changed = if s.changed_since.is_some() { " — CHANGED SINCE SIGNED" } else { "" };
            format!("{}  {}{changed}", s.initials, &s.signed_at[..10.min(s.signed_at.len())])
        }
        None => "not signed".to_owned(),
    }
}

/// One sample: what re-performs it, then its grid.
fn sample_section(doc: &mut Document, wp: &Workpaper, s: &SampleView, heading: &str) {
    let c = &wp.control;
    let population = wp.population_of(s);
    doc.heading(heading, H2);
    let mut fields = vec![
        ("Population", format!("{} ({} rows)", population.source_name, wording::count(population.row_count as usize))),
        ("Obtained", population.description.clone()),
        ("Source SHA-256", population.source_sha256.clone()),
        ("Fingerprint", s.fingerprint.clone()),
        ("Method", s.method.clone()),
        ("Size", s.reasoning.clone()),
        ("Seed", format!("{} ({})", s.seed, seed_origin(s))),
        ("Drawn", s.drawn_at.clone()),
        ("Extended by", if s.extended_by > 0 { format!("{} items", wording::count(s.extended_by as usize)) } else { "not extended".into() }),
        ("Results", format!("{} of {} recorded", wording::count(s.results_recorded as usize), wording::count(s.results_expected as usize))),
    ];
    if let Some(reason) = &s.seed_reason {
        fields.push(("Seed chosen because", reason.clone()));
    }
    if let Some(m) = &s.monetary {
        fields.push(("Hits and items", format!("{} hits selected {} items; {} in the top stratum (at or above the interval)", m.hits, m.items, m.top_stratum)));
        fields.push(("Interval", format!("{} of a book value of {}; random start {}", sampling::money(m.interval_cents), sampling::money(m.book_cents as f64), m.random_start.map_or("none (cell selection)".to_owned(), |r| r.to_string()))));
    }
    if let Some(evaluation) = &s.evaluation {
        fields.push(("Evaluation", evaluation.clone()));
    }
    if let Some(v) = &s.voided {
        fields.push(("VOIDED", format!("by {} on {}: {}", v.by, &v.at[..10.min(v.at.len())], v.reason)));
    }
    doc.fields(&fields);
    let labels: Vec<String> = c.attributes.iter().map(|a| a.label.clone()).collect();
    // The population columns the auditor chose to see beside the attributes, as in the window.
    let chosen: Vec<(usize, &str)> = wp.grid_columns.iter().filter_map(|name| s.columns.iter().position(|c| c == name).map(|i| (i, name.as_str()))).collect();
    let amounts = s.items.iter().any(|i| i.amount_cents.is_some());
    // Shares of the page's width: the item's own columns keep theirs, the notes take what is
    // left (at least a sixth).
    let mut columns = vec![Column { title: "#", share: 0.04 }, Column { title: "Row", share: 0.06 }, Column { title: "Item", share: 0.13 }, Column { title: "Date", share: 0.11 }];
    if amounts {
        columns.push(Column { title: "Amount", share: 0.11 });
    }
    columns.extend(chosen.iter().map(|(_, name)| Column { title: name, share: 0.16 }));
    let share = 0.2 / labels.len().max(1) as f32;
    columns.extend(labels.iter().map(|l| Column { title: l, share }));
    let used: f32 = columns.iter().map(|c| c.share).sum();
    columns.push(Column { title: "Notes", share: (1.0 - used).max(0.17) });
    let rows: Vec<Vec<String>> = grid(wp, s)
        .into_iter()
        .map(|row| {
            let mut cells = vec![wording::count(row.number), wording::count(row.item.row as usize), row.item.key.clone(), row.item.date.map(|d| d.to_string()).unwrap_or_default()];
            if amounts {
                cells.push(row.item.amount_cents.map(|a| sampling::money(a as f64)).unwrap_or_default());
            }
            cells.extend(chosen.iter().map(|(i, _)| row.item.fields.get(*i).cloned().unwrap_or_default()));
            let notes = row.notes_line(wp);
            cells.extend(row.marks);
            cells.push(match row.evidence.is_empty() {
                true => notes,
                false => format!("{notes} [{}]", row.evidence.join(", ")).trim().to_owned(),
            });
            cells
        })
        .collect();
    doc.table(&columns, &rows);
    if let Some(m) = s.monetary.as_ref().filter(|m| !m.audited.is_empty()) {
        let rows: Vec<Vec<String>> = m
            .audited
            .iter()
            .map(|a| {
                let item = &s.items[a.position as usize];
                let book = item.amount_cents.unwrap_or_default();
                vec![(a.position + 1).to_string(), item.key.clone(), sampling::money(book as f64), sampling::money(a.audit_cents as f64), sampling::money((book - a.audit_cents) as f64), a.note.clone().unwrap_or_default()]
            })
            .collect();
        doc.table(
            &[
                Column { title: "#", share: 0.05 },
                Column { title: "Item", share: 0.15 },
                Column { title: "Book", share: 0.13 },
                Column { title: "Audited", share: 0.13 },
                Column { title: "Misstatement", share: 0.13 },
                Column { title: "Note", share: 0.41 },
            ],
            &rows,
        );
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
        ("Engagement identity", info.identity()),
    ]);

    doc.heading("Control", H2);
    doc.fields(&[
        ("Control activity", c.description.clone()),
        ("Owner", c.owner.clone()),
        ("Frequency", serde_text(&c.frequency)),
        ("Nature", serde_text(&c.nature)),
    ]);

    doc.heading("Procedures", H2);
    if wp.procedures.is_empty() {
        doc.paragraph("No procedure is recorded.", BODY);
    } else {
        let rows: Vec<Vec<String>> = wp
            .procedures
            .iter()
            .map(|p| {
                let text = if p.input.sample_based { format!("For each item of the live sample, {}", p.input.text) } else { p.input.text.clone() };
                let status = match &p.performed {
                    Some(done) => format!("Performed by {} on {}", done.by, long_date(done.on)),
                    None if p.input.sample_based => "Planned: performed once every result is recorded".to_owned(),
                    None => "Planned".to_owned(),
                };
                vec![serde_text(&p.input.nature), text, status]
            })
            .collect();
        doc.table(&[Column { title: "Nature", share: 0.14 }, Column { title: "Procedure", share: 0.6 }, Column { title: "Performed", share: 0.26 }], &rows);
    }
    doc.paragraph(&format!("As the report states them: {}", wording::tests_performed(&wp, &info.examination)), TABLE);
    if !c.attributes.is_empty() {
        let rows: Vec<Vec<String>> = c.attributes.iter().map(|a| vec![a.label.clone(), a.question.clone()]).collect();
        doc.table(&[Column { title: "Attribute", share: 0.12 }, Column { title: "Question asked of each item", share: 0.88 }], &rows);
    }
    for w in &wp.walkthroughs {
        doc.fields(&[
            ("Walkthrough", format!("{} with {}", long_date(w.input.held_on), w.input.attendees.join(", "))),
            ("Narrative", w.input.narrative.clone()),
        ]);
    }

    match &wp.sample {
        Some(s) => sample_section(&mut doc, &wp, s, "Sample"),
        None => {
            doc.heading("Sample", H2);
            doc.paragraph("No live sample.", BODY);
        }
    }
    for s in wp.stranded_samples.iter().chain(&wp.voided_samples) {
        let state = if s.voided.is_some() { "voided: counted nowhere" } else { "left behind by a later draw: to be voided" };
        sample_section(&mut doc, &wp, s, &format!("Sample {} ({state})", s.number));
    }

    // The requests behind the control: made for it, or answered by evidence it relies on.
    let requests: Vec<Request> = file
        .requests()?
        .into_iter()
        .filter(|r| r.input.control_id == Some(c.id) || wp.evidence.iter().any(|e| e.request_id == Some(r.id)))
        .collect();
    doc.heading("Requests", H2);
    if requests.is_empty() {
        doc.paragraph("No request is recorded for this control.", BODY);
    } else {
        let rows: Vec<Vec<String>> = requests
            .iter()
            .map(|r| {
                let status = match &r.status_reason {
                    Some(reason) => format!("{}: {reason}", serde_text(&r.input.status)),
                    None => serde_text(&r.input.status),
                };
                vec![r.input.number.clone(), r.input.title.clone(), long_date(r.input.requested_on), r.input.due_on.map(long_date).unwrap_or_default(), status]
            })
            .collect();
        doc.table(
            &[Column { title: "No.", share: 0.1 }, Column { title: "Request", share: 0.44 }, Column { title: "Requested", share: 0.15 }, Column { title: "Due", share: 0.15 }, Column { title: "Status", share: 0.16 }],
            &rows,
        );
    }

    if !wp.evidence.is_empty() {
        doc.heading("Evidence", H2);
        let request_of = |id: Option<i64>| id.and_then(|id| requests.iter().find(|r| r.id == id)).map(|r| r.input.number.clone()).unwrap_or_default();
        let rows: Vec<Vec<String>> =
            wp.evidence.iter().map(|e| vec![e.reference(), e.name.clone(), request_of(e.request_id), long_date(e.received_on), e.sha256.clone()]).collect();
        doc.table(
            &[
                Column { title: "No.", share: 0.08 },
                Column { title: "File", share: 0.27 },
                Column { title: "Request", share: 0.09 },
                Column { title: "Received", share: 0.15 },
                Column { title: "SHA-256", share: 0.41 },
            ],
            &rows,
        );
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
    if wp.exceptions.is_empty() && wp.voided_exceptions.is_empty() {
        doc.paragraph("None recorded.", BODY);
    } else {
        let rows: Vec<Vec<String>> = wp
            .exceptions
            .iter()
            .chain(&wp.voided_exceptions)
            .map(|e| {
                let items = e.items.iter().map(|p| (p + 1).to_string()).collect::<Vec<_>>().join(", ");
                let response = match (&e.management_response, e.response_declined) {
                    (Some(text), true) => format!("Management declined to respond: {text}"),
                    (Some(text), false) => format!("{text} — {}", e.response_by.clone().unwrap_or_default()),
                    (None, _) => "No response recorded yet.".to_owned(),
                };
                let description = if e.on_voided_sample { format!("{} (on voided sample {})", e.description, e.sample_number.as_deref().unwrap_or_default()) } else { e.description.clone() };
                vec![description, items, response]
            })
            .collect();
        doc.table(&[Column { title: "Exception", share: 0.45 }, Column { title: "Items", share: 0.1 }, Column { title: "Management's response", share: 0.45 }], &rows);
    }
    evaluations(&mut doc, &file.evaluations_of(&wp)?);

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
    match &wp.conclusion {
        None => doc.paragraph("Not yet concluded.", BODY),
        Some(c) => {
            let mut fields = vec![("Conclusion", format!("{}.", c.conclusion.title())), ("Basis", c.basis.clone())];
            if let Some(reason) = &c.override_reason {
                fields.push(("Override", format!("Concluded effective although the sample does not support the planned reliance: {reason}")));
            }
            doc.fields(&fields);
        }
    }
    if !wp.preparer_missing.is_empty() {
        doc.heading("Not yet complete", H2);
        let rows: Vec<Vec<String>> = wp.preparer_missing.iter().map(|m| vec![m.clone()]).collect();
        doc.table(&[Column { title: "Still missing before the preparer can sign", share: 1.0 }], &rows);
    }
    for s in [&wp.preparer, &wp.reviewer].into_iter().flatten() {
        if let Some(changed) = &s.changed_since {
            doc.heading(&format!("Changed since {} signed as {}", s.initials, s.role.as_str()), H2);
            let rows: Vec<Vec<String>> = changed.changes.iter().map(|m| vec![m.clone()]).collect();
            doc.table(&[Column { title: "Change", share: 1.0 }], &rows);
        }
    }
    doc.paragraph(&format!("Result as it reads in the report: {}", wording::result(&wp)), TABLE);
    Ok(doc.finish())
}

/// Each exception's evaluation: kind, cause, extent, compensating controls with their own
/// results, and the effect on each criterion, as the criteria conclusions rest on them.
fn evaluations(doc: &mut Document, evaluations: &[crate::evaluation::ExceptionEvaluation]) {
    if evaluations.is_empty() {
        return;
    }
    doc.heading("Evaluation of exceptions", H2);
    for e in evaluations {
        doc.heading(&format!("Exception {}", e.exception.number), STRONG);
        let Some(evaluation) = &e.evaluation else {
            doc.paragraph(&format!("Not evaluated yet. Extent: {}", e.extent), BODY);
            continue;
        };
        let i = &evaluation.input;
        let compensating = if e.compensating.is_empty() { "None".to_owned() } else { e.compensating.iter().map(|c| c.summary.clone()).collect::<Vec<_>>().join("; ") };
        let effects = i.effects.iter().map(|x| format!("{}: {}", x.criterion, x.effect.title())).collect::<Vec<_>>().join("; ");
        doc.fields(&[
            ("Deviation", capitalise(i.kind.title())),
            ("Cause", i.cause.clone()),
            ("Extent", e.extent.clone()),
            ("Compensating controls", compensating),
            ("Effect on criteria", effects),
            ("Rationale", i.rationale.clone()),
            ("Evaluated by", format!("{} at {}", evaluation.evaluated_by, evaluation.evaluated_at.get(..16).unwrap_or(&evaluation.evaluated_at).replace('T', " "))),
        ]);
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
