//! From exceptions to the opinion, on golden engagements, one for each opinion: every
//! criterion met (unqualified); an operating deviation nothing covers (qualified, naming its
//! criterion); the same deviation covered by a compensating control that operated (still
//! unqualified, the evaluation printed in the workpaper); evidence the client did not provide
//! (a disclaimer). Each opinion paragraph is read back from the PDF (pdftotext) and from the
//! Word document (python-docx). Also: the refusals (an unqualified opinion over a criterion not
//! met, in the library and the CLI; a criterion no control addresses; a decider who is not the
//! partner), a decision that no longer stands once what it rests on changes, and DRAFT on
//! every page until the decision stands and the documentation is complete.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use engagement::conclusion::{Conclusion, ConclusionInput};
use engagement::evaluation::{CriterionEffect, DeviationKind, EffectOn, EvaluationInput};
use engagement::model::{criteria_in_scope, Category};
use engagement::opinion::OpinionKind;
use engagement::procedure::{ProcedureInput, ProcedureNature};
use engagement::request::RequestStatus;
use engagement::signoff::SignoffRole;
use engagement::walkthrough::{WalkthroughInput, WalkthroughKind};
use common::PASSPHRASE;
use engagement::{EngagementFile, Error};

const NOT_MET_REASON: &str = "Changes reached production without the approval the control requires, and nothing else detects them.";

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A Type 2 Security engagement: CC8.1-01 (change approval) addresses CC8.1, CC7.2-01
/// (monitoring of production changes) CC7.2, and CC-ALL the 31 other criteria. Priya
/// Raghunathan (PR) is the partner. Every control is walked through, tested and concluded as
/// operating, CC8.1-01 aside, which each scenario settles.
fn golden(dir: &Path) -> PathBuf {
    let others: Vec<&str> = criteria_in_scope(&[Category::Security]).map(|c| c.id).filter(|id| *id != "CC8.1" && *id != "CC7.2").collect();
    let control = |reference: &str, criteria: serde_json::Value, description: &str| {
        serde_json::json!({
            "reference": reference, "description": description, "criteria": criteria, "frequency": "weekly", "nature": "manual",
            "owner": "Hyun-woo Seo, CTO", "attributes": [{"label": "A", "question": "Performed as described?"}]
        })
    };
    let spec = serde_json::json!({
        "client": "Northwind Payroll, Inc.",
        "system": "Payroll platform",
        "examination": {"kind": "type2", "period_start": "2025-10-01", "period_end": "2026-09-30"},
        "categories": ["security"],
        "team": [
            {"name": "Priya Raghunathan", "initials": "PR", "role": "partner"},
            {"name": "Joaquín Ibáñez", "initials": "JI", "role": "manager"},
            {"name": "Dana Whitfield", "initials": "DW", "role": "senior"}
        ],
        "controls": [
            control("CC8.1-01", serde_json::json!(["CC8.1"]), "Changes are approved before deployment."),
            control("CC7.2-01", serde_json::json!(["CC7.2"]), "Every production change is matched to an approved ticket each day, and unmatched ones investigated."),
            control("CC-ALL", serde_json::json!(others), "The security programme as the description states it.")
        ],
        "requests": [{"number": "PBC-1", "title": "Change tickets for the period", "control": "CC8.1-01", "requested_on": "2026-10-01", "due_on": null, "status": "open"}],
        "populations": []
    });
    let spec_path = dir.join("golden.json");
    std::fs::write(&spec_path, serde_json::to_vec_pretty(&spec).unwrap()).unwrap();
    let path = dir.join("golden.tickmark");
    let mut file = EngagementFile::create_from_spec(&path, PASSPHRASE, &spec_path).unwrap();
    file.set_user("DW").unwrap();
    for reference in ["CC7.2-01", "CC-ALL"] {
        let id = walk_through(&mut file, reference);
        file.set_conclusion(id, &ConclusionInput::new(Conclusion::NoExceptions, "Inspected the period's records; operated as described.")).unwrap();
    }
    file.close().unwrap();
    path
}

fn walk_through(file: &mut EngagementFile, reference: &str) -> i64 {
    let id = file.control_by_reference(reference).unwrap().id;
    file.add_walkthrough(&WalkthroughInput {
        control_id: id,
        kind: WalkthroughKind::Walkthrough,
        held_on: date("2026-10-05"),
        attendees: vec!["Hyun-woo Seo".into()],
        narrative: "Followed one instance from start to end with the owner.".into(),
        evidence: vec![],
    })
    .unwrap();
    let procedure = file.add_procedure(id, &ProcedureInput { nature: ProcedureNature::Inspection, text: format!("Inspected the records of {reference} for the period."), sample_based: false }).unwrap();
    file.mark_performed(procedure, date("2026-10-06")).unwrap();
    id
}

/// CC8.1-01 walked through, with an operating deviation found and written up as an exception,
/// concluded not effective. Returns the exception.
fn deviation(file: &mut EngagementFile) -> i64 {
    let id = walk_through(file, "CC8.1-01");
    let exception = file.add_exception(id, "Two changes were deployed before they were approved.", &[]).unwrap();
    file.respond_to_exception(exception, "The pipeline now blocks unapproved deployments.", "Hyun-woo Seo, CTO", date("2026-10-20")).unwrap();
    file.set_conclusion(id, &ConclusionInput::new(Conclusion::NotEffective, "Two of the changes inspected were deployed unapproved.")).unwrap();
    exception
}

fn evaluation(effect: CriterionEffect, compensating: Vec<i64>) -> EvaluationInput {
    EvaluationInput {
        kind: DeviationKind::Operating,
        cause: "Engineers bypassed the approval step during an outage.".into(),
        compensating,
        effects: vec![EffectOn { criterion: "CC8.1".into(), effect }],
        rationale: "The approval step did not operate for urgent changes.".into(),
    }
}

/// Concludes every criterion as Tickmark proposes it.
fn conclude_as_proposed(file: &mut EngagementFile) {
    for c in file.criteria_status().unwrap() {
        if let Some(met) = c.proposal {
            file.conclude_criterion(&c.id, met, (!met).then_some(NOT_MET_REASON)).unwrap();
        }
    }
}

fn decide(file: &mut EngagementFile, kind: OpinionKind) {
    file.set_user("PR").unwrap();
    file.decide_opinion(kind, None).unwrap();
    file.set_user("DW").unwrap();
}

/// The report in both formats: the PDF's text and the Word document as section4.py reads it.
fn read_back(file: &EngagementFile, dir: &Path, name: &str) -> (String, serde_json::Value) {
    let pdf = dir.join(format!("{name}.pdf"));
    let docx = dir.join(format!("{name}.docx"));
    std::fs::write(&pdf, file.report_for(&pdf).unwrap()).unwrap();
    std::fs::write(&docx, file.report_for(&docx).unwrap()).unwrap();
    let text = Command::new("pdftotext").arg("-enc").arg("UTF-8").arg(&pdf).arg("-").output().expect("pdftotext runs");
    assert!(text.status.success());
    let out = Command::new("python3").arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/docx/section4.py")).arg(&docx).output().unwrap();
    assert!(out.status.success(), "python-docx: {}", String::from_utf8_lossy(&out.stderr));
    (flat(&String::from_utf8_lossy(&text.stdout)), serde_json::from_slice(&out.stdout).unwrap())
}

/// The opinion paragraph: from the heading `heading` of Section I to "Restricted use".
fn opinion_paragraph(text: &str, heading: &str) -> String {
    let start = text.find(&format!("{heading} In our opinion")).or_else(|| text.find(&format!("{heading} Because of"))).unwrap_or_else(|| panic!("{heading:?} paragraph in {text}"));
    let end = start + text[start..].find("Restricted use").unwrap();
    text[start..end].to_owned()
}

fn refusal(err: Error) -> Vec<String> {
    match err {
        Error::Refused { missing, .. } => missing,
        other => panic!("expected a refusal, got {other}"),
    }
}

#[test]
fn every_criterion_met_gives_an_unqualified_opinion_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let path = golden(dir.path());
    let mut file = EngagementFile::open(&path, PASSPHRASE).unwrap();
    file.set_user("DW").unwrap();
    let id = walk_through(&mut file, "CC8.1-01");
    file.set_conclusion(id, &ConclusionInput::new(Conclusion::NoExceptions, "Inspected every change of the period.")).unwrap();
    conclude_as_proposed(&mut file);
    let proposal = file.opinion().unwrap().proposal;
    assert_eq!(proposal.kind, Some(OpinionKind::Unqualified), "{proposal:?}");
    decide(&mut file, OpinionKind::Unqualified);

    let (pdf, word) = read_back(&file, dir.path(), "unqualified");
    let word_text = flat(word["text"].as_str().unwrap());
    for text in [&pdf, &word_text] {
        let paragraph = opinion_paragraph(text, "Opinion");
        assert!(paragraph.contains("In our opinion, in all material respects") && paragraph.contains("operated effectively throughout the period"), "{paragraph}");
        assert!(!text.contains("except for") && !text.contains("Basis for"), "an unqualified opinion has no basis paragraph");
        assert!(text.contains("We believe that the evidence we obtained is sufficient and appropriate"));
        assert!(text.contains("PLACEHOLDER, TO BE PROVIDED BY THE MANAGEMENT OF NORTHWIND PAYROLL, INC."), "Section II is marked as management's");
        assert!(text.contains("NOT YET ATTACHED. The description is Northwind Payroll, Inc.'s to write"), "Section III waits for the client's document");
    }
    // Decided, but the documentation is not complete: still a draft on every page.
    assert!(pdf.contains("DRAFT — Northwind Payroll, Inc."), "the PDF's pages are headed DRAFT");
    assert!(word["headers"].as_array().unwrap().iter().any(|h| h.as_str().unwrap().starts_with("DRAFT")), "the Word header says DRAFT: {:?}", word["headers"]);

    // Signed, reviewed and completed: no longer a draft anywhere.
    for reference in ["CC8.1-01", "CC7.2-01", "CC-ALL"] {
        let id = file.control_by_reference(reference).unwrap().id;
        file.sign(id, SignoffRole::Preparer).unwrap();
        file.set_user("JI").unwrap();
        file.sign(id, SignoffRole::Reviewer).unwrap();
        file.set_user("DW").unwrap();
    }
    let request = file.request_by_number("PBC-1").unwrap().id;
    file.set_request_status(request, RequestStatus::Closed, None).unwrap();
    file.complete(date("2026-11-15")).unwrap();
    let (pdf, word) = read_back(&file, dir.path(), "issued");
    assert!(!pdf.contains("DRAFT") && !flat(word["text"].as_str().unwrap()).contains("DRAFT"), "no DRAFT once decided and complete: {pdf}");
    assert_eq!(word["headers"], serde_json::json!([]), "no DRAFT header in Word");
    assert!(opinion_paragraph(&pdf, "Opinion").contains("In our opinion, in all material respects"));
}

#[test]
fn an_uncovered_operating_deviation_gives_a_qualified_opinion_naming_its_criterion_and_unqualified_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = golden(dir.path());
    let mut file = EngagementFile::open(&path, PASSPHRASE).unwrap();
    file.set_user("DW").unwrap();
    let exception = deviation(&mut file);
    let cc81 = |file: &EngagementFile| file.criteria_status().unwrap().into_iter().find(|c| c.id == "CC8.1").unwrap();
    assert_eq!(cc81(&file).proposal, None, "no proposal before the exception is evaluated");
    assert!(cc81(&file).reasons.iter().any(|r| r.contains(&format!("exception {exception} on CC8.1-01 is not evaluated"))), "{:?}", cc81(&file).reasons);
    file.evaluate_exception(exception, &evaluation(CriterionEffect::NotMet, vec![])).unwrap();
    assert_eq!(cc81(&file).proposal, Some(false));
    let met = file.conclude_criterion("CC8.1", true, None).unwrap_err();
    assert!(met.to_string().contains("Tickmark proposes CC8.1 not met: say why"), "{met}");
    assert!(file.conclude_criterion("CC8.1", false, None).unwrap_err().to_string().contains("say why CC8.1 is not met"));
    conclude_as_proposed(&mut file);

    let proposal = file.opinion().unwrap().proposal;
    assert_eq!((proposal.kind, proposal.criteria_not_met.clone()), (Some(OpinionKind::Qualified), vec!["CC8.1".to_owned()]), "{proposal:?}");
    file.set_user("PR").unwrap();
    let missing = refusal(file.decide_opinion(OpinionKind::Unqualified, Some("The partner insists.")).unwrap_err());
    assert_eq!(missing, vec!["CC8.1 is concluded not met".to_owned()]);
    assert!(file.opinion().unwrap().decision.is_none(), "nothing decided by a refusal");
    assert!(file.decide_opinion(OpinionKind::Adverse, None).unwrap_err().to_string().contains("say why it is an adverse opinion"));
    file.decide_opinion(OpinionKind::Qualified, None).unwrap();

    let (pdf, word) = read_back(&file, dir.path(), "qualified");
    let word_text = flat(word["text"].as_str().unwrap());
    for text in [&pdf, &word_text] {
        let paragraph = opinion_paragraph(text, "Qualified opinion");
        assert!(paragraph.contains("except for the matters described in the basis for qualified opinion, which bear on criterion CC8.1"), "{paragraph}");
        assert!(text.contains("Basis for qualified opinion") && text.contains(NOT_MET_REASON), "the basis names why CC8.1 is not met");
        assert!(text.contains("[Management modifies this assertion for the criteria concluded not met: CC8.1.]"));
    }
}

#[test]
fn a_deviation_covered_by_a_compensating_control_that_operated_keeps_the_opinion_unqualified() {
    let dir = tempfile::tempdir().unwrap();
    let path = golden(dir.path());
    let mut file = EngagementFile::open(&path, PASSPHRASE).unwrap();
    file.set_user("DW").unwrap();
    let exception = deviation(&mut file);
    let monitoring = file.control_by_reference("CC7.2-01").unwrap().id;
    let own = file.control_by_reference("CC8.1-01").unwrap().id;
    let err = file.evaluate_exception(exception, &evaluation(CriterionEffect::Compensated, vec![])).unwrap_err();
    assert!(err.to_string().contains("name the compensating controls"), "{err}");
    assert!(file.evaluate_exception(exception, &evaluation(CriterionEffect::Compensated, vec![own])).unwrap_err().to_string().contains("cannot compensate for its own deviation"));
    file.evaluate_exception(exception, &evaluation(CriterionEffect::Compensated, vec![monitoring])).unwrap();
    conclude_as_proposed(&mut file);
    let state = file.opinion().unwrap();
    assert_eq!(state.proposal.kind, Some(OpinionKind::Unqualified), "{:?}", state.proposal);
    let cc81 = state.criteria.iter().find(|c| c.id == "CC8.1").unwrap();
    assert!(cc81.reasons.iter().any(|r| r.contains("compensated by CC7.2-01 (no exceptions noted)")), "{:?}", cc81.reasons);
    decide(&mut file, OpinionKind::Unqualified);

    let (pdf, word) = read_back(&file, dir.path(), "compensated");
    for text in [pdf, flat(word["text"].as_str().unwrap())] {
        assert!(opinion_paragraph(&text, "Opinion").contains("In our opinion, in all material respects"), "still unqualified");
    }
    let workpaper = dir.path().join("CC8.1-01.pdf");
    std::fs::write(&workpaper, file.workpaper_pdf(own).unwrap()).unwrap();
    let out = Command::new("pdftotext").arg("-enc").arg("UTF-8").arg(&workpaper).arg("-").output().unwrap();
    let text = flat(&String::from_utf8_lossy(&out.stdout));
    for printed in [
        "Evaluation of exceptions",
        "Operating deviation",
        "Engineers bypassed the approval step during an outage.",
        "CC7.2-01 (no exceptions noted)",
        "CC8.1: met through compensating controls",
        "Found outside the sample",
    ] {
        assert!(text.contains(printed), "the workpaper prints {printed:?}: {text}");
    }

    // The compensating control turns out not to have operated: CC8.1 is proposed not met, the
    // decision no longer stands, and the report drafts no opinion paragraph.
    file.set_conclusion(monitoring, &ConclusionInput::new(Conclusion::NotEffective, "Unmatched changes were not investigated in March.")).unwrap();
    let state = file.opinion().unwrap();
    let cc81 = state.criteria.iter().find(|c| c.id == "CC8.1").unwrap();
    assert_eq!(cc81.proposal, Some(false), "{:?}", cc81.reasons);
    assert!(cc81.stale && state.decision.as_ref().unwrap().changed_since);
    assert!(state.proposal.missing.iter().any(|m| m.starts_with("CC8.1: concluded met when Tickmark proposed met; it now proposes not met")), "{:?}", state.proposal.missing);
    let (pdf, _) = read_back(&file, dir.path(), "stale");
    assert!(pdf.contains("NO OPINION DRAFTED: THE DECISION NO LONGER STANDS") && !pdf.contains("In our opinion"), "{pdf}");
}

#[test]
fn evidence_the_client_did_not_provide_gives_a_disclaimer() {
    let dir = tempfile::tempdir().unwrap();
    let path = golden(dir.path());
    let mut file = EngagementFile::open(&path, PASSPHRASE).unwrap();
    file.set_user("DW").unwrap();
    let control = file.control_by_reference("CC8.1-01").unwrap().id;
    let err = file.add_scope_limitation("PBC-1", control, "Inspect the change tickets").unwrap_err();
    assert!(err.to_string().contains("close it as not provided"), "{err}");
    let request = file.request_by_number("PBC-1").unwrap().id;
    assert!(file.set_request_status(request, RequestStatus::NotProvided, None).is_err(), "not provided takes what the client said");
    file.set_request_status(request, RequestStatus::NotProvided, Some("The ticketing system's history was purged")).unwrap();
    file.add_scope_limitation("PBC-1", control, "Inspect the change tickets of the period").unwrap();
    let status = file.criteria_status().unwrap().into_iter().find(|c| c.id == "CC8.1").unwrap();
    assert_eq!(status.proposal, None);
    assert!(refusal(file.conclude_criterion("CC8.1", true, None).unwrap_err()).iter().any(|r| r.contains("request PBC-1 was not provided")));
    conclude_as_proposed(&mut file);
    let proposal = file.opinion().unwrap().proposal;
    assert_eq!((proposal.kind, proposal.criteria_limited.clone()), (Some(OpinionKind::Disclaimer), vec!["CC8.1".to_owned()]), "{proposal:?}");
    file.set_user("PR").unwrap();
    assert!(refusal(file.decide_opinion(OpinionKind::Unqualified, Some("x")).unwrap_err())[0].contains("request PBC-1 was not provided"));
    file.decide_opinion(OpinionKind::Disclaimer, None).unwrap();

    let (pdf, word) = read_back(&file, dir.path(), "disclaimer");
    let word_text = flat(word["text"].as_str().unwrap());
    for text in [&pdf, &word_text] {
        let paragraph = opinion_paragraph(text, "Disclaimer of opinion");
        assert!(paragraph.contains("kept us from concluding on criterion CC8.1") && paragraph.contains("we do not express an opinion"), "{paragraph}");
        assert!(text.contains("did not provide the evidence requested in PBC-1, \"Change tickets for the period\" (The ticketing system's history was purged). As a result, we could not inspect the change tickets of the period for control CC8.1-01, which addresses CC8.1."), "{text}");
        assert!(!text.contains("We believe that the evidence we obtained is sufficient"), "a disclaimer does not claim sufficient evidence");
    }
}

#[test]
fn a_criterion_no_control_addresses_is_listed_before_the_opinion_can_be_decided() {
    let dir = tempfile::tempdir().unwrap();
    let path = golden(dir.path());
    let mut file = EngagementFile::open(&path, PASSPHRASE).unwrap();
    file.set_user("DW").unwrap();
    let all = file.control_by_reference("CC-ALL").unwrap();
    let mut input = engagement::control::ControlInput {
        reference: all.reference.clone(),
        description: all.description.clone(),
        criteria: all.criteria.iter().filter(|c| *c != "CC9.2").cloned().collect(),
        frequency: all.frequency,
        nature: all.nature,
        owner: all.owner.clone(),
        attributes: all.attributes.iter().map(|a| engagement::control::AttributeInput { label: a.label.clone(), question: a.question.clone() }).collect(),
    };
    file.update_control(all.id, &input).unwrap();
    let id = walk_through(&mut file, "CC8.1-01");
    file.set_conclusion(id, &ConclusionInput::new(Conclusion::NoExceptions, "Inspected every change of the period.")).unwrap();
    conclude_as_proposed(&mut file);
    let cc92 = file.criteria_status().unwrap().into_iter().find(|c| c.id == "CC9.2").unwrap();
    assert!(cc92.unmapped && cc92.decided.is_none());
    assert!(refusal(file.conclude_criterion("CC9.2", true, None).unwrap_err())[0].contains("no control is mapped to it"), "met is refused without a control");
    file.set_user("PR").unwrap();
    let missing = refusal(file.decide_opinion(OpinionKind::Unqualified, None).unwrap_err());
    assert_eq!(missing, vec!["CC9.2: no control is mapped to it; map a control to it, or conclude it not met".to_owned()]);

    // Mapping a control to it again lets the opinion be decided.
    file.set_user("DW").unwrap();
    input.criteria.push("CC9.2".into());
    file.update_control(all.id, &input).unwrap();
    conclude_as_proposed(&mut file);
    file.set_user("JI").unwrap();
    assert!(file.decide_opinion(OpinionKind::Unqualified, None).unwrap_err().to_string().contains("only the engagement partner decides the opinion"));
    decide(&mut file, OpinionKind::Unqualified);
}

fn tickmark(args: &[&str], user: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tickmark")).args(args).env("TICKMARK_PASSPHRASE", PASSPHRASE).env("TICKMARK_USER", user).output().expect("tickmark runs")
}

#[test]
fn the_cli_evaluates_concludes_and_refuses_an_unqualified_opinion_over_a_criterion_not_met() {
    let dir = tempfile::tempdir().unwrap();
    let path = golden(dir.path());
    let f = path.to_str().unwrap();
    let exception = {
        let mut file = EngagementFile::open(&path, PASSPHRASE).unwrap();
        file.set_user("DW").unwrap();
        let e = deviation(&mut file);
        file.close().unwrap();
        e.to_string()
    };
    let ok = |args: &[&str], user: &str| {
        let out = tickmark(args, user);
        assert!(out.status.success(), "tickmark {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let bad = tickmark(&["evaluate", f, "--exception", &exception, "--kind", "operating", "--cause", "Outage", "--effect", "CC6.1=not-met", "--rationale", "r"], "DW");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("CC8.1-01 does not address CC6.1"), "{}", String::from_utf8_lossy(&bad.stderr));
    ok(&["evaluate", f, "--exception", &exception, "--kind", "operating", "--cause", "Outage", "--effect", "CC8.1=not-met", "--rationale", "Nothing else catches it."], "DW");
    let listed = ok(&["criteria", "list", f], "DW");
    assert!(listed.lines().any(|l| l.starts_with("CC8.1\t") && l.contains("proposed not met")), "{listed}");
    ok(&["criteria", "conclude", f, "CC8.1", "not-met", "--reason", NOT_MET_REASON], "DW");
    let others: Vec<&str> = criteria_in_scope(&[Category::Security]).map(|c| c.id).filter(|id| *id != "CC8.1").collect();
    ok(&["criteria", "conclude", f, &others.join(","), "met"], "DW");
    let shown = ok(&["opinion", "show", f], "PR");
    assert!(shown.starts_with("proposed: qualified"), "{shown}");
    let refused = tickmark(&["opinion", "decide", f, "unqualified", "--reason", "The partner insists."], "PR");
    assert_eq!(refused.status.code(), Some(1), "a refusal exits 1");
    let listed = String::from_utf8_lossy(&refused.stderr);
    assert!(listed.contains("deciding an unqualified opinion is refused") && listed.contains("CC8.1 is concluded not met"), "{listed}");
    ok(&["opinion", "decide", f, "qualified"], "PR");
    assert!(ok(&["opinion", "show", f], "PR").contains("decided: qualified by PR"));
}

#[test]
fn managements_assertion_is_printed_as_written_and_the_description_is_referenced_by_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let path = golden(dir.path());
    let mut file = EngagementFile::open(&path, PASSPHRASE).unwrap();
    file.set_user("DW").unwrap();
    let assertion = dir.path().join("assertion.txt");
    std::fs::write(&assertion, "Management of Northwind Payroll, Inc. asserts what follows.\n\nSigned: Hyun-woo Seo, CTO").unwrap();
    let description = dir.path().join("system description.pdf");
    std::fs::write(&description, [0x25, 0x50, 0x44, 0x46, 0xff, 0xfe, 0x00, 0x81]).unwrap();
    let attach = |file: &mut EngagementFile, source: &Path| file.attach_evidence(source, None, None, date("2026-10-10"), &mut engagement::progress::silent).unwrap();
    let text_id = attach(&mut file, &assertion);
    let binary_id = attach(&mut file, &description);
    use engagement::report_document::ReportDocumentKind::{Assertion, Description};
    let err = file.set_report_document(Assertion, binary_id).unwrap_err();
    assert!(err.to_string().contains("EV-2 (system description.pdf) is not plain text"), "{err}");
    file.set_report_document(Assertion, text_id).unwrap();
    file.set_report_document(Description, binary_id).unwrap();
    let sha = file.evidence().unwrap().into_iter().find(|e| e.id == binary_id).unwrap().sha256;
    let (pdf, word) = read_back(&file, dir.path(), "documents");
    for text in [pdf, flat(word["text"].as_str().unwrap())] {
        assert!(text.contains("Provided by the management of Northwind Payroll, Inc.: EV-1 (assertion.txt)"), "{text}");
        assert!(text.contains("Management of Northwind Payroll, Inc. asserts what follows. Signed: Hyun-woo Seo, CTO"));
        assert!(!text.contains("PLACEHOLDER") && !text.contains("NOT YET ATTACHED"));
        assert!(text.contains(&format!("EV-2 (system description.pdf, 8 bytes, SHA-256 {sha}")), "{text}");
    }
}

/// One control addressing every criterion of Security and Availability (36), concluded
/// operating; `not_met` criteria concluded not met against Tickmark's proposal.
fn broad(dir: &Path, not_met: usize) -> EngagementFile {
    let mut new = common::new_engagement();
    new.categories = vec![Category::Security, Category::Availability];
    new.team.push(engagement::model::TeamMember { name: "Priya Raghunathan".into(), initials: "PR".into(), role: engagement::model::Role::Partner, public_key: None });
    let mut file = EngagementFile::create(&dir.join(format!("broad-{not_met}.tickmark")), PASSPHRASE, &new).unwrap();
    file.set_user("DW").unwrap();
    let mut control = common::change_control();
    control.criteria = criteria_in_scope(&[Category::Security, Category::Availability]).map(|c| c.id.to_owned()).collect();
    file.add_control(&control).unwrap();
    let id = walk_through(&mut file, &control.reference);
    file.set_conclusion(id, &ConclusionInput::new(Conclusion::NoExceptions, "Inspected every occurrence.")).unwrap();
    let ids: Vec<String> = control.criteria.clone();
    let (failed, met): (Vec<&str>, Vec<&str>) = (ids[..not_met].iter().map(String::as_str).collect(), ids[not_met..].iter().map(String::as_str).collect());
    if !failed.is_empty() {
        file.conclude_criteria(&failed, false, Some(NOT_MET_REASON)).unwrap();
    }
    file.conclude_criteria(&met, true, None).unwrap();
    file
}

#[test]
fn the_proposal_turns_adverse_only_when_more_than_half_of_the_criteria_are_not_met() {
    let dir = tempfile::tempdir().unwrap();
    for (not_met, expected) in [(0, OpinionKind::Unqualified), (1, OpinionKind::Qualified), (18, OpinionKind::Qualified), (19, OpinionKind::Adverse)] {
        let file = broad(dir.path(), not_met);
        let proposal = file.opinion().unwrap().proposal;
        assert_eq!(proposal.kind, Some(expected), "{not_met} of 36 not met: {}", proposal.reasoning);
        assert_eq!(proposal.criteria_not_met.len(), not_met);
    }
}

#[test]
fn an_opinion_that_names_nothing_or_claims_a_limitation_never_recorded_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = broad(dir.path(), 0);
    file.set_user("PR").unwrap();
    for kind in [OpinionKind::Qualified, OpinionKind::Adverse] {
        let missing = refusal(file.decide_opinion(kind, Some("The partner's view.")).unwrap_err());
        assert_eq!(missing, ["no criterion is concluded not met: the opinion would name none"], "{kind:?}");
    }
    let missing = refusal(file.decide_opinion(OpinionKind::Disclaimer, Some("The partner's view.")).unwrap_err());
    assert_eq!(missing, ["no scope limitation is recorded: nothing kept the examination from concluding"]);
    assert!(file.opinion().unwrap().decision.is_none());

    // Against the proposal, with the reason: decided, and the reason kept with it.
    let mut file = broad(dir.path(), 1);
    file.set_user("PR").unwrap();
    file.decide_opinion(OpinionKind::Adverse, Some("The failed criterion is the control environment itself.")).unwrap();
    let decision = file.opinion().unwrap().decision.unwrap();
    assert_eq!((decision.kind, decision.proposed), (OpinionKind::Adverse, OpinionKind::Qualified));
    assert_eq!(decision.reason.as_deref(), Some("The failed criterion is the control environment itself."));
    assert!(decision.stands());

    // A criterion concluded again, for another reason, with every criterion still concluded:
    // what the decision rests on changed, so it no longer stands.
    file.set_user("DW").unwrap();
    file.conclude_criterion("A1.3", true, Some("Recovery plans were tested in May as well.")).unwrap();
    let state = file.opinion().unwrap();
    assert!(state.proposal.missing.is_empty(), "nothing is left unconcluded");
    assert!(state.decision.unwrap().changed_since, "the decision's basis changed");
}

#[test]
fn a_control_concluded_not_effective_without_an_exception_proposes_its_criteria_not_met() {
    let dir = tempfile::tempdir().unwrap();
    let path = golden(dir.path());
    let mut file = EngagementFile::open(&path, PASSPHRASE).unwrap();
    file.set_user("DW").unwrap();
    let cc81 = |file: &EngagementFile| file.criteria_status().unwrap().into_iter().find(|c| c.id == "CC8.1").unwrap();
    let missing = file.opinion().unwrap().proposal.missing;
    assert!(missing.iter().any(|m| m == "CC8.1: not concluded (CC8.1-01 is not concluded)"), "a mapped criterion is not called unmapped: {missing:?}");
    let id = walk_through(&mut file, "CC8.1-01");
    file.set_conclusion(id, &ConclusionInput::new(Conclusion::NotEffective, "The approval step is not designed to stop an engineer deploying.")).unwrap();
    let status = cc81(&file);
    assert_eq!(status.proposal, Some(false), "a design failure with no exception written up still fails the criterion");
    assert_eq!(status.reasons, ["CC8.1-01 is not operating effectively"]);
    conclude_as_proposed(&mut file);
    let missing = file.opinion().unwrap().proposal.missing;
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn an_evaluation_states_the_extent_in_the_sample_and_keeps_an_effect_for_every_criterion() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = common::create(dir.path());
    let t = common::workflow::test_a_control(&mut file);
    let mut control = common::change_control();
    control.criteria = vec!["CC8.1".into(), "CC7.1".into()];
    file.update_control(t.control, &control).unwrap();
    let e = file.exception_evaluations().unwrap().remove(0);
    let size = file.sample(t.sample).unwrap().selection.items.len();
    assert!(e.extent.starts_with(&format!("1 of the {size} items sampled is covered by this exception; 1 of {size} deviate in all.")), "{}", e.extent);
    let input = EvaluationInput {
        effects: vec![EffectOn { criterion: "CC8.1".into(), effect: CriterionEffect::NotMet }, EffectOn { criterion: "CC7.1".into(), effect: CriterionEffect::NoEffect }],
        ..evaluation(CriterionEffect::NotMet, vec![])
    };
    file.evaluate_exception(e.exception.id, &input).unwrap();
    let e = file.exception_evaluations().unwrap().remove(0);
    assert_eq!((e.effect_on("CC8.1"), e.effect_on("CC7.1")), (Some(CriterionEffect::NotMet), Some(CriterionEffect::NoEffect)), "both criteria keep their effect");
}
