/* migrate.h — schema migrations (Alembic / Flask-Migrate).
 *
 * A revision is one SQL file in sql/migrations/, named <rev>_<slug>.sql:
 *
 *   -- revision: 1a2b3c4d5e6f
 *   -- down_revision: <base>          (or the parent's revision id)
 *   -- message: initial migration
 *   -- date: 2026-11-22 05:40:00
 *   -- upgrade
 *   CREATE TABLE ...;
 *   -- downgrade
 *   DROP TABLE ...;
 *
 * Revisions form one chain by their down_revision links, whatever the file
 * names sort like; branches, several heads, a missing parent, duplicate ids
 * and cycles are refused with a message naming the files.  The database's
 * revision is kept in alembic_version(version_num) exactly like Alembic, so
 * either tool can read it.  Each revision runs in its own transaction
 * (BEGIN; script; version update; COMMIT) — SQLite DDL is transactional, so
 * a failing revision leaves the database at the last good one.
 *
 * Memory: everything (revisions, messages) lives in the arena given to
 * fl_migrations_load().
 */
#ifndef FL_MIGRATE_H
#define FL_MIGRATE_H

#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "db.h"
#include "err.h"

/* Longest revision id: alembic_version.version_num is VARCHAR(32). */
#define FL_REVISION_MAX 32

/* Largest revision file read, in bytes. */
#define FL_REVISION_FILE_MAX (16u << 20)

/* One parsed revision file. */
typedef struct fl_revision {
	const char *id;             /* "1a2b3c4d5e6f" */
	const char *down_revision;  /* parent id, NULL for the first revision (<base>) */
	const char *message;        /* "" when the header has none */
	const char *date;           /* "" when the header has none */
	const char *upgrade;        /* the SQL under "-- upgrade" */
	const char *downgrade;      /* the SQL under "-- downgrade" */
	const char *path;           /* the file it came from (for messages) */
} fl_revision;

/* fl_revision_parse — parse the revision file text `text` (`len` bytes,
 * not necessarily NUL-terminated) read from `path`.  Strict: the header
 * holds only "-- key: value" lines (revision and down_revision required,
 * message and date optional, none twice) and blank lines, then exactly one
 * "-- upgrade" and one "-- downgrade" line in that order; each non-empty
 * section must end in a complete statement (';').  The text must be UTF-8
 * without NUL bytes.  Ids are 1–32 characters of [0-9A-Za-z_].
 * On success *out's strings are copies in `a`.  On FL_EMIGRATE, *error is
 * "path:line: reason" in `a`. */
fl_err fl_revision_parse(fl_arena *a, const char *path, const char *text, size_t len,
	fl_revision *out, const char **error);

/* The revisions of a migrations folder, in chain order. */
typedef struct fl_migrations {
	fl_arena *arena;
	const char *dir;
	const fl_revision **chain;  /* chain[0] is the first revision, chain[n-1] the head */
	size_t n;
	const char *error;          /* one line describing the last failure, or NULL */
	FILE *progress;             /* upgrade/downgrade report each step here; NULL: quiet */
} fl_migrations;

/* fl_migrations_load — read every *.sql file of `dir`, parse it, check the
 * file name starts with its revision id, and chain the revisions.
 * *out is set even on failure (its `error` says why).  An empty folder is
 * an empty chain.  Errors: FL_EIO (folder or file unreadable), FL_EMIGRATE
 * (a broken file or chain). */
fl_err fl_migrations_load(fl_arena *a, const char *dir, fl_migrations **out);

/* fl_migrations_chain — chain the `n` revisions of `revs` (in any order)
 * by their down_revision links, as fl_migrations_load does after parsing.
 * *out is set even on failure.  Errors: FL_EMIGRATE (duplicate id, several
 * bases, a missing parent, a branch, a cycle). */
fl_err fl_migrations_chain(fl_arena *a, const fl_revision *revs, size_t n, fl_migrations **out);

/* fl_migrations_head — the head revision's id, or NULL for an empty chain. */
const char *fl_migrations_head(const fl_migrations *m);

/* fl_migrate_current — `alembic current`: the database's revision in *rev
 * (NULL at base, also when alembic_version does not exist yet).
 * Errors: FL_EMIGRATE (several rows, or a revision this folder does not
 * define), FL_EBUSY, FL_EDB. */
fl_err fl_migrate_current(fl_migrations *m, fl_db *db, const char **rev);

/* fl_migrate_upgrade — `alembic upgrade [target]`: apply the revisions after
 * the current one up to `target` ("head" or NULL for the newest, a revision
 * id or unique prefix of one), each in its own transaction.  On failure the
 * failed revision is rolled back, the database stays at the last good one
 * and m->error names the file and SQLite's message.
 * Errors: FL_EMIGRATE (unknown target, target behind current, a failed
 * revision), FL_EBUSY, FL_EDB. */
fl_err fl_migrate_upgrade(fl_migrations *m, fl_db *db, const char *target);

/* fl_migrate_downgrade — `alembic downgrade [target]`: run the downgrade
 * parts from the current revision back to `target` ("-1" or NULL for one
 * step, "-N", "base", a revision id or unique prefix), newest first, each
 * in its own transaction.  Errors: as fl_migrate_upgrade. */
fl_err fl_migrate_downgrade(fl_migrations *m, fl_db *db, const char *target);

/* fl_migrate_stamp — `alembic stamp REV`: set the database's revision to
 * `target` ("head", "base", an id or unique prefix) without running any
 * SQL.  Errors: FL_EMIGRATE (unknown target), FL_EBUSY, FL_EDB. */
fl_err fl_migrate_stamp(fl_migrations *m, fl_db *db, const char *target);

/* fl_migrate_history — `alembic history`: append one line per revision,
 * newest first, "<parent> -> <id>[ (head)], <message>\n" with "<base>" as
 * the first revision's parent. */
void fl_migrate_history(const fl_migrations *m, fl_buf *out);

#endif
