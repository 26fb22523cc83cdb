//! The `.tickmark` file: SQLite encrypted by SQLCipher 4 with its default key derivation, so that
//! any SQLCipher 4 client given the passphrase can still read an archived file years from now.
//!
//! Opening never writes until the file is known to be an engagement of a version we understand,
//! and nothing here ever deletes or "repairs" a file it cannot open: under SQLCipher a wrong
//! passphrase and a damaged file look alike, and the auditor's evidence is in there.

pub(crate) mod engagement_info;
mod open;
pub mod recent;
pub mod roll_forward;
pub mod schema;
pub mod spec;

use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::keys::PersonalKey;
use crate::trail;

pub(crate) use open::{check_passphrase as check_new_passphrase, owner_only, remove_unfinished};
pub use open::MIN_PASSPHRASE_CHARS;

/// An open engagement file. Reads take `&self`; every change takes `&mut self` and runs as one
/// transaction that also appends its trail entries.
pub struct EngagementFile {
    conn: Connection,
    path: PathBuf,
    user: Option<String>,
    /// The personal key of the user, when they have one: every trail entry they write is signed.
    signer: Option<PersonalKey>,
    /// The reason of the addendum running, if one is: the only writes allowed after
    /// documentation completion.
    pub(crate) addendum: Option<String>,
    /// The public key of each member's own key made or unlocked in this session
    /// (`make_own_key`) for the engagement partner to register: what the window shows them
    /// to give her, for as long as the file is open. Unlocked, so proven theirs.
    pub(crate) for_partner: std::collections::HashMap<String, String>,
}

impl EngagementFile {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Who the changes that follow are recorded against: the initials of a team member who has
    /// no personal key. One who has a key is refused here and signs in with it
    /// ([`EngagementFile::sign_in`]): nobody works under their name without it.
    pub fn set_user(&mut self, initials: &str) -> Result<()> {
        let initials = initials.trim().to_uppercase();
        let key: Option<Option<String>> = self
            .conn
            .query_row("SELECT public_key FROM team_member WHERE upper(initials) = ?1", [&initials], |r| r.get(0))
            .optional()?;
        match key {
            None => Err(Error::invalid("user", format!("{initials} is not on this engagement's team"))),
            Some(Some(public)) => Err(Error::invalid(
                "user",
                format!("{initials} signs with a personal key (fingerprint {}): sign in with it", crate::keys::fingerprint(&public)),
            )),
            Some(None) => {
                self.seat(initials, None);
                Ok(())
            }
        }
    }

    /// Signs in with a personal key: the changes that follow are recorded against the team
    /// member whose public key it is, each trail entry signed with it.
    pub fn sign_in(&mut self, key: &PersonalKey) -> Result<()> {
        let public = key.public_key();
        let initials: Option<String> =
            self.conn.query_row("SELECT upper(initials) FROM team_member WHERE public_key = ?1", [&public], |r| r.get(0)).optional()?;
        let initials = initials.ok_or_else(|| {
            Error::invalid("key", format!("the key of {} (fingerprint {}) is not registered on this engagement's team", key.name, key.fingerprint()))
        })?;
        self.seat(initials, Some(key.clone()));
        Ok(())
    }

    /// Puts `initials` at the keyboard. An open addendum is its opener's: it ends when someone
    /// else sits down, so nobody's changes carry a reason they did not give.
    fn seat(&mut self, initials: String, signer: Option<PersonalKey>) {
        if self.user.as_deref() != Some(initials.as_str()) {
            self.addendum = None;
        }
        self.user = Some(initials);
        self.signer = signer;
    }

    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// The personal key the user signed in with, if any.
    pub(crate) fn signer(&self) -> Option<&PersonalKey> {
        self.signer.as_ref()
    }

    /// Signs in as team member `initials` with their key; refused, leaving whoever was signed
    /// in as they were, when the key is someone else's. The window and the CLI both sign in so.
    pub fn sign_in_as(&mut self, initials: &str, key: &PersonalKey) -> Result<()> {
        let (user, signer, addendum) = (self.user.clone(), self.signer.clone(), self.addendum.clone());
        self.sign_in(key)?;
        let wanted = initials.trim().to_uppercase();
        if self.user.as_deref() != Some(wanted.as_str()) {
            let holder = self.user.clone().unwrap_or_default();
            (self.user, self.signer, self.addendum) = (user, signer, addendum);
            return Err(Error::invalid("key", format!("the key given is {holder}'s, not {wanted}'s")));
        }
        Ok(())
    }

    /// Whether the user signed in with a personal key (their entries are signed).
    pub fn signed_in_with_key(&self) -> bool {
        self.signer.is_some()
    }

    /// Nobody is working: changes are refused until someone signs in.
    pub fn sign_out(&mut self) {
        self.user = None;
        self.signer = None;
        self.addendum = None;
    }

    /// After changes from other copies came in, the key the user signed in with may no longer
    /// be theirs on the team as every copy now holds it: another key was registered for them on
    /// another copy (the partner replaced one reported lost), or this copy's registration of it
    /// was kept aside (once the partner signs, she registers first keys). Nothing more is signed
    /// with it: every copy's `verify` would name what is. Under another key they are signed out,
    /// to sign in with that one; with their registration kept aside they stay at the keyboard
    /// without a key (a shared engagement takes no change so), shown its public key to give the
    /// partner, as when they made it. Says which, or None when the key stands.
    pub(crate) fn reseat(&mut self) -> Result<Option<String>> {
        let (Some(user), Some(key)) = (self.user.clone(), self.signer.clone()) else { return Ok(None) };
        let registered: Option<String> =
            self.conn.query_row("SELECT public_key FROM team_member WHERE upper(initials) = ?1", [&user], |r| r.get(0)).optional()?.flatten();
        let (public, fingerprint) = (key.public_key(), key.fingerprint());
        match registered {
            Some(standing) if standing == public => Ok(None),
            Some(standing) => {
                self.sign_out();
                Ok(Some(format!(
                    "{user} is signed out: {user}'s key on the team is now the key with fingerprint {}, registered on another copy, not the key signed in with ({fingerprint}). Sign in with that key.",
                    crate::keys::fingerprint(&standing)
                )))
            }
            None => {
                self.sign_out();
                self.seat(user.clone(), None);
                self.for_partner.insert(user.clone(), public);
                Ok(Some(format!(
                    "{user} is no longer signed in with the key with fingerprint {fingerprint}: its registration is kept aside (the conflicts list says why), and nothing more is signed with it. Give its public key, shown on the overview, to the engagement partner to register, then sign in with it."
                )))
            }
        }
    }

    /// Runs `change` as one IMMEDIATE transaction: all of it lands, with its trail, or none of it.
    /// On a shared engagement the same transaction puts its changeset, signed, in the outbox.
    pub(crate) fn write<T>(&mut self, change: impl FnOnce(&Writer) -> Result<T>) -> Result<T> {
        let user = self
            .user
            .clone()
            .ok_or_else(|| Error::invalid("user", "choose who you are before making changes"))?;
        if self.addendum.is_none() {
            crate::completion::ensure_not_completed(&self.conn)?;
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sync = crate::sync::outbox::context(&tx)?;
        let writer = Writer { tx, user, at: now(), key: self.signer.as_ref(), sync, in_addendum: self.addendum.is_some() };
        let out = {
            let capture = writer.sync.as_ref().map(|ctx| crate::sync::outbox::Capture::begin(&writer.tx, writer.key, ctx)).transpose()?;
            if let Some(reason) = &self.addendum {
                crate::completion::record_addendum(&writer, reason)?;
            }
            let out = change(&writer)?;
            if let Some(capture) = capture {
                capture.finish(&writer.tx, &writer.user)?;
            }
            out
        };
        writer.tx.commit()?;
        Ok(out)
    }

    /// Re-encrypts the whole file under a new passphrase.
    pub fn change_passphrase(&mut self, new_passphrase: &str) -> Result<()> {
        open::check_passphrase(new_passphrase)?;
        self.conn.pragma_update(None, "rekey", new_passphrase)?;
        Ok(())
    }

    /// Closes the file, checkpointing the WAL into it so the file alone is complete. When that
    /// could not be done (a full disk, say), the changes are safe in the -wal beside the file,
    /// and the error says to keep it there until the file next closes cleanly.
    pub fn close(self) -> Result<()> {
        let path = self.path.clone();
        let _ = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        let closed = self.conn.close().map_err(|(_, e)| Error::Sqlite(e));
        let wal = PathBuf::from(format!("{}-wal", path.display()));
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            return Err(Error::Unflushed { path, wal });
        }
        closed
    }
}

/// The open transaction of one user action, and who and when it is recorded against.
pub(crate) struct Writer<'c> {
    tx: Transaction<'c>,
    pub user: String,
    pub at: String,
    key: Option<&'c PersonalKey>,
    /// The copy this change is made on, when the engagement is shared.
    sync: Option<crate::sync::outbox::Context>,
    /// Whether the change is part of an addendum to the completed file.
    pub in_addendum: bool,
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
        trail::append(&self.tx, self.sync.as_ref(), &self.at, &self.user, self.key, action, table, id, before.as_ref(), after.as_ref())
    }

    /// The id a new row of `table` takes. On a shared engagement it comes from this copy's own
    /// range, so that rows added on two copies at once never share an id.
    pub fn new_id(&self, table: &str) -> Result<i64> {
        crate::sync::outbox::new_id(&self.tx, self.sync.as_ref(), table, "id")
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
    /// derives every derived seed again from what it was derived from; on a shared engagement
    /// whose folder can be reached, also that the trail holds every entry the folder does.
    pub fn verify(&self) -> Result<crate::verify::Verification> {
        let mut result = crate::verify::verify(&self.conn)?;
        result.problems.extend(self.folder_problems()?);
        for sample in self.samples(None)? {
            let same = match self.reperform_sample(sample.id) {
                Ok(same) => same,
                Err(Error::Sampling(_)) => false,
                Err(other) => return Err(other),
            };
            if !same {
                result.problems.push(format!("sample {} does not re-perform: its population or its record was changed", crate::model::number::label("sample", sample.id)));
            }
            result.problems.extend(self.seed_problems(&sample)?);
        }
        for control in self.controls()? {
            let (preparer, reviewer) = self.signoffs(control.id)?;
            for (role, signoff) in [("preparer", preparer), ("reviewer", reviewer)] {
                if let Some(s) = signoff.filter(|s| s.changed_since.is_some()) {
                    result.changed_since_signed.push(format!("{}: the work changed since {} signed as {role}", control.reference, s.initials));
                }
            }
        }
        Ok(result)
    }
}
