-- revision: 5b7e2d9c41a3
-- down_revision: 7ac0a6c8cfb1
-- message: guestbook entries
-- date: 2026-11-23 09:00:00
-- upgrade
CREATE TABLE "guestbook_entries" (
	"id" INTEGER NOT NULL,
	"name" VARCHAR(64) NOT NULL,
	"message" VARCHAR(500) NOT NULL,
	"created_at" DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	PRIMARY KEY ("id")
);
-- downgrade
DROP TABLE "guestbook_entries";
