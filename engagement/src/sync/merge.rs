//! Every copy's changes in one order, so that copies holding the same changes hold the same
//! work, whatever order the changes reached them in.
//!
//! The order is (Lamport clock, copy, number): a change's clock is one more than any change its
//! copy held when it was made, so a change always sorts after everything it was made on top of.
//! A copy keeps, for each change it holds, the changeset as made and as it took effect here. When
//! a change arrives that sorts before changes already applied, those are undone (their effect
//! inverted, newest first) and everything from there is applied again in order. Applying is
//! deterministic, so every copy comes to the same states. Nearly every change arrives on a copy
//! holding what its author held: those are taken as made, a run of them in one go.
//!
//! What two copies did at once is settled by the audit's rules, the same way on every copy, and
//! nothing is dropped: what cannot stand as made is kept whole in the conflicts list.
//! - A row changed on two copies: the change that sorts later stands; the values it replaced are
//!   kept in the list (for a grid cell: the other outcome, for the preparer to choose).
//! - A row added on two copies with the same key (the same grid cell, control reference), or a
//!   change to a row removed meanwhile: kept in the list, not applied; added the same on both,
//!   nobody needs to choose. A removal of a row changed meanwhile: kept in the list, not
//!   applied, so the change stays. Numbers are renumbered instead: a request number ("PBC-9-2"), an
//!   evidence number (the next free EV-n), recorded in the trail as Tickmark's own entries.
//! - A change to a workpaper that was reviewed and locked before it, or made after completion
//!   (other than an addendum): kept in the list, not applied; only its trail entries are, so the
//!   trail stays whole and says what its author did.
//! - A sign-off made while someone else changed the workpaper covers work that no longer
//!   hashes to what was signed: it shows as "changed since signed", as any later change would.

use std::sync::{Arc, Mutex};

use rusqlite::session::{ChangesetItem, ChangesetIter, ConflictAction, ConflictType};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::sync::envelope::Change;
use crate::sync::outbox;

/// A change as this copy applies it.
struct Step {
    copy: String,
    seq: u64,
    lamport: u64,
    author: String,
    original: Vec<u8>,
    /// What its author's copy held, for a change arriving now: when this copy holds the same
    /// just before it, nothing was done alongside it and it applies as made.
    made_on: Option<crate::sync::envelope::State>,
}

impl Step {
    fn key(&self) -> (u64, &str, u64) {
        (self.lamport, self.copy.as_str(), self.seq)
    }
}

/// One thing a change could not do as made.
#[derive(Debug, Clone)]
struct Conflict {
    kind: &'static str,
    entity: String,
    entity_id: Option<i64>,
    detail: Value,
}

/// The id range of what merging itself writes (evidence renumbered): a copy number no copy has.
pub(crate) const MERGE_RANGE: i64 = 0x7fff;

/// The bytes of the evidence file with a SHA-256, in its chunks, from the shared folder.
pub(crate) type Fetch<'f> = &'f dyn Fn(&str) -> Result<Vec<Vec<u8>>>;

/// Applies `incoming` (each checked: signed by a member, its dependencies held or arriving) in
/// the one order, undoing and redoing what sorts after the first of them. All of it lands, or
/// none of it. Returns, for each incoming change, the trail entries it brought. `own` names this
/// copy; `fetch` brings the bytes of evidence files the changes attach.
pub(crate) fn merge(conn: &mut Connection, own: &str, incoming: Vec<Change>, fetch: Fetch) -> Result<Vec<String>> {
    if incoming.is_empty() {
        return Ok(Vec::new());
    }
    let arriving: Vec<Step> =
        incoming.into_iter().map(|c| Step { copy: c.copy, seq: c.seq, lamport: c.lamport, author: c.author, original: c.changeset, made_on: Some(c.state) }).collect();
    let first = arriving.iter().map(Step::key).min().expect("at least one change arrives");
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // The log is in the one order, so what sorts before the first arriving change stays as it
    // is: only the changes from there on are read, not the whole history at every sync.
    let held: Vec<(i64, Step, Option<Vec<u8>>)> = {
        let mut stmt = tx.prepare(
            "SELECT l.position, l.copy, l.seq, l.lamport, l.author, coalesce(l.original, o.changeset), l.effective
             FROM sync_log l LEFT JOIN sync_outbox o ON o.seq = l.seq AND l.copy = ?1
             WHERE (l.lamport, l.copy, l.seq) >= (?2, ?3, ?4) ORDER BY l.position",
        )?;
        let rows = stmt.query_map(params![own, first.0 as i64, first.1, first.2 as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Step { copy: r.get(1)?, seq: r.get::<_, i64>(2)? as u64, lamport: r.get::<_, i64>(3)? as u64, author: r.get(4)?, original: r.get(5)?, made_on: None },
                r.get::<_, Option<Vec<u8>>>(6)?,
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut order: Vec<&Step> = held.iter().map(|(_, s, _)| s).chain(arriving.iter()).collect();
    order.sort_by(|a, b| a.key().cmp(&b.key()));
    let keep = held.iter().zip(&order).take_while(|((_, h, _), o)| h.key() == o.key()).count();

    for (position, step, effective) in held[keep..].iter().rev() {
        // The bytes are parked, not dropped: taken back when the change is applied again, they
        // need no folder, which may have lost them since (`take_evidence_bytes`).
        for (id, sha256) in evidence_added(&trail_entries(&step.original)?) {
            tx.execute("INSERT OR IGNORE INTO sync_parked_chunk (sha256, seq, data) SELECT ?2, seq, data FROM evidence_chunk WHERE evidence_id = ?1", params![id, sha256])?;
            tx.execute("DELETE FROM evidence_chunk WHERE evidence_id = ?1", [id])?;
        }
        undo(&tx, effective.as_deref().unwrap_or(&step.original))
            .map_err(|e| Error::invalid("sync", format!("change {} of copy {} could not be undone to merge ({e})", step.seq, step.copy)))?;
        tx.execute("DELETE FROM sync_log WHERE position = ?1", [position])?;
        tx.execute("DELETE FROM sync_conflict WHERE copy = ?1 AND seq = ?2", params![step.copy, step.seq as i64])?;
    }
    let mut holding = outbox::state(&tx)?;
    let mut rest = &order[keep..];
    while !rest.is_empty() {
        let run = as_made_run(&tx, rest, &holding)?;
        let n = run.len().max(1);
        if run.is_empty() || !applied_as_made(&tx, &rest[..n], &run, own, fetch)? {
            for step in &rest[..n] {
                apply(&tx, step, step.copy == own, fetch)?;
            }
        }
        for step in &rest[..n] {
            holding.insert(step.copy.clone(), step.seq);
        }
        rest = &rest[n..];
    }
    let mut received = Vec::new();
    for step in &arriving {
        let index = crate::sync::folder::copy_index(&step.copy);
        let mut stmt = tx.prepare("SELECT actor, action, entity, entity_id, coalesce(after, before) FROM trail WHERE clock = ?1 AND seq >> 32 = ?2 ORDER BY seq")?;
        let rows = stmt.query_map(params![step.lamport as i64, index], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?, r.get::<_, Option<String>>(4)?))
        })?;
        for row in rows.collect::<rusqlite::Result<Vec<_>>>()? {
            let (actor, action, entity, id, state) = row;
            let state = state.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null);
            received.push(format!("{actor} {}", what_it_did(&tx, &action, &entity, id, &state)?));
        }
    }
    tx.execute("DELETE FROM sync_parked_chunk", [])?;
    tx.commit()?;
    Ok(received)
}

/// Reverses a change's effect on this copy exactly, or fails.
fn undo(tx: &Transaction, effective: &[u8]) -> Result<()> {
    let mut inverse = Vec::new();
    rusqlite::session::invert_strm(&mut &effective[..], &mut inverse)?;
    tx.apply_strm(&mut &inverse[..], None::<fn(&str) -> bool>, |_, _| ConflictAction::SQLITE_CHANGESET_ABORT)?;
    Ok(())
}

/// The evidence files a change attaches: (evidence id, SHA-256).
pub(crate) fn evidence_added(entries: &[Entry]) -> Vec<(i64, String)> {
    entries
        .iter()
        .filter(|e| e.entity == "evidence" && e.before.is_null() && !e.removal)
        .filter_map(|e| Some((e.entity_id, e.state["sha256"].as_str()?.to_owned())))
        .collect()
}

/// The trail entries of the changes at the head of `steps` that can be taken as made, together:
/// each made on what this copy holds just before it (`holding` before the first), none of them
/// held. What decides holding (sign-offs, completion, the team) can change only in the last, so each is
/// judged on what this copy holds before the first: a row another of them adds is either in a
/// workpaper no sign-off locks or is itself held, which ends the run before it.
fn as_made_run(tx: &Transaction, steps: &[&Step], holding: &crate::sync::envelope::State) -> Result<Vec<Vec<Entry>>> {
    let mut holding = holding.clone();
    let mut run = Vec::new();
    for step in steps {
        if step.made_on.as_ref() != Some(&holding) {
            break;
        }
        let entries = trail_entries(&step.original)?;
        if held_because(tx, &step.author, &step.original, &entries)?.is_some() {
            break;
        }
        // Judged, as `held_because` judges, by the trail entries that say what the change did.
        let decides = entries.iter().any(|e| ["signoff", "engagement", "team_member"].contains(&e.entity.as_str()));
        run.push(entries);
        holding.insert(step.copy.clone(), step.seq);
        if decides {
            break;
        }
    }
    Ok(run)
}

/// Applies one change by the rules above, with the bytes of the evidence it attaches, and logs
/// what it did. A change whose rows cannot be left as its author recorded them (another row here
/// has the reference or number one of them gives, or one refers to a row removed meanwhile) is
/// held instead, whole: the same on every copy, since every copy holds the same rows at that
/// point of the one order.
fn apply(tx: &Transaction, step: &Step, own: bool, fetch: Fetch) -> Result<()> {
    tx.execute_batch("SAVEPOINT applying")?;
    if let Some(reason) = apply_held(tx, step, own, fetch, None)? {
        tx.execute_batch("ROLLBACK TO applying")?;
        apply_held(tx, step, own, fetch, Some(reason))?;
    }
    tx.execute_batch("RELEASE applying")?;
    Ok(())
}

/// `apply`, the change held for `held_for` when given. Returns, with nothing logged, why the
/// change cannot stand as recorded when it finds that out only once applied.
fn apply_held(tx: &Transaction, step: &Step, own: bool, fetch: Fetch, held_for: Option<String>) -> Result<Option<String>> {
    let entries = trail_entries(&step.original)?;
    let mut held = match held_for {
        Some(reason) => Some(reason),
        None => held_because(tx, &step.author, &step.original, &entries)?,
    };
    // Each row it describes is settled against what this copy holds.
    let rows = rows_of(&entries);
    let before = rows.iter().map(|r| crate::trail::row_json(tx, &r.entity, r.id)).collect::<Result<Vec<_>>>()?;
    let attempted = match held {
        Some(_) => None,
        None => attempt(tx, step, false)?,
    };
    let (mut session, mut conflicts) = match attempted {
        Some(done) => done,
        None => {
            // Held, or it would leave rows pointing at one that is not here (a control added on
            // two copies, kept aside with the attributes added with it; a row removed meanwhile):
            // then nothing of it stands but its trail entries. All of it is listed, unless all it
            // does is add what stands here already, the same.
            let twins = match held {
                Some(_) => None,
                None => crate::sync::added::of_change(tx, &step.original)?,
            };
            if twins.is_none() {
                held.get_or_insert_with(|| "it adds a row another copy added as well, or refers to a row another copy removed meanwhile, or removes one that rows added on another copy refer to".to_owned());
            }
            let (session, mut conflicts) =
                attempt(tx, step, true)?.ok_or_else(|| Error::invalid("sync", format!("the trail entries of change {} of copy {} could not be applied", step.seq, step.copy)))?;
            // Its rows are in its trail entries; nothing else of them is needed, nobody chooses.
            conflicts.extend(twins.into_iter().flatten().map(|row| Conflict { kind: "duplicate", entity: row.table, entity_id: Some(row.id), detail: serde_json::json!({}) }));
            (session, conflicts)
        }
    };
    for c in conflicts.iter_mut().filter(|c| c.kind == "clash") {
        let row = as_row(tx, &c.entity, &c.detail["values"])?;
        if crate::sync::added::stands_already(tx, &c.entity, &row)? {
            c.kind = "duplicate";
        } else if c.entity == "request" && held.is_none() && !crate::sync::added::refers_to_absent_row(tx, &c.entity, &row)? {
            renumber_request(tx, step, &entries, row)?;
            c.kind = "renumbered";
        }
    }
    conflicts.retain(|c| c.kind != "renumbered");
    if held.is_none() {
        if let Some(why) = settle_rows(tx, step, &entries, &rows, &before, &mut conflicts)? {
            return Ok(Some(why));
        }
        for id in take_evidence_bytes(tx, &entries, fetch)? {
            renumber_evidence(tx, step, &entries, id)?;
        }
    }
    let mut effective = Vec::new();
    session.changeset_strm(&mut effective)?;
    drop(session);
    if let Some(reason) = held {
        // Team rows the change touches are listed as it would leave them, whatever its entries
        // say (`team_changes`); every other row as the entry recorded it, beside the row as it
        // stands, so the list can say what differs.
        let team_effects = crate::sync::team_changes::effects(tx, &step.original)?;
        for e in entries.iter().filter(|e| e.entity != "trail" && !(e.entity == "team_member" && team_effects.iter().any(|f| f.id == Some(e.entity_id)))) {
            let current = crate::trail::row_json(tx, &e.entity, e.entity_id)?.unwrap_or(Value::Null);
            conflicts.push(Conflict {
                kind: "held",
                entity: e.entity.clone(),
                entity_id: Some(e.entity_id),
                detail: serde_json::json!({ "reason": reason, "action": e.action, "removal": e.removal, "values": e.state, "current": current }),
            });
        }
        for effect in team_effects {
            let action = entries.iter().rev().find(|e| e.entity == "team_member" && Some(e.entity_id) == effect.id).map_or("change", |e| e.action.as_str());
            let removal = effect.after.is_none();
            conflicts.push(Conflict {
                kind: "held",
                entity: "team_member".into(),
                entity_id: effect.id,
                detail: serde_json::json!({ "reason": reason, "action": action, "removal": removal, "values": effect.after.or(effect.before.clone()), "current": effect.before }),
            });
        }
    }
    for c in conflicts {
        let mut detail = c.detail;
        detail["values"] = as_row(tx, &c.entity, &detail["values"])?;
        if let (true, Some(id)) = (c.kind == "changed meanwhile", c.entity_id) {
            detail["current"] = crate::trail::row_json(tx, &c.entity, id)?.unwrap_or(Value::Null);
        }
        let control = match c.entity_id {
            Some(id) => crate::signoff::control_of_work(tx, &c.entity, id, &detail["values"])?,
            None => None,
        };
        tx.execute(
            "INSERT INTO sync_conflict (copy, seq, author, kind, entity, entity_id, control_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![step.copy, step.seq as i64, step.author, c.kind, c.entity, c.entity_id, control, detail.to_string()],
        )?;
    }
    let effective = (effective != step.original).then_some(effective.as_slice());
    outbox::log(tx, &step.copy, step.seq, step.lamport, &step.author, (!own).then_some(step.original.as_slice()), effective)?;
    Ok(None)
}

/// Applies a run of changes (`as_made_run`, with their trail entries) exactly as made, in one
/// go, when every row of them fits and no evidence number they give is taken here: then their
/// effect here is the changes themselves, and no session need record it. This is how nearly
/// every change arrives, and re-preparing SQLite's statements and recording each change in a
/// session were most of what merging a day of results cost. False, with nothing of them applied,
/// otherwise (a copy changed behind Tickmark's back), and `apply` settles each row by row.
fn applied_as_made(tx: &Transaction, steps: &[&Step], entries: &[Vec<Entry>], own: &str, fetch: Fetch) -> Result<bool> {
    // Changes SQLite cannot combine (a table changed shape between them) go one by one.
    let Ok(together) = combined(steps) else { return Ok(false) };
    tx.execute_batch("SAVEPOINT as_made")?;
    let fits = tx.apply_strm(&mut &together[..], None::<fn(&str) -> bool>, |_, _| ConflictAction::SQLITE_CHANGESET_ABORT).is_ok()
        && !entries.iter().flat_map(|e| evidence_added(e)).map(|(id, _)| number_taken(tx, id)).collect::<Result<Vec<_>>>()?.contains(&true);
    if !fits {
        tx.execute_batch("ROLLBACK TO as_made; RELEASE as_made")?;
        return Ok(false);
    }
    for (step, entries) in steps.iter().zip(entries) {
        take_evidence_bytes(tx, entries, fetch)?;
        let original = (step.copy != own).then_some(step.original.as_slice());
        outbox::log(tx, &step.copy, step.seq, step.lamport, &step.author, original, None)?;
    }
    tx.execute_batch("RELEASE as_made")?;
    Ok(true)
}

/// The changesets of `steps` as one, as SQLite combines them (a row added then changed is added
/// as it ended).
fn combined(steps: &[&Step]) -> rusqlite::Result<Vec<u8>> {
    let mut group = rusqlite::session::Changegroup::new()?;
    for step in steps {
        group.add_stream(&mut &step.original[..])?;
    }
    let mut bytes = Vec::new();
    group.output_strm(&mut bytes)?;
    Ok(bytes)
}

/// Stores the bytes of the evidence files a change attaches that are here without them: those
/// parked while the change was undone to merge, or else from the folder. Returns the ids of the
/// change's evidence rows that stand here.
fn take_evidence_bytes(tx: &Transaction, entries: &[Entry], fetch: Fetch) -> Result<Vec<i64>> {
    let mut standing = Vec::new();
    for (id, sha256) in evidence_added(entries) {
        let present: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM evidence WHERE id = ?1)", [id], |r| r.get(0))?;
        let bytes: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM evidence_chunk WHERE evidence_id = ?1)", [id], |r| r.get(0))?;
        let parked = || tx.execute("INSERT INTO evidence_chunk (evidence_id, seq, data) SELECT ?1, seq, data FROM sync_parked_chunk WHERE sha256 = ?2", params![id, sha256]);
        if present && !bytes && parked()? == 0 {
            for (seq, chunk) in fetch(&sha256)?.iter().enumerate() {
                tx.execute("INSERT INTO evidence_chunk (evidence_id, seq, data) VALUES (?1, ?2, ?3)", params![id, seq as i64, chunk])?;
            }
        }
        if present {
            standing.push(id);
        }
    }
    Ok(standing)
}

/// Whether another evidence row here has evidence `id`'s number.
fn number_taken(tx: &Transaction, id: i64) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM evidence a JOIN evidence b ON coalesce(a.number, a.id) = coalesce(b.number, b.id) AND b.id <> a.id WHERE a.id = ?1)",
        [id],
        |r| r.get(0),
    )?)
}

/// Applies a change's changeset (its trail rows alone when `only_trail`), its effect recorded in
/// a session, and collects what could not stand as made. None, with nothing of it applied, when it
/// would leave a row pointing at one that is not here.
fn attempt<'t>(tx: &'t Transaction, step: &Step, only_trail: bool) -> Result<Option<(rusqlite::session::Session<'t>, Vec<Conflict>)>> {
    let found = Arc::new(Mutex::new((Vec::<Conflict>::new(), false)));
    let seen = Arc::clone(&found);
    let session = outbox::record(tx)?;
    let applied = tx.apply_strm(&mut &step.original[..], Some(move |table: &str| !only_trail || table == "trail"), move |kind, item| {
        let mut seen = seen.lock().expect("one merge at a time");
        if kind == ConflictType::SQLITE_CHANGESET_FOREIGN_KEY {
            // Called once at the end, with the iterator on no change (nothing of it can be read):
            // abort, which undoes the whole changeset.
            seen.1 = true;
            return ConflictAction::SQLITE_CHANGESET_ABORT;
        }
        let (action, conflict) = settle(kind, &item);
        seen.0.extend(conflict);
        action
    });
    let (conflicts, dangling) = std::mem::take(&mut *found.lock().expect("one merge at a time"));
    match applied {
        Err(_) if dangling => Ok(None),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(Some((session, conflicts))),
    }
}

/// A row a change's trail entries describe: what its author saw before the change (Null when
/// they added it) and the last entry, which says what they left it as.
struct RowChange<'e> {
    entity: String,
    id: i64,
    seen: Value,
    last: &'e Entry,
}

/// The rows of tracked tables a change describes, in the order its entries first name them. A
/// row its author left as they saw it (an addendum's reason records the engagement as it stands)
/// is not theirs to set, and is left out.
fn rows_of(entries: &[Entry]) -> Vec<RowChange<'_>> {
    let mut rows: Vec<RowChange> = Vec::new();
    for e in entries.iter().filter(|e| crate::trail::TRACKED.contains(&e.entity.as_str())) {
        match rows.iter_mut().find(|r| r.entity == e.entity && r.id == e.entity_id) {
            Some(row) => row.last = e,
            None => rows.push(RowChange { entity: e.entity.clone(), id: e.entity_id, seen: e.before.clone(), last: e }),
        }
    }
    rows.retain(|r| r.seen != r.last.state);
    rows
}

/// Gives evidence `id` the next free index number when another copy attached a file under the
/// same number meanwhile (each copy numbers from what it holds), the same way on every copy.
/// The trail records it as Tickmark's own entry, unsigned, in a range no copy uses.
fn renumber_evidence(tx: &Transaction, step: &Step, entries: &[Entry], id: i64) -> Result<()> {
    if !number_taken(tx, id)? {
        return Ok(());
    }
    let before = crate::trail::row_json(tx, "evidence", id)?;
    tx.execute("UPDATE evidence SET number = (SELECT max(coalesce(number, id)) + 1 FROM evidence) WHERE id = ?1", [id])?;
    renumbered(tx, step, entries, "evidence", id, before.as_ref())
}

/// Adds a request that another copy added under the same number meanwhile, as "PBC-7-2" (the
/// first free suffix), the same way on every copy; its author's later changes keep that number.
fn renumber_request(tx: &Transaction, step: &Step, entries: &[Entry], row: Value) -> Result<()> {
    let Value::Object(mut fields) = row.clone() else { return Ok(()) };
    let (Some(id), Some(number)) = (fields.get("id").and_then(Value::as_i64), fields.get("number").and_then(Value::as_str).map(str::to_owned)) else { return Ok(()) };
    let free = (2..)
        .map(|n| format!("{number}-{n}"))
        .find(|candidate| !tx.query_row("SELECT EXISTS(SELECT 1 FROM request WHERE number = ?1)", [candidate], |r| r.get::<_, bool>(0)).unwrap_or(true))
        .expect("some suffix is free");
    fields.insert("number".into(), Value::from(free));
    let columns: Vec<&String> = fields.keys().collect();
    let places = (1..=columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let names = columns.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ");
    tx.execute(&format!("INSERT INTO request ({names}) VALUES ({places})"), rusqlite::params_from_iter(columns.iter().map(|c| sql_value(&fields[c.as_str()]))))?;
    renumbered(tx, step, entries, "request", id, Some(&row))
}

/// Records in the trail, as Tickmark's own unsigned entry in the merge range, that a row's
/// number was changed by merging: `before` as its author recorded it, after as it stands.
fn renumbered(tx: &Transaction, step: &Step, entries: &[Entry], entity: &str, id: i64, before: Option<&Value>) -> Result<()> {
    let after = crate::trail::row_json(tx, entity, id)?;
    let at = entries.iter().rev().find(|e| e.entity == entity && e.entity_id == id).map_or("", |e| e.at.as_str());
    let merging = outbox::Context { copy: "merge".into(), index: MERGE_RANGE, lamport: step.lamport as i64 };
    crate::trail::append(tx, Some(&merging), at, "Tickmark", None, "renumber", entity, id, before, after.as_ref())
}

/// Leaves every row the change describes as its author recorded it: the whole row, not a blend
/// with a change another copy made at the same time, nor as another copy set it where the author
/// wrote a value that was already there. Where this copy held something else than the author
/// saw, and the author left something different again, what this copy held is kept in the list.
/// None when every row stands so; otherwise why one cannot (`apply` then holds the change).
fn settle_rows(tx: &Transaction, step: &Step, entries: &[Entry], rows: &[RowChange], before: &[Option<Value>], conflicts: &mut Vec<Conflict>) -> Result<Option<String>> {
    for (row, held_here) in rows.iter().zip(before) {
        if row.last.removal || conflicts.iter().any(|c| c.entity == row.entity && c.entity_id == Some(row.id)) {
            continue;
        }
        // A row merging renumbered keeps its new number whatever its author's copy still shows.
        let sticky: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM trail WHERE actor = 'Tickmark' AND action = 'renumber' AND entity = ?1 AND entity_id = ?2)",
            params![row.entity, row.id],
            |r| r.get(0),
        )?;
        let (mut recorded, mut seen) = (row.last.state.clone(), row.seen.clone());
        if let (true, Some(now)) = (sticky, crate::trail::row_json(tx, &row.entity, row.id)?) {
            for view in [&mut recorded, &mut seen] {
                if let Value::Object(fields) = view {
                    fields.insert("number".into(), now["number"].clone());
                }
            }
        }
        let recorded = &recorded;
        let here = held_here.clone().unwrap_or(Value::Null);
        if here != seen && !here.is_null() && here != *recorded {
            conflicts.push(Conflict { kind: "replaced", entity: row.entity.clone(), entity_id: Some(row.id), detail: serde_json::json!({ "values": recorded, "current": here }) });
        }
        let stands = match (crate::trail::row_json(tx, &row.entity, row.id)?, recorded) {
            (None, _) => {
                conflicts.push(Conflict { kind: "removed meanwhile", entity: row.entity.clone(), entity_id: Some(row.id), detail: serde_json::json!({ "values": recorded }) });
                true
            }
            (Some(now), Value::Object(fields)) if now != *recorded => restore_row(tx, &row.entity, row.id, fields)?,
            _ => true,
        };
        if !stands {
            return Ok(Some(format!(
                "as {} recorded it, {} {} would have a reference or number another row here has now, or refer to a row removed meanwhile, by another copy's change",
                step.author,
                row.entity.replace('_', " "),
                crate::model::number::label(&row.entity, row.id)
            )));
        }
        // The trail's last word on the row must be the row as it stands: where the author's entry
        // shows the old number, Tickmark's own entry follows it.
        let last_word: Option<String> = rusqlite::OptionalExtension::optional(tx.query_row(
            "SELECT after FROM trail WHERE entity = ?1 AND entity_id = ?2 ORDER BY clock DESC, seq DESC LIMIT 1",
            params![row.entity, row.id],
            |r| r.get(0),
        ))?
        .flatten();
        let now = crate::trail::row_json(tx, &row.entity, row.id)?;
        if sticky && last_word.and_then(|w| serde_json::from_str::<Value>(&w).ok()) != now {
            renumbered(tx, step, entries, &row.entity, row.id, Some(&row.last.state))?;
        }
    }
    Ok(None)
}

/// Sets every column of row `id` of `table` to what `row` (a trail entry's record) says. False,
/// with the row unchanged, when the file's constraints refuse that (a unique column would repeat
/// another row's value, or a reference point at a row removed meanwhile).
fn restore_row(tx: &Transaction, table: &str, id: i64, row: &serde_json::Map<String, Value>) -> Result<bool> {
    let columns: Vec<&String> = row.keys().filter(|c| c.as_str() != "id").collect();
    if columns.is_empty() {
        return Ok(true);
    }
    let assignments = columns.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 2)).collect::<Vec<_>>().join(", ");
    let mut values: Vec<rusqlite::types::Value> = vec![id.into()];
    values.extend(columns.iter().map(|c| sql_value(&row[c.as_str()])));
    match tx.execute(&format!("UPDATE {table} SET {assignments} WHERE id = ?1"), rusqlite::params_from_iter(values)) {
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => Ok(false),
        done => done.map(|_| true).map_err(Into::into),
    }
}

/// What to do with one row of a change that does not fit this copy, and what to keep of it. A
/// row changed here meanwhile takes the change (`settle_rows` keeps what it replaced).
fn settle(kind: ConflictType, item: &ChangesetItem) -> (ConflictAction, Option<Conflict>) {
    let (table, columns) = item.op().map(|op| (op.table_name().to_owned(), op.number_of_columns())).unwrap_or_default();
    let carried = {
        let new = row(columns, |i| item.new_value(i));
        if new.iter().all(Value::is_null) { row(columns, |i| item.old_value(i)) } else { new }
    };
    // The key is the first column; an update carries it among the old values only.
    let entity_id = [item.old_value(0), item.new_value(0)].into_iter().find_map(|v| v.ok().and_then(|v| v.as_i64().ok()));
    let removal = matches!(item.op().map(|op| op.code()), Ok(rusqlite::hooks::Action::SQLITE_DELETE));
    let word = match kind {
        // A removal of a row changed here meanwhile would take that change with it: the row
        // stays as changed, and the removal is kept (what its author saw as `values`).
        ConflictType::SQLITE_CHANGESET_DATA if removal => "changed meanwhile",
        ConflictType::SQLITE_CHANGESET_DATA | ConflictType::SQLITE_CHANGESET_CONFLICT => return (ConflictAction::SQLITE_CHANGESET_REPLACE, None),
        // Removed on two copies: both wanted it gone, nobody needs to choose.
        ConflictType::SQLITE_CHANGESET_NOTFOUND if removal => "duplicate",
        ConflictType::SQLITE_CHANGESET_NOTFOUND => "removed meanwhile",
        ConflictType::SQLITE_CHANGESET_CONSTRAINT => "clash",
        _ => "refers to a removed row",
    };
    (ConflictAction::SQLITE_CHANGESET_OMIT, Some(Conflict { kind: word, entity: table, entity_id, detail: serde_json::json!({ "values": carried }) }))
}

pub(super) fn sql_value(value: &Value) -> rusqlite::types::Value {
    match value {
        Value::Null => rusqlite::types::Value::Null,
        Value::Bool(b) => i64::from(*b).into(),
        Value::Number(n) => n.as_i64().map_or_else(|| n.as_f64().unwrap_or_default().into(), Into::into),
        Value::String(s) => s.clone().into(),
        other => other.to_string().into(),
    }
}

/// A row's values as an object by column name, whether kept as one or as the changeset's list.
fn as_row(conn: &Connection, table: &str, values: &Value) -> Result<Value> {
    let Value::Array(list) = values else { return Ok(values.clone()) };
    let names: Vec<String> = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Value::Object(names.into_iter().zip(list.iter().cloned()).collect()))
}

/// A changeset row's values as JSON, a column that is not there (an update's unchanged one) as
/// null.
fn row<'a>(columns: i32, get: impl Fn(usize) -> rusqlite::Result<ValueRef<'a>>) -> Vec<Value> {
    (0..columns.max(0) as usize).map(|i| get(i).map(json).unwrap_or(Value::Null)).collect()
}

pub(crate) fn json(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::from(n),
        ValueRef::Real(x) => Value::from(x),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(format!("{} bytes", b.len())),
    }
}

/// A trail entry a change carries.
pub(crate) struct Entry {
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
    /// The row as the entry records it (after, or before for a removal).
    pub state: Value,
    /// Whether the entry removed the row.
    pub removal: bool,
    /// The row before the entry (Null when it added the row).
    pub before: Value,
    pub hash: String,
    /// Whether `hash` is the hash of the entry's own fields: a signature copied from another
    /// entry, with its hash, signs that entry, not this one.
    pub own_hash: bool,
    /// The author's signature of `hash`, when they signed with a key.
    pub signature: Option<String>,
    pub at: String,
    /// Who the entry says made it.
    pub actor: String,
    /// Its number: in the range of the copy it was made on.
    pub seq: i64,
    /// The clock of the change it belongs to.
    pub clock: i64,
}

/// A trail entry in words, as a sync report lists it, with the control its row belongs to named
/// by its reference, since people know controls by reference, not by number: "record test
/// result 1-5 (CC6.1)", "take assignment 1-3 (CC6.1)", "add control CC6.1". `state` is the row
/// as the entry records it.
pub(crate) fn what_it_did(conn: &Connection, action: &str, entity: &str, id: i64, state: &Value) -> Result<String> {
    match (entity, state["reference"].as_str(), state["initials"].as_str()) {
        ("control", Some(reference), _) => return Ok(format!("{action} control {reference}")),
        // A member by their initials, as the team list names them.
        ("team_member", _, Some(initials)) => return Ok(format!("{action} {initials}")),
        _ => {}
    }
    let control = match entity {
        // A control is taken by a row numbered as the control.
        "assignment" => Some(id),
        _ => crate::signoff::control_of_work(conn, entity, id, state)?.or(state["control_id"].as_i64()),
    };
    let reference: Option<String> = match control {
        Some(control) => conn.query_row("SELECT reference FROM control WHERE id = ?1", [control], |r| r.get(0)).optional()?,
        None => None,
    };
    let words = format!("{action} {} {}", entity.replace('_', " "), crate::model::number::label(entity, id));
    Ok(match reference {
        Some(reference) => format!("{words} ({reference})"),
        None => words,
    })
}

/// Calls `each` on every row a changeset changes, in order, while it returns true.
pub(crate) fn each_item(changeset: &[u8], mut each: impl FnMut(&ChangesetItem) -> Result<bool>) -> Result<()> {
    use fallible_streaming_iterator::FallibleStreamingIterator;
    let mut input: &[u8] = changeset;
    let reader: &mut dyn std::io::Read = &mut input;
    let mut iter = ChangesetIter::start_strm(&reader)?;
    while let Some(item) = iter.next()? {
        if !each(item)? {
            break;
        }
    }
    Ok(())
}

/// The trail entries a changeset adds, in the trail's order.
pub(crate) fn trail_entries(changeset: &[u8]) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    each_item(changeset, |item| {
        let op = item.op()?;
        // SQLite finds a changeset's tables whatever their case, so this does too.
        if !op.table_name().eq_ignore_ascii_case("trail") || op.code() != rusqlite::hooks::Action::SQLITE_INSERT {
            return Ok(true);
        }
        let text = |i: usize| item.new_value(i).ok().and_then(|v| v.as_str().ok().map(str::to_owned));
        let number = |i: usize| item.new_value(i).ok().and_then(|v| v.as_i64().ok()).unwrap_or_default();
        let removal = text(7).is_none();
        let before = text(6).and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null);
        let state = text(7).or_else(|| text(6)).and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null);
        // The entry as the trail will hold it, to tell whether its hash is its own.
        let recorded = crate::trail::TrailEntry {
            seq: number(0),
            at: text(1).unwrap_or_default(),
            actor: text(2).unwrap_or_default(),
            action: text(3).unwrap_or_default(),
            entity: text(4).unwrap_or_default(),
            entity_id: number(5),
            before: text(6),
            after: text(7),
            prev_hash: text(8).unwrap_or_default(),
            hash: text(9).unwrap_or_default(),
            signature: text(10),
            clock: number(11),
        };
        entries.push(Entry {
            removal,
            before,
            own_hash: recorded.compute_hash() == recorded.hash,
            hash: recorded.hash,
            signature: recorded.signature,
            at: recorded.at,
            actor: recorded.actor,
            seq: recorded.seq,
            clock: recorded.clock,
            action: recorded.action,
            entity: recorded.entity,
            entity_id: recorded.entity_id,
            state,
        });
        Ok(true)
    })?;
    // A changeset lists a table's rows in no order of its own: the trail's is theirs.
    entries.sort_by_key(|e| e.seq);
    Ok(entries)
}

/// Why a change by `author` must not take effect here: the engagement was completed before it
/// (and it is no addendum), it changes a workpaper that was reviewed and locked before it, or it
/// changes the team in a way its author may not (every change that travels is signed).
fn held_because(conn: &Connection, author: &str, changeset: &[u8], entries: &[Entry]) -> Result<Option<String>> {
    if let Some(refusal) = crate::sync::team_changes::refusal(conn, author, changeset, entries)? {
        return Ok(Some(format!("{author} may not make this change of the team: {refusal}")));
    }
    let completed: Option<String> = conn.query_row("SELECT completed_on FROM engagement WHERE id = 1", [], |r| r.get(0))?;
    let addendum = entries.iter().any(|e| crate::completion::is_addendum(&e.action));
    if let (Some(on), false) = (completed, addendum) {
        return Ok(Some(format!("the documentation was completed on {on} before this change arrived")));
    }
    // An addendum may attach late evidence to a reviewed workpaper, as on its author's copy.
    for e in entries.iter().filter(|e| !(addendum && e.entity == "evidence")) {
        let Some(control) = crate::signoff::control_of_work(conn, &e.entity, e.entity_id, &e.state)? else { continue };
        if let Err(Error::Locked { what, reason }) = crate::signoff::ensure_unlocked(conn, control) {
            return Ok(Some(format!("{what} was {reason}, before this change arrived")));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a row left pointing at one that is not here holds a change back; a changeset that
    /// cannot be read at all fails the sync (rolled back, nothing lost) rather than being listed
    /// as held work that no one made.
    #[test]
    fn a_changeset_that_cannot_be_read_is_an_error_not_held_work() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE review_note (id INTEGER PRIMARY KEY, text TEXT)").unwrap();
        let tx = conn.transaction().unwrap();
        let step = Step { copy: "0003".into(), seq: 1, lamport: 1, author: "TW".into(), original: b"not a changeset at all".to_vec(), made_on: None };
        assert!(attempt(&tx, &step, false).is_err());
    }
}
