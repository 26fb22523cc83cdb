//! The fieldwork of one control through the engagement API, and what the trail makes of it.

mod common;

use common::workflow::test_a_control;
use common::*;
use engagement::signoff::SignoffRole;
use engagement::conclusion::{Conclusion, ConclusionInput};
use engagement::testing::{Outcome, TestResult};
use engagement::Error;

#[test]
fn a_tested_and_signed_control_is_locked_until_the_signoff_is_withdrawn() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let t = test_a_control(&mut file);
    file.set_conclusion(t.control, &ConclusionInput::new(Conclusion::ExceptionsNoted, "One deviation; compensating review found no unauthorised change.")).unwrap();

    file.sign(t.control, SignoffRole::Preparer).unwrap();
    let err = file.sign(t.control, SignoffRole::Reviewer).unwrap_err();
    assert!(err.to_string().contains("someone other than the preparer"), "{err}");
    file.set_user("JI").unwrap();
    file.sign(t.control, SignoffRole::Reviewer).unwrap();

    let attribute = file.control(t.control).unwrap().attributes[0].id;
    let change = TestResult { sample_id: t.sample, position: 0, attribute_id: attribute, outcome: Outcome::NotApplicable, tickmark: None, note: Some("Change was cancelled before deployment".into()), evidence: vec![] };
    let err = file.record_result(&change).unwrap_err();
    assert!(matches!(err, Error::Locked { .. }), "{err}");
    assert!(err.to_string().contains("JI"), "the reason names the reviewer: {err}");

    file.withdraw_signoff(t.control, SignoffRole::Reviewer, "Reopened to correct item 1").unwrap();
    file.record_result(&change).unwrap();
    let actions: Vec<String> = file.trail(Some("signoff")).unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["sign", "sign", "withdraw"], "the trail keeps the sign-offs and the withdrawal");
    assert!(file.verify().unwrap().is_intact());
}

#[test]
fn a_conclusion_of_no_exceptions_is_refused_when_deviations_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let t = test_a_control(&mut file);
    let err = file.set_conclusion(t.control, &ConclusionInput::new(Conclusion::NoExceptions, "")).unwrap_err();
    assert!(err.missing().iter().any(|m| m.contains("1 item(s) of sample") && m.contains("deviate")), "{err}");
    assert!(err.missing().iter().any(|m| m.contains("1 exception(s) are recorded")), "{err}");
    assert_eq!(file.conclusion(t.control).unwrap(), None, "nothing was recorded");
}

#[test]
fn samples_re_perform_and_extensions_keep_every_item_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let t = test_a_control(&mut file);
    let before = file.sample(t.sample).unwrap().selection;
    assert_eq!(before.items.len(), 40, "a many-times-a-day control gets the firm table's 40");
    assert!(file.reperform_sample(t.sample).unwrap());
    file.extend_sample(t.sample, 5, "deviation found; extend per firm policy").unwrap();
    let after = file.sample(t.sample).unwrap().selection;
    assert_eq!(&after.items[..40], &before.items[..]);
    assert_eq!(after.items.len(), 45);
    assert!(file.reperform_sample(t.sample).unwrap());
    assert!(file.verify().unwrap().is_intact());
}

#[test]
fn the_same_engagement_control_and_population_derive_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let t = test_a_control(&mut file);
    let first = file.sample(t.sample).unwrap().selection;
    // Voided and drawn again on the same population, the sample cannot come out different.
    file.void_sample(t.sample, "drawn before the listing was tied to the system count").unwrap();
    let again = file
        .draw_sample(&engagement::sample::SampleRequest {
            control_id: t.control,
            population_id: t.population,
            method: engagement::sample::SampleMethod::SimpleRandom,
            size: engagement::sample::SizeRequest::FrequencyTable,
            seed: None,
            seed_reason: None,
        })
        .unwrap();
    assert_eq!(file.sample(again).unwrap().selection.items, first.items);
    assert_eq!(first.seed_origin, sampling::SeedOrigin::Derived);
}

#[test]
fn review_notes_are_raised_answered_and_cleared_by_their_reviewer() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = create(dir.path());
    let control = file.add_control(&change_control()).unwrap();
    file.set_user("JI").unwrap();
    let note = file.raise_review_note(control, "Tie the population count to the system report.").unwrap();
    file.set_user("DW").unwrap();
    file.respond_to_review_note(note, "Tied: 1,465 tickets per the ServiceNow count report.").unwrap();
    let err = file.clear_review_note(note).unwrap_err();
    assert!(err.to_string().contains("JI"), "{err}");
    file.set_user("JI").unwrap();
    file.clear_review_note(note).unwrap();
    let notes = file.review_notes(Some(control)).unwrap();
    assert_eq!(notes[0].cleared_by.as_deref(), Some("JI"));
    assert_eq!(file.overview().unwrap().controls[0].open_review_notes, 0);
}

#[test]
fn changes_need_a_known_user() {
    let dir = tempfile::tempdir().unwrap();
    let (file, path) = create(dir.path());
    file.close().unwrap();
    let mut file = engagement::EngagementFile::open(&path, PASSPHRASE).unwrap();
    let err = file.add_control(&change_control()).unwrap_err();
    assert!(err.to_string().contains("choose who you are"), "{err}");
    assert!(file.set_user("ZZ").unwrap_err().to_string().contains("not on this engagement's team"));
}
