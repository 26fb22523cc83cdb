//! Team fieldwork through a shared folder: share, join, sync; taking a control's work.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use engagement::{EngagementFile, Error, SyncReport};

use crate::{open, open_as, passphrase, say, Who};

#[derive(Args)]
pub struct FolderArgs {
    file: PathBuf,
    /// The folder the team shares (a network share, a cloud-synced folder, a USB stick).
    #[arg(long)]
    folder: PathBuf,
}

#[derive(Args)]
pub struct JoinArgs {
    /// The shared folder an engagement was shared to.
    folder: PathBuf,
    /// The local copy to make.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct TakeArgs {
    file: PathBuf,
    /// Reference of the control, e.g. CC8.1-01.
    #[arg(long)]
    control: String,
    #[command(flatten)]
    who: Who,
}

#[derive(Args)]
pub struct SettleArgs {
    file: PathBuf,
    /// The conflict's number, as `conflicts` lists it.
    #[arg(long)]
    conflict: i64,
    /// How it was settled: which outcome stands, and why.
    #[arg(long)]
    note: String,
    #[command(flatten)]
    who: Who,
}

/// Lists the conflicts merging kept aside, settled ones with who settled them.
pub fn conflicts(a: crate::setup::FileArg) -> Result<ExitCode, Error> {
    let file = open(&a.file)?;
    let listed = file.sync_conflicts()?;
    file.close()?;
    if listed.is_empty() {
        say!("no conflicts");
    }
    for c in &listed {
        match &c.settled {
            Some(how) => say!("{}. [settled by {how}] {}", c.number, c.text),
            None => say!("{}. {}", c.number, c.text),
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn settle(a: SettleArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    file.settle_conflict(a.conflict, &a.note)?;
    file.close()?;
    say!("conflict {} settled", a.conflict);
    Ok(ExitCode::SUCCESS)
}

/// Takes the control's work (`take`) or leaves it free (`release`).
pub fn take(a: TakeArgs, taking: bool) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let control = file.control_by_reference(&a.control)?;
    if taking {
        file.take_control(control.id)?;
        say!("{} is assigned to {}", control.reference, file.user().unwrap_or_default());
    } else {
        file.release_control(control.id)?;
        say!("{} is free for anyone to take", control.reference);
    }
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn share(a: FolderArgs) -> Result<ExitCode, Error> {
    let mut file = open(&a.file)?;
    file.share(&a.folder)?;
    file.close()?;
    say!("shared to {}: teammates make their copy with `tickmark join {} --out FILE`", a.folder.display(), a.folder.display());
    Ok(ExitCode::SUCCESS)
}

pub fn join(a: JoinArgs) -> Result<ExitCode, Error> {
    let (file, report) = EngagementFile::join(&a.folder, &a.out, &passphrase("TICKMARK_PASSPHRASE", "Passphrase: ")?)?;
    file.close()?;
    say!("made {}", a.out.display());
    Ok(print(&report))
}

pub fn sync(a: FolderArgs) -> Result<ExitCode, Error> {
    let mut file = open(&a.file)?;
    let report = file.sync(&a.folder)?;
    file.close()?;
    Ok(print(&report))
}

/// Prints the report; exit 1 when a change file was refused (the rest synced).
fn print(report: &SyncReport) -> ExitCode {
    for line in report.lines() {
        say!("{line}");
    }
    if report.refused.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
