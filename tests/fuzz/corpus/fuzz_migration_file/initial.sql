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
