-- Schema version 1. Dates of the period are ISO calendar dates; instants are UTC RFC 3339.
-- Lists that are read and written whole (criteria of a control, attendees) are JSON arrays.

CREATE TABLE engagement (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    uid         TEXT NOT NULL,
    client      TEXT NOT NULL,
    system      TEXT NOT NULL,
    examination TEXT NOT NULL,
    categories  TEXT NOT NULL,
    completed_on TEXT
);

CREATE TABLE team_member (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    initials TEXT NOT NULL UNIQUE,
    role     TEXT NOT NULL
);

CREATE TABLE control (
    id          INTEGER PRIMARY KEY,
    reference   TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    criteria    TEXT NOT NULL,
    frequency   TEXT NOT NULL,
    nature      TEXT NOT NULL,
    owner       TEXT NOT NULL,
    conclusion  TEXT,
    conclusion_note TEXT
);

CREATE TABLE attribute (
    id         INTEGER PRIMARY KEY,
    control_id INTEGER NOT NULL REFERENCES control(id),
    label      TEXT NOT NULL,
    question   TEXT NOT NULL,
    UNIQUE (control_id, label)
);

CREATE TABLE request (
    id           INTEGER PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    control_id   INTEGER REFERENCES control(id),
    requested_on TEXT NOT NULL,
    due_on       TEXT,
    status       TEXT NOT NULL
);

CREATE TABLE evidence (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER REFERENCES request(id),
    control_id  INTEGER REFERENCES control(id),
    name        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    received_on TEXT NOT NULL
);

-- Evidence bytes in fixed-size chunks so that neither writing nor reading holds a whole file.
CREATE TABLE evidence_chunk (
    evidence_id INTEGER NOT NULL REFERENCES evidence(id),
    seq         INTEGER NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (evidence_id, seq)
) WITHOUT ROWID;

CREATE TABLE walkthrough (
    id         INTEGER PRIMARY KEY,
    control_id INTEGER NOT NULL REFERENCES control(id),
    kind       TEXT NOT NULL,
    held_on    TEXT NOT NULL,
    attendees  TEXT NOT NULL,
    narrative  TEXT NOT NULL,
    evidence   TEXT NOT NULL
);

CREATE TABLE population (
    id            INTEGER PRIMARY KEY,
    control_id    INTEGER NOT NULL REFERENCES control(id),
    description   TEXT NOT NULL,
    source_name   TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    columns       TEXT NOT NULL,
    mapping       TEXT NOT NULL,
    row_count     INTEGER NOT NULL,
    date_min      TEXT,
    date_max      TEXT,
    findings      TEXT NOT NULL,
    rows_sha256   TEXT NOT NULL,
    imported_at   TEXT NOT NULL
);

CREATE TABLE population_row (
    population_id INTEGER NOT NULL REFERENCES population(id),
    idx           INTEGER NOT NULL,
    item_key      TEXT NOT NULL,
    item_date     TEXT,
    amount_cents  INTEGER,
    stratum       TEXT,
    fields        TEXT NOT NULL,
    PRIMARY KEY (population_id, idx)
) WITHOUT ROWID;

CREATE TABLE sample (
    id            INTEGER PRIMARY KEY,
    control_id    INTEGER NOT NULL REFERENCES control(id),
    population_id INTEGER REFERENCES population(id),
    basis         TEXT NOT NULL,
    selection     TEXT NOT NULL,
    drawn_at      TEXT NOT NULL
);

CREATE TABLE test_result (
    id           INTEGER PRIMARY KEY,
    sample_id    INTEGER NOT NULL REFERENCES sample(id),
    position     INTEGER NOT NULL,
    attribute_id INTEGER NOT NULL REFERENCES attribute(id),
    outcome      TEXT NOT NULL,
    tickmark     TEXT,
    note         TEXT,
    UNIQUE (sample_id, position, attribute_id)
);

CREATE TABLE exception (
    id             INTEGER PRIMARY KEY,
    control_id     INTEGER NOT NULL REFERENCES control(id),
    description    TEXT NOT NULL,
    items          TEXT NOT NULL,
    management_response TEXT,
    response_by    TEXT,
    response_on    TEXT
);

CREATE TABLE signoff (
    id         INTEGER PRIMARY KEY,
    control_id INTEGER NOT NULL REFERENCES control(id),
    role       TEXT NOT NULL,
    initials   TEXT NOT NULL,
    signed_at  TEXT NOT NULL,
    chain_head TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_reason TEXT
);

CREATE TABLE review_note (
    id           INTEGER PRIMARY KEY,
    control_id   INTEGER NOT NULL REFERENCES control(id),
    raised_by    TEXT NOT NULL,
    raised_at    TEXT NOT NULL,
    text         TEXT NOT NULL,
    response     TEXT,
    responded_by TEXT,
    responded_at TEXT,
    cleared_by   TEXT,
    cleared_at   TEXT
);

-- Append-only hash chain: each entry's hash covers its fields and the previous entry's hash.
CREATE TABLE trail (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    before    TEXT,
    after     TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX trail_entity ON trail (entity, entity_id, seq);
