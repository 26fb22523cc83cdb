-- Version 3: a signature means the work was done.
-- Columns added to tracked tables have defaults (mostly NULL): rows the trail recorded before
-- this version are verified against those defaults until a change records them whole.

-- One live sample per control: another is drawn only once the live one is voided, with a reason.
ALTER TABLE sample ADD COLUMN voided_at TEXT;
ALTER TABLE sample ADD COLUMN voided_by TEXT;
ALTER TABLE sample ADD COLUMN void_reason TEXT;

-- A population imported by mistake is removed with a reason (kept, so the trail and any voided
-- sample drawn from it still make sense); out-of-period items are explained before sampling.
ALTER TABLE population ADD COLUMN removed_at TEXT;
ALTER TABLE population ADD COLUMN removed_by TEXT;
ALTER TABLE population ADD COLUMN removed_reason TEXT;
ALTER TABLE population ADD COLUMN out_of_period_note TEXT;
-- Fingerprints from this version on cover the listing's cells as imported, whatever the mapping
-- (version 2); earlier populations keep theirs (version 1, over the mapped columns).
ALTER TABLE population ADD COLUMN fingerprint_version INTEGER NOT NULL DEFAULT 1;

-- The row a spreadsheet shows for the item (the header is row 1); NULL for rows imported before
-- this version, whose row is their index + 2.
ALTER TABLE population_row ADD COLUMN source_row INTEGER;

-- Concluding "effective" although a statistical sample's upper deviation limit exceeds the
-- tolerable rate needs the auditor's written reason.
ALTER TABLE control ADD COLUMN conclusion_override TEXT;

-- A request no longer needed is closed with its reason.
ALTER TABLE request ADD COLUMN status_reason TEXT;

-- Evidence index numbers (EV-n); NULL for files attached before this version, numbered by id.
ALTER TABLE evidence ADD COLUMN number INTEGER;

-- Evidence a grid cell refers to (a JSON array of evidence ids).
ALTER TABLE test_result ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';

-- The sample whose deviations an exception writes up (NULL: not from a sample, or recorded
-- before this version); management may decline to respond, which is recorded as such.
ALTER TABLE exception ADD COLUMN sample_id INTEGER REFERENCES sample(id);
ALTER TABLE exception ADD COLUMN response_declined INTEGER NOT NULL DEFAULT 0;

-- What a signer saw: the SHA-256 of the workpaper's content when signing (NULL before this
-- version), so a later change shows the sign-off as "changed since signed".
ALTER TABLE signoff ADD COLUMN content_hash TEXT;

-- The population columns the auditor shows beside the attributes in the test grid.
CREATE TABLE grid_view (
    id      INTEGER PRIMARY KEY REFERENCES control(id),
    columns TEXT NOT NULL
);

-- What the auditor found each item of a monetary-unit sample to amount to, and why it differs
-- from its book amount where it does.
CREATE TABLE audited_amount (
    id          INTEGER PRIMARY KEY,
    sample_id   INTEGER NOT NULL REFERENCES sample(id),
    position    INTEGER NOT NULL,
    audit_cents INTEGER NOT NULL,
    note        TEXT,
    UNIQUE (sample_id, position)
);

-- The tests of a control as they will read in the report: planned until performed, and only
-- performed ones are reported. A sample-based procedure is performed with its sample's results.
CREATE TABLE procedure (
    id           INTEGER PRIMARY KEY,
    control_id   INTEGER NOT NULL REFERENCES control(id),
    nature       TEXT NOT NULL,
    text         TEXT NOT NULL,
    sample_based INTEGER NOT NULL,
    performed_by TEXT,
    performed_on TEXT
);

-- What a population's items are called in the report ("change tickets"); NULL reads "items".
ALTER TABLE population ADD COLUMN item_type TEXT;

-- Controls the report says user entities must have for the criteria to be met (CUEC-n).
CREATE TABLE user_entity_control (
    id       INTEGER PRIMARY KEY,
    text     TEXT NOT NULL,
    criteria TEXT NOT NULL
);

-- Organisations the service organisation relies on, presented carved out (their controls
-- excluded, with the complementary controls they are assumed to have) or inclusive.
CREATE TABLE subservice_organization (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    services TEXT NOT NULL,
    method   TEXT NOT NULL,
    controls TEXT NOT NULL,
    criteria TEXT NOT NULL
);

-- How an exception bears on the criteria: a design or an operating deviation, its cause as
-- learned, the controls in the matrix that compensate for it (a JSON array of control ids), the
-- effect on each criterion the control addresses (a JSON object, criterion to effect), and the
-- auditor's reasoning. One evaluation per exception, replaced when evaluated again.
CREATE TABLE exception_evaluation (
    id           INTEGER PRIMARY KEY REFERENCES exception(id),
    control_id   INTEGER NOT NULL REFERENCES control(id),
    kind         TEXT NOT NULL,
    cause        TEXT NOT NULL,
    compensating TEXT NOT NULL,
    effects      TEXT NOT NULL,
    rationale    TEXT NOT NULL,
    evaluated_by TEXT NOT NULL,
    evaluated_at TEXT NOT NULL
);

-- The auditor's conclusion on each criterion in scope: met, or not met with the reason, and
-- what Tickmark proposed when it was decided (so a later change to the evaluations shows).
CREATE TABLE criterion_conclusion (
    id         INTEGER PRIMARY KEY,
    criterion  TEXT NOT NULL UNIQUE,
    met        INTEGER NOT NULL,
    reason     TEXT,
    proposed   TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);

-- Evidence the client did not provide (a request closed as not provided) that prevented a test
-- of a control.
CREATE TABLE scope_limitation (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES request(id),
    control_id  INTEGER NOT NULL REFERENCES control(id),
    description TEXT NOT NULL
);

-- The engagement partner's decision on the opinion, signed as a sign-off is: who, when, the
-- trail's head, and the hash of what it rests on (criteria conclusions, evaluations, scope
-- limitations), so a later change shows it no longer stands. A new decision withdraws the last.
CREATE TABLE opinion (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    proposed         TEXT NOT NULL,
    criteria         TEXT NOT NULL,
    reason           TEXT,
    initials         TEXT NOT NULL,
    decided_at       TEXT NOT NULL,
    chain_head       TEXT NOT NULL,
    content_hash     TEXT NOT NULL,
    withdrawn_at     TEXT
);

-- The client's documents the report presents as theirs: management's assertion (Section II)
-- and the description of the system (Section III), each an evidence file.
CREATE TABLE report_document (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL UNIQUE,
    evidence_id INTEGER NOT NULL REFERENCES evidence(id)
);

-- Personal signing keys: each member's Ed25519 public key (hex; NULL until they register one),
-- and each trail entry's signature of its hash by its author's key (NULL for an author without
-- a key).
ALTER TABLE team_member ADD COLUMN public_key TEXT;
ALTER TABLE trail ADD COLUMN signature TEXT;

-- The order of the trail across copies of a shared engagement: the Lamport clock of the change
-- an entry belongs to (0 on a file never shared), so that the trail reads in the order every
-- copy applied the changes. Not part of the entry's hash: `seq` and `prev_hash` are.
ALTER TABLE trail ADD COLUMN clock INTEGER NOT NULL DEFAULT 0;
CREATE INDEX trail_order ON trail (clock, seq);

-- A file rolled forward from last year's names it (its file name, identity and trail head) in
-- its first trail entry, through this column of the engagement row.
ALTER TABLE engagement ADD COLUMN rolled_from TEXT;

-- What last year's file said about a control, carried forward as a note: its walkthrough
-- narratives (to be updated) and its exceptions (to test with in mind). No rule counts a note
-- as work done this year.
CREATE TABLE carried_note (
    id         INTEGER PRIMARY KEY,
    control_id INTEGER NOT NULL REFERENCES control(id),
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL
);

-- What the client wrote back on the request list: comments, and the names of the files sent.
ALTER TABLE request ADD COLUMN client_comment TEXT;
ALTER TABLE request ADD COLUMN client_files TEXT;

-- Team sync through a shared folder (engagement::sync). None of these tables travel: they say
-- what this copy is and what it has exchanged. `secret` is the engagement's sync secret, from
-- which the key sealing every changeset in the folder is derived; `copy` names this copy's
-- numbered files in the folder (NULL in the folder's base file, which is nobody's copy);
-- `folder` is where this copy last found the shared folder, so the window's Sync needs no path.
CREATE TABLE sync_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    secret    BLOB NOT NULL,
    copy      TEXT,
    folder    TEXT
);
-- Each local transaction on a shared engagement, as the changeset the folder will hold, signed
-- by its author when it was made. `state` is what this copy held then (JSON {copy: last seq});
-- `lamport` orders it among every copy's changes (one more than the highest this copy held).
CREATE TABLE sync_outbox (
    seq       INTEGER PRIMARY KEY,
    author    TEXT NOT NULL,
    state     TEXT NOT NULL,
    lamport   INTEGER NOT NULL,
    changeset BLOB NOT NULL,
    signature TEXT NOT NULL
);
-- Every change this copy holds, its own and the others', in the order it applied them (which is
-- the order every copy converges on): the changeset as made (NULL for this copy's own: it is in
-- the outbox), and as it took effect here (NULL when as made), whose inverse undoes it exactly
-- when a change that sorts earlier arrives later.
CREATE TABLE sync_log (
    position  INTEGER PRIMARY KEY,
    copy      TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    lamport   INTEGER NOT NULL,
    author    TEXT NOT NULL,
    original  BLOB,
    effective BLOB,
    UNIQUE (copy, seq)
);
-- What merging concurrent changes could not put in place as made, kept whole for a person to
-- decide: the change (copy, seq), what it meant to do and why it was held.
-- `control_id`: the workpaper it belongs to, whose preparer cannot sign until it is settled.
CREATE TABLE sync_conflict (
    id         INTEGER PRIMARY KEY,
    copy       TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    author     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER,
    control_id INTEGER,
    detail     TEXT NOT NULL
);
-- A conflict a person has looked at and settled (the record put right, or left as it stands),
-- by the change it came from and the row, so that it stays settled however merging reorders.
-- It travels like any other change.
CREATE TABLE settlement (
    id         INTEGER PRIMARY KEY,
    copy       TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER,
    note       TEXT NOT NULL,
    settled_by TEXT NOT NULL,
    settled_at TEXT NOT NULL
);

-- Who has taken a control's work ("assigned to TW"), so a team working in several copies sees
-- who is on what. Taking locks nothing, and is no part of what a signature covers.
CREATE TABLE assignment (
    id       INTEGER PRIMARY KEY REFERENCES control(id),
    initials TEXT NOT NULL,
    taken_at TEXT NOT NULL
);
