use std::path::{Path, PathBuf};

use engagement::population::ColumnMapping;
use engagement::sample::{SampleMethod, SampleRequest, SizeRequest};
use engagement::testing::{Outcome, TestResult};
use engagement::EngagementFile;

/// A control tested end to end: population, sample, results with one deviation, exception.
pub struct Tested {
    pub control: i64,
    pub population: i64,
    pub sample: i64,
}

pub fn demo_population() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/populations/change_tickets.csv")
}

pub fn test_a_control(file: &mut EngagementFile) -> Tested {
    let control = file.add_control(&super::change_control()).unwrap();
    let mapping = ColumnMapping { key: "change_id".into(), date: Some("deployed_on".into()), amount: None, stratum: None };
    let population = file.import_population(control, &demo_population(), &mapping, "ServiceNow export by J. Ortiz", &mut |_| true).unwrap();
    let sample = file
        .draw_sample(&SampleRequest {
            control_id: control,
            population_id: population,
            method: SampleMethod::SimpleRandom,
            size: SizeRequest::FrequencyTable,
            seed: None,
            seed_reason: None,
        })
        .unwrap();
    let attributes = file.control(control).unwrap().attributes;
    let n = file.sample(sample).unwrap().selection.items.len() as i64;
    for position in 0..n {
        for a in &attributes {
            let deviation = position == 3 && a.label == "A";
            file.record_result(&TestResult {
                sample_id: sample,
                position,
                attribute_id: a.id,
                outcome: if deviation { Outcome::Deviation } else { Outcome::Pass },
                tickmark: Some(if deviation { "X" } else { "✓" }.into()),
                note: deviation.then(|| "Deployed the day before approval".into()),
                evidence: vec![],
            })
            .unwrap();
        }
    }
    let exception = file.add_exception(control, "For 1 of the changes sampled, deployment preceded approval.", &[3]).unwrap();
    file.respond_to_exception(exception, "The change was an urgent fix; the approval step is now enforced by the pipeline.", "Head of Engineering", super::date("2026-10-20")).unwrap();
    Tested { control, population, sample }
}

/// Concludes the control, has the opinion decided, and signs the control as preparer (the
/// creator) and reviewer (JI), so the engagement can be completed.
#[allow(dead_code)] // not every test binary that includes `common` signs
pub fn conclude_and_sign(file: &mut EngagementFile, control: i64) {
    file.set_conclusion(control, &engagement::conclusion::ConclusionInput::new(engagement::conclusion::Conclusion::ExceptionsNoted, "One deviation.")).unwrap();
    decide_opinion(file);
    file.sign(control, engagement::signoff::SignoffRole::Preparer).unwrap();
    file.set_user("JI").unwrap();
    file.sign(control, engagement::signoff::SignoffRole::Reviewer).unwrap();
}

/// The same on a team whose members all sign with keys: `preparer` (signed in now) concludes
/// and signs, the partner decides, `reviewer` signs. The reviewer stays signed in.
#[allow(dead_code)]
pub fn conclude_and_sign_keyed(file: &mut EngagementFile, control: i64, preparer: &engagement::keys::PersonalKey, reviewer: &engagement::keys::PersonalKey) {
    file.set_conclusion(control, &engagement::conclusion::ConclusionInput::new(engagement::conclusion::Conclusion::ExceptionsNoted, "One deviation.")).unwrap();
    let partner = engagement::keys::PersonalKey::generate("Priya Raghunathan", "PR");
    decide_opinion_as(file, Some(&partner));
    file.sign_in(preparer).unwrap();
    file.sign(control, engagement::signoff::SignoffRole::Preparer).unwrap();
    file.sign_in(reviewer).unwrap();
    file.sign(control, engagement::signoff::SignoffRole::Reviewer).unwrap();
}

/// Has the opinion decided as Tickmark proposes it, as completion requires: every exception not
/// yet evaluated is judged not to affect its criteria, every criterion concluded as proposed
/// (not met where no control addresses it), and partner PR (added to the team if need be)
/// decides. The current user is kept, unless they signed in with a key: the caller signs them
/// in again.
#[allow(dead_code)]
pub fn decide_opinion(file: &mut EngagementFile) {
    decide_opinion_as(file, None);
}

/// The same, the partner PR signing in with `partner` when given (on a shared engagement every
/// change is signed), and added to the team with its public key if need be.
#[allow(dead_code)]
pub fn decide_opinion_as(file: &mut EngagementFile, partner: Option<&engagement::keys::PersonalKey>) {
    use engagement::evaluation::{CriterionEffect, DeviationKind, EffectOn, EvaluationInput};
    use engagement::model::{Role, TeamMember};
    let me = file.user().expect("a user is set").to_owned();
    let restore = !file.signed_in_with_key();
    if !file.info().unwrap().team.iter().any(|m| m.role == Role::Partner) {
        let public_key = partner.map(|k| k.public_key());
        file.add_team_member(&TeamMember { name: "Priya Raghunathan".into(), initials: "PR".into(), role: Role::Partner, public_key }).unwrap();
    }
    for e in file.exception_evaluations().unwrap().into_iter().filter(|e| e.evaluation.is_none()) {
        let effects = e.criteria.iter().map(|c| EffectOn { criterion: c.clone(), effect: CriterionEffect::NoEffect }).collect();
        let input = EvaluationInput { kind: DeviationKind::Operating, cause: "An urgent fix.".into(), compensating: vec![], effects, rationale: "Isolated.".into() };
        file.evaluate_exception(e.exception.id, &input).unwrap();
    }
    for c in file.criteria_status().unwrap() {
        let met = c.proposal.unwrap_or(false);
        file.conclude_criterion(&c.id, met, (!met).then_some("No control addresses it in this engagement.")).unwrap();
    }
    let kind = file.opinion().unwrap().proposal.kind.expect("an opinion is proposed");
    match partner {
        Some(key) => file.sign_in(key).unwrap(),
        None => file.set_user("PR").unwrap(),
    }
    file.decide_opinion(kind, None).unwrap();
    if restore {
        file.set_user(&me).unwrap();
    }
}
