/* step.c — apply one revision step to a database, the way its dialect
 * allows (see migrate.h, "How each database runs a revision"):
 *   sqlite      one transaction (BEGIN IMMEDIATE; script; version; COMMIT),
 *               "-- foreign_keys: off" switched around it;
 *   postgresql  one transaction too, DDL included, alembic_version locked
 *               first so two migrators queue;
 *   mysql       DDL commits implicitly: the statements run one by one,
 *               the version row moves right after the last; a failure
 *               says which statements of the revision already ran. */
#include "data/migrate/internal.h"

#include <string.h>

#include "data/dialect.h"

/* Alembic's version table.  SQLite keeps the form Flagon always wrote;
 * the servers get Alembic's own, with the key named alembic_version_pkc. */
#define SQLITE_VERSION_TABLE \
	"CREATE TABLE IF NOT EXISTS alembic_version (\n" \
	"\tversion_num VARCHAR(32) NOT NULL PRIMARY KEY\n" \
	");"
#define SERVER_VERSION_TABLE \
	"CREATE TABLE IF NOT EXISTS alembic_version (\n" \
	"\tversion_num VARCHAR(32) NOT NULL,\n" \
	"\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n" \
	");"

#define failf fl_migrate_fail

const char *fl_migrate_version_table_sql(fl_dialect_id d)
{
	return d == FL_DIALECT_SQLITE ? SQLITE_VERSION_TABLE : SERVER_VERSION_TABLE;
}

fl_dialect_id fl_migrate_dialect(fl_db *db)
{
	fl_dialect_id d = fl_revision_dialect(fl_db_dialect(db)->name);
	return d == FL_DIALECT__MAX ? FL_DIALECT_SQLITE : d;
}

fl_err fl_migrate_set_version(fl_db *db, long from, long to, fl_migrations *m)
{
	fl_arena *old = fl_json_set_arena(m->arena);
	json_t *params = json_array();
	const char *sql;
	if (from < 0) {
		sql = "INSERT INTO alembic_version (version_num) VALUES (?)";
		json_array_append_new(params, json_string(m->chain[to]->id));
	} else if (to < 0) {
		sql = "DELETE FROM alembic_version WHERE version_num = ?";
		json_array_append_new(params, json_string(m->chain[from]->id));
	} else {
		sql = "UPDATE alembic_version SET version_num = ? WHERE version_num = ?";
		json_array_append_new(params, json_string(m->chain[to]->id));
		json_array_append_new(params, json_string(m->chain[from]->id));
	}
	int changes = 0;
	fl_err err = fl_db_execute(db, sql, params, NULL, &changes);
	fl_json_set_arena(old);
	if (!err && changes != 1)
		return fl_db_set_error(db, FL_EMIGRATE, "alembic_version", NULL,
			"alembic_version changed while migrating");
	return err;
}

const char *fl_migrate_finish(fl_migrations *m, fl_db *db, fl_err *err)
{
	if (!*err)
		*err = fl_db_commit(db);
	if (!*err)
		return NULL;
	const char *msg = fl_arena_strdup(m->arena, fl_db_errmsg(db));
	fl_db_rollback(db);
	return msg;
}

fl_err fl_migrate_version_table(fl_migrations *m, fl_db *db)
{
	fl_dialect_id d = fl_migrate_dialect(db);
	/* MySQL commits a CREATE TABLE at once: no transaction around it */
	fl_err err = d == FL_DIALECT_MYSQL ? FL_OK : fl_db_begin(db);
	if (!err)
		err = fl_db_exec_script(db, fl_migrate_version_table_sql(d));
	const char *msg = fl_migrate_finish(m, db, &err);
	return msg ? failf(m, err, "cannot create alembic_version: %s", msg) : FL_OK;
}

/* The statements of one part, as the runner ran them. */
struct script {
	const char *sql;      /* the part */
	int line;             /* its first line in the file */
	fl_dialect_id dialect;
	fl_buf done;          /* "  line N: <first line>\n" per statement run */
	int ndone;
	int failed_line;      /* the failing statement's first line */
	const char *failed;   /* the failing statement, trimmed */
};

/* Skip blanks and "--"/'#' comment lines from `q`, counting lines. */
static const char *skip_blank(const char *q, int *line)
{
	for (;;) {
		while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
			*line += *q++ == '\n';
		if ((q[0] == '-' && q[1] == '-') || q[0] == '#')
			q += strcspn(q, "\n");
		else
			return q;
	}
}

/* Run the part one statement at a time (statement ends found in the
 * dialect's quoting, fl_sql_statement_end; a last statement without ';'
 * runs too), noting each that ran. */
static fl_err run_script(fl_migrations *m, fl_db *db, struct script *s)
{
	int line = s->line;
	fl_buf_init(&s->done, m->arena);
	s->failed_line = line;
	for (const char *start = s->sql; fl_sql_has_statement(start, s->dialect);) {
		const char *end = fl_sql_statement_end(m->arena, start, s->dialect, false);
		if (!end)
			end = start + strlen(start);
		int at = line;
		const char *body = skip_blank(start, &at);
		char *stmt = fl_arena_strndup(m->arena, body, (size_t)(end - body));
		for (const char *c = start; c < end; c++)
			line += *c == '\n';
		start = end;
		fl_err err = fl_db_exec_script(db, stmt);
		if (err) {
			s->failed_line = at;
			s->failed = stmt;
			return err;
		}
		s->ndone++;
		fl_buf_printf(&s->done, "  line %d: %.*s\n", at, (int)strcspn(stmt, "\n"), stmt);
	}
	return FL_OK;
}

/* After a script run with foreign keys off: PRAGMA foreign_key_check must
 * find nothing, or the step fails naming the first offending row. */
static fl_err check_foreign_keys(fl_migrations *m, fl_db *db)
{
	json_t *rows;
	fl_arena *old = fl_json_set_arena(m->arena);
	fl_err err = fl_db_query(db, "SELECT \"table\" AS t, rowid AS r, parent AS p "
		"FROM pragma_foreign_key_check", NULL, &rows);
	fl_json_set_arena(old);
	if (err || json_array_size(rows) == 0)
		return err;
	json_t *row = json_array_get(rows, 0);
	json_t *rowid = json_object_get(row, "r");
	return fl_db_set_error(db, FL_ECONSTRAINT, NULL, NULL,
		"foreign key check failed: %zu row(s) violate foreign keys, first: table %s "
		"rowid %lld references a missing row of %s", json_array_size(rows),
		json_string_value(json_object_get(row, "t")),
		json_is_integer(rowid) ? (long long)json_integer_value(rowid) : -1LL,
		json_string_value(json_object_get(row, "p")));
}

/* PRAGMA foreign_keys is a no-op inside a transaction, so a revision with
 * "-- foreign_keys: off" has it switched here, around BEGIN ... COMMIT. */
static fl_err set_foreign_keys(fl_db *db, bool on)
{
	return fl_db_exec_script(db, on ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF");
}

/* The database must still be at `from` (another process may have moved it). */
static fl_err check_current(fl_migrations *m, fl_db *db, long from)
{
	long now;
	fl_err err = fl_migrate_current_index(m, db, &now);
	if (!err && now != from)
		err = fl_db_set_error(db, FL_EMIGRATE, NULL, NULL, "another process migrated the database");
	return err;
}

/* SQLite and PostgreSQL: the whole step in one transaction. */
static fl_err step_transactional(fl_migrations *m, fl_db *db, const fl_revision *r,
	struct script *s, long from, long to, bool up)
{
	bool fk_off = s->dialect == FL_DIALECT_SQLITE && r->foreign_keys_off;
	fl_err err = fk_off ? set_foreign_keys(db, false) : FL_OK;
	if (!err)
		err = fl_db_begin(db);
	if (!err && s->dialect == FL_DIALECT_POSTGRESQL)   /* a second migrator waits here */
		err = fl_db_exec_script(db, "LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE");
	if (!err)
		err = check_current(m, db, from);
	if (!err)
		err = run_script(m, db, s);
	if (!err && fk_off)
		err = check_foreign_keys(m, db);
	if (!err)
		err = fl_migrate_set_version(db, from, to, m);
	if (!err)
		err = fl_db_commit(db);
	if (!err && fk_off && (err = set_foreign_keys(db, true)))
		return failf(m, err, "%s: applied, but foreign keys could not be turned on again: %s",
			r->path, fl_db_errmsg(db));
	if (!err)
		return FL_OK;
	const char *msg = fl_arena_strdup(m->arena, fl_db_errmsg(db));
	fl_db_rollback(db);
	if (fk_off)
		set_foreign_keys(db, true);
	return failf(m, err == FL_EBUSY ? FL_EBUSY : FL_EMIGRATE, "%s:%d: %s failed: %s", r->path,
		s->failed_line, up ? "upgrade" : "downgrade", msg);
}

/* How long a MySQL/MariaDB migrator waits for another one to finish its
 * step, in seconds. */
#define MYSQL_LOCK_SECONDS 60

/* Take (or release) the migration lock of a MySQL/MariaDB database: a
 * named lock of the server, one per database (GET_LOCK), since no table
 * lock survives the implicit commit of DDL.  A second `db upgrade` (from
 * another host) waits here up to MYSQL_LOCK_SECONDS, then fails with
 * FL_EBUSY; it is released when the step ends or the connection drops. */
static fl_err mysql_lock(fl_migrations *m, fl_db *db, bool take)
{
	json_t *rows;
	fl_arena *old = fl_json_set_arena(m->arena);
	fl_err err = take
		? fl_db_query(db, "SELECT GET_LOCK(CONCAT('alembic_version.', DATABASE()), ?) AS got",
			json_pack("[i]", MYSQL_LOCK_SECONDS), &rows)
		: fl_db_query(db, "SELECT RELEASE_LOCK(CONCAT('alembic_version.', DATABASE())) AS got",
			NULL, &rows);
	fl_json_set_arena(old);
	if (err || !take)
		return err;
	json_t *got = json_object_get(json_array_get(rows, 0), "got");
	if (json_is_integer(got) && json_integer_value(got) == 1)
		return FL_OK;
	return fl_db_set_error(db, FL_EBUSY, "alembic_version", NULL,
		"another migrator has held this database's migration lock for %d s",
		MYSQL_LOCK_SECONDS);
}

/* MySQL/MariaDB: every DDL statement commits at once, so the statements
 * run one by one (autocommit) and the version row moves after the last.
 * On failure the database keeps its last complete revision and the
 * message lists what of this one already ran. */
static fl_err step_statements(fl_migrations *m, fl_db *db, const fl_revision *r,
	struct script *s, long from, long to, bool up)
{
	fl_err err = mysql_lock(m, db, true);
	bool locked = !err;
	if (!err)
		err = check_current(m, db, from);
	if (!err)
		err = run_script(m, db, s);
	if (!err)   /* a write begins a transaction (db.h): commit the version row */
		err = fl_migrate_set_version(db, from, to, m);
	const char *msg = fl_migrate_finish(m, db, &err);
	if (locked)
		mysql_lock(m, db, false);
	if (!msg)
		return FL_OK;
	const char *at = from < 0 ? "<base>" : m->chain[from]->id;
	const char *verb = up ? "upgrade" : "downgrade";
	if (!s->failed)
		return failf(m, err == FL_EBUSY ? FL_EBUSY : FL_EMIGRATE, "%s:%d: %s failed: %s",
			r->path, s->failed_line, verb, msg);
	return failf(m, err == FL_EBUSY ? FL_EBUSY : FL_EMIGRATE,
		"%s:%d: %s failed: %s\n"
		"statement:\n%s\n"
		"MySQL/MariaDB commits DDL at once, so this revision is half applied: %d of its "
		"statements ran before it and stay%s\n%s"
		"The database is still at revision %s.  Undo those statements (or make them "
		"repeatable, e.g. CREATE TABLE IF NOT EXISTS), fix the file and run db %s again.",
		r->path, s->failed_line, verb, msg, s->failed, s->ndone, s->ndone ? ":" : ".",
		fl_buf_cstr(&s->done), at, verb);
}

fl_err fl_migrate_step(fl_migrations *m, fl_db *db, long i, bool up)
{
	const fl_revision *r = m->chain[i];
	long from = up ? i - 1 : i, to = up ? i : i - 1;
	const char *parent = r->down_revision ? r->down_revision : "<base>";
	struct script s = { .dialect = fl_migrate_dialect(db) };
	s.sql = fl_revision_sql(r, fl_dialect_id_name(s.dialect), up, &s.line);
	if (m->progress)
		fprintf(m->progress, "Running %s %s -> %s, %s\n", up ? "upgrade" : "downgrade",
			up ? parent : r->id, up ? r->id : parent, r->message);
	if (s.dialect == FL_DIALECT_MYSQL)
		return step_statements(m, db, r, &s, from, to, up);
	return step_transactional(m, db, r, &s, from, to, up);
}
