//! The report as a reader expects a SOC 2 report: a cover, Sections I to III (`sections`), the
//! scope, Section IV by criterion group, and the exceptions with management's responses. Every
//! page says DRAFT until the partner's decision on the opinion stands and the documentation is
//! complete.

use crate::complementary::{Subservice, SubserviceMethod, UserEntityControl};
use crate::error::Result;
use crate::model::{criteria_in_scope, EngagementInfo, Examination};
use crate::store::EngagementFile;
use super::layout::{Column, Document, Sink, BANNER, BODY, H1, H2, STRONG, TITLE};
use super::{period, sections, wording};

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

fn kind(examination: &Examination) -> &'static str {
    match examination {
        Examination::Type1 { .. } => "SOC 2 Type 1",
        Examination::Type2 { .. } => "SOC 2 Type 2",
    }
}

/// Where the criteria rely on others: the subservice organisations (a carved-out one with the
/// complementary controls assumed of it) and the complementary user entity controls, as the
/// description of a SOC 2 report presents them.
fn complementary(doc: &mut impl Sink, client: &str, user_controls: &[UserEntityControl], subservices: &[Subservice]) {
    doc.heading("Subservice organizations", H2);
    if subservices.is_empty() {
        doc.paragraph(&format!("No subservice organization is recorded: {client}'s controls alone are presented as addressing the criteria."), BODY);
    }
    for s in subservices {
        let i = &s.input;
        let criteria = i.criteria.join(", ");
        match i.method {
            SubserviceMethod::CarvedOut => {
                doc.paragraph(
                    &format!(
                        "{client} uses {} for {}. The description includes only the controls of {client} and excludes the controls of {}, \
                         which are not tested (the carve-out method). Criteria {criteria} can be met only if the following complementary \
                         subservice organization controls, assumed in the design of {client}'s controls, are suitably designed and operating effectively:",
                        i.name, i.services, i.name
                    ),
                    BODY,
                );
                let rows: Vec<Vec<String>> = i.controls.iter().map(|c| vec![c.clone()]).collect();
                doc.table(&[Column { title: &format!("Complementary subservice organization controls at {}", i.name), share: 1.0 }], &rows);
            }
            SubserviceMethod::Inclusive => doc.paragraph(
                &format!(
                    "{client} uses {} for {}. Its relevant controls are included in the description and in the tests of controls (the inclusive method); criteria: {criteria}.",
                    i.name, i.services
                ),
                BODY,
            ),
        }
    }
    doc.heading("Complementary user entity controls", H2);
    if user_controls.is_empty() {
        doc.paragraph("No complementary user entity control is recorded: the criteria are presented as met without controls at user entities.", BODY);
        return;
    }
    doc.paragraph(
        &format!("{client}'s controls were designed with the assumption that user entities implement the controls below; the criteria named can be met only if they do."),
        BODY,
    );
    let rows: Vec<Vec<String>> = user_controls.iter().map(|c| vec![format!("CUEC-{}", c.number), c.input.text.clone(), c.input.criteria.join(", ")]).collect();
    doc.table(&[Column { title: "#", share: 0.12 }, Column { title: "Complementary user entity control", share: 0.66 }, Column { title: "Criteria", share: 0.22 }], &rows);
}

/// The line under a criterion in Section IV naming what else it relies on, if anything.
fn relied_on(criterion: &str, user_controls: &[UserEntityControl], subservices: &[Subservice]) -> Option<String> {
    let cuecs: Vec<String> = user_controls.iter().filter(|c| c.input.criteria.iter().any(|x| x == criterion)).map(|c| format!("CUEC-{}", c.number)).collect();
    let carved: Vec<&str> =
        subservices.iter().filter(|s| s.input.method == SubserviceMethod::CarvedOut && s.input.criteria.iter().any(|x| x == criterion)).map(|s| s.input.name.as_str()).collect();
    let mut parts = Vec::new();
    if !cuecs.is_empty() {
        parts.push(format!("the complementary user entity controls {}", cuecs.join(", ")));
    }
    if !carved.is_empty() {
        parts.push(format!("the complementary subservice organization controls at {} (carved out)", carved.join(", ")));
    }
    (!parts.is_empty()).then(|| format!("This criterion also relies on {}.", parts.join(" and on ")))
}

/// The page header: DRAFT until the opinion's decision stands and the documentation is complete.
fn header(file: &EngagementFile, info: &EngagementInfo) -> Result<String> {
    let kind = kind(&info.examination);
    let header = format!("{} — {kind} — {}", info.client, period(info));
    Ok(if is_final(file)? { header } else { format!("DRAFT — {header}") })
}

fn is_final(file: &EngagementFile) -> Result<bool> {
    Ok(file.completed_on()?.is_some() && file.opinion()?.decision.is_some_and(|d| d.stands()))
}

/// The report as PDF, every page headed with the client and period (and DRAFT while it is one).
pub(super) fn render(file: &EngagementFile) -> Result<Vec<u8>> {
    let info = file.info()?;
    let kind = kind(&info.examination);
    let mut doc = Document::new(&format!("{} — {kind} report", info.client), &header(file, &info)?);
    compose(file, &mut doc)?;
    Ok(doc.finish())
}

/// The report as a Word document, the same content in Word's styles, DRAFT in its page header
/// while it is one.
pub(super) fn render_docx(file: &EngagementFile) -> Result<Vec<u8>> {
    let info = file.info()?;
    let final_report = is_final(file)?;
    let mut word = super::docx::Word::new((!final_report).then(|| header(file, &info)).transpose()?.as_deref());
    compose(file, &mut word)?;
    word.finish()
}

/// The report's content, once, for either format.
fn compose(file: &EngagementFile, doc: &mut impl Sink) -> Result<()> {
    let info = file.info()?;
    let workpapers = file.workpapers()?;
    let kind = kind(&info.examination);
    let period = period(&info);
    let final_report = is_final(file)?;

    doc.gap(90.0);
    if !final_report {
        doc.paragraph("DRAFT", BANNER);
    }
    doc.gap(20.0);
    doc.paragraph(&format!("{kind} Report"), TITLE);
    doc.paragraph(&info.client, H1);
    doc.paragraph(&info.system, H2);
    doc.gap(12.0);
    doc.fields(&[
        ("Examination", info.examination.describe()),
        ("Period", period.clone()),
        ("Categories", info.categories.iter().map(|c| c.title()).collect::<Vec<_>>().join(", ")),
        (if final_report { "Generated" } else { "Draft generated" }, crate::model::long_date(chrono::Local::now().date_naive())),
        ("Engagement identity", info.identity()),
    ]);
    doc.gap(12.0);
    doc.paragraph(
        "Section I: Independent service auditor's report. Section II: Management's assertion. Section III: Description of the system. \
         Section IV: Trust Services Criteria, related controls, tests of controls and results of tests. Other information provided by the service organization.",
        BODY,
    );
    if !final_report {
        doc.paragraph(
            "This draft is for discussion with management and the engagement team; it is not the issued report. It stays a draft until the engagement partner's decision on \
             the opinion stands and the documentation is complete.",
            BODY,
        );
    }
    let blockers = file.completion_blockers_of(&workpapers)?;
    if !blockers.is_empty() {
        doc.gap(8.0);
        doc.paragraph("INCOMPLETE", H1);
        doc.paragraph(&format!("The work this draft describes is not complete: {} item(s) remain open.", blockers.len()), STRONG);
        let rows: Vec<Vec<String>> = blockers.into_iter().map(|b| vec![b]).collect();
        doc.table(&[Column { title: "Open before the documentation can be completed", share: 1.0 }], &rows);
    }

    let user_controls = file.user_entity_controls()?;
    let subservices = file.subservices()?;
    let opinion = file.opinion()?;
    let documents = file.report_documents()?;
    let facts = sections::Facts { info: &info, opinion: &opinion, user_controls: &user_controls, subservices: &subservices };
    sections::section_one(doc, &facts);
    sections::section_two(doc, file, &facts, documents.assertion.as_ref())?;
    sections::section_three(doc, &facts, documents.description.as_ref());

    doc.new_page();
    doc.heading("Criteria in scope and the controls addressing them", H1);
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

    complementary(doc, &info.client, &user_controls, &subservices);

    doc.new_page();
    let type1 = matches!(info.examination, Examination::Type1 { .. });
    doc.heading("Section IV — Trust Services Criteria, controls, tests and results", H1);
    doc.paragraph(
        if type1 {
            "For each criterion in scope: the controls that address it, the tests of their design and implementation that were performed, and the results of those tests."
        } else {
            "For each criterion in scope: the controls that address it, the tests of their operating effectiveness that were performed, and the results of those tests. A control that addresses several criteria is shown under each."
        },
        BODY,
    );
    let columns = [
        Column { title: "Control", share: 0.11 },
        Column { title: "Control activity", share: 0.27 },
        Column { title: if type1 { "Tests of design and implementation" } else { "Tests performed" }, share: 0.37 },
        Column { title: "Results", share: 0.25 },
    ];
    let rows_of = |wp: &crate::workpaper::Workpaper| {
        vec![wp.control.reference.clone(), wp.control.description.clone(), wording::tests_performed(wp, &info.examination), wording::result(wp)]
    };
    let mut group = "";
    for criterion in &in_scope {
        let heading_group = group_of(criterion.id);
        if heading_group != group {
            group = heading_group;
            if let Some((_, title)) = GROUPS.iter().find(|(g, _)| *g == group) {
                doc.heading(&format!("{group} — {title}"), H2);
            }
        }
        let addressing: Vec<&crate::workpaper::Workpaper> = workpapers.iter().filter(|wp| wp.control.criteria.iter().any(|c| c == criterion.id)).collect();
        doc.heading(&format!("{} — {}", criterion.id, criterion.title), STRONG);
        if addressing.is_empty() {
            doc.paragraph("No control is mapped to this criterion.", BODY);
        } else {
            let rows: Vec<Vec<String>> = addressing.into_iter().map(rows_of).collect();
            doc.table(&columns, &rows);
        }
        if let Some(note) = relied_on(criterion.id, &user_controls, &subservices) {
            doc.paragraph(&note, BODY);
        }
    }

    doc.new_page();
    doc.heading(&format!("Other information provided by {}", info.client), H1);
    doc.paragraph(
        &format!(
            "The information in this section is presented by the management of {} to provide additional information. It is not part of the description of the system, \
             it has not been subjected to the procedures applied in the examination, and accordingly no opinion is expressed on it.",
            info.client
        ),
        BODY,
    );
    let exception_rows: Vec<Vec<String>> = workpapers
        .iter()
        .flat_map(|wp| {
            wp.exceptions.iter().map(|e| {
                let response = match (&e.management_response, e.response_declined) {
                    (Some(_), true) => "Management declined to respond.".to_owned(),
                    (Some(text), false) => text.clone(),
                    (None, _) => "No response from management recorded yet.".to_owned(),
                };
                vec![wp.control.reference.clone(), e.description.clone(), response]
            })
        })
        .collect();
    if exception_rows.is_empty() {
        doc.paragraph("No exceptions were noted, so management has no responses to present.", BODY);
    } else {
        doc.table(
            &[Column { title: "Control", share: 0.12 }, Column { title: "Exception noted", share: 0.44 }, Column { title: "Management's response", share: 0.44 }],
            &exception_rows,
        );
    }
    Ok(())
}
