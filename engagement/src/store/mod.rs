//! The `.tickmark` file: SQLite encrypted by SQLCipher 4 with its default key derivation, so that
//! any SQLCipher 4 client given the passphrase can still read an archived file years from now.
//!
//! Opening never writes until the file is known to be an engagement of a version we understand,
//! and nothing here ever deletes or "repairs" a file it cannot open: under SQLCipher a wrong
//! passphrase and a damaged file look alike, and the auditor's evidence is in there.

mod open;
pub mod schema;

use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::trail;

pub(crate) use open::remove_unfinished;
pub use open::MIN_PASSPHRASE_CHARS;

/// An open engagement file. Reads take `&self`; every change takes `&mut self` and runs as one
/// transaction that also appends its trail entries.
pub struct EngagementFile {
    conn: Connection,
    path: PathBuf,
    user: Option<String>,
    /// Set while an addendum runs: the only writes allowed after documentation completion.
    pub(crate) in_addendum: bool,
}

impl EngagementFile {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Who the changes that follow are recorded against: the initials of a team member.
    pub fn set_user(&mut self, initials: &str) -> Result<()> {
        let initials = initials.trim().to_uppercase();
        let known: bool = self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM team_member WHERE upper(initials) = ?1)",
            [&initials],
            |r| r.get(0),
        )?;
        if !known {
            return Err(Error::invalid("user", format!("{initials} is not on this engagement's team")));
        }
        self.user = Some(initials);
        Ok(())
    }

    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// Runs `change` as one IMMEDIATE transaction: all of it lands, with its trail, or none of it.
    pub(crate) fn write<T>(&mut self, change: impl FnOnce(&Writer) -> Result<T>) -> Result<T> {
        let user = self
            .user
            .clone()
            .ok_or_else(|| Error::invalid("user", "choose who you are before making changes"))?;
        if !self.in_addendum {
            crate::completion::ensure_not_completed(&self.conn)?;
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let writer = Writer { tx, user, at: now() };
        let out = change(&writer)?;
        writer.tx.commit()?;
        Ok(out)
    }

    /// Re-encrypts the whole file under a new passphrase.
    pub fn change_passphrase(&mut self, new_passphrase: &str) -> Result<()> {
        open::check_passphrase(new_passphrase)?;
        self.conn.pragma_update(None, "rekey", new_passphrase)?;
        Ok(())
    }

    /// Closes the file, checkpointing the WAL into it so the file alone is complete.
    pub fn close(self) -> Result<()> {
        self.conn.close().map_err(|(_, e)| Error::Sqlite(e))
    }
}

/// The open transaction of one user action, and who and when it is recorded against.
pub(crate) struct Writer<'c> {
    tx: Transaction<'c>,
    pub user: String,
    pub at: String,
}

impl Writer<'_> {
    pub fn tx(&self) -> &Transaction<'_> {
        &self.tx
    }

    /// The row as the trail records it, or None where there is no such row.
    pub fn snapshot(&self, table: &str, id: i64) -> Result<Option<Value>> {
        trail::row_json(&self.tx, table, id)
    }

    /// Appends a trail entry for `table`/`id`, taking the row as it now stands as "after".
    pub fn record(&self, action: &str, table: &str, id: i64, before: Option<Value>) -> Result<()> {
        let after = self.snapshot(table, id)?;
        trail::append(&self.tx, &self.at, &self.user, action, table, id, before.as_ref(), after.as_ref())
    }
}

/// A unit-like enum as the snake_case word it is stored as ("pass", "not_effective").
pub(crate) fn enum_text<T: serde::Serialize>(value: T) -> Result<String> {
    Ok(serde_json::to_value(value)?.as_str().unwrap_or_default().to_owned())
}

pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl EngagementFile {
    /// Checks the file against its trail and recorded hashes, re-performs every sample, and
    /// derives every derived seed again from what it was derived from.
    pub fn verify(&self) -> Result<crate::verify::Verification> {
        let mut result = crate::verify::verify(&self.conn)?;
        for sample in self.samples(None)? {
            let same = match self.reperform_sample(sample.id) {
                Ok(same) => same,
                Err(Error::Sampling(_)) => false,
                Err(other) => return Err(other),
            };
            if !same {
                result.problems.push(format!("sample {} does not re-perform: its population or its record was changed", sample.id));
            }
            result.problems.extend(self.seed_problems(&sample)?);
        }
        Ok(result)
    }
}
