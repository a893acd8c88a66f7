/* db.h — the database connection (Flask-SQLAlchemy's `db` and its session).
 *
 * One connection per process, opened at start-up and kept for every
 * request: SQLite (the embedded default: WAL journal, a 5 s busy timeout,
 * foreign keys on, synchronous NORMAL), or a MySQL/MariaDB or PostgreSQL
 * server chosen by DATABASE_URI (fl_db_connect), each through its driver
 * (driver_internal.h) under this one API.  Statements are prepared once and cached by their SQL text, so a
 * request that runs the same query shape again skips the SQL compiler.
 *
 * Every value reaches SQL as a bound parameter taken from a jansson array;
 * the SQL text itself is only ever built from C model declarations.
 *
 * Transactions follow SQLAlchemy's session: the first write begins one
 * (BEGIN IMMEDIATE, so a writer waits for the lock up front instead of
 * failing half-way), fl_db_commit() ends it.  If a write fails inside a
 * transaction the whole transaction is poisoned: further writes are refused
 * and fl_db_commit() rolls everything back (SQLAlchemy's "this session's
 * transaction has been rolled back due to a previous exception"), so a
 * request never commits half of its work.
 *
 * Rows are JSON objects: column name → value, INTEGER → integer, REAL →
 * real, TEXT → string (it must be UTF-8: FL_EUTF8 otherwise), NULL → null,
 * BLOB → a string of exactly the stored bytes, whatever they are (made with
 * json_stringn_nocheck: NULs and invalid UTF-8 included, its length is
 * json_string_length; json_dumps refuses one that is not UTF-8).
 * Result values are allocated from jansson's current arena
 * (fl_json_set_arena), so they die with the request.
 */
#ifndef FL_DB_H
#define FL_DB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

/* A database connection (opaque; one per process). */
typedef struct fl_db fl_db;

/* Prepared statements kept per connection; the least recently used one is
 * finalized when the cache is full. */
#define FL_DB_STMT_CACHE_SIZE 64

/* Busy timeout applied to every connection, in milliseconds. */
#define FL_DB_BUSY_TIMEOUT_MS 5000

/* fl_db_open — open (creating if needed) the SQLite database at `path`
 * (":memory:" for a private in-memory one) and apply the pragmas above.
 * The directory must exist: a missing one gives FL_EIO and a message that
 * names it.  Like sqlite3_open(), *out is set even on failure (except
 * FL_ENOMEM) so fl_db_errmsg() can say why; always fl_db_close() it.
 * The connection is heap memory owned by the caller.
 * A MySQL/MariaDB or PostgreSQL DATABASE_URI (what fl_config's
 * database_path holds, password masked, for such a URI) is refused with
 * FL_ECONFIG and "DATABASE_URI names a mysql database: fl_db_open takes a
 * SQLite file (open the configured database with fl_db_connect)".
 * Errors: FL_EIO (cannot open), FL_ECONFIG, FL_EDB, FL_EBUSY, FL_ENOMEM. */
fl_err fl_db_open(const char *path, fl_db **out);

/* Seconds a server connection may sit unused before its next transaction
 * pings it first (SQLAlchemy's pool_pre_ping, after idle only): a server
 * that went away meanwhile (MySQL's wait_timeout, a PostgreSQL restart)
 * is reconnected before the request's first statement. */
#define FL_DB_PING_IDLE 10

/* fl_db_connect — open the database `cfg` configures (DATABASE_URI,
 * cfg->db_uri) through its driver: SQLite (cfg->database_path, as
 * fl_db_open), MySQL/MariaDB or PostgreSQL (host, port, user, password,
 * database and query options of the URI; SQLALCHEMY_POOL_TIMEOUT as the
 * connect timeout).  One connection per process, as SQLAlchemy's pool
 * with one connection: between transactions (never inside one) a server
 * connection older than SQLALCHEMY_POOL_RECYCLE seconds is reopened, one
 * idle FL_DB_PING_IDLE seconds is pinged first and reopened if it does not
 * answer, and one the server dropped (FL_EDISCONNECTED) is reopened before
 * the next statement — a read or BEGIN that found it gone is run once more
 * on the new connection, so the caller never notices.  Inside a
 * transaction a lost connection poisons it (the server rolled it back):
 * the request ends with FL_EDISCONNECTED (web/db.c: 503) and no
 * half-written row.  Reopening drops the statement cache.  SQLite is never
 * recycled or pinged (a file does not go away).  *out as fl_db_open.
 * Errors: FL_ECONFIG (a database this build has no driver for: "DATABASE_URI
 * names a mysql database: this build has no mysql driver"), FL_EIO (cannot
 * reach or open), FL_EDB, FL_ENOMEM.  Messages never hold the password. */
struct fl_config;
fl_err fl_db_connect(const struct fl_config *cfg, fl_db **out);

/* fl_db_close — roll back any open transaction, finalize the cached
 * statements and close the connection.  NULL is ignored. */
void fl_db_close(fl_db *db);

/* fl_db_errmsg — one line describing the last error (SQLite's message or
 * ours), "" when none.  Owned by `db`, valid until the next call. */
const char *fl_db_errmsg(const fl_db *db);

/* fl_db_error_table — the table named by the last error: the missing table
 * after FL_ENOTABLE ("no such table: student" → "student"), the table of a
 * violated constraint after FL_EEXISTS/FL_ECONSTRAINT, or "" if none.
 * Owned by `db`. */
const char *fl_db_error_table(const fl_db *db);

/* fl_db_error_column — the column named by the last error: the column of a
 * violated UNIQUE/NOT NULL constraint (first one of a composite), the column
 * that failed model validation after FL_EINVAL, or "".  Owned by `db`. */
const char *fl_db_error_column(const fl_db *db);

/* fl_db_set_error — record `err` with a printf-style message (and an
 * optional table/column, NULL for none) as the last error; returns `err`.
 * For the model and query layers, which report their own mistakes the same
 * way SQLite's are reported. */
fl_err fl_db_set_error(fl_db *db, fl_err err, const char *table, const char *column,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* fl_db_query — run one statement `sql` (a SELECT, or anything returning
 * rows) with the values of the JSON array `params` bound to its `?`
 * placeholders in order (NULL: none) and return every row as a new JSON
 * array of objects in *rows_out, allocated from jansson's current arena.
 * Reads do not begin a transaction.  `sql` must hold exactly one statement.
 * Bound types: integer → INTEGER, real → REAL, string → TEXT, true/false →
 * 1/0, null → NULL, a fl_db_blob parameter → BLOB; other arrays and
 * objects give FL_EINVAL.
 * Errors: FL_EINVAL, FL_ENOTABLE, FL_EBUSY, FL_EUTF8 (a TEXT value that is
 * not UTF-8), FL_EDB. */
fl_err fl_db_query(fl_db *db, const char *sql, json_t *params, json_t **rows_out);

/* Distinct column lists a connection keeps a compact-row shape for
 * (base/row.h); past them fl_db_query_compact returns plain rows. */
#define FL_DB_ROW_SHAPES 64

/* fl_db_query_compact — fl_db_query, but every row is a compact row
 * (base/row.h: cells in column order behind a shape the connection keeps
 * per distinct column list), built without a hash operation per cell.
 * Read them with fl_row_get (json_object_get does not see the columns),
 * print them with the template engine or base/jsondump.h, convert one
 * with fl_row_object where a plain object is needed.  Past
 * FL_DB_ROW_SHAPES distinct column lists the rows are plain objects
 * (fl_row_get reads both).  Errors: as fl_db_query. */
fl_err fl_db_query_compact(fl_db *db, const char *sql, json_t *params, json_t **rows_out);

/* fl_db_blob — a parameter that binds the bytes of the JSON string `bytes`
 * (any bytes; its json_string_length counts) as a BLOB, where a plain
 * string would bind TEXT: how LargeBinary values are written and compared
 * (fl_column_param in model.h makes them).  A new reference to a small
 * wrapper object that holds its own reference to `bytes`; NULL when
 * `bytes` is not a string.  Only fl_db_query/fl_db_execute understand it
 * (json_dumps cannot print it: use fl_db_param_blob). */
json_t *fl_db_blob(json_t *bytes);

/* fl_db_param_blob — the bytes (a JSON string, borrowed) inside the
 * fl_db_blob parameter `param`, or NULL when `param` is not one (for code
 * that prints bound values, e.g. SQLALCHEMY_ECHO). */
json_t *fl_db_param_blob(json_t *param);

/* fl_db_execute — run one writing statement (INSERT, UPDATE, DELETE, DDL)
 * with bound `params` (as fl_db_query), beginning a transaction first if
 * none is open — the caller must fl_db_commit().  On success *last_id (if
 * not NULL) is sqlite3_last_insert_rowid() and *changes (if not NULL) the
 * number of rows changed.  A failure poisons the open transaction (see the
 * top of this file).
 * Errors: FL_EEXISTS (UNIQUE/PRIMARY KEY), FL_ECONSTRAINT (NOT NULL,
 * FOREIGN KEY, CHECK), FL_ENOTABLE, FL_EBUSY, FL_EINVAL, FL_EDB. */
fl_err fl_db_execute(fl_db *db, const char *sql, json_t *params, int64_t *last_id, int *changes);

/* fl_db_aside — run one statement `sql` (with `params` as fl_db_query)
 * for the framework's own tables beside the models' — the database cache
 * (cache/cache.h) and session store (session/session.h) — on the
 * application's connection, as SQLAlchemy's engine.execute() runs beside
 * its session: prepared and cached like every statement, but it never
 * begins a transaction (outside one it commits by itself), is not counted
 * in fl_db_statement_count and is neither echoed nor traced.  Inside an
 * open transaction it joins it (committed or rolled back with the
 * request's work; refused with the poisoning error when the transaction is
 * poisoned); a failure there poisons the transaction on MySQL and
 * PostgreSQL (their servers may have ended it: PostgreSQL aborts a
 * transaction on any error), not on SQLite.  Outside a transaction a
 * server connection is kept alive and reconnected as for fl_db_query.
 * Rows, if `rows_out` is not NULL, as fl_db_query gives them; *changes
 * (may be NULL) the rows a write changed (MySQL: the rows it matched).
 * Errors: those of fl_db_query and fl_db_execute. */
fl_err fl_db_aside(fl_db *db, const char *sql, json_t *params, json_t **rows_out, int *changes);

/* fl_db_exec_script — run `sql`, any number of statements without
 * parameters (DDL, migration scripts), outside the statement cache.  It
 * does not begin a transaction by itself.  Inside a transaction,
 * BEGIN/COMMIT/END/ROLLBACK statements are refused (FL_EINVAL) so a script
 * cannot end the transaction it runs in.
 * Errors: as fl_db_execute. */
fl_err fl_db_exec_script(fl_db *db, const char *sql);

/* fl_db_begin — BEGIN IMMEDIATE unless a transaction is already open
 * (then a no-op).  Errors: FL_EBUSY when another process holds the write
 * lock past the busy timeout, FL_EDB. */
fl_err fl_db_begin(fl_db *db);

/* fl_db_commit — COMMIT the open transaction (no-op without one).  If a
 * write failed inside it, or COMMIT itself fails, everything is rolled back
 * and the error is returned: a commit is all or nothing.
 * Errors: the poisoning error, FL_EBUSY, FL_EDB. */
fl_err fl_db_commit(fl_db *db);

/* fl_db_rollback — ROLLBACK the open transaction, if any, and clear the
 * poisoned state.  Errors: FL_EDB (the connection is then unusable). */
fl_err fl_db_rollback(fl_db *db);

/* fl_db_in_transaction — true while a transaction is open. */
bool fl_db_in_transaction(const fl_db *db);

/* fl_db_statement_count — how many statements fl_db_query, fl_db_execute
 * and fl_db_exec_script have run on this connection (transaction control
 * — BEGIN, COMMIT, ROLLBACK — is not counted).  Tests compare it before and
 * after a page to prove relationship loading is not N+1. */
uint64_t fl_db_statement_count(const fl_db *db);

/* fl_db_models — the NULL-terminated model list given to fl_db_set_models
 * (query.h), or NULL when none was registered. */
struct fl_model;
const struct fl_model *const *fl_db_models(const fl_db *db);

/* ---- dialect and echo (issue 17) ---- */

/* fl_db_dialect — how SQL is spelled for this connection's database
 * (data/dialect.h): its driver's (&fl_dialect_sqlite for SQLite).  The
 * query layer reaches the dialect only through here.  Static, never NULL. */
struct fl_dialect;
const struct fl_dialect *fl_db_dialect(const fl_db *db);

/* fl_db_set_echo — SQLALCHEMY_ECHO / create_engine(echo=True): when `on`,
 * every statement fl_db_query, fl_db_execute and fl_db_exec_script runs is
 * logged at INFO (base/log.h), one line each on stderr:
 *   sql: <SQL> params: <bound values as compact JSON> (<time> ms)
 * (a script logs each of its statements with "params: []"; parameters
 * longer than 1 KiB as JSON are shown as "[... N bytes]").  Off by default; off costs one test per
 * statement.  Transaction control (BEGIN, COMMIT, ROLLBACK) is not logged. */
void fl_db_set_echo(fl_db *db, bool on);

/* ---- the statement trace (issue 18: the debug toolbar's SQL panel) ---- */

/* One statement as the trace function sees it (fl_db_set_trace).  Every
 * pointer is valid only during the call: copy what is kept. */
typedef struct fl_db_trace_record {
	const char *sql;            /* the statement's text, leading whitespace skipped */
	/* its bound values as SQLALCHEMY_ECHO prints them (compact JSON,
	 * "[]" for none, a summary when bytes are among them or the text
	 * passes 1 KiB), NUL-terminated */
	const char *params;
	size_t params_len;          /* strlen(params) */
	long long usec;             /* how long it ran, in microseconds (monotonic clock) */
	/* rows returned (fl_db_query) or changed (fl_db_execute); -1 for a
	 * script's statement or a failed one */
	long long rows;
	fl_err err;                 /* FL_OK, or how it failed (fl_db_errmsg says why) */
} fl_db_trace_record;

/* A trace function: called once after each statement with `ud` as given
 * to fl_db_set_trace. */
typedef void (*fl_db_trace_fn)(void *ud, const fl_db_trace_record *rec);

/* fl_db_set_trace — call `fn(ud, record)` after every statement
 * fl_db_query, fl_db_execute and fl_db_exec_script run (transaction
 * control is not traced), as SQLAlchemy's after_cursor_execute event and
 * Flask-SQLAlchemy's get_recorded_queries() see them; the debug toolbar
 * (web/toolbar.h) records a request's statements this way.  `fn` NULL
 * turns the trace off (the default): nothing is measured then, as with
 * echo off.  Works beside SQLALCHEMY_ECHO (both see the same statement,
 * time and values).  `ud` is borrowed. */
void fl_db_set_trace(fl_db *db, fl_db_trace_fn fn, void *ud);

/* fl_db_table_names — the names of the tables the database holds (its
 * catalogue, through the dialect's tables_sql), sorted: a JSON array of
 * strings from jansson's current arena, in *names.  Errors as
 * fl_db_query. */
fl_err fl_db_table_names(fl_db *db, json_t **names);

#endif
