-- revision: 4e0a5c1d2b3f
-- down_revision: <base>
-- message: create note
-- date: 2026-12-06 00:00:00
-- upgrade
-- The first revision: the table of the model Note (app/@APP@.c), as
-- `./manage db migrate -m "create note"` writes it.  After a change to a
-- model, `./manage db migrate -m "what changed"` writes the next one.
CREATE TABLE "note" (
	"id" INTEGER NOT NULL,
	"title" VARCHAR(100) NOT NULL,
	"body" TEXT,
	"created" DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	PRIMARY KEY ("id"),
	UNIQUE ("title")
);
-- downgrade
DROP TABLE "note";
