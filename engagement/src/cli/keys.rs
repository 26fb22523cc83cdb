//! Personal signing keys and the team from the command line: making a key, showing its public
//! key and fingerprint (to be compared in person before it is registered), registering it on a
//! team, adding a member to the team.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use engagement::keys::{self, PersonalKey};
use engagement::model::{Role, TeamMember};
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

#[derive(Args)]
pub struct AddMemberArgs {
    file: PathBuf,
    /// Their name as sign-offs show it.
    #[arg(long)]
    name: String,
    /// 1 to 4 letters.
    #[arg(long)]
    initials: String,
    /// staff, senior, manager or partner.
    #[arg(long, value_parser = role)]
    role: Role,
    /// Their public key, when they have one (64 hex digits, as `tickmark key show` prints it).
    #[arg(long)]
    public_key: Option<String>,
    #[command(flatten)]
    who: Who,
}

fn role(text: &str) -> Result<Role, String> {
    serde_json::from_value(text.trim().to_lowercase().into()).map_err(|_| format!("{text} is not a role: staff, senior, manager or partner"))
}

/// Adds a member to the team, as the window's Team section does (refused by the team's rule as
/// it is there).
pub fn add_member(a: AddMemberArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    file.add_team_member(&TeamMember { name: a.name, initials: a.initials, role: a.role, public_key: a.public_key })?;
    let added = file.info()?.team.pop().expect("the member just added");
    let role = serde_json::to_value(added.role)?;
    let key = added.public_key.as_deref().map(|k| format!(", key fingerprint {}", keys::fingerprint(k))).unwrap_or_default();
    say!("{} ({}, {}) is on the team{key}", added.name, added.initials, role.as_str().unwrap_or_default());
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

pub fn register(a: RegisterArgs) -> Result<ExitCode, Error> {
    let mut file = open_as(&a.file, &a.who)?;
    let initials = a.who.user.trim().to_uppercase();
    let own_first = a.member.trim().eq_ignore_ascii_case(&initials) && !file.signed_in_with_key();
    let key_file = a.who.key_file.clone().or_else(|| keys::default_path(&initials)).filter(|path| path.exists());
    match (own_first, key_file) {
        // Their own first key, from its file: registered by a change signed with it, as a shared
        // engagement needs (every change on it is signed).
        (true, Some(path)) => {
            let key = crate::unlock_key(&initials, Some(&path))?;
            if key.public_key() != a.public_key.trim().to_lowercase() {
                return Err(Error::Invalid { field: "public_key".into(), message: format!("{} holds another key (fingerprint {})", path.display(), key.fingerprint()) });
            }
            file.register_own_key(&key)?;
        }
        _ => file.register_key(&a.member, &a.public_key)?,
    }
    say!("{}'s key is registered: fingerprint {}", a.member.trim().to_uppercase(), keys::fingerprint(a.public_key.trim()));
    file.close()?;
    Ok(ExitCode::SUCCESS)
}
