//! The draft report as a reader expects a SOC 2 report's testing section: a cover marked DRAFT,
//! the scope, Section IV by criterion group, and the exceptions with management's responses.

use crate::error::Result;
use crate::model::{criteria_in_scope, Examination};
use crate::store::EngagementFile;
use super::layout::{Column, Document, BANNER, BODY, H1, H2, STRONG, TITLE};
use super::{period, wording};

/// Our own short names of the criterion groups; the AICPA's wording is not reproduced.
const GROUPS: &[(&str, &str)] = &[
    ("CC1", "Control environment"),
    ("CC2", "Communication and information"),
    ("CC3", "Risk assessment"),
    ("CC4", "Monitoring activities"),
    ("CC5", "Control activities"),
    ("CC6", "Logical and physical access"),
    ("CC7", "System operations"),
    ("CC8", "Change management"),
    ("CC9", "Risk mitigation"),
    ("A1", "Availability"),
    ("C1", "Confidentiality"),
    ("PI1", "Processing integrity"),
    ("P1", "Privacy: notice"),
    ("P2", "Privacy: choice and consent"),
    ("P3", "Privacy: collection"),
    ("P4", "Privacy: use, retention and disposal"),
    ("P5", "Privacy: access"),
    ("P6", "Privacy: disclosure and notification"),
    ("P7", "Privacy: quality"),
    ("P8", "Privacy: monitoring and enforcement"),
];

fn group_of(criterion: &str) -> &str {
    criterion.split_once('.').map_or(criterion, |(group, _)| group)
}

pub(super) fn render(file: &EngagementFile) -> Result<Vec<u8>> {
    let info = file.info()?;
    let workpapers = file.workpapers()?;
    let kind = match info.examination {
        Examination::Type1 { .. } => "SOC 2 Type 1",
        Examination::Type2 { .. } => "SOC 2 Type 2",
    };
    let period = period(&info);
    let mut doc = Document::new(
        &format!("{} — {kind} report (draft)", info.client),
        &format!("DRAFT — {} — {kind} — {period}", info.client),
    );

    doc.gap(90.0);
    doc.paragraph("DRAFT", BANNER);
    doc.gap(20.0);
    doc.paragraph(&format!("{kind} Report"), TITLE);
    doc.paragraph(&info.client, H1);
    doc.paragraph(&info.system, H2);
    doc.gap(12.0);
    doc.fields(&[
        ("Examination", info.examination.describe()),
        ("Period", period.clone()),
        ("Categories", info.categories.iter().map(|c| c.title()).collect::<Vec<_>>().join(", ")),
        ("Draft generated", chrono::Local::now().date_naive().format("%B %-d, %Y").to_string()),
        ("Engagement identity", info.identity()),
    ]);
    doc.gap(12.0);
    doc.paragraph(
        "Section IV: Trust Services Criteria, related controls, tests of controls and results of tests. \
         This draft is for discussion with management and the engagement team; it is not the issued report.",
        BODY,
    );
    let blockers = file.completion_blockers()?;
    if !blockers.is_empty() {
        doc.gap(8.0);
        doc.paragraph("INCOMPLETE", H1);
        doc.paragraph(&format!("The work this draft describes is not complete: {} item(s) remain open.", blockers.len()), STRONG);
        let rows: Vec<Vec<String>> = blockers.into_iter().map(|b| vec![b]).collect();
        doc.table(&[Column { title: "Open before the documentation can be completed", share: 1.0 }], &rows);
    }

    doc.new_page();
    doc.heading("Scope", H1);
    let in_scope: Vec<_> = criteria_in_scope(&info.categories).collect();
    doc.paragraph(
        &format!(
            "The examination covers the {} categories: {} criteria, addressed by {} controls.",
            info.categories.iter().map(|c| c.title()).collect::<Vec<_>>().join(", "),
            in_scope.len(),
            workpapers.len()
        ),
        BODY,
    );
    let scope_rows: Vec<Vec<String>> = in_scope
        .iter()
        .map(|criterion| {
            let controls: Vec<&str> =
                workpapers.iter().filter(|wp| wp.control.criteria.iter().any(|c| c == criterion.id)).map(|wp| wp.control.reference.as_str()).collect();
            let controls = if controls.is_empty() { "No control mapped".to_owned() } else { controls.join(", ") };
            vec![criterion.id.to_owned(), criterion.category.title().to_owned(), criterion.title.to_owned(), controls]
        })
        .collect();
    doc.table(
        &[Column { title: "Criterion", share: 0.12 }, Column { title: "Category", share: 0.15 }, Column { title: "Subject", share: 0.38 }, Column { title: "Controls", share: 0.35 }],
        &scope_rows,
    );

    doc.new_page();
    doc.heading("Section IV — Criteria, controls, tests and results", H1);
    doc.paragraph(
        "Tests of operating effectiveness combined inquiry of the personnel responsible, observation of the control \
         in operation, inspection of documents and records, and re-performance. Where a sample was tested, the sample \
         size and the size of the population it was drawn from are stated with the test.",
        BODY,
    );
    let columns = [
        Column { title: "Control", share: 0.10 },
        Column { title: "Control activity", share: 0.25 },
        Column { title: "Criteria", share: 0.09 },
        Column { title: "Tests performed", share: 0.33 },
        Column { title: "Results", share: 0.23 },
    ];
    for (group, title) in GROUPS {
        let rows: Vec<Vec<String>> = workpapers
            .iter()
            .filter(|wp| wp.control.criteria.first().map(|c| group_of(c)) == Some(*group))
            .map(|wp| {
                vec![
                    wp.control.reference.clone(),
                    wp.control.description.clone(),
                    wp.control.criteria.join(", "),
                    wording::tests_performed(wp),
                    wording::result(wp),
                ]
            })
            .collect();
        if !rows.is_empty() {
            doc.heading(&format!("{group} — {title}"), H2);
            doc.table(&columns, &rows);
        }
    }

    doc.heading("Exceptions and management's responses", H1);
    let exception_rows: Vec<Vec<String>> = workpapers
        .iter()
        .flat_map(|wp| {
            wp.exceptions.iter().map(|e| {
                let response = match (&e.management_response, &e.response_by, e.response_on) {
                    (Some(text), by, on) => {
                        let by = by.as_deref().map(|b| format!(" — {b}")).unwrap_or_default();
                        let on = on.map(|d| format!(", {d}")).unwrap_or_default();
                        format!("{text}{by}{on}")
                    }
                    (None, ..) => "No response from management recorded yet.".to_owned(),
                };
                vec![wp.control.reference.clone(), e.description.clone(), response]
            })
        })
        .collect();
    if exception_rows.is_empty() {
        doc.paragraph("No exceptions were noted in the tests of controls.", STRONG);
    } else {
        doc.table(
            &[Column { title: "Control", share: 0.12 }, Column { title: "Exception noted", share: 0.44 }, Column { title: "Management's response", share: 0.44 }],
            &exception_rows,
        );
    }
    Ok(doc.finish())
}
