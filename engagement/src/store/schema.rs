//! Versioned schema. Each migration runs inside the one IMMEDIATE transaction that opening a file
//! takes, and `user_version` is set last, so a file is always at a whole version. Files made by
//! earlier versions are kept in `fixtures/schema/` and upgraded by a test.

use rusqlite::Transaction;

use crate::error::Result;

/// Marks a SQLite file as a Tickmark engagement ("TKMK").
pub const APPLICATION_ID: i32 = 0x544B_4D4B;

const MIGRATIONS: &[&str] = &[include_str!("schema_v1.sql"), include_str!("schema_v2.sql"), include_str!("schema_v3.sql"), include_str!("schema_v4.sql"), include_str!("schema_v5.sql"), include_str!("schema_v6.sql")];

pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings a file at `from` up to `CURRENT_VERSION`. The caller has already refused newer files.
pub fn migrate(tx: &Transaction, from: i64) -> Result<()> {
    for sql in &MIGRATIONS[from as usize..] {
        tx.execute_batch(sql)?;
    }
    if from < CURRENT_VERSION {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", CURRENT_VERSION)?;
    }
    Ok(())
}
