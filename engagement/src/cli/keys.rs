//! Personal signing keys from the command line: making one, showing one's public key and
//! fingerprint (to be compared in person before it is registered), registering it on a team.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use engagement::keys::{self, PersonalKey};
use engagement::Error;

use crate::{new_passphrase, open_as, say, Who};

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Make a personal key in a new key file, sealed under a passphrase of your own
    /// (TICKMARK_KEY_PASSPHRASE, or asked for twice); prints its public key and fingerprint.
    New {
        #[arg(long)]
        name: String,
        #[arg(long)]
        initials: String,
        /// Where to write it (by default ~/.local/share/tickmark/INITIALS.tickmark-key).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print a key file's owner, public key and fingerprint (no passphrase needed).
    Show { file: PathBuf },
}

#[derive(Args)]
pub struct RegisterArgs {
    file: PathBuf,
    /// The team member whose key it is.
    #[arg(long)]
    member: String,
    /// Their public key (64 hex digits, as `tickmark key show` prints it).
    #[arg(long)]
    public_key: String,
    #[command(flatten)]
    who: Who,
}

pub fn key(command: KeyCommand) -> Result<ExitCode, Error> {
    match command {
        KeyCommand::New { name, initials, out } => {
            let path = out.or_else(|| keys::default_path(&initials)).ok_or_else(|| Error::Invalid { field: "out".into(), message: "say where to write the key file with --out".into() })?;
            if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(folder).map_err(|source| Error::Io { path: folder.to_owned(), source })?;
            }
            let key = PersonalKey::generate(&name, &initials);
            key.write(&path, &new_passphrase("TICKMARK_KEY_PASSPHRASE")?)?;
            say!("key of {} ({}) written to {}", key.name, key.initials, path.display());
            say!("public key: {}", key.public_key());
            say!("fingerprint: {}", key.fingerprint());
            Ok(ExitCode::SUCCESS)
        }
        KeyCommand::Show { file } => {
            let (name, initials, public) = keys::public_of(&file)?;
            say!("{name} ({initials})");
            say!("public key: {public}");
            say!("fingerprint: {}", keys::fingerprint(&public));
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn register(a: RegisterArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    file.register_key(&a.member, &a.public_key)?;
    say!("{}'s key is registered: fingerprint {}", a.member.trim().to_uppercase(), keys::fingerprint(a.public_key.trim()));
    file.close()?;
    Ok(ExitCode::SUCCESS)
}
