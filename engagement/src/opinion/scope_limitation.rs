//! Scope limitations: evidence the client did not provide (a request closed as not provided)
//! that kept a control from being tested. The criteria that control addresses cannot be
//! concluded on, and the opinion proposed is a disclaimer.

use rusqlite::params;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::request::RequestStatus;
use crate::store::EngagementFile;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScopeLimitation {
    pub id: i64,
    pub request_number: String,
    pub request_title: String,
    /// What the client said, as recorded when the request was closed as not provided.
    pub request_reason: Option<String>,
    pub control_id: i64,
    pub control_reference: String,
    pub criteria: Vec<String>,
    /// The test it prevented, as the report's basis paragraph will state it.
    pub description: String,
}

impl EngagementFile {
    /// Records that the evidence of request `request_number` was not provided and that this
    /// kept `control_id` from being tested. The request must be closed as not provided first.
    pub fn add_scope_limitation(&mut self, request_number: &str, control_id: i64, description: &str) -> Result<i64> {
        let request = self.request_by_number(request_number)?;
        if request.input.status != RequestStatus::NotProvided {
            return Err(Error::invalid(
                "request",
                format!("request {} is {}: close it as not provided, with what the client said, before recording a scope limitation", request.input.number, request.input.status.word()),
            ));
        }
        if description.trim().is_empty() {
            return Err(Error::invalid("description", "describe the test the missing evidence prevented"));
        }
        let control = self.control(control_id)?;
        self.write(|w| {
            w.tx().execute(
                "INSERT INTO scope_limitation (request_id, control_id, description, id) VALUES (?1, ?2, ?3, ?4)",
                params![request.id, control.id, description.trim(), w.new_id("scope_limitation")?],
            )?;
            let id = w.tx().last_insert_rowid();
            w.record("add", "scope_limitation", id, None)?;
            Ok(id)
        })
    }

    /// Removes a scope limitation recorded in error (the evidence came after all), with the
    /// trail keeping what it said.
    pub fn remove_scope_limitation(&mut self, id: i64) -> Result<()> {
        self.write(|w| {
            let before = w.snapshot("scope_limitation", id)?.ok_or_else(|| Error::NotFound(format!("scope limitation {id}")))?;
            w.tx().execute("DELETE FROM scope_limitation WHERE id = ?1", [id])?;
            w.record("remove", "scope_limitation", id, Some(before))
        })
    }

    pub fn scope_limitations(&self) -> Result<Vec<ScopeLimitation>> {
        let mut stmt = self.conn().prepare(
            "SELECT l.id, r.number, r.title, r.status_reason, c.id, c.reference, c.criteria, l.description
             FROM scope_limitation l JOIN request r ON r.id = l.request_id JOIN control c ON c.id = l.control_id ORDER BY l.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?, r.get::<_, i64>(4)?, r.get::<_, String>(5)?, r.get::<_, String>(6)?, r.get::<_, String>(7)?))
        })?;
        rows.map(|row| {
            let (id, request_number, request_title, request_reason, control_id, control_reference, criteria, description) = row?;
            Ok(ScopeLimitation { id, request_number, request_title, request_reason, control_id, control_reference, criteria: serde_json::from_str(&criteria)?, description })
        })
        .collect()
    }
}
