-- revision: a
-- down_revision: <base>
-- upgrade
-- downgrade
-- downgrade: mysql
SELECT 1;
-- downgrade: mysql
