//! The sentences of Section IV, composed from what was recorded: the tests performed (inquiry,
//! observation, inspection, re-performance, with the sample described) and the result as found.

use crate::conclusion::Conclusion;
use crate::model::Examination;
use crate::workpaper::Workpaper;

/// 1465 as "1,465".
pub(crate) fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The procedures performed, as the report states them: a sample-based one after "For a sample
/// of n of N items, " (or, for a monetary-unit sample, its hits and items); nothing planned and
/// not performed, and in a Type 1 examination no sampling language.
pub(crate) fn tests_performed(wp: &Workpaper, examination: &Examination) -> String {
    let type1 = matches!(examination, Examination::Type1 { .. });
    let performed: Vec<String> = wp
        .procedures
        .iter()
        .filter(|p| p.performed.is_some())
        .filter_map(|p| match (&wp.sample, p.input.sample_based) {
            (_, false) => Some(p.input.text.trim().to_owned()),
            (Some(s), true) if !type1 => {
                let population = wp.population_of(s);
                let lead = match &s.monetary {
                    Some(m) => format!(
                        "For a monetary-unit sample of {} hits ({} items) from {} {} with a book value of {}",
                        count(m.hits as usize),
                        count(m.items as usize),
                        count(s.population_size as usize),
                        population.noun(),
                        sampling::money(m.book_cents as f64)
                    ),
                    None => format!("For a sample of {} of {} {}", count(s.items.len()), count(s.population_size as usize), population.noun()),
                };
                let extended = if s.extended_by > 0 { format!(" The sample was extended by {} items.", s.extended_by) } else { String::new() };
                Some(format!("{lead}, {}{extended}", p.input.text.trim()))
            }
            _ => None,
        })
        .collect();
    if performed.is_empty() {
        "No tests have been performed yet.".to_owned()
    } else {
        performed.join(" ")
    }
}

/// Testing is complete when a conclusion is recorded, the live sample (if any) holds every
/// result, some procedure was performed and none is left planned.
fn testing_complete(wp: &Workpaper) -> bool {
    wp.conclusion.is_some()
        && wp.sample.as_ref().is_none_or(|s| s.complete())
        && wp.procedures.iter().any(|p| p.performed.is_some())
        && wp.procedures.iter().all(|p| p.performed.is_some())
}

pub(crate) fn result(wp: &Workpaper) -> String {
    let conclusion = wp.conclusion.as_ref().map(|c| c.conclusion);
    if conclusion == Some(Conclusion::DidNotOperate) && testing_complete(wp) {
        return "The control did not operate during the period; therefore, no tests of operating effectiveness were performed.".into();
    }
    let found = outcome(wp, conclusion);
    // A monetary-unit sample's projection stands beside whatever was found, as part of the result.
    match wp.sample.as_ref().and_then(|s| s.monetary.as_ref()).and_then(|m| m.upper_limit_cents.map(|u| (m, u))) {
        Some((m, upper)) => format!(
            "{found}\nProjected misstatement {}; upper misstatement limit {} against a tolerable misstatement of {}.",
            sampling::money(m.projected_cents.unwrap_or_default()),
            sampling::money(upper),
            sampling::money(m.tolerable_cents.unwrap_or_default() as f64)
        ),
        None => found,
    }
}

/// What the testing found: nothing before it is complete; then the exceptions as written up,
/// each once, or "No exceptions noted.", and a control concluded not effective said to be so.
fn outcome(wp: &Workpaper, conclusion: Option<Conclusion>) -> String {
    if !testing_complete(wp) {
        return match &wp.sample {
            Some(s) if !s.complete() => {
                format!("Testing not completed: {} of {} results recorded.", count(s.results_recorded as usize), count(s.results_expected as usize))
            }
            _ => "Testing not completed.".to_owned(),
        };
    }
    let mut lines: Vec<String> = wp.exceptions.iter().map(|e| format!("Exception noted: {}", e.description.trim())).collect();
    match conclusion {
        Some(Conclusion::NotEffective) => lines.push("The control was not operating effectively.".into()),
        Some(Conclusion::NoExceptions) if lines.is_empty() => lines.push("No exceptions noted.".into()),
        _ => {}
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_thousands_separators() {
        assert_eq!(count(7), "7");
        assert_eq!(count(250), "250");
        assert_eq!(count(1465), "1,465");
        assert_eq!(count(1_000_000), "1,000,000");
    }

    #[test]
    fn questions_read_as_clauses_and_keep_acronyms() {
        use crate::procedure::clause;
        assert_eq!(clause("Approved before deployment?"), "approved before deployment");
        assert_eq!(clause("MFA enforced for the account?"), "MFA enforced for the account");
    }

    #[test]
    fn people_are_named_by_their_role() {
        use crate::procedure::role_of;
        assert_eq!(role_of("Zoë Ørsted, Accounts Payable Lead"), "the Accounts Payable Lead");
        assert_eq!(role_of("Hyun-woo Seo (CTO)"), "the CTO");
        assert_eq!(role_of("Head of Engineering"), "Head of Engineering");
    }
}
