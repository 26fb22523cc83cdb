//! The request list exchanged with the client as a spreadsheet: written out for them, read back
//! with their statuses, dates, comments and file names, and the files they sent attached.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use engagement::output::write_new;
use engagement::Error;

use crate::{open, open_as, say, Who};

#[derive(Subcommand)]
pub enum RequestsCommand {
    /// Write the request list for the client: XLSX (status as a drop-down) or CSV.
    Export {
        file: PathBuf,
        #[arg(long, required_unless_present = "csv", conflicts_with = "csv")]
        xlsx: Option<PathBuf>,
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// Read the list the client sent back (XLSX or CSV): shows each change, then stores them
    /// all (or, with --dry-run, nothing). A malformed row refuses the whole list, naming it.
    Import {
        file: PathBuf,
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        who: Who,
    },
    /// Attach the files the client sent (a folder) to the requests whose "File names" name them.
    Attach {
        file: PathBuf,
        #[arg(long)]
        folder: PathBuf,
        /// When they were received (today by default).
        #[arg(long)]
        received_on: Option<chrono::NaiveDate>,
        #[command(flatten)]
        who: Who,
    },
}

pub fn requests(command: RequestsCommand) -> Result<ExitCode, Error> {
    match command {
        RequestsCommand::Export { file, xlsx, csv } => {
            let opened = open(&file)?;
            let (path, bytes) = match (xlsx, csv) {
                (Some(path), _) => (path, opened.request_list_xlsx()?),
                (_, Some(path)) => (path, opened.request_list_csv()?),
                (None, None) => unreachable!("clap requires one"),
            };
            write_new(&path, &bytes)?;
            say!("request list written to {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        RequestsCommand::Import { file, from, dry_run, who } => {
            let mut opened = open_as(&file, &who)?;
            let changes = if dry_run { opened.request_list_changes(&from)? } else { opened.apply_request_list(&from)? };
            for c in &changes {
                say!("{}\t{}\t{:?} -> {:?}", c.number, c.field, c.from, c.to);
            }
            say!("{} change(s) {}", changes.len(), if dry_run { "would be made; nothing stored" } else { "stored" });
            opened.close()?;
            Ok(ExitCode::SUCCESS)
        }
        RequestsCommand::Attach { file, folder, received_on, who } => {
            let mut opened = open_as(&file, &who)?;
            let report = opened.attach_client_files(&folder, received_on.unwrap_or_else(|| chrono::Local::now().date_naive()))?;
            for line in &report.attached {
                say!("attached {line}");
            }
            for line in &report.missing {
                say!("not in the folder: {line}");
            }
            for name in &report.not_named {
                say!("not named by any request, not attached: {name}");
            }
            opened.close()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
