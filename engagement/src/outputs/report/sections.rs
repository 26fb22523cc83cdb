//! Sections I to III of the report. Section I, the service auditor's report, follows the
//! structure of the AICPA's illustrative SOC 2 reports in the project's own words: scope (with
//! the carve-outs and complementary user entity controls on record), responsibilities, inherent
//! limitations, and the opinion paragraph of the opinion the partner decided, with its basis
//! for a modified one. No opinion paragraph is written before a decision stands. Sections II
//! and III are the client's: management's assertion as attached (or a placeholder drafted from
//! the engagement's facts, marked as such), and the system description, referenced.

use crate::complementary::{Subservice, SubserviceMethod, UserEntityControl};
use crate::error::Result;
use crate::evidence::Evidence;
use crate::model::{long_date, EngagementInfo, Examination, Role};
use crate::opinion::{OpinionKind, OpinionState};
use crate::store::EngagementFile;

use super::layout::{Column, Sink, BODY, H1, H2, STRONG};
use super::period;

/// What Sections I to III are written from.
pub(super) struct Facts<'a> {
    pub info: &'a EngagementInfo,
    pub opinion: &'a OpinionState,
    pub user_controls: &'a [UserEntityControl],
    pub subservices: &'a [Subservice],
}

impl Facts<'_> {
    fn type2(&self) -> bool {
        matches!(self.info.examination, Examination::Type2 { .. })
    }

    /// "throughout the period October 1, 2025 to September 30, 2026", or "as of …".
    fn when(&self) -> String {
        match &self.info.examination {
            Examination::Type1 { as_of } => format!("as of {}", long_date(*as_of)),
            Examination::Type2 { .. } => format!("throughout the period {}", period(self.info)),
        }
    }

    fn categories(&self) -> String {
        let titles: Vec<&str> = self.info.categories.iter().map(|c| c.title()).collect();
        match titles.as_slice() {
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => String::new(),
        }
    }

    fn carved_out(&self) -> Vec<&Subservice> {
        self.subservices.iter().filter(|s| s.input.method == SubserviceMethod::CarvedOut).collect()
    }

    /// The condition an opinion carries when the criteria rely on others' controls.
    fn reliance(&self) -> String {
        let client = &self.info.client;
        match (self.user_controls.is_empty(), self.carved_out().is_empty()) {
            (true, true) => String::new(),
            (false, true) => format!(", if user entities applied the complementary controls assumed in the design of {client}'s controls"),
            (true, false) => format!(", if the subservice organizations applied the complementary controls assumed in the design of {client}'s controls"),
            (false, false) => format!(", if user entities and the subservice organizations applied the complementary controls assumed in the design of {client}'s controls"),
        }
    }
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub(super) fn section_one(doc: &mut impl Sink, f: &Facts) {
    let client = &f.info.client;
    let system = &f.info.system;
    let when = f.when();
    let designed = if f.type2() { "suitably designed and operated effectively" } else { "suitably designed" };
    let decision = f.opinion.decision.as_ref().filter(|d| d.stands());

    doc.new_page();
    doc.heading("Section I — Independent service auditor's report", H1);
    doc.paragraph(&format!("To the management of {client}:"), BODY);

    doc.heading("Scope", H2);
    doc.paragraph(
        &format!(
            "We examined the description of {client}'s {system} {when} that {client} prepared (the description, Section III), and whether the controls stated in it were {designed} \
             to provide reasonable assurance that {client}'s service commitments and system requirements were achieved, based on the Trust Services Criteria for {} \
             (the applicable criteria).",
            f.categories()
        ),
        BODY,
    );
    for s in f.subservices {
        let i = &s.input;
        doc.paragraph(
            &match i.method {
                SubserviceMethod::CarvedOut => format!(
                    "{client} uses {} for {}. The description covers {client}'s controls only, not those of {} (the carve-out method), and our examination did not extend \
                     to them. Some of the applicable criteria ({}) can be met only if the complementary controls {client} assumes of {} were suitably designed and operating effectively.",
                    i.name,
                    i.services,
                    i.name,
                    i.criteria.join(", "),
                    i.name
                ),
                SubserviceMethod::Inclusive => {
                    format!("{client} uses {} for {}. The description includes its relevant controls (the inclusive method), and our examination covered them.", i.name, i.services)
                }
            },
            BODY,
        );
    }
    if !f.user_controls.is_empty() {
        doc.paragraph(
            &format!(
                "The description also states that some of the applicable criteria can be met only if user entities apply the complementary controls {client}'s controls assume \
                 (CUEC-1 to CUEC-{}, listed in this report). We did not evaluate whether those controls were suitably designed or operating effectively.",
                f.user_controls.len()
            ),
            BODY,
        );
    }

    doc.heading(&format!("{client}'s responsibilities"), H2);
    doc.paragraph(
        &format!(
            "{client} is responsible for its service commitments and system requirements; for designing, implementing and operating controls within the system that achieve them; \
             for preparing the description and its assertion (Section II), including their completeness, accuracy and manner of presentation; for selecting the applicable criteria; \
             and for identifying the risks that threaten the achievement of its commitments and requirements."
        ),
        BODY,
    );

    doc.heading("Our responsibilities", H2);
    let disclaimer = decision.is_some_and(|d| d.kind == OpinionKind::Disclaimer);
    if disclaimer {
        doc.paragraph(
            &format!(
                "Our responsibility is to examine the description and the design{} of the controls stated in it under the attestation standards of the American Institute of \
                 Certified Public Accountants, and to express an opinion on them. Because of the matter described in the basis for disclaimer of opinion below, however, we were not \
                 able to obtain sufficient appropriate evidence to provide a basis for an opinion.",
                if f.type2() { " and operating effectiveness" } else { "" }
            ),
            BODY,
        );
    } else {
        doc.paragraph(
            &format!(
                "Our responsibility is to express an opinion on the description and on whether the controls stated in it were {designed}, based on our examination. We conducted \
                 the examination under the attestation standards of the American Institute of Certified Public Accountants, which require us to plan and perform it to obtain \
                 reasonable assurance about whether, in all material respects, the description is presented in accordance with the description criteria and the controls were {designed}."
            ),
            BODY,
        );
        if decision.is_some() {
            doc.paragraph("We believe that the evidence we obtained is sufficient and appropriate to provide a reasonable basis for our opinion.", BODY);
        }
    }
    doc.paragraph("The procedures we performed on the controls, and their results, are those set out in Section IV.", BODY);
    doc.paragraph(
        &format!("We are required to be independent of {client} and to meet our other ethical responsibilities under the ethical requirements that apply to the engagement."),
        BODY,
    );

    doc.heading("Inherent limitations", H2);
    doc.paragraph(
        "The description is prepared to meet the common needs of a broad range of users and may not include every aspect of the system that a particular user considers \
         important. Because of their nature, controls may not always operate as designed, and so may fail to achieve the service commitments and system requirements. Projecting \
         any evaluation of the controls to later periods carries the risk that they become inadequate because conditions change or compliance with them deteriorates.",
        BODY,
    );

    match (decision, &f.opinion.decision) {
        (Some(d), _) => {
            let named = list(&d.criteria);
            if d.kind != OpinionKind::Unqualified {
                basis(doc, f, d.kind, &d.criteria);
            }
            let (heading, text) = opinion_paragraph(f, d.kind, &named);
            doc.heading(heading, H2);
            doc.paragraph(&text, BODY);
        }
        (None, Some(stale)) => {
            doc.heading("Opinion", H2);
            doc.paragraph("NO OPINION DRAFTED: THE DECISION NO LONGER STANDS", STRONG);
            doc.paragraph(
                &format!(
                    "{} decided {} on {}, but what that decision rests on (criteria conclusions, exception evaluations or scope limitations) has changed since. \
                     The opinion paragraph is drafted once the engagement partner decides again.",
                    stale.initials,
                    stale.kind.named(),
                    &stale.decided_at[..10.min(stale.decided_at.len())]
                ),
                BODY,
            );
        }
        (None, None) => {
            let p = &f.opinion.proposal;
            doc.heading("Opinion", H2);
            doc.paragraph("NO OPINION DRAFTED: NOT YET DECIDED", STRONG);
            doc.paragraph(
                &format!(
                    "The engagement partner has not decided the opinion, so no opinion paragraph is drafted. Tickmark proposes {}. {}",
                    p.kind.map_or("none yet", |k| k.named()),
                    p.reasoning
                ),
                BODY,
            );
            if !p.missing.is_empty() {
                let rows: Vec<Vec<String>> = p.missing.iter().map(|m| vec![m.clone()]).collect();
                doc.table(&[Column { title: "Before the opinion can be decided", share: 1.0 }], &rows);
            }
        }
    }

    doc.heading("Restricted use", H2);
    doc.paragraph(
        &format!(
            "This report is meant only for {client}, the user entities of its {system} and their auditors, prospective user entities, business partners and regulators who \
             understand the system, the applicable criteria and the limits of controls well enough to use it, and for no one else."
        ),
        BODY,
    );
    let partner = f.info.team.iter().find(|m| m.role == Role::Partner).map_or("[not named on the team]".to_owned(), |m| m.name.clone());
    doc.fields(&[
        ("Service auditor", "[The firm's signature]".to_owned()),
        ("Engagement partner", partner),
        ("Opinion decided", decision.map_or("Not yet".to_owned(), |d| format!("{} by {}", &d.decided_at[..10.min(d.decided_at.len())], d.initials))),
        ("Place", "[City, State]".to_owned()),
    ]);
}

/// The basis paragraph of a modified opinion: each criterion not met with the reason recorded
/// for it, or each scope limitation.
fn basis(doc: &mut impl Sink, f: &Facts, kind: OpinionKind, criteria: &[String]) {
    let heading = match kind {
        OpinionKind::Qualified => "Basis for qualified opinion",
        OpinionKind::Adverse => "Basis for adverse opinion",
        _ => "Basis for disclaimer of opinion",
    };
    doc.heading(heading, H2);
    if kind == OpinionKind::Disclaimer {
        for l in &f.opinion.limitations {
            let said = l.request_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
            doc.paragraph(
                &format!(
                    "{} did not provide the evidence requested in {}, \"{}\"{said}. As a result, we could not {} for control {}, which addresses {}.",
                    f.info.client,
                    l.request_number,
                    l.request_title,
                    lowercase_first(l.description.trim_end_matches('.')),
                    l.control_reference,
                    l.criteria.join(", ")
                ),
                BODY,
            );
        }
        return;
    }
    doc.paragraph(
        &format!("Our examination found that the following {} not met:", if criteria.len() == 1 { "criterion was" } else { "criteria were" }),
        BODY,
    );
    let rows: Vec<Vec<String>> = f
        .opinion
        .criteria
        .iter()
        .filter(|c| criteria.contains(&c.id))
        .map(|c| vec![c.id.clone(), c.title.clone(), c.decided.as_ref().and_then(|d| d.reason.clone()).unwrap_or_default()])
        .collect();
    doc.table(&[Column { title: "Criterion", share: 0.12 }, Column { title: "Subject", share: 0.28 }, Column { title: "Why it was not met", share: 0.6 }], &rows);
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// The opinion paragraph's heading and text for a decided opinion.
fn opinion_paragraph(f: &Facts, kind: OpinionKind, named: &str) -> (&'static str, String) {
    let client = &f.info.client;
    let system = &f.info.system;
    let when = f.when();
    let reliance = f.reliance();
    let points = {
        let mut points = format!(
            "(a) the description presents {client}'s {system} as designed and implemented {when}, in accordance with the description criteria; \
             (b) the controls stated in the description were suitably designed {when} to provide reasonable assurance that {client}'s service commitments and system requirements \
             would be achieved based on the applicable criteria, if the controls operated effectively{reliance}"
        );
        if f.type2() {
            points.push_str(&format!(
                "; and (c) the controls stated in the description operated effectively {when} to provide reasonable assurance that {client}'s service commitments and system \
                 requirements were achieved based on the applicable criteria{reliance}"
            ));
        }
        points.push('.');
        points
    };
    match kind {
        OpinionKind::Unqualified => ("Opinion", format!("In our opinion, in all material respects: {points}")),
        OpinionKind::Qualified => (
            "Qualified opinion",
            format!("In our opinion, except for the matters described in the basis for qualified opinion, which bear on {}, in all material respects: {points}", criteria_words(named)),
        ),
        OpinionKind::Adverse => (
            "Adverse opinion",
            format!(
                "In our opinion, because of the significance of the matters described in the basis for adverse opinion, which bear on {}, the controls stated in the description \
                 were not {} {when} to provide reasonable assurance that {client}'s service commitments and system requirements were achieved based on the applicable criteria.",
                criteria_words(named),
                if f.type2() { "suitably designed and did not operate effectively" } else { "suitably designed" }
            ),
        ),
        OpinionKind::Disclaimer => (
            "Disclaimer of opinion",
            format!(
                "Because of the significance of the matter described in the basis for disclaimer of opinion, which kept us from concluding on {}, we have not been able to obtain \
                 sufficient appropriate evidence to provide a basis for an opinion. Accordingly, we do not express an opinion on the description or on the design{} of the \
                 controls stated in it.",
                criteria_words(named),
                if f.type2() { " or operating effectiveness" } else { "" }
            ),
        ),
    }
}

fn criteria_words(named: &str) -> String {
    if named.contains(' ') { format!("criteria {named}") } else { format!("criterion {named}") }
}

pub(super) fn section_two(doc: &mut impl Sink, file: &EngagementFile, f: &Facts, assertion: Option<&Evidence>) -> Result<()> {
    let client = &f.info.client;
    doc.new_page();
    doc.heading("Section II — Management's assertion", H1);
    if let Some(evidence) = assertion {
        doc.paragraph(&format!("Provided by the management of {client}: {} ({}), as attached to the engagement file.", evidence.reference(), evidence.name), STRONG);
        for part in file.evidence_text(evidence)?.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            doc.paragraph(part, BODY);
        }
        return Ok(());
    }
    doc.paragraph(
        &format!(
            "PLACEHOLDER, TO BE PROVIDED BY THE MANAGEMENT OF {}. Tickmark drafted it from the engagement's records; it is replaced by management's signed assertion once \
             that is attached as a plain-text evidence file and designated as the assertion.",
            client.to_uppercase()
        ),
        STRONG,
    );
    let designed = if f.type2() { "were suitably designed and operated effectively" } else { "were suitably designed" };
    doc.paragraph(
        &format!(
            "We have prepared the description of {client}'s {} {} (the description) for the user entities of the system and their auditors. We confirm, to the best of our \
             knowledge and belief, that the description presents the system as designed and implemented, and that the controls stated in it {designed} to provide reasonable \
             assurance that our service commitments and system requirements were achieved, based on the Trust Services Criteria for {}{}.",
            f.info.system,
            f.when(),
            f.categories(),
            f.reliance().replace(&format!("{client}'s controls"), "our controls")
        ),
        BODY,
    );
    let not_met: Vec<String> = f.opinion.criteria.iter().filter(|c| c.decided.as_ref().is_some_and(|d| !d.met)).map(|c| c.id.clone()).collect();
    if !not_met.is_empty() {
        doc.paragraph(&format!("[Management modifies this assertion for the criteria concluded not met: {}.]", list(&not_met)), BODY);
    }
    Ok(())
}

pub(super) fn section_three(doc: &mut impl Sink, f: &Facts, description: Option<&Evidence>) {
    let client = &f.info.client;
    doc.new_page();
    doc.heading(&format!("Section III — {client}'s description of its {}", f.info.system), H1);
    match description {
        Some(e) => doc.paragraph(
            &format!(
                "The description of the system is {client}'s own document, presented as management provided it: {} ({}, {} bytes, SHA-256 {}, received {}). \
                 It is attached to the engagement file and issued with this report.",
                e.reference(),
                e.name,
                e.size,
                e.sha256,
                long_date(e.received_on)
            ),
            BODY,
        ),
        None => doc.paragraph(
            &format!("NOT YET ATTACHED. The description is {client}'s to write: attach the client's document as evidence and designate it as the system description."),
            STRONG,
        ),
    }
}
