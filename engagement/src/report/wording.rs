//! The sentences of Section IV, composed from what was recorded: the tests performed (inquiry,
//! observation, inspection, re-performance, with the sample described) and the result as found.

use crate::control::Nature;
use crate::population::Population;
use crate::conclusion::Conclusion;
use crate::walkthrough::WalkthroughKind;
use crate::workpaper::Workpaper;

/// What the items of a population are called: its listing's file name, spaced out
/// ("change_tickets.csv" reads "change tickets").
pub(crate) fn population_noun(population: &Population) -> String {
    let stem = population.source_name.rsplit_once('.').map_or(population.source_name.as_str(), |(stem, _)| stem);
    let noun = stem.replace(['_', '-'], " ").trim().to_owned();
    if noun.is_empty() { "items".to_owned() } else { noun }
}

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

/// "Approved before deployment?" as the clause "approved before deployment".
fn clause(question: &str) -> String {
    let text = question.trim().trim_end_matches(['?', '.']).trim();
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first.to_lowercase().chain(text.chars().skip(1)).collect(),
        _ => text.to_owned(),
    }
}

pub(crate) fn tests_performed(wp: &Workpaper) -> String {
    let c = &wp.control;
    let mut tests = vec![format!("Inquired of the {} about how the control operates.", c.owner.trim())];
    for w in &wp.walkthroughs {
        let who = w.input.attendees.join(", ");
        tests.push(match w.input.kind {
            WalkthroughKind::Walkthrough => format!("Observed a walkthrough of one instance of the control with {who} on {}.", w.input.held_on),
            WalkthroughKind::Interview => format!("Inquired of {who} on {}.", w.input.held_on),
        });
    }
    match c.nature {
        Nature::Automated => tests.push("Inspected the configuration of the automated control and re-performed it for one instance.".into()),
        Nature::ItDependentManual => tests.push("Inspected the system report the control relies on and re-performed its parameters for completeness and accuracy.".into()),
        Nature::Manual => {}
    }
    let questions: Vec<String> = c.attributes.iter().map(|a| format!("({}) {}", a.label, clause(&a.question))).collect();
    if let Some(s) = &wp.sample {
        let mut sentence = match &s.monetary {
            Some(m) => format!(
                "For a monetary-unit sample of {} hits ({} items) from {} {} with a book value of {}, inspected each for: {}.",
                count(m.hits as usize),
                count(m.items as usize),
                count(s.population_size as usize),
                population_noun(wp.population_of(s)),
                sampling::money(m.book_cents as f64),
                questions.join("; ")
            ),
            None => format!(
                "For a sample of {} of {} {}, inspected each for: {}.",
                count(s.items.len()),
                count(s.population_size as usize),
                population_noun(wp.population_of(s)),
                questions.join("; ")
            ),
        };
        if s.extended_by > 0 {
            sentence.push_str(&format!(" The sample was extended by {} items.", s.extended_by));
        }
        tests.push(sentence);
    }
    if wp.sample.is_none() && wp.walkthroughs.is_empty() {
        tests.push("Inspected documentation of the control's design.".into());
    }
    tests.join(" ")
}

pub(crate) fn result(wp: &Workpaper) -> String {
    let conclusion = wp.conclusion.as_ref().map(|c| c.conclusion);
    if conclusion == Some(Conclusion::DidNotOperate) {
        return "The control did not operate during the period; therefore, no tests of operating effectiveness were performed.".into();
    }
    let sampled = wp.sample.as_ref().map_or(0, |s| s.items.len());
    let complete = wp.sample.as_ref().is_none_or(|s| s.complete());
    let testing = match &wp.sample {
        Some(s) if !s.complete() => format!("Testing not completed: {} of {} results recorded.", count(s.results_recorded as usize), count(s.results_expected as usize)),
        _ => "Testing not completed.".to_owned(),
    };
    let found = outcome(wp, conclusion, sampled, complete, testing);
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

/// What the testing found: the exceptions as written up, or the outcome the conclusion states.
fn outcome(wp: &Workpaper, conclusion: Option<Conclusion>, sampled: usize, complete: bool, testing: String) -> String {
    if !wp.exceptions.is_empty() {
        return wp
            .exceptions
            .iter()
            .map(|e| match e.items.len() {
                0 => format!("Exception noted: {}", e.description),
                k => format!("Exception noted ({} of {} sampled): {}", count(k), count(sampled), e.description),
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    let deviating = wp.sample.as_ref().map_or(0, |s| s.deviations as usize);
    if deviating > 0 {
        return format!("Deviations recorded on {} of {} items sampled; the exception is not yet written up.", count(deviating), count(sampled));
    }
    match conclusion {
        Some(Conclusion::NoExceptions) if complete => "No exceptions noted.".into(),
        Some(Conclusion::NotEffective) => "The control was not operating effectively.".into(),
        _ => testing,
    }
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
        assert_eq!(clause("Approved before deployment?"), "approved before deployment");
        assert_eq!(clause("MFA enforced for the account?"), "MFA enforced for the account");
    }
}
