-- revision: d
-- down_revision: c
-- message: café 小
-- upgrade
INSERT INTO b VALUES ('it''s; -- x');
-- downgrade
DELETE FROM b;
