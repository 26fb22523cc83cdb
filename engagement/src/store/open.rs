use std::fs;
use std::io::Read;
use std::path::Path;

use rusqlite::{ffi, Connection, ErrorCode, OpenFlags, TransactionBehavior};

use super::schema::{self, APPLICATION_ID, CURRENT_VERSION};
use super::EngagementFile;
use crate::error::{Error, Result};
use crate::keys::PersonalKey;
use crate::model::NewEngagement;

pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// SQLCipher 4's default page size; an intact file is a whole number of them.
const PAGE_SIZE: u64 = 4096;

/// Checks a new passphrase (of a file or a personal key): long enough, and not guessable by a
/// real strength estimate (zxcvbn, score 3 of 4 or better: "safely unguessable"), with its reason.
pub(crate) fn check_passphrase(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::invalid(
            "passphrase",
            format!("use at least {MIN_PASSPHRASE_CHARS} characters; the passphrase is the only protection of the client's data"),
        ));
    }
    let estimate = zxcvbn::zxcvbn(passphrase, &[]);
    if estimate.score() < zxcvbn::Score::Three {
        let mut reason = String::from("the passphrase is too easy to guess");
        if let Some(feedback) = estimate.feedback() {
            if let Some(warning) = feedback.warning() {
                reason.push_str(&format!(": {warning}"));
            }
            for suggestion in feedback.suggestions() {
                reason.push_str(&format!(" {suggestion}"));
            }
        }
        return Err(Error::invalid("passphrase", format!("{reason} A few unrelated words make a strong one.")));
    }
    Ok(())
}

impl EngagementFile {
    /// Creates a new engagement file. Nothing is left behind if any step fails.
    pub fn create(path: &Path, passphrase: &str, new: &NewEngagement) -> Result<Self> {
        Self::create_signed(path, passphrase, new, None)
    }

    /// Creates a new engagement file as its first team member, signed with their personal key
    /// when the team record gives them one (and refused without it).
    pub fn create_signed(path: &Path, passphrase: &str, new: &NewEngagement, key: Option<&PersonalKey>) -> Result<Self> {
        Self::create_from(path, passphrase, new, key, None)
    }

    /// The same, naming in the first trail entry the file it was rolled forward from.
    pub(crate) fn create_from(path: &Path, passphrase: &str, new: &NewEngagement, key: Option<&PersonalKey>, rolled_from: Option<&str>) -> Result<Self> {
        check_passphrase(passphrase)?;
        let categories = new.validate()?;
        let creator = &new.team[0];
        match (&creator.public_key, key) {
            (Some(public), Some(key)) if *public == key.public_key() => {}
            (Some(public), _) => {
                return Err(Error::invalid(
                    "key",
                    format!("{} creates the file and has a personal key (fingerprint {}): create it signed in with that key", creator.initials, crate::keys::fingerprint(public)),
                ))
            }
            (None, Some(_)) => return Err(Error::invalid("key", format!("{}, who creates the file, has no public key in the team record", creator.initials))),
            (None, None) => {}
        }
        if path.exists() {
            return Err(Error::AlreadyExists { path: path.to_owned() });
        }
        let created = (|| {
            let conn = keyed_connection(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, passphrase)?;
            owner_only(path)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            let mut file =
                EngagementFile { conn, path: path.to_owned(), user: Some(creator.initials.trim().to_uppercase()), signer: key.cloned(), addendum: None, for_partner: Default::default() };
            {
                let tx = file.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                schema::migrate(&tx, 0)?;
                tx.commit()?;
            }
            file.write(|w| crate::engagement_info::initialise(w, new, &categories, rolled_from))?;
            Ok(file)
        })();
        if created.is_err() {
            remove_unfinished(path);
        }
        created
    }

    /// Opens an existing engagement file, upgrading its schema if it was made by an earlier
    /// version. Every refusal leaves the file's bytes exactly as they were.
    pub fn open(path: &Path, passphrase: &str) -> Result<Self> {
        let first_page = precheck(path)?;
        let conn = keyed_connection(path, OpenFlags::SQLITE_OPEN_READ_WRITE, passphrase)?;
        let classify = |e: rusqlite::Error| classify_open_error(path, &first_page, e);

        let (app_id, version): (i32, i64) = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
            .and_then(|()| {
                Ok((
                    conn.pragma_query_value(None, "application_id", |r| r.get(0))?,
                    conn.pragma_query_value(None, "user_version", |r| r.get(0))?,
                ))
            })
            .map_err(classify)?;
        if app_id != APPLICATION_ID {
            return Err(Error::NotAnEngagement {
                path: path.to_owned(),
                detail: "an encrypted database that Tickmark did not make".into(),
            });
        }
        if version > CURRENT_VERSION {
            return Err(Error::NewerSchema { path: path.to_owned(), found: version, supported: CURRENT_VERSION });
        }
        // The key has decrypted the first page, so any failure from here on is damage.
        check_whole(path, &conn).map_err(|e| match e {
            Error::Sqlite(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) => Error::InUse { path: path.to_owned() },
            Error::Sqlite(_) => Error::Damaged {
                path: path.to_owned(),
                detail: "parts of it are missing or overwritten; it may be truncated or corrupted".into(),
            },
            other => other,
        })?;

        conn.pragma_update(None, "journal_mode", "WAL").map_err(classify)?;
        let mut file = EngagementFile { conn, path: path.to_owned(), user: None, signer: None, addendum: None, for_partner: Default::default() };
        // Taking the write lock now, in exclusive locking mode, keeps it until close: a second
        // process gets "in use" instead of writing beside us.
        let tx = file.conn.transaction_with_behavior(TransactionBehavior::Exclusive).map_err(classify)?;
        schema::migrate(&tx, version)?;
        tx.commit()?;
        Ok(file)
    }
}

/// Opens `path` and sets the key and settings. Setting the key has very rarely failed ("An
/// error occurred with PRAGMA key") in parallel test runs under load, never when repeated; a
/// fresh connection then succeeds, so a failed attempt is retried twice before it is reported.
fn keyed_connection(path: &Path, flags: OpenFlags, passphrase: &str) -> Result<Connection> {
    let mut attempt = 0;
    loop {
        let conn = Connection::open_with_flags(path, flags).map_err(|e| io_or_sqlite(path, e))?;
        match configure(&conn, passphrase) {
            Ok(()) => return Ok(conn),
            Err(e) if attempt == 2 => return Err(e),
            Err(_) => {
                drop(conn);
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
        }
    }
}

/// Makes a new engagement file readable and writable by its owner only (on Unix), before
/// anything is written to it; SQLite gives its -wal the same mode.
pub(crate) fn owner_only(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    }
    Ok(())
}

/// Removes a file this program was creating and did not finish, with its WAL and journal:
/// only ever a file that `create` made moments ago, never one the auditor opened.
pub(crate) fn remove_unfinished(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Settings that must precede the first read: the key, and keeping every byte of engagement
/// data out of plaintext temp files and shared-memory files.
fn configure(conn: &Connection, passphrase: &str) -> Result<()> {
    // SQLCipher reports a wrong key on stderr as well as through the API; the API is enough.
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    conn.pragma_update(None, "key", passphrase)?;
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "secure_delete", true)?;
    conn.busy_timeout(std::time::Duration::ZERO)?;
    Ok(())
}

/// Refusals that need only the file's length and first bytes.
fn precheck(path: &Path) -> Result<Vec<u8>> {
    let io = |source| Error::Io { path: path.to_owned(), source };
    let mut file = fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let mut first_page = Vec::with_capacity(PAGE_SIZE as usize);
    file.by_ref().take(PAGE_SIZE).read_to_end(&mut first_page).map_err(io)?;
    let not = |detail: &str| Err(Error::NotAnEngagement { path: path.to_owned(), detail: detail.into() });
    if len == 0 {
        return not("the file is empty");
    }
    if first_page.starts_with(b"SQLite format 3\0") {
        return not("an unencrypted SQLite database");
    }
    if looks_like_text(&first_page) {
        return not("it holds text, not an encrypted engagement");
    }
    if len % PAGE_SIZE != 0 {
        return Err(Error::Damaged {
            path: path.to_owned(),
            detail: format!("{len} bytes is not a whole number of {PAGE_SIZE}-byte pages; the file looks truncated"),
        });
    }
    Ok(first_page)
}

/// Encrypted pages are indistinguishable from random bytes; a document, CSV or log is not.
fn looks_like_text(bytes: &[u8]) -> bool {
    let printable = bytes.iter().filter(|b| b.is_ascii_graphic() || b.is_ascii_whitespace()).count();
    !bytes.is_empty() && printable * 10 >= bytes.len() * 9
}

/// A truncated file can still decrypt its first page; the header's page count then says more
/// pages than the file holds. Skipped while a WAL holds pages not yet written back.
fn check_whole(path: &Path, conn: &Connection) -> Result<()> {
    let wal_len = fs::metadata(format!("{}-wal", path.display())).map(|m| m.len()).unwrap_or(0);
    if wal_len == 0 {
        let pages: i64 = conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
        let pages = pages as u64;
        let len = fs::metadata(path).map_err(|source| Error::Io { path: path.to_owned(), source })?.len();
        if pages * PAGE_SIZE > len {
            return Err(Error::Damaged {
                path: path.to_owned(),
                detail: format!("it should hold {pages} pages but has only {}; the file looks truncated", len / PAGE_SIZE),
            });
        }
    }
    let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(Error::Damaged { path: path.to_owned(), detail: format!("integrity check: {check}") });
    }
    Ok(())
}

fn classify_open_error(path: &Path, first_page: &[u8], e: rusqlite::Error) -> Error {
    let path = path.to_owned();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) if looks_like_text(first_page) => {
            Error::NotAnEngagement { path, detail: "it holds text, not an encrypted engagement".into() }
        }
        Some(ErrorCode::NotADatabase) => Error::WrongPassphrase { path },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::InUse { path },
        Some(ErrorCode::DatabaseCorrupt) => {
            Error::Damaged { path, detail: "parts of it are missing or overwritten; it may be truncated or corrupted".into() }
        }
        _ => Error::Sqlite(e),
    }
}

fn io_or_sqlite(path: &Path, e: rusqlite::Error) -> Error {
    match e {
        rusqlite::Error::SqliteFailure(ffi::Error { code: ErrorCode::CannotOpen, .. }, _) => Error::Io {
            path: path.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "the file cannot be opened"),
        },
        other => Error::Sqlite(other),
    }
}
