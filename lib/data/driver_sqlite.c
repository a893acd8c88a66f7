/* driver_sqlite.c — the SQLite backend (fl_driver_sqlite): the embedded
 * default, through SQLite's C API.  See driver_internal.h.
 *
 * A connection is the sqlite3 handle itself and a statement the
 * sqlite3_stmt itself (no wrapper: nothing to allocate on the hot path);
 * the casts below are the only place that knows. */
#include "data/driver_internal.h"
#include "data/dialect.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static sqlite3 *H(fl_driver_conn *c) { return (sqlite3 *)c; }
static sqlite3_stmt *S(fl_driver_stmt *s) { return (sqlite3_stmt *)s; }

sqlite3 *fl_driver_sqlite_handle(fl_driver_conn *conn) { return H(conn); }

/* ---- errors ---- */

/* "UNIQUE constraint failed: student.s_name, student.x" → table "student",
 * column "s_name" (the first of a composite key). */
static void parse_constraint(const char *msg, char *table, size_t tcap, char *col, size_t ccap)
{
	const char *p = strstr(msg, "failed: ");
	const char *dot = p ? strchr(p + 8, '.') : NULL;
	if (!dot)
		return;
	p += 8;
	snprintf(table, tcap, "%.*s", (int)(dot - p), p);
	snprintf(col, ccap, "%.*s", (int)strcspn(dot + 1, ", "), dot + 1);
}

/* Turn an SQLite result code (extended codes are on) into an fl_err and
 * record SQLite's message and the table/column it names. */
static fl_err map_error(fl_db *db, sqlite3 *h, int rc)
{
	const char *msg = sqlite3_errmsg(h);
	char table[128] = "", col[128] = "";
	fl_err err = FL_EDB;
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		parse_constraint(msg, table, sizeof table, col, sizeof col);
		err = rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY ?
			FL_EEXISTS : FL_ECONSTRAINT;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		err = FL_EBUSY;
		break;
	case SQLITE_NOMEM:
		err = FL_ENOMEM;
		break;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_FULL:
		err = FL_EIO;
		break;
	case SQLITE_ERROR:
		/* "no such table: main.student" → table "student" */
		if (strncmp(msg, "no such table: ", 15) == 0) {
			const char *name = msg + 15;
			if (strncmp(name, "main.", 5) == 0)
				name += 5;
			snprintf(table, sizeof table, "%s", name);
			err = FL_ENOTABLE;
		}
		break;
	}
	return fl_db_set_error(db, err, table, col, "%s", msg);
}

/* ---- open / close ---- */

/* SQLite's own message for a missing directory is "unable to open database
 * file"; check first so the operator learns which directory to create. */
static fl_err check_parent_dir(fl_db *db, const char *path)
{
	if (strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return FL_OK;
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return FL_OK;
	char dir[4096];
	if ((size_t)(slash - path) >= sizeof dir)
		return fl_db_set_error(db, FL_EIO, NULL, NULL, "database path too long");
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return fl_db_set_error(db, FL_EIO, NULL, NULL,
			"cannot open database %s: directory %s does not exist", path, dir);
	return FL_OK;
}

static fl_err apply_pragmas(fl_db *db, sqlite3 *h)
{
	static const char pragmas[] =
		"PRAGMA journal_mode=WAL;"
		"PRAGMA foreign_keys=ON;"
		"PRAGMA synchronous=NORMAL;";
	sqlite3_busy_timeout(h, FL_DB_BUSY_TIMEOUT_MS);
	/* Several processes opening a new database at once all switch it to
	 * WAL; SQLite answers the losers SQLITE_BUSY at once, without the busy
	 * handler (it cannot wait while it holds the lock it would need to
	 * release).  Retry for as long as the busy timeout would have waited. */
	int rc;
	for (int waited = 0;; waited += 10) {
		rc = sqlite3_exec(h, pragmas, NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY || waited >= FL_DB_BUSY_TIMEOUT_MS)
			break;
		sqlite3_sleep(10);
	}
	return rc == SQLITE_OK ? FL_OK : map_error(db, h, rc);
}

/* Before SQLite initialises (the first open): no page-cache bulk.  By
 * default each connection allocates 20 pages' worth (~87 kB) at its first
 * read and touches every slot; a process's one connection to a site's
 * small database uses a few pages, each then allocated as it is needed
 * (the cache_size limit is unchanged).  Issue 20: RssAnon per process.
 * SQLITE_MISUSE (SQLite already initialised by the application) only
 * keeps the default. */
static void configure_sqlite_once(void)
{
	static bool done;
	if (!done)
		sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)0, 0, 0);
	done = true;
}

static fl_err sqlite_open(fl_db *db, const fl_driver_options *opt, fl_driver_conn **out)
{
	const char *path = opt->sqlite_path ? opt->sqlite_path : ":memory:";
	*out = NULL;
	configure_sqlite_once();
	fl_err err = check_parent_dir(db, path);
	if (err)
		return err;
	/* NOMUTEX: one connection per single-threaded process. */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
		SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_URI;
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h, flags, NULL);
	if (rc != SQLITE_OK) {
		if (!h)
			return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
		err = map_error(db, h, rc);
		fl_db_set_error(db, err, NULL, NULL, "cannot open database %s: %s", path,
			sqlite3_errmsg(h));
		sqlite3_close_v2(h);
		return err;
	}
	if ((err = apply_pragmas(db, h))) {
		sqlite3_close_v2(h);
		return err;
	}
	*out = (fl_driver_conn *)h;
	return FL_OK;
}

static void sqlite_close(fl_driver_conn *conn)
{
	sqlite3 *h = H(conn);
	if (h && !sqlite3_get_autocommit(h))
		sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close_v2(h);
}

static bool sqlite_ping(fl_db *db, fl_driver_conn *conn)
{
	return true;   /* a file does not go away */
}

/* ---- statements ---- */

static bool only_space(const char *s)
{
	while (*s && (isspace((unsigned char)*s) || *s == ';'))
		s++;
	return *s == '\0';
}

/* PERSISTENT: db.c caches it, so it will live long. */
static fl_err sqlite_prepare(fl_db *db, fl_driver_conn *conn, const char *sql, fl_driver_stmt **out)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc = sqlite3_prepare_v3(H(conn), sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
	if (rc != SQLITE_OK)
		return map_error(db, H(conn), rc);
	if (!st || !only_space(tail)) {
		sqlite3_finalize(st);
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL,
			"exactly one SQL statement expected: %.200s", sql);
	}
	*out = (fl_driver_stmt *)st;
	return FL_OK;
}

/* Values are bound SQLITE_STATIC: they stay valid until reset (the
 * caller's JSON outlives the statement's run). */
static fl_err bind_one(fl_db *db, sqlite3_stmt *st, int i, json_t *v)
{
	int rc;
	json_t *blob;
	switch (json_typeof(v)) {
	case JSON_INTEGER: rc = sqlite3_bind_int64(st, i, json_integer_value(v)); break;
	case JSON_REAL: rc = sqlite3_bind_double(st, i, json_real_value(v)); break;
	case JSON_TRUE: rc = sqlite3_bind_int(st, i, 1); break;
	case JSON_FALSE: rc = sqlite3_bind_int(st, i, 0); break;
	case JSON_NULL: rc = sqlite3_bind_null(st, i); break;
	case JSON_STRING:
		rc = sqlite3_bind_text64(st, i, json_string_value(v), json_string_length(v),
			SQLITE_STATIC, SQLITE_UTF8);
		break;
	case JSON_OBJECT:
		if ((blob = fl_db_param_blob(v))) {
			rc = sqlite3_bind_blob64(st, i, json_string_value(blob), json_string_length(blob),
				SQLITE_STATIC);
			break;
		}
		/* fall through */
	default:
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL,
			"parameter %d: arrays and objects cannot be bound", i);
	}
	return rc == SQLITE_OK ? FL_OK : map_error(db, sqlite3_db_handle(st), rc);
}

/* SQLite executes on the first step: binding is all there is to do. */
static fl_err sqlite_execute(fl_db *db, fl_driver_stmt *s, json_t *params)
{
	sqlite3_stmt *st = S(s);
	size_t n = params ? json_array_size(params) : 0;
	if (params && !json_is_array(params))
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL, "parameters must be a JSON array");
	if ((int)n != sqlite3_bind_parameter_count(st))
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL,
			"%zu parameters given, statement has %d", n, sqlite3_bind_parameter_count(st));
	for (size_t i = 0; i < n; i++) {
		fl_err err = bind_one(db, st, (int)i + 1, json_array_get(params, i));
		if (err)
			return err;
	}
	return FL_OK;
}

static fl_step sqlite_step(fl_db *db, fl_driver_stmt *s)
{
	int rc = sqlite3_step(S(s));
	if (rc == SQLITE_ROW)
		return FL_STEP_ROW;
	if (rc == SQLITE_DONE)
		return FL_STEP_DONE;
	map_error(db, sqlite3_db_handle(S(s)), rc);
	return FL_STEP_ERROR;
}

static int sqlite_column_count(fl_driver_stmt *s) { return sqlite3_column_count(S(s)); }
static const char *sqlite_column_name(fl_driver_stmt *s, int i) { return sqlite3_column_name(S(s), i); }

/* The cell is read through its sqlite3_value: each sqlite3_column_*()
 * call looks the column up again and checks for a failed allocation, so
 * one lookup and the sqlite3_value_*() readers cost half as much per
 * cell.  The value is "unprotected" in SQLite's terms, which only matters
 * with threads sharing the connection: ours is opened NOMUTEX for one
 * single-threaded process, and the value is read before the next step. */
static inline json_t *cell_value(fl_db *db, fl_driver_stmt *s, int i)
{
	sqlite3_value *cell = sqlite3_column_value(S(s), i);
	switch (sqlite3_value_type(cell)) {
	case SQLITE_INTEGER: return json_integer(sqlite3_value_int64(cell));
	case SQLITE_FLOAT: return json_real(sqlite3_value_double(cell));
	case SQLITE_NULL: return json_null();
	case SQLITE_BLOB: {
		/* Bytes, exactly as stored: a LargeBinary value. */
		const char *b = sqlite3_value_blob(cell);
		return json_stringn_nocheck(b ? b : "", (size_t)sqlite3_value_bytes(cell));
	}
	default:
		return fl_driver_text_cell(db, &fl_driver_sqlite, s, i, NULL,
			(const char *)sqlite3_value_text(cell), (size_t)sqlite3_value_bytes(cell));
	}
}

static json_t *sqlite_column_value(fl_db *db, fl_driver_stmt *s, int i)
{
	return cell_value(db, s, i);
}

static int sqlite_row_values(fl_db *db, fl_driver_stmt *s, int n, json_t **into)
{
	for (int i = 0; i < n; i++)
		if (!(into[i] = cell_value(db, s, i)))
			return -1;
	return 0;
}

static int sqlite_changes(fl_driver_stmt *s) { return sqlite3_changes(sqlite3_db_handle(S(s))); }

static int64_t sqlite_last_insert_id(fl_driver_stmt *s)
{
	return sqlite3_last_insert_rowid(sqlite3_db_handle(S(s)));
}

/* Also releases the statement's read snapshot and its pointers into the
 * caller's JSON values. */
static void sqlite_reset(fl_driver_stmt *s)
{
	sqlite3_reset(S(s));
	sqlite3_clear_bindings(S(s));
}

static void sqlite_finalize(fl_driver_stmt *s) { sqlite3_finalize(S(s)); }

/* ---- scripts and transactions ---- */

static fl_err run_script_stmt(fl_db *db, sqlite3_stmt *st)
{
	long long t0;
	fl_err err = fl_db_script_begin(db, sqlite3_sql(st), &t0);
	if (err)
		return err;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	err = rc == SQLITE_DONE ? FL_OK : map_error(db, sqlite3_db_handle(st), rc);
	fl_db_script_end(db, sqlite3_sql(st), t0, err);
	return err;
}

/* One statement at a time, as sqlite3_prepare's tail splits them (a
 * trigger's BEGIN ... END included). */
static fl_err sqlite_exec(fl_db *db, fl_driver_conn *conn, const char *sql)
{
	fl_err err = FL_OK;
	const char *p = sql;
	while (!err && *p) {
		sqlite3_stmt *st = NULL;
		const char *tail = NULL;
		int rc = sqlite3_prepare_v2(H(conn), p, -1, &st, &tail);
		if (rc != SQLITE_OK)
			err = map_error(db, H(conn), rc);
		else if (st)
			err = run_script_stmt(db, st);
		sqlite3_finalize(st);
		if (!st || tail == p)
			break;   /* only whitespace or comments were left */
		p = tail;
	}
	return err;
}

static bool sqlite_in_transaction(fl_driver_conn *conn)
{
	return !sqlite3_get_autocommit(H(conn));
}

const fl_driver fl_driver_sqlite = {
	.name = "sqlite",
	.dialect = &fl_dialect_sqlite,
	.open = sqlite_open,
	.close = sqlite_close,
	.ping = sqlite_ping,
	.prepare = sqlite_prepare,
	.execute = sqlite_execute,
	.step = sqlite_step,
	.column_count = sqlite_column_count,
	.column_name = sqlite_column_name,
	.column_value = sqlite_column_value,
	.row_values = sqlite_row_values,
	.changes = sqlite_changes,
	.last_insert_id = sqlite_last_insert_id,
	.reset = sqlite_reset,
	.finalize = sqlite_finalize,
	.exec = sqlite_exec,
	.in_transaction = sqlite_in_transaction,
	.begin_sql = "BEGIN IMMEDIATE",
	.transactional_ddl = true,
};
