//! The sentences of Section IV, composed from what was recorded: the tests performed (inquiry,
//! observation, inspection, re-performance, with the sample described) and the result as found.

use crate::control::Nature;
use crate::population::Population;
use crate::testing::{Conclusion, Outcome};
use crate::walkthrough::WalkthroughKind;

use super::facts::ControlFacts;

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

pub(crate) fn tests_performed(f: &ControlFacts) -> String {
    let c = &f.control;
    let mut tests = vec![format!("Inquired of the {} about how the control operates.", c.owner.trim())];
    for w in &f.walkthroughs {
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
    for s in &f.samples {
        let mut sentence = format!(
            "For a sample of {} of {} {}, inspected each for: {}.",
            count(s.size()),
            count(s.sample.selection.population_size as usize),
            population_noun(&s.population),
            questions.join("; ")
        );
        if s.sample.selection.extended_by > 0 {
            sentence.push_str(&format!(" The sample was extended by {} items.", s.sample.selection.extended_by));
        }
        tests.push(sentence);
    }
    if f.samples.is_empty() && f.walkthroughs.is_empty() {
        tests.push("Inspected documentation of the control's design.".into());
    }
    tests.join(" ")
}

pub(crate) fn result(f: &ControlFacts) -> String {
    let sampled = f.items_sampled();
    if !f.exceptions.is_empty() {
        return f
            .exceptions
            .iter()
            .map(|e| match e.items.len() {
                0 => format!("Exception noted: {}", e.description),
                k => format!("Exception noted ({} of {} sampled): {}", count(k), count(sampled), e.description),
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    let deviating: usize = f.samples.iter().map(|s| s.items_with_deviations()).sum();
    if deviating > 0 {
        return format!("Deviations recorded on {} of {} items sampled; the exception is not yet written up.", count(deviating), count(sampled));
    }
    let note = |prefix: &str, note: &str| if note.is_empty() { prefix.to_owned() } else { format!("{prefix} {note}") };
    match &f.conclusion {
        Some((Conclusion::NoExceptions, _)) => "No exceptions noted.".into(),
        Some((Conclusion::ExceptionsNoted, n)) => note("Exceptions noted.", n),
        Some((Conclusion::NotEffective, n)) => note("The control was not operating effectively.", n),
        None => {
            let attributes = f.control.attributes.len();
            let expected: usize = f.samples.iter().map(|s| s.results_expected(attributes)).sum();
            let recorded: usize = f.samples.iter().map(|s| s.results.iter().filter(|r| r.outcome != Outcome::Deviation).count()).sum();
            if f.samples.is_empty() {
                "Testing not yet concluded.".into()
            } else if recorded < expected {
                format!("Testing in progress: {} of {} results recorded.", count(recorded), count(expected))
            } else {
                "No exceptions noted.".into()
            }
        }
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
