-- Version 6: a settlement says what the conflict it settles held when it was settled.

-- A conflict's content can change after it is settled: a change that sorts before the one it
-- came from arrives late from a third copy, and what the later change replaced is then that
-- change's work, which nobody looked at. A SHA-256 of what the conflict holds (its kind, the
-- values kept and those they replaced, as merging stored them) binds the settlement to it:
-- where the conflict now holds something else, it is to be settled again. Settlements made
-- before this version hold NULL and settle their conflict whatever it holds, as they did.
ALTER TABLE settlement ADD COLUMN holds TEXT;
