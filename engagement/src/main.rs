//! `tickmark`: the engagement file from a terminal, for scripted set-up, checks and exports.
//! Passphrases come from the environment or a prompt, never from the command line, where other
//! users of the machine and the shell history could read them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use engagement::population::ColumnMapping;
use engagement::sample::{SampleMethod, SampleRequest, SizeRequest, StratifyBy};
use engagement::spec::EngagementSpec;
use engagement::output::write_new;
use engagement::{EngagementFile, Error};

#[derive(Parser)]
#[command(name = "tickmark", version, about = "Tickmark engagement files from the command line")]
#[command(after_help = "The passphrase is read from TICKMARK_PASSPHRASE, or asked for.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create an engagement file from a JSON description (see fixtures/demo/engagement.json).
    New {
        /// The engagement file to create.
        file: PathBuf,
        /// The JSON description of the engagement, its controls, requests and populations.
        #[arg(long)]
        spec: PathBuf,
    },
    /// Show what an engagement file holds.
    Info { file: PathBuf },
    /// Import a client's listing (CSV or XLSX) as a control's population.
    ImportPopulation {
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
        /// Initials of the team member doing this.
        #[arg(long = "as", env = "TICKMARK_USER")]
        user: String,
    },
    /// Size and draw a sample from a control's population, and list the items drawn.
    Sample {
        file: PathBuf,
        #[arg(long)]
        control: String,
        /// Population number, as `info` lists it; by default the control's latest.
        #[arg(long)]
        population: Option<i64>,
        #[arg(long, value_enum, default_value = "simple-random")]
        method: MethodArg,
        /// A number of items, or "table" for the firm's frequency table, or "attribute" for
        /// statistical attribute sampling (with --confidence, --tolerable, --expected).
        #[arg(long, default_value = "table")]
        size: String,
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
        #[arg(long = "as", env = "TICKMARK_USER")]
        user: String,
    },
    /// Recompute the trail's hash chain and every recorded hash; exit 1 if anything differs.
    Verify { file: PathBuf },
    /// Change the passphrase (the new one from TICKMARK_NEW_PASSPHRASE, or asked for).
    Passwd { file: PathBuf },
    /// Write an evidence file, as attached, to a path you choose.
    ExportEvidence {
        file: PathBuf,
        /// Evidence number, as `info` lists it.
        #[arg(long)]
        id: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the draft report (PDF): cover, scope, controls, tests and results, exceptions.
    Report {
        file: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write one control's workpaper (PDF).
    Workpaper {
        file: PathBuf,
        /// Reference of the control, e.g. CC8.1-01.
        #[arg(long)]
        control: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the samples and test grids: an XLSX workbook, or a folder of CSV files.
    Export {
        file: PathBuf,
        /// The workbook to write, one sheet per control.
        #[arg(long, required_unless_present = "csv")]
        xlsx: Option<PathBuf>,
        /// A new folder to hold one CSV file per control.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// Record the documentation completion date; the file is read-only afterwards, except for
    /// addenda. Lists what blocks completion if anything does.
    Complete {
        file: PathBuf,
        /// The completion date, e.g. 2026-11-15.
        #[arg(long)]
        on: chrono::NaiveDate,
        #[arg(long = "as", env = "TICKMARK_USER")]
        user: String,
    },
    /// Write the archive bag (BagIt, zipped) of a completed engagement.
    Archive {
        file: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Check an archive bag; with TICKMARK_PASSPHRASE set, also the engagement file inside it.
    /// Exit 1 if anything differs.
    VerifyArchive { bag: PathBuf },
}

#[derive(Clone, Copy, clap::ValueEnum)]
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

#[derive(Clone, Copy, clap::ValueEnum)]
enum ModelArg {
    Binomial,
    Poisson,
    Hypergeometric,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tickmark: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::New { file, spec } => {
            EngagementSpec::read(&spec)?;
            let passphrase = new_passphrase("TICKMARK_PASSPHRASE")?;
            let created = EngagementFile::create_from_spec(&file, &passphrase, &spec)?;
            let overview = created.overview()?;
            println!("created {} ({} controls)", file.display(), overview.controls.len());
            created.close()?;
        }
        Command::Info { file } => {
            let opened = open(&file)?;
            print_info(&opened)?;
            opened.close()?;
        }
        Command::ImportPopulation { file, control, source, key, date, amount, stratum, description, user } => {
            let mut opened = open(&file)?;
            opened.set_user(&user)?;
            let control_id = opened.control_by_reference(&control)?.id;
            let mapping = ColumnMapping { key, date, amount, stratum };
            let id = opened.import_population(control_id, &source, &mapping, &description, &mut |rows| {
                eprint!("\r{rows} rows");
                true
            })?;
            eprintln!();
            let p = opened.population(id)?;
            println!("imported population {id}: {} rows from {}", p.row_count, p.source_name);
            println!("  source SHA-256  {}", p.source_sha256);
            println!("  fingerprint     {}", p.fingerprint);
            print_findings(&p.findings);
            opened.close()?;
        }
        Command::Sample { file, control, population, method, size, reason, confidence, tolerable, expected, model, seed, user } => {
            let mut opened = open(&file)?;
            opened.set_user(&user)?;
            let control = opened.control_by_reference(&control)?;
            let population_id = match population {
                Some(id) => id,
                None => opened.populations(Some(control.id))?.last().map(|p| p.id).ok_or_else(|| Error::Invalid {
                    field: "population".into(),
                    message: format!("{} has no population; import one first", control.reference),
                })?,
            };
            let size = match size.as_str() {
                "table" => SizeRequest::FrequencyTable,
                "attribute" => SizeRequest::Attribute {
                    plan: sampling::AttributePlan {
                        confidence,
                        tolerable_rate: tolerable,
                        expected_rate: expected,
                        population: None,
                        model: match model {
                            ModelArg::Binomial => sampling::Model::Binomial,
                            ModelArg::Poisson => sampling::Model::Poisson,
                            ModelArg::Hypergeometric => sampling::Model::Hypergeometric,
                        },
                    },
                },
                n => SizeRequest::Fixed {
                    n: n.parse().map_err(|_| Error::Invalid { field: "size".into(), message: format!("\"{n}\" is not a number of items, \"table\" or \"attribute\"") })?,
                    reason,
                },
            };
            let id = opened.draw_sample(&SampleRequest { control_id: control.id, population_id, method: method.method(), size, seed })?;
            let sample = opened.sample(id)?;
            println!("sample {id} of {} items from population {population_id} ({} items)", sample.selection.items.len(), sample.selection.population_size);
            println!("  seed            {} ({:?})", sample.selection.seed, sample.selection.seed_origin);
            println!("  size            {}", sample.basis.reasoning());
            println!("  #   index  key");
            for (position, item) in opened.population_items_at(population_id, &sample.selection.items)?.iter().enumerate() {
                println!("  {:<3} {:<6} {}", position + 1, item.index, item.key);
            }
            opened.close()?;
        }
        Command::Verify { file } => {
            let opened = open(&file)?;
            let result = opened.verify()?;
            opened.close()?;
            println!("{} trail entries, head {}", result.entries, result.head);
            if result.is_intact() {
                println!("intact: the trail, the evidence and the populations match their recorded hashes");
            } else {
                for problem in &result.problems {
                    println!("MISMATCH: {problem}");
                }
                return Ok(ExitCode::from(1));
            }
        }
        Command::Passwd { file } => {
            let mut opened = open(&file)?;
            let passphrase = new_passphrase("TICKMARK_NEW_PASSPHRASE")?;
            opened.change_passphrase(&passphrase)?;
            opened.close()?;
            println!("passphrase changed");
        }
        Command::ExportEvidence { file, id, out } => {
            let opened = open(&file)?;
            let mut target = std::fs::File::create_new(&out).map_err(|source| Error::Io { path: out.clone(), source })?;
            opened.write_evidence(id, &mut target)?;
            opened.close()?;
            println!("wrote {}", out.display());
        }
        Command::Report { file, out } => {
            let opened = open(&file)?;
            write_new(&out, &opened.report_pdf()?)?;
            opened.close()?;
            println!("wrote {}", out.display());
        }
        Command::Workpaper { file, control, out } => {
            let opened = open(&file)?;
            let control = opened.control_by_reference(&control)?;
            write_new(&out, &opened.workpaper_pdf(control.id)?)?;
            opened.close()?;
            println!("wrote {}", out.display());
        }
        Command::Export { file, xlsx, csv } => {
            let opened = open(&file)?;
            if let Some(out) = xlsx {
                write_new(&out, &opened.samples_xlsx()?)?;
                println!("wrote {}", out.display());
            }
            if let Some(dir) = csv {
                std::fs::create_dir(&dir).map_err(|source| Error::Io { path: dir.clone(), source })?;
                for (name, bytes) in opened.samples_csv()? {
                    write_new(&dir.join(name), &bytes)?;
                }
                println!("wrote {}", dir.display());
            }
            opened.close()?;
        }
        Command::Complete { file, on, user } => {
            let mut opened = open(&file)?;
            opened.set_user(&user)?;
            let blockers = opened.completion_blockers()?;
            if !blockers.is_empty() {
                println!("documentation cannot be completed yet; {} item(s) remain:", blockers.len());
                for blocker in &blockers {
                    println!("  {blocker}");
                }
                return Ok(ExitCode::from(1));
            }
            opened.complete(on)?;
            opened.close()?;
            println!("documentation completed on {on}; the file is now read-only except for addenda");
        }
        Command::Archive { file, out } => {
            let opened = open(&file)?;
            let summary = opened.archive(&out, &mut engagement::progress::silent)?;
            opened.close()?;
            println!("wrote {}: {} files, {} bytes, trail head {}", out.display(), summary.files, summary.bytes, summary.trail_head);
        }
        Command::VerifyArchive { bag } => {
            let passphrase = std::env::var("TICKMARK_PASSPHRASE").ok();
            let check = engagement::archive::verify_archive(&bag, passphrase.as_deref())?;
            println!("{} payload files, {} bytes", check.payload_files, check.payload_bytes);
            for (label, value) in &check.info {
                println!("  {label}: {value}");
            }
            match &check.trail {
                Some(trail) => {
                    println!("engagement file: {} trail entries, head {}", trail.entries, trail.head);
                    for problem in &trail.problems {
                        println!("MISMATCH: inside the engagement file: {problem}");
                    }
                }
                None => println!("engagement file not opened: set TICKMARK_PASSPHRASE to check its trail"),
            }
            for problem in &check.problems {
                println!("MISMATCH: {problem}");
            }
            if !check.is_intact() {
                return Ok(ExitCode::from(1));
            }
            println!("intact: every file matches the manifests and the index");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes output the user asked for, never over an existing file.
fn open(file: &Path) -> Result<EngagementFile, Error> {
    EngagementFile::open(file, &passphrase("TICKMARK_PASSPHRASE", "Passphrase: ")?)
}

fn passphrase(var: &str, prompt: &str) -> Result<String, Error> {
    match std::env::var(var) {
        Ok(p) => Ok(p),
        Err(_) => rpassword::prompt_password(prompt).map_err(|source| Error::Io { path: "terminal".into(), source }),
    }
}

fn new_passphrase(var: &str) -> Result<String, Error> {
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

fn print_info(file: &EngagementFile) -> Result<(), Error> {
    let o = file.overview()?;
    println!("{} — {}", o.info.client, o.info.system);
    println!("{}", o.info.examination.describe());
    println!("categories: {}", o.info.categories.iter().map(|c| c.title()).collect::<Vec<_>>().join(", "));
    println!("team: {}", o.info.team.iter().map(|m| format!("{} ({})", m.name, m.initials)).collect::<Vec<_>>().join(", "));
    println!("controls: {}", o.controls.len());
    for p in file.populations(None)? {
        println!("population {}: {} rows, {} [{}]", p.id, p.row_count, p.source_name, &p.fingerprint[..16]);
    }
    for e in file.evidence()? {
        println!("evidence {}: {} ({} bytes, SHA-256 {})", e.id, e.name, e.size, e.sha256);
    }
    println!("open requests: {}, trail entries: {}", o.open_requests, o.trail_entries);
    Ok(())
}

fn print_findings(f: &engagement::population::Findings) {
    let rows = |v: &[u64]| v.iter().take(20).map(u64::to_string).collect::<Vec<_>>().join(", ");
    if f.blank_keys.is_empty() && f.duplicate_keys.is_empty() && f.outside_period.is_empty() {
        println!("  completeness    no blank or duplicate keys; every dated item is within the period");
    }
    if !f.blank_keys.is_empty() {
        println!("  blank keys      {} (rows {})", f.blank_keys.len(), rows(&f.blank_keys));
    }
    if !f.duplicate_keys.is_empty() {
        println!("  duplicate keys  {} ({})", f.duplicate_keys.len(), f.duplicate_keys.iter().take(20).cloned().collect::<Vec<_>>().join(", "));
    }
    if !f.outside_period.is_empty() {
        println!("  outside period  {} (rows {})", f.outside_period.len(), rows(&f.outside_period));
    }
}
