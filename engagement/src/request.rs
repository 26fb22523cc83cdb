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
}

fn status_text(status: RequestStatus) -> &'static str {
    match status {
        RequestStatus::Open => "open",
        RequestStatus::Received => "received",
        RequestStatus::Closed => "closed",
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
                    "INSERT INTO request (number, title, control_id, requested_on, due_on, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        input.number.trim(),
                        input.title.trim(),
                        input.control_id,
                        input.requested_on.to_string(),
                        input.due_on.map(|d| d.to_string()),
                        status_text(input.status)
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

    pub fn set_request_status(&mut self, id: i64, status: RequestStatus) -> Result<()> {
        self.write(|w| {
            let before = w.snapshot("request", id)?.ok_or_else(|| Error::NotFound(format!("request {id}")))?;
            w.tx().execute("UPDATE request SET status = ?2 WHERE id = ?1", params![id, status_text(status)])?;
            w.record("status", "request", id, Some(before))
        })
    }

    pub fn requests(&self) -> Result<Vec<Request>> {
        let mut stmt = self.conn().prepare("SELECT id, number, title, control_id, requested_on, due_on, status FROM request ORDER BY number")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<i64>>(3)?, r.get::<_, String>(4)?, r.get::<_, Option<String>>(5)?, r.get::<_, String>(6)?))
        })?;
        rows.map(|row| {
            let (id, number, title, control_id, requested_on, due_on, status) = row?;
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
            })
        })
        .collect()
    }
}
