//! Next year's file from this year's: the demo engagement, completed, rolled forward. The new
//! file carries every control, attribute, procedure and request and none of the year's work;
//! walkthroughs and exceptions come across only as notes; both files verify; the new trail's
//! first entry names the old file's head.

mod common;

use std::path::{Path, PathBuf};

use common::date;
use engagement::conclusion::{Conclusion, ConclusionInput};
use engagement::keys::PersonalKey;
use engagement::model::Examination;
use engagement::procedure::{ProcedureInput, ProcedureNature};
use engagement::request::RequestStatus;
use engagement::signoff::SignoffRole;
use engagement::EngagementFile;

const PASSPHRASE: &str = "roll forward passphrase";

fn demo_key(initials: &str) -> PersonalKey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../fixtures/demo/keys/{initials}.tickmark-key"));
    PersonalKey::unlock(&path, &format!("demo key of {initials}")).unwrap()
}

/// The demo engagement, its year's work done as briefly as the rules allow: each control's
/// inspection performed, concluded "did not operate", signed by Dana and reviewed by Joaquín;
/// one exception written up on the first; every criterion concluded; the opinion decided by
/// Priya; every request closed; documentation completed.
fn completed_demo(dir: &Path) -> PathBuf {
    let path = dir.join("northwind-2026.tickmark");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/engagement.json");
    let (pr, ji, dw) = (demo_key("PR"), demo_key("JI"), demo_key("DW"));
    let mut file = EngagementFile::create_from_spec_signed(&path, PASSPHRASE, &spec, Some(&pr)).unwrap();
    file.sign_in(&dw).unwrap();
    let controls = file.controls().unwrap();
    for control in &controls {
        for planned in file.procedures(control.id).unwrap().into_iter().filter(|p| p.performed.is_none()) {
            file.mark_performed(planned.id, date("2026-10-06")).unwrap();
        }
        let id = file.add_procedure(control.id, &ProcedureInput { nature: ProcedureNature::Inspection, text: "Inspected the log of the period for occurrences.".into(), sample_based: false }).unwrap();
        file.mark_performed(id, date("2026-10-06")).unwrap();
    }
    let first = controls[0].id;
    let exception = file.add_exception(first, "The log was not kept for March.", &[]).unwrap();
    file.respond_to_exception(exception, "Logging is now monitored.", "Hyun-woo Seo, CTO", date("2026-10-20")).unwrap();
    let effects = controls[0].criteria.iter().map(|c| engagement::evaluation::EffectOn { criterion: c.clone(), effect: engagement::evaluation::CriterionEffect::NoEffect }).collect();
    file.evaluate_exception(exception, &engagement::evaluation::EvaluationInput { kind: engagement::evaluation::DeviationKind::Operating, cause: "A gap.".into(), compensating: vec![], effects, rationale: "Isolated.".into() }).unwrap();
    for control in &controls {
        file.set_conclusion(control.id, &ConclusionInput::new(Conclusion::DidNotOperate, "No occurrence in the period.")).unwrap_or_else(|e| panic!("{}: {e}", control.reference));
    }
    for c in file.criteria_status().unwrap() {
        let met = c.proposal.unwrap_or(false);
        file.conclude_criterion(&c.id, met, (!met).then_some("No control addresses it.")).unwrap();
    }
    file.sign_in(&pr).unwrap();
    let kind = file.opinion().unwrap().proposal.kind.unwrap();
    file.decide_opinion(kind, None).unwrap();
    for control in &controls {
        file.sign_in(&dw).unwrap();
        file.sign(control.id, SignoffRole::Preparer).unwrap_or_else(|e| panic!("{}: {e}", control.reference));
        file.sign_in(&ji).unwrap();
        file.sign(control.id, SignoffRole::Reviewer).unwrap();
    }
    for r in file.requests().unwrap() {
        file.set_request_status(r.id, RequestStatus::Closed, None).unwrap();
    }
    file.complete(date("2026-11-20")).unwrap();
    file.close().unwrap();
    path
}

#[test]
fn the_completed_demo_rolls_forward_with_its_matrix_and_none_of_its_work() {
    let dir = tempfile::tempdir().unwrap();
    let last_path = completed_demo(dir.path());
    let mut last = EngagementFile::open(&last_path, PASSPHRASE).unwrap();
    let ji = demo_key("JI");
    last.sign_in(&ji).unwrap();
    let next_year = Examination::Type2 { period_start: date("2026-10-01"), period_end: date("2027-09-30") };
    let out = dir.path().join("northwind-2027.tickmark");
    let next = last.roll_forward(&out, "next year's passphrase", next_year.clone(), Some(&ji), false).unwrap();

    let (old_controls, new_controls) = (last.controls().unwrap(), next.controls().unwrap());
    assert_eq!(new_controls.len(), old_controls.len());
    for (old, new) in old_controls.iter().zip(&new_controls) {
        assert_eq!((&old.reference, &old.description, &old.criteria, old.frequency, old.nature, &old.owner), (&new.reference, &new.description, &new.criteria, new.frequency, new.nature, &new.owner));
        let labels = |c: &engagement::control::Control| c.attributes.iter().map(|a| (a.label.clone(), a.question.clone())).collect::<Vec<_>>();
        assert_eq!(labels(old), labels(new), "{}: attributes", old.reference);
        let texts = |f: &EngagementFile, id| f.procedures(id).unwrap().into_iter().map(|p| p.input).collect::<Vec<_>>();
        assert_eq!(texts(&last, old.id), texts(&next, new.id), "{}: procedures", old.reference);
        assert!(next.procedures(new.id).unwrap().iter().all(|p| p.performed.is_none()), "procedures are planned again");
        let wp = next.workpaper(new.id).unwrap();
        assert!(wp.sample.is_none() && wp.populations.is_empty() && wp.results.is_empty() && wp.exceptions.is_empty() && wp.evidence.is_empty());
        assert!(wp.conclusion.is_none() && wp.preparer.is_none() && wp.reviewer.is_none() && wp.review_notes.is_empty() && wp.walkthroughs.is_empty());
        let walked = last.walkthroughs(old.id).unwrap().len();
        let carried = wp.carried.iter().filter(|n| n.kind == engagement::roll_forward::CarriedKind::Walkthrough).count();
        assert_eq!(carried, walked, "{}: each walkthrough as a note to update", old.reference);
    }
    let notes = next.workpaper(new_controls[0].id).unwrap().carried;
    assert!(notes.iter().any(|n| n.text == "Exception last year: The log was not kept for March."), "{notes:?}");
    let (old_requests, new_requests) = (last.requests().unwrap(), next.requests().unwrap());
    assert_eq!(old_requests.len(), new_requests.len());
    for (old, new) in old_requests.iter().zip(&new_requests) {
        assert_eq!((&old.input.number, &old.input.title), (&new.input.number, &new.input.title));
        assert_eq!(new.input.status, RequestStatus::Open);
        assert_eq!(new.input.requested_on, old.input.requested_on + chrono::Duration::days(365), "dates move by the period's shift");
    }
    let (old_info, new_info) = (last.info().unwrap(), next.info().unwrap());
    assert_eq!(new_info.examination, next_year);
    assert_ne!(new_info.id, old_info.id, "a new identity");
    assert_eq!(new_info.team.len(), old_info.team.len());
    assert!(new_info.team.iter().all(|m| old_info.team.iter().any(|o| o.initials == m.initials && o.public_key == m.public_key)), "the team and its keys");
    assert_eq!(next.user_entity_controls().unwrap().len(), last.user_entity_controls().unwrap().len());
    assert_eq!(next.subservices().unwrap().len(), last.subservices().unwrap().len());
    assert!(next.evidence().unwrap().is_empty() && next.populations(None).unwrap().is_empty());

    let old_head = last.verify().unwrap().head;
    let first = &next.trail(None).unwrap()[0];
    assert!(first.after.as_deref().unwrap().contains(&format!("trail head {old_head}")), "the first entry names last year's head: {:?}", first.after);
    assert!(first.after.as_deref().unwrap().contains(&old_info.identity()));
    assert!(last.verify().unwrap().is_intact());
    assert!(next.verify().unwrap().is_intact(), "{:?}", next.verify().unwrap().problems);
    assert!(next.trail(None).unwrap().iter().all(|e| e.signature.is_some()), "written by Joaquín with his key");
}

#[test]
fn an_incomplete_file_rolls_forward_only_when_that_is_meant() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _) = common::create(dir.path());
    file.add_control(&common::change_control()).unwrap();
    let next_year = Examination::Type2 { period_start: date("2026-10-01"), period_end: date("2027-09-30") };
    let out = dir.path().join("next.tickmark");
    let err = file.roll_forward(&out, "next year's passphrase", next_year.clone(), None, false).err().unwrap();
    assert!(err.to_string().contains("documentation is not completed"), "{err}");
    assert!(!out.exists());
    let same = Examination::Type2 { period_start: date("2025-10-01"), period_end: date("2026-09-30") };
    assert!(file.roll_forward(&out, "next year's passphrase", same, None, true).err().unwrap().to_string().contains("must start after"));
    let next = file.roll_forward(&out, "next year's passphrase", next_year, None, true).unwrap();
    assert_eq!(next.controls().unwrap().len(), 1);
}
