//! From exceptions to the opinion on the command line: evaluating exceptions, concluding on
//! criteria, recording scope limitations, the partner's decision, and the client's documents
//! the report presents as theirs.

use engagement::model::number::label;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use engagement::evaluation::{CriterionEffect, DeviationKind, EffectOn, EvaluationInput};
use engagement::opinion::OpinionKind;
use engagement::report_document::ReportDocumentKind;
use engagement::{EngagementFile, Error};

use crate::setup::FileArg;
use crate::{open, open_as, say, Who};

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Design,
    Operating,
}

#[derive(Args)]
pub struct EvaluateArgs {
    file: PathBuf,
    /// Exception number, as `exception` printed it.
    #[arg(long, value_parser = crate::number_of("exception"))]
    exception: i64,
    #[arg(long, value_enum)]
    kind: KindArg,
    /// The cause of the deviation, as learned.
    #[arg(long)]
    cause: String,
    /// Controls that compensate for it, by reference (e.g. CC7.2-01,CC4.1-01).
    #[arg(long, value_delimiter = ',')]
    compensating: Vec<String>,
    /// The effect on each criterion the control addresses: CRITERION=no-effect, =compensated or
    /// =not-met (repeat for each criterion).
    #[arg(long = "effect", value_parser = parse_effect)]
    effects: Vec<EffectOn>,
    /// Why the effects are what they are.
    #[arg(long)]
    rationale: String,
    #[command(flatten)]
    who: Who,
}

fn parse_effect(text: &str) -> Result<EffectOn, String> {
    let (criterion, effect) = text.split_once('=').ok_or_else(|| format!("{text:?}: write CRITERION=EFFECT, e.g. CC8.1=not-met"))?;
    let effect = match effect.trim() {
        "no-effect" => CriterionEffect::NoEffect,
        "compensated" => CriterionEffect::Compensated,
        "not-met" => CriterionEffect::NotMet,
        other => return Err(format!("{other:?} is not an effect: no-effect, compensated or not-met")),
    };
    Ok(EffectOn { criterion: criterion.trim().to_owned(), effect })
}

#[derive(Subcommand)]
pub enum CriteriaCommand {
    /// Every criterion in scope: the controls addressing it, Tickmark's proposal and why, and
    /// the conclusion decided.
    List(FileArg),
    /// Conclude on criteria (e.g. CC1.1,CC1.2): met, or not met with the reason; all or none.
    Conclude {
        file: PathBuf,
        #[arg(required = true, value_delimiter = ',')]
        criteria: Vec<String>,
        #[arg(value_enum)]
        conclusion: MetArg,
        /// Required for not-met, and for a conclusion other than Tickmark's proposal.
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        who: Who,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MetArg {
    Met,
    NotMet,
}

#[derive(Subcommand)]
pub enum LimitationCommand {
    List(FileArg),
    /// Record that a request closed as not provided kept a control from being tested.
    Add {
        file: PathBuf,
        /// The request, e.g. PBC-4; it must be closed as not provided.
        #[arg(long)]
        request: String,
        /// The control the missing evidence kept from being tested.
        #[arg(long)]
        control: String,
        /// The test it prevented, as the report's basis paragraph will state it.
        #[arg(long)]
        description: String,
        #[command(flatten)]
        who: Who,
    },
    /// Remove a scope limitation recorded in error.
    Remove {
        file: PathBuf,
        /// Scope limitation number, as `scope-limitation list` shows it.
        #[arg(long, value_parser = crate::number_of("scope_limitation"))]
        id: i64,
        #[command(flatten)]
        who: Who,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OpinionArg {
    Unqualified,
    Qualified,
    Adverse,
    Disclaimer,
}

#[derive(Subcommand)]
pub enum OpinionCommand {
    /// The proposal and why, what must be done before the opinion can be decided, and the
    /// decision if there is one.
    Show(FileArg),
    /// The engagement partner decides the opinion (refused, with the list, while it cannot be).
    Decide {
        file: PathBuf,
        #[arg(value_enum)]
        opinion: OpinionArg,
        /// Required when the decision differs from Tickmark's proposal.
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        who: Who,
    },
}

#[derive(Args)]
pub struct DocumentArgs {
    file: PathBuf,
    /// Evidence (EV-n) holding management's assertion, as plain text: printed as Section II.
    #[arg(long, required_unless_present = "description")]
    assertion: Option<String>,
    /// Evidence (EV-n) holding the client's description of the system: Section III.
    #[arg(long)]
    description: Option<String>,
    #[command(flatten)]
    who: Who,
}

pub fn evaluate(a: EvaluateArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let compensating = a.compensating.iter().map(|r| file.control_by_reference(r.trim()).map(|c| c.id)).collect::<Result<Vec<_>, _>>()?;
    let kind = match a.kind {
        KindArg::Design => DeviationKind::Design,
        KindArg::Operating => DeviationKind::Operating,
    };
    file.evaluate_exception(a.exception, &EvaluationInput { kind, cause: a.cause, compensating, effects: a.effects, rationale: a.rationale })?;
    say!("exception {} evaluated", engagement::model::number::label("exception", a.exception));
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn criteria(command: CriteriaCommand) -> Result<ExitCode, Error> {
    match command {
        CriteriaCommand::List(f) => {
            let file = open(&f.file)?;
            for c in file.criteria_status()? {
                let decided = match &c.decided {
                    None => "not concluded".to_owned(),
                    Some(d) => format!("{} ({}){}", if d.met { "met" } else { "not met" }, d.decided_by, if c.stale { ", to conclude again" } else { "" }),
                };
                let proposal = match c.proposal {
                    Some(true) => "proposed met",
                    Some(false) => "proposed not met",
                    None => "no proposal",
                };
                let controls = if c.unmapped { "NO CONTROL MAPPED".to_owned() } else { c.controls.join(", ") };
                say!("{}\t{}\t{controls}\t{proposal}\t{decided}", c.id, c.title);
                for reason in &c.reasons {
                    say!("\t{reason}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CriteriaCommand::Conclude { file, criteria, conclusion, reason, who } => {
            let mut file = open_as(&file, &who)?;
            let met = matches!(conclusion, MetArg::Met);
            let criteria: Vec<&str> = criteria.iter().map(|c| c.trim()).collect();
            file.conclude_criteria(&criteria, met, reason.as_deref())?;
            say!("{} concluded {}", criteria.join(", "), if met { "met" } else { "not met" });
            file.close()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn limitation(command: LimitationCommand) -> Result<ExitCode, Error> {
    match command {
        LimitationCommand::List(f) => {
            for l in open(&f.file)?.scope_limitations()? {
                say!("{}\t{}\t{}\t{}\t{}", label("scope_limitation", l.id), l.request_number, l.control_reference, l.criteria.join(", "), l.description);
            }
            Ok(ExitCode::SUCCESS)
        }
        LimitationCommand::Add { file, request, control, description, who } => {
            let mut file = open_as(&file, &who)?;
            let control = file.control_by_reference(&control)?;
            let id = file.add_scope_limitation(&request, control.id, &description)?;
            say!("scope limitation {}: {} could not be tested", label("scope_limitation", id), control.reference);
            file.close()?;
            Ok(ExitCode::SUCCESS)
        }
        LimitationCommand::Remove { file, id, who } => {
            let mut file = open_as(&file, &who)?;
            file.remove_scope_limitation(id)?;
            say!("scope limitation {} removed", label("scope_limitation", id));
            file.close()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn opinion(command: OpinionCommand) -> Result<ExitCode, Error> {
    match command {
        OpinionCommand::Show(f) => {
            let state = open(&f.file)?.opinion()?;
            let p = &state.proposal;
            say!("proposed: {}", p.kind.map_or("none yet", |k| k.title()));
            say!("{}", p.reasoning);
            for line in &p.missing {
                say!("  - {line}");
            }
            match &state.decision {
                None => say!("decided: not yet"),
                Some(d) => {
                    say!("decided: {} by {} at {}{}", d.kind.title(), d.initials, d.decided_at, if d.criteria.is_empty() { String::new() } else { format!(", naming {}", d.criteria.join(", ")) });
                    if let Some(reason) = &d.reason {
                        say!("reason: {reason}");
                    }
                    if d.changed_since {
                        say!("CHANGED SINCE DECIDED: what the opinion rests on has changed; it must be decided again");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        OpinionCommand::Decide { file, opinion, reason, who } => {
            let mut file = open_as(&file, &who)?;
            let kind = match opinion {
                OpinionArg::Unqualified => OpinionKind::Unqualified,
                OpinionArg::Qualified => OpinionKind::Qualified,
                OpinionArg::Adverse => OpinionKind::Adverse,
                OpinionArg::Disclaimer => OpinionKind::Disclaimer,
            };
            file.decide_opinion(kind, reason.as_deref())?;
            say!("opinion decided: {}", kind.title());
            file.close()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn evidence_id(file: &EngagementFile, reference: &str) -> Result<i64, Error> {
    let reference = reference.trim();
    file.evidence()?
        .into_iter()
        .find(|e| e.reference().eq_ignore_ascii_case(reference))
        .map(|e| e.id)
        .ok_or_else(|| Error::NotFound(format!("evidence {reference}")))
}

pub fn document(a: DocumentArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    for (kind, reference) in [(ReportDocumentKind::Assertion, &a.assertion), (ReportDocumentKind::Description, &a.description)] {
        if let Some(reference) = reference {
            let id = evidence_id(&file, reference)?;
            file.set_report_document(kind, id)?;
            say!("{} is the report's {}", reference.trim(), if kind == ReportDocumentKind::Assertion { "management assertion (Section II)" } else { "system description (Section III)" });
        }
    }
    file.close()?;
    Ok(ExitCode::SUCCESS)
}
