/* driver_pg.c — PostgreSQL through libpq (fl_driver_postgresql).  See
 * driver_internal.h for the contract.
 *
 * Statements are named server-side prepared statements (PQprepare, then
 * PQdescribePrepared for the parameter count and the result columns),
 * prepared from the builder's `?` text numbered $1, $2, ... by
 * fl_dialect_finish.  Parameters travel in text format, bytes (fl_db_blob)
 * in binary format; results come back in text format and are typed by the
 * column's type OID.  An INSERT that ends in the dialect's ` RETURNING
 * "id"` (put_returning) yields its id as last_insert_id. */
#include "data/driver_internal.h"
#include "data/dialect.h"
#include "base/arena.h"
#include "base/pynum.h"

#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The built-in type OIDs (pg_type.dat; fixed since PostgreSQL 7). */
enum {
	OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
	OID_OID = 26, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_TIME = 1083, OID_TIMESTAMP = 1114,
};

/* The functions of libpq this driver calls, through `pq`: loaded by the
 * first pg_open (driver_internal.h: fl_driver_library), so a process that
 * never connects to PostgreSQL does not map libpq. */
#define PQ_API(X) \
	X(PQconnectdbParams) \
	X(PQstatus) \
	X(PQerrorMessage) \
	X(PQsetNoticeProcessor) \
	X(PQfinish) \
	X(PQtransactionStatus) \
	X(PQexec) \
	X(PQprepare) \
	X(PQdescribePrepared) \
	X(PQexecPrepared) \
	X(PQresultStatus) \
	X(PQresultErrorField) \
	X(PQclear) \
	X(PQnparams) \
	X(PQntuples) \
	X(PQnfields) \
	X(PQfname) \
	X(PQftype) \
	X(PQgetisnull) \
	X(PQgetvalue) \
	X(PQgetlength) \
	X(PQcmdStatus) \
	X(PQcmdTuples) \
	X(PQunescapeBytea) \
	X(PQfreemem)
FL_DRIVER_LIBRARY(pq, PQ_API, "libpq.so.5", "libpq5", "PostgreSQL");

struct fl_driver_conn {
	PGconn *pg;
	unsigned long next_name;    /* statements are named fl_1, fl_2, ... */
};

struct fl_driver_stmt {
	struct fl_driver_conn *conn;
	char name[32];
	PGresult *desc;             /* PQdescribePrepared: parameters and columns */
	int nparams;
	PGresult *res;              /* the last execution's result, NULL when reset */
	int row;                    /* the current row of res (-1 before the first step) */
	fl_arena *scratch;          /* the parameters' text of one execution */
};

/* ---- errors ---- */

/* `src` on one line (libpq's messages end in '\n' and may hold "\n\t"). */
static void one_line(char *dst, size_t cap, const char *src)
{
	size_t n = 0;
	for (const char *p = src ? src : ""; *p && n + 1 < cap; p++)
		if (*p == '\n' || *p == '\t' || *p == '\r') {
			if (n && dst[n - 1] != ' ')
				dst[n++] = ' ';
		} else {
			dst[n++] = *p;
		}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

/* The text between the first pair of double quotes of `msg` ("relation
 * \"student\" does not exist" → student), or "". */
static void first_quoted(char *dst, size_t cap, const char *msg)
{
	const char *a = msg ? strchr(msg, '"') : NULL, *b = a ? strchr(a + 1, '"') : NULL;
	size_t n = b ? (size_t)(b - a - 1) : 0;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, n ? a + 1 : "", n);
	dst[n] = '\0';
}

/* The first column of a unique violation's detail ("Key (s_name, x)=(...)
 * already exists." → s_name; a quoted name unquoted); "" for an index on
 * an expression. */
static void unique_column(char *dst, size_t cap, const char *detail)
{
	dst[0] = '\0';
	if (!detail || strncmp(detail, "Key (", 5) != 0)
		return;
	const char *p = detail + 5;
	size_t n = strcspn(p, ",)=(");
	if (p[n] == '(')
		return;
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
		p++;
		n -= 2;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static bool state_is(const char *state, const char *prefix)
{
	return state && strncmp(state, prefix, strlen(prefix)) == 0;
}

/* Map a failed result (NULL: libpq could not even make one) to fl_err and
 * the error record, then free it. */
static fl_err fail(fl_db *db, PGconn *pg, PGresult *res)
{
	const char *state = res ? pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? pq.PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *table = res ? pq.PQresultErrorField(res, PG_DIAG_TABLE_NAME) : NULL;
	char msg[400], name[128];
	one_line(msg, sizeof msg, primary ? primary : pq.PQerrorMessage(pg));
	fl_err err = FL_EDB;
	const char *column = NULL;
	if (pq.PQstatus(pg) == CONNECTION_BAD || state_is(state, "08") || state_is(state, "57P"))
		err = FL_EDISCONNECTED;
	else if (!res)
		err = FL_ENOMEM;
	else if (state_is(state, "23505")) {
		err = FL_EEXISTS;
		unique_column(name, sizeof name, pq.PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
		column = name;
	} else if (state_is(state, "23502") || state_is(state, "23503") || state_is(state, "23514")) {
		err = FL_ECONSTRAINT;
		column = pq.PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
	} else if (state_is(state, "42P01")) {
		err = FL_ENOTABLE;
		first_quoted(name, sizeof name, primary);
		table = name;
	} else if (state_is(state, "40001") || state_is(state, "40P01") || state_is(state, "55P03"))
		err = FL_EBUSY;
	else if (state_is(state, "42601") && strstr(msg, "multiple commands"))
		err = FL_EINVAL;
	fl_db_set_error(db, err, table, column, "%s%s", err == FL_EDISCONNECTED ?
		"the connection to PostgreSQL was lost: " : "", msg);
	pq.PQclear(res);
	return err;
}

/* ---- connection ---- */

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;   /* NOTICEs ("table ... does not exist, skipping") are not errors */
}

/* libpq's connection keywords, NULL-terminated. */
#define MAX_KEYS 40
struct conninfo {
	const char *kw[MAX_KEYS + 1], *val[MAX_KEYS + 1];
	int n;
};

static void add(struct conninfo *ci, const char *key, const char *value)
{
	if (value && ci->n < MAX_KEYS) {
		ci->kw[ci->n] = key;
		ci->val[ci->n++] = value;
		ci->kw[ci->n] = ci->val[ci->n] = NULL;
	}
}

static fl_err pg_open(fl_db *db, const fl_driver_options *opt, fl_driver_conn **out)
{
	const fl_db_uri *uri = opt->uri;
	*out = NULL;
	fl_err loaded = fl_driver_library_load(db, &pq_library);
	if (loaded)
		return loaded;
	struct conninfo ci = { .n = 0 };
	char port[16], timeout[24];
	snprintf(port, sizeof port, "%d", uri->port);
	snprintf(timeout, sizeof timeout, "%ld", opt->connect_timeout);
	add(&ci, "host", uri->host);
	if (uri->port)
		add(&ci, "port", port);
	add(&ci, "dbname", uri->database);
	add(&ci, "user", uri->username);
	add(&ci, "password", uri->password);
	if (opt->connect_timeout > 0)
		add(&ci, "connect_timeout", timeout);
	add(&ci, "fallback_application_name", "flagon");
	/* sslmode, host=/socket/dir, application_name, options...: libpq's
	 * own keywords, as psycopg2 passes a URL's query; a later one wins. */
	for (size_t i = 0; i < uri->nquery && ci.n < MAX_KEYS - 1; i++)
		add(&ci, uri->query[i].key, uri->query[i].value);
	add(&ci, "client_encoding", "UTF8");

	struct fl_driver_conn *c = calloc(1, sizeof *c);
	if (!c)
		return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	c->pg = pq.PQconnectdbParams(ci.kw, ci.val, 0);   /* 0: dbname is a name, never a conninfo */
	if (!c->pg) {
		free(c);
		return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	}
	if (pq.PQstatus(c->pg) != CONNECTION_OK) {
		char msg[400];
		one_line(msg, sizeof msg, pq.PQerrorMessage(c->pg));
		fl_db_set_error(db, FL_EIO, NULL, NULL, "cannot connect to PostgreSQL: %s", msg);
		pq.PQfinish(c->pg);
		free(c);
		return FL_EIO;
	}
	pq.PQsetNoticeProcessor(c->pg, quiet, NULL);
	*out = c;
	return FL_OK;
}

static void pg_close(fl_driver_conn *c)
{
	if (!c)
		return;
	pq.PQfinish(c->pg);    /* the server rolls back an open transaction */
	free(c);
}

static bool pg_ping(fl_db *db, fl_driver_conn *c)
{
	PGresult *res = pq.PQexec(c->pg, "");
	if (res && pq.PQresultStatus(res) == PGRES_EMPTY_QUERY && pq.PQstatus(c->pg) == CONNECTION_OK) {
		pq.PQclear(res);
		return true;
	}
	fail(db, c->pg, res);
	return false;
}

static fl_err pg_exec(fl_db *db, fl_driver_conn *c, const char *sql)
{
	PGresult *res = pq.PQexec(c->pg, sql);   /* the simple protocol: a whole script */
	ExecStatusType s = res ? pq.PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY)
		return fail(db, c->pg, res);
	pq.PQclear(res);
	return FL_OK;
}

static bool pg_in_transaction(fl_driver_conn *c)
{
	PGTransactionStatusType s = pq.PQtransactionStatus(c->pg);
	return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

/* ---- statements ---- */

static void pg_finalize(fl_driver_stmt *st);

static fl_err pg_prepare(fl_db *db, fl_driver_conn *c, const char *sql, fl_driver_stmt **out)
{
	*out = NULL;
	struct fl_driver_stmt *st = calloc(1, sizeof *st);
	fl_arena *a = fl_arena_new(1024);
	if (!st || !a) {
		free(st);
		fl_arena_free(a);
		return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	}
	st->conn = c;
	st->row = -1;
	st->scratch = a;
	snprintf(st->name, sizeof st->name, "fl_%lu", ++c->next_name);
	const char *text = fl_dialect_finish(&fl_dialect_postgresql, a, sql);
	PGresult *res = pq.PQprepare(c->pg, st->name, text, 0, NULL);
	fl_arena_reset(a);
	if (!res || pq.PQresultStatus(res) != PGRES_COMMAND_OK) {
		st->conn = NULL;    /* nothing to deallocate */
		pg_finalize(st);
		return fail(db, c->pg, res);
	}
	pq.PQclear(res);
	st->desc = pq.PQdescribePrepared(c->pg, st->name);
	if (!st->desc || pq.PQresultStatus(st->desc) != PGRES_COMMAND_OK) {
		res = st->desc;
		st->desc = NULL;
		pg_finalize(st);
		return fail(db, c->pg, res);
	}
	st->nparams = pq.PQnparams(st->desc);
	*out = st;
	return FL_OK;
}

static void pg_reset(fl_driver_stmt *st)
{
	pq.PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	fl_arena_reset(st->scratch);
}

static fl_err bad_param(fl_db *db, fl_err err, size_t i, const char *why)
{
	return fl_db_set_error(db, err, NULL, NULL, "parameter %zu: %s", i + 1, why);
}

/* Parameter i of `params` into values/lengths/formats: text, except bytes. */
static fl_err bind_one(fl_db *db, fl_driver_stmt *st, size_t i, json_t *v,
	const char **value, int *length, int *format)
{
	json_t *blob;
	*length = 0;
	*format = 0;
	switch (json_typeof(v)) {
	case JSON_INTEGER:
		*value = fl_arena_printf(st->scratch, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return FL_OK;
	case JSON_REAL:
		*value = fl_format_float(st->scratch, json_real_value(v));
		return FL_OK;
	case JSON_TRUE: *value = "1"; return FL_OK;    /* integer and boolean both read 1/0 */
	case JSON_FALSE: *value = "0"; return FL_OK;
	case JSON_NULL: *value = NULL; return FL_OK;
	case JSON_STRING:
		if (memchr(json_string_value(v), '\0', json_string_length(v)))
			return bad_param(db, FL_ENUL, i, "PostgreSQL text cannot hold a NUL byte");
		*value = json_string_value(v);
		return FL_OK;
	case JSON_OBJECT:
		if ((blob = fl_db_param_blob(v))) {
			if (json_string_length(blob) > INT32_MAX)
				return bad_param(db, FL_ETOOLARGE, i, "more than 2 GiB of bytes");
			*value = json_string_value(blob);
			*length = (int)json_string_length(blob);
			*format = 1;
			return FL_OK;
		}
		/* fall through */
	default:
		return bad_param(db, FL_EINVAL, i, "arrays and objects cannot be bound");
	}
}

static fl_err pg_execute(fl_db *db, fl_driver_stmt *st, json_t *params)
{
	size_t n = params ? json_array_size(params) : 0;
	pg_reset(st);
	if (params && !json_is_array(params))
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL, "parameters must be a JSON array");
	if (n != (size_t)st->nparams)
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL,
			"%zu parameters given, statement has %d", n, st->nparams);
	const char **values = fl_arena_calloc(st->scratch, n + 1, sizeof *values);
	int *lengths = fl_arena_calloc(st->scratch, n + 1, sizeof *lengths);
	int *formats = fl_arena_calloc(st->scratch, n + 1, sizeof *formats);
	for (size_t i = 0; i < n; i++) {
		fl_err err = bind_one(db, st, i, json_array_get(params, i), &values[i], &lengths[i],
			&formats[i]);
		if (err)
			return err;
	}
	PGresult *res = pq.PQexecPrepared(st->conn->pg, st->name, (int)n, values, lengths, formats, 0);
	ExecStatusType s = res ? pq.PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		return fail(db, st->conn->pg, res);
	st->res = res;
	return FL_OK;
}

static fl_step pg_step(fl_db *db, fl_driver_stmt *st)
{
	(void)db;
	if (!st->res || st->row + 1 >= pq.PQntuples(st->res))
		return FL_STEP_DONE;
	st->row++;
	return FL_STEP_ROW;
}

static int pg_column_count(fl_driver_stmt *st)
{
	return pq.PQnfields(st->desc);
}

static const char *pg_column_name(fl_driver_stmt *st, int i)
{
	return pq.PQfname(st->desc, i);
}

static json_t *bytea_value(fl_db *db, const char *text)
{
	size_t n = 0;
	unsigned char *bytes = pq.PQunescapeBytea((const unsigned char *)text, &n);
	if (!bytes) {
		fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
		return NULL;
	}
	json_t *v = json_stringn_nocheck((const char *)bytes, n);
	pq.PQfreemem(bytes);
	return v;
}

/* A timestamp or time as DateTime/Time values are written (fl_utcnow) and
 * MySQL's DATETIME(6) gives them back: always six digits of microseconds
 * (PostgreSQL drops trailing zeros: "12:00:00.12" is "12:00:00.120000",
 * "12:00:00" is "12:00:00.000000"), so values compare and sort alike on
 * every database.  Any other text (infinity, BC dates) as given. */
static json_t *time_value(const char *text, size_t n)
{
	const char *dot = memchr(text, '.', n);
	size_t digits = dot ? n - (size_t)(dot - text) - 1 : 0;
	char buf[64];
	if (n + 8 > sizeof buf || digits > 6 || (n && (text[n - 1] < '0' || text[n - 1] > '9')))
		return json_stringn(text, n);
	memcpy(buf, text, n);
	if (!dot)
		buf[n++] = '.';
	memset(buf + n, '0', 6 - digits);
	return json_stringn(buf, n + 6 - digits);
}

static json_t *pg_column_value(fl_db *db, fl_driver_stmt *st, int i)
{
	PGresult *res = st->res;
	if (!res || st->row < 0 || pq.PQgetisnull(res, st->row, i))
		return json_null();
	const char *text = pq.PQgetvalue(res, st->row, i);
	switch (pq.PQftype(res, i)) {
	case OID_INT2: case OID_INT4: case OID_INT8: case OID_OID:
		return json_integer(strtoll(text, NULL, 10));
	case OID_FLOAT4: case OID_FLOAT8: {
		double d = strtod(text, NULL);     /* "Infinity", "NaN": JSON has neither */
		return isfinite(d) ? json_real(d) : json_null();
	}
	case OID_BOOL:
		return json_integer(text[0] == 't');
	case OID_BYTEA:
		return bytea_value(db, text);
	case OID_TIME: case OID_TIMESTAMP:
		return time_value(text, (size_t)pq.PQgetlength(res, st->row, i));
	default:    /* text, varchar, numeric (exact), dates and times, json...: as written */
		return fl_driver_text_cell(db, &fl_driver_postgresql, st, i, NULL, text,
			(size_t)pq.PQgetlength(res, st->row, i));
	}
}

static int pg_changes(fl_driver_stmt *st)
{
	return st->res ? atoi(pq.PQcmdTuples(st->res)) : 0;
}

/* The id an `INSERT ... RETURNING "id"` gave back: the first column of its
 * last row (SQLite's last_insert_rowid is the last row's too). */
static int64_t pg_last_insert_id(fl_driver_stmt *st)
{
	PGresult *res = st->res;
	if (!res || strncmp(pq.PQcmdStatus(res), "INSERT", 6) != 0 || pq.PQntuples(res) < 1 ||
	    pq.PQnfields(res) < 1)
		return 0;
	Oid t = pq.PQftype(res, 0);
	if (t != OID_INT2 && t != OID_INT4 && t != OID_INT8)
		return 0;
	return strtoll(pq.PQgetvalue(res, pq.PQntuples(res) - 1, 0), NULL, 10);
}

/* Must run before the statement's connection is closed. */
static void pg_finalize(fl_driver_stmt *st)
{
	if (!st)
		return;
	pq.PQclear(st->res);
	if (st->desc && st->conn && pq.PQstatus(st->conn->pg) == CONNECTION_OK) {
		char sql[48];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
		pq.PQclear(pq.PQexec(st->conn->pg, sql));
	}
	pq.PQclear(st->desc);
	fl_arena_free(st->scratch);
	free(st);
}

const fl_driver fl_driver_postgresql = {
	.name = "postgresql",
	.dialect = &fl_dialect_postgresql,
	.open = pg_open,
	.close = pg_close,
	.ping = pg_ping,
	.prepare = pg_prepare,
	.execute = pg_execute,
	.step = pg_step,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.column_value = pg_column_value,
	.changes = pg_changes,
	.last_insert_id = pg_last_insert_id,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.exec = pg_exec,
	.in_transaction = pg_in_transaction,
	.begin_sql = "BEGIN",
	.transactional_ddl = true,
};
