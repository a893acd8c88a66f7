-- revision: 3f9e4d470d24
-- down_revision: <base>
-- message: flaskr schema
-- date: 2026-12-06 03:00:00
-- upgrade
CREATE TABLE "user" (
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"username" TEXT NOT NULL,
	"password" TEXT NOT NULL,
	UNIQUE ("username")
);
CREATE TABLE "post" (
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"author_id" INTEGER NOT NULL,
	"created" DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	"title" TEXT NOT NULL,
	"body" TEXT NOT NULL,
	FOREIGN KEY("author_id") REFERENCES "user" ("id")
);
-- downgrade
DROP TABLE "post";
DROP TABLE "user";
-- upgrade: mysql
-- create_all's DDL for this database (image comes in 2c942b388c43).
CREATE TABLE "user" (
	"id" INTEGER NOT NULL AUTO_INCREMENT,
	"username" TEXT NOT NULL,
	"password" TEXT NOT NULL,
	PRIMARY KEY ("id"),
	UNIQUE ("username")
);
CREATE TABLE "post" (
	"id" INTEGER NOT NULL AUTO_INCREMENT,
	"author_id" INTEGER NOT NULL,
	"created" DATETIME(6) DEFAULT CURRENT_TIMESTAMP NOT NULL,
	"title" TEXT NOT NULL,
	"body" TEXT NOT NULL,
	PRIMARY KEY ("id"),
	FOREIGN KEY("author_id") REFERENCES "user" ("id")
);
-- downgrade: mysql
DROP TABLE "post";
DROP TABLE "user";
-- upgrade: postgresql
-- create_all's DDL for this database (image comes in 2c942b388c43).
CREATE TABLE "user" (
	"id" SERIAL NOT NULL,
	"username" TEXT NOT NULL,
	"password" TEXT NOT NULL,
	PRIMARY KEY ("id"),
	UNIQUE ("username")
);
CREATE TABLE "post" (
	"id" SERIAL NOT NULL,
	"author_id" INTEGER NOT NULL,
	"created" TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
	"title" TEXT NOT NULL,
	"body" TEXT NOT NULL,
	PRIMARY KEY ("id"),
	FOREIGN KEY("author_id") REFERENCES "user" ("id")
);
-- downgrade: postgresql
DROP TABLE "post";
DROP TABLE "user";
