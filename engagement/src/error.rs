//! One error type for the engagement crate. Each variant names what the auditor needs to act:
//! the file, and where input is at fault, the row and the field.

use std::path::PathBuf;

pub type Result<T> = std::result::Result<T, Error>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: the passphrase is not correct for this engagement file")]
    WrongPassphrase { path: PathBuf },

    #[error("{0}: the passphrase does not unlock this key file")]
    WrongKeyPassphrase(PathBuf),

    #[error("{path}: not a Tickmark engagement file ({detail})")]
    NotAnEngagement { path: PathBuf, detail: String },

    #[error("{path}: the engagement file is damaged ({detail}); it was left as it is")]
    Damaged { path: PathBuf, detail: String },

    #[error(
        "{path}: written by a newer version of Tickmark (file schema {found}, this program knows up to {supported}); update Tickmark to open it"
    )]
    NewerSchema { path: PathBuf, found: i64, supported: i64 },

    #[error("{path}: the engagement file is open in another window or program; close it there first")]
    InUse { path: PathBuf },

    #[error("{path}: the last changes could not be written into the file itself (is the disk full?); they are safe in {wal}: keep that file beside it until the engagement next closes without this message")]
    Unflushed { path: PathBuf, wal: PathBuf },

    #[error("{path}: a file already exists there; choose another name")]
    AlreadyExists { path: PathBuf },

    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("{file}{}{}: {message}", .row.map(|r| format!(", row {r}")).unwrap_or_default(), .column.as_ref().map(|c| format!(", column \"{c}\"")).unwrap_or_default())]
    Import { file: String, row: Option<u64>, column: Option<String>, message: String },

    #[error("{field}: {message}")]
    Invalid { field: String, message: String },

    #[error("{what} is locked: {reason}")]
    Locked { what: String, reason: String },

    /// A rule of the audit refuses the action until the listed things are done; the window and
    /// the command line show the same list.
    #[error("{}: {}", self.headline(), .missing.join("; "))]
    Refused { action: String, missing: Vec<String> },

    #[error("{0} was cancelled; nothing was kept")]
    Cancelled(String),

    #[error("{0} was not found in this engagement")]
    NotFound(String),

    #[error("sampling: {0}")]
    Sampling(#[from] sampling::Error),

    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("stored data could not be read: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid { field: field.into(), message: message.into() }
    }

    /// Refuses `action` while `missing` lists anything; Ok when it is empty.
    pub(crate) fn refuse_unless_empty(action: impl Into<String>, missing: Vec<String>) -> Result<()> {
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::Refused { action: action.into(), missing })
        }
    }

    /// What a message says before any list: for a refusal "signing CC8.1-01 as preparer is
    /// refused until 2 things are done", for anything else the whole message.
    pub fn headline(&self) -> String {
        match self {
            Error::Refused { action, missing } => {
                format!("{action} is refused until {} {} done", missing.len(), if missing.len() == 1 { "thing is" } else { "things are" })
            }
            other => other.to_string(),
        }
    }

    /// The list a refusal names, for showing one line each.
    pub fn missing(&self) -> &[String] {
        match self {
            Error::Refused { missing, .. } => missing,
            _ => &[],
        }
    }

    /// A short, stable code the UI branches on; the message is for people.
    pub fn code(&self) -> &'static str {
        match self {
            Error::WrongPassphrase { .. } => "wrong_passphrase",
            Error::WrongKeyPassphrase(_) => "wrong_key_passphrase",
            Error::NotAnEngagement { .. } => "not_an_engagement",
            Error::Damaged { .. } => "damaged",
            Error::NewerSchema { .. } => "newer_schema",
            Error::InUse { .. } => "in_use",
            Error::AlreadyExists { .. } => "already_exists",
            Error::Unflushed { .. } => "unflushed",
            Error::Io { .. } => "io",
            Error::Import { .. } => "import",
            Error::Invalid { .. } => "invalid",
            Error::Locked { .. } => "locked",
            Error::Refused { .. } => "refused",
            Error::Cancelled(_) => "cancelled",
            Error::NotFound(_) => "not_found",
            Error::Sampling(_) => "sampling",
            Error::Sqlite(_) | Error::Json(_) => "internal",
        }
    }
}
