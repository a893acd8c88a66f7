-- revision: a
-- down-revision: <base>
-- upgrade
CREATE TABLE x (y)
-- downgrade
