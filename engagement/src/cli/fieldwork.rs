//! Fieldwork from the command line, so firms can script it and reviewers re-run it: results,
//! exceptions and responses, conclusions, sign-offs, review notes, voiding a sample, requests.

use engagement::model::number::label;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use engagement::conclusion::{Conclusion, ConclusionInput};
use engagement::request::RequestStatus;
use engagement::signoff::SignoffRole;
use engagement::testing::Outcome;
use engagement::Error;

use crate::{open_as, say, Who};

#[derive(Args)]
pub struct VoidArgs {
    file: PathBuf,
    #[arg(long)]
    control: String,
    /// Why the sample is voided; the trail keeps it.
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    who: Who,
}

#[derive(Args)]
pub struct ExtendArgs {
    file: PathBuf,
    #[arg(long)]
    control: String,
    /// How many items to add.
    #[arg(long)]
    by: u64,
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    who: Who,
}

#[derive(Args)]
pub struct AuditedArgs {
    file: PathBuf,
    #[arg(long)]
    control: String,
    /// The item's number in the live sample.
    #[arg(long)]
    item: i64,
    /// What the item was found to amount to, e.g. 1234.50.
    #[arg(long)]
    amount: String,
    /// What the misstatement is, where the amount differs from the book amount.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    who: Who,
}

#[derive(Args)]
pub struct ResultsArgs {
    file: PathBuf,
    #[arg(long)]
    control: String,
    /// The CSV or XLSX holding the results.
    #[arg(long)]
    from: PathBuf,
    #[command(flatten)]
    who: Who,
}

#[derive(Args)]
pub struct ExceptionArgs {
    file: PathBuf,
    #[arg(long)]
    control: String,
    /// The exception as the report will state it.
    #[arg(long)]
    description: String,
    /// Item numbers of the live sample it covers (e.g. 2,5); by default every deviating item
    /// not yet written up.
    #[arg(long, value_delimiter = ',')]
    items: Option<Vec<i64>>,
    #[command(flatten)]
    who: Who,
}

#[derive(Args)]
pub struct ResponseArgs {
    file: PathBuf,
    /// Exception number, as `exception` printed it.
    #[arg(long, value_parser = crate::number_of("exception"))]
    exception: i64,
    /// Management's response as given; with --declined, how management declined to give one.
    #[arg(long)]
    text: String,
    /// Who in management gave the response: name and title.
    #[arg(long, required_unless_present = "declined")]
    by: Option<String>,
    /// When it was given (or refused); today by default.
    #[arg(long)]
    on: Option<chrono::NaiveDate>,
    /// Management declined to respond.
    #[arg(long)]
    declined: bool,
    #[command(flatten)]
    who: Who,
}

#[derive(Clone, Copy, ValueEnum)]
enum ConclusionArg {
    NoExceptions,
    ExceptionsNoted,
    NotEffective,
    DidNotOperate,
}

#[derive(Args)]
pub struct ConcludeArgs {
    file: PathBuf,
    #[arg(long)]
    control: String,
    #[arg(long, value_enum)]
    conclusion: ConclusionArg,
    /// The basis for the conclusion.
    #[arg(long, default_value = "")]
    basis: String,
    /// Why the control is concluded effective although its statistical sample does not support
    /// the planned reliance.
    #[arg(long = "override")]
    override_reason: Option<String>,
    #[command(flatten)]
    who: Who,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Preparer,
    Reviewer,
}

impl RoleArg {
    fn role(self) -> SignoffRole {
        match self {
            RoleArg::Preparer => SignoffRole::Preparer,
            RoleArg::Reviewer => SignoffRole::Reviewer,
        }
    }
}

#[derive(Args)]
pub struct SignArgs {
    file: PathBuf,
    #[arg(long)]
    control: String,
    #[arg(long, value_enum)]
    role: RoleArg,
    #[command(flatten)]
    who: Who,
}

#[derive(Args)]
pub struct UnsignArgs {
    file: PathBuf,
    #[arg(long)]
    control: String,
    #[arg(long, value_enum)]
    role: RoleArg,
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    who: Who,
}

#[derive(Subcommand)]
pub enum NoteCommand {
    /// Raise a review note on a workpaper.
    Raise {
        file: PathBuf,
        #[arg(long)]
        control: String,
        #[arg(long)]
        text: String,
        #[command(flatten)]
        who: Who,
    },
    /// Respond to a review note.
    Respond {
        file: PathBuf,
        /// Review note number.
        #[arg(long, value_parser = crate::number_of("review_note"))]
        note: i64,
        #[arg(long)]
        text: String,
        #[command(flatten)]
        who: Who,
    },
    /// Clear a review note (only the reviewer who raised it).
    Clear {
        file: PathBuf,
        /// Review note number.
        #[arg(long, value_parser = crate::number_of("review_note"))]
        note: i64,
        #[command(flatten)]
        who: Who,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum NatureArg {
    Inquiry,
    Observation,
    Inspection,
    Reperformance,
    Recalculation,
}

#[derive(Subcommand)]
pub enum ProcedureCommand {
    /// List the control's procedures (performed or planned) and the suggested ones.
    List {
        file: PathBuf,
        #[arg(long)]
        control: String,
    },
    /// Add a procedure as planned; with --performed-on, record it performed (by --as) too.
    Add {
        file: PathBuf,
        #[arg(long)]
        control: String,
        #[arg(long, value_enum)]
        nature: NatureArg,
        /// The procedure as the report will state it.
        #[arg(long)]
        text: String,
        #[arg(long)]
        performed_on: Option<chrono::NaiveDate>,
        #[command(flatten)]
        who: Who,
    },
    /// Record a planned procedure as performed by --as on a date.
    Perform {
        file: PathBuf,
        /// Procedure number, as `procedure list` shows it.
        #[arg(long, value_parser = crate::number_of("procedure"))]
        id: i64,
        #[arg(long)]
        on: chrono::NaiveDate,
        #[command(flatten)]
        who: Who,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Open,
    Received,
    Closed,
    NotNeeded,
    /// Closed without the evidence: the client did not provide it.
    NotProvided,
}

#[derive(Args)]
pub struct RequestArgs {
    file: PathBuf,
    /// The request's reference, e.g. PBC-3.
    #[arg(long = "ref")]
    reference: String,
    #[arg(long, value_enum)]
    status: StatusArg,
    /// Why the request is no longer needed (required with not-needed), or what the client said
    /// when it did not provide the evidence (required with not-provided).
    #[arg(long)]
    reason: Option<String>,
    #[command(flatten)]
    who: Who,
}

pub fn void_sample(a: VoidArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let control = file.control_by_reference(&a.control)?;
    let live = file.live_sample(control.id)?.ok_or_else(|| Error::Invalid { field: "sample".into(), message: format!("{} has no live sample", control.reference) })?;
    file.void_sample(live.id, &a.reason)?;
    say!("sample {} of {} voided: {}", label("sample", live.id), control.reference, a.reason.trim());
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn extend_sample(a: ExtendArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let control = file.control_by_reference(&a.control)?;
    let live = file.live_sample(control.id)?.ok_or_else(|| Error::Invalid { field: "sample".into(), message: format!("{} has no live sample", control.reference) })?;
    file.extend_sample(live.id, a.by, &a.reason)?;
    let extended = file.sample(live.id)?;
    say!("sample {} of {} extended by {}: now {} items", label("sample", live.id), control.reference, a.by, extended.selection.items.len());
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn audited(a: AuditedArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let control = file.control_by_reference(&a.control)?;
    let live = file.live_sample(control.id)?.ok_or_else(|| Error::Invalid { field: "sample".into(), message: format!("{} has no live sample", control.reference) })?;
    let cents = engagement::population::cents("amount", &a.amount)?;
    file.record_audited_amount(live.id, a.item - 1, cents, a.note.as_deref())?;
    let wp = file.workpaper(control.id)?;
    say!("item {}: audited at {}", a.item, sampling::money(cents as f64));
    if let Some(evaluation) = wp.sample.as_ref().and_then(|s| s.evaluation.as_ref()) {
        say!("{evaluation}");
    }
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn results(a: ResultsArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let control = file.control_by_reference(&a.control)?;
    let done = file.import_results(control.id, &a.from)?;
    let wp = file.workpaper(control.id)?;
    say!("{}: {} new, {} changed, {} unchanged", control.reference, done.new, done.changed, done.unchanged);
    if let Some(s) = &wp.sample {
        say!("  {} of {} results recorded; {} item(s) deviate", s.results_recorded, s.results_expected, s.deviations);
    }
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn exception(a: ExceptionArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let control = file.control_by_reference(&a.control)?;
    let items: Vec<i64> = match a.items {
        Some(numbers) => numbers.into_iter().map(|n| n - 1).collect(),
        None => {
            let wp = file.workpaper(control.id)?;
            let covered: Vec<i64> = wp.exceptions.iter().flat_map(|e| e.items.clone()).collect();
            let mut deviating: Vec<i64> = wp
                .sample
                .iter()
                .flat_map(|s| wp.results_of(s))
                .filter(|r| r.outcome == Outcome::Deviation && !covered.contains(&r.position))
                .map(|r| r.position)
                .collect();
            deviating.dedup();
            deviating
        }
    };
    let id = file.add_exception(control.id, &a.description, &items)?;
    let numbers: Vec<String> = items.iter().map(|p| (p + 1).to_string()).collect();
    say!("exception {} on {}{}", label("exception", id), control.reference, if numbers.is_empty() { String::new() } else { format!(" (items {})", numbers.join(", ")) });
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn response(a: ResponseArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let on = a.on.unwrap_or_else(|| chrono::Local::now().date_naive());
    if a.declined {
        file.record_response_declined(a.exception, &a.text, on)?;
        say!("exception {}: management declined to respond ({on})", label("exception", a.exception));
    } else {
        file.respond_to_exception(a.exception, &a.text, a.by.as_deref().unwrap_or_default(), on)?;
        say!("exception {}: management's response recorded ({on})", label("exception", a.exception));
    }
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn conclude(a: ConcludeArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let control = file.control_by_reference(&a.control)?;
    let conclusion = match a.conclusion {
        ConclusionArg::NoExceptions => Conclusion::NoExceptions,
        ConclusionArg::ExceptionsNoted => Conclusion::ExceptionsNoted,
        ConclusionArg::NotEffective => Conclusion::NotEffective,
        ConclusionArg::DidNotOperate => Conclusion::DidNotOperate,
    };
    file.set_conclusion(control.id, &ConclusionInput { conclusion, basis: a.basis, override_reason: a.override_reason })?;
    say!("{}: {}", control.reference, conclusion.title());
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn sign(a: SignArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let control = file.control_by_reference(&a.control)?;
    file.sign(control.id, a.role.role())?;
    say!("{} signed as {} by {}", control.reference, a.role.role().as_str(), a.who.user.trim().to_uppercase());
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn unsign(a: UnsignArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let control = file.control_by_reference(&a.control)?;
    file.withdraw_signoff(control.id, a.role.role(), &a.reason)?;
    say!("{}: {} sign-off withdrawn", control.reference, a.role.role().as_str());
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn note(command: NoteCommand) -> Result<ExitCode, Error> {
    match command {
        NoteCommand::Raise { file, control, text, who } => {
            let mut opened = open_as(&file, &who)?;
            let control = opened.control_by_reference(&control)?;
            let id = opened.raise_review_note(control.id, &text)?;
            say!("review note {} raised on {}", label("review_note", id), control.reference);
            opened.close()?;
        }
        NoteCommand::Respond { file, note, text, who } => {
            let mut opened = open_as(&file, &who)?;
            opened.respond_to_review_note(note, &text)?;
            say!("review note {}: response recorded", label("review_note", note));
            opened.close()?;
        }
        NoteCommand::Clear { file, note, who } => {
            let mut opened = open_as(&file, &who)?;
            opened.clear_review_note(note)?;
            say!("review note {} cleared", label("review_note", note));
            opened.close()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn request(a: RequestArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let request = file.request_by_number(&a.reference)?;
    let status = match a.status {
        StatusArg::Open => RequestStatus::Open,
        StatusArg::Received => RequestStatus::Received,
        StatusArg::Closed => RequestStatus::Closed,
        StatusArg::NotNeeded => RequestStatus::NotNeeded,
        StatusArg::NotProvided => RequestStatus::NotProvided,
    };
    file.set_request_status(request.id, status, a.reason.as_deref())?;
    say!("request {} is {}", request.input.number, status.word().replace('_', " "));
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn procedure(command: ProcedureCommand) -> Result<ExitCode, Error> {
    use engagement::procedure::{ProcedureInput, ProcedureNature};
    match command {
        ProcedureCommand::List { file, control } => {
            let opened = crate::open(&file)?;
            let wp = opened.workpaper(opened.control_by_reference(&control)?.id)?;
            for p in &wp.procedures {
                let status = match &p.performed {
                    Some(done) => format!("performed by {} on {}", done.by, done.on),
                    None => "planned".to_owned(),
                };
                say!("{:>4}  {:<9} {}  [{status}]", label("procedure", p.id), format!("{:?}", p.input.nature).to_lowercase(), p.input.text);
            }
            for s in &wp.suggested_procedures {
                say!("   -  suggested: {}", s.text);
            }
            opened.close()?;
        }
        ProcedureCommand::Add { file, control, nature, text, performed_on, who } => {
            let mut opened = open_as(&file, &who)?;
            let control = opened.control_by_reference(&control)?;
            let nature = match nature {
                NatureArg::Inquiry => ProcedureNature::Inquiry,
                NatureArg::Observation => ProcedureNature::Observation,
                NatureArg::Inspection => ProcedureNature::Inspection,
                NatureArg::Reperformance => ProcedureNature::Reperformance,
                NatureArg::Recalculation => ProcedureNature::Recalculation,
            };
            let id = opened.add_procedure(control.id, &ProcedureInput { nature, text, sample_based: false })?;
            if let Some(on) = performed_on {
                opened.mark_performed(id, on)?;
            }
            say!("procedure {} on {} ({})", label("procedure", id), control.reference, if performed_on.is_some() { "performed" } else { "planned" });
            opened.close()?;
        }
        ProcedureCommand::Perform { file, id, on, who } => {
            let mut opened = open_as(&file, &who)?;
            opened.mark_performed(id, on)?;
            say!("procedure {} performed on {on}", label("procedure", id));
            opened.close()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
