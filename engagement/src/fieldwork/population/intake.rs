//! Turning a listing's rows into stored rows: the key trimmed, the date and amount parsed, the
//! cells as JSON, the fingerprint and the completeness checks that need only one row at a time.
//! It runs on its own thread during an import, so reading, parsing and hashing overlap with the
//! writer encrypting pages; duplicate keys are found afterwards through the file's key index,
//! which keeps memory flat whatever the row count.

use std::sync::mpsc::{Receiver, SyncSender};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::{CellAt, Findings};
use crate::error::Result;
use crate::import::{error, Source};

/// One row ready to insert.
pub(super) struct StoredRow {
    /// The row a spreadsheet shows (the header is row 1).
    pub row: u64,
    pub key: String,
    pub date: Option<String>,
    pub amount_cents: Option<i64>,
    pub stratum: Option<String>,
    pub fields: String,
}

/// Rows travel to the writer in batches: one channel hand-over per row would cost more than the
/// row's own work. The writer sends each batch back once stored, so its strings are freed and
/// reallocated on this thread: freeing another thread's allocations costs the writer time.
pub(super) const BATCH: usize = 512;

/// The channels between this thread and the writer.
pub(super) struct Pipe {
    pub to_writer: SyncSender<Vec<StoredRow>>,
    pub returned: Receiver<Vec<StoredRow>>,
}

impl Pipe {
    fn empty_batch(&self) -> Vec<StoredRow> {
        let mut batch = self.returned.try_recv().unwrap_or_else(|_| Vec::with_capacity(BATCH));
        batch.clear();
        batch
    }
}

/// Excel's own limit on the characters of one cell: a listing cell holding more is not a
/// listing's cell, and is refused before it is stored.
pub(crate) const MAX_CELL_CHARS: usize = 32_767;

/// Characters that make text read other than it is: zero-width ones, and those that change the
/// direction of the text around them.
fn hidden(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Keys seen so far, by a hash of the key with letter case and invisible characters taken out,
/// each with a hash of the key as written and its first row: 24 bytes a key, never the keys.
#[derive(Default)]
struct KeyLikeness(std::collections::HashMap<u64, (u64, u64)>);

impl KeyLikeness {
    /// The earlier row of a key that differs from `key` only by case or invisible characters.
    fn near_duplicate(&mut self, key: &str, row: u64) -> Option<u64> {
        use std::hash::BuildHasher;
        let state = std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
        let hash = |text: &str| state.hash_one(text);
        let normal: String = key.chars().filter(|c| !hidden(*c)).flat_map(char::to_lowercase).collect();
        let (written, normalised) = (hash(key), hash(normal.trim()));
        match self.0.get(&normalised) {
            Some(&(seen, first)) if seen != written => Some(first),
            Some(_) => None,
            None => {
                self.0.insert(normalised, (written, row));
                None
            }
        }
    }
}

/// Where the mapped columns are in each row, and the period items should fall within.
pub(super) struct Layout {
    pub key: usize,
    pub date: Option<usize>,
    pub amount: Option<usize>,
    pub stratum: Option<usize>,
    pub period: (NaiveDate, NaiveDate),
}

/// What the rows add up to once all are read.
pub(super) struct Summary {
    pub findings: Findings,
    pub date_min: Option<NaiveDate>,
    pub date_max: Option<NaiveDate>,
    pub fingerprint: String,
    pub source_sha256: String,
}

/// Reads every row, sending stored rows in order. Stops quietly when the writer hangs up (the
/// import was cancelled or failed there); a row that cannot be read ends it with that row's error.
pub(super) fn prepare(mut listing: Source, layout: &Layout, pipe: Pipe) -> Result<Option<Summary>> {
    let mut findings = Findings::default();
    let (mut date_min, mut date_max) = (None::<NaiveDate>, None::<NaiveDate>);
    let mut batch = pipe.empty_batch();
    let mut index: i64 = 0;
    let mut fingerprint = Fingerprint::new(&listing.header);
    let mut keys = KeyLikeness::default();
    for row in listing.rows.by_ref() {
        let (row, cells) = row?;
        for (c, cell) in cells.iter().enumerate() {
            let chars = cell.chars().count();
            if chars > MAX_CELL_CHARS {
                return Err(error(&listing.file, Some(row), Some(&listing.header[c]), format!("the cell holds {chars} characters, more than the {MAX_CELL_CHARS} a spreadsheet cell can")));
            }
            if findings.hidden_characters.len() < 1_000 && cell.chars().any(hidden) {
                findings.hidden_characters.push(CellAt { row, column: listing.header[c].clone() });
            }
        }
        let Mapped { key, date, amount_cents, stratum } = mapped(layout, &listing.file, &listing.header, row, &cells)?;
        if key.is_empty() {
            findings.blank_keys.push(row);
        } else {
            if let Some(earlier) = keys.near_duplicate(&key, row) {
                findings.near_duplicate_keys.push((earlier, row));
            }
            if key.chars().all(|c| c.is_ascii_digit()) && key.trim_start_matches('0').len() > 15 {
                findings.long_numeric_keys.push(row);
            }
        }
        match &date {
            Some((d, _)) => {
                if *d < layout.period.0 || *d > layout.period.1 {
                    findings.outside_period.push(row);
                }
                date_min = Some(date_min.map_or(*d, |m| m.min(*d)));
                date_max = Some(date_max.map_or(*d, |m| m.max(*d)));
            }
            None if layout.date.is_some() => findings.undated.push(row),
            None => {}
        }
        fingerprint.row(&cells);
        let stored = StoredRow { row, key, date: date.map(|(_, text)| text), amount_cents, stratum, fields: serde_json::to_string(&cells)? };
        batch.push(stored);
        index += 1;
        if batch.len() == BATCH && pipe.to_writer.send(std::mem::replace(&mut batch, pipe.empty_batch())).is_err() {
            return Ok(None);
        }
    }
    if index == 0 {
        return Err(error(&listing.file, None, None, "the listing has a header row but no data rows"));
    }
    let formulas = std::mem::take(&mut *listing.formulas_without_value.lock().unwrap_or_else(|p| p.into_inner()));
    findings.formulas_without_value =
        formulas.into_iter().map(|(row, c)| CellAt { row, column: listing.header.get(c).cloned().unwrap_or_else(|| format!("column {}", c + 1)) }).collect();
    if !batch.is_empty() && pipe.to_writer.send(batch).is_err() {
        return Ok(None);
    }
    Ok(Some(Summary { findings, date_min, date_max, fingerprint: fingerprint.finish(), source_sha256: listing.sha256()? }))
}

/// The columns a mapping takes from a row: the key trimmed, the date and amount parsed (errors
/// name the row and column), the stratum trimmed.
pub(super) struct Mapped {
    pub key: String,
    pub date: Option<(NaiveDate, String)>,
    pub amount_cents: Option<i64>,
    pub stratum: Option<String>,
}

pub(super) fn mapped(layout: &Layout, file: &str, header: &[String], row: u64, cells: &[String]) -> Result<Mapped> {
    let column = |c: usize| header[c].as_str();
    Ok(Mapped {
        key: cells[layout.key].trim().to_owned(),
        date: layout.date.map(|c| parse_date(file, row, column(c), &cells[c])).transpose()?.flatten(),
        amount_cents: layout.amount.map(|c| parse_amount(file, row, column(c), &cells[c])).transpose()?.flatten(),
        stratum: layout.stratum.map(|c| cells[c].trim().to_owned()),
    })
}

/// The population's fingerprint (version 2): SHA-256 over the tag
/// `tickmark.population.fingerprint.v2`, then the header row and every data row in order, each
/// row as its number of cells and then its cells exactly as imported; every number a
/// little-endian u64 and every cell its UTF-8 byte length (as such a u64) followed by its bytes.
/// Which columns are mapped to key, date, amount or stratum does not enter it: the same listing
/// has the same fingerprint however it is mapped.
pub(crate) struct Fingerprint(Sha256);

impl Fingerprint {
    const TAG: &'static [u8] = b"tickmark.population.fingerprint.v2";

    pub fn new(header: &[String]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update((Self::TAG.len() as u64).to_le_bytes());
        hasher.update(Self::TAG);
        let mut fingerprint = Fingerprint(hasher);
        fingerprint.row(header);
        fingerprint
    }

    pub fn row(&mut self, cells: &[String]) {
        self.0.update((cells.len() as u64).to_le_bytes());
        for cell in cells {
            self.0.update((cell.len() as u64).to_le_bytes());
            self.0.update(cell.as_bytes());
        }
    }

    pub fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }
}

/// One stored row's part of a version-1 fingerprint (populations imported before version 2):
/// its columns exactly as stored, each preceded by its byte length as a little-endian u64
/// (integers in decimal, absent values empty).
pub(super) fn digest_row(hasher: &mut Sha256, index: i64, key: &str, date: Option<&str>, amount_cents: Option<i64>, stratum: Option<&str>, fields_json: &str) {
    let (mut index_text, mut amount_text) = (itoa::Buffer::new(), itoa::Buffer::new());
    let amount = amount_cents.map_or("", |a| amount_text.format(a));
    for part in [index_text.format(index), key, date.unwrap_or(""), amount, stratum.unwrap_or(""), fields_json] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
}

/// A date as the period's calendar date, with its stored text (ISO 8601). A time after the date
/// (`2026-03-31T14:05` or `2026-03-31 14:05`) is ignored: tests of controls work in days.
fn parse_date(file: &str, row: u64, column: &str, text: &str) -> Result<Option<(NaiveDate, String)>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let date_part = text.split(['T', ' ']).next().unwrap_or(text);
    let number = |part: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())).then(|| part.parse::<u32>().ok()).flatten()
    };
    let mut parts = date_part.split('-');
    let date = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d), None) => match (number(y, 4..=4), number(m, 1..=2), number(d, 1..=2)) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
            _ => None,
        },
        _ => None,
    };
    let date = date.ok_or_else(|| error(file, Some(row), Some(column), format!("\"{}\" is not a date; expected a date such as 2026-03-31", truncate(text))))?;
    let stored = if date_part.len() == 10 { date_part.to_owned() } else { date.to_string() };
    Ok(Some((date, stored)))
}

/// An amount as a person types it ("-1234.50") in cents, or why it is not one.
pub fn cents(field: &str, text: &str) -> Result<i64> {
    match parse_amount(field, 0, field, text) {
        Ok(Some(cents)) => Ok(cents),
        _ => Err(crate::error::Error::invalid(field, format!("\"{}\" is not an amount; enter a number such as 1234.50", text.trim()))),
    }
}

/// Amounts in cents, exactly: floating point would move a cent at scale.
fn parse_amount(file: &str, row: u64, column: &str, text: &str) -> Result<Option<i64>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || error(file, Some(row), Some(column), format!("\"{}\" is not an amount; expected a number such as -1234.50", truncate(t)));
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 2 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let cents = fraction.bytes().chain(std::iter::repeat(b'0')).take(2).try_fold(whole.parse::<i64>().map_err(|_| bad())?, |acc, digit| {
        acc.checked_mul(10).and_then(|a| a.checked_add(i64::from(digit - b'0')))
    });
    let cents = cents.ok_or_else(bad)?;
    Ok(Some(if negative { -cents } else { cents }))
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(text: &str) -> Option<String> {
        parse_date("f.csv", 2, "date", text).ok().flatten().map(|(_, stored)| stored)
    }

    #[test]
    fn dates_are_iso_calendar_dates_with_any_time_ignored() {
        assert_eq!(date("2026-03-31").as_deref(), Some("2026-03-31"));
        assert_eq!(date(" 2026-3-1 ").as_deref(), Some("2026-03-01"));
        assert_eq!(date("2026-03-31T14:05:00Z").as_deref(), Some("2026-03-31"));
        assert_eq!(date("2026-03-31 14:05").as_deref(), Some("2026-03-31"));
        assert_eq!(date(""), None);
        for bad in ["2026-02-30", "31/03/2026", "2026-13-01", "26-03-31", "2026-03-31-01", "+2026-03-31", "2026-003-01", "March 31, 2026"] {
            let err = parse_date("f.csv", 7, "opened", bad).expect_err(bad).to_string();
            assert!(err.contains("f.csv") && err.contains('7') && err.contains("opened"), "{err}");
        }
    }

    #[test]
    fn amounts_refuse_what_is_not_an_exact_number_of_cents() {
        let cents = |t: &str| parse_amount("f.csv", 2, "amount", t).ok().flatten();
        assert_eq!(cents("-1234.5"), Some(-123_450));
        assert_eq!(cents("0.07"), Some(7));
        assert_eq!(cents("12"), Some(1200));
        assert_eq!(parse_amount("f.csv", 2, "amount", " ").unwrap(), None, "a blank amount is no amount");
        for bad in ["1,234.00", "$12", "1.234", "92233720368547758.08", ".5", "1e3", "+12.00", "-", "--5", "12.3.4", "1 2"] {
            assert!(cents(bad).is_none(), "{bad}");
        }
    }

    /// An amount typed by a person (an audited amount, a tolerable misstatement) reads as the
    /// listing's amounts do, and a refusal names the field it was typed in.
    #[test]
    fn a_typed_amount_is_read_in_cents_or_refused_naming_its_field() {
        assert_eq!(cents("amount", " -1234.50 ").unwrap(), -123_450);
        assert_eq!(cents("amount", "7").unwrap(), 700);
        let err = cents("tolerable-amount", "1,000").unwrap_err().to_string();
        assert!(err.contains("tolerable-amount") && err.contains("\"1,000\" is not an amount"), "{err}");
        assert!(cents("amount", "").is_err(), "a blank is not an amount");
        // A long value is quoted by its first 40 characters.
        let long = format!("{}y", "x".repeat(45));
        let err = parse_amount("f.csv", 3, "amount", &long).unwrap_err().to_string();
        assert!(err.contains(&format!("\"{}…\" is not an amount", "x".repeat(40))), "{err}");
    }

    proptest! {
        /// Every calendar date written the ISO way comes back as itself, as chrono writes it.
        #[test]
        fn iso_dates_round_trip(days in 0i64..200_000) {
            let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
            prop_assert_eq!(date(&d.to_string()), Some(d.to_string()));
        }

        /// Amounts with up to two decimals are exact in cents.
        #[test]
        fn amounts_are_exact(cents in -10_i64.pow(15)..10_i64.pow(15)) {
            let text = format!("{}{}.{:02}", if cents < 0 { "-" } else { "" }, cents.abs() / 100, cents.abs() % 100);
            prop_assert_eq!(parse_amount("f.csv", 2, "amount", &text).unwrap(), Some(cents));
        }
    }
}
