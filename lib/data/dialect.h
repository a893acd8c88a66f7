/* dialect.h — how the query layer spells SQL for one database (SQLAlchemy's
 * Dialect and its statement compiler, reduced to what differs).
 *
 * The query builder (query.c, clause.c, join.c, bulk.c, loading.c) writes
 * every piece of SQL that differs between SQLite, MySQL/MariaDB and
 * PostgreSQL through the connection's dialect (fl_db_dialect): identifier
 * quoting, placeholders, the IN-list form, ILIKE, LIKE's ESCAPE clause,
 * LIMIT/OFFSET, boolean literals and EXISTS.  It branches on the database
 * nowhere else, so a new backend is a new fl_dialect value, not a new
 * query layer.
 *
 * Every hook writes a fixed text for a given query shape (never a value),
 * so the same shape keeps producing the same SQL (the statement cache).
 * Values always travel as bound parameters appended to a JSON array.
 */
#ifndef FL_DIALECT_H
#define FL_DIALECT_H

#include <jansson.h>
#include <stdbool.h>

#include "base/arena.h"
#include "base/err.h"

struct fl_column;

/* How placeholders are written in the final SQL. */
typedef enum fl_param_style {
	FL_PARAM_QMARK,     /* ? (SQLite, MySQL): left as the builder wrote them */
	FL_PARAM_NUMERIC,   /* $1, $2, ... (PostgreSQL): renumbered by fl_dialect_finish */
	FL_PARAM__MAX
} fl_param_style;

/* A dialect: constant data and hooks, shared by every connection of one
 * kind.  The builder always writes `?` for a placeholder; param_style says
 * how fl_dialect_finish rewrites them. */
typedef struct fl_dialect {
	const char *name;               /* "sqlite" (SQLAlchemy's dialect name) */
	fl_param_style param_style;     /* placeholder spelling */
	const char *true_sql;           /* the literal of true ("1"; PostgreSQL: "true") */
	const char *false_sql;          /* the literal of false ("0"; PostgreSQL: "false") */
	/* " ESCAPE '/'": appended after `LIKE ?` by contains/startswith/
	 * endswith, whose values are escaped with '/' (SQLAlchemy's
	 * autoescape=True). */
	const char *like_escape;
	/* Append `name` quoted as an identifier ("name"; MySQL: `name`). */
	void (*put_ident)(fl_buf *b, const char *name);
	/* Append the right-hand side of `x IN list` (negate: NOT IN) for the
	 * JSON array `list` of scalars, appending its bound values to `params`.
	 * SQLite binds the whole list as one JSON text read back by
	 * json_each(), so every length shares one statement; PostgreSQL would
	 * write `= ANY(?)`.  An empty list matches nothing (NOT IN: everything,
	 * NULLs included), as SQLAlchemy 1.4's "empty IN" does. */
	void (*put_in)(fl_buf *b, bool negate, json_t *list, json_t *params);
	/* Append `lhs ILIKE ?` (negate: NOT ILIKE); `lhs` is SQL already
	 * spelled.  SQLite: `lower(lhs) LIKE lower(?)`, as SQLAlchemy compiles
	 * ilike() there (lower() folds ASCII only). */
	void (*put_ilike)(fl_buf *b, const char *lhs, bool negate);
	/* Append the LIMIT/OFFSET clause (with its leading space) and bind its
	 * values: `limit` < 0 means none, `offset` <= 0 none; called only when
	 * at least one is set.  SQLite: " LIMIT ? OFFSET ?" with -1 for none. */
	void (*put_limit)(fl_buf *b, json_t *params, long limit, long offset);
	/* Append `SELECT EXISTS (inner) AS "exists"`, a one-row one-column
	 * statement whose value is 1 or 0 (SQLAlchemy: Query.exists()). */
	void (*put_exists)(fl_buf *b, const char *inner);
	/* Append, after an INSERT's VALUES, the clause that makes the
	 * statement return the key the database generates for the integer
	 * primary key `column` (PostgreSQL: ` RETURNING "id"`; the driver then
	 * reads that one-row result as fl_db_execute's last_id).  NULL when
	 * the driver gets the id from the connection instead (SQLite's
	 * last_insert_rowid, MySQL's mysql_stmt_insert_id). */
	void (*put_returning)(fl_buf *b, const char *column);

	/* ---- DDL: CREATE TABLE (fl_model_create_sql_for, create_all) ---- */
	/* Append the type of column `c` (model.h) as CREATE TABLE writes it,
	 * with its length, precision and scale.  `generated`: `c` is the
	 * table's generated key (its single Integer primary key, which the
	 * database fills when an INSERT leaves it out; PostgreSQL writes
	 * SERIAL for it).  Errors: FL_EINVAL for a type the database cannot
	 * declare (an unknown type, an Enum without values; MySQL: a String
	 * without a length, as SQLAlchemy refuses it there). */
	fl_err (*put_column_type)(fl_buf *b, const struct fl_column *c, bool generated);
	/* Appended after NOT NULL to the generated key: " AUTO_INCREMENT" on
	 * MySQL; NULL: nothing (SQLite's rowid alias and PostgreSQL's SERIAL
	 * generate by their type). */
	const char *generated_key_sql;
	/* Appended instead of generated_key_sql when the generated key is
	 * declared FL_AUTOINCREMENT, which then is the table's PRIMARY KEY
	 * (no separate clause): SQLite's " PRIMARY KEY AUTOINCREMENT" (ids
	 * never reused).  NULL: FL_AUTOINCREMENT changes nothing (MySQL's
	 * AUTO_INCREMENT and PostgreSQL's sequences never reuse ids). */
	const char *autoincrement_sql;
	/* The database's own tables (issue 19: `db create_all`, the shell's
	 * .tables): a SELECT of one column "name", ordered by name, from the
	 * catalogue (sqlite_master, information_schema, pg_tables). */
	const char *tables_sql;
	/* Whether a Text, UnicodeText or LargeBinary column can be in a key
	 * (UNIQUE, an index) only with a prefix length (MySQL/MariaDB: the
	 * column's mysql_length, written `"col"(N)`). */
	bool key_prefix_lengths;
	/* Run after an INSERT that gave the generated key (model.h: a single
	 * Integer primary key) an explicit value, so the next INSERT without
	 * one does not collide with it: a statement with four `?` — the value,
	 * the quoted table name, the column name, the value again.
	 * PostgreSQL's SERIAL does not advance its sequence for explicit
	 * values: `setval` moves it up to the value (never down).  NULL where
	 * the key generator follows by itself (SQLite's rowid, MySQL's
	 * AUTO_INCREMENT). */
	const char *sync_generated_key_sql;
	/* Whether a Numeric value is bound as its exact decimal text
	 * (MySQL/MariaDB, PostgreSQL: DECIMAL/NUMERIC keep every digit) rather
	 * than as SQLAlchemy binds it on SQLite, float(Decimal(v))
	 * (fl_column_param in model.h). */
	bool numeric_text;

	/* ---- the framework's own key/value tables (issue 19: the database
	 * cache and session store, on every database) ---- */
	/* A primary key of text at most 2048 bytes long, compared byte by
	 * byte (so `key >= ? AND key < ?` selects a prefix through the
	 * index): SQLite "TEXT" (BINARY collation), MySQL "VARBINARY(2048)"
	 * (a VARCHAR of 2048 utf8mb4 characters passes InnoDB's 3072-byte key
	 * limit), PostgreSQL "VARCHAR(2048) COLLATE \"C\"". */
	const char *key_type;
	/* Bytes of any length: "BLOB", "LONGBLOB" (MySQL's BLOB stops at
	 * 64 KiB), "BYTEA". */
	const char *bytes_type;
	/* UTF-8 text of any length: "TEXT", "LONGTEXT" (MySQL's TEXT stops at
	 * 64 KiB), "TEXT". */
	const char *text_type;
	/* Append `INSERT INTO table (c0, c1, ...) VALUES (?, ?, ...)` for the
	 * NULL-terminated `columns` (quoted), which on a row whose primary key
	 * c0 exists already either replaces c1... with the new values
	 * (`update`) or leaves the row as it is and changes nothing (no
	 * error): SQLite and PostgreSQL `ON CONFLICT (c0) DO UPDATE SET c1 =
	 * excluded.c1, ...` / `DO NOTHING`, MySQL `ON DUPLICATE KEY UPDATE c1 =
	 * VALUES(c1), ...` / `INSERT IGNORE`.  Atomic on every database: two
	 * connections writing one key at once never fail. */
	void (*put_upsert)(fl_buf *b, const char *table, const char *const *columns, bool update);
	/* What follows `INSERT INTO table` for a row that gives no column a
	 * value (every column takes its default): " DEFAULT VALUES" (SQLite,
	 * PostgreSQL; SQLAlchemy's default), MySQL's " () VALUES ()" (it has
	 * no DEFAULT VALUES). */
	const char *default_values_sql;
} fl_dialect;

/* fl_sql_put_ident — append `name` to `b` as a quoted SQL identifier
 * ("name", inner quotes doubled).  For names from C declarations only. */
void fl_sql_put_ident(fl_buf *b, const char *name);

/* fl_sql_put_string — append `s` to `b` as a SQL string literal ('text',
 * inner single quotes doubled, the one escape SQL has).  For text that
 * generated SQL must spell out (an Enum's CHECK, the defaults and table
 * names in an autogenerated migration); a row's values are bound as
 * parameters instead. */
void fl_sql_put_string(fl_buf *b, const char *s);

/* fl_dialect_put_upsert_on_conflict — the put_upsert hook of SQLite and
 * PostgreSQL (`ON CONFLICT (c0) DO UPDATE SET ... = excluded....` or `DO
 * NOTHING`). */
void fl_dialect_put_upsert_on_conflict(fl_buf *b, const char *table, const char *const *columns,
	bool update);

/* fl_dialect_sqlite — the SQLite dialect, the one every fl_db connection
 * has today.  Static, never freed. */
extern const fl_dialect fl_dialect_sqlite;

/* fl_dialect_postgresql — PostgreSQL (libpq, driver_pg.c): `$n`
 * placeholders, "ident" quoting, `x = ANY(?)` with the whole list bound as
 * one array literal (one statement for every length), ILIKE, LIMIT/OFFSET
 * only for what is set, true/false, ` RETURNING` for generated ids.
 * Static, never freed. */
extern const fl_dialect fl_dialect_postgresql;

/* fl_dialect_put_exists — the put_exists hook every dialect shares:
 * appends `SELECT EXISTS (inner) AS "exists"` to `b`. */
void fl_dialect_put_exists(fl_buf *b, const char *inner);

/* fl_dialect_mysql — MySQL/MariaDB, for a connection opened with
 * sql_mode ANSI_QUOTES (driver_mysql.c), so identifiers keep the
 * builder's "double quotes".  `?` placeholders; `x IN (?, ?, ...)` with one
 * placeholder per value (one statement text per list length: the
 * statement cache keeps the lengths a site uses; an empty list is
 * `IN (SELECT 1 FROM DUAL WHERE 1 = 0)`, no rows, NULLs included);
 * `LOWER(x) LIKE LOWER(?)` for ILIKE; `LIMIT ?`, and without a limit
 * `LIMIT 18446744073709551615 OFFSET ?` (MySQL has no LIMIT ALL);
 * booleans 1/0; `SELECT EXISTS (...)`.  Static, never freed. */
extern const fl_dialect fl_dialect_mysql;

/* fl_ddl_type_sqlite, fl_ddl_type_mysql, fl_ddl_type_postgresql — the
 * put_column_type hooks of the three dialects (ddl_types.c), as
 * SQLAlchemy 1.4 compiles each type for that dialect, except where a value
 * read back would differ from the one written on every row: MySQL's Float
 * is DOUBLE (FLOAT is single precision there) and its DateTime/Time are
 * DATETIME(6)/TIME(6) (fl_utcnow's microseconds kept).  SQLite: INTEGER,
 * VARCHAR(n), NUMERIC(p, s), BOOLEAN, DATETIME, BLOB...; MySQL: BOOL,
 * BLOB, VARCHAR only with a length; PostgreSQL: SERIAL/BIGSERIAL for the
 * generated key, BOOLEAN, TIMESTAMP WITHOUT TIME ZONE, BYTEA.  An Enum is
 * VARCHAR(longest value) everywhere (its CHECK is written by the table).
 * Errors as put_column_type. */
fl_err fl_ddl_type_sqlite(fl_buf *b, const struct fl_column *c, bool generated);
fl_err fl_ddl_type_mysql(fl_buf *b, const struct fl_column *c, bool generated);
fl_err fl_ddl_type_postgresql(fl_buf *b, const struct fl_column *c, bool generated);

/* fl_sql_find_outside_quotes — the first character of `sql` at or after
 * `from` that is in `set` and lies outside a quoted string or identifier
 * ('...', "...", `...`; a doubled quote stays inside) and outside a
 * comment (-- to the end of the line, / * ... * /), or NULL when none.
 * For the drivers that must find `?` or `;` in a statement the builder
 * wrote. */
const char *fl_sql_find_outside_quotes(const char *sql, const char *set);

/* fl_dialect_finish — the statement text to run for `sql` written with `?`
 * placeholders: `sql` itself for FL_PARAM_QMARK (no copy, no work), else
 * a copy in `a` with each `?` outside quotes ('...', "...", `...`)
 * numbered $1, $2, ... in order.  NULL `d` is SQLite. */
const char *fl_dialect_finish(const fl_dialect *d, fl_arena *a, const char *sql);

#endif
