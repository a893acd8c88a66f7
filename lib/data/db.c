/* db.c — the connection layer every database shares: the error record,
 * the statement cache, transactions and their poisoning rule, echo and the
 * statement trace, and keeping a server connection alive.  What differs
 * per database is its driver's (driver_internal.h: driver_sqlite.c, ...).
 * See db.h. */
#include "data/db.h"
#include "data/dialect.h"
#include "data/driver_internal.h"
#include "data/internal.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/db_uri.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/row.h"
#include "base/utf8.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cached_stmt {
	char *sql;            /* malloc'd key; NULL marks a free slot */
	uint32_t hash;
	fl_driver_stmt *stmt;
	uint64_t last_used;   /* tick of the last use, for LRU eviction */
};

struct fl_db {
	const fl_driver *drv;
	fl_driver_conn *conn; /* NULL while a lost connection could not be reopened */
	struct cached_stmt cache[FL_DB_STMT_CACHE_SIZE];
	uint64_t tick;
	uint64_t statements;
	fl_err err;           /* the code of the last error recorded */
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
	/* fl_db_exec_script running: the driver's per-statement hooks count */
	bool script;
	bool script_in_tx;
	unsigned script_hooks;
	/* keeping a server connection alive (issue 19) */
	bool liveness;        /* a server's pool: reconnect, recycle, ping between transactions */
	bool lost;            /* the driver reported FL_EDISCONNECTED */
	bool began;           /* fl_db_begin opened the transaction now open */
	fl_db_pool pool;
	long long opened_us, used_us;   /* fl_monotonic_us() of the connect / the last check */
	fl_db_uri uri;        /* the connection's own copy, for reconnecting */
	char *sqlite_path;
	fl_driver_options opt;
	/* the shapes of compact rows (base/row.h), one per distinct column
	 * list, kept for the life of the connection */
	fl_row_shape *shapes[FL_DB_ROW_SHAPES];
	size_t nshapes;
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
	db->err = FL_OK;
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
	db->err = err;
	if (err == FL_EDISCONNECTED) {
		/* The server ended the open transaction with the connection:
		 * whatever it wrote is gone, so nothing after may commit. */
		db->lost = true;
		if (db->began && !db->poisoned) {
			db->poisoned = err;
			copy_str(db->poison_msg, sizeof db->poison_msg, db->errmsg, strlen(db->errmsg));
		}
	}
	return err;
}

const char *fl_db_errmsg(const fl_db *db) { return db->errmsg; }

struct sqlite3 *fl_db_sqlite_handle(fl_db *db)
{
	return db->drv == &fl_driver_sqlite && db->conn ? fl_driver_sqlite_handle(db->conn) : NULL;
}
const char *fl_db_error_table(const fl_db *db) { return db->err_table; }
const char *fl_db_error_column(const fl_db *db) { return db->err_column; }

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

/* The connection's own copy of `opt` (the URI parsed again from its text),
 * for reconnecting after the caller's configuration is gone. */
static fl_err keep_options(fl_db *db, const fl_driver_options *opt)
{
	db->opt.connect_timeout = opt->connect_timeout;
	if (opt->sqlite_path && !(db->opt.sqlite_path = db->sqlite_path = strdup(opt->sqlite_path)))
		return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	if (opt->uri && opt->uri->text) {
		fl_err err = fl_db_uri_parse(opt->uri->text, &db->uri, NULL, 0);
		if (err)   /* it parsed once: only memory can fail */
			return fl_db_set_error(db, err, NULL, NULL, "DATABASE_URI cannot be read again");
		db->opt.uri = &db->uri;
	}
	return FL_OK;
}

fl_err fl_db_open_driver(const fl_driver *drv, const fl_driver_options *opt,
	const fl_db_pool *pool, fl_db **out)
{
	fl_db *db = calloc(1, sizeof *db);
	*out = db;
	if (!db)
		return FL_ENOMEM;
	db->drv = drv;
	db->pool = pool ? *pool : (fl_db_pool){ .recycle = -1, .ping_idle = -1 };
	db->liveness = pool != NULL;
	fl_err err = keep_options(db, opt);
	if (!err)
		err = drv->open(db, &db->opt, &db->conn);
	if (err) {
		db->err = err;
		return err;
	}
	db->opened_us = db->used_us = fl_monotonic_us();
	return FL_OK;
}

/* A MySQL/PostgreSQL DATABASE_URI where a SQLite path is expected (the
 * configuration's database_path of a server database, password masked):
 * the caller wanted fl_db_connect.  The message does not repeat the URI
 * (callers name it; it could hold a password). */
static fl_err refuse_server_uri(const char *path, fl_db **out)
{
	if (!strstr(path, "://"))
		return FL_OK;
	fl_db_uri u;
	fl_err err = FL_OK;
	if (fl_db_uri_parse(path, &u, NULL, 0) == FL_OK && u.dialect != FL_DIALECT_SQLITE) {
		fl_db *db = *out = calloc(1, sizeof *db);
		if (!db)
			err = FL_ENOMEM;
		else {
			db->drv = &fl_driver_sqlite;
			err = fl_db_set_error(db, FL_ECONFIG, NULL, NULL, "DATABASE_URI names a %s "
				"database: fl_db_open takes a SQLite file (open the configured "
				"database with fl_db_connect)", fl_dialect_id_name(u.dialect));
		}
	}
	fl_db_uri_free(&u);
	return err;
}

fl_err fl_db_open(const char *path, fl_db **out)
{
	*out = NULL;
	fl_err err = refuse_server_uri(path, out);
	if (err || *out)
		return err;
	fl_driver_options opt = { .sqlite_path = path };
	return fl_db_open_driver(&fl_driver_sqlite, &opt, NULL, out);
}

fl_err fl_db_connect(const fl_config *cfg, fl_db **out)
{
	const fl_db_uri *u = &cfg->db_uri;
	const fl_driver *drv = fl_driver_for(u->dialect);
	*out = NULL;
	if (!drv) {
		fl_db *db = *out = calloc(1, sizeof *db);
		if (!db)
			return FL_ENOMEM;
		db->drv = &fl_driver_sqlite;
		return fl_db_set_error(db, FL_ECONFIG, NULL, NULL, "DATABASE_URI names a %s "
			"database: this build has no %s driver", fl_dialect_id_name(u->dialect),
			fl_dialect_id_name(u->dialect));
	}
	fl_driver_options opt = {
		.uri = u,
		.sqlite_path = u->dialect == FL_DIALECT_SQLITE ? cfg->database_path : NULL,
		.connect_timeout = cfg->sqlalchemy_pool_timeout,
	};
	/* A SQLite file does not go away: only a server is recycled and pinged. */
	fl_db_pool pool = { .recycle = cfg->sqlalchemy_pool_recycle, .ping_idle = FL_DB_PING_IDLE };
	return fl_db_open_driver(drv, &opt, u->dialect == FL_DIALECT_SQLITE ? NULL : &pool, out);
}

/* Finalize every cached statement (before closing their connection). */
static void drop_cache(fl_db *db)
{
	for (size_t i = 0; i < FL_DB_STMT_CACHE_SIZE; i++) {
		if (db->cache[i].stmt)
			db->drv->finalize(db->cache[i].stmt);
		free(db->cache[i].sql);
		memset(&db->cache[i], 0, sizeof db->cache[i]);
	}
}

void fl_db_close(fl_db *db)
{
	if (!db)
		return;
	drop_cache(db);
	for (size_t i = 0; i < db->nshapes; i++)
		fl_row_shape_free(db->shapes[i]);
	if (db->conn)
		db->drv->close(db->conn);
	fl_db_uri_free(&db->uri);
	free(db->sqlite_path);
	free(db);
}

/* ---- keeping a server connection alive (between transactions) ---- */

/* Close and open again, the statement cache dropped with the old
 * connection.  A failure leaves the connection lost: FL_EDISCONNECTED
 * (the server cannot be reached: 503), tried again next time. */
static fl_err reconnect(fl_db *db)
{
	drop_cache(db);
	if (db->conn)
		db->drv->close(db->conn);
	db->conn = NULL;
	db->began = false;
	fl_err err = db->drv->open(db, &db->opt, &db->conn);
	if (err) {
		db->lost = true;
		char msg[sizeof db->errmsg];
		memcpy(msg, db->errmsg, sizeof msg);
		return fl_db_set_error(db, FL_EDISCONNECTED, NULL, NULL,
			"the database connection was lost and reconnecting failed: %s", msg);
	}
	if (db->lost)
		fl_info("database: %s connection lost, reconnected", db->drv->name);
	db->lost = false;
	db->opened_us = db->used_us = fl_monotonic_us();
	return FL_OK;
}

/* Before a statement or BEGIN outside a transaction: reconnect a lost
 * connection, one older than SQLALCHEMY_POOL_RECYCLE, or one idle past
 * ping_idle that no longer answers a ping.  One test without a pool
 * (SQLite). */
static fl_err ensure_live(fl_db *db)
{
	if (!db->liveness)
		return FL_OK;
	if (db->lost || !db->conn)
		return reconnect(db);
	if (db->drv->in_transaction(db->conn))
		return FL_OK;
	long long now = fl_monotonic_us();
	long long idle = now - db->used_us;
	db->used_us = now;
	if (db->pool.recycle >= 0 && now - db->opened_us >= db->pool.recycle * 1000000LL)
		return reconnect(db);
	if (db->pool.ping_idle >= 0 && idle >= db->pool.ping_idle * 1000000LL &&
	    !db->drv->ping(db, db->conn))
		return reconnect(db);
	return FL_OK;
}

/* A statement failed because the connection went away outside a
 * transaction: nothing was half-done, so reconnect and try it once more. */
static bool retry_after_loss(fl_db *db, fl_err err)
{
	return err == FL_EDISCONNECTED && db->liveness && !db->began && reconnect(db) == FL_OK;
}

/* ---- statement cache ---- */

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
	db->drv->finalize(victim->stmt);
	free(victim->sql);
	memset(victim, 0, sizeof *victim);
	return victim;
}

/* A reset, unbound statement for `sql`, from the cache or newly prepared.
 * Exactly one statement is accepted (the driver checks). */
static fl_err prepare_cached(fl_db *db, const char *sql, fl_driver_stmt **out)
{
	uint32_t h = fl_hash_fnv1a(sql, strlen(sql));
	for (size_t i = 0; i < FL_DB_STMT_CACHE_SIZE; i++) {
		struct cached_stmt *c = &db->cache[i];
		if (c->sql && c->hash == h && strcmp(c->sql, sql) == 0) {
			db->drv->reset(c->stmt);
			c->last_used = ++db->tick;
			*out = c->stmt;
			return FL_OK;
		}
	}
	if (!db->conn)
		return fl_db_set_error(db, FL_EDISCONNECTED, NULL, NULL,
			"the database connection is lost");
	fl_driver_stmt *st = NULL;
	fl_err err = db->drv->prepare(db, db->conn, sql, &st);
	if (err)
		return err;
	char *key = strdup(sql);
	if (!key) {
		db->drv->finalize(st);
		return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	}
	struct cached_stmt *c = cache_slot(db);
	*c = (struct cached_stmt){ .sql = key, .hash = h, .stmt = st, .last_used = ++db->tick };
	*out = st;
	return FL_OK;
}

/* ---- parameters ---- */

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

/* ---- reading rows ---- */

/* The result columns' names, read and checked once per statement rather
 * than once per row (jansson would otherwise strlen and UTF-8-check every
 * key of every row). */
struct colnames {
	int n;
	struct colname {
		const char *name;
		size_t len;
	} *col;
	fl_row_shape *shape;   /* compact rows: their shape, else NULL */
};

static fl_err read_colnames(fl_db *db, fl_driver_stmt *st, struct colnames *cn)
{
	cn->n = db->drv->column_count(st);
	cn->col = calloc((size_t)cn->n + 1, sizeof *cn->col);
	if (!cn->col)
		return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	for (int i = 0; i < cn->n; i++) {
		const char *name = db->drv->column_name(st, i);
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

/* The shape of the columns `cn` names, found among the connection's
 * shapes or added to them; NULL when FL_DB_ROW_SHAPES are taken by other
 * column lists (the rows are then plain objects) or memory is short.  A
 * hash and a comparison of the names per statement, nothing per row. */
static fl_row_shape *shape_for(fl_db *db, const struct colnames *cn)
{
	const char *names[cn->n ? cn->n : 1];
	size_t lens[cn->n ? cn->n : 1];
	for (int i = 0; i < cn->n; i++) {
		names[i] = cn->col[i].name;
		lens[i] = cn->col[i].len;
	}
	uint32_t h = fl_row_shape_hash(names, lens, (size_t)cn->n);
	for (size_t i = 0; i < db->nshapes; i++)
		if (db->shapes[i]->hash == h && fl_row_shape_equal(db->shapes[i], names, lens, (size_t)cn->n))
			return db->shapes[i];
	if (db->nshapes == FL_DB_ROW_SHAPES)
		return NULL;
	fl_row_shape *s = fl_row_shape_new(NULL, names, lens, (size_t)cn->n);
	if (s)
		db->shapes[db->nshapes++] = s;
	return s;
}

/* A compact row: the cells in column order behind the result's shape,
 * read straight into the row's cells. */
static fl_err read_compact_row(fl_db *db, fl_driver_stmt *st, const struct colnames *cn,
	json_t **row_out)
{
	json_t **cells;
	json_t *row = fl_row_alloc(cn->shape, &cells);
	if (!row)
		return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	int failed = 0;
	if (db->drv->row_values)
		failed = db->drv->row_values(db, st, cn->n, cells);
	else
		for (int i = 0; i < cn->n && !failed; i++)
			failed = !(cells[i] = db->drv->column_value(db, st, i)) ? -1 : 0;
	if (failed) {
		json_decref(row);   /* releases the cells read */
		return db->err ? db->err : fl_db_set_error(db, FL_ENOMEM, NULL, NULL,
			"out of memory");
	}
	*row_out = row;
	return FL_OK;
}

static fl_err read_row(fl_db *db, fl_driver_stmt *st, const struct colnames *cn, json_t **row_out)
{
	if (cn->shape)
		return read_compact_row(db, st, cn, row_out);
	json_t *row = json_object();
	for (int i = 0; i < cn->n; i++) {
		json_t *v = db->drv->column_value(db, st, i);
		if (!v) {
			json_decref(row);
			return db->err ? db->err : fl_db_set_error(db, FL_ENOMEM, NULL, NULL,
				"out of memory");
		}
		json_object_setn_new_nocheck(row, cn->col[i].name, cn->col[i].len, v);
	}
	*row_out = row;
	return FL_OK;
}

/* ---- echo (SQLALCHEMY_ECHO) ---- */

const struct fl_dialect *fl_db_dialect(const fl_db *db)
{
	return db->drv->dialect;
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
 * and/or one call of the trace function.  The statement is shown as the
 * server gets it (PostgreSQL's $1, $2, ... whether the query builder or
 * the driver numbered them); the parameters are written into a stack
 * buffer.  Only a numbered dialect's statement allocates (a scratch
 * arena, freed here). */
static void observe(fl_db *db, const char *sql, json_t *params, long long t0, long long rows,
	fl_err err)
{
	long long us = fl_monotonic_us() - t0;
	char buf[1024];
	size_t n = format_params(params, buf, sizeof buf);
	while (isspace((unsigned char)*sql))   /* a script's later statements */
		sql++;
	fl_arena *scratch = NULL;
	const fl_dialect *d = fl_db_dialect(db);
	if (d->param_style != FL_PARAM_QMARK && strchr(sql, '?')) {
		scratch = fl_arena_new(0);
		sql = fl_dialect_finish(d, scratch, sql);
	}
	if (db->echo)
		fl_info("sql: %s params: %.*s (%.3f ms)", sql, (int)n, buf, (double)us / 1000.0);
	if (db->trace) {
		fl_db_trace_record r = {
			.sql = sql, .params = buf, .params_len = n,
			.usec = us, .rows = err ? -1 : rows, .err = err,
		};
		db->trace(db->trace_ud, &r);
	}
	fl_arena_free(scratch);
}

/* ---- running statements ---- */

/* The start fl_db_query, fl_db_execute and fl_db_aside share: the cached
 * statement for `sql` (prepared on first use) executed with `params`
 * bound, counted in fl_db_statement_count when `counted`.  On an error
 * nothing is left to release. */
static fl_err start_statement(fl_db *db, const char *sql, json_t *params, bool counted,
	fl_driver_stmt **out)
{
	fl_err err = prepare_cached(db, sql, out);
	if (err)
		return err;
	if ((err = db->drv->execute(db, *out, params))) {
		db->drv->reset(*out);
		return err;
	}
	db->statements += counted;
	return FL_OK;
}

/* The column names of the statement's result, read after its first step
 * (a step may re-prepare the statement, which invalidates names read
 * before it), and for compact rows their shape. */
static fl_err start_rows(fl_db *db, fl_driver_stmt *st, bool compact, struct colnames *cn)
{
	fl_err err = read_colnames(db, st, cn);
	if (!err && compact)
		cn->shape = shape_for(db, cn);
	return err;
}

/* Run `sql` and read its rows into *rows_out (NULL: read and drop them),
 * compact rows when `compact`, and the rows it changed into *changes (may
 * be NULL).  The one path every driver's rows come through. */
static fl_err run_rows(fl_db *db, const char *sql, json_t *params, bool counted, bool compact,
	json_t **rows_out, int *changes)
{
	fl_driver_stmt *st;
	if (rows_out)
		*rows_out = NULL;
	clear_error(db);
	fl_err err = start_statement(db, sql, params, counted, &st);
	if (err)
		return err;
	struct colnames cn = {0};
	json_t *rows = rows_out ? json_array() : NULL;
	fl_step rc;
	while ((rc = db->drv->step(db, st)) == FL_STEP_ROW) {
		/* After the first step: a step may re-prepare the statement,
		 * which invalidates names read before it. */
		json_t *row = NULL;
		if (!rows)
			continue;
		if ((!cn.col && (err = start_rows(db, st, compact, &cn))) ||
		    (err = read_row(db, st, &cn, &row))) {
			free(cn.col);
			db->drv->reset(st);
			json_decref(rows);
			return err;
		}
		json_array_append_new(rows, row);
	}
	free(cn.col);
	if (rc == FL_STEP_ERROR)
		err = db->err ? db->err : FL_EDB;
	if (!err && changes)
		*changes = db->drv->changes(st);
	db->drv->reset(st);
	if (!err && rows_out)
		*rows_out = rows;
	else
		json_decref(rows);
	return err;
}

/* A read: outside a transaction the connection is checked first, and a
 * connection lost under it is reopened and the read run once more. */
static fl_err query(fl_db *db, const char *sql, json_t *params, bool compact, json_t **rows_out)
{
	fl_err err = ensure_live(db);
	if (!err)
		err = run_rows(db, sql, params, true, compact, rows_out, NULL);
	if (err && db->liveness && retry_after_loss(db, err))
		err = run_rows(db, sql, params, true, compact, rows_out, NULL);
	return err;
}

static fl_err observed_query(fl_db *db, const char *sql, json_t *params, bool compact,
	json_t **rows_out)
{
	if (!observed(db))
		return query(db, sql, params, compact, rows_out);
	long long t0 = fl_monotonic_us();
	fl_err err = query(db, sql, params, compact, rows_out);
	observe(db, sql, params, t0, err ? -1 : (long long)json_array_size(*rows_out), err);
	return err;
}

fl_err fl_db_query(fl_db *db, const char *sql, json_t *params, json_t **rows_out)
{
	return observed_query(db, sql, params, false, rows_out);
}

fl_err fl_db_query_compact(fl_db *db, const char *sql, json_t *params, json_t **rows_out)
{
	return observed_query(db, sql, params, true, rows_out);
}

/* Called only for a failure inside a transaction we know was open, even if
 * the database has since rolled it back by itself (SQLite's SQLITE_FULL,
 * IOERR; a server connection lost): the caller's earlier writes are gone
 * or suspect either way. */
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
	fl_driver_stmt *st;
	clear_error(db);
	fl_err err = refuse_if_poisoned(db);
	if (!err)
		err = fl_db_begin(db);
	if (!err)
		err = start_statement(db, sql, params, true, &st);
	if (err)
		return err;
	fl_step rc;
	while ((rc = db->drv->step(db, st)) == FL_STEP_ROW)
		;   /* RETURNING rows are not wanted here */
	if (rc == FL_STEP_ERROR)
		err = poison(db, db->err ? db->err : FL_EDB);
	if (!err && last_id)
		*last_id = db->drv->last_insert_id(st);
	if (!err && changes)
		*changes = db->drv->changes(st);
	db->drv->reset(st);
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

fl_err fl_db_aside(fl_db *db, const char *sql, json_t *params, json_t **rows_out, int *changes)
{
	clear_error(db);
	bool in_tx = fl_db_in_transaction(db);
	fl_err err = in_tx ? refuse_if_poisoned(db) : ensure_live(db);
	if (!err)
		err = run_rows(db, sql, params, false, false, rows_out, changes);
	if (err && !in_tx && retry_after_loss(db, err))
		err = run_rows(db, sql, params, false, false, rows_out, changes);
	/* A server may have ended the transaction over it (PostgreSQL aborts
	 * on any error, MySQL rolls back on a deadlock): nothing after may
	 * commit as if it had not failed. */
	if (err && in_tx && db->drv != &fl_driver_sqlite)
		poison(db, err);
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

fl_err fl_db_script_begin(fl_db *db, const char *sql, long long *t0)
{
	*t0 = 0;
	if (!db->script)
		return FL_OK;   /* db.c's own BEGIN, COMMIT, ROLLBACK */
	db->script_hooks++;
	if (db->script_in_tx && is_transaction_control(sql))
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL,
			"transaction control is not allowed inside a transaction: %.100s", sql);
	db->statements++;
	if (observed(db))
		*t0 = fl_monotonic_us();
	return FL_OK;
}

void fl_db_script_end(fl_db *db, const char *sql, long long t0, fl_err err)
{
	if (db->script && observed(db))
		observe(db, sql, NULL, t0, -1, err);
}

fl_err fl_db_exec_script(fl_db *db, const char *sql)
{
	clear_error(db);
	bool in_tx = fl_db_in_transaction(db);
	fl_err err = in_tx ? refuse_if_poisoned(db) : ensure_live(db);
	if (err)
		return err;
	if (!db->conn)
		return fl_db_set_error(db, FL_EDISCONNECTED, NULL, NULL, "the database connection is lost");
	long long t0 = observed(db) ? fl_monotonic_us() : 0;
	db->script = true;
	db->script_in_tx = in_tx;
	db->script_hooks = 0;
	err = db->drv->exec(db, db->conn, sql);
	db->script = false;
	if (!db->script_hooks) {   /* a driver that ran it in one call: one statement */
		db->statements++;
		if (observed(db))
			observe(db, sql, NULL, t0, -1, err);
	}
	return in_tx && err ? poison(db, err) : err;
}

/* ---- transactions ---- */

bool fl_db_in_transaction(const fl_db *db)
{
	if (db->lost || !db->conn)   /* the server ended it: still ours to roll back */
		return db->began;
	return db->drv->in_transaction(db->conn);
}

static fl_err run_control(fl_db *db, const char *sql)
{
	if (!db->conn)
		return fl_db_set_error(db, FL_EDISCONNECTED, NULL, NULL, "the database connection is lost");
	return db->drv->exec(db, db->conn, sql);
}

fl_err fl_db_begin(fl_db *db)
{
	if (fl_db_in_transaction(db))
		return FL_OK;
	fl_err err = ensure_live(db);
	if (!err && (err = run_control(db, db->drv->begin_sql)) && retry_after_loss(db, err))
		err = run_control(db, db->drv->begin_sql);
	db->began = !err;
	return err;
}

fl_err fl_db_rollback(fl_db *db)
{
	db->poisoned = FL_OK;
	db->poison_msg[0] = '\0';
	bool in_tx = fl_db_in_transaction(db);
	db->began = false;
	if (!in_tx || db->lost)   /* a lost connection's transaction is gone with it */
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
	} else
		db->began = false;
	return err;
}

/* ---- the model layer's own failures (issue 17: relationship writes) ---- */

fl_err fl_db_poison(fl_db *db, fl_err err)
{
	return fl_db_in_transaction(db) ? poison(db, err) : err;
}

fl_err fl_db_table_names(fl_db *db, json_t **names)
{
	json_t *rows;
	fl_err err = fl_db_query(db, fl_db_dialect(db)->tables_sql, NULL, &rows);
	if (err)
		return err;
	json_t *out = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
		json_array_append(out, json_object_get(row, "name"));
	*names = out;
	return FL_OK;
}
