/* internal.h — what schema.c and autogen.c share; not a public header.
 *
 * A schema read from a database is a JSON object, table name → table:
 *   { "name": "users", "sql": "CREATE TABLE ...", "autoincrement": false,
 *     "columns": [ { "name", "type", "notnull", "default" (text or null),
 *                    "pk" (position, 0 = not in the key), "hidden" } ... ]  (cid order)
 *     "indexes": [ { "name", "unique", "columns": ["a", "b DESC"], "partial",
 *                    "sql" } ... ]            (explicit CREATE INDEX only, by name)
 *     "uniques": [ ["a", "b"], ... ]          (UNIQUE constraints: their columns)
 *     "fks": [ { "from": [..], "table", "to": [..], "on_update", "on_delete",
 *                "match" } ... ]
 *     "triggers": [ "CREATE TRIGGER ...", ... ] }
 * Every value lives in jansson's current arena: callers set it.
 *
 * The servers fill the same shape from their catalogues (schema_mysql.c,
 * schema_pg.c): "sql" is "" (no CREATE text is kept), "autoincrement"
 * false (a generated key shows in its column's type instead: PostgreSQL's
 * "serial"/"bigserial" for an integer whose default is its own sequence's
 * nextval(), MySQL's "int(11) AUTO_INCREMENT"), "hidden" 0, "triggers"
 * empty; types and defaults as that server spells them.  They add
 * "unique_names" and "fk_names": the constraint names of "uniques" and
 * "fks", index for index (never compared: what `db migrate` drops them
 * by).  Two schemas are
 * only ever compared when the same reader read both (fl_schema_target
 * builds the models' tables on the same server and reads them back), so
 * no spelling is translated between databases. */
#ifndef FL_MIGRATE_INTERNAL_H
#define FL_MIGRATE_INTERNAL_H

#include "data/migrate/migrate.h"

/* fl_migrate_fail — set m->error (printf-style, in m->arena) and return
 * `err`: how runner.c and script.c fail. */
fl_err fl_migrate_fail(fl_migrations *m, fl_err err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- the runner's parts (runner.c, step.c, offline.c) ---- */

/* fl_migrate_current_index — the database's revision as an index into
 * m->chain in *index (-1 at base, also without alembic_version).  Errors:
 * FL_EMIGRATE (several rows, an unknown revision), FL_EBUSY, FL_EDB. */
fl_err fl_migrate_current_index(fl_migrations *m, fl_db *db, long *index);

/* fl_migrate_resolve — "head", "base", an id or a unique prefix of one →
 * chain index in *index (-1 = base).  Errors: FL_EMIGRATE (unknown or
 * ambiguous), m->error says why. */
fl_err fl_migrate_resolve(fl_migrations *m, const char *target, long *index);

/* fl_migrate_resolve_from — `target` relative to chain index `from`
 * ("+N", "-N": Alembic's relative revisions), else fl_migrate_resolve.
 * Errors: FL_EMIGRATE (a step past the base or the head). */
fl_err fl_migrate_resolve_from(fl_migrations *m, const char *target, long from, long *index);

/* fl_migrate_dialect — the dialect of `db` (fl_db_dialect's name). */
fl_dialect_id fl_migrate_dialect(fl_db *db);

/* fl_migrate_version_table_sql — CREATE TABLE IF NOT EXISTS alembic_version
 * for dialect `d` (SQLite: "version_num VARCHAR(32) NOT NULL PRIMARY KEY";
 * the servers: Alembic's, with CONSTRAINT alembic_version_pkc), without a
 * trailing newline.  Static. */
const char *fl_migrate_version_table_sql(fl_dialect_id d);

/* fl_migrate_version_table — create alembic_version on `db` if missing
 * (MySQL: outside any transaction, its DDL commits anyway).  Errors: the
 * database's, m->error says why. */
fl_err fl_migrate_version_table(fl_migrations *m, fl_db *db);

/* fl_migrate_set_version — move the version row from chain index `from`
 * to `to` (-1 = base: INSERT or DELETE), in the open transaction if any.
 * Errors: FL_EMIGRATE (the row was not there: another migrator), the
 * database's; the message is in fl_db_errmsg(db). */
fl_err fl_migrate_set_version(fl_db *db, long from, long to, fl_migrations *m);

/* fl_migrate_finish — end a unit of work: when *err is FL_OK, commit (a
 * failed COMMIT sets *err); then, if *err is set, keep the database's
 * message (a copy in m->arena, returned) and roll back.  NULL when all went
 * well. */
const char *fl_migrate_finish(fl_migrations *m, fl_db *db, fl_err *err);

/* fl_migrate_step — apply chain[i]'s upgrade (`up`: from i-1 to i) or its
 * downgrade (from i to i-1) on `db`, its dialect's part, as that dialect
 * allows (step.c: one transaction on SQLite and PostgreSQL, statement by
 * statement on MySQL).  Errors: FL_EMIGRATE, FL_EBUSY; m->error names
 * file:line and the server's message (MySQL: also the statement and the
 * statements of the revision that already ran). */
fl_err fl_migrate_step(fl_migrations *m, fl_db *db, long i, bool up);

/* What a new revision file holds besides its header (fl_revision_write). */
typedef struct fl_revision_body {
	const char *comment;        /* lines written as "-- " comments under "-- upgrade" */
	const char *warnings;       /* lines written as "-- WARNING: " comments, or NULL */
	bool foreign_keys_off;      /* the "-- foreign_keys: off" header */
	const char *upgrade;        /* SQL, each statement ending with ";\n"; NULL: none */
	const char *downgrade;      /* the same */
	/* the dialect parts, by fl_dialect_id, written after the plain parts
	 * as "-- upgrade: <dialect>" / "-- downgrade: <dialect>" in
	 * fl_dialect_id order (sqlite, mysql, postgresql); a NULL part is not
	 * written (the lines are ignored) */
	fl_revision_part parts[FL_DIALECT__MAX];
} fl_revision_body;

/* fl_revision_write — write a new revision into m->dir whose parent is
 * m's head, with a fresh 12 hex digit id, `message` (on one line) and
 * today's date; the text is parsed back before it is written, and an
 * existing file is never replaced.  *path_out in m->arena.  Errors:
 * FL_EIO, FL_EMIGRATE; m->error says why. */
fl_err fl_revision_write(fl_migrations *m, const char *message, const fl_revision_body *body,
	char **path_out);

/* Names of tables a comparison never looks at. */
bool fl_schema_ignored(const char *table);

/* fl_schema_read — the schema of `db` as described above, by the reader
 * of db's dialect (fl_db_dialect(db)->name).  Errors: the database's. */
fl_err fl_schema_read(fl_db *db, json_t **schema);

/* fl_schema_target — the schema fl_create_all(models) builds on the kind
 * of database `report` is, read back with the same reader as
 * fl_schema_read(report): SQLite in a private in-memory database, MySQL in
 * a scratch database, PostgreSQL in a scratch schema inside a transaction
 * rolled back.  Errors are reported on `report`. */
fl_err fl_schema_target(fl_db *report, const fl_model *const *models, fl_arena *a,
	json_t **schema);

/* The readers and target builders per dialect (schema_sqlite.c,
 * schema_mysql.c, schema_pg.c), as fl_schema_read / fl_schema_target. */
fl_err fl_schema_read_sqlite(fl_db *db, json_t **schema);
fl_err fl_schema_target_sqlite(fl_db *report, const fl_model *const *models, fl_arena *a,
	json_t **schema);
fl_err fl_schema_read_mysql(fl_db *db, json_t **schema);
fl_err fl_schema_target_mysql(fl_db *report, const fl_model *const *models, fl_arena *a,
	json_t **schema);
fl_err fl_schema_read_pg(fl_db *db, json_t **schema);
fl_err fl_schema_target_pg(fl_db *report, const fl_model *const *models, fl_arena *a,
	json_t **schema);

/* Helpers of the readers: a one-string parameter array; row[key] as a
 * string ("" when absent or not one); row[key] as an integer (a decimal
 * string is converted; 0 when absent). */
json_t *fl_schema_params1(const char *s);
const char *fl_schema_str(json_t *row, const char *key);
long long fl_schema_num(json_t *row, const char *key);

/* fl_schema_compare_json — the differences from schema `from` to `to`. */
json_t *fl_schema_compare_json(json_t *from, json_t *to);

/* The column object called `name` of table `t`, or NULL. */
json_t *fl_schema_column(json_t *t, const char *name);

/* The explicit index object called `name` of table `t`, or NULL. */
json_t *fl_schema_index(json_t *t, const char *name);

/* Do two index objects define the same index? */
bool fl_schema_index_equal(json_t *x, json_t *y);

/* Is `v` (a column list or FK object) in the JSON array `set`? */
bool fl_schema_set_has(json_t *set, json_t *v);

/* Sorted names of the tables of `x` and `y` together, as a JSON array. */
json_t *fl_schema_table_names(json_t *x, json_t *y);

#endif
