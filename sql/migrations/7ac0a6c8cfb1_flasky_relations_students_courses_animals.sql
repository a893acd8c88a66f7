-- revision: 7ac0a6c8cfb1
-- down_revision: 3f2a9c1b7d40
-- message: flasky relations, students, courses, animals
-- date: 2026-11-22 06:21:22
-- upgrade
-- The DDL is fl_create_all(fl_app_models)'s output (without IF NOT EXISTS,
-- which SQLite does not keep in sqlite_master anyway); tests/unit/test_schema.c
-- checks that this chain builds exactly that schema.
CREATE TABLE "idents" (
	"id" INTEGER NOT NULL,
	"address" VARCHAR(128),
	PRIMARY KEY ("id"),
	UNIQUE ("address")
);
-- users gains ident_id (UNIQUE, FK), password_hash and member_since.  SQLite
-- cannot ADD a UNIQUE column, so the table is rebuilt the documented way
-- (https://sqlite.org/lang_altertable.html#otheralter): new table, copy,
-- drop, rename, indexes.  PRAGMA foreign_keys cannot change inside this
-- transaction, so this runs before any table that references users exists:
-- dropping users then deletes no referenced row and the rename rewrites no
-- foreign key elsewhere.
CREATE TABLE "users_new" (
	"id" INTEGER NOT NULL,
	"username" VARCHAR(64),
	"role_id" INTEGER,
	"ident_id" INTEGER,
	"password_hash" VARCHAR(256),
	"member_since" DATETIME,
	PRIMARY KEY ("id"),
	UNIQUE ("ident_id"),
	FOREIGN KEY("role_id") REFERENCES "roles" ("id"),
	FOREIGN KEY("ident_id") REFERENCES "idents" ("id")
);
INSERT INTO "users_new" ("id", "username", "role_id")
	SELECT "id", "username", "role_id" FROM "users";
DROP INDEX "ix_users_username";
DROP TABLE "users";
ALTER TABLE "users_new" RENAME TO "users";
CREATE UNIQUE INDEX "ix_users_username" ON "users" ("username");
CREATE TABLE "articles" (
	"id" INTEGER NOT NULL,
	"title" VARCHAR(128) NOT NULL,
	"body" TEXT,
	"user_id" INTEGER NOT NULL,
	"rdatetime" DATETIME,
	"isdelete" BOOLEAN DEFAULT 0 NOT NULL,
	PRIMARY KEY ("id"),
	FOREIGN KEY("user_id") REFERENCES "users" ("id")
);
CREATE TABLE "student" (
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"s_name" VARCHAR(32) NOT NULL,
	"s_age" INTEGER DEFAULT 18 NOT NULL,
	"s_score" FLOAT DEFAULT 0 NOT NULL,
	UNIQUE ("s_name")
);
CREATE TABLE "course" (
	"id" INTEGER NOT NULL,
	"cname" VARCHAR(64) NOT NULL,
	"score" INTEGER DEFAULT 5 NOT NULL,
	PRIMARY KEY ("id"),
	UNIQUE ("cname")
);
CREATE TABLE "student_course" (
	"id" INTEGER NOT NULL,
	"stu_id" INTEGER NOT NULL,
	"cou_id" INTEGER NOT NULL,
	PRIMARY KEY ("id"),
	CONSTRAINT "uq_student_course" UNIQUE ("stu_id", "cou_id"),
	FOREIGN KEY("stu_id") REFERENCES "student" ("id") ON DELETE CASCADE,
	FOREIGN KEY("cou_id") REFERENCES "course" ("id") ON DELETE CASCADE
);
CREATE TABLE "dog" (
	"id" INTEGER NOT NULL,
	"name" VARCHAR(64) NOT NULL,
	"age" INTEGER DEFAULT 0 NOT NULL,
	PRIMARY KEY ("id")
);
CREATE TABLE "cat" (
	"id" INTEGER NOT NULL,
	"name" VARCHAR(64) NOT NULL,
	"age" INTEGER DEFAULT 0 NOT NULL,
	PRIMARY KEY ("id")
);
-- downgrade
-- Children first, so no foreign key is left dangling; then users is rebuilt
-- back to (id, username, role_id) before idents, which it referenced, goes.
DROP TABLE "cat";
DROP TABLE "dog";
DROP TABLE "student_course";
DROP TABLE "course";
DROP TABLE "student";
DROP TABLE "articles";
CREATE TABLE "users_new" (
	"id" INTEGER NOT NULL,
	"username" VARCHAR(64),
	"role_id" INTEGER,
	PRIMARY KEY ("id"),
	FOREIGN KEY("role_id") REFERENCES "roles" ("id")
);
INSERT INTO "users_new" ("id", "username", "role_id")
	SELECT "id", "username", "role_id" FROM "users";
DROP INDEX "ix_users_username";
DROP TABLE "users";
ALTER TABLE "users_new" RENAME TO "users";
CREATE UNIQUE INDEX "ix_users_username" ON "users" ("username");
DROP TABLE "idents";
-- upgrade: mysql
-- create_all's DDL for this database; users is altered in place (ALTER works
-- here): its new columns, then the UNIQUE key before the foreign key, so
-- MySQL reuses that key for the foreign key, as create_all's table has it.
CREATE TABLE "idents" (
	"id" INTEGER NOT NULL AUTO_INCREMENT,
	"address" VARCHAR(128),
	PRIMARY KEY ("id"),
	UNIQUE ("address")
);
ALTER TABLE "users" ADD COLUMN "ident_id" INTEGER, ADD COLUMN "password_hash" VARCHAR(256),
	ADD COLUMN "member_since" DATETIME(6);
ALTER TABLE "users" ADD UNIQUE ("ident_id");
ALTER TABLE "users" ADD FOREIGN KEY("ident_id") REFERENCES "idents" ("id");
CREATE TABLE "articles" (
	"id" INTEGER NOT NULL AUTO_INCREMENT,
	"title" VARCHAR(128) NOT NULL,
	"body" TEXT,
	"user_id" INTEGER NOT NULL,
	"rdatetime" DATETIME(6),
	"isdelete" BOOL DEFAULT 0 NOT NULL,
	PRIMARY KEY ("id"),
	FOREIGN KEY("user_id") REFERENCES "users" ("id")
);
CREATE TABLE "student" (
	"id" INTEGER NOT NULL AUTO_INCREMENT,
	"s_name" VARCHAR(32) NOT NULL,
	"s_age" INTEGER DEFAULT 18 NOT NULL,
	"s_score" DOUBLE DEFAULT 0 NOT NULL,
	PRIMARY KEY ("id"),
	UNIQUE ("s_name")
);
CREATE TABLE "course" (
	"id" INTEGER NOT NULL AUTO_INCREMENT,
	"cname" VARCHAR(64) NOT NULL,
	"score" INTEGER DEFAULT 5 NOT NULL,
	PRIMARY KEY ("id"),
	UNIQUE ("cname")
);
CREATE TABLE "student_course" (
	"id" INTEGER NOT NULL AUTO_INCREMENT,
	"stu_id" INTEGER NOT NULL,
	"cou_id" INTEGER NOT NULL,
	PRIMARY KEY ("id"),
	CONSTRAINT "uq_student_course" UNIQUE ("stu_id", "cou_id"),
	FOREIGN KEY("stu_id") REFERENCES "student" ("id") ON DELETE CASCADE,
	FOREIGN KEY("cou_id") REFERENCES "course" ("id") ON DELETE CASCADE
);
CREATE TABLE "dog" (
	"id" INTEGER NOT NULL AUTO_INCREMENT,
	"name" VARCHAR(64) NOT NULL,
	"age" INTEGER DEFAULT 0 NOT NULL,
	PRIMARY KEY ("id")
);
CREATE TABLE "cat" (
	"id" INTEGER NOT NULL AUTO_INCREMENT,
	"name" VARCHAR(64) NOT NULL,
	"age" INTEGER DEFAULT 0 NOT NULL,
	PRIMARY KEY ("id")
);
-- downgrade: mysql
DROP TABLE "cat";
DROP TABLE "dog";
DROP TABLE "student_course";
DROP TABLE "course";
DROP TABLE "student";
DROP TABLE "articles";
-- users_ibfk_2: MySQL's name for users' second foreign key (ident_id), in
-- create_all's table as in revision 1's + this one's.
ALTER TABLE "users" DROP FOREIGN KEY "users_ibfk_2";
ALTER TABLE "users" DROP COLUMN "ident_id", DROP COLUMN "password_hash",
	DROP COLUMN "member_since";
DROP TABLE "idents";
-- upgrade: postgresql
-- create_all's DDL for this database; users is altered in place (ALTER works
-- here): its new columns, then the UNIQUE key before the foreign key, so
-- the constraints get the names create_all's get (users_ident_id_key, _fkey).
CREATE TABLE "idents" (
	"id" SERIAL NOT NULL,
	"address" VARCHAR(128),
	PRIMARY KEY ("id"),
	UNIQUE ("address")
);
ALTER TABLE "users" ADD COLUMN "ident_id" INTEGER, ADD COLUMN "password_hash" VARCHAR(256),
	ADD COLUMN "member_since" TIMESTAMP WITHOUT TIME ZONE;
ALTER TABLE "users" ADD UNIQUE ("ident_id");
ALTER TABLE "users" ADD FOREIGN KEY("ident_id") REFERENCES "idents" ("id");
CREATE TABLE "articles" (
	"id" SERIAL NOT NULL,
	"title" VARCHAR(128) NOT NULL,
	"body" TEXT,
	"user_id" INTEGER NOT NULL,
	"rdatetime" TIMESTAMP WITHOUT TIME ZONE,
	"isdelete" BOOLEAN DEFAULT false NOT NULL,
	PRIMARY KEY ("id"),
	FOREIGN KEY("user_id") REFERENCES "users" ("id")
);
CREATE TABLE "student" (
	"id" SERIAL NOT NULL,
	"s_name" VARCHAR(32) NOT NULL,
	"s_age" INTEGER DEFAULT 18 NOT NULL,
	"s_score" FLOAT DEFAULT 0 NOT NULL,
	PRIMARY KEY ("id"),
	UNIQUE ("s_name")
);
CREATE TABLE "course" (
	"id" SERIAL NOT NULL,
	"cname" VARCHAR(64) NOT NULL,
	"score" INTEGER DEFAULT 5 NOT NULL,
	PRIMARY KEY ("id"),
	UNIQUE ("cname")
);
CREATE TABLE "student_course" (
	"id" SERIAL NOT NULL,
	"stu_id" INTEGER NOT NULL,
	"cou_id" INTEGER NOT NULL,
	PRIMARY KEY ("id"),
	CONSTRAINT "uq_student_course" UNIQUE ("stu_id", "cou_id"),
	FOREIGN KEY("stu_id") REFERENCES "student" ("id") ON DELETE CASCADE,
	FOREIGN KEY("cou_id") REFERENCES "course" ("id") ON DELETE CASCADE
);
CREATE TABLE "dog" (
	"id" SERIAL NOT NULL,
	"name" VARCHAR(64) NOT NULL,
	"age" INTEGER DEFAULT 0 NOT NULL,
	PRIMARY KEY ("id")
);
CREATE TABLE "cat" (
	"id" SERIAL NOT NULL,
	"name" VARCHAR(64) NOT NULL,
	"age" INTEGER DEFAULT 0 NOT NULL,
	PRIMARY KEY ("id")
);
-- downgrade: postgresql
DROP TABLE "cat";
DROP TABLE "dog";
DROP TABLE "student_course";
DROP TABLE "course";
DROP TABLE "student";
DROP TABLE "articles";
ALTER TABLE "users" DROP COLUMN "ident_id", DROP COLUMN "password_hash",
	DROP COLUMN "member_since";
DROP TABLE "idents";
