-- Version 2: population rows for speed and flat memory at a million rows.
-- Rows move to a rowid table whose rowid is population_id * 2^32 + idx: each population's rows
-- are one rowid range in index order, so an import appends and a window of items is a range
-- read, with no second B-tree to keep. The key index lets duplicate keys be read in key order
-- instead of held in memory, and finds an item by its key.
CREATE TABLE population_row_v2 (
    id            INTEGER PRIMARY KEY CHECK (id = population_id * 4294967296 + idx),
    population_id INTEGER NOT NULL REFERENCES population(id),
    idx           INTEGER NOT NULL CHECK (idx BETWEEN 0 AND 4294967295),
    item_key      TEXT NOT NULL,
    item_date     TEXT,
    amount_cents  INTEGER,
    stratum       TEXT,
    fields        TEXT NOT NULL
);
INSERT INTO population_row_v2 (id, population_id, idx, item_key, item_date, amount_cents, stratum, fields)
    SELECT population_id * 4294967296 + idx, population_id, idx, item_key, item_date, amount_cents, stratum, fields
    FROM population_row ORDER BY population_id, idx;
DROP TABLE population_row;
ALTER TABLE population_row_v2 RENAME TO population_row;
CREATE INDEX population_row_key ON population_row (population_id, item_key);
