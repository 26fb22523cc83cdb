//! Setting an engagement up and its populations and samples: new, info, import-population,
//! explain-population, remove-population, sample, blockers.

use engagement::model::number::label;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use engagement::model::Examination;
use engagement::population::{ColumnMapping, Findings};
use engagement::sample::{SampleMethod, SampleRequest, SizeRequest, StratifyBy};
use engagement::spec::EngagementSpec;
use engagement::{EngagementFile, Error};

use crate::{new_passphrase, open, open_as, say, Who};

#[derive(Args)]
pub struct FileArg {
    pub file: PathBuf,
}

#[derive(Args)]
pub struct NewArgs {
    /// The engagement file to create.
    file: PathBuf,
    /// The JSON description of the engagement, its controls, requests and populations.
    #[arg(long)]
    spec: PathBuf,
    /// The key file of the first team member, who creates the file, when the description gives
    /// them a public key (its passphrase from TICKMARK_KEY_PASSPHRASE, or asked for).
    #[arg(long, env = "TICKMARK_KEY")]
    key_file: Option<PathBuf>,
}

#[derive(Args)]
pub struct RollForwardArgs {
    /// This year's engagement file (completed, unless --from-incomplete).
    file: PathBuf,
    /// Next year's file, to be created.
    #[arg(long)]
    out: PathBuf,
    /// Next year's period (a Type 2): its first and last days.
    #[arg(long, requires = "period_end", conflicts_with = "as_of")]
    period_start: Option<chrono::NaiveDate>,
    #[arg(long, requires = "period_start")]
    period_end: Option<chrono::NaiveDate>,
    /// Next year's date (a Type 1).
    #[arg(long, required_unless_present = "period_start")]
    as_of: Option<chrono::NaiveDate>,
    /// Roll forward a file whose documentation is not completed.
    #[arg(long)]
    from_incomplete: bool,
    #[command(flatten)]
    who: Who,
}

#[derive(Args)]
pub struct ImportArgs {
    file: PathBuf,
    /// Reference of the control, e.g. CC6.2-01.
    #[arg(long)]
    control: String,
    /// The listing to import.
    #[arg(long)]
    source: PathBuf,
    /// Column holding each item's unique key.
    #[arg(long)]
    key: String,
    /// Column holding each item's date.
    #[arg(long)]
    date: Option<String>,
    /// Column holding each item's amount.
    #[arg(long)]
    amount: Option<String>,
    /// Column to stratify by.
    #[arg(long)]
    stratum: Option<String>,
    /// Where the listing came from: system, query, who ran it and when.
    #[arg(long, default_value = "")]
    description: String,
    /// What the items are called in the report, e.g. "change tickets".
    #[arg(long)]
    item_type: Option<String>,
    #[command(flatten)]
    who: Who,
}

#[derive(Args)]
pub struct ExplainArgs {
    file: PathBuf,
    /// Population number, as `info` lists it.
    #[arg(long, value_parser = crate::number_of("population"))]
    population: i64,
    /// Why items dated outside the period are in the listing.
    #[arg(long)]
    text: String,
    #[command(flatten)]
    who: Who,
}

#[derive(Args)]
pub struct RemoveArgs {
    file: PathBuf,
    /// Population number, as `info` lists it.
    #[arg(long, value_parser = crate::number_of("population"))]
    population: i64,
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    who: Who,
}

#[derive(Args)]
pub struct SampleArgs {
    file: PathBuf,
    #[arg(long)]
    control: String,
    /// Population number, as `info` lists it; by default the control's latest in use.
    #[arg(long, value_parser = crate::number_of("population"))]
    population: Option<i64>,
    #[arg(long, value_enum, default_value = "simple-random")]
    method: MethodArg,
    /// A number of items (of hits, for monetary-unit methods), or "table" for the firm's
    /// frequency table, or "attribute" for statistical attribute sampling (with --confidence,
    /// --tolerable, --expected), or "monetary" for a monetary-unit sample sized from
    /// --tolerable-amount and --expected-amount at --confidence.
    #[arg(long, default_value = "table")]
    size: String,
    /// The misstatement that can be tolerated, for --size monetary (e.g. 50000.00).
    #[arg(long)]
    tolerable_amount: Option<String>,
    /// The misstatement expected, for --size monetary (e.g. 5000.00; 0 by default).
    #[arg(long, default_value = "0")]
    expected_amount: String,
    /// Why a number of items was set by hand.
    #[arg(long, default_value = "")]
    reason: String,
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    #[arg(long, default_value_t = 0.05)]
    tolerable: f64,
    #[arg(long, default_value_t = 0.0)]
    expected: f64,
    #[arg(long, value_enum, default_value = "binomial")]
    model: ModelArg,
    /// An explicit seed (64 hex digits), recorded as chosen; by default it is derived.
    #[arg(long)]
    seed: Option<String>,
    /// Why the explicit seed was chosen (required with --seed).
    #[arg(long)]
    seed_reason: Option<String>,
    /// Show the size, its reasoning and the seed, and draw nothing.
    #[arg(long)]
    plan: bool,
    #[command(flatten)]
    who: Who,
}

#[derive(Clone, Copy, ValueEnum)]
enum MethodArg {
    SimpleRandom,
    Systematic,
    Cell,
    StratifiedColumn,
    StratifiedMonth,
    StratifiedQuarter,
    MusFixed,
    MusCell,
}

impl MethodArg {
    fn method(self) -> SampleMethod {
        let stratified = |by| SampleMethod::Stratified { by, counts: None };
        match self {
            MethodArg::SimpleRandom => SampleMethod::SimpleRandom,
            MethodArg::Systematic => SampleMethod::Systematic,
            MethodArg::Cell => SampleMethod::Cell,
            MethodArg::StratifiedColumn => stratified(StratifyBy::Column),
            MethodArg::StratifiedMonth => stratified(StratifyBy::Month),
            MethodArg::StratifiedQuarter => stratified(StratifyBy::Quarter),
            MethodArg::MusFixed => SampleMethod::MonetaryUnit { variant: sampling::MusVariant::Fixed },
            MethodArg::MusCell => SampleMethod::MonetaryUnit { variant: sampling::MusVariant::Cell },
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ModelArg {
    Binomial,
    Poisson,
    Hypergeometric,
}

pub fn new(a: NewArgs) -> Result<ExitCode, Error> {
    let spec = EngagementSpec::read(&a.spec)?;
    // The first member creates the file, signed with their key if the team record has one.
    let key = match spec.team.first() {
        Some(m) if m.public_key.is_some() => Some(crate::unlock_key(&m.initials.trim().to_uppercase(), a.key_file.as_deref())?),
        _ => None,
    };
    let passphrase = new_passphrase("TICKMARK_PASSPHRASE")?;
    let created = EngagementFile::create_from_spec_signed(&a.file, &passphrase, &a.spec, key.as_ref())?;
    let overview = created.overview()?;
    say!("created {} ({} controls)", a.file.display(), overview.controls.len());
    created.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn info(a: FileArg) -> Result<ExitCode, Error> {
    let file = open(&a.file)?;
    let o = file.overview()?;
    say!("{} — {}", o.info.client, o.info.system);
    say!("{}", o.info.examination.describe());
    say!("identity (seeds are derived from it): {}", o.info.identity());
    say!("categories: {}", o.info.categories.iter().map(|c| c.title()).collect::<Vec<_>>().join(", "));
    for m in &o.info.team {
        let key = m.public_key.as_deref().map_or("no personal key".to_owned(), |k| format!("key {}", engagement::keys::fingerprint(k)));
        say!("team: {} ({}, {:?}), {key}", m.name, m.initials, m.role);
    }
    say!("controls: {}", o.controls.len());
    for c in file.controls()?.iter().filter(|c| c.assigned_to.is_some()) {
        say!("control {}: assigned to {}", c.reference, c.assigned_to.as_deref().unwrap_or_default());
    }
    if let Some(folder) = file.shared_folder()? {
        say!("shared through {}", folder.display());
    }
    for p in file.populations(None)? {
        let removed = p.removed.as_ref().map(|r| format!(" — removed: {}", r.reason)).unwrap_or_default();
        say!("population {}: {} rows, {} [{}]{removed}", label("population", p.id), p.row_count, p.source_name, &p.fingerprint[..16]);
    }
    for e in file.evidence()? {
        say!("evidence {} ({}): {} ({} bytes, SHA-256 {})", label("evidence", e.id), e.reference(), e.name, e.size, e.sha256);
    }
    say!("open requests: {}, trail entries: {}", o.open_requests, o.trail_entries);
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn import_population(a: ImportArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let control_id = file.control_by_reference(&a.control)?.id;
    let mapping = ColumnMapping { key: a.key, date: a.date, amount: a.amount, stratum: a.stratum };
    let id = file.import_population(control_id, &a.source, &mapping, &a.description, &mut |rows| {
        eprint!("\r{rows} rows");
        true
    })?;
    eprintln!();
    if let Some(item_type) = &a.item_type {
        file.set_item_type(id, item_type)?;
    }
    let p = file.population(id)?;
    say!("imported population {}: {} rows from {}", label("population", id), p.row_count, p.source_name);
    say!("  source SHA-256  {}", p.source_sha256);
    say!("  fingerprint     {}", p.fingerprint);
    print_findings(&p.findings);
    if let Some(blocker) = p.sampling_blocker() {
        say!("  before sampling: {blocker}");
    }
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn explain_population(a: ExplainArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    file.explain_out_of_period(a.population, &a.text)?;
    say!("population {}: the items outside the period are explained", label("population", a.population));
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn remove_population(a: RemoveArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    file.remove_population(a.population, &a.reason)?;
    say!("population {} removed: {}", label("population", a.population), a.reason.trim());
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn sample(a: SampleArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let control = file.control_by_reference(&a.control)?;
    let population_id = match a.population {
        Some(id) => id,
        None => file.populations(Some(control.id))?.into_iter().rfind(|p| p.removed.is_none()).map(|p| p.id).ok_or_else(|| Error::Invalid {
            field: "population".into(),
            message: format!("{} has no population in use; import one first", control.reference),
        })?,
    };
    let size = match a.size.as_str() {
        "table" => SizeRequest::FrequencyTable,
        "attribute" => SizeRequest::Attribute {
            plan: sampling::AttributePlan {
                confidence: a.confidence,
                tolerable_rate: a.tolerable,
                expected_rate: a.expected,
                population: None,
                model: match a.model {
                    ModelArg::Binomial => sampling::Model::Binomial,
                    ModelArg::Poisson => sampling::Model::Poisson,
                    ModelArg::Hypergeometric => sampling::Model::Hypergeometric,
                },
            },
        },
        "monetary" => SizeRequest::Monetary {
            tolerable_cents: engagement::population::cents("tolerable-amount", a.tolerable_amount.as_deref().unwrap_or_default())?.max(0) as u64,
            expected_cents: engagement::population::cents("expected-amount", &a.expected_amount)?.max(0) as u64,
            confidence: a.confidence,
        },
        n => SizeRequest::Fixed {
            n: n.parse().map_err(|_| Error::Invalid { field: "size".into(), message: format!("\"{n}\" is not a number of items, \"table\" or \"attribute\"") })?,
            reason: a.reason,
        },
    };
    let request = SampleRequest { control_id: control.id, population_id, method: a.method.method(), size, seed: a.seed, seed_reason: a.seed_reason };
    let plan = file.plan_sample(&request)?;
    match plan.hits {
        true => say!("{} hits from {} items by {}", plan.size, plan.population_size, plan.method),
        false => say!("{} of {} items by {}", plan.size, plan.population_size, plan.method),
    }
    say!("  size            {}", plan.reasoning);
    say!("  seed            {} ({})", plan.seed, if plan.seed_derived { "derived" } else { "explicit" });
    if a.plan {
        say!("plan only: nothing was drawn");
        file.close()?;
        return Ok(ExitCode::SUCCESS);
    }
    let id = file.draw_sample(&request)?;
    let sample = file.sample(id)?;
    say!("drew sample {}: {} items from population {}", label("sample", id), sample.selection.items.len(), label("population", population_id));
    say!("  #   row    key");
    for (position, item) in file.population_items_at(population_id, &sample.selection.items)?.iter().enumerate() {
        say!("  {:<3} {:<6} {}", position + 1, item.row, item.key);
    }
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

/// What stands before completion, then each workpaper's own list; exit 1 while anything does.
pub fn blockers(a: FileArg) -> Result<ExitCode, Error> {
    let file = open(&a.file)?;
    let blockers = file.completion_blockers()?;
    for control in file.controls()? {
        let wp = file.workpaper(control.id)?;
        if !wp.preparer_missing.is_empty() {
            say!("{} before the preparer signs:", control.reference);
            for m in &wp.preparer_missing {
                say!("  - {m}");
            }
        }
    }
    if blockers.is_empty() {
        say!("nothing stands before completion");
    } else {
        say!("before completion ({}):", blockers.len());
        for b in &blockers {
            say!("  - {b}");
        }
    }
    file.close()?;
    Ok(if blockers.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn print_findings(f: &Findings) {
    let lines = f.lines();
    if lines.is_empty() {
        say!("  completeness    no blank or duplicate keys; every dated item is within the period");
    }
    for line in lines {
        say!("  {line}");
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PresentedArg {
    CarvedOut,
    Inclusive,
}

#[derive(clap::Subcommand)]
pub enum ComplementaryCommand {
    /// List the complementary user entity controls (CUEC-n) and subservice organisations.
    List { file: PathBuf },
    /// Add a control user entities are expected to have, as the report will state it.
    AddCuec {
        file: PathBuf,
        #[arg(long)]
        text: String,
        /// The criteria it bears on, comma-separated (CC6.2,CC6.3).
        #[arg(long, value_delimiter = ',', required = true)]
        criteria: Vec<String>,
        #[command(flatten)]
        who: Who,
    },
    /// Add a subservice organisation; a carved-out one needs each complementary control assumed
    /// of it (--control, repeated).
    AddSubservice {
        file: PathBuf,
        #[arg(long)]
        name: String,
        /// What it provides ("hosting of the production environment").
        #[arg(long)]
        services: String,
        #[arg(long, value_enum)]
        method: PresentedArg,
        #[arg(long = "control")]
        controls: Vec<String>,
        #[arg(long, value_delimiter = ',', required = true)]
        criteria: Vec<String>,
        #[command(flatten)]
        who: Who,
    },
    /// Remove a complementary user entity control by its number (CUEC-n or n).
    RemoveCuec {
        file: PathBuf,
        #[arg(value_parser = cuec_number)]
        number: usize,
        #[command(flatten)]
        who: Who,
    },
    /// Remove a subservice organisation by name.
    RemoveSubservice {
        file: PathBuf,
        name: String,
        #[command(flatten)]
        who: Who,
    },
}

/// "CUEC-3" or "3".
fn cuec_number(s: &str) -> Result<usize, String> {
    s.trim_start_matches("CUEC-").parse().map_err(|_| format!("{s} is not a CUEC number (CUEC-3, or 3)"))
}

pub fn complementary(command: ComplementaryCommand) -> Result<ExitCode, Error> {
    use engagement::complementary::{SubserviceInput, SubserviceMethod, UserEntityControlInput};
    match command {
        ComplementaryCommand::List { file } => {
            let opened = open(&file)?;
            for c in opened.user_entity_controls()? {
                say!("CUEC-{}  [{}]  {}", c.number, c.input.criteria.join(", "), c.input.text);
            }
            for s in opened.subservices()? {
                say!("{} ({}), {}  [{}]", s.input.name, s.input.method.title().to_lowercase(), s.input.services, s.input.criteria.join(", "));
                for c in &s.input.controls {
                    say!("   - {c}");
                }
            }
            opened.close()?;
        }
        ComplementaryCommand::AddCuec { file, text, criteria, who } => {
            let mut opened = open_as(&file, &who)?;
            opened.add_user_entity_control(&UserEntityControlInput { text, criteria })?;
            let number = opened.user_entity_controls()?.len();
            say!("CUEC-{number} added");
            opened.close()?;
        }
        ComplementaryCommand::AddSubservice { file, name, services, method, controls, criteria, who } => {
            let mut opened = open_as(&file, &who)?;
            let method = match method {
                PresentedArg::CarvedOut => SubserviceMethod::CarvedOut,
                PresentedArg::Inclusive => SubserviceMethod::Inclusive,
            };
            opened.add_subservice(&SubserviceInput { name: name.clone(), services, method, controls, criteria })?;
            say!("{name} added ({})", method.title().to_lowercase());
            opened.close()?;
        }
        ComplementaryCommand::RemoveCuec { file, number, who } => {
            let mut opened = open_as(&file, &who)?;
            let found = opened.user_entity_controls()?.into_iter().find(|c| c.number == number).ok_or_else(|| Error::NotFound(format!("CUEC-{number}")))?;
            opened.remove_user_entity_control(found.id)?;
            say!("CUEC-{number} removed");
            opened.close()?;
        }
        ComplementaryCommand::RemoveSubservice { file, name, who } => {
            let mut opened = open_as(&file, &who)?;
            let found = opened.subservices()?.into_iter().find(|s| s.input.name == name).ok_or_else(|| Error::NotFound(format!("subservice organization {name}")))?;
            opened.remove_subservice(found.id)?;
            say!("{name} removed");
            opened.close()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Next year's file from this year's; its passphrase from TICKMARK_NEW_PASSPHRASE or asked for.
pub fn roll_forward(a: RollForwardArgs) -> Result<ExitCode, Error> {
    let last = open_as(&a.file, &a.who)?;
    let examination = match (a.period_start, a.period_end, a.as_of) {
        (Some(period_start), Some(period_end), _) => Examination::Type2 { period_start, period_end },
        (_, _, Some(as_of)) => Examination::Type1 { as_of },
        _ => return Err(Error::Invalid { field: "period".into(), message: "give next year's period (--period-start and --period-end) or date (--as-of)".into() }),
    };
    let initials = last.user().unwrap_or_default().to_owned();
    let keyed = last.info()?.team.iter().any(|m| m.initials == initials && m.public_key.is_some());
    let key = if keyed { Some(crate::unlock_key(&initials, a.who.key_file.as_deref())?) } else { None };
    let passphrase = new_passphrase("TICKMARK_NEW_PASSPHRASE")?;
    let next = last.roll_forward(&a.out, &passphrase, examination, key.as_ref(), a.from_incomplete)?;
    let overview = next.overview()?;
    say!("rolled forward to {} ({}): {} controls, {} requests open", a.out.display(), overview.info.examination.describe(), overview.controls.len(), overview.open_requests);
    next.close()?;
    last.close()?;
    Ok(ExitCode::SUCCESS)
}
