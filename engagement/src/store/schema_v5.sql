-- Version 5: the rule the team's own changes are judged by is recorded in the file.

-- Rule 1 (files made before this version): a member registers their own first key at any time.
-- Rule 2 (every file made since): once the partner signs with a key, a member's first key is the
-- partner's to register. A file is made under rule 2 and keeps the rule it was made under, so
-- that merging and `verify` judge its trail as every copy of it does, and files whose members
-- registered their own keys under rule 1 still verify. The trail records the column like any
-- other, so changing it is named by `verify`, and a Tickmark older than this version cannot
-- open a file made under rule 2.
ALTER TABLE engagement ADD COLUMN team_rule INTEGER NOT NULL DEFAULT 1;
