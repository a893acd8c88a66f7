/* migrate.h — schema migrations (Alembic / Flask-Migrate).
 *
 * A revision is one SQL file in sql/migrations/, named <rev>_<slug>.sql:
 *
 *   -- revision: 1a2b3c4d5e6f
 *   -- down_revision: <base>          (or the parent's revision id)
 *   -- message: initial migration
 *   -- date: 2026-11-22 05:40:00
 *   -- foreign_keys: off             (optional; see below)
 *   -- upgrade
 *   CREATE TABLE ...;
 *   -- downgrade
 *   DROP TABLE ...;
 *   -- upgrade: mysql                (optional dialect parts, see below)
 *   CREATE TABLE ...;
 *   -- downgrade: mysql
 *   DROP TABLE ...;
 *
 * Dialect parts: after the plain "-- upgrade" and "-- downgrade" sections a
 * file may hold "-- upgrade: DIALECT" and "-- downgrade: DIALECT" sections,
 * DIALECT being sqlite, mysql or postgresql (the dialect names of
 * fl_dialect_id_name; MariaDB is mysql), in any order, each at most once.
 * A database runs the part named for its dialect, else the plain part
 * (fl_revision_sql): the plain parts are what a revision written for
 * SQLite always held, so files without dialect parts keep working there.
 *
 * "-- foreign_keys: off" runs both parts of the revision with foreign key
 * enforcement off, as SQLite's 12-step table rebuild requires
 * (https://sqlite.org/lang_altertable.html#otheralter): PRAGMA foreign_keys
 * cannot change inside a transaction, so the runner switches it off BEFORE
 * its BEGIN, runs the script, runs PRAGMA foreign_key_check before COMMIT
 * (any violation fails the step and rolls it back, naming the first bad
 * row) and switches foreign keys on again after COMMIT or ROLLBACK.  Without
 * the header (or with "on") foreign keys stay on; dropping a table that
 * others reference then deletes its rows first and may fail or cascade.
 * `db migrate` writes the header whenever a part drops or rebuilds a table.
 *
 * Revisions form one chain by their down_revision links, whatever the file
 * names sort like; branches, several heads, a missing parent, duplicate ids
 * and cycles are refused with a message naming the files.  The database's
 * revision is kept in alembic_version(version_num) exactly like Alembic, so
 * either tool can read it (on the servers with Alembic's primary key name,
 * alembic_version_pkc).  On SQLite and PostgreSQL each revision runs in its
 * own transaction (BEGIN; script; version update; COMMIT) — their DDL is
 * transactional, so a failing revision leaves the database at the last good
 * one.  MySQL/MariaDB commits each DDL statement implicitly: there the
 * statements run one by one, the version row moves right after a
 * revision's last statement, and a failure lists the statements of the
 * revision that already ran (step.c).  Two migrators never interleave: a
 * second one waits for PostgreSQL's lock on alembic_version, or for
 * MySQL's named lock of the database (GET_LOCK, at most 60 s).  The script runs one statement at a
 * time (ends found by fl_sql_statement_end in the dialect's quoting), so a
 * failure names the file and the line its statement starts on
 * ("x.sql:12: upgrade failed: no such table: t").
 *
 * Memory: everything (revisions, messages) lives in the arena given to
 * fl_migrations_load().
 */
#ifndef FL_MIGRATE_H
#define FL_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/db_uri.h"
#include "data/db.h"
#include "base/err.h"
#include "data/model.h"

/* Longest revision id: alembic_version.version_num is VARCHAR(32). */
#define FL_REVISION_MAX 32

/* Largest revision file read, in bytes. */
#define FL_REVISION_FILE_MAX (16u << 20)

/* The SQL of one dialect's parts of a revision ("-- upgrade: mysql" and
 * "-- downgrade: mysql").  Also what fl_revision_body hands
 * fl_revision_write (whose lines are then ignored). */
typedef struct fl_revision_part {
	const char *upgrade;        /* the SQL under "-- upgrade: <dialect>", NULL: none */
	const char *downgrade;      /* the SQL under "-- downgrade: <dialect>", NULL: none */
	int upgrade_line;           /* file line of the upgrade SQL's first line; 0 when none */
	int downgrade_line;         /* the same for the downgrade SQL */
} fl_revision_part;

/* One parsed revision file. */
typedef struct fl_revision {
	const char *id;             /* "1a2b3c4d5e6f" */
	const char *down_revision;  /* parent id, NULL for the first revision (<base>) */
	const char *message;        /* "" when the header has none */
	const char *date;           /* "" when the header has none */
	const char *upgrade;        /* the SQL under "-- upgrade" */
	const char *downgrade;      /* the SQL under "-- downgrade" */
	const char *path;           /* the file it came from (for messages) */
	bool foreign_keys_off;      /* "-- foreign_keys: off": run with FKs off, check before COMMIT */
	int upgrade_line;           /* file line of the upgrade SQL's first line (for messages) */
	int downgrade_line;         /* the same for the downgrade SQL */
	fl_revision_part parts[FL_DIALECT__MAX];  /* the dialect parts, by fl_dialect_id */
} fl_revision;

/* fl_revision_parse — parse the revision file text `text` (`len` bytes,
 * not necessarily NUL-terminated) read from `path`.  Strict: the header
 * holds only "-- key: value" lines (revision and down_revision required,
 * message, date and foreign_keys (on|off) optional, none twice) and blank lines, then exactly one
 * "-- upgrade" and one "-- downgrade" line in that order, then any number
 * of "-- upgrade: DIALECT" / "-- downgrade: DIALECT" lines (DIALECT one of
 * sqlite, mysql, postgresql; each at most once per direction; none before
 * the plain two); each non-empty section must end in a complete statement
 * (';').  The text must be UTF-8
 * without NUL bytes.  Ids are 1–32 characters of [0-9A-Za-z_].
 * On success *out's strings are copies in `a`.  On FL_EMIGRATE, *error is
 * "path:line: reason" in `a`. */
fl_err fl_revision_parse(fl_arena *a, const char *path, const char *text, size_t len,
	fl_revision *out, const char **error);

/* fl_revision_sql — the SQL revision `r` runs on a database of dialect
 * `dialect` ("sqlite", "mysql", "postgresql": fl_dialect_id_name of the
 * connection's dialect, or NULL for the plain part): its upgrade (`up`) or
 * downgrade part named for that dialect, else the plain part.  *line (if
 * not NULL) gets the file line the returned SQL starts on.  Owned by `r`. */
const char *fl_revision_sql(const fl_revision *r, const char *dialect, bool up, int *line);

/* fl_revision_dialect — the fl_dialect_id named `name` ("sqlite", "mysql",
 * "postgresql"; exact), or FL_DIALECT__MAX for any other name or NULL. */
fl_dialect_id fl_revision_dialect(const char *name);

/* fl_sql_statement_end — where the first statement of `sql` ends: one
 * past its ';', found in the quoting of `dialect`, or NULL when no ';'
 * outside quotes and comments ends one (the text is incomplete).
 *   sqlite      the first ';' after which sqlite3_complete() calls the text
 *               complete (so CREATE TRIGGER ... BEGIN ...; END; is one);
 *   mysql       '...' (with `backslash_escapes`, '\' escapes the next
 *               character: the server's default; Flagon's connections set
 *               NO_BACKSLASH_ESCAPES, so the runner passes false), "..."
 *               (ANSI_QUOTES) and `...` identifiers, "-- " and '#' line
 *               comments, non-nesting block comments; no compound
 *               BEGIN ... END bodies (DELIMITER is the client's, not SQL);
 *   postgresql  '...' (standard_conforming_strings), E'...' with backslash
 *               escapes, "..." identifiers, dollar quotes ($$ ... $$,
 *               $tag$ ... $tag$), "--" comments, nesting block comments.
 * `a` holds scratch copies (SQLite).  The text must be NUL-terminated. */
const char *fl_sql_statement_end(fl_arena *a, const char *sql, fl_dialect_id dialect,
	bool backslash_escapes);

/* fl_sql_has_statement — whether `sql` holds anything but blanks, ';' and
 * `dialect`'s comments (an unclosed block comment counts as a comment). */
bool fl_sql_has_statement(const char *sql, fl_dialect_id dialect);

/* The revisions of a migrations folder, in chain order. */
typedef struct fl_migrations {
	fl_arena *arena;            /* owns everything below */
	const char *dir;            /* the folder read */
	const fl_revision **chain;  /* chain[0] is the first revision, chain[n-1] the head */
	size_t n;                   /* revisions in chain */
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
 * id or unique prefix of one, or "+N": N revisions past the current one,
 * Alembic's relative revision), each in its own transaction (MySQL: one
 * statement at a time, see above), each running its part for the
 * connection's dialect (fl_revision_sql).  On failure the failed revision
 * is rolled back (MySQL: what ran of it stays, and m->error lists it), the
 * database stays at the last good one and m->error names file:line and
 * the database's message.
 * Errors: FL_EMIGRATE (unknown target, target behind current, a failed
 * revision), FL_EBUSY, FL_EDB. */
fl_err fl_migrate_upgrade(fl_migrations *m, fl_db *db, const char *target);

/* fl_migrate_downgrade — `alembic downgrade [target]`: run the downgrade
 * parts from the current revision back to `target` ("-1" or NULL for one
 * step, "-N", "base", a revision id or unique prefix), newest first, each
 * in its own transaction.  A relative step past the base or the head is
 * Alembic's "relative revision -3 didn't produce 3 migrations".
 * Errors: as fl_migrate_upgrade. */
fl_err fl_migrate_downgrade(fl_migrations *m, fl_db *db, const char *target);

/* fl_migrate_stamp — `alembic stamp REV`: set the database's revision to
 * `target` ("head", "base", an id or unique prefix) without running any
 * SQL.  Errors: FL_EMIGRATE (unknown target), FL_EBUSY, FL_EDB. */
fl_err fl_migrate_stamp(fl_migrations *m, fl_db *db, const char *target);

/* fl_migrate_offline — Alembic's offline mode, `upgrade --sql [FROM:]TO`
 * (`up` true) or `downgrade --sql FROM:TO`: append to `out` the SQL the
 * runner would run, without any database: per revision a "-- Running
 * upgrade A -> B" comment, BEGIN TRANSACTION, its script, the
 * alembic_version INSERT/UPDATE/DELETE (revision ids as SQL literals),
 * COMMIT — inside PRAGMA foreign_keys=OFF/ON and with a PRAGMA
 * foreign_key_check before COMMIT for a "-- foreign_keys: off" revision.
 * An upgrade from the base first creates alembic_version; a downgrade to
 * the base ends by dropping it (as Alembic's offline mode).  FROM defaults
 * to the base for an upgrade (offline, the database's revision is not
 * known) and is required for a downgrade; TO is "head", "base", an id or
 * unique prefix, or "+N"/"-N" relative to FROM (an empty TO: head for an
 * upgrade, -1 for a downgrade).  The script is `dialect`'s: each
 * revision's part for it (fl_revision_sql), PostgreSQL's BEGIN;/COMMIT;
 * around each revision, none on MySQL/MariaDB (whose DDL commits at once;
 * a comment says so, and the script first sets the sql_mode Flagon's
 * connections use, ANSI_QUOTES included), the servers' alembic_version
 * with its alembic_version_pkc key; the foreign_keys PRAGMAs are
 * SQLite's only.  Errors: FL_EMIGRATE (no FROM for a downgrade, an
 * unknown revision, a target on the wrong side, a dialect out of range),
 * m->error says why. */
fl_err fl_migrate_offline(fl_migrations *m, const char *range, bool up, fl_dialect_id dialect,
	fl_buf *out);

/* fl_migrate_revision — `alembic revision -m message` (without
 * --autogenerate): write an empty revision into m->dir, its parent the
 * head of m (NULL for a first revision: <base>), named
 * <12 hex id>_<slug of message>.sql, with comment lines saying where the
 * SQL goes; its "-- upgrade" and "-- downgrade" sections are empty (a
 * no-op revision until filled in).  No database is opened.  *path_out is
 * the new file's path in m->arena.  Errors: FL_EIO (cannot write),
 * FL_EMIGRATE; m->error says why. */
fl_err fl_migrate_revision(fl_migrations *m, const char *message, char **path_out);

/* fl_migrate_show — `alembic show REV`: append Alembic's log entry of
 * revision `target` ("head", an id or unique prefix) to `out`:
 *   Rev: <id>[ (head)]
 *   Parent: <parent or <base>>
 *   Path: <file>
 *   (blank line, then the message and "Revision ID:", "Revises:",
 *   "Create Date:" lines indented by 4, as Alembic's docstring)
 * followed by "-- upgrade", its SQL, "-- downgrade", its SQL.  Errors:
 * FL_EMIGRATE (unknown or ambiguous revision), m->error says why. */
fl_err fl_migrate_show(fl_migrations *m, const char *target, fl_buf *out);

/* fl_migrate_history — `alembic history`: append one line per revision,
 * newest first, "<parent> -> <id>[ (head)], <message>\n" with "<base>" as
 * the first revision's parent. */
void fl_migrate_history(const fl_migrations *m, fl_buf *out);

/* ---- autogenerate (lib/data/migrate/schema.c, autogen.c) ----
 *
 * The schema the models want is built for real: fl_create_all() in a
 * private in-memory database.  Both schemas are then read through SQLite's
 * own view of them — pragma_table_xinfo (columns: type, NOT NULL, default,
 * primary key position, hidden), pragma_index_list + pragma_index_xinfo
 * (explicit indexes by name; UNIQUE and PRIMARY KEY constraints by their
 * columns), pragma_foreign_key_list, and AUTOINCREMENT from the CREATE text
 * — and compared.  Column order, constraint names, formatting and CHECK
 * constraints (Enum value lists) are not compared.  Tables named sqlite_*
 * and alembic_version are ignored.
 *
 * Each difference is a JSON object {"op", "table", "column", "detail"}
 * ("column" is null when the op is about a table, an index or a key), in a
 * stable order: per table (live and model tables merged by name), table
 * ops first.  op is one of
 *   add_table drop_table add_column drop_column modify_type
 *   modify_nullable modify_default modify_primary_key modify_hidden
 *   modify_autoincrement add_index drop_index add_unique drop_unique
 *   add_fk drop_fk
 * and detail a readable description ("VARCHAR(64) -> TEXT"). */

/* fl_schema_reflect — SQLAlchemy's MetaData.reflect(): the schema of the
 * live database `db` as a JSON object, table name → table, each with
 * "columns" (an array of objects with at least "name", "type" as the
 * database spells it, "notnull", "default", "pk"), "indexes", "uniques"
 * and "fks" (lib/data/migrate/internal.h describes every field), read by
 * the reader of db's dialect: SQLite's pragmas, MySQL's
 * information_schema (the tables of DATABASE()), PostgreSQL's pg_catalog
 * (the tables of current_schema()).  Tables Flagon keeps for itself
 * (alembic_version, flagon_*) are left out.  Allocated from `a`.
 * Errors: the database's (FL_EDB, FL_EBUSY, FL_EDISCONNECTED), message in
 * fl_db_errmsg(db). */
fl_err fl_schema_reflect(fl_db *db, fl_arena *a, json_t **schema);

/* fl_schema_compare — the differences that turn `from`'s schema into
 * `to`'s, as a new JSON array in *diffs (an empty array when they agree),
 * allocated from `a`.  Errors: FL_EDB/FL_EBUSY reading a schema (message in
 * fl_db_errmsg(from) or (to)). */
fl_err fl_schema_compare(fl_db *from, fl_db *to, fl_arena *a, json_t **diffs);

/* fl_schema_diff — `alembic check`: the differences between the live
 * database and the schema fl_create_all(models) builds (models is
 * NULL-terminated; abstract ones are skipped), as fl_schema_compare(live,
 * target), allocated from `a`.  Errors: FL_EINVAL (a model SQL cannot express), FL_EDB,
 * FL_EBUSY; the reason is in fl_db_errmsg(live). */
fl_err fl_schema_diff(fl_db *live, const fl_model *const *models, fl_arena *a, json_t **diffs);

/* fl_schema_diff_format — append one line per difference,
 * "<op> <table>[.<column>]: <detail>\n". */
void fl_schema_diff_format(json_t *diffs, fl_buf *out);

/* fl_autogenerate — `flask db migrate -m message`: compare `live` with the
 * models and write a new revision file into `dir` (its parent is the
 * folder's head; the database must be at that head, as Alembic demands,
 * and an empty folder gives a first revision) named
 * <12 hex id>_<slug of message>.sql.  Upgrade part:
 *   - new tables: CREATE TABLE/INDEX exactly as create_all writes them;
 *   - new plain columns (nullable or with a server default; no key,
 *     UNIQUE or REFERENCES) and index changes alone: ALTER TABLE ADD
 *     COLUMN, CREATE INDEX, DROP INDEX;
 *   - anything else on an existing table (dropped column, type, NULL,
 *     default, primary key, UNIQUE, foreign key changes): the table is
 *     rebuilt — CREATE TABLE "_flagon_tmp_<t>", INSERT ... SELECT of the
 *     columns both sides have (a new NOT NULL column gets its default=
 *     value; NULLs going into a NOT NULL column get COALESCE(col, default)),
 *     DROP TABLE, ALTER TABLE RENAME, then its indexes and triggers again;
 *   - tables the database holds but no model declares: never dropped
 *     silently.  The revision carries the statement commented out under
 *     a warning ("-- WARNING: table "t" exists in the database but no
 *     model declares it; not dropped (db migrate --drop-unknown drops
 *     it)" then "-- DROP TABLE "t";"), also returned in *warnings;
 *     fl_autogenerate_ex with FL_AUTOGEN_DROP_UNKNOWN drops them (DROP
 *     TABLE, with a data-loss warning).
 * The downgrade part reverses each step from the live schema's own
 * definitions (rebuilt tables are rebuilt back; dropped tables come back
 * empty).  Whenever a part drops or rebuilds a table the file carries
 * "-- foreign_keys: off", so the runner checks foreign keys before COMMIT.
 * What it cannot be sure of — a table or column dropped and another added
 * in the same place (a rename? written as drop + add: data is lost),
 * a NOT NULL column with no default to fill existing rows, a type change
 * (values are converted by SQLite's type affinity), Enum CHECK lists — is
 * written as "-- WARNING:" comment lines in the file and returned in
 * *warnings (one line each, NULL when none; the caller prints them).
 * *path_out is the new file's path, or NULL when models and database agree
 * (then nothing is written).  Strings are allocated from `a`.
 * Errors: FL_EMIGRATE (the folder's chain is broken, the database is not
 * at its head), FL_EIO (cannot write the file), FL_EINVAL, FL_EDB,
 * FL_EBUSY; the reason is in fl_db_errmsg(live). */
fl_err fl_autogenerate(fl_db *live, const fl_model *const *models, const char *dir,
	const char *message, fl_arena *a, char **path_out, char **warnings);

/* fl_autogenerate_ex flag: drop the tables no model declares (`db migrate
 * --drop-unknown`) instead of commenting their DROP out. */
#define FL_AUTOGEN_DROP_UNKNOWN 1u

/* fl_autogenerate_ex — fl_autogenerate with `flags` (FL_AUTOGEN_*; 0 is
 * fl_autogenerate).  Same arguments, ownership and errors otherwise. */
fl_err fl_autogenerate_ex(fl_db *live, const fl_model *const *models, const char *dir,
	const char *message, unsigned flags, fl_arena *a, char **path_out, char **warnings);

#endif
