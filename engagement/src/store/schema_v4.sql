-- Version 4: evidence bytes are found without reading other files' bytes.

-- A WITHOUT ROWID table keeps each row whole in its key, so every lookup in it (attaching,
-- reading, syncing a file) compared keys by reading, and decrypting, up to a megabyte of
-- another file's bytes per step of the search. As a rowid table, the key is a small index and
-- the bytes are read only for the file asked for.
CREATE TABLE evidence_chunk_v4 (
    evidence_id INTEGER NOT NULL REFERENCES evidence(id),
    seq         INTEGER NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (evidence_id, seq)
);
INSERT INTO evidence_chunk_v4 (evidence_id, seq, data) SELECT evidence_id, seq, data FROM evidence_chunk ORDER BY evidence_id, seq;
DROP TABLE evidence_chunk;
ALTER TABLE evidence_chunk_v4 RENAME TO evidence_chunk;

-- Merging reads the log from the first arriving change's place in the one order on.
CREATE INDEX sync_log_order ON sync_log (lamport, copy, seq);
