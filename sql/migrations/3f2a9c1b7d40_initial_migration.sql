-- revision: 3f2a9c1b7d40
-- down_revision: <base>
-- message: initial migration
-- date: 2026-11-22 05:40:00
-- upgrade
CREATE TABLE "roles" (
	"id" INTEGER NOT NULL,
	"name" VARCHAR(64),
	PRIMARY KEY ("id"),
	UNIQUE ("name")
);
CREATE TABLE "users" (
	"id" INTEGER NOT NULL,
	"username" VARCHAR(64),
	"role_id" INTEGER,
	PRIMARY KEY ("id"),
	FOREIGN KEY("role_id") REFERENCES "roles" ("id")
);
CREATE UNIQUE INDEX "ix_users_username" ON "users" ("username");
-- downgrade
DROP INDEX "ix_users_username";
DROP TABLE "users";
DROP TABLE "roles";
-- upgrade: mysql
-- create_all's DDL for this database (fl_model_create_sql_for).
CREATE TABLE "roles" (
	"id" INTEGER NOT NULL AUTO_INCREMENT,
	"name" VARCHAR(64),
	PRIMARY KEY ("id"),
	UNIQUE ("name")
);
CREATE TABLE "users" (
	"id" INTEGER NOT NULL AUTO_INCREMENT,
	"username" VARCHAR(64),
	"role_id" INTEGER,
	PRIMARY KEY ("id"),
	FOREIGN KEY("role_id") REFERENCES "roles" ("id")
);
CREATE UNIQUE INDEX "ix_users_username" ON "users" ("username");
-- downgrade: mysql
DROP TABLE "users";
DROP TABLE "roles";
-- upgrade: postgresql
-- create_all's DDL for this database (fl_model_create_sql_for).
CREATE TABLE "roles" (
	"id" SERIAL NOT NULL,
	"name" VARCHAR(64),
	PRIMARY KEY ("id"),
	UNIQUE ("name")
);
CREATE TABLE "users" (
	"id" SERIAL NOT NULL,
	"username" VARCHAR(64),
	"role_id" INTEGER,
	PRIMARY KEY ("id"),
	FOREIGN KEY("role_id") REFERENCES "roles" ("id")
);
CREATE UNIQUE INDEX "ix_users_username" ON "users" ("username");
-- downgrade: postgresql
DROP TABLE "users";
DROP TABLE "roles";
