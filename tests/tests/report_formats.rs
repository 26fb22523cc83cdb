//! The draft report in both formats says the same, and says only what was recorded: an
//! engagement with a control of each kind (sampled without and with deviations, did not operate,
//! not effective, inquiry only, nothing done), its Section IV read back from the PDF with
//! pdftotext and from the Word document with python-docx, row for row.

use std::path::Path;
use std::process::Command;

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
    assert!(word["header_rows_repeat"].as_array().unwrap().iter().all(|r| r == true), "header rows repeat on every page");
}
