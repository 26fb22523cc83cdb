//! What a signature means, written as rules: what a conclusion must agree with, what the
//! preparer's and the reviewer's sign-offs require, one list each of what is still missing.
//! The window shows these lists before anyone tries to sign, and `sign`, `set_conclusion` and
//! the command line refuse with the same lists.
//!
//! A conclusion agrees with the work when:
//! - "no exceptions noted": every cell of the live sample is recorded, no item deviates and no
//!   exception is recorded;
//! - "exceptions noted" (the control operated as tested despite them): every cell recorded,
//!   at least one exception, and a basis;
//! - either of those two, for a statistically planned sample whose upper deviation limit
//!   exceeds the tolerable rate: also a written override;
//! - "not effective": a basis;
//! - "did not operate" (Type 2 only): no live sample, and a basis saying how the absence of
//!   occurrences in the period was established.
//!
//! Controls tested without a sample follow their own rule. In a Type 1 examination the
//! controls are tested for design and implementation: a walkthrough (or interview) and a
//! conclusion with its basis, whatever the conclusion. In a Type 2 examination, a control
//! without a live sample is concluded "did not operate", "not effective", or effective on a
//! basis that rests on more than inquiry: at least one walkthrough or observation, or evidence
//! attached to the control; and no population may wait unsampled.
//!
//! The preparer signs once the conclusion agrees with the work and the work is whole: at least
//! one test procedure is performed and none is left planned (a sample-based one is performed by
//! the live sample's results), every item of the live sample has an outcome for every attribute
//! (and for a monetary-unit sample an audited amount), a "not applicable" has its note,
//! every deviating item is written up in an exception, the sampled population lies in the
//! period or its out-of-period items are explained, and no older sample is left stranded.
//! The reviewer signs once the preparer has, over the work as it stands (no change since), the
//! reviewer is someone else, and no review note on the workpaper is open.

use crate::conclusion::{Conclusion, ConclusionInput};
use crate::model::Examination;
use crate::population::row_list;
use crate::testing::Outcome;
use crate::workpaper::{SampleView, Workpaper};

/// Items as the auditor numbers them (1-based), listed compactly.
fn items(positions: &[i64]) -> String {
    let rows: Vec<u64> = positions.iter().map(|p| (p + 1) as u64).collect();
    row_list(&rows)
}

/// Why `proposed` does not agree with what `wp` holds; empty when it does.
pub(crate) fn conclusion_problems(wp: &Workpaper, examination: &Examination, proposed: &ConclusionInput) -> Vec<String> {
    let mut problems = Vec::new();
    let basis = proposed.basis.trim();
    let type1 = matches!(examination, Examination::Type1 { .. });
    match proposed.conclusion {
        Conclusion::DidNotOperate => {
            if type1 {
                problems.push("a Type 1 examination concludes on design as of a date; \"did not operate\" applies to a period".to_owned());
            }
            if let Some(s) = &wp.sample {
                problems.push(format!("sample {} is live: void it with a reason, or conclude on its results", s.number));
            }
            if basis.is_empty() {
                problems.push("say how you established that the control did not operate in the period (the listing for the period, the inquiry, the inspection)".to_owned());
            }
        }
        Conclusion::NotEffective => {
            if basis.is_empty() {
                problems.push("give the basis: the deviations or the failure of design that make the control not effective".to_owned());
            }
        }
        Conclusion::NoExceptions | Conclusion::ExceptionsNoted => {
            match &wp.sample {
                Some(s) => {
                    if s.results_recorded < s.results_expected {
                        problems.push(format!(
                            "{} of {} results of sample {} are recorded: conclude once testing is complete",
                            s.results_recorded, s.results_expected, s.number
                        ));
                    }
                    if let Some(m) = s.monetary.as_ref().filter(|m| !m.complete()) {
                        problems.push(format!(
                            "{} of {} audited amounts of sample {} are recorded: conclude once testing is complete",
                            m.audited.len(),
                            m.amounts_expected(),
                            s.number
                        ));
                    }
                    if s.supports_reliance == Some(false) && proposed.override_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                        problems.push(format!(
                            "{} Concluding that the control operated effectively needs a written override",
                            s.evaluation.as_deref().unwrap_or("the sample does not support the planned reliance.")
                        ));
                    }
                }
                None if !type1 => {
                    if wp.walkthroughs.is_empty() && wp.evidence.is_empty() {
                        problems.push(
                            "no sample, walkthrough or evidence is recorded: inquiry alone does not support a conclusion that the control operated effectively".to_owned(),
                        );
                    }
                    if basis.is_empty() {
                        problems.push("without a sample, give the basis: how operating effectiveness was tested".to_owned());
                    }
                }
                None => {}
            }
            if type1 {
                if wp.walkthroughs.is_empty() {
                    problems.push("no walkthrough or interview is recorded: a Type 1 conclusion rests on one".to_owned());
                }
                // "Exceptions noted" asks for its basis below, in its own words.
                if basis.is_empty() && proposed.conclusion == Conclusion::NoExceptions {
                    problems.push("give the basis: how the walkthrough showed the control designed and implemented as of the date".to_owned());
                }
            }
            if proposed.conclusion == Conclusion::NoExceptions {
                if let Some(s) = wp.sample.as_ref().filter(|s| s.deviations > 0) {
                    problems.push(format!("{} item(s) of sample {} deviate: the conclusion cannot be \"no exceptions noted\"", s.deviations, s.number));
                }
                if !wp.exceptions.is_empty() {
                    problems.push(format!("{} exception(s) are recorded: the conclusion cannot be \"no exceptions noted\"", wp.exceptions.len()));
                }
            } else {
                if wp.exceptions.is_empty() {
                    problems.push("no exception is recorded: write the deviations up first, or conclude \"no exceptions noted\"".to_owned());
                }
                if basis.is_empty() {
                    problems.push("give the basis: why the control still operated effectively despite the exceptions".to_owned());
                }
            }
        }
    }
    problems
}

/// What the live sample's grid still lacks: cells not recorded, "not applicable" without its
/// note, deviations not written up.
fn grid_missing(wp: &Workpaper, s: &SampleView) -> Vec<String> {
    let mut missing = Vec::new();
    let results: Vec<_> = wp.results_of(s).collect();
    if s.results_recorded < s.results_expected {
        let untested: Vec<i64> = s
            .items
            .iter()
            .map(|i| i.position)
            .filter(|p| wp.control.attributes.iter().any(|a| !results.iter().any(|r| r.position == *p && r.attribute_id == a.id)))
            .collect();
        missing.push(format!(
            "{} of {} results of sample {} are not recorded (items {})",
            s.results_expected - s.results_recorded,
            s.results_expected,
            s.number,
            items(&untested)
        ));
    }
    let unexplained: Vec<i64> =
        results.iter().filter(|r| r.outcome == Outcome::NotApplicable && r.note.as_deref().is_none_or(|n| n.trim().is_empty())).map(|r| r.position).collect();
    if !unexplained.is_empty() {
        missing.push(format!("\"not applicable\" needs a note saying why (items {})", items(&unexplained)));
    }
    let covered: std::collections::BTreeSet<i64> = wp.exceptions.iter().flat_map(|e| e.items.iter().copied()).collect();
    let mut uncovered: Vec<i64> =
        results.iter().filter(|r| r.outcome == Outcome::Deviation && !covered.contains(&r.position)).map(|r| r.position).collect();
    uncovered.dedup();
    if !uncovered.is_empty() {
        missing.push(format!("deviations not written up in an exception (items {})", items(&uncovered)));
    }
    if let Some(m) = s.monetary.as_ref().filter(|m| !m.complete()) {
        let audited: std::collections::BTreeSet<i64> = m.audited.iter().map(|a| a.position).collect();
        let unaudited: Vec<i64> = s.items.iter().map(|i| i.position).filter(|p| !audited.contains(p)).collect();
        missing.push(format!("{} item(s) of sample {} have no audited amount (items {})", unaudited.len(), s.number, items(&unaudited)));
    }
    let population = wp.population_of(s);
    if !population.findings.outside_period.is_empty() && population.out_of_period_note.is_none() {
        missing.push(format!(
            "{} item(s) of the sampled population are dated outside the period (rows {}) and not explained",
            population.findings.outside_period.len(),
            row_list(&population.findings.outside_period)
        ));
    }
    missing
}

/// What the preparer's sign-off still needs; empty when the workpaper can be signed.
pub(crate) fn preparer_missing(wp: &Workpaper, examination: &Examination) -> Vec<String> {
    let mut missing = Vec::new();
    for s in &wp.stranded_samples {
        missing.push(format!("sample {} was left behind by a later draw: void it, with a reason", s.number));
    }
    match &wp.sample {
        Some(s) => missing.extend(grid_missing(wp, s)),
        None if matches!(examination, Examination::Type2 { .. }) => {
            let concluded_without_sample = wp.conclusion.as_ref().is_some_and(|c| matches!(c.conclusion, Conclusion::DidNotOperate | Conclusion::NotEffective));
            for p in wp.current_populations() {
                if !concluded_without_sample {
                    missing.push(format!("population {} (\"{}\") is imported but not sampled: draw the sample, or remove the population with a reason", crate::model::number::label("population", p.id), p.source_name));
                }
            }
        }
        None => {}
    }
    for p in wp.procedures.iter().filter(|p| p.performed.is_none() && !p.input.sample_based) {
        missing.push(format!("procedure {} (\"{}\") is planned, not performed: record it as performed, or remove it", crate::model::number::label("procedure", p.id), shorten(&p.input.text)));
    }
    let sample_based_live = wp.sample.is_some() && wp.procedures.iter().any(|p| p.input.sample_based);
    if wp.procedures.iter().all(|p| p.input.sample_based) && !sample_based_live {
        missing.push("no test procedure is recorded as performed".to_owned());
    }
    match &wp.conclusion {
        None => missing.push("no conclusion is recorded".to_owned()),
        Some(c) => missing.extend(conclusion_problems(wp, examination, c).into_iter().map(|p| format!("the conclusion: {p}"))),
    }
    // Merging team members' copies kept an outcome aside: nobody has chosen which stands.
    missing.extend(wp.sync_conflicts.iter().cloned());
    missing
}

/// What the reviewer's sign-off still needs, for `user` signing now.
pub(crate) fn reviewer_missing(wp: &Workpaper, user: &str) -> Vec<String> {
    let mut missing = Vec::new();
    match &wp.preparer {
        None => missing.push("the preparer has not signed".to_owned()),
        Some(p) if p.changed_since.is_some() => missing.push(format!("the work changed after {} signed as preparer: the preparer signs again first", p.initials)),
        Some(p) if p.initials == user => missing.push(format!("the reviewer must be someone other than the preparer ({} prepared it)", p.initials)),
        Some(_) => {}
    }
    missing.extend(wp.preparer_missing.iter().cloned());
    for note in wp.review_notes.iter().filter(|n| n.cleared_at.is_none()) {
        missing.push(format!("review note {} raised by {} is open: \"{}\"", note.number, note.raised_by, note.text));
    }
    missing
}

/// The first words of a procedure, for a line that names it.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}
