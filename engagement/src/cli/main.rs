//! `tickmark`: the engagement file from a terminal, for scripted set-up, fieldwork, checks and
//! exports. Every rule the window follows is the engagement crate's, so a refusal here lists
//! exactly what the window lists. Passphrases come from the environment or a prompt, never from
//! the command line, where other users of the machine and the shell history could read them.
//!
//! Exit codes: 0 done; 1 refused by a rule of the audit, or a check found a mismatch (each
//! named); 2 anything else (a file that cannot be read, a wrong passphrase, bad input).

mod fieldwork;
mod keys;
mod opinion;
mod outputs;
mod requests;
mod setup;
mod team;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use engagement::{EngagementFile, Error};

#[derive(Parser)]
#[command(name = "tickmark", version, about = "Tickmark engagement files from the command line")]
#[command(after_help = "The passphrase is read from TICKMARK_PASSPHRASE, or asked for. Who you are (--as) may come from TICKMARK_USER.\n\
Exit codes: 0 done; 1 refused by a rule of the audit (the list of what is missing follows) or a check found a mismatch; 2 any other error.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create an engagement file from a JSON description (see fixtures/demo/engagement.json).
    New(setup::NewArgs),
    /// Personal signing keys: make one (in its own file, under its own passphrase), show one.
    #[command(subcommand)]
    Key(keys::KeyCommand),
    /// Register a team member's public key: their own first, or (the partner) a replacement.
    RegisterKey(keys::RegisterArgs),
    /// Add a member to the team: once the partner signs with a key, the partner does.
    AddMember(keys::AddMemberArgs),
    /// Next year's engagement from this year's: controls, procedures, requests, team and
    /// complementary controls carried; none of this year's work.
    RollForward(setup::RollForwardArgs),
    /// Show what an engagement file holds.
    Info(setup::FileArg),
    /// Put an engagement in a folder the team shares; teammates join it from there.
    Share(team::FolderArgs),
    /// Make a local copy of the engagement shared in a folder.
    Join(team::JoinArgs),
    /// Exchange changes with the shared folder: this copy's go out, the others' come in.
    /// Exit 1 when a change file in the folder was refused (each named; the rest synced).
    Sync(team::FolderArgs),
    /// Take a control's work, so the team sees who is on it ("assigned to TW"); locks nothing.
    Take(team::TakeArgs),
    /// Leave a control you took free for anyone to take.
    Release(team::TakeArgs),
    /// List the conflicts merging team members' copies kept aside, numbered.
    Conflicts(setup::FileArg),
    /// Settle a conflict once its record is as it should be, saying how; a preparer cannot sign
    /// a workpaper with an unsettled conflict.
    Settle(team::SettleArgs),
    /// Import a client's listing (CSV or XLSX) as a control's population.
    ImportPopulation(setup::ImportArgs),
    /// Explain why items dated outside the period are in a population (needed before sampling).
    ExplainPopulation(setup::ExplainArgs),
    /// Take a population imported by mistake out of use, with a reason (until a sample is drawn from it).
    RemovePopulation(setup::RemoveArgs),
    /// Size and draw a control's sample (or with --plan, show the size and seed without drawing).
    Sample(setup::SampleArgs),
    /// Void the control's live sample, with a reason; it stays on record and counts nowhere.
    VoidSample(fieldwork::VoidArgs),
    /// Add items to the control's live sample, keeping every item drawn in its place.
    ExtendSample(fieldwork::ExtendArgs),
    /// Record what an item of a monetary-unit sample was found to amount to.
    Audited(fieldwork::AuditedArgs),
    /// Record test results from a CSV or XLSX: the control's sheet that `export` writes, filled
    /// in, or a list with the columns key, attribute, outcome, note (and optionally evidence).
    Results(fieldwork::ResultsArgs),
    /// Write up deviations of the live sample as an exception.
    Exception(fieldwork::ExceptionArgs),
    /// Record management's response to an exception, or that management declined to respond.
    Response(fieldwork::ResponseArgs),
    /// Record the conclusion on a control.
    Conclude(fieldwork::ConcludeArgs),
    /// Sign a workpaper as preparer or reviewer; refused, with the list, until it may be signed.
    Sign(fieldwork::SignArgs),
    /// Withdraw a sign-off, with a reason.
    Unsign(fieldwork::UnsignArgs),
    /// Review notes: raise, respond, clear.
    #[command(subcommand)]
    Note(fieldwork::NoteCommand),
    /// A control's test procedures: list (with suggestions), add, perform. Only performed ones
    /// reach the report.
    #[command(subcommand)]
    Procedure(fieldwork::ProcedureCommand),
    /// Complementary user entity controls and subservice organisations (carved out or
    /// inclusive): list, add, remove. The report prints them with the criteria they bear on.
    #[command(subcommand)]
    Complementary(setup::ComplementaryCommand),
    /// Evaluate an exception: design or operating deviation, cause, compensating controls, and
    /// the effect on each criterion the control addresses.
    Evaluate(opinion::EvaluateArgs),
    /// The criteria in scope: list them with Tickmark's proposals, or conclude on one.
    #[command(subcommand)]
    Criteria(opinion::CriteriaCommand),
    /// Scope limitations: evidence the client did not provide that kept a control from being
    /// tested (list, add, remove).
    #[command(subcommand)]
    ScopeLimitation(opinion::LimitationCommand),
    /// The opinion: show the proposal and what is missing, or decide it (the engagement partner).
    #[command(subcommand)]
    Opinion(opinion::OpinionCommand),
    /// Designate evidence as management's assertion (Section II) or the system description
    /// (Section III) of the report.
    ReportDocument(opinion::DocumentArgs),
    /// The request list as a spreadsheet for the client: export, import what they send back,
    /// attach the files they sent.
    #[command(subcommand)]
    Requests(requests::RequestsCommand),
    /// Set a request's status (open, received, closed, not-needed or not-provided with a reason).
    Request(fieldwork::RequestArgs),
    /// List what stands between the file and completion, and what each workpaper still needs.
    Blockers(setup::FileArg),
    /// Recompute the trail's hash chain and every recorded hash; exit 1 if anything differs.
    Verify(setup::FileArg),
    /// Change the passphrase (the new one from TICKMARK_NEW_PASSPHRASE, or asked for).
    Passwd(setup::FileArg),
    /// Write an evidence file, as attached, to a path you choose.
    ExportEvidence(outputs::ExportEvidenceArgs),
    /// Write the draft report: cover, scope, Section IV by criterion, other information; as Word
    /// when --out ends in .docx, PDF otherwise.
    Report(outputs::OutArgs),
    /// Write one control's workpaper (PDF).
    Workpaper(outputs::WorkpaperArgs),
    /// Write the samples and test grids: an XLSX workbook, or a folder of CSV files.
    Export(outputs::ExportArgs),
    /// Record the documentation completion date; the file is read-only afterwards, except for
    /// addenda. Refused, with the list of blockers, while anything is unsigned or open.
    Complete(outputs::CompleteArgs),
    /// Write the archive bag (BagIt, zipped) of a completed engagement.
    Archive(outputs::OutArgs),
    /// Check an archive bag: its manifests, index, zip entries and signature (with --trust, by
    /// one of the firm's keys); with TICKMARK_PASSPHRASE set, also the engagement file inside it
    /// and the bag against it. Exit 0 intact; 1 any mismatch, each named; 2 unreadable.
    VerifyArchive(outputs::BagArg),
}

/// Who is making the change: the initials of a team member and, when they have a personal key,
/// the key (whose passphrase comes from TICKMARK_KEY_PASSPHRASE, or is asked for).
#[derive(Args)]
pub struct Who {
    /// Initials of the team member doing this.
    #[arg(long = "as", env = "TICKMARK_USER")]
    pub user: String,
    /// Their key file, if not in the usual place (~/.local/share/tickmark/INITIALS.tickmark-key).
    #[arg(long, env = "TICKMARK_KEY")]
    pub key_file: Option<PathBuf>,
    /// Why a completed file is changed: the change is made as an addendum, the reason recorded
    /// in the trail ahead of it, with who and when.
    #[arg(long, value_name = "REASON")]
    pub addendum: Option<String>,
}

/// Unlocks the personal key of `initials` from `path` (or its usual place).
pub fn unlock_key(initials: &str, path: Option<&Path>) -> Result<engagement::keys::PersonalKey, Error> {
    let path = path.map(Path::to_owned).or_else(|| engagement::keys::default_path(initials)).ok_or_else(|| Error::Invalid {
        field: "key".into(),
        message: format!("{initials} signs with a personal key: name its file with --key-file or TICKMARK_KEY"),
    })?;
    let passphrase = passphrase("TICKMARK_KEY_PASSPHRASE", &format!("Passphrase of {initials}'s key ({}): ", path.display()))?;
    engagement::keys::PersonalKey::unlock(&path, &passphrase)
}

fn main() -> ExitCode {
    let command = Cli::parse().command;
    let outcome = match command {
        Command::New(a) => setup::new(a),
        Command::Info(a) => setup::info(a),
        Command::Share(a) => team::share(a),
        Command::Join(a) => team::join(a),
        Command::Sync(a) => team::sync(a),
        Command::Take(a) => team::take(a, true),
        Command::Release(a) => team::take(a, false),
        Command::Conflicts(a) => team::conflicts(a),
        Command::Settle(a) => team::settle(a),
        Command::RollForward(a) => setup::roll_forward(a),
        Command::Key(a) => keys::key(a),
        Command::RegisterKey(a) => keys::register(a),
        Command::AddMember(a) => keys::add_member(a),
        Command::ImportPopulation(a) => setup::import_population(a),
        Command::ExplainPopulation(a) => setup::explain_population(a),
        Command::RemovePopulation(a) => setup::remove_population(a),
        Command::Sample(a) => setup::sample(a),
        Command::Blockers(a) => setup::blockers(a),
        Command::VoidSample(a) => fieldwork::void_sample(a),
        Command::ExtendSample(a) => fieldwork::extend_sample(a),
        Command::Audited(a) => fieldwork::audited(a),
        Command::Results(a) => fieldwork::results(a),
        Command::Exception(a) => fieldwork::exception(a),
        Command::Response(a) => fieldwork::response(a),
        Command::Conclude(a) => fieldwork::conclude(a),
        Command::Sign(a) => fieldwork::sign(a),
        Command::Unsign(a) => fieldwork::unsign(a),
        Command::Note(a) => fieldwork::note(a),
        Command::Procedure(a) => fieldwork::procedure(a),
        Command::Request(a) => fieldwork::request(a),
        Command::Requests(a) => requests::requests(a),
        Command::Complementary(a) => setup::complementary(a),
        Command::Evaluate(a) => opinion::evaluate(a),
        Command::Criteria(a) => opinion::criteria(a),
        Command::ScopeLimitation(a) => opinion::limitation(a),
        Command::Opinion(a) => opinion::opinion(a),
        Command::ReportDocument(a) => opinion::document(a),
        Command::Verify(a) => outputs::verify(a),
        Command::Passwd(a) => outputs::passwd(a),
        Command::ExportEvidence(a) => outputs::export_evidence(a),
        Command::Report(a) => outputs::report(a),
        Command::Workpaper(a) => outputs::workpaper(a),
        Command::Export(a) => outputs::export(a),
        Command::Complete(a) => outputs::complete(a),
        Command::Archive(a) => outputs::archive(a),
        Command::VerifyArchive(a) => outputs::verify_archive(a),
    };
    let _ = std::io::stdout().flush();
    match outcome {
        Ok(code) => code,
        Err(e @ Error::Refused { .. }) => {
            eprintln!("tickmark: {}:", e.headline());
            for line in e.missing() {
                eprintln!("  - {line}");
            }
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("tickmark: {e}");
            ExitCode::from(2)
        }
    }
}

/// Prints a line of output; a reader that stopped reading (`| head`) ends the command quietly.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

/// Reads a row's number as people write it ("7", or "30168-3" for one made on a copy of a shared
/// engagement: `engagement::model::number`), for clap.
pub fn number_of(table: &'static str) -> impl Fn(&str) -> Result<i64, String> + Clone + Send + Sync + 'static {
    move |text| engagement::model::number::parse(table, text).ok_or_else(|| format!("\"{text}\" is not a {} number (7, or 30168-3 on a shared engagement)", table.replace('_', " ")))
}

/// Opens the engagement file with the passphrase from the environment or a prompt.
pub fn open(file: &Path) -> Result<EngagementFile, Error> {
    EngagementFile::open(file, &passphrase("TICKMARK_PASSPHRASE", "Passphrase: ")?)
}

/// Opens the engagement file to change it as `who`: signed in with their key when the team
/// record gives them one.
pub fn open_as(file: &Path, who: &Who) -> Result<EngagementFile, Error> {
    let mut opened = open(file)?;
    let initials = who.user.trim().to_uppercase();
    let keyed = opened.info()?.team.iter().any(|m| m.initials == initials && m.public_key.is_some());
    if keyed {
        let key = unlock_key(&initials, who.key_file.as_deref())?;
        opened.sign_in_as(&initials, &key)?;
    } else {
        opened.set_user(&initials)?;
    }
    if let Some(reason) = &who.addendum {
        opened.begin_addendum(reason)?;
    }
    Ok(opened)
}

pub fn passphrase(var: &str, prompt: &str) -> Result<String, Error> {
    match std::env::var(var) {
        Ok(p) => Ok(p),
        Err(_) => rpassword::prompt_password(prompt).map_err(|source| Error::Io { path: "terminal".into(), source }),
    }
}

pub fn new_passphrase(var: &str) -> Result<String, Error> {
    if let Ok(p) = std::env::var(var) {
        return Ok(p);
    }
    let first = passphrase(var, "New passphrase: ")?;
    let again = passphrase(var, "Repeat it: ")?;
    if first != again {
        return Err(Error::Invalid { field: "passphrase".into(), message: "the two passphrases differ".into() });
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Clap's own checks of the command definitions (argument order, conflicts, names), which
    /// otherwise fail only when the faulty command is run.
    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
