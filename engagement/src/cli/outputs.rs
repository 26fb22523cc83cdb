//! What leaves the file, and the checks of what left: verify, report, workpaper, export,
//! export-evidence, complete, archive, verify-archive, passwd.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use engagement::output::write_new;
use engagement::Error;

use crate::setup::FileArg;
use crate::{new_passphrase, open, open_as, say, Who};

#[derive(Args)]
pub struct OutArgs {
    file: PathBuf,
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct WorkpaperArgs {
    file: PathBuf,
    /// Reference of the control, e.g. CC8.1-01.
    #[arg(long)]
    control: String,
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct ExportArgs {
    file: PathBuf,
    /// The workbook to write, one sheet per control.
    #[arg(long, required_unless_present = "csv")]
    xlsx: Option<PathBuf>,
    /// A new folder to hold one CSV file per control.
    #[arg(long)]
    csv: Option<PathBuf>,
}

#[derive(Args)]
pub struct ExportEvidenceArgs {
    file: PathBuf,
    /// Evidence number, as `info` lists it.
    #[arg(long, value_parser = crate::number_of("evidence"))]
    id: i64,
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct CompleteArgs {
    file: PathBuf,
    /// The completion date, e.g. 2026-11-15.
    #[arg(long)]
    on: chrono::NaiveDate,
    #[command(flatten)]
    who: Who,
}

#[derive(Args)]
pub struct BagArg {
    bag: PathBuf,
    /// A file of the public keys (hex, one per line; # starts a comment) whose signature the
    /// firm accepts: a bag not signed by one of them is a mismatch.
    #[arg(long)]
    trust: Option<PathBuf>,
}

pub fn verify(a: FileArg) -> Result<ExitCode, Error> {
    let file = open(&a.file)?;
    let result = file.verify()?;
    file.close()?;
    say!("{} trail entries, head {}", result.entries, result.head);
    for changed in &result.changed_since_signed {
        say!("not covered by a signature: {changed}");
    }
    if result.is_intact() {
        say!("intact: the trail, the evidence and the populations match their recorded hashes");
        return Ok(ExitCode::SUCCESS);
    }
    for problem in &result.problems {
        say!("MISMATCH: {problem}");
    }
    Ok(ExitCode::from(1))
}

pub fn passwd(a: FileArg) -> Result<ExitCode, Error> {
    let mut file = open(&a.file)?;
    let passphrase = new_passphrase("TICKMARK_NEW_PASSPHRASE")?;
    file.change_passphrase(&passphrase)?;
    file.close()?;
    say!("passphrase changed");
    Ok(ExitCode::SUCCESS)
}

pub fn export_evidence(a: ExportEvidenceArgs) -> Result<ExitCode, Error> {
    let file = open(&a.file)?;
    let mut target = std::fs::File::create_new(&a.out).map_err(|source| Error::Io { path: a.out.clone(), source })?;
    file.write_evidence(a.id, &mut target)?;
    file.close()?;
    say!("wrote {}", a.out.display());
    Ok(ExitCode::SUCCESS)
}

pub fn report(a: OutArgs) -> Result<ExitCode, Error> {
    let file = open(&a.file)?;
    write_new(&a.out, &file.report_for(&a.out)?)?;
    file.close()?;
    say!("wrote {}", a.out.display());
    Ok(ExitCode::SUCCESS)
}

pub fn workpaper(a: WorkpaperArgs) -> Result<ExitCode, Error> {
    let file = open(&a.file)?;
    let control = file.control_by_reference(&a.control)?;
    write_new(&a.out, &file.workpaper_pdf(control.id)?)?;
    file.close()?;
    say!("wrote {}", a.out.display());
    Ok(ExitCode::SUCCESS)
}

pub fn export(a: ExportArgs) -> Result<ExitCode, Error> {
    let file = open(&a.file)?;
    if let Some(out) = a.xlsx {
        write_new(&out, &file.samples_xlsx()?)?;
        say!("wrote {}", out.display());
    }
    if let Some(dir) = a.csv {
        std::fs::create_dir(&dir).map_err(|source| Error::Io { path: dir.clone(), source })?;
        for (name, bytes) in file.samples_csv()? {
            write_new(&dir.join(name), &bytes)?;
        }
        say!("wrote {}", dir.display());
    }
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn complete(a: CompleteArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    file.complete(a.on)?;
    file.close()?;
    say!("documentation completed on {}; the file is now read-only except for addenda", a.on);
    Ok(ExitCode::SUCCESS)
}

pub fn archive(a: OutArgs) -> Result<ExitCode, Error> {
    let file = open(&a.file)?;
    let summary = file.archive(&a.out, &mut engagement::progress::silent)?;
    file.close()?;
    say!("wrote {}: {} files, {} bytes, trail head {}", a.out.display(), summary.files, summary.bytes, summary.trail_head);
    Ok(ExitCode::SUCCESS)
}

pub fn verify_archive(a: BagArg) -> Result<ExitCode, Error> {
    let passphrase = std::env::var("TICKMARK_PASSPHRASE").ok();
    let trusted: Vec<String> = match &a.trust {
        None => Vec::new(),
        Some(path) => std::fs::read_to_string(path)
            .map_err(|source| Error::Io { path: path.clone(), source })?
            .lines()
            .map(|l| l.split('#').next().unwrap_or_default().trim().to_owned())
            .filter(|l| !l.is_empty())
            .map(|l| engagement::keys::check_public_key(&l))
            .collect::<Result<_, _>>()?,
    };
    let check = engagement::archive::verify_archive(&a.bag, passphrase.as_deref(), &trusted)?;
    say!("{} payload files, {} bytes", check.payload_files, check.payload_bytes);
    match &check.signer {
        Some((who, fingerprint)) => say!("signed by {who}, key {fingerprint}"),
        None => say!("not signed: whoever wrote it had no personal key"),
    }
    for (label, value) in &check.info {
        say!("  {label}: {value}");
    }
    match &check.trail {
        Some(trail) => {
            say!("engagement file: {} trail entries, head {}", trail.entries, trail.head);
            for problem in &trail.problems {
                say!("MISMATCH: inside the engagement file: {problem}");
            }
        }
        None => say!("engagement file not opened: set TICKMARK_PASSPHRASE to check its trail"),
    }
    for problem in &check.problems {
        say!("MISMATCH: {problem}");
    }
    if !check.is_intact() {
        return Ok(ExitCode::from(1));
    }
    say!("intact: every file matches the manifests and the index");
    Ok(ExitCode::SUCCESS)
}
