/* db.c — the SQLite connection, statement cache, transactions and error
 * mapping.  See db.h. */
#include "data/db.h"
#include "data/dialect.h"
#include "data/internal.h"
#include "base/clock.h"
#include "base/db_uri.h"
#include "base/log.h"
#include "base/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct cached_stmt {
	char *sql;            /* malloc'd key; NULL marks a free slot */
	uint32_t hash;
	sqlite3_stmt *stmt;
	uint64_t last_used;   /* tick of the last use, for LRU eviction */
};

struct fl_db {
	sqlite3 *h;
	struct cached_stmt cache[FL_DB_STMT_CACHE_SIZE];
	uint64_t tick;
	uint64_t statements;
	fl_err poisoned;      /* FL_OK, or the error of a failed write in the open transaction */
	char poison_msg[256];
	char errmsg[512];
	char err_table[128];
	char err_column[128];
	const struct fl_model *const *models;  /* registered for relationship lookup; may be NULL */
	/* SQLALCHEMY_ECHO (issue 17): log every statement with its values and time */
	bool echo;
	/* the statement trace (issue 18: the debug toolbar's SQL panel) */
	fl_db_trace_fn trace;
	void *trace_ud;
};

/* ---- errors ---- */

static void copy_str(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void clear_error(fl_db *db)
{
	db->errmsg[0] = db->err_table[0] = db->err_column[0] = '\0';
}

fl_err fl_db_set_error(fl_db *db, fl_err err, const char *table, const char *column,
	const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(db->errmsg, sizeof db->errmsg, fmt, ap);
	va_end(ap);
	copy_str(db->err_table, sizeof db->err_table, table ? table : "", table ? strlen(table) : 0);
	copy_str(db->err_column, sizeof db->err_column, column ? column : "", column ? strlen(column) : 0);
	return err;
}

/* "no such table: main.student" → table "student". */
static void parse_missing_table(fl_db *db, const char *name)
{
	if (strncmp(name, "main.", 5) == 0)
		name += 5;
	copy_str(db->err_table, sizeof db->err_table, name, strlen(name));
}

/* "UNIQUE constraint failed: student.s_name, student.x" → table "student",
 * column "s_name" (the first of a composite key). */
static void parse_constraint(fl_db *db, const char *msg)
{
	const char *p = strstr(msg, "failed: ");
	if (!p)
		return;
	p += 8;
	const char *dot = strchr(p, '.');
	if (!dot)
		return;
	copy_str(db->err_table, sizeof db->err_table, p, (size_t)(dot - p));
	const char *col = dot + 1;
	copy_str(db->err_column, sizeof db->err_column, col, strcspn(col, ", "));
}

/* Turn an SQLite result code (extended codes are on) into an fl_err and
 * remember SQLite's message and what it names. */
static fl_err map_error(fl_db *db, int rc)
{
	const char *msg = sqlite3_errmsg(db->h);
	fl_db_set_error(db, FL_EDB, NULL, NULL, "%s", msg);
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		parse_constraint(db, msg);
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return FL_EEXISTS;
		return FL_ECONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return FL_EBUSY;
	case SQLITE_NOMEM:
		return FL_ENOMEM;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_FULL:
		return FL_EIO;
	case SQLITE_ERROR:
		if (strncmp(msg, "no such table: ", 15) == 0) {
			parse_missing_table(db, msg + 15);
			return FL_ENOTABLE;
		}
		return FL_EDB;
	default:
		return FL_EDB;
	}
}

const char *fl_db_errmsg(const fl_db *db) { return db->errmsg; }
const char *fl_db_error_table(const fl_db *db) { return db->err_table; }
const char *fl_db_error_column(const fl_db *db) { return db->err_column; }
sqlite3 *fl_db_handle(fl_db *db) { return db->h; }
/* Declared in query.h (relationships are a query concern); stored here
 * because fl_db is opaque outside this file. */
void fl_db_set_models(fl_db *db, const struct fl_model *const *models)
{
	db->models = models;
}

const struct fl_model *const *fl_db_models(const fl_db *db)
{
	return db->models;
}

uint64_t fl_db_statement_count(const fl_db *db) { return db->statements; }

/* ---- open / close ---- */

/* A MySQL/PostgreSQL DATABASE_URI where a SQLite path is expected (the
 * configuration's database_path of a server database, password masked):
 * refused until those drivers exist.  The message does not repeat the URI
 * (callers name it; it could hold a password). */
static fl_err refuse_server_uri(fl_db *db, const char *path)
{
	if (!strstr(path, "://"))
		return FL_OK;
	fl_db_uri u;
	fl_err err = FL_OK;
	if (fl_db_uri_parse(path, &u, NULL, 0) == FL_OK && u.dialect != FL_DIALECT_SQLITE)
		err = fl_db_set_error(db, FL_ECONFIG, NULL, NULL, "DATABASE_URI names a %s "
			"database: that dialect is not available in this build yet (sqlite only)",
			fl_dialect_id_name(u.dialect));
	fl_db_uri_free(&u);
	return err;
}

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
	copy_str(dir, sizeof dir, path, (size_t)(slash - path));
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return fl_db_set_error(db, FL_EIO, NULL, NULL,
			"cannot open database %s: directory %s does not exist", path, dir);
	return FL_OK;
}

static fl_err apply_pragmas(fl_db *db)
{
	static const char pragmas[] =
		"PRAGMA journal_mode=WAL;"
		"PRAGMA foreign_keys=ON;"
		"PRAGMA synchronous=NORMAL;";
	sqlite3_busy_timeout(db->h, FL_DB_BUSY_TIMEOUT_MS);
	/* Several processes opening a new database at once all switch it to
	 * WAL; SQLite answers the losers SQLITE_BUSY at once, without the busy
	 * handler (it cannot wait while it holds the lock it would need to
	 * release).  Retry for as long as the busy timeout would have waited. */
	int rc;
	for (int waited = 0;; waited += 10) {
		rc = sqlite3_exec(db->h, pragmas, NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY || waited >= FL_DB_BUSY_TIMEOUT_MS)
			break;
		sqlite3_sleep(10);
	}
	return rc == SQLITE_OK ? FL_OK : map_error(db, rc);
}

fl_err fl_db_open(const char *path, fl_db **out)
{
	fl_db *db = calloc(1, sizeof *db);
	*out = db;
	if (!db)
		return FL_ENOMEM;
	fl_err err = refuse_server_uri(db, path);
	if (!err)
		err = check_parent_dir(db, path);
	if (err)
		return err;
	/* NOMUTEX: one connection per single-threaded process. */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
		SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_URI;
	int rc = sqlite3_open_v2(path, &db->h, flags, NULL);
	if (rc != SQLITE_OK) {
		if (!db->h)
			return FL_ENOMEM;
		err = map_error(db, rc);
		fl_db_set_error(db, err, NULL, NULL, "cannot open database %s: %s", path,
			sqlite3_errmsg(db->h));
		return err;
	}
	return apply_pragmas(db);
}

void fl_db_close(fl_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < FL_DB_STMT_CACHE_SIZE; i++) {
		sqlite3_finalize(db->cache[i].stmt);
		free(db->cache[i].sql);
	}
	if (db->h && !sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close_v2(db->h);
	free(db);
}

/* ---- statement cache ---- */

static uint32_t hash_sql(const char *s)
{
	uint32_t h = 2166136261u;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static bool only_space(const char *s)
{
	while (*s && (isspace((unsigned char)*s) || *s == ';'))
		s++;
	return *s == '\0';
}

static struct cached_stmt *cache_slot(fl_db *db)
{
	struct cached_stmt *victim = &db->cache[0];
	for (size_t i = 0; i < FL_DB_STMT_CACHE_SIZE; i++) {
		struct cached_stmt *c = &db->cache[i];
		if (!c->sql)
			return c;
		if (c->last_used < victim->last_used)
			victim = c;
	}
	sqlite3_finalize(victim->stmt);
	free(victim->sql);
	memset(victim, 0, sizeof *victim);
	return victim;
}

/* A reset, unbound statement for `sql`, from the cache or newly prepared
 * (PERSISTENT: it will live long).  Exactly one statement is accepted. */
static fl_err prepare_cached(fl_db *db, const char *sql, sqlite3_stmt **out)
{
	uint32_t h = hash_sql(sql);
	for (size_t i = 0; i < FL_DB_STMT_CACHE_SIZE; i++) {
		struct cached_stmt *c = &db->cache[i];
		if (c->sql && c->hash == h && strcmp(c->sql, sql) == 0) {
			sqlite3_reset(c->stmt);
			sqlite3_clear_bindings(c->stmt);
			c->last_used = ++db->tick;
			*out = c->stmt;
			return FL_OK;
		}
	}
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
	if (rc != SQLITE_OK)
		return map_error(db, rc);
	if (!st || !only_space(tail)) {
		sqlite3_finalize(st);
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL,
			"exactly one SQL statement expected: %.200s", sql);
	}
	char *key = strdup(sql);
	if (!key) {
		sqlite3_finalize(st);
		return FL_ENOMEM;
	}
	struct cached_stmt *c = cache_slot(db);
	*c = (struct cached_stmt){ .sql = key, .hash = h, .stmt = st, .last_used = ++db->tick };
	*out = st;
	return FL_OK;
}

/* Reset after use so the statement releases its read snapshot and drops
 * pointers into the caller's JSON values (bound SQLITE_STATIC). */
static void release(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* ---- binding and reading ---- */

/* The one key of a BLOB parameter: not UTF-8, so no object parsed from
 * JSON or built with json_object_set can carry it by accident. */
static const char blob_key[] = "\xff" "blob";
#define BLOB_KEY_LEN (sizeof blob_key - 1)

json_t *fl_db_blob(json_t *bytes)
{
	if (!json_is_string(bytes))
		return NULL;
	json_t *w = json_object();
	if (w && json_object_setn_new_nocheck(w, blob_key, BLOB_KEY_LEN, json_incref(bytes))) {
		json_decref(w);
		return NULL;
	}
	return w;
}

json_t *fl_db_param_blob(json_t *param)
{
	if (!json_is_object(param) || json_object_size(param) != 1)
		return NULL;
	json_t *b = json_object_getn(param, blob_key, BLOB_KEY_LEN);
	return json_is_string(b) ? b : NULL;
}

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
	return rc == SQLITE_OK ? FL_OK : map_error(db, rc);
}

static fl_err bind_params(fl_db *db, sqlite3_stmt *st, json_t *params)
{
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

static json_t *column_value(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
	case SQLITE_NULL: return json_null();
	case SQLITE_BLOB: {
		/* Bytes, exactly as stored: a LargeBinary value. */
		const char *b = sqlite3_column_blob(st, i);
		return json_stringn_nocheck(b ? b : "", (size_t)sqlite3_column_bytes(st, i));
	}
	default: {
		const char *s = (const char *)sqlite3_column_text(st, i);
		return json_stringn(s ? s : "", (size_t)sqlite3_column_bytes(st, i));
	}
	}
}

/* The result columns' names, read and checked once per statement rather
 * than once per row (jansson would otherwise strlen and UTF-8-check every
 * key of every row). */
struct colnames {
	int n;
	struct colname {
		const char *name;
		size_t len;
	} *col;
};

static fl_err read_colnames(fl_db *db, sqlite3_stmt *st, struct colnames *cn)
{
	cn->n = sqlite3_column_count(st);
	cn->col = calloc((size_t)cn->n + 1, sizeof *cn->col);
	if (!cn->col)
		return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	for (int i = 0; i < cn->n; i++) {
		const char *name = sqlite3_column_name(st, i);
		if (!name)
			return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
		cn->col[i].name = name;
		cn->col[i].len = strlen(name);
		if (!fl_utf8_valid(name, cn->col[i].len))
			return fl_db_set_error(db, FL_EUTF8, NULL, NULL,
				"a result column name is not UTF-8");
	}
	return FL_OK;
}

static fl_err read_row(fl_db *db, sqlite3_stmt *st, const struct colnames *cn, json_t **row_out)
{
	json_t *row = json_object();
	for (int i = 0; i < cn->n; i++) {
		json_t *v = column_value(st, i);
		if (!v)
			return fl_db_set_error(db, FL_EUTF8, NULL, cn->col[i].name,
				"column %s holds a value that is not UTF-8", cn->col[i].name);
		json_object_setn_new_nocheck(row, cn->col[i].name, cn->col[i].len, v);
	}
	*row_out = row;
	return FL_OK;
}

/* ---- echo (SQLALCHEMY_ECHO) ---- */

const struct fl_dialect *fl_db_dialect(const fl_db *db)
{
	(void)db;
	return &fl_dialect_sqlite;
}

void fl_db_set_echo(fl_db *db, bool on)
{
	db->echo = on;
}

void fl_db_set_trace(fl_db *db, fl_db_trace_fn fn, void *ud)
{
	db->trace = fn;
	db->trace_ud = fn ? ud : NULL;
}

/* Whether a statement is to be timed and reported: echo or trace. */
static bool observed(const fl_db *db)
{
	return db->echo || db->trace;
}

/* The bound values of a statement as echo prints them, NUL-terminated in
 * `buf` (size `cap`): compact JSON, "[]" for none, "[N values, bytes among
 * them]" when a BLOB is among them, "[... N bytes]" when too long.
 * Returns the length.  No allocation. */
static size_t format_params(json_t *params, char *buf, size_t cap)
{
	size_t n, i;
	json_t *v;
	json_array_foreach(params, i, v)
		if (fl_db_param_blob(v))   /* bytes have no JSON: say how many values */
			break;
	if (!params)
		memcpy(buf, "[]", n = 2);
	else if (i < json_array_size(params))
		n = (size_t)snprintf(buf, cap, "[%zu values, bytes among them]",
			json_array_size(params));
	else
		n = json_dumpb(params, buf, cap - 1, JSON_COMPACT);
	if (n >= cap - 1)   /* jansson leaves a short buffer's contents unspecified */
		n = (size_t)snprintf(buf, cap, "[... %zu bytes]", n);
	buf[n] = '\0';
	return n;
}

/* Report a statement that started at `t0` (fl_monotonic_us()) and ended with `err`,
 * having returned or changed `rows` rows (-1: unknown): one echo line
 * and/or one call of the trace function.  The parameters are written into
 * a stack buffer: no allocation. */
static void observe(fl_db *db, const char *sql, json_t *params, long long t0, long long rows,
	fl_err err)
{
	long long us = fl_monotonic_us() - t0;
	char buf[1024];
	size_t n = format_params(params, buf, sizeof buf);
	while (isspace((unsigned char)*sql))   /* a script's later statements */
		sql++;
	if (db->echo)
		fl_info("sql: %s params: %.*s (%.3f ms)", sql, (int)n, buf, (double)us / 1000.0);
	if (db->trace) {
		fl_db_trace_record r = {
			.sql = sql, .params = buf, .params_len = n,
			.usec = us, .rows = err ? -1 : rows, .err = err,
		};
		db->trace(db->trace_ud, &r);
	}
}

/* ---- running statements ---- */

/* The start fl_db_query and fl_db_execute share: the cached statement for
 * `sql` (prepared on first use) with `params` bound, counted in
 * fl_db_statement_count.  On an error nothing is left to release. */
static fl_err start_statement(fl_db *db, const char *sql, json_t *params, sqlite3_stmt **out)
{
	fl_err err = prepare_cached(db, sql, out);
	if (err)
		return err;
	if ((err = bind_params(db, *out, params))) {
		release(*out);
		return err;
	}
	db->statements++;
	return FL_OK;
}

static fl_err query_rows(fl_db *db, const char *sql, json_t *params, json_t **rows_out)
{
	sqlite3_stmt *st;
	*rows_out = NULL;
	clear_error(db);
	fl_err err = start_statement(db, sql, params, &st);
	if (err)
		return err;
	struct colnames cn = {0};
	json_t *rows = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* After the first step: a step may re-prepare the statement,
		 * which invalidates names read before it. */
		json_t *row = NULL;
		if ((!cn.col && (err = read_colnames(db, st, &cn))) ||
		    (err = read_row(db, st, &cn, &row))) {
			free(cn.col);
			release(st);
			return err;
		}
		json_array_append_new(rows, row);
	}
	free(cn.col);
	if (rc != SQLITE_DONE)
		err = map_error(db, rc);
	release(st);
	if (!err)
		*rows_out = rows;
	return err;
}

fl_err fl_db_query(fl_db *db, const char *sql, json_t *params, json_t **rows_out)
{
	if (!observed(db))
		return query_rows(db, sql, params, rows_out);
	long long t0 = fl_monotonic_us();
	fl_err err = query_rows(db, sql, params, rows_out);
	observe(db, sql, params, t0, err ? -1 : (long long)json_array_size(*rows_out), err);
	return err;
}

/* Called only for a failure inside a transaction we know was open, even if
 * SQLite has since rolled it back by itself (SQLITE_FULL, IOERR): the
 * caller's earlier writes are gone or suspect either way. */
static fl_err poison(fl_db *db, fl_err err)
{
	if (!db->poisoned) {
		db->poisoned = err;
		copy_str(db->poison_msg, sizeof db->poison_msg, db->errmsg, strlen(db->errmsg));
	}
	return err;
}

static fl_err refuse_if_poisoned(fl_db *db)
{
	if (!db->poisoned)
		return FL_OK;
	return fl_db_set_error(db, db->poisoned, NULL, NULL,
		"this transaction must be rolled back after an earlier error: %s", db->poison_msg);
}

static fl_err execute(fl_db *db, const char *sql, json_t *params, int64_t *last_id, int *changes)
{
	sqlite3_stmt *st;
	clear_error(db);
	fl_err err = refuse_if_poisoned(db);
	if (!err)
		err = fl_db_begin(db);
	if (!err)
		err = start_statement(db, sql, params, &st);
	if (err)
		return err;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;   /* RETURNING rows are not wanted here */
	if (rc != SQLITE_DONE)
		err = poison(db, map_error(db, rc));
	release(st);
	if (!err && last_id)
		*last_id = sqlite3_last_insert_rowid(db->h);
	if (!err && changes)
		*changes = sqlite3_changes(db->h);
	return err;
}

fl_err fl_db_execute(fl_db *db, const char *sql, json_t *params, int64_t *last_id, int *changes)
{
	if (!observed(db))
		return execute(db, sql, params, last_id, changes);
	int n = 0;
	long long t0 = fl_monotonic_us();
	fl_err err = execute(db, sql, params, last_id, &n);
	if (changes)
		*changes = n;
	observe(db, sql, params, t0, n, err);
	return err;
}

/* The first keyword of a statement, skipping whitespace and comments. */
static bool is_transaction_control(const char *sql)
{
	static const char *const words[] = { "BEGIN", "COMMIT", "END", "ROLLBACK" };
	const char *p = sql;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-')
			p += strcspn(p, "\n");
		else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else
			break;
	}
	for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
		size_t n = strlen(words[i]);
		if (strncasecmp(p, words[i], n) == 0 && !isalnum((unsigned char)p[n]) && p[n] != '_')
			return true;
	}
	return false;
}

static fl_err run_script_stmt(fl_db *db, sqlite3_stmt *st, bool in_tx)
{
	if (in_tx && is_transaction_control(sqlite3_sql(st)))
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL,
			"transaction control is not allowed inside a transaction: %.100s", sqlite3_sql(st));
	db->statements++;
	long long t0 = observed(db) ? fl_monotonic_us() : 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	fl_err err = rc == SQLITE_DONE ? FL_OK : map_error(db, rc);
	if (observed(db))
		observe(db, sqlite3_sql(st), NULL, t0, -1, err);
	return err;
}

fl_err fl_db_exec_script(fl_db *db, const char *sql)
{
	clear_error(db);
	bool in_tx = fl_db_in_transaction(db);
	fl_err err = in_tx ? refuse_if_poisoned(db) : FL_OK;
	const char *p = sql;
	while (!err && *p) {
		sqlite3_stmt *st = NULL;
		const char *tail = NULL;
		int rc = sqlite3_prepare_v2(db->h, p, -1, &st, &tail);
		if (rc != SQLITE_OK)
			err = map_error(db, rc);
		else if (st)
			err = run_script_stmt(db, st, in_tx);
		sqlite3_finalize(st);
		if (!st || tail == p)
			break;   /* only whitespace or comments were left */
		p = tail;
	}
	return in_tx && err ? poison(db, err) : err;
}

/* ---- transactions ---- */

bool fl_db_in_transaction(const fl_db *db)
{
	return !sqlite3_get_autocommit(db->h);
}

static fl_err run_control(fl_db *db, const char *sql)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? FL_OK : map_error(db, rc);
}

fl_err fl_db_begin(fl_db *db)
{
	if (fl_db_in_transaction(db))
		return FL_OK;
	return run_control(db, "BEGIN IMMEDIATE");
}

fl_err fl_db_rollback(fl_db *db)
{
	db->poisoned = FL_OK;
	db->poison_msg[0] = '\0';
	if (!fl_db_in_transaction(db))
		return FL_OK;
	return run_control(db, "ROLLBACK");
}

fl_err fl_db_commit(fl_db *db)
{
	if (db->poisoned) {
		fl_err err = db->poisoned;
		char msg[sizeof db->poison_msg];
		memcpy(msg, db->poison_msg, sizeof msg);
		fl_db_rollback(db);
		return fl_db_set_error(db, err, NULL, NULL,
			"commit refused, transaction rolled back after an earlier error: %s", msg);
	}
	if (!fl_db_in_transaction(db))
		return FL_OK;
	fl_err err = run_control(db, "COMMIT");
	if (err) {
		/* Keep the message of the failed COMMIT, not of the ROLLBACK. */
		char msg[sizeof db->errmsg];
		memcpy(msg, db->errmsg, sizeof msg);
		fl_db_rollback(db);
		fl_db_set_error(db, err, NULL, NULL, "%s", msg);
	}
	return err;
}

/* ---- the model layer's own failures (issue 17: relationship writes) ---- */

fl_err fl_db_poison(fl_db *db, fl_err err)
{
	return fl_db_in_transaction(db) ? poison(db, err) : err;
}
