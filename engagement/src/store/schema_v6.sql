-- Version 6: a settlement says what the conflict it settles held when it was settled, and
-- merging parks the evidence bytes of a change it undoes.

-- A conflict's content can change after it is settled: a change that sorts before the one it
-- came from arrives late from a third copy, and what the later change replaced is then that
-- change's work, which nobody looked at. A SHA-256 of what the conflict holds (its kind, the
-- values kept and those they replaced, as merging stored them) binds the settlement to it:
-- where the conflict now holds something else, it is to be settled again. Settlements made
-- before this version hold NULL and settle their conflict whatever it holds, as they did.
ALTER TABLE settlement ADD COLUMN holds TEXT;

-- Evidence bytes merging takes out of a file while it undoes the change that attached it, to put
-- back when it applies the change again: from here, not from the shared folder, which may have
-- lost or damaged them since. Filled and emptied within the one transaction of a merge.
CREATE TABLE sync_parked_chunk (
    sha256 TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (sha256, seq)
);
