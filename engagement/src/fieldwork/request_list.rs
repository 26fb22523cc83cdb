//! The request list the client sends back. Its rows are matched to the requests by reference;
//! the statuses, due dates, comments and file names the client wrote are shown as changes
//! before anything is stored, and stored in one change. A row whose reference is unknown or
//! repeated, whose status is not one of the list's, or whose date does not parse refuses the
//! whole list, naming its row and column. The files the client sends are then attached to the
//! requests that name them.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use crate::error::Result;
use crate::export::REQUEST_STATUSES;
use crate::import::{self, error};
use crate::request::{Request, RequestStatus};
use crate::store::EngagementFile;

/// One value the client's list changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestChange {
    pub number: String,
    pub field: String,
    pub from: String,
    pub to: String,
}

/// What attaching the client's folder did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClientFiles {
    /// "PBC-3: approvals.pdf as EV-4", one per file attached.
    pub attached: Vec<String>,
    /// Files a request names that are not in the folder.
    pub missing: Vec<String>,
    /// Files in the folder no request names: listed, not attached.
    pub not_named: Vec<String>,
}

/// A row of the client's list, read and checked.
struct Row {
    request: Request,
    status: RequestStatus,
    due: Option<Option<NaiveDate>>,
    comment: Option<Option<String>>,
    files: Option<Option<String>>,
}

fn word(status: RequestStatus) -> &'static str {
    REQUEST_STATUSES.iter().find(|(_, s)| *s == status).map_or("open", |(w, _)| w)
}

fn names(files: &str) -> impl Iterator<Item = &str> {
    files.split([';', ',', '\n']).map(str::trim).filter(|n| !n.is_empty())
}

impl EngagementFile {
    fn read_request_list(&self, path: &Path) -> Result<Vec<Row>> {
        let mut source = import::open(path)?;
        let file = source.file.clone();
        let column = |name: &str| source.header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
        let required = |name: &str| column(name).ok_or_else(|| error(&file, Some(1), Some(name), format!("the list has no \"{name}\" column")));
        let (reference, status) = (required("Reference")?, required("Status")?);
        let (due, comment, files) = (column("Due"), column("Client comments"), column("File names"));
        let known: HashMap<String, Request> = self.requests()?.into_iter().map(|r| (r.input.number.clone(), r)).collect();
        let mut seen: HashMap<String, u64> = HashMap::new();
        let mut rows = Vec::new();
        let optional = |cells: &[String], c: Option<usize>| c.map(|c| Some(cells[c].trim().to_owned()).filter(|t| !t.is_empty()));
        for row in source.rows.by_ref() {
            let (n, cells) = row?;
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let number = cells[reference].trim().to_owned();
            let request = known.get(&number).cloned().ok_or_else(|| error(&file, Some(n), Some("Reference"), format!("\"{number}\" is not a request on this engagement's list")))?;
            if let Some(first) = seen.insert(number.clone(), n) {
                return Err(error(&file, Some(n), Some("Reference"), format!("{number} appears twice (first on row {first})")));
            }
            let said = cells[status].trim().to_lowercase().replace('_', " ");
            let status = REQUEST_STATUSES.iter().find(|(w, _)| *w == said).map(|(_, s)| *s).ok_or_else(|| {
                let words: Vec<&str> = REQUEST_STATUSES.iter().map(|(w, _)| *w).collect();
                error(&file, Some(n), Some("Status"), format!("\"{}\" is not one of the list's statuses: {}", cells[status].trim(), words.join(", ")))
            })?;
            let due = match optional(&cells, due) {
                None => None,
                Some(None) => Some(None),
                Some(Some(text)) => Some(Some(
                    text.parse::<NaiveDate>().map_err(|_| error(&file, Some(n), Some("Due"), format!("\"{text}\" is not a date: write it as YYYY-MM-DD")))?,
                )),
            };
            rows.push(Row { request, status, due, comment: optional(&cells, comment), files: optional(&cells, files) });
        }
        Ok(rows)
    }

    /// What the client's list would change, field by field; nothing is stored.
    pub fn request_list_changes(&self, path: &Path) -> Result<Vec<RequestChange>> {
        let mut changes = Vec::new();
        for row in self.read_request_list(path)? {
            let r = &row.request;
            let mut change = |field: &str, from: String, to: String| {
                if from != to {
                    changes.push(RequestChange { number: r.input.number.clone(), field: field.to_owned(), from, to });
                }
            };
            change("status", word(r.input.status).to_owned(), word(row.status).to_owned());
            let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            if let Some(due) = row.due {
                change("due", date(r.input.due_on), date(due));
            }
            if let Some(comment) = &row.comment {
                change("client comments", r.client_comment.clone().unwrap_or_default(), comment.clone().unwrap_or_default());
            }
            if let Some(files) = &row.files {
                change("file names", r.client_files.clone().unwrap_or_default(), files.clone().unwrap_or_default());
            }
        }
        Ok(changes)
    }

    /// Stores what the client's list changes, all in one change or, refused, none of it.
    /// Returns the changes made.
    pub fn apply_request_list(&mut self, path: &Path) -> Result<Vec<RequestChange>> {
        let changes = self.request_list_changes(path)?;
        let rows = self.read_request_list(path)?;
        let changed: Vec<&Row> = rows.iter().filter(|row| changes.iter().any(|c| c.number == row.request.input.number)).collect();
        self.write(|w| {
            for row in changed {
                let r = &row.request;
                let before = w.snapshot("request", r.id)?;
                let comment = row.comment.clone().unwrap_or(r.client_comment.clone());
                let reason = match row.status {
                    RequestStatus::NotNeeded | RequestStatus::NotProvided if row.status != r.input.status => {
                        Some(comment.clone().unwrap_or_else(|| "as the client's request list says".to_owned()))
                    }
                    s if s == r.input.status => r.status_reason.clone(),
                    _ => None,
                };
                w.tx().execute(
                    "UPDATE request SET status = ?2, status_reason = ?3, due_on = ?4, client_comment = ?5, client_files = ?6 WHERE id = ?1",
                    params![
                        r.id,
                        row.status.word(),
                        reason,
                        row.due.unwrap_or(r.input.due_on).map(|d| d.to_string()),
                        comment,
                        row.files.clone().unwrap_or(r.client_files.clone())
                    ],
                )?;
                w.record("client request list", "request", r.id, before)?;
            }
            Ok(())
        })?;
        Ok(changes)
    }

    /// Attaches the files in `folder` to the requests whose "file names" name them, each as
    /// evidence received on `received_on`; a file already attached to its request is not
    /// attached again. Files in the folder that no request names are listed, not attached.
    pub fn attach_client_files(&mut self, folder: &Path, received_on: NaiveDate) -> Result<ClientFiles> {
        let io = |source| crate::Error::Io { path: folder.to_owned(), source };
        let mut present: Vec<String> = std::fs::read_dir(folder)
            .map_err(io)?
            .filter_map(std::result::Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        present.sort();
        let mut report = ClientFiles::default();
        let mut named = std::collections::HashSet::new();
        for request in self.requests()? {
            let Some(files) = request.client_files.clone() else { continue };
            for name in names(&files) {
                named.insert(name.to_owned());
                if !present.iter().any(|p| p == name) {
                    report.missing.push(format!("{}: {name}", request.input.number));
                    continue;
                }
                if self.evidence()?.iter().any(|e| e.request_id == Some(request.id) && e.name == name) {
                    continue;
                }
                let id = self.attach_evidence(&folder.join(name), Some(request.id), request.input.control_id, received_on, &mut crate::progress::silent)?;
                let attached = self.evidence()?.into_iter().find(|e| e.id == id).map(|e| e.reference()).unwrap_or_default();
                report.attached.push(format!("{}: {name} as {attached}", request.input.number));
            }
        }
        report.not_named = present.into_iter().filter(|p| !named.contains(p)).collect();
        Ok(report)
    }
}
