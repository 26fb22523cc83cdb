//! The report draft, workpapers and sample exports as a reader sees them: text extracted with
//! poppler's `pdftotext`, structure checked with `qpdf --check`, spreadsheets read back.

mod common;

use std::path::Path;
use std::process::Command;

use common::workflow::{demo_population, test_a_control};
use common::*;
use engagement::control::{AttributeInput, ControlInput, Nature};
use engagement::population::ColumnMapping;
use engagement::sample::{SampleMethod, SampleRequest, SizeRequest};
use engagement::signoff::SignoffRole;
use engagement::conclusion::{Conclusion, ConclusionInput};
use engagement::testing::{Outcome, TestResult};
use engagement::EngagementFile;

fn pdf_text(pdf: &[u8], dir: &Path, name: &str, pages: Option<(usize, usize)>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    let mut cmd = Command::new("pdftotext");
    cmd.arg("-enc").arg("UTF-8");
    if let Some((first, last)) = pages {
        cmd.arg("-f").arg(first.to_string()).arg("-l").arg(last.to_string());
    }
    let out = cmd.arg(&path).arg("-").output().expect("pdftotext (poppler-utils) runs");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn qpdf_check(pdf: &[u8], dir: &Path, name: &str) {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("qpdf").arg("--check").arg(&path).output().expect("qpdf runs");
    assert!(out.status.success(), "qpdf --check failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

fn page_count(pdf: &[u8], dir: &Path) -> usize {
    let path = dir.join("count.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdfinfo").arg(&path).output().unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

/// Words collapse to single spaces, so a sentence wrapped over lines still matches.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A second control, owned by Señor Núñez, sampled and passed without exception.
fn clean_control(file: &mut EngagementFile) -> i64 {
    let control = file
        .add_control(&ControlInput {
            reference: "CC6.1-02".into(),
            description: "Production changes follow the “two-person rule” — no exceptions.".into(),
            criteria: vec!["CC6.1".into()],
            frequency: sampling::Frequency::MultipleTimesPerDay,
            nature: Nature::Manual,
            owner: "Señor Núñez, Platform Lead".into(),
            attributes: vec![AttributeInput { label: "A".into(), question: "Peer review recorded?".into() }],
        })
        .unwrap();
    let mapping = ColumnMapping { key: "change_id".into(), date: Some("deployed_on".into()), amount: None, stratum: None };
    let population = file.import_population(control, &demo_population(), &mapping, "ServiceNow export", &mut |_| true).unwrap();
    let sample = file
        .draw_sample(&SampleRequest {
            control_id: control,
            population_id: population,
            method: SampleMethod::SimpleRandom,
            size: SizeRequest::Fixed { n: 25, reason: "firm minimum".into() },
            seed: None,
            seed_reason: None,
        })
        .unwrap();
    let attribute = file.control(control).unwrap().attributes[0].id;
    for position in 0..25 {
        file.record_result(&TestResult { sample_id: sample, position, attribute_id: attribute, outcome: Outcome::Pass, tickmark: None, note: None, evidence: vec![] }).unwrap();
    }
    file.set_item_type(population, "change tickets").unwrap();
    let inquiry = file.workpaper(control).unwrap().suggested_procedures.into_iter().find(|p| p.text.starts_with("Inquired")).unwrap();
    let id = file.add_procedure(control, &inquiry).unwrap();
    file.mark_performed(id, date("2026-10-05")).unwrap();
    file.set_conclusion(control, &ConclusionInput::new(Conclusion::NoExceptions, "")).unwrap();
    control
}

#[test]
fn the_report_prints_every_control_exception_and_response_with_names_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let tested = test_a_control(&mut file);
    file.set_item_type(tested.population, "change tickets").unwrap();
    file.set_conclusion(tested.control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One urgent fix.")).unwrap();
    clean_control(&mut file);

    let pdf = file.report_pdf().unwrap();
    qpdf_check(&pdf, dir.path(), "report.pdf");
    let text = flat(&pdf_text(&pdf, dir.path(), "report.pdf", None));
    for expected in [
        "DRAFT",
        "Northwind Payroll, Inc.",
        "October 1, 2025 to September 30, 2026",
        "CC8.1-01",
        "CC6.1-02",
        "Inquired of the Platform Lead about how the control operates.",
        "“two-person rule” — no exceptions",
        "For a sample of 40 of 1,465 change tickets, inspected each for: (A) approved before deployment; (B) approver is not the developer.",
        "For a sample of 25 of 1,465 change tickets",
        "Exception noted: For 1 of the changes sampled, deployment preceded approval.",
        "No exceptions noted.",
        "Other information provided by Northwind Payroll, Inc.",
        "it has not been subjected to the procedures applied in the examination",
        "The change was an urgent fix; the approval step is now enforced by the pipeline.",
        "CC8 — Change management",
        "Page 1 of",
    ] {
        assert!(text.contains(expected), "the report lacks {expected:?}:\n{text}");
    }
    assert!(!text.contains("Señor Núñez"), "the report names roles, not people");
    assert!(!text.contains("One urgent fix."), "internal notes (the conclusion's basis) stay in the workpaper");
    assert!(pdf.len() < 150_000, "fonts are subset: the draft is {} bytes", pdf.len());
}

#[test]
fn long_tables_continue_on_new_pages_without_cutting_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let filler = "The control owner reviews the listing, follows up every item that does not agree, and keeps the evidence. ".repeat(4);
    for n in 0..40 {
        let mut control = change_control();
        control.reference = format!("CC7.{}-{n:02}", 1 + n % 5);
        control.criteria = vec![format!("CC7.{}", 1 + n % 5)];
        control.description = format!("START{n:02} {filler} END{n:02}");
        file.add_control(&control).unwrap();
    }
    let pdf = file.report_pdf().unwrap();
    qpdf_check(&pdf, dir.path(), "long.pdf");
    let pages = page_count(&pdf, dir.path());
    assert!(pages >= 6, "forty long rows take several pages, got {pages}");
    let per_page: Vec<String> = (1..=pages).map(|p| pdf_text(&pdf, dir.path(), "long.pdf", Some((p, p)))).collect();
    for (p, text) in per_page.iter().enumerate() {
        assert!(text.contains(&format!("Page {} of {pages}", p + 1)), "page {} has its number", p + 1);
        assert!(text.contains("DRAFT — Northwind Payroll, Inc."), "page {} has the running header", p + 1);
    }
    for n in 0..40 {
        let start = per_page.iter().position(|t| t.contains(&format!("START{n:02}"))).unwrap_or_else(|| panic!("row {n} printed"));
        let end = per_page.iter().position(|t| t.contains(&format!("END{n:02}"))).unwrap();
        assert_eq!(start, end, "row {n} is on one page, not cut across pages {} and {}", start + 1, end + 1);
        assert!(per_page[start].contains("Tests performed"), "page {} repeats the table's header row", start + 1);
    }
}

#[test]
fn a_workpaper_shows_header_sample_grid_legend_and_conclusion() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let t = test_a_control(&mut file);
    file.set_conclusion(t.control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One deviation; compensating review found no unauthorised change.")).unwrap();

    // A request made for another control whose answer this control's results rely on.
    let other = file.add_control(&ControlInput { reference: "CC8.1-09".into(), ..change_control() }).unwrap();
    let request = file
        .add_request(&engagement::request::RequestInput {
            number: "PBC-7".into(),
            title: "Change advisory board minutes, October to September".into(),
            control_id: Some(other),
            requested_on: date("2026-09-01"),
            due_on: Some(date("2026-09-15")),
            status: engagement::request::RequestStatus::Received,
        })
        .unwrap();
    let minutes = dir.path().join("cab-minutes.txt");
    std::fs::write(&minutes, "minutes").unwrap();
    let evidence = file.attach_evidence(&minutes, Some(request), None, date("2026-09-12"), &mut engagement::progress::silent).unwrap();
    let attribute = file.control(t.control).unwrap().attributes[0].id;
    file.record_result(&TestResult { sample_id: t.sample, position: 0, attribute_id: attribute, outcome: Outcome::Pass, tickmark: None, note: None, evidence: vec![evidence] }).unwrap();
    file.set_grid_columns(t.control, &["approver".into()]).unwrap();
    file.sign(t.control, SignoffRole::Preparer).unwrap();
    file.set_user("JI").unwrap();
    file.sign(t.control, SignoffRole::Reviewer).unwrap();

    let pdf = file.workpaper_pdf(t.control).unwrap();
    qpdf_check(&pdf, dir.path(), "wp.pdf");
    let text = flat(&pdf_text(&pdf, dir.path(), "wp.pdf", None));
    let sample = file.sample(t.sample).unwrap();
    let population = file.population(t.population).unwrap();
    let today = chrono::Utc::now().date_naive().to_string();
    for expected in [
        "Workpaper CC8.1-01".to_owned(),
        "Northwind Payroll, Inc.".to_owned(),
        "October 1, 2025 to September 30, 2026".to_owned(),
        "Prepared by Reviewed by".to_owned(),
        format!("DW {today} JI {today}"),
        sample.selection.seed.to_string(),
        population.fingerprint.clone(),
        "Deployed the day before approval".to_owned(),
        "✓ Inspected; agreed to supporting evidence without exception".to_owned(),
        "X Deviation".to_owned(),
        "N/A Not applicable".to_owned(),
        "Conclusion Basis Exceptions noted; the control operated as tested. One deviation; compensating review found no unauthorised change.".to_owned(),
    ] {
        assert!(text.contains(&expected), "the workpaper lacks {expected:?}:\n{text}");
    }
    let item_keys = file.population_items_at(t.population, &sample.selection.items).unwrap();
    let approver = population.columns.iter().position(|c| c == "approver").unwrap();
    let raw = flat(&String::from_utf8_lossy(&Command::new("pdftotext").arg("-raw").arg(dir.path().join("wp.pdf")).arg("-").output().unwrap().stdout));
    for item in item_keys {
        assert!(text.contains(&item.key), "the grid lists sampled item {}", item.key);
        assert!(raw.contains(&format!("{} {}", item.key, item.date.unwrap())) && raw.contains(&item.fields[approver]), "the chosen column shows item {}'s approver {:?}: {raw}", item.key, item.fields[approver]);
    }
    for expected in [
        "PBC-7 Change advisory board minutes, October to September September 1, 2026 September 15, 2026 received",
        "EV-1 cab-minutes.txt PBC-7 September 12, 2026",
        "# Row Item Date approver A B Notes",
        &format!("Performed by DW on {}", engagement::model::long_date(chrono::Local::now().date_naive())),
    ] {
        assert!(raw.contains(expected), "the workpaper lacks {expected:?}:\n{raw}");
    }
}

#[test]
fn a_draft_over_open_work_says_incomplete_and_lists_what_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let t = test_a_control(&mut file);
    file.set_conclusion(t.control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One deviation.")).unwrap();
    file.sign(t.control, SignoffRole::Preparer).unwrap();
    let attribute = file.control(t.control).unwrap().attributes[1].id;
    file.record_result(&TestResult { sample_id: t.sample, position: 5, attribute_id: attribute, outcome: Outcome::Pass, tickmark: None, note: Some("Seen in CAB minutes".into()), evidence: vec![] }).unwrap();
    let evidence = dir.path().join("cab-minutes.txt");
    std::fs::write(&evidence, "minutes").unwrap();
    file.attach_evidence(&evidence, None, Some(t.control), date("2026-10-02"), &mut engagement::progress::silent).unwrap();

    let text = flat(&pdf_text(&file.report_pdf().unwrap(), dir.path(), "draft.pdf", Some((1, 2))));
    assert!(text.contains("INCOMPLETE The work this draft describes is not complete"), "{text}");
    assert!(text.contains("CC8.1-01: the work changed since DW signed as preparer; it must be signed again"), "{text}");
    assert!(text.contains("CC8.1-01: not signed by a reviewer"), "{text}");

    let workpaper = flat(&pdf_text(&file.workpaper_pdf(t.control).unwrap(), dir.path(), "wp.pdf", None));
    assert!(workpaper.contains("DW") && workpaper.contains("CHANGED SINCE SIGNED"), "{workpaper}");
    assert!(workpaper.contains("Changed since DW signed as preparer"), "{workpaper}");
    assert!(workpaper.contains("EV-1 cab-minutes.txt") && workpaper.contains("October 2, 2026"), "the workpaper lists the evidence behind the control: {workpaper}");
}

/// Every procedure verb the Section IV sentences use.
const PROCEDURE_VERBS: [&str; 6] = ["Inquired", "Observed", "Inspected", "inspected", "Re-performed", "Recalculated"];

#[test]
fn a_draft_where_nothing_was_tested_claims_no_procedure_and_no_result() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let control = file.add_control(&change_control()).unwrap();
    file.import_population(control, &demo_population(), &ColumnMapping { key: "change_id".into(), date: Some("deployed_on".into()), amount: None, stratum: None }, "ServiceNow export", &mut engagement::progress::silent).unwrap();
    let walkthrough = engagement::walkthrough::WalkthroughInput {
        control_id: control,
        kind: engagement::walkthrough::WalkthroughKind::Walkthrough,
        held_on: date("2026-02-25"),
        attendees: vec!["Dana Whitfield".into(), "Hyun-woo Seo (CTO)".into()],
        narrative: "Followed change CHG0041575.".into(),
        evidence: vec![],
    };
    file.add_walkthrough(&walkthrough).unwrap();
    let text = flat(&pdf_text(&file.report_pdf().unwrap(), dir.path(), "empty.pdf", None));
    assert!(text.contains("INCOMPLETE"), "{text}");
    assert!(!text.contains("No exceptions noted."), "no result is claimed: {text}");
    let section = &text[text.find("Section IV —").unwrap()..];
    for verb in PROCEDURE_VERBS {
        assert!(!section.contains(verb), "no procedure is claimed ({verb}): {section}");
    }
    assert!(section.contains("No tests have been performed yet.") && section.contains("Testing not completed."), "{section}");

    // The suggestions name roles, never the audit team: offered, not reported.
    let wp = file.workpaper(control).unwrap();
    let suggested: Vec<&str> = wp.suggested_procedures.iter().map(|p| p.text.as_str()).collect();
    assert!(suggested.contains(&"Inquired of the Head of Engineering about how the control operates."), "{suggested:?}");
    assert!(suggested.contains(&"Observed one instance of the control operating with the CTO on February 25, 2026."), "{suggested:?}");

    // One inquiry, performed: the report prints that inquiry and nothing else.
    let inquiry = engagement::procedure::ProcedureInput { nature: engagement::procedure::ProcedureNature::Inquiry, text: suggested[0].to_owned(), sample_based: false };
    let id = file.add_procedure(control, &inquiry).unwrap();
    file.mark_performed(id, date("2026-10-02")).unwrap();
    let text = flat(&pdf_text(&file.report_pdf().unwrap(), dir.path(), "inquiry.pdf", None));
    let section = &text[text.find("Section IV —").unwrap()..];
    assert!(section.contains("Inquired of the Head of Engineering about how the control operates."), "{section}");
    for verb in ["Observed", "Inspected", "inspected", "Re-performed", "Recalculated"] {
        assert!(!section.contains(verb), "only the inquiry: {section}");
    }
    assert!(!section.contains("No exceptions noted."), "{section}");
}

#[test]
fn the_pdf_says_who_made_it_and_when_claims_no_pdf_x_tags_its_subsets_and_splits_a_row_taller_than_a_page_where_it_stands() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let mut short = change_control();
    short.reference = "CC7.1-00".into();
    short.criteria = vec!["CC7.1".into()];
    file.add_control(&short).unwrap();
    let mut huge = change_control();
    huge.reference = "CC7.1-01".into();
    huge.criteria = vec!["CC7.1".into()];
    huge.description = format!("HUGESTART {} HUGEEND", "The owner reviews every alert and records the outcome in the ticket. ".repeat(90));
    file.add_control(&huge).unwrap();
    let pdf = file.report_pdf().unwrap();
    qpdf_check(&pdf, dir.path(), "meta.pdf");
    let path = dir.path().join("meta.pdf");
    let info = String::from_utf8(Command::new("pdfinfo").arg(&path).output().unwrap().stdout).unwrap();
    assert!(info.contains(&format!("Producer:        Tickmark {}", env!("CARGO_PKG_VERSION"))), "{info}");
    assert!(info.contains("Creator:         Tickmark"), "{info}");
    assert!(!info.contains("1970"), "a real creation date: {info}");
    assert!(info.contains(&chrono::Utc::now().format("%Y").to_string()), "{info}");
    assert!(!info.contains("PDF/X") && !String::from_utf8_lossy(&pdf).contains("GTS_PDFXVersion"), "no PDF/X claim: {info}");
    let fonts = String::from_utf8(Command::new("pdffonts").arg(&path).output().unwrap().stdout).unwrap();
    let names: Vec<&str> = fonts.lines().skip(2).filter_map(|l| l.split_whitespace().next()).collect();
    assert!(!names.is_empty() && names.iter().all(|n| n.len() > 7 && n.as_bytes()[6] == b'+' && n[..6].chars().all(|c| c.is_ascii_uppercase())), "subset fonts carry their tag: {fonts}");

    let pages = page_count(&pdf, dir.path());
    let starting = (1..=pages).find(|&p| pdf_text(&pdf, dir.path(), "meta.pdf", Some((p, p))).contains("HUGESTART")).unwrap();
    let page = flat(&pdf_text(&pdf, dir.path(), "meta.pdf", Some((starting, starting))));
    assert!(page.contains("CC7.1-00"), "the tall row starts on the page of the row before it: {page}");
}

#[test]
fn names_in_every_script_a_client_may_type_print_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut new = new_engagement();
    new.client = "山田テック株式会社".into();
    new.system = "Платформа «Ωμέγα» ٠١٢٣٤٥٦٧٨٩".into();
    let mut file = EngagementFile::create(&dir.path().join("scripts.tickmark"), PASSPHRASE, &new).unwrap();
    let mut control = change_control();
    control.description = "变更在部署前获得批准 — Änderungen werden genehmigt; 変更は承認される".into();
    file.add_control(&control).unwrap();
    let pdf = file.report_pdf().unwrap();
    qpdf_check(&pdf, dir.path(), "scripts.pdf");
    let text = flat(&pdf_text(&pdf, dir.path(), "scripts.pdf", None));
    for written in ["山田テック株式会社", "Платформа «Ωμέγα» ٠١٢٣٤٥٦٧٨٩", "变更在部署前获得批准 — Änderungen werden genehmigt; 変更は承認される"] {
        assert!(text.contains(written), "{written:?} as written: {text}");
    }
    assert!(!text.contains('\u{FFFD}'), "nothing replaced");
    assert!(pdf.len() < 250_000, "the fallback font is subset too: {} bytes", pdf.len());
}

#[test]
fn a_type1_draft_speaks_of_design_and_implementation_without_sampling() {
    let dir = tempfile::tempdir().unwrap();
    let mut new = new_engagement();
    new.examination = engagement::model::Examination::Type1 { as_of: date("2026-06-30") };
    let mut file = EngagementFile::create(&dir.path().join("type1.tickmark"), PASSPHRASE, &new).unwrap();
    let control = file.add_control(&change_control()).unwrap();
    let observed = engagement::procedure::ProcedureInput {
        nature: engagement::procedure::ProcedureNature::Observation,
        text: "Observed one change move from approval to deployment with the CTO.".into(),
        sample_based: false,
    };
    let id = file.add_procedure(control, &observed).unwrap();
    file.mark_performed(id, date("2026-06-30")).unwrap();
    let text = flat(&pdf_text(&file.report_pdf().unwrap(), dir.path(), "type1.pdf", None));
    let section = &text[text.find("Section IV —").unwrap()..text.rfind("Other information").unwrap()];
    assert!(section.contains("Tests of design and implementation") && section.contains("Observed one change move from approval to deployment with the CTO."), "{section}");
    for word in ["sample", "operating effectiveness"] {
        assert!(!section.contains(word), "no {word:?} in a Type 1: {section}");
    }
}
