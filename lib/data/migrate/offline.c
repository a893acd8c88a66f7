/* offline.c — Alembic's offline mode (`db upgrade --sql`, `db downgrade
 * --sql`): the SQL the runner would run, for one dialect, without a
 * database.  See fl_migrate_offline in migrate.h. */
#include "data/migrate/internal.h"

#include <string.h>

#include "data/dialect.h"
#include "data/driver_internal.h"

#define failf fl_migrate_fail

/* The version row's move from index `from` to `to`, as literal SQL. */
static void put_version(fl_buf *out, const fl_migrations *m, long from, long to)
{
	if (from < 0) {
		fl_buf_puts(out, "INSERT INTO alembic_version (version_num) VALUES (");
		fl_sql_put_string(out, m->chain[to]->id);
		fl_buf_puts(out, ");\n\n");
	} else if (to < 0) {
		fl_buf_puts(out, "DELETE FROM alembic_version WHERE alembic_version.version_num = ");
		fl_sql_put_string(out, m->chain[from]->id);
		fl_buf_puts(out, ";\n\n");
	} else {
		fl_buf_puts(out, "UPDATE alembic_version SET version_num=");
		fl_sql_put_string(out, m->chain[to]->id);
		fl_buf_puts(out, " WHERE alembic_version.version_num = ");
		fl_sql_put_string(out, m->chain[from]->id);
		fl_buf_puts(out, ";\n\n");
	}
}

/* The transaction words around a revision, per dialect (fl_dialect_id). */
static const char *const begin_sql[FL_DIALECT__MAX] = {
	"BEGIN TRANSACTION;\n\n", "", "BEGIN;\n\n" };
static const char *const commit_sql[FL_DIALECT__MAX] = { "COMMIT;\n\n", "", "COMMIT;\n\n" };

/* What fl_migrate_step runs for chain[i] on dialect `d`, as a script. */
static void put_step(fl_buf *out, const fl_migrations *m, long i, bool up, fl_dialect_id d)
{
	const fl_revision *r = m->chain[i];
	const char *parent = r->down_revision ? r->down_revision : "";
	bool fk_off = d == FL_DIALECT_SQLITE && r->foreign_keys_off;
	fl_buf_printf(out, "-- Running %s %s -> %s\n\n", up ? "upgrade" : "downgrade",
		up ? parent : r->id, up ? r->id : parent);
	if (fk_off)
		fl_buf_puts(out, "PRAGMA foreign_keys=OFF;\n\n");
	fl_buf_puts(out, begin_sql[d]);
	fl_buf_puts(out, fl_revision_sql(r, fl_dialect_id_name(d), up, NULL));
	fl_buf_puts(out, "\n");
	if (fk_off)
		fl_buf_puts(out, "PRAGMA foreign_key_check;\n\n");
	put_version(out, m, up ? i - 1 : i, up ? i : i - 1);
	fl_buf_puts(out, commit_sql[d]);
	if (fk_off)
		fl_buf_puts(out, "PRAGMA foreign_keys=ON;\n\n");
}

/* MySQL's script starts with the session the runner's connection has. */
static void put_mysql_preamble(fl_buf *out)
{
	fl_buf_puts(out, "-- MySQL/MariaDB commits each DDL statement at once: no transaction "
		"is written around a\n-- revision.  If a statement fails, the ones before it "
		"stay; alembic_version moves\n-- only after a revision's last statement.\n");
	fl_buf_printf(out, "SET SESSION sql_mode = '%s';\n\n", FL_MYSQL_SQL_MODE);
}

fl_err fl_migrate_offline(fl_migrations *m, const char *range, bool up, fl_dialect_id dialect,
	fl_buf *out)
{
	const char *colon = range ? strchr(range, ':') : NULL;
	const char *from = colon ? fl_arena_strndup(m->arena, range, (size_t)(colon - range)) : NULL;
	const char *to = colon ? colon + 1 : range;
	long fi = -1, ti;
	if (!up && !colon)
		return failf(m, FL_EMIGRATE, "downgrade with --sql requires <fromrev>:<torev>");
	if (!to || !*to)
		to = up ? "head" : "-1";
	fl_err err = from && *from ? fl_migrate_resolve(m, from, &fi) : FL_OK;
	if (!err)
		err = fl_migrate_resolve_from(m, to, fi, &ti);
	if (err)
		return err;
	if (up ? ti < fi : ti > fi)
		return failf(m, FL_EMIGRATE, "target %s is %s than %s; use %s", to,
			up ? "older" : "newer", from && *from ? from : "base", up ? "downgrade" : "upgrade");
	if ((unsigned)dialect >= FL_DIALECT__MAX)
		return failf(m, FL_EMIGRATE, "unknown dialect");
	if (dialect == FL_DIALECT_MYSQL)
		put_mysql_preamble(out);
	if (up && fi < 0 && ti >= 0)
		fl_buf_printf(out, "%s\n\n", fl_migrate_version_table_sql(dialect));
	for (long i = fi + 1; up && i <= ti; i++)
		put_step(out, m, i, true, dialect);
	for (long i = fi; !up && i > ti; i--)
		put_step(out, m, i, false, dialect);
	if (!up && ti < 0 && fi >= 0)
		fl_buf_puts(out, "DROP TABLE alembic_version;\n\n");
	return FL_OK;
}
