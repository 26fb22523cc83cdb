//! A signature means the work was done: what the preparer's and the reviewer's sign-offs need,
//! what a change after signing does to them, one live sample per control, populations that can
//! be removed or must be explained, conclusions that must agree with the results, and what
//! completion waits for. Each refusal is checked for the list it gives.

mod common;

use common::workflow::{demo_population, test_a_control};

use common::*;
use engagement::conclusion::{Conclusion, ConclusionInput};
use engagement::population::ColumnMapping;
use engagement::procedure::{ProcedureInput, ProcedureNature};
use engagement::progress::silent;
use engagement::request::{RequestInput, RequestStatus};
use engagement::sample::{SampleMethod, SampleRequest, SizeRequest};
use engagement::signoff::SignoffRole;
use engagement::testing::{Outcome, TestResult};
use engagement::{EngagementFile, Error};

fn request(control: i64, population: i64) -> SampleRequest {
    SampleRequest { control_id: control, population_id: population, method: SampleMethod::SimpleRandom, size: SizeRequest::FrequencyTable, seed: None, seed_reason: None }
}

fn mapping() -> ColumnMapping {
    ColumnMapping { key: "change_id".into(), date: Some("deployed_on".into()), amount: None, stratum: None }
}

/// A control with its population imported and its sample drawn, nothing tested yet.
fn drawn(file: &mut EngagementFile) -> (i64, i64, i64) {
    let control = file.add_control(&change_control()).unwrap();
    let population = file.import_population(control, &demo_population(), &mapping(), "ServiceNow export", &mut silent).unwrap();
    let sample = file.draw_sample(&request(control, population)).unwrap();
    (control, population, sample)
}

fn record(file: &mut EngagementFile, sample: i64, position: i64, attribute: i64, outcome: Outcome, note: Option<&str>) {
    file.record_result(&TestResult { sample_id: sample, position, attribute_id: attribute, outcome, tickmark: None, note: note.map(Into::into), evidence: vec![] }).unwrap();
}

fn refusal(err: Error) -> Vec<String> {
    assert!(matches!(err, Error::Refused { .. }), "a refusal with its list, not: {err}");
    err.missing().to_vec()
}

#[test]
fn an_unfinished_workpaper_cannot_be_signed_and_the_refusal_lists_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let (control, _, sample) = drawn(&mut file);
    let missing = refusal(file.sign(control, SignoffRole::Preparer).unwrap_err());
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(missing[0].starts_with(&format!("80 of 80 results of sample {sample} are not recorded (items 1, 2, 3")), "{missing:?}");
    assert_eq!(missing[1], "no conclusion is recorded");
    assert_eq!(file.workpaper(control).unwrap().preparer_missing, missing, "the window shows the same list before anyone signs");
    assert!(file.trail(Some("signoff")).unwrap().is_empty(), "nothing was signed");

    // Half the grid, a "not applicable" without a note refused, a deviation not written up.
    let attributes = file.control(control).unwrap().attributes;
    for position in 0..40 {
        let outcome = if position == 7 { Outcome::Deviation } else { Outcome::Pass };
        record(&mut file, sample, position, attributes[0].id, outcome, (position == 7).then_some("Approved after deployment"));
    }
    let na = TestResult { sample_id: sample, position: 0, attribute_id: attributes[1].id, outcome: Outcome::NotApplicable, tickmark: None, note: None, evidence: vec![] };
    assert!(file.record_result(&na).unwrap_err().to_string().contains("say why the attribute does not apply"));
    let missing = file.workpaper(control).unwrap().preparer_missing;
    assert!(missing[0].starts_with(&format!("40 of 80 results of sample {sample} are not recorded (items 1, 2, 3")), "{missing:?}");
    assert!(missing.contains(&"deviations not written up in an exception (items 8)".to_owned()), "{missing:?}");

    // One cell left: the refusal names its item, and only it.
    for position in 0..39 {
        record(&mut file, sample, position, attributes[1].id, Outcome::Pass, None);
    }
    let missing = file.workpaper(control).unwrap().preparer_missing;
    assert_eq!(missing[0], format!("1 of 80 results of sample {sample} are not recorded (items 40)"));
    // Finished: every cell, the exception, the conclusion: the preparer signs.
    record(&mut file, sample, 39, attributes[1].id, Outcome::Pass, None);
    file.add_exception(control, "For 1 of 40 changes sampled, deployment preceded approval.", &[7]).unwrap();
    file.set_conclusion(control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One deviation, an urgent fix.")).unwrap();
    assert!(file.workpaper(control).unwrap().preparer_missing.is_empty());
    file.sign(control, SignoffRole::Preparer).unwrap();
}

#[test]
fn the_reviewer_is_someone_else_and_signs_only_with_every_note_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let t = test_a_control(&mut file);
    file.set_conclusion(t.control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One deviation.")).unwrap();
    assert_eq!(refusal(file.sign(t.control, SignoffRole::Reviewer).unwrap_err()), ["the preparer has not signed"]);
    file.sign(t.control, SignoffRole::Preparer).unwrap();
    assert_eq!(refusal(file.sign(t.control, SignoffRole::Reviewer).unwrap_err()), ["the reviewer must be someone other than the preparer (DW prepared it)"]);

    file.set_user("JI").unwrap();
    let note = file.raise_review_note(t.control, "Tie the count to the change report.").unwrap();
    assert_eq!(
        refusal(file.sign(t.control, SignoffRole::Reviewer).unwrap_err()),
        [format!("review note {note} raised by JI is open: \"Tie the count to the change report.\"")]
    );
    file.set_user("DW").unwrap();
    file.respond_to_review_note(note, "Tied to the 1,465 tickets of the change report.").unwrap();
    assert!(file.workpaper(t.control).unwrap().preparer.unwrap().changed_since.is_none(), "answering a note does not change the work");
    file.set_user("JI").unwrap();
    assert_eq!(refusal(file.sign(t.control, SignoffRole::Reviewer).unwrap_err()).len(), 1, "a responded note is still open");
    file.clear_review_note(note).unwrap();
    file.sign(t.control, SignoffRole::Reviewer).unwrap();
    assert!(file.workpaper(t.control).unwrap().locked.is_some());
    let err = file.update_control(t.control, &common::change_control()).unwrap_err();
    assert!(err.to_string().starts_with("workpaper CC8.1-01 is locked: signed by reviewer JI on "), "the refusal names the workpaper: {err}");
}

#[test]
fn a_change_after_signing_shows_who_changed_what_until_signed_again() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let t = test_a_control(&mut file);
    file.set_conclusion(t.control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One deviation.")).unwrap();
    file.sign(t.control, SignoffRole::Preparer).unwrap();
    assert!(file.workpaper(t.control).unwrap().preparer.unwrap().changed_since.is_none());

    // Recording the same result again is not a change; a different note is.
    let attribute = file.control(t.control).unwrap().attributes[1].id;
    let same = TestResult { sample_id: t.sample, position: 0, attribute_id: attribute, outcome: Outcome::Pass, tickmark: Some("✓".into()), note: None, evidence: vec![] };
    file.record_result(&same).unwrap();
    assert!(file.workpaper(t.control).unwrap().preparer.unwrap().changed_since.is_none(), "nothing changed");
    file.set_user("JI").unwrap();
    // A review note is not the work, and another control's changes are not this one's.
    let note = file.raise_review_note(t.control, "Which CAB meeting?").unwrap();
    file.clear_review_note(note).unwrap();
    let mut other = common::change_control();
    other.reference = "CC8.1-02".into();
    let other = file.add_control(&other).unwrap();
    let inspection = ProcedureInput { nature: ProcedureNature::Inspection, text: "Inspected the emergency change log.".into(), sample_based: false };
    file.add_procedure(other, &inspection).unwrap();
    record(&mut file, t.sample, 0, attribute, Outcome::Pass, Some("Approver seen in the CAB minutes"));
    let mut edited = common::change_control();
    edited.owner = "Chief Technology Officer".into();
    file.update_control(t.control, &edited).unwrap();

    let wp = file.workpaper(t.control).unwrap();
    let changed = wp.preparer.as_ref().unwrap().changed_since.as_ref().expect("marked changed since signed");
    assert_eq!(changed.changes.len(), 2, "{:?}", changed.changes);
    assert!(changed.changes[0].ends_with("JI: edit the result of item 1, attribute B"), "who and what: {:?}", changed.changes);
    assert!(changed.changes[1].ends_with("JI: edit the control"), "{:?}", changed.changes);
    let progress = &file.overview().unwrap().controls[0];
    assert!(progress.preparer_changed);
    assert!(file.overview().unwrap().open_items[0].text.contains("changed since DW signed as preparer"));
    assert!(file.completion_blockers().unwrap().contains(&"CC8.1-01: the work changed since DW signed as preparer; it must be signed again".to_owned()));
    assert_eq!(refusal(file.sign(t.control, SignoffRole::Reviewer).unwrap_err()), ["the work changed after DW signed as preparer: the preparer signs again first"]);

    // Signing again replaces the old sign-off, and the trail keeps both.
    file.set_user("DW").unwrap();
    file.sign(t.control, SignoffRole::Preparer).unwrap();
    assert!(file.workpaper(t.control).unwrap().preparer.unwrap().changed_since.is_none());
    let actions: Vec<String> = file.trail(Some("signoff")).unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["sign", "withdraw", "sign"]);
    file.set_user("JI").unwrap();
    file.sign(t.control, SignoffRole::Reviewer).unwrap();
    assert!(file.verify().unwrap().is_intact());

    // Each signature names the trail as it stood: the hash of the entry just before its own.
    let trail = file.trail(None).unwrap();
    let (preparer, reviewer) = file.signoffs(t.control).unwrap();
    for signoff in [preparer.unwrap(), reviewer.unwrap()] {
        let signed = trail.iter().position(|e| e.entity == "signoff" && e.entity_id == signoff.id && e.action == "sign").unwrap();
        assert_eq!(signoff.chain_head, trail[signed - 1].hash, "{} signed over the trail's head at the time", signoff.initials);
        assert_eq!(trail[signed].prev_hash, signoff.chain_head);
    }
}

#[test]
fn a_control_has_one_live_sample_and_a_voided_one_counts_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let t = test_a_control(&mut file);
    let first = file.sample(t.sample).unwrap();

    let missing = refusal(file.draw_sample(&request(t.control, t.population)).unwrap_err());
    assert_eq!(missing.len(), 1);
    assert!(missing[0].starts_with(&format!("sample {} (40 items, drawn ", t.sample)) && missing[0].ends_with("is the control's live sample: void it first, with a reason"), "{missing:?}");
    assert!(file.void_sample(t.sample, " ").unwrap_err().to_string().contains("say why"));

    file.void_sample(t.sample, "Drawn from a listing that missed the emergency changes").unwrap();
    let attribute = file.control(t.control).unwrap().attributes[0].id;
    let late = TestResult { sample_id: t.sample, position: 1, attribute_id: attribute, outcome: Outcome::Pass, tickmark: None, note: None, evidence: vec![] };
    assert!(file.record_result(&late).unwrap_err().to_string().contains("voided"), "no results on a voided sample");

    let fixed = SampleRequest { size: SizeRequest::Fixed { n: 25, reason: "Re-drawn at the firm's minimum after voiding".into() }, ..request(t.control, t.population) };
    let second = file.draw_sample(&fixed).unwrap();
    assert_eq!(file.sample(second).unwrap().selection.items[..], first.selection.items[..25], "the same derived seed: the redraw is no new chance");

    let wp = file.workpaper(t.control).unwrap();
    assert_eq!(wp.sample.as_ref().map(|s| s.id), Some(second));
    assert_eq!(wp.voided_samples.len(), 1, "the voided sample stays on record");
    assert_eq!(wp.voided_samples[0].voided.as_ref().unwrap().reason, "Drawn from a listing that missed the emergency changes");
    assert_eq!(wp.voided_samples[0].results_recorded, 80, "with its results");
    assert!(wp.exceptions.is_empty(), "the voided sample's exception counts nowhere");
    assert_eq!(wp.voided_exceptions.len(), 1);

    let progress = &file.overview().unwrap().controls[0];
    assert_eq!((progress.sample_items, progress.results_recorded, progress.results_expected), (25, 0, 50), "the overview counts the live sample only");
    assert_eq!(progress.exceptions, 0);
    let exported = String::from_utf8(file.samples_csv().unwrap().into_iter().find(|(name, _)| name == "CC8.1-01-about.csv").unwrap().1).unwrap();
    assert!(exported.contains(&format!("sample {second}: 25 of 1465 items")) && !exported.contains(&format!("sample {}:", t.sample)), "the export holds only the live sample");
    assert!(file.verify().unwrap().is_intact());
}

#[test]
fn a_population_is_removed_with_a_reason_until_sampled_and_then_only_once_voided() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let (control, population, sample) = drawn(&mut file);
    let missing = refusal(file.remove_population(population, "Wrong report").unwrap_err());
    assert_eq!(missing, [format!("sample {sample} was drawn from it: void the sample first, with a reason")]);
    file.void_sample(sample, "Wrong report sampled").unwrap();
    let waiting = format!("population {population} (\"change_tickets.csv\") is imported but not sampled: draw the sample, or remove the population with a reason");
    let missing = file.workpaper(control).unwrap().preparer_missing;
    assert!(missing.contains(&waiting), "a Type 2 population waits for its sample: {missing:?}");
    file.remove_population(population, "Wrong report: the change log of another system").unwrap();
    assert!(!file.workpaper(control).unwrap().preparer_missing.contains(&waiting));

    let p = file.population(population).unwrap();
    assert_eq!(p.removed.as_ref().unwrap().reason, "Wrong report: the change log of another system");
    assert_eq!(p.row_count, 1465, "its rows stay on record");
    let missing = refusal(file.draw_sample(&request(control, population)).unwrap_err());
    assert!(missing[0].contains("was removed"), "{missing:?}");
    assert_eq!(file.overview().unwrap().controls[0].populations, 0);
    let again = file.import_population(control, &demo_population(), &mapping(), "The right report", &mut silent).unwrap();
    file.draw_sample(&request(control, again)).unwrap();
    assert!(file.verify().unwrap().is_intact());
}

#[test]
fn out_of_period_items_are_explained_before_sampling_and_a_population_with_none_in_the_period_is_never_sampled() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let control = file.add_control(&change_control()).unwrap();
    let listing = |name: &str, rows: &[(&str, &str)]| {
        let path = dir.path().join(name);
        let body: String = rows.iter().map(|(k, d)| format!("{k},{d}\n")).collect();
        std::fs::write(&path, format!("id,date\n{body}")).unwrap();
        path
    };
    let by_date = ColumnMapping { key: "id".into(), date: Some("date".into()), amount: None, stratum: None };

    let all_out = listing("before.csv", &[("A-1", "2025-06-01"), ("A-2", "2025-07-01")]);
    let p = file.import_population(control, &all_out, &by_date, "Run on the wrong dates", &mut silent).unwrap();
    let missing = refusal(file.draw_sample(&request(control, p)).unwrap_err());
    assert_eq!(missing, ["none of the 2 items of \"before.csv\" is dated within the period, so it cannot be sampled; if the control did not operate in the period, conclude so"]);
    file.remove_population(p, "Run on the wrong dates").unwrap();

    let some_out = listing("mixed.csv", &[("B-1", "2026-01-05"), ("B-2", "2025-09-30"), ("B-3", "2026-02-01"), ("B-4", "2026-10-01")]);
    let p = file.import_population(control, &some_out, &by_date, "Report run by J. Ortiz", &mut silent).unwrap();
    let items = file.population_items(p, 0, 10).unwrap();
    assert_eq!(items.iter().map(|i| i.row).collect::<Vec<_>>(), [2, 3, 4, 5], "rows as a spreadsheet shows them");
    assert_eq!(file.population(p).unwrap().findings.outside_period, [3, 5], "the same row numbers in the findings");
    let missing = refusal(file.draw_sample(&request(control, p)).unwrap_err());
    assert_eq!(missing, ["2 item(s) of \"mixed.csv\" are dated outside the period (rows 3, 5): explain them before sampling"]);
    file.explain_out_of_period(p, "Deployments just outside the period, listed by the report's inclusive dates; not tested.").unwrap();
    file.draw_sample(&request(control, p)).unwrap();
}

#[test]
fn a_conclusion_is_never_assumed_and_must_agree_with_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let (control, _, sample) = drawn(&mut file);
    let wp = file.workpaper(control).unwrap();
    assert_eq!(wp.conclusion, None, "no default conclusion");
    assert_eq!(wp.sample.as_ref().unwrap().evaluation, None, "nothing is evaluated before the results exist");

    let early = refusal(file.set_conclusion(control, &ConclusionInput::new(Conclusion::NoExceptions, "")).unwrap_err());
    assert_eq!(early, [format!("0 of 80 results of sample {sample} are recorded: conclude once testing is complete")]);
    let missing = refusal(file.set_conclusion(control, &ConclusionInput::new(Conclusion::DidNotOperate, "No changes")).unwrap_err());
    assert_eq!(missing, [format!("sample {sample} is live: void it with a reason, or conclude on its results")]);
    assert!(refusal(file.set_conclusion(control, &ConclusionInput::new(Conclusion::NotEffective, " ")).unwrap_err())[0].starts_with("give the basis"));
    assert_eq!(file.conclusion(control).unwrap(), None, "refusals record nothing");
}

#[test]
fn concluding_effective_against_a_statistical_evaluation_needs_a_written_override() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let control = file.add_control(&change_control()).unwrap();
    let population = file.import_population(control, &demo_population(), &mapping(), "ServiceNow export", &mut silent).unwrap();
    let plan = sampling::AttributePlan { confidence: 0.95, tolerable_rate: 0.05, expected_rate: 0.0, population: None, model: sampling::Model::Binomial };
    let sample = file.draw_sample(&SampleRequest { size: SizeRequest::Attribute { plan }, ..request(control, population) }).unwrap();
    let attributes = file.control(control).unwrap().attributes;
    let n = file.sample(sample).unwrap().selection.items.len() as i64;
    assert_eq!(n, 59, "95% confidence, 5% tolerable, none expected");
    for position in 0..n {
        for a in &attributes {
            let deviates = position < 3 && a.label == "A";
            record(&mut file, sample, position, a.id, if deviates { Outcome::Deviation } else { Outcome::Pass }, deviates.then_some("Approved after deployment"));
        }
    }
    file.add_exception(control, "For 3 of 59 changes sampled, approval followed deployment.", &[0, 1, 2]).unwrap();
    let wp = file.workpaper(control).unwrap();
    let evaluation = wp.sample.as_ref().unwrap().evaluation.clone().unwrap();
    assert!(evaluation.contains("exceeds the tolerable rate of 5.0%"), "{evaluation}");

    let input = ConclusionInput::new(Conclusion::ExceptionsNoted, "Three deviations, all urgent fixes.");
    let missing = refusal(file.set_conclusion(control, &input).unwrap_err());
    assert_eq!(missing, [format!("{evaluation} Concluding that the control operated effectively needs a written override")]);
    let overridden = ConclusionInput { override_reason: Some("Each was an emergency change later approved by the CAB; see CC8.1-02.".into()), ..input };
    file.set_conclusion(control, &overridden).unwrap();
    assert_eq!(file.workpaper(control).unwrap().conclusion, Some(overridden));
    let pdf = file.workpaper_pdf(control).unwrap();
    assert!(pdf.len() > 1000);
}

#[test]
fn a_type2_control_that_did_not_operate_is_concluded_so_with_its_basis() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let control = file.add_control(&change_control()).unwrap();
    let missing = refusal(file.sign(control, SignoffRole::Preparer).unwrap_err());
    assert_eq!(missing, ["no test procedure is recorded as performed", "no conclusion is recorded"]);
    let missing = refusal(file.set_conclusion(control, &ConclusionInput::new(Conclusion::NoExceptions, "Asked the owner")).unwrap_err());
    assert_eq!(missing, ["no sample, walkthrough or evidence is recorded: inquiry alone does not support a conclusion that the control operated effectively"]);
    file.set_conclusion(control, &ConclusionInput::new(Conclusion::DidNotOperate, "The change report for the period lists no changes to the payroll database.")).unwrap();
    let inspection = ProcedureInput {
        nature: ProcedureNature::Inspection,
        text: "Inspected the change report for the period to determine whether any change to the payroll database was made.".into(),
        sample_based: false,
    };
    let procedure = file.add_procedure(control, &inspection).unwrap();
    let missing = refusal(file.sign(control, SignoffRole::Preparer).unwrap_err());
    assert_eq!(missing.len(), 1);
    assert!(missing[0].starts_with(&format!("procedure {procedure} (\"Inspected the change report")) && missing[0].ends_with("is planned, not performed: record it as performed, or remove it"), "{missing:?}");
    file.mark_performed(procedure, date("2026-10-15")).unwrap();
    file.sign(control, SignoffRole::Preparer).unwrap();
    assert!(file.overview().unwrap().open_items[0].text.contains("awaiting review"), "no population or sample is asked of it");
}

#[test]
fn completion_waits_for_responses_requests_and_sign_offs_and_lists_each() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let control = file.add_control(&change_control()).unwrap();
    let population = file.import_population(control, &demo_population(), &mapping(), "ServiceNow export", &mut silent).unwrap();
    let sample = file.draw_sample(&request(control, population)).unwrap();
    let attributes = file.control(control).unwrap().attributes;
    for position in 0..40 {
        for a in &attributes {
            let deviates = position == 0 && a.label == "B";
            record(&mut file, sample, position, a.id, if deviates { Outcome::Deviation } else { Outcome::Pass }, deviates.then_some("Developer approved own change"));
        }
    }
    let exception = file.add_exception(control, "For 1 of 40 changes, the developer approved the change.", &[0]).unwrap();
    let rep = file
        .add_request(&RequestInput { number: "PBC-1".into(), title: "Management representation letter".into(), control_id: None, requested_on: date("2026-10-01"), due_on: None, status: RequestStatus::Open })
        .unwrap();
    file.set_conclusion(control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One deviation.")).unwrap();
    file.sign(control, SignoffRole::Preparer).unwrap();
    file.set_user("JI").unwrap();
    file.sign(control, SignoffRole::Reviewer).unwrap();

    let missing = refusal(file.complete(date("2026-11-15")).unwrap_err());
    assert_eq!(
        missing,
        [
            format!("CC8.1-01: exception {exception} has no management response (or recorded refusal to respond)"),
            "the opinion is not decided by the engagement partner".to_owned(),
            "request PBC-1 (\"Management representation letter\") is open: close it, or mark it not needed with a reason".to_owned(),
        ]
    );
    assert!(file.set_request_status(rep, RequestStatus::NotNeeded, None).unwrap_err().to_string().contains("say why"));
    file.set_request_status(rep, RequestStatus::Closed, None).unwrap();
    file.withdraw_signoff(control, SignoffRole::Reviewer, "to record management's refusal").unwrap();
    file.record_response_declined(exception, "The Head of Engineering declined to comment when asked on 2026-11-02.", date("2026-11-02")).unwrap();
    common::workflow::decide_opinion(&mut file);
    file.sign(control, SignoffRole::Reviewer).unwrap_err();
    file.set_user("DW").unwrap();
    file.sign(control, SignoffRole::Preparer).unwrap();
    file.set_user("JI").unwrap();
    file.sign(control, SignoffRole::Reviewer).unwrap();
    file.complete(date("2026-11-15")).unwrap();
    assert!(file.verify().unwrap().is_intact());
}

#[test]
fn evidence_is_numbered_and_grid_cells_cite_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let (control, _, sample) = drawn(&mut file);
    let mut ids = Vec::new();
    for name in ["cab-minutes.pdf", "deploy-log.txt"] {
        let path = dir.path().join(name);
        std::fs::write(&path, name).unwrap();
        ids.push(file.attach_evidence(&path, None, Some(control), date("2026-10-02"), &mut silent).unwrap());
    }
    let numbers: Vec<String> = file.evidence().unwrap().iter().map(|e| e.reference()).collect();
    assert_eq!(numbers, ["EV-1", "EV-2"]);
    let attribute = file.control(control).unwrap().attributes[0].id;
    let cited = TestResult { sample_id: sample, position: 0, attribute_id: attribute, outcome: Outcome::Pass, tickmark: None, note: None, evidence: vec![ids[1]] };
    file.record_result(&cited).unwrap();
    let wp = file.workpaper(control).unwrap();
    assert_eq!(wp.results[0].evidence, [ids[1]]);
    assert_eq!(wp.evidence.len(), 2, "the workpaper lists the evidence behind the control");
    let unknown = TestResult { evidence: vec![999], ..cited };
    assert!(file.record_result(&unknown).unwrap_err().to_string().contains("evidence 999 is not in this engagement"));
}

/// A sign-off recorded before sign-offs hashed the work is judged by the trail alone: it stands
/// until an entry after it changes the work.
#[test]
fn a_sign_off_without_a_content_hash_is_judged_by_the_trail() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, path) = create(dir.path());
    let t = test_a_control(&mut file);
    file.set_conclusion(t.control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One deviation.")).unwrap();
    file.sign(t.control, SignoffRole::Preparer).unwrap();
    file.close().unwrap();
    common::forgery::raw(&path).execute("UPDATE signoff SET content_hash = NULL", []).unwrap();
    let mut file = EngagementFile::open(&path, PASSPHRASE).unwrap();
    file.set_user("DW").unwrap();
    assert!(file.workpaper(t.control).unwrap().preparer.unwrap().changed_since.is_none(), "nothing changed after it");
    let attribute = file.control(t.control).unwrap().attributes[1].id;
    record(&mut file, t.sample, 0, attribute, Outcome::Pass, Some("Seen in the CAB minutes"));
    let changed = file.workpaper(t.control).unwrap().preparer.unwrap().changed_since.expect("changed after signing");
    assert_eq!(changed.changes.len(), 1, "{:?}", changed.changes);
}

/// Without a sample: a Type 2 conclusion of effectiveness rests on a walkthrough or on evidence
/// (either will do) and a basis; a Type 1 conclusion on a walkthrough and a basis, and nothing
/// is asked of it about operating effectiveness or populations.
#[test]
fn a_control_without_a_sample_is_concluded_on_a_walkthrough_or_evidence_with_a_basis() {
    use engagement::walkthrough::WalkthroughInput;
    let walkthrough = |control| WalkthroughInput {
        control_id: control,
        kind: engagement::walkthrough::WalkthroughKind::Walkthrough,
        held_on: date("2026-06-30"),
        attendees: vec!["Head of Engineering".into()],
        narrative: "Followed one change from request to deployment.".into(),
        evidence: vec![],
    };
    let effective = |basis: &str| ConclusionInput::new(Conclusion::NoExceptions, basis);
    let dir = tempfile::tempdir().unwrap();

    let (mut file, _) = create(dir.path());
    let walked = file.add_control(&change_control()).unwrap();
    file.add_walkthrough(&walkthrough(walked)).unwrap();
    file.set_conclusion(walked, &effective("The walkthrough and the change report show it operating.")).unwrap();
    // A sample-based procedure is performed by a live sample's results, and there is none.
    let sampled = ProcedureInput { nature: ProcedureNature::Inspection, text: "Inspected a sample of changes for approval.".into(), sample_based: true };
    file.add_procedure(walked, &sampled).unwrap();
    let missing = file.workpaper(walked).unwrap().preparer_missing;
    assert!(missing.contains(&"no test procedure is recorded as performed".to_owned()), "{missing:?}");
    let mut other = change_control();
    other.reference = "CC8.1-02".into();
    let inspected = file.add_control(&other).unwrap();
    let note = dir.path().join("cab-minutes.txt");
    std::fs::write(&note, "CAB minutes for the period").unwrap();
    file.attach_evidence(&note, None, Some(inspected), date("2026-10-01"), &mut silent).unwrap();
    file.set_conclusion(inspected, &effective("The CAB minutes for the period show every change approved.")).unwrap();

    let mut new = new_engagement();
    new.examination = engagement::model::Examination::Type1 { as_of: date("2026-06-30") };
    let mut file = EngagementFile::create(&dir.path().join("type1.tickmark"), PASSPHRASE, &new).unwrap();
    file.set_user("DW").unwrap();
    let control = file.add_control(&change_control()).unwrap();
    let missing = refusal(file.set_conclusion(control, &effective("")).unwrap_err());
    assert_eq!(
        missing,
        [
            "no walkthrough or interview is recorded: a Type 1 conclusion rests on one",
            "give the basis: how the walkthrough showed the control designed and implemented as of the date",
        ]
    );
    file.import_population(control, &demo_population(), &mapping(), "ServiceNow export", &mut silent).unwrap();
    file.add_walkthrough(&walkthrough(control)).unwrap();
    // "Exceptions noted" without a basis is asked for it once, in its own words.
    let missing = refusal(file.set_conclusion(control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "")).unwrap_err());
    assert_eq!(missing.iter().filter(|m| m.starts_with("give the basis")).count(), 1, "{missing:?}");
    file.set_conclusion(control, &effective("The walkthrough showed approval before deployment.")).unwrap();
    let missing = file.workpaper(control).unwrap().preparer_missing;
    assert!(missing.iter().all(|m| !m.contains("is imported but not sampled")), "a Type 1 control is not sampled: {missing:?}");
}

/// With three attributes, an item missing only the third is still named as not recorded.
#[test]
fn an_item_missing_any_one_attribute_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let mut input = change_control();
    input.attributes.push(engagement::control::AttributeInput { label: "C".into(), question: "Deployed by the change tool?".into() });
    let control = file.add_control(&input).unwrap();
    let population = file.import_population(control, &demo_population(), &mapping(), "ServiceNow export", &mut silent).unwrap();
    let sample = file.draw_sample(&request(control, population)).unwrap();
    let attributes = file.control(control).unwrap().attributes;
    let items = file.workpaper(control).unwrap().sample.unwrap().items.len() as i64;
    for position in 0..items {
        for attribute in &attributes[..2] {
            record(&mut file, sample, position, attribute.id, Outcome::Pass, None);
        }
        if position > 0 {
            record(&mut file, sample, position, attributes[2].id, Outcome::Pass, None);
        }
    }
    let missing = file.workpaper(control).unwrap().preparer_missing;
    assert_eq!(missing[0], format!("1 of {} results of sample {sample} are not recorded (items 1)", items * 3));
}
