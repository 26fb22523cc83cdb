//! Rows a change adds, beside the rows standing here.
//!
//! Two auditors who add the same control with the same attributes before their copies meet have
//! done one piece of work twice: nothing of either is lost and nobody needs to choose. The change
//! that sorts later is kept aside all the same (its rows would clash with the ones standing, or
//! point at its own kept-aside rows), so that `verify` reads its trail entries as not applied;
//! the conflicts list leaves it out.

use std::collections::{HashMap, HashSet};

use rusqlite::types::Value;
use rusqlite::Connection;

use crate::error::Result;

/// A row as a change adds it: its table as the schema names it, and its values by column.
pub(super) struct Added {
    pub table: String,
    pub id: i64,
    values: Vec<(String, Value)>,
}

/// Whether a row a change would add (its values as a conflict keeps them) stands here already,
/// the same but for its id: a row added the same on two copies.
pub(super) fn stands_already(conn: &Connection, table: &str, row: &serde_json::Value) -> Result<bool> {
    let serde_json::Value::Object(fields) = row else { return Ok(false) };
    let Some(id) = fields.get("id").and_then(serde_json::Value::as_i64) else { return Ok(false) };
    let added = Added { table: table.to_owned(), id, values: fields.iter().map(|(name, value)| (name.clone(), crate::sync::merge::sql_value(value))).collect() };
    Ok(twin(conn, &added, &Standing::new(), &HashSet::new())?.is_some())
}

/// The row standing here for each row a change adds, by (table, id in the change).
type Standing = HashMap<(String, i64), i64>;

/// When all `changeset` does is add rows that stand here already, the same but for their ids,
/// the rows it adds. A row it adds that refers to another it adds matches a standing row that
/// refers to the other's twin. Each standing row is the twin of one added row at most. None when
/// it does anything else, or any row it adds has no twin here.
pub(super) fn of_change(conn: &Connection, changeset: &[u8]) -> Result<Option<Vec<Added>>> {
    let Some(mut pending) = added_rows(conn, changeset)? else { return Ok(None) };
    let in_change: HashSet<(String, i64)> = pending.iter().map(|row| (row.table.clone(), row.id)).collect();
    let (mut standing, mut found) = (Standing::new(), Vec::new());
    while !pending.is_empty() {
        let matched = found.len();
        let mut waiting = Vec::new();
        for row in std::mem::take(&mut pending) {
            // Its twin is looked for once the rows it refers to within the change have theirs.
            let references = foreign_keys(conn, &row.table)?;
            let unmatched = row.values.iter().any(|(column, value)| match (references.get(column), value) {
                (Some(parent), Value::Integer(id)) => in_change.contains(&(parent.clone(), *id)) && !standing.contains_key(&(parent.clone(), *id)),
                _ => false,
            });
            if unmatched {
                waiting.push(row);
                continue;
            }
            let taken: HashSet<i64> = standing.iter().filter(|((table, _), _)| *table == row.table).map(|(_, id)| *id).collect();
            let Some(id) = twin(conn, &row, &standing, &taken)? else { return Ok(None) };
            standing.insert((row.table.clone(), row.id), id);
            found.push(row);
        }
        // Rows that refer to each other in a circle, none of them matched: no twins to be had.
        if found.len() == matched {
            return Ok(None);
        }
        pending = waiting;
    }
    Ok((!found.is_empty()).then_some(found))
}

/// Whether a row a change would add (its values as a conflict keeps them) refers to a row that
/// is not here: a request for a control that merging kept aside cannot be added under a new
/// number either.
pub(super) fn refers_to_absent_row(conn: &Connection, table: &str, row: &serde_json::Value) -> Result<bool> {
    for (column, parent) in foreign_keys(conn, table)? {
        let Some(id) = row.get(&column).and_then(serde_json::Value::as_i64) else { continue };
        let present: bool = conn.query_row(&format!("SELECT EXISTS(SELECT 1 FROM \"{parent}\" WHERE id = ?1)"), [id], |r| r.get(0))?;
        if !present {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The row standing here that holds what `row` holds but its id (the ids it refers to read
/// through `standing`), and is not one of `taken`: the lowest such id.
fn twin(conn: &Connection, row: &Added, standing: &Standing, taken: &HashSet<i64>) -> Result<Option<i64>> {
    let references = foreign_keys(conn, &row.table)?;
    let mut filter = Vec::new();
    let mut values = Vec::new();
    for (column, value) in &row.values {
        let parent = references.get(column);
        // Its own id is not compared, unless it is also a reference (a control's grid view).
        if column == "id" && parent.is_none() {
            continue;
        }
        let value = match (parent, value) {
            (Some(parent), Value::Integer(id)) => standing.get(&(parent.clone(), *id)).map_or_else(|| value.clone(), |&twin| Value::Integer(twin)),
            _ => value.clone(),
        };
        values.push(value);
        filter.push(format!("\"{}\" IS ?{}", column.replace('"', "\"\""), values.len()));
    }
    let filter = if filter.is_empty() { "1".to_owned() } else { filter.join(" AND ") };
    let mut stmt = conn.prepare(&format!("SELECT id FROM \"{}\" WHERE {filter} ORDER BY id", row.table))?;
    let ids = stmt.query_map(rusqlite::params_from_iter(values), |r| r.get::<_, i64>(0))?;
    for id in ids {
        let id = id?;
        if !taken.contains(&id) {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The rows `changeset` adds outside the trail, or None when it does anything else (or names a
/// table this copy does not have, or one of another shape).
fn added_rows(conn: &Connection, changeset: &[u8]) -> Result<Option<Vec<Added>>> {
    let mut rows = Some(Vec::new());
    crate::sync::merge::each_item(changeset, |item| {
        let op = item.op()?;
        if op.table_name().eq_ignore_ascii_case("trail") {
            return Ok(true);
        }
        let added = added_row(conn, item)?;
        let keep = added.is_some();
        match (added, &mut rows) {
            (Some(row), Some(rows)) => rows.push(row),
            _ => rows = None,
        }
        Ok(keep)
    })?;
    Ok(rows)
}

/// The row `item` adds, or None when it does something else (or names a table this copy does
/// not have, or one of another shape).
fn added_row(conn: &Connection, item: &rusqlite::session::ChangesetItem) -> Result<Option<Added>> {
    let op = item.op()?;
    if op.code() != rusqlite::hooks::Action::SQLITE_INSERT {
        return Ok(None);
    }
    // The table as the schema names it, which also keeps any other name out of the SQL.
    let table: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
        [op.table_name()],
        |r| r.get(0),
    ))?;
    let Some(table) = table else { return Ok(None) };
    let columns: Vec<String> = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?.query_map([&table], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if columns.len() != op.number_of_columns().max(0) as usize {
        return Ok(None);
    }
    let values: Vec<(String, Value)> = columns.into_iter().enumerate().map(|(i, name)| Ok((name, Value::try_from(item.new_value(i)?)?))).collect::<rusqlite::Result<_>>()?;
    let Some(id) = values.iter().find(|(name, _)| name == "id").and_then(|(_, v)| if let Value::Integer(id) = v { Some(*id) } else { None }) else { return Ok(None) };
    Ok(Some(Added { table, id, values }))
}

/// A table's references to other tables: the referring column and the table it refers to.
fn foreign_keys(conn: &Connection, table: &str) -> Result<HashMap<String, String>> {
    let mut stmt = conn.prepare("SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?1)")?;
    let pairs = stmt.query_map([table], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    Ok(pairs.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = "CREATE TABLE control (id INTEGER PRIMARY KEY, reference TEXT NOT NULL UNIQUE);
        CREATE TABLE attribute (id INTEGER PRIMARY KEY, control_id INTEGER NOT NULL REFERENCES control(id), label TEXT NOT NULL);
        CREATE TABLE trail (seq INTEGER PRIMARY KEY, what TEXT);";

    /// `sql` run on a copy holding `standing`, as a changeset.
    fn changeset(standing: &str, sql: &str) -> Vec<u8> {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        conn.execute_batch(standing).unwrap();
        let mut session = rusqlite::session::Session::new(&conn).unwrap();
        session.attach(None::<&str>).unwrap();
        conn.execute_batch(sql).unwrap();
        let mut bytes = Vec::new();
        session.changeset_strm(&mut bytes).unwrap();
        bytes
    }

    /// A row that refers to one added with it is matched once that one has its twin, whatever
    /// order the changeset lists them in (here the attributes come before the control, since an
    /// attribute of a control already there was added first).
    #[test]
    fn rows_referring_to_rows_of_the_same_change_are_matched_through_their_twins() {
        let here = Connection::open_in_memory().unwrap();
        here.execute_batch(SCHEMA).unwrap();
        here.execute_batch("INSERT INTO control VALUES (1, 'CC1'), (2, 'CC2'); INSERT INTO attribute VALUES (10, 1, 'A'), (20, 2, 'B');").unwrap();
        let same = changeset("INSERT INTO control VALUES (1, 'CC1');", "INSERT INTO attribute VALUES (11, 1, 'A'); INSERT INTO control VALUES (5, 'CC2'); INSERT INTO attribute VALUES (21, 5, 'B'); INSERT INTO trail VALUES (1, 'x');");
        let twins = of_change(&here, &same).unwrap().expect("every row stands here the same");
        let mut rows: Vec<(String, i64)> = twins.into_iter().map(|r| (r.table, r.id)).collect();
        rows.sort();
        assert_eq!(rows, [("attribute".to_owned(), 11), ("attribute".to_owned(), 21), ("control".to_owned(), 5)]);
        let other = changeset("", "INSERT INTO control VALUES (5, 'CC2'); INSERT INTO attribute VALUES (21, 5, 'C');");
        assert!(of_change(&here, &other).unwrap().is_none(), "an attribute worded otherwise has no twin");
        let twice = changeset("", "INSERT INTO control VALUES (5, 'CC2'); INSERT INTO attribute VALUES (21, 5, 'B'), (22, 5, 'B');");
        assert!(of_change(&here, &twice).unwrap().is_none(), "one standing row is the twin of one added row at most");
    }
}
