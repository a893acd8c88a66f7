/* driver_internal.h — what a database backend gives the connection layer (db.c):
 * SQLite (driver_sqlite.c), MySQL/MariaDB through MariaDB Connector/C
 * (driver_mysql.c) and PostgreSQL through libpq (driver_pg.c).  Internal
 * to lib/data: the public API stays db.h.
 *
 * db.c keeps everything that is the same for every database: the error
 * record and its messages, the transaction state and the poisoning rule,
 * echo and the statement trace, the statement count, and the LRU cache of
 * prepared statements keyed by the SQL text the builder wrote (with `?`
 * placeholders; a driver whose server wants `$1` rewrites at prepare time,
 * so the cache key and the echo stay the builder's text).  A driver only
 * talks to its server.
 *
 * Values: parameters are the JSON values db.h describes (integer, real,
 * true/false, null, string, fl_db_blob for bytes); a row is a JSON object
 * column name → value (integer, real, string, null; bytes as a string of
 * exactly the stored bytes made with json_stringn_nocheck; a server's
 * NUMERIC/DECIMAL as the exact decimal text; booleans as integers 0/1,
 * as SQLite gives them), allocated with jansson's current allocator.
 *
 * Errors: every function returning fl_err sets the error record through
 * fl_db_set_error (db.c) with the server's message, and maps the server's
 * code: unique violation → FL_EEXISTS (table and column when the message
 * names them), not-null/foreign-key/check → FL_ECONSTRAINT, no such table
 * → FL_ENOTABLE (table named), lock wait, deadlock, serialization failure
 * → FL_EBUSY (retryable), the connection lost → FL_EDISCONNECTED (a new
 * fl_err: web/db.c answers it 503), any
 * other → FL_EDB.
 */
#ifndef FL_DATA_DRIVER_INTERNAL_H
#define FL_DATA_DRIVER_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/db_uri.h"
#include "base/err.h"
#include "data/db.h"

/* A connection of one driver (the driver's own struct). */
typedef struct fl_driver_conn fl_driver_conn;

/* A prepared statement of one driver (the driver's own struct). */
typedef struct fl_driver_stmt fl_driver_stmt;

/* What fl_driver.step found. */
typedef enum fl_step {
	FL_STEP_ROW,        /* a row is ready: fl_driver.row reads it */
	FL_STEP_DONE,       /* no more rows (or the statement wrote) */
	FL_STEP_ERROR       /* failed: the error record is set */
} fl_step;

/* How a connection is opened: the parsed DATABASE_URI and the pool keys. */
typedef struct fl_driver_options {
	const fl_db_uri *uri;       /* dialect, host, port, user, password, database, options */
	const char *sqlite_path;    /* SQLite: the absolute file, or ":memory:" */
	long connect_timeout;       /* SQLALCHEMY_POOL_TIMEOUT, seconds */
} fl_driver_options;

/* One backend.  Every function gets the fl_db (for the error record) and
 * its own connection. */
typedef struct fl_driver {
	const char *name;               /* "sqlite", "mysql", "postgresql" */
	const struct fl_dialect *dialect;   /* how the builder spells SQL for it */

	/* Connect (SQLite: open the file, pragmas; the servers: connect with
	 * the timeout, utf8mb4 / UTF8, MySQL's sql_mode with ANSI_QUOTES).
	 * *out is set on success.  Errors: FL_EIO (cannot reach or open),
	 * FL_EDB, FL_ENOMEM. */
	fl_err (*open)(fl_db *db, const fl_driver_options *opt, fl_driver_conn **out);
	/* Close, rolling back an open transaction.  NULL is ignored. */
	void (*close)(fl_driver_conn *conn);
	/* Whether the connection still answers (a cheap round trip; SQLite:
	 * always true).  Called only between transactions. */
	bool (*ping)(fl_db *db, fl_driver_conn *conn);

	/* Prepare exactly one statement `sql` (with `?` placeholders); more
	 * than one is FL_EINVAL.  The statement lives until finalize. */
	fl_err (*prepare)(fl_db *db, fl_driver_conn *conn, const char *sql, fl_driver_stmt **out);
	/* Bind `params` (a JSON array, NULL for none; its length must be the
	 * statement's parameter count: FL_EINVAL otherwise) and execute.  The
	 * values must stay valid until reset. */
	fl_err (*execute)(fl_db *db, fl_driver_stmt *st, json_t *params);
	/* Advance to the next row of the executed statement. */
	fl_step (*step)(fl_db *db, fl_driver_stmt *st);
	/* The number of result columns and the name of column i (owned by
	 * the statement, valid until finalize). */
	int (*column_count)(fl_driver_stmt *st);
	const char *(*column_name)(fl_driver_stmt *st, int i);
	/* The value of column i of the current row, as the header says; NULL
	 * with the error record set (FL_EUTF8: text that is not UTF-8). */
	json_t *(*column_value)(fl_db *db, fl_driver_stmt *st, int i);
	/* Optional (NULL: column_value per cell): the values of the current
	 * row's first `n` columns into into[0..n-1] (new references; a
	 * compact row's cells, base/row.h), in order.  0, or -1 when a cell
	 * fails as column_value's NULL (the cells before it stay set, the
	 * rest untouched).  Why: a list page reads hundreds of cells, and one
	 * call per row instead of one indirect call per cell is ~40
	 * instructions less per cell. */
	int (*row_values)(fl_db *db, fl_driver_stmt *st, int n, json_t **into);
	/* After a write: the rows it changed, and the id it generated (the
	 * autoincrement primary key of an INSERT; 0 when none). */
	int (*changes)(fl_driver_stmt *st);
	int64_t (*last_insert_id)(fl_driver_stmt *st);
	/* Make the statement ready to execute again and drop its bindings. */
	void (*reset)(fl_driver_stmt *st);
	void (*finalize)(fl_driver_stmt *st);

	/* Run `sql`, any number of statements without parameters (DDL of a
	 * revision, BEGIN/COMMIT/ROLLBACK), outside the statement cache. */
	fl_err (*exec)(fl_db *db, fl_driver_conn *conn, const char *sql);
	/* Whether the server has a transaction open on this connection. */
	bool (*in_transaction)(fl_driver_conn *conn);
	/* The BEGIN that starts a writing transaction ("BEGIN IMMEDIATE" on
	 * SQLite, so a writer waits for the lock up front; "BEGIN" on
	 * PostgreSQL; "START TRANSACTION" on MySQL). */
	const char *begin_sql;
	/* Whether DDL is transactional (SQLite, PostgreSQL: yes; MySQL: an
	 * implicit commit), for the migration runner. */
	bool transactional_ddl;
} fl_driver;

/* ---- what db.c gives the drivers (besides fl_db_set_error) ---- */

/* fl_db_script_begin — a driver's exec calls it before each statement
 * `sql` of a script it runs one at a time (SQLite: each sqlite3_prepare
 * tail), so the statement count, echo and trace see every statement and
 * transaction control inside a transaction is refused; stop on an error
 * (FL_EINVAL, the record set).  *t0 gets the start time to hand to
 * fl_db_script_end.  Outside fl_db_exec_script (db.c's own BEGIN, COMMIT,
 * ROLLBACK) both are no-ops.  A driver that runs the script in one call
 * need not call them: the script then counts and echoes as one statement. */
fl_err fl_db_script_begin(fl_db *db, const char *sql, long long *t0);

/* fl_db_script_end — after the statement fl_db_script_begin allowed, with
 * how it ended. */
void fl_db_script_end(fl_db *db, const char *sql, long long t0, fl_err err);

/* How db.c keeps a server connection alive (SQLAlchemy's pool_recycle and
 * pool_pre_ping), checked only between transactions. */
typedef struct fl_db_pool {
	/* SQLALCHEMY_POOL_RECYCLE: reconnect once the connection is this many
	 * seconds old; -1: never, 0: before every transaction */
	long recycle;
	/* ping (fl_driver.ping) before the first statement after this many
	 * seconds without one, reconnecting when it fails; -1: never */
	long ping_idle;
} fl_db_pool;

/* fl_db_open_driver — open a connection through `drv` with `opt` (copied:
 * the URI is parsed again into the connection's own copy, so a reconnect
 * does not depend on the caller's) and keep it alive as `pool` says (NULL:
 * never recycled nor pinged).  *out as fl_db_open (set even on failure
 * except FL_ENOMEM).  What fl_db_connect runs; tests give it a driver of
 * their own.  Errors: the driver's open (FL_EIO, FL_EDB), FL_ENOMEM. */
fl_err fl_db_open_driver(const fl_driver *drv, const fl_driver_options *opt,
	const fl_db_pool *pool, fl_db **out);

/* fl_driver_sqlite_handle — the sqlite3 handle of a SQLite connection. */
struct sqlite3;
struct sqlite3 *fl_driver_sqlite_handle(fl_driver_conn *conn);

/* fl_db_sqlite_handle — the raw sqlite3 handle of a SQLite connection, NULL
 * for a MySQL/PostgreSQL one (and a SQLite one that failed to open).  Not
 * public (the library runs every statement through db.h): for tests that
 * look under the connection (its busy timeout, its prepared statements). */
struct sqlite3 *fl_db_sqlite_handle(fl_db *db);

/* The backends built into the library. */
extern const fl_driver fl_driver_sqlite;
extern const fl_driver fl_driver_mysql;
extern const fl_driver fl_driver_postgresql;

/* The sql_mode every MySQL/MariaDB connection sets (driver_mysql.c), so
 * "ident" quoting and '' escapes mean what they mean on the other
 * databases; offline migration scripts for MySQL start by setting it too. */
#define FL_MYSQL_SQL_MODE "ANSI_QUOTES,STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_BACKSLASH_ESCAPES"

/* fl_driver_text_cell — text cell `i` of statement `st` (its `n` bytes at
 * `text`) as a jansson string (new reference), checked once with
 * fl_utf8_valid (an ASCII fast path) instead of json_stringn's
 * byte-by-byte check: the same rule, strict UTF-8 with NUL allowed.  NULL
 * when it is not UTF-8 (FL_EUTF8 recorded on `db`, naming `table`, which
 * may be NULL, and the column as `drv`'s column_name gives it: looked up
 * only then) or memory is short (nothing recorded: the caller's
 * FL_ENOMEM).  Every driver's text cells come through here. */
json_t *fl_driver_text_cell(fl_db *db, const fl_driver *drv, fl_driver_stmt *st, int i,
	const char *table, const char *text, size_t n);

/* ---- a server's client library, loaded when a connection first needs it ----
 *
 * The programs do not link libmariadb and libpq: their dependency chains
 * (gnutls, krb5, ldap, p11-kit, ...) cost every process ~450 kB of
 * anonymous memory (relocated data pages, constructors' allocations) on a
 * SQLite site that never calls them.  A server driver keeps one struct of
 * pointers to the functions it calls, typed from the library's own header
 * (`__typeof__(&mysql_init) mysql_init;`), and a list naming each member
 * (FL_DRIVER_SYMBOL); fl_driver_library_load fills it at the first
 * connection. */

/* One function of a client library: its name and where its pointer goes
 * in the driver's table. */
typedef struct fl_driver_symbol {
	const char *name;       /* the symbol, e.g. "mysql_init" */
	size_t offset;          /* offsetof its member in the table */
} fl_driver_symbol;

/* FL_DRIVER_SYMBOL — the fl_driver_symbol of member `f` of the table type
 * `T`, whose member is named as the library's function. */
#define FL_DRIVER_SYMBOL(T, f) { #f, offsetof(T, f) }

/* A client library and the table of its functions a driver uses. */
typedef struct fl_driver_library {
	const char *soname;     /* what dlopen loads: "libmariadb.so.3" */
	const char *package;    /* the Debian package that installs it: "libmariadb3" */
	const char *database;   /* for the message: "MySQL/MariaDB" */
	const fl_driver_symbol *symbols;
	size_t nsymbols;
	void *table;            /* the struct the symbols fill */
	size_t table_size;      /* its size (cleared when loading fails) */
	bool loaded;            /* every symbol found: the table is usable */
} fl_driver_library;

/* FL_DRIVER_LIBRARY — in a driver's file: `static struct fl_driver_api
 * table`, one pointer per function LIST names (LIST(X) calls X(f) for
 * each, f the library's own function, whose prototype types the
 * pointer), and `static fl_driver_library table##_library` describing the
 * library (soname, Debian package, database name) for
 * fl_driver_library_load.  Calls read `table.f(...)`. */
#define FL_DRIVER_LIBRARY(table, LIST, soname, package, database) \
	static struct fl_driver_api { LIST(FL_DRIVER_API_MEMBER_) } table; \
	static const fl_driver_symbol table##_symbols[] = { LIST(FL_DRIVER_API_SYMBOL_) }; \
	static fl_driver_library table##_library = { soname, package, database, \
		table##_symbols, sizeof table##_symbols / sizeof *table##_symbols, \
		&table, sizeof table, false }
/* FL_DRIVER_API_MEMBER_, FL_DRIVER_API_SYMBOL_ — FL_DRIVER_LIBRARY's
 * member and symbol of function `f`. */
#define FL_DRIVER_API_MEMBER_(f) __typeof__(&f) f;
#define FL_DRIVER_API_SYMBOL_(f) FL_DRIVER_SYMBOL(struct fl_driver_api, f),

/* fl_driver_library_load — dlopen `lib->soname` and fill `lib->table` with
 * every symbol, once per process (later calls return at once); a driver's
 * open calls it before anything else.  The library is never unloaded.
 * Errors: FL_ECONFIG when the library or one of its symbols is missing,
 * recorded on `db` naming the library, the database and the package to
 * install (the table stays cleared, `loaded` false: the next connection
 * tries again). */
fl_err fl_driver_library_load(fl_db *db, fl_driver_library *lib);

/* fl_driver_for — the driver of `dialect`, or NULL when not built in. */
const fl_driver *fl_driver_for(fl_dialect_id dialect);

#endif
