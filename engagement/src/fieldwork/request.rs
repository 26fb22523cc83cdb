//! The request list: what was asked of the client ("provided by client"), when, and where it stands.

use chrono::NaiveDate;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::EngagementFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Open,
    Received,
    Closed,
    /// No longer needed: settled like a closed request, with the reason on record.
    NotNeeded,
    /// Closed without the evidence: the client did not provide it, as the reason records. A
    /// test it prevented is a scope limitation (`scope_limitation`).
    NotProvided,
}

impl RequestStatus {
    /// The status as the request list and the command line write it.
    pub fn word(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::Received => "received",
            RequestStatus::Closed => "closed",
            RequestStatus::NotNeeded => "not_needed",
            RequestStatus::NotProvided => "not_provided",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestInput {
    pub number: String,
    pub title: String,
    pub control_id: Option<i64>,
    pub requested_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub status: RequestStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Request {
    pub id: i64,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub input: RequestInput,
    /// Why the request is no longer needed, when it is marked so.
    pub status_reason: Option<String>,
    /// What the client wrote back on the request list.
    pub client_comment: Option<String>,
    /// The names of the files the client says it sent, as the list gives them.
    pub client_files: Option<String>,
}

impl Request {
    /// Closed (with or without the evidence), or not needed: nothing more is awaited.
    pub fn settled(&self) -> bool {
        matches!(self.input.status, RequestStatus::Closed | RequestStatus::NotNeeded | RequestStatus::NotProvided)
    }
}

impl EngagementFile {
    pub fn add_request(&mut self, input: &RequestInput) -> Result<i64> {
        if input.number.trim().is_empty() || input.title.trim().is_empty() {
            return Err(Error::invalid("request", "a request needs a number and a description of what is asked"));
        }
        self.write(|w| {
            w.tx()
                .execute(
                    "INSERT INTO request (number, title, control_id, requested_on, due_on, status, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        input.number.trim(),
                        input.title.trim(),
                        input.control_id,
                        input.requested_on.to_string(),
                        input.due_on.map(|d| d.to_string()),
                        input.status.word(),
                        w.new_id("request")?
                    ],
                )
                .map_err(|e| match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::ConstraintViolation) => {
                        Error::invalid("number", format!("request {} already exists", input.number.trim()))
                    }
                    _ => e.into(),
                })?;
            let id = w.tx().last_insert_rowid();
            w.record("add", "request", id, None)?;
            Ok(id)
        })
    }

    /// Moves a request to `status`; "not needed" and "not provided" take a reason, which
    /// stays on record.
    pub fn set_request_status(&mut self, id: i64, status: RequestStatus, reason: Option<&str>) -> Result<()> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        match status {
            RequestStatus::NotNeeded if reason.is_none() => return Err(Error::invalid("reason", "say why the request is no longer needed")),
            RequestStatus::NotProvided if reason.is_none() => {
                return Err(Error::invalid("reason", "record what the client said when it did not provide the evidence"))
            }
            _ => {}
        }
        self.write(|w| {
            let before = w.snapshot("request", id)?.ok_or_else(|| Error::NotFound(format!("request {id}")))?;
            w.tx().execute("UPDATE request SET status = ?2, status_reason = ?3 WHERE id = ?1", params![id, status.word(), reason])?;
            w.record("status", "request", id, Some(before))
        })
    }

    /// The request with this reference (PBC-3, say).
    pub fn request_by_number(&self, number: &str) -> Result<Request> {
        self.requests()?.into_iter().find(|r| r.input.number == number.trim()).ok_or_else(|| Error::NotFound(format!("request {}", number.trim())))
    }

    pub fn requests(&self) -> Result<Vec<Request>> {
        let mut stmt = self.conn().prepare("SELECT id, number, title, control_id, requested_on, due_on, status, status_reason, client_comment, client_files FROM request ORDER BY number")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                (r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<i64>>(3)?, r.get::<_, String>(4)?),
                (r.get::<_, Option<String>>(5)?, r.get::<_, String>(6)?, r.get::<_, Option<String>>(7)?, r.get::<_, Option<String>>(8)?, r.get::<_, Option<String>>(9)?),
            ))
        })?;
        rows.map(|row| {
            let ((id, number, title, control_id, requested_on), (due_on, status, status_reason, client_comment, client_files)) = row?;
            Ok(Request {
                id,
                input: RequestInput {
                    number,
                    title,
                    control_id,
                    requested_on: requested_on.parse().map_err(|_| Error::invalid("requested_on", "stored date is not a date"))?,
                    due_on: due_on.and_then(|d| d.parse().ok()),
                    status: serde_json::from_value(status.into())?,
                },
                status_reason,
                client_comment,
                client_files,
            })
        })
        .collect()
    }
}
