/* driver_mysql.c — MySQL/MariaDB through MariaDB Connector/C (libmariadb):
 * fl_driver_mysql.  See driver_internal.h for the contract.
 *
 * The session is set up so the builder's SQL runs unchanged and behaves as
 * on SQLite and PostgreSQL: utf8mb4, sql_mode ANSI_QUOTES ("ident"),
 * STRICT_ALL_TABLES (a bad value is an error, not a warning and a
 * truncated row), NO_AUTO_VALUE_ON_ZERO (an explicit id 0 is stored as 0)
 * and NO_BACKSLASH_ESCAPES (a backslash is an ordinary character in string
 * literals and LIKE patterns, as in standard SQL); CLIENT_FOUND_ROWS, so
 * an UPDATE counts the rows it matched, as SQLite and PostgreSQL do; no
 * automatic reconnect (db.c reconnects between transactions).
 *
 * Statements are server-side prepared statements (mysql_stmt_*).  A result
 * is buffered client-side (mysql_stmt_store_result) so the connection is
 * free again before the rows are read, and every column is fetched into a
 * buffer of its own kind: integers as BIGINT (unsigned ones past INT64_MAX
 * as decimal text), FLOAT/DOUBLE as double, DECIMAL as its exact text,
 * binary strings and BLOBs (charset 63) as bytes, other text checked to be
 * UTF-8, dates and times as text ("2024-05-01 12:30:00").
 */
#include "data/driver_internal.h"
#include "data/dialect.h"
#include "base/utf8.h"

#include <ctype.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BINARY_CHARSET 63   /* my_charset_bin: BLOB, BINARY, VARBINARY */

/* The functions of MariaDB Connector/C this driver calls, through `my`:
 * loaded by the first my_open (driver_internal.h: fl_driver_library), so
 * a process that never connects to MySQL does not map libmariadb. */
#define MYSQL_API(X) \
	X(mysql_init) \
	X(mysql_optionsv) \
	X(mysql_real_connect) \
	X(mysql_close) \
	X(mysql_ping) \
	X(mysql_errno) \
	X(mysql_error) \
	X(mysql_real_query) \
	X(mysql_store_result) \
	X(mysql_next_result) \
	X(mysql_free_result) \
	X(mysql_num_fields) \
	X(mysql_fetch_fields) \
	X(mariadb_get_infov) \
	X(mysql_stmt_init) \
	X(mysql_stmt_prepare) \
	X(mysql_stmt_param_count) \
	X(mysql_stmt_result_metadata) \
	X(mysql_stmt_attr_set) \
	X(mysql_stmt_bind_param) \
	X(mysql_stmt_bind_result) \
	X(mysql_stmt_execute) \
	X(mysql_stmt_store_result) \
	X(mysql_stmt_fetch) \
	X(mysql_stmt_fetch_column) \
	X(mysql_stmt_affected_rows) \
	X(mysql_stmt_insert_id) \
	X(mysql_stmt_free_result) \
	X(mysql_stmt_close) \
	X(mysql_stmt_errno) \
	X(mysql_stmt_error)
FL_DRIVER_LIBRARY(my, MYSQL_API, "libmariadb.so.3", "libmariadb3", "MySQL/MariaDB");

struct fl_driver_conn {
	MYSQL *m;
};

/* One parameter's storage for a number (strings point into the JSON). */
union param_value {
	long long i;
	double d;
};

/* One result column: its field, kind and fetch buffer. */
struct result_col {
	MYSQL_FIELD *field;
	char *buf;
	unsigned long cap;      /* bytes at buf */
	unsigned long len;      /* the value's length after a fetch */
	my_bool is_null;
	my_bool error;          /* truncated */
};

struct fl_driver_stmt {
	fl_driver_conn *conn;
	MYSQL_STMT *st;
	char *table;            /* the table an INSERT/UPDATE/DELETE names, for errors */
	unsigned long nparams;
	MYSQL_BIND *pbind;
	union param_value *pval;
	unsigned long *plen;
	MYSQL_RES *meta;        /* NULL: no result columns */
	int ncols;
	MYSQL_BIND *rbind;
	struct result_col *col;
	bool has_result;        /* store_result done, not yet freed */
	int changes;
	int64_t insert_id;
};

/* ---- errors ---- */

/* Copy the name quoted ('x', `x` or "x") at `p` to `out`; returns the
 * character after the closing quote, or NULL (out "") when `p` holds none. */
static const char *read_quoted(const char *p, char *out, size_t cap)
{
	out[0] = '\0';
	if (!p || (*p != '\'' && *p != '`' && *p != '"'))
		return NULL;
	const char *end = strchr(p + 1, *p);
	if (!end)
		return NULL;
	size_t n = (size_t)(end - p - 1);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p + 1, n);
	out[n] = '\0';
	return end + 1;
}

/* The name quoted right after `after` in `msg` ("Table 'db.t' doesn't
 * exist", after "Table "); a qualified `db`.`t` gives its last part. */
static void quoted_after(const char *msg, const char *after, char *out, size_t cap)
{
	const char *p = strstr(msg, after);
	p = read_quoted(p ? p + strlen(after) : NULL, out, cap);
	while (p && *p == '.')
		p = read_quoted(p + 1, out, cap);
}

/* Drop a "db." (or "table.") qualifier in place. */
static void unqualify(char *name)
{
	char *dot = strrchr(name, '.');
	if (dot)
		memmove(name, dot + 1, strlen(dot + 1) + 1);
}

/* The column a unique key names: MySQL calls an inline UNIQUE key after its
 * (first) column, Flagon's unique index is ix_<table>_<column> (as
 * Flask-Migrate names it), a named constraint uq_<table>_<column>; MySQL
 * 8 writes "table.key".  PRIMARY names no column. */
static void key_column(char *key, const char *table)
{
	unqualify(key);
	if (!strcmp(key, "PRIMARY")) {
		key[0] = '\0';
		return;
	}
	size_t tn = table ? strlen(table) : 0;
	if ((!strncmp(key, "ix_", 3) || !strncmp(key, "uq_", 3)) && tn &&
	    !strncmp(key + 3, table, tn) && key[3 + tn] == '_')
		memmove(key, key + 4 + tn, strlen(key + 4 + tn) + 1);
}

/* Map the server's error `code` with message `msg` for a statement on
 * `table` (NULL: unknown) and record it. */
static fl_err map_error(fl_db *db, unsigned code, const char *msg, const char *table)
{
	char name[128], col[128] = "";
	fl_err err;
	switch (code) {
	case ER_DUP_ENTRY:
	case ER_DUP_ENTRY_WITH_KEY_NAME:
		quoted_after(msg, "for key ", col, sizeof col);
		key_column(col, table);
		return fl_db_set_error(db, FL_EEXISTS, table, col, "%s", msg);
	case ER_BAD_NULL_ERROR:                 /* Column 'x' cannot be null */
		quoted_after(msg, "Column ", col, sizeof col);
		return fl_db_set_error(db, FL_ECONSTRAINT, table, col, "%s", msg);
	case ER_NO_DEFAULT_FOR_FIELD:           /* Field 'x' doesn't have a default value */
		quoted_after(msg, "Field ", col, sizeof col);
		return fl_db_set_error(db, FL_ECONSTRAINT, table, col, "%s", msg);
	case ER_ROW_IS_REFERENCED_2:            /* (`db`.`child`, CONSTRAINT ... FOREIGN KEY (`c`) */
	case ER_NO_REFERENCED_ROW_2:
		quoted_after(msg, "fails (", name, sizeof name);
		quoted_after(msg, "FOREIGN KEY (", col, sizeof col);
		return fl_db_set_error(db, FL_ECONSTRAINT, name[0] ? name : table, col, "%s", msg);
	case ER_ROW_IS_REFERENCED:
	case ER_NO_REFERENCED_ROW:
	case 3819:                              /* MySQL: Check constraint '...' is violated */
	case 4025:                              /* MariaDB: CONSTRAINT `...` failed for ... */
		return fl_db_set_error(db, FL_ECONSTRAINT, table, NULL, "%s", msg);
	case ER_NO_SUCH_TABLE:                  /* Table 'db.t' doesn't exist */
		quoted_after(msg, "Table ", name, sizeof name);
		unqualify(name);
		return fl_db_set_error(db, FL_ENOTABLE, name, NULL, "%s", msg);
	case ER_LOCK_WAIT_TIMEOUT:
	case ER_LOCK_DEADLOCK:
		return fl_db_set_error(db, FL_EBUSY, table, NULL, "%s", msg);
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_SERVER_LOST_EXTENDED:
	case 1927:                              /* MariaDB ER_CONNECTION_KILLED */
	case 4031:                              /* MariaDB: disconnected for inactivity */
	case ER_SERVER_SHUTDOWN:
		err = FL_EDISCONNECTED;
		break;
	case CR_OUT_OF_MEMORY:
		err = FL_ENOMEM;
		break;
	default:
		err = FL_EDB;
	}
	return fl_db_set_error(db, err, table, NULL, "%s", msg);
}

static fl_err conn_error(fl_db *db, fl_driver_conn *c)
{
	return map_error(db, my.mysql_errno(c->m), my.mysql_error(c->m), NULL);
}

static fl_err stmt_error(fl_db *db, fl_driver_stmt *s)
{
	return map_error(db, my.mysql_stmt_errno(s->st), my.mysql_stmt_error(s->st), s->table);
}

/* The table a writing statement names ("INSERT INTO "t"", "UPDATE t",
 * "DELETE FROM "t""), malloc'd, or NULL: MySQL's duplicate-key and
 * not-null messages do not say it. */
static char *statement_table(const char *sql)
{
	static const char *const heads[] = { "INSERT INTO ", "UPDATE ", "DELETE FROM ", "REPLACE INTO " };
	while (isspace((unsigned char)*sql))
		sql++;
	for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
		size_t n = strlen(heads[i]);
		if (strncasecmp(sql, heads[i], n))
			continue;
		const char *p = sql + n;
		char q = (*p == '"' || *p == '`') ? *p++ : 0;
		size_t len = q ? strcspn(p, q == '"' ? "\"" : "`") : strcspn(p, " \t\n(");
		return strndup(p, len);
	}
	return NULL;
}

/* ---- connect ---- */

static fl_err my_open(fl_db *db, const fl_driver_options *opt, fl_driver_conn **out)
{
	const fl_db_uri *u = opt->uri;
	*out = NULL;
	fl_err loaded = fl_driver_library_load(db, &my_library);
	if (loaded)
		return loaded;
	fl_driver_conn *c = calloc(1, sizeof *c);
	if (!c || !(c->m = my.mysql_init(NULL))) {
		free(c);
		return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	}
	unsigned int timeout = opt->connect_timeout > 0 ? (unsigned int)opt->connect_timeout : 10;
	my_bool off = 0;
	const char *charset = u && fl_db_uri_get(u, "charset") ? fl_db_uri_get(u, "charset") : "utf8mb4";
	my.mysql_optionsv(c->m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	my.mysql_optionsv(c->m, MYSQL_OPT_RECONNECT, &off);
	my.mysql_optionsv(c->m, MYSQL_SET_CHARSET_NAME, charset);
	my.mysql_optionsv(c->m, MYSQL_INIT_COMMAND, "SET SESSION sql_mode = '" FL_MYSQL_SQL_MODE "'");
	const char *host = u ? u->host : NULL;
	const char *socket = u ? fl_db_uri_socket(u) : NULL;
	if (!host && !socket)
		host = "localhost";   /* the client library's default socket */
	if (!my.mysql_real_connect(c->m, host, u ? u->username : NULL, u ? u->password : NULL,
			u ? u->database : NULL, u ? (unsigned)u->port : 0, socket,
			CLIENT_FOUND_ROWS | CLIENT_MULTI_STATEMENTS)) {
		unsigned code = my.mysql_errno(c->m);
		fl_err err = code >= 2000 && code < 3000 ? FL_EIO : FL_EDB;
		fl_db_set_error(db, err, NULL, NULL, "cannot connect to mysql database %s at %s: %s",
			u && u->database ? u->database : "(default)", socket ? socket : host,
			my.mysql_error(c->m));
		my.mysql_close(c->m);
		free(c);
		return err;
	}
	*out = c;
	return FL_OK;
}

static void my_close(fl_driver_conn *c)
{
	if (!c)
		return;
	my.mysql_close(c->m);   /* the server rolls back what was left open */
	free(c);
}

static bool my_ping(fl_db *db, fl_driver_conn *c)
{
	if (!my.mysql_ping(c->m))
		return true;
	conn_error(db, c);
	return false;
}

/* ---- statements ---- */

static void free_result(fl_driver_stmt *s)
{
	if (s->has_result)
		my.mysql_stmt_free_result(s->st);
	s->has_result = false;
}

static void my_finalize(fl_driver_stmt *s)
{
	if (!s)
		return;
	free_result(s);
	if (s->meta)
		my.mysql_free_result(s->meta);
	for (int i = 0; i < s->ncols; i++)
		free(s->col[i].buf);
	my.mysql_stmt_close(s->st);
	free(s->col);
	free(s->rbind);
	free(s->pbind);
	free(s->pval);
	free(s->plen);
	free(s->table);
	free(s);
}

/* The buffer type a column is fetched as. */
static enum enum_field_types fetch_type(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONG: case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_YEAR:
		return MYSQL_TYPE_LONGLONG;
	case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE:
		return MYSQL_TYPE_DOUBLE;
	default:
		return MYSQL_TYPE_STRING;   /* text, bytes, DECIMAL, dates: as the server writes them */
	}
}

/* Bind every result column to a buffer of its own (strings grow on
 * demand in column_value). */
static fl_err bind_results(fl_db *db, fl_driver_stmt *s)
{
	s->ncols = (int)my.mysql_num_fields(s->meta);
	MYSQL_FIELD *fields = my.mysql_fetch_fields(s->meta);
	s->rbind = calloc((size_t)s->ncols + 1, sizeof *s->rbind);
	s->col = calloc((size_t)s->ncols + 1, sizeof *s->col);
	if (!s->rbind || !s->col)
		return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	for (int i = 0; i < s->ncols; i++) {
		struct result_col *c = &s->col[i];
		MYSQL_BIND *b = &s->rbind[i];
		c->field = &fields[i];
		b->buffer_type = fetch_type(c->field);
		c->cap = b->buffer_type == MYSQL_TYPE_STRING ? 64 : 8;
		if (!(c->buf = malloc(c->cap)))
			return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
		b->buffer = c->buf;
		b->buffer_length = c->cap;
		b->length = &c->len;
		b->is_null = &c->is_null;
		b->error = &c->error;
		b->is_unsigned = (c->field->flags & UNSIGNED_FLAG) != 0;
	}
	if (my.mysql_stmt_bind_result(s->st, s->rbind))
		return stmt_error(db, s);
	return FL_OK;
}

/* `sql` holds one statement: nothing but space and ';' after its first
 * ';' outside quotes and comments.  Sets *len to the length to prepare. */
static bool one_statement(const char *sql, unsigned long *len)
{
	const char *semi = fl_sql_find_outside_quotes(sql, ";");
	*len = semi ? (unsigned long)(semi - sql) : (unsigned long)strlen(sql);
	if (!semi)
		return true;
	for (const char *p = semi; *p; p++)
		if (*p != ';' && !isspace((unsigned char)*p))
			return false;
	return true;
}

static fl_err my_prepare(fl_db *db, fl_driver_conn *c, const char *sql, fl_driver_stmt **out)
{
	unsigned long len;
	*out = NULL;
	if (!one_statement(sql, &len))
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL,
			"exactly one SQL statement expected: %.200s", sql);
	fl_driver_stmt *s = calloc(1, sizeof *s);
	if (!s || !(s->st = my.mysql_stmt_init(c->m))) {
		free(s);
		return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	}
	s->conn = c;
	s->table = statement_table(sql);
	fl_err err = FL_OK;
	if (my.mysql_stmt_prepare(s->st, sql, len)) {
		err = stmt_error(db, s);
		my_finalize(s);
		return err;
	}
	s->nparams = my.mysql_stmt_param_count(s->st);
	s->pbind = calloc(s->nparams + 1, sizeof *s->pbind);
	s->pval = calloc(s->nparams + 1, sizeof *s->pval);
	s->plen = calloc(s->nparams + 1, sizeof *s->plen);
	if (!s->pbind || !s->pval || !s->plen)
		err = fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	else if ((s->meta = my.mysql_stmt_result_metadata(s->st)))
		err = bind_results(db, s);
	if (err) {
		my_finalize(s);
		return err;
	}
	my_bool on = 1;
	my.mysql_stmt_attr_set(s->st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	*out = s;
	return FL_OK;
}

static fl_err bind_param(fl_db *db, fl_driver_stmt *s, unsigned long i, json_t *v)
{
	MYSQL_BIND *b = &s->pbind[i];
	union param_value *pv = &s->pval[i];
	json_t *blob;
	memset(b, 0, sizeof *b);
	switch (json_typeof(v)) {
	case JSON_INTEGER:
		pv->i = json_integer_value(v);
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = &pv->i;
		return FL_OK;
	case JSON_TRUE:
	case JSON_FALSE:
		pv->i = json_is_true(v);
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = &pv->i;
		return FL_OK;
	case JSON_REAL:
		pv->d = json_real_value(v);
		b->buffer_type = MYSQL_TYPE_DOUBLE;
		b->buffer = &pv->d;
		return FL_OK;
	case JSON_NULL:
		b->buffer_type = MYSQL_TYPE_NULL;
		return FL_OK;
	case JSON_STRING:
		b->buffer_type = MYSQL_TYPE_STRING;
		b->buffer = (void *)json_string_value(v);
		s->plen[i] = (unsigned long)json_string_length(v);
		b->length = &s->plen[i];
		return FL_OK;
	case JSON_OBJECT:
		if ((blob = fl_db_param_blob(v))) {
			b->buffer_type = MYSQL_TYPE_BLOB;
			b->buffer = (void *)json_string_value(blob);
			s->plen[i] = (unsigned long)json_string_length(blob);
			b->length = &s->plen[i];
			return FL_OK;
		}
		/* fall through */
	default:
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL,
			"parameter %lu: arrays and objects cannot be bound", i + 1);
	}
}

/* Grow the text buffers to the longest value of the stored result
 * (STMT_ATTR_UPDATE_MAX_LENGTH), so no row needs a second fetch. */
static fl_err fit_buffers(fl_db *db, fl_driver_stmt *s)
{
	bool rebind = false;
	for (int i = 0; i < s->ncols; i++) {
		struct result_col *c = &s->col[i];
		unsigned long want = c->field->max_length + 1;
		if (s->rbind[i].buffer_type != MYSQL_TYPE_STRING || want <= c->cap)
			continue;
		char *buf = realloc(c->buf, want);
		if (!buf)
			return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
		c->buf = s->rbind[i].buffer = buf;
		c->cap = s->rbind[i].buffer_length = want;
		rebind = true;
	}
	if (rebind && my.mysql_stmt_bind_result(s->st, s->rbind))
		return stmt_error(db, s);
	return FL_OK;
}

static fl_err my_execute(fl_db *db, fl_driver_stmt *s, json_t *params)
{
	size_t n = params ? json_array_size(params) : 0;
	if (params && !json_is_array(params))
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL, "parameters must be a JSON array");
	if (n != s->nparams)
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL,
			"%zu parameters given, statement has %lu", n, s->nparams);
	free_result(s);
	for (size_t i = 0; i < n; i++) {
		fl_err err = bind_param(db, s, i, json_array_get(params, i));
		if (err)
			return err;
	}
	if ((n && my.mysql_stmt_bind_param(s->st, s->pbind)) || my.mysql_stmt_execute(s->st))
		return stmt_error(db, s);
	if (s->meta) {
		if (my.mysql_stmt_store_result(s->st))
			return stmt_error(db, s);
		s->has_result = true;
		fl_err err = fit_buffers(db, s);
		if (err)
			return err;
	}
	my_ulonglong rows = my.mysql_stmt_affected_rows(s->st);
	s->changes = rows == (my_ulonglong)-1 ? 0 : (int)rows;
	s->insert_id = (int64_t)my.mysql_stmt_insert_id(s->st);
	return FL_OK;
}

static fl_step my_step(fl_db *db, fl_driver_stmt *s)
{
	if (!s->has_result)
		return FL_STEP_DONE;
	int rc = my.mysql_stmt_fetch(s->st);
	if (rc == 0 || rc == MYSQL_DATA_TRUNCATED)
		return FL_STEP_ROW;   /* a long value is fetched whole by column_value */
	if (rc == MYSQL_NO_DATA)
		return FL_STEP_DONE;
	stmt_error(db, s);
	return FL_STEP_ERROR;
}

static int my_column_count(fl_driver_stmt *s)
{
	return s->ncols;
}

static const char *my_column_name(fl_driver_stmt *s, int i)
{
	return i >= 0 && i < s->ncols ? s->col[i].field->name : NULL;
}

/* Whether a column holds bytes: a string or BLOB type of the binary
 * charset (DECIMAL and dates are "binary" too, but text). */
static bool is_bytes(const MYSQL_FIELD *f)
{
	if (f->charsetnr != BINARY_CHARSET)
		return false;
	switch (f->type) {
	case MYSQL_TYPE_STRING: case MYSQL_TYPE_VAR_STRING: case MYSQL_TYPE_VARCHAR:
	case MYSQL_TYPE_TINY_BLOB: case MYSQL_TYPE_BLOB: case MYSQL_TYPE_MEDIUM_BLOB:
	case MYSQL_TYPE_LONG_BLOB: case MYSQL_TYPE_BIT: case MYSQL_TYPE_GEOMETRY:
		return true;
	default:
		return false;
	}
}

/* Fetch the whole of a value longer than its buffer, growing the buffer
 * (and rebinding it, so later rows use it too). */
static fl_err fetch_long(fl_db *db, fl_driver_stmt *s, int i)
{
	struct result_col *c = &s->col[i];
	unsigned long cap = c->len + 1;
	char *buf = realloc(c->buf, cap);
	if (!buf)
		return fl_db_set_error(db, FL_ENOMEM, NULL, NULL, "out of memory");
	c->buf = buf;
	c->cap = cap;
	MYSQL_BIND *b = &s->rbind[i];
	b->buffer = buf;
	b->buffer_length = cap;
	if (my.mysql_stmt_fetch_column(s->st, b, (unsigned)i, 0) ||
	    my.mysql_stmt_bind_result(s->st, s->rbind))
		return stmt_error(db, s);
	return FL_OK;
}

static json_t *my_column_value(fl_db *db, fl_driver_stmt *s, int i)
{
	struct result_col *c = &s->col[i];
	const MYSQL_FIELD *f = c->field;
	if (c->is_null)
		return json_null();
	switch (s->rbind[i].buffer_type) {
	case MYSQL_TYPE_LONGLONG: {
		long long v;
		memcpy(&v, c->buf, sizeof v);
		if ((f->flags & UNSIGNED_FLAG) && v < 0) {   /* past INT64_MAX: exact text */
			char t[24];
			snprintf(t, sizeof t, "%llu", (unsigned long long)v);
			return json_string(t);
		}
		return json_integer(v);
	}
	case MYSQL_TYPE_DOUBLE: {
		double d;
		memcpy(&d, c->buf, sizeof d);
		return json_real(d);
	}
	default:
		break;
	}
	if (c->len > c->cap && fetch_long(db, s, i))
		return NULL;
	if (is_bytes(f))
		return json_stringn_nocheck(c->buf, c->len);   /* bytes, exactly */
	return fl_driver_text_cell(db, &fl_driver_mysql, s, i, s->table, c->buf, c->len);
}

static int my_changes(fl_driver_stmt *s)
{
	return s->changes;
}

static int64_t my_last_insert_id(fl_driver_stmt *s)
{
	return s->insert_id;
}

/* No mysql_stmt_reset: it costs a round trip, and a statement whose
 * result is stored and freed executes again as it is. */
static void my_reset(fl_driver_stmt *s)
{
	free_result(s);
}

/* ---- scripts and transactions ---- */

static fl_err my_exec(fl_db *db, fl_driver_conn *c, const char *sql)
{
	if (my.mysql_real_query(c->m, sql, (unsigned long)strlen(sql)))
		return conn_error(db, c);
	for (;;) {
		MYSQL_RES *r = my.mysql_store_result(c->m);
		if (r)
			my.mysql_free_result(r);
		else if (my.mysql_errno(c->m))
			return conn_error(db, c);
		int rc = my.mysql_next_result(c->m);
		if (rc < 0)
			return FL_OK;
		if (rc > 0)
			return conn_error(db, c);   /* the failed statement; later ones did not run */
	}
}

static bool my_in_transaction(fl_driver_conn *c)
{
	unsigned int status = 0;
	if (my.mariadb_get_infov(c->m, MARIADB_CONNECTION_SERVER_STATUS, &status))
		return false;
	return (status & SERVER_STATUS_IN_TRANS) != 0;
}

const fl_driver fl_driver_mysql = {
	.name = "mysql",
	.dialect = &fl_dialect_mysql,
	.open = my_open,
	.close = my_close,
	.ping = my_ping,
	.prepare = my_prepare,
	.execute = my_execute,
	.step = my_step,
	.column_count = my_column_count,
	.column_name = my_column_name,
	.column_value = my_column_value,
	.changes = my_changes,
	.last_insert_id = my_last_insert_id,
	.reset = my_reset,
	.finalize = my_finalize,
	.exec = my_exec,
	.in_transaction = my_in_transaction,
	.begin_sql = "START TRANSACTION",
	.transactional_ddl = false,
};
