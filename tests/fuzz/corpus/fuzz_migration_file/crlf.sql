-- revision: c
-- down_revision: b

-- upgrade
CREATE TABLE c (z INTEGER); /* x */
-- downgrade
DROP TABLE c;
