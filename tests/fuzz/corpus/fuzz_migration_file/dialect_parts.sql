-- revision: 3f2a9c1b7d40
-- down_revision: <base>
-- message: initial migration
-- upgrade
CREATE TABLE "roles" ("id" INTEGER NOT NULL, PRIMARY KEY ("id"));
-- downgrade
DROP TABLE "roles";
-- upgrade: mysql
CREATE TABLE `roles` (id INTEGER NOT NULL AUTO_INCREMENT, PRIMARY KEY (id));
-- downgrade: mysql
DROP TABLE `roles`;
-- upgrade: postgresql
CREATE TABLE "roles" ("id" SERIAL NOT NULL, PRIMARY KEY ("id"));
CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN NEW.x := 'a;b'; RETURN NEW; END; $body$ LANGUAGE plpgsql;
-- downgrade: postgresql
DROP TABLE "roles";
-- upgrade: sqlite
SELECT 1;
