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
