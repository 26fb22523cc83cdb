//! The draft report in both formats says the same, and says only what was recorded: an
//! engagement with a control of each kind (sampled without and with deviations, did not operate,
//! not effective, inquiry only, nothing done), its Section IV read back from the PDF with
//! pdftotext and from the Word document with python-docx, row for row.

use std::path::Path;
use std::process::Command;

use engagement::complementary::{SubserviceInput, SubserviceMethod, UserEntityControlInput};
use engagement::conclusion::{Conclusion, ConclusionInput};
use engagement::procedure::{ProcedureInput, ProcedureNature};
use engagement::signoff::SignoffRole;
use engagement::testing::{Outcome, TestResult};
use engagement::EngagementFile;
use tickmark_tests::app::workspace;
use tickmark_tests::engagements;

const PASSPHRASE: &str = "report formats passphrase";

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn procedure(file: &mut EngagementFile, control: i64, nature: ProcedureNature, text: &str) {
    let id = file.add_procedure(control, &ProcedureInput { nature, text: text.into(), sample_based: false }).unwrap();
    file.mark_performed(id, date("2026-10-06")).unwrap();
}

/// Adds control `reference` (two attributes) under `criterion`.
fn control(file: &mut EngagementFile, reference: &str, criterion: &str, description: &str) -> i64 {
    let input = file.control_by_reference("CC8.1-01").unwrap();
    file.add_control(&engagement::control::ControlInput {
        reference: reference.into(),
        description: description.into(),
        criteria: vec![criterion.into()],
        frequency: input.frequency,
        nature: input.nature,
        owner: "Hyun-woo Seo, CTO".into(),
        attributes: input.attributes.iter().map(|a| engagement::control::AttributeInput { label: a.label.clone(), question: a.question.clone() }).collect(),
    })
    .unwrap()
}

fn golden(dir: &Path) -> EngagementFile {
    let path = dir.join("golden.tickmark");
    let mut file = EngagementFile::create_from_spec(&path, PASSPHRASE, &engagements::one_control(dir)).unwrap();
    let sampled = file.control_by_reference("CC8.1-01").unwrap().id;
    let population = file.populations(Some(sampled)).unwrap()[0].id;
    file.set_item_type(population, "change tickets").unwrap();
    let request = |control, population| engagement::sample::SampleRequest {
        control_id: control,
        population_id: population,
        method: engagement::sample::SampleMethod::SimpleRandom,
        size: engagement::sample::SizeRequest::FrequencyTable,
        seed: None,
        seed_reason: None,
    };
    // Sampled, one deviation written up and answered.
    let sample = file.draw_sample(&request(sampled, population)).unwrap();
    let attributes = file.control(sampled).unwrap().attributes;
    for position in 0..5 {
        for a in &attributes {
            let deviates = position == 1 && a.label == "A";
            let outcome = if deviates { Outcome::Deviation } else { Outcome::Pass };
            file.record_result(&TestResult { sample_id: sample, position, attribute_id: a.id, outcome, tickmark: None, note: deviates.then(|| "Approved after deployment".into()), evidence: vec![] }).unwrap();
        }
    }
    let exception = file.add_exception(sampled, "For 1 of 5 changes sampled, approval was recorded the day after deployment.", &[1]).unwrap();
    file.respond_to_exception(exception, "The approval workflow now blocks deployment.", "Hyun-woo Seo, CTO", date("2026-10-20")).unwrap();
    file.set_conclusion(sampled, &ConclusionInput::new(Conclusion::ExceptionsNoted, "Internal: one urgent fix.")).unwrap();

    // Sampled, no deviation.
    let clean = control(&mut file, "CC8.1-02", "CC8.1", "Emergency changes are reviewed after deployment.");
    let listing = workspace().join("fixtures/demo/populations/change_tickets.csv");
    let mapping = engagement::population::ColumnMapping { key: "change_id".into(), date: Some("deployed_on".into()), amount: None, stratum: None };
    let clean_population = file.import_population(clean, &listing, &mapping, "ServiceNow export", &mut engagement::progress::silent).unwrap();
    file.set_item_type(clean_population, "emergency changes").unwrap();
    let clean_sample = file.draw_sample(&request(clean, clean_population)).unwrap();
    for position in 0..5 {
        for a in &attributes {
            file.record_result(&TestResult { sample_id: clean_sample, position, attribute_id: file.control(clean).unwrap().attributes.iter().find(|x| x.label == a.label).unwrap().id, outcome: Outcome::Pass, tickmark: None, note: None, evidence: vec![] }).unwrap();
        }
    }
    file.set_conclusion(clean, &ConclusionInput::new(Conclusion::NoExceptions, "")).unwrap();

    // Did not operate.
    let idle = control(&mut file, "CC7.4-01", "CC7.4", "Security incidents are escalated to the incident response team.");
    procedure(&mut file, idle, ProcedureNature::Inspection, "Inspected the incident log for the period to determine whether any security incident occurred.");
    file.set_conclusion(idle, &ConclusionInput::new(Conclusion::DidNotOperate, "The log lists no incident.")).unwrap();

    // Not effective.
    let failed = control(&mut file, "CC6.2-01", "CC6.2", "Access is approved before it is granted.");
    procedure(&mut file, failed, ProcedureNature::Reperformance, "Re-performed the access approval for the new hires of March 2026.");
    file.set_conclusion(failed, &ConclusionInput::new(Conclusion::NotEffective, "Access granted without approval.")).unwrap();

    // Inquiry only, not concluded; and a control with nothing done.
    let asked = control(&mut file, "CC1.1-01", "CC1.1", "Personnel acknowledge the code of conduct.");
    procedure(&mut file, asked, ProcedureNature::Inquiry, "Inquired of the VP of People about the acknowledgement process.");
    control(&mut file, "CC2.1-01", "CC2.1", "The security policy is reviewed each year.");
    file.add_user_entity_control(&UserEntityControlInput { text: "User entities request the removal of leavers' access.".into(), criteria: vec!["CC6.2".into()] }).unwrap();
    file.add_subservice(&SubserviceInput {
        name: "Hetzner Online GmbH".into(),
        services: "hosting of the production servers".into(),
        method: SubserviceMethod::CarvedOut,
        controls: vec!["Physical access to the data centre is restricted.".into()],
        criteria: vec!["CC6.4".into()],
    })
    .unwrap();
    file.sign(sampled, SignoffRole::Preparer).unwrap();
    file
}

#[test]
fn section_iv_in_pdf_and_word_holds_what_was_recorded_row_for_row() {
    let dir = tempfile::tempdir().unwrap();
    let file = golden(dir.path());
    let pdf = dir.path().join("draft.pdf");
    let docx = dir.path().join("draft.docx");
    std::fs::write(&pdf, file.report_for(&pdf).unwrap()).unwrap();
    std::fs::write(&docx, file.report_for(&docx).unwrap()).unwrap();
    // Content-stream order: each cell of a row whole, as the layout draws it.
    let text = Command::new("pdftotext").arg("-raw").arg(&pdf).arg("-").output().unwrap();
    let pdf_text = flat(&String::from_utf8_lossy(&text.stdout));
    let out = Command::new("python3").arg(workspace().join("tests/docx/section4.py")).arg(&docx).output().unwrap();
    assert!(out.status.success(), "python-docx: {}", String::from_utf8_lossy(&out.stderr));
    let word: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let rows: Vec<Vec<String>> = word["rows"].as_array().unwrap().iter().map(|r| r.as_array().unwrap().iter().map(|c| flat(c.as_str().unwrap())).collect()).collect();
    let row = |reference: &str| rows.iter().find(|r| r[0] == reference).unwrap_or_else(|| panic!("{reference} in the Word draft: {rows:?}"));
    let expect = [
        ("CC8.1-01", "For a sample of 5 of 1,465 change tickets, inspected each for: (A) approved before deployment; (B) approver is not the developer.", "Exception noted: For 1 of 5 changes sampled, approval was recorded the day after deployment."),
        ("CC8.1-02", "For a sample of 5 of 1,465 emergency changes, inspected each for: (A) approved before deployment; (B) approver is not the developer.", "No exceptions noted."),
        ("CC7.4-01", "Inspected the incident log for the period to determine whether any security incident occurred.", "The control did not operate during the period; therefore, no tests of operating effectiveness were performed."),
        ("CC6.2-01", "Re-performed the access approval for the new hires of March 2026.", "The control was not operating effectively."),
        ("CC1.1-01", "Inquired of the VP of People about the acknowledgement process.", "Testing not completed."),
        ("CC2.1-01", "No tests have been performed yet.", "Testing not completed."),
    ];
    for (reference, tests, result) in expect {
        let r = row(reference);
        assert_eq!((r[2].as_str(), r[3].as_str()), (tests, result), "{reference} in Word");
        for cell in r {
            assert!(pdf_text.contains(cell.as_str()), "{reference}: the PDF says {cell:?} too");
        }
    }
    assert_eq!(rows.len(), expect.len(), "one row per control, each under its one criterion");
    assert!(!pdf_text.contains("Internal: one urgent fix.") && !rows.iter().flatten().any(|c| c.contains("Internal")), "the conclusion's basis stays in the workpaper");
    let headings: Vec<String> = word["headings"].as_array().unwrap().iter().map(|h| format!("{}: {}", h[0].as_str().unwrap(), h[1].as_str().unwrap())).collect();
    for h in ["Heading 1: Section IV — Trust Services Criteria, controls, tests and results", "Heading 2: CC8 — Change management", "Heading 3: CC8.1 — Change management", "Heading 1: Other information provided by Northwind Payroll, Inc."] {
        assert!(headings.contains(&h.to_owned()), "Word's own heading styles: {h:?} in {headings:?}");
    }
    let word_text = flat(word["text"].as_str().unwrap());
    for printed in [
        "CUEC-1 User entities request the removal of leavers' access. CC6.2",
        "uses Hetzner Online GmbH for hosting of the production servers",
        "excludes the controls of Hetzner Online GmbH",
        "Physical access to the data centre is restricted.",
        "This criterion also relies on the complementary user entity controls CUEC-1.",
        "This criterion also relies on the complementary subservice organization controls at Hetzner Online GmbH (carved out).",
    ] {
        assert!(pdf_text.contains(printed), "the PDF prints {printed:?}");
        assert!(word_text.contains(printed), "the Word draft prints {printed:?}");
    }
    assert!(word["header_rows_repeat"].as_array().unwrap().iter().all(|r| r == true), "header rows repeat on every page");
}

/// The cells of the first row whose first cell is the text `first`.
fn row_of<'a>(sheet: &'a serde_json::Value, first: &str) -> &'a Vec<serde_json::Value> {
    sheet["rows"].as_array().unwrap().iter().map(|r| r.as_array().unwrap()).find(|r| r.first().and_then(|c| c["text"].as_str()) == Some(first)).unwrap_or_else(|| panic!("a row starting {first:?} in {}", sheet["name"]))
}

#[test]
fn the_workbook_holds_dates_as_dates_and_numbers_as_numbers_with_headers_frozen_and_filtered() {
    let dir = tempfile::tempdir().unwrap();
    let file = golden(dir.path());
    let xlsx = dir.path().join("samples.xlsx");
    std::fs::write(&xlsx, file.samples_xlsx().unwrap()).unwrap();
    let out = Command::new("python3").arg(workspace().join("tests/xlsx/read_export.py")).arg(&xlsx).output().unwrap();
    assert!(out.status.success(), "openpyxl: {}", String::from_utf8_lossy(&out.stderr));
    let book: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sheets = book.as_array().unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(&names[..2], ["Summary", "Exceptions"]);
    let sheet = |name: &str| sheets.iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("sheet {name} in {names:?}"));

    let summary = sheet("Summary");
    assert_eq!((summary["freeze"].as_str(), summary["filter"].as_str()), (Some("A2"), Some(format!("A1:I{}", names.len() - 2 + 1).as_str())), "header frozen, every control filterable");
    let sampled = row_of(summary, "CC8.1-01");
    assert_eq!([&sampled[3]["number"], &sampled[4]["number"], &sampled[5]["number"]], [1465, 5, 1], "population, sample and deviations are numbers");
    assert!(sampled[6]["text"].as_str().unwrap().starts_with("Exceptions noted"), "{:?}", sampled[6]);
    assert!(sampled[7]["text"].as_str().unwrap().len() > 3, "the preparer's sign-off is shown");
    assert_eq!(sampled[8], serde_json::Value::Null, "no reviewer yet, and none claimed");
    assert_eq!(row_of(summary, "CC2.1-01")[6], serde_json::Value::Null, "no conclusion is shown where none was reached");

    let exceptions = sheet("Exceptions");
    let exception = row_of(exceptions, "CC8.1-01");
    assert_eq!(exception[1]["text"], "For 1 of 5 changes sampled, approval was recorded the day after deployment.");
    assert_eq!(exception[2]["text"], "2", "the item as numbered in the grid");
    assert_eq!(exception[3]["text"], "The approval workflow now blocks deployment.");
    assert_eq!((exception[5]["date"].as_str(), exception[5]["format"].as_str()), (Some("2026-10-20"), Some("yyyy-mm-dd")), "the response date is a date");

    let grid = sheet("CC8.1-01");
    let header_at = grid["rows"].as_array().unwrap().iter().position(|r| r[0]["text"] == "#").expect("the grid's header row");
    assert_eq!(grid["freeze"].as_str().unwrap(), format!("A{}", header_at + 2), "the grid's header stays in view");
    assert_eq!(grid["filter"].as_str().unwrap().split(':').next().unwrap(), format!("A{}", header_at + 1));
    let items: Vec<&Vec<serde_json::Value>> = grid["rows"].as_array().unwrap()[header_at + 1..].iter().map(|r| r.as_array().unwrap()).collect();
    assert_eq!(items.len(), 5);
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item[0]["number"], i as i64 + 1);
        assert!(item[2]["text"].as_str().unwrap().starts_with("CHG"), "the key is text: {:?}", item[2]);
        assert_eq!(item[3]["format"], "yyyy-mm-dd", "the deployment date is a date: {:?}", item[3]);
        assert!(item[3]["date"].as_str().unwrap().starts_with("2026-") || item[3]["date"].as_str().unwrap().starts_with("2025-"));
    }
    assert_eq!(items[1][6]["text"], "Approved after deployment", "the deviation's note beside its mark");
    assert!(sheets.iter().flat_map(|s| s["rows"].as_array().unwrap()).flat_map(|r| r.as_array().unwrap()).all(|c| c["formula"] != true), "no cell is a formula");
}

#[test]
fn csv_files_are_one_table_each_and_formula_like_client_text_is_defused() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = golden(dir.path());
    let sampled = file.control_by_reference("CC8.1-01").unwrap().id;
    let exception = file.add_exception(sampled, "=HYPERLINK(\"http://evil\",\"click\")", &[2]).unwrap();
    assert!(exception > 0);
    let files = file.samples_csv().unwrap();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for expected in ["summary.csv", "exceptions.csv", "CC8.1-01.csv", "CC8.1-01-about.csv"] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let read = |name: &str| -> Vec<csv::StringRecord> {
        let bytes = &files.iter().find(|(n, _)| n == name).unwrap().1;
        assert!(bytes.starts_with("\u{feff}".as_bytes()), "{name} opens as UTF-8 in Excel");
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&bytes[3..]).records().map(|r| r.unwrap()).collect()
    };
    let grid = read("CC8.1-01.csv");
    assert_eq!(&grid[0][0], "#", "the table starts at the first line, its description is in the -about file");
    assert_eq!(grid.len(), 6);
    let exceptions = read("exceptions.csv");
    assert!(exceptions.iter().any(|r| &r[1] == "'=HYPERLINK(\"http://evil\",\"click\")"), "client text cannot run as a formula: {exceptions:?}");
    assert!(read("CC8.1-01-about.csv").iter().any(|r| &r[0] == "Population fingerprint"));
}
