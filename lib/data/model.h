/* model.h — declarative models (Flask-SQLAlchemy's db.Model).
 *
 * A model is static const C data that reads like the Python class:
 *
 *   class Role(db.Model):                      static const fl_column role_columns[] = {
 *       __tablename__ = 'roles'                    FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
 *       id = Column(Integer, primary_key=True)     FL_COLUMN_STRING("name", 64, FL_UNIQUE),
 *       name = Column(String(64), unique=True)     FL_COLUMN_END
 *       users = relationship('User',           };
 *               backref='role', lazy='dynamic')  static const fl_relationship role_rels[] = {
 *                                                  { .name = "users", .target = &User,
 *                                                    .backref = "role", .lazy = FL_LAZY_DYNAMIC },
 *                                                  FL_RELATIONSHIP_END
 *                                              };
 *                                              const fl_model Role = { .name = "Role",
 *                                                  .tablename = "roles", .columns = role_columns,
 *                                                  .relationships = role_rels };
 *
 * The one declaration drives create_all/drop_all (DDL below), the query
 * builder (which refuses column names the model does not declare, so no
 * identifier from outside reaches SQL), validation before insert, and the
 * schema comparison of `db migrate`.
 *
 * An abstract base (Python's __abstract__ = True) is just a column array
 * that several models point at with different table names:
 *   const fl_model Dog = { .tablename = "dog", .columns = animal_columns };
 *   const fl_model Cat = { .tablename = "cat", .columns = animal_columns };
 */
#ifndef FL_MODEL_H
#define FL_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "data/db.h"
#include "base/err.h"

/* Column types, named as in sqlalchemy.types.  fl_type_names[] holds the
 * Python names; each dialect's put_column_type (data/dialect.h) the DDL
 * type, the SQLite one noted here. */
typedef enum fl_type {
	FL_TYPE_INTEGER,       /* INTEGER */
	FL_TYPE_SMALLINTEGER,  /* SMALLINT */
	FL_TYPE_BIGINTEGER,    /* BIGINT */
	FL_TYPE_FLOAT,         /* FLOAT */
	FL_TYPE_NUMERIC,       /* NUMERIC(precision, scale); exact decimal strings, see below */
	FL_TYPE_STRING,        /* VARCHAR(length); length enforced in characters */
	FL_TYPE_TEXT,          /* TEXT */
	FL_TYPE_UNICODE,       /* VARCHAR(length), as String */
	FL_TYPE_UNICODETEXT,   /* TEXT */
	FL_TYPE_BOOLEAN,       /* BOOLEAN (stored 0/1, read back as true/false) */
	FL_TYPE_DATE,          /* DATE, ISO text "YYYY-MM-DD" */
	FL_TYPE_DATETIME,      /* DATETIME, ISO text "YYYY-MM-DD HH:MM:SS[.ffffff]" */
	FL_TYPE_TIME,          /* TIME, ISO text */
	FL_TYPE_LARGEBINARY,   /* BLOB; bytes as jansson strings of any bytes, see below */
	FL_TYPE_ENUM,          /* VARCHAR(longest value) CHECK (col IN (...)) */
	FL_TYPE__MAX
} fl_type;

/* The SQLAlchemy name of each fl_type ("Integer", "String", ...). */
extern const char *const fl_type_names[FL_TYPE__MAX];

/* Most columns an fl_unique constraint or a model may have. */
#define FL_UNIQUE_MAX_COLUMNS 8

/* One column: Column(name, type, ...).  Zero values are the defaults of
 * sqlalchemy.Column: nullable unless primary key, no default, no key. */
typedef struct fl_column {
	const char *name;           /* column name */
	fl_type type;               /* column type */
	unsigned length;             /* String(n)/Unicode(n): max characters; 0 = unlimited */
	unsigned precision, scale;   /* Numeric(precision, scale); 0 = unspecified */
	bool primary_key;           /* primary_key=True */
	bool autoincrement;          /* SQLite AUTOINCREMENT: ids are never reused */
	bool unique;                /* unique=True */
	bool index;                  /* CREATE INDEX ix_<table>_<column> (UNIQUE if unique) */
	bool not_null;               /* nullable=False (implied by primary_key) */
	const char *server_default;  /* server_default: a SQL literal emitted as DEFAULT <it> */
	const char *default_json;    /* default=: JSON text filled in by fl_db_add ("18", "\"x\"") */
	json_t *(*default_fn)(void); /* default=callable (e.g. datetime.utcnow); new value */
	const char *foreign_key;     /* ForeignKey("roles.id") */
	const char *ondelete;        /* ForeignKey(..., ondelete="CASCADE") */
	const char *const *enum_values;  /* Enum(...): NULL-terminated list */
	/* onupdate= (issue 17): the value fl_db_update (and a query's bulk
	 * update, through fl_model_apply_onupdate) sets when the UPDATE does
	 * not set this column itself; never used by an INSERT.  A row read
	 * back and passed whole to fl_db_update does set it (to the value it
	 * read): delete the key first (Flagon keeps no attribute history to
	 * tell an unchanged value from a set one). */
	const char *onupdate_json;   /* onupdate=: JSON text ("0", "\"x\"") */
	json_t *(*onupdate_fn)(void);  /* onupdate=callable (e.g. datetime.utcnow); new value */
	/* Index(..., mysql_length=N) (issue 19): the prefix length, in
	 * characters (bytes for LargeBinary), MySQL/MariaDB indexes this column
	 * with in every key that holds it (unique=True, index=True, an
	 * fl_unique naming it).  MySQL and MariaDB cannot index a whole Text,
	 * UnicodeText or LargeBinary column ("BLOB/TEXT column used in key
	 * specification without a key length"): create_all on MySQL refuses
	 * such an index (index=True) without it, naming the table and column.
	 * A UNIQUE on a whole column is sent as declared: MariaDB (10.4 and
	 * later) makes it with a hidden hash, MySQL 8 refuses it with the
	 * error above.  Other databases ignore it.  0: none. */
	unsigned mysql_length;
} fl_column;

/* Column constructors: FL_COLUMN_<TYPE>(name, options...) where the options
 * are the FL_ keyword macros below, e.g.
 *   FL_COLUMN_STRING("username", 64, FL_UNIQUE, FL_INDEX)
 *   FL_COLUMN_INTEGER("role_id", FL_FOREIGN_KEY("roles.id"))
 *   FL_COLUMN_INTEGER("s_age", FL_NOT_NULL, FL_DEFAULT("18")) */
#define FL_COLUMN(n, t, ...) { .name = (n), .type = (t), __VA_ARGS__ }
#define FL_COLUMN_INTEGER(n, ...) FL_COLUMN(n, FL_TYPE_INTEGER, __VA_ARGS__)
#define FL_COLUMN_SMALLINTEGER(n, ...) FL_COLUMN(n, FL_TYPE_SMALLINTEGER, __VA_ARGS__)
#define FL_COLUMN_BIGINTEGER(n, ...) FL_COLUMN(n, FL_TYPE_BIGINTEGER, __VA_ARGS__)
#define FL_COLUMN_FLOAT(n, ...) FL_COLUMN(n, FL_TYPE_FLOAT, __VA_ARGS__)
#define FL_COLUMN_NUMERIC(n, p, s, ...) \
	FL_COLUMN(n, FL_TYPE_NUMERIC, .precision = (p), .scale = (s), __VA_ARGS__)
#define FL_COLUMN_STRING(n, len, ...) FL_COLUMN(n, FL_TYPE_STRING, .length = (len), __VA_ARGS__)
#define FL_COLUMN_UNICODE(n, len, ...) FL_COLUMN(n, FL_TYPE_UNICODE, .length = (len), __VA_ARGS__)
#define FL_COLUMN_TEXT(n, ...) FL_COLUMN(n, FL_TYPE_TEXT, __VA_ARGS__)
#define FL_COLUMN_UNICODETEXT(n, ...) FL_COLUMN(n, FL_TYPE_UNICODETEXT, __VA_ARGS__)
#define FL_COLUMN_BOOLEAN(n, ...) FL_COLUMN(n, FL_TYPE_BOOLEAN, __VA_ARGS__)
#define FL_COLUMN_DATE(n, ...) FL_COLUMN(n, FL_TYPE_DATE, __VA_ARGS__)
#define FL_COLUMN_DATETIME(n, ...) FL_COLUMN(n, FL_TYPE_DATETIME, __VA_ARGS__)
#define FL_COLUMN_TIME(n, ...) FL_COLUMN(n, FL_TYPE_TIME, __VA_ARGS__)
#define FL_COLUMN_LARGEBINARY(n, ...) FL_COLUMN(n, FL_TYPE_LARGEBINARY, __VA_ARGS__)
#define FL_COLUMN_ENUM(n, values, ...) FL_COLUMN(n, FL_TYPE_ENUM, .enum_values = (values), __VA_ARGS__)
#define FL_COLUMN_END { .name = NULL }

/* Keyword arguments of Column(). */
#define FL_PRIMARY_KEY .primary_key = true
#define FL_AUTOINCREMENT .autoincrement = true
#define FL_UNIQUE .unique = true
#define FL_INDEX .index = true
#define FL_MYSQL_LENGTH(n) .mysql_length = (n)
#define FL_NOT_NULL .not_null = true
#define FL_DEFAULT(json_text) .default_json = (json_text)
#define FL_DEFAULT_FN(fn) .default_fn = (fn)
#define FL_SERVER_DEFAULT(sql_literal) .server_default = (sql_literal)
#define FL_FOREIGN_KEY(table_dot_column) .foreign_key = (table_dot_column)
#define FL_ONDELETE(action) .ondelete = (action)
#define FL_ONUPDATE(json_text) .onupdate_json = (json_text)
#define FL_ONUPDATE_FN(fn) .onupdate_fn = (fn)
/* default=datetime.utcnow / onupdate=datetime.utcnow, e.g. SQLAlchemy's
 *   updated_at = Column(DateTime, default=datetime.utcnow, onupdate=datetime.utcnow)
 * is FL_COLUMN_DATETIME("updated_at", FL_DEFAULT_UTCNOW, FL_ONUPDATE_UTCNOW). */
#define FL_DEFAULT_UTCNOW .default_fn = fl_utcnow
#define FL_ONUPDATE_UTCNOW .onupdate_fn = fl_utcnow

/* fl_utcnow — datetime.utcnow() as SQLAlchemy's DateTime stores it on
 * SQLite: a new JSON string "YYYY-MM-DD HH:MM:SS.ffffff" (UTC, always six
 * digits of microseconds, so stored values sort as text in time order),
 * from jansson's current arena.  Read from CLOCK_REALTIME, like Python's
 * clock.  The callable of FL_DEFAULT_UTCNOW and FL_ONUPDATE_UTCNOW. */
json_t *fl_utcnow(void);

/* relationship(lazy=...). */
typedef enum fl_lazy {
	FL_LAZY_SELECT,     /* default: loaded on access (by the query, batched — never N+1) */
	FL_LAZY_JOINED,
	FL_LAZY_SUBQUERY,
	FL_LAZY_SELECTIN,
	FL_LAZY_DYNAMIC,    /* access gives a query, not rows */
	FL_LAZY_NOLOAD,
	FL_LAZY__MAX
} fl_lazy;

/* relationship(uselist=...): the default decides from the direction
 * (one-to-many → list, many-to-one → scalar), as SQLAlchemy does. */
typedef enum fl_uselist {
	FL_USELIST_DEFAULT,
	FL_USELIST_TRUE,
	FL_USELIST_FALSE,
} fl_uselist;

struct fl_model;

/* One relationship(): loading comes with the query's relationship support. */
typedef struct fl_relationship {
	const char *name;               /* attribute name in the row ("users") */
	const struct fl_model *target;  /* the related model */
	const char *backref;            /* name of the reverse attribute on target, or NULL */
	fl_uselist uselist;         /* uselist= */
	const char *order_by;           /* target column, "-col" for descending */
	const struct fl_model *secondary;  /* association table of a many-to-many */
	fl_lazy lazy;               /* lazy= */
	const char *foreign_key;        /* foreign_keys=: the column to join on when ambiguous */
	/* db.backref(name, uselist=..., order_by=...): the reverse attribute's
	 * options.  With FL_USELIST_DEFAULT a backref is scalar when it points
	 * to the "one" side, or when the foreign key column is UNIQUE (then at
	 * most one row can match: a one-to-one). */
	fl_uselist backref_uselist;
	const char *backref_order_by;   /* NULL: unordered, as SQLAlchemy's backref */
	/* cascade= (issue 17): FL_CASCADE_* flags for what fl_db_delete and
	 * fl_relationship_remove do to the related rows; 0 is SQLAlchemy's
	 * default "save-update, merge" (children of a deleted parent get their
	 * foreign key set to NULL).  backref_cascade is db.backref(name,
	 * cascade=...): the same for the reverse attribute. */
	unsigned cascade;
	unsigned backref_cascade;
} fl_relationship;

/* cascade="delete": deleting the row (fl_db_delete) deletes the rows
 * related through this relationship too, each with its own cascades —
 * before the row for a one-to-many, after it for a many-to-one, and after
 * its association rows for a many-to-many. */
#define FL_CASCADE_DELETE 0x1u
/* cascade="delete-orphan": a child removed from a one-to-many collection
 * (fl_relationship_remove), or replaced in a one-to-one
 * (fl_relationship_set), is deleted instead of having its foreign key set
 * to NULL.  Ignored on many-to-one and many-to-many sides (SQLAlchemy
 * requires single_parent=True there). */
#define FL_CASCADE_DELETE_ORPHAN 0x2u
/* cascade="all": save-update, merge, refresh-expire, expunge and delete;
 * the first ones are what Flagon always does, so this is "delete". */
#define FL_CASCADE_ALL FL_CASCADE_DELETE
/* cascade="all, delete-orphan": the usual parent-owns-children setting. */
#define FL_CASCADE_ALL_DELETE_ORPHAN (FL_CASCADE_ALL | FL_CASCADE_DELETE_ORPHAN)

/* Ends a relationship array. */
#define FL_RELATIONSHIP_END { .name = NULL }

/* A table-level UniqueConstraint(col, col, ...). */
typedef struct fl_unique {
	const char *name;     /* CONSTRAINT name, or NULL for an anonymous one */
	const char *columns[FL_UNIQUE_MAX_COLUMNS + 1];  /* NULL-terminated */
} fl_unique;

/* Ends a UniqueConstraint array. */
#define FL_UNIQUE_END { .name = NULL, .columns = { NULL } }

/* A model: one table. */
typedef struct fl_model {
	const char *name;                     /* class name for messages ("Role"); may be NULL */
	const char *tablename;                /* __tablename__; NULL: derived from name (fl_model_table) */
	const fl_column *columns;             /* ends with FL_COLUMN_END */
	const fl_relationship *relationships; /* ends with FL_RELATIONSHIP_END; may be NULL */
	const fl_unique *unique_constraints;  /* ends with FL_UNIQUE_END; may be NULL */
	bool abstract;                        /* __abstract__: never created */
} fl_model;

/* fl_model_table — the model's table name: its tablename, or when that is
 * NULL, Flask-SQLAlchemy's name derived from the class name `name`
 * (camel_to_snake_case: "UserProfile" -> "user_profile", "HTTPResponse"
 * -> "http_response").  The string lives as long as the process; NULL
 * only when the model has neither name (or memory ran out). */
const char *fl_model_table(const fl_model *m);

/* fl_model_column — the column called `name`, or NULL if the model has
 * none (callers answer FL_EINVAL: an unknown column never reaches SQL). */
const fl_column *fl_model_column(const fl_model *m, const char *name);

/* fl_model_primary_key — the first primary-key column, or NULL. */
const fl_column *fl_model_primary_key(const fl_model *m);

/* fl_column_references — the column of `target` that the foreign key of
 * `c` ("table.column") names, or NULL when `c` does not reference `target`
 * (or names a column it does not have). */
const fl_column *fl_column_references(const fl_column *c, const fl_model *target);

/* fl_column_nullable — Column.nullable: false for primary keys and
 * FL_NOT_NULL columns. */
bool fl_column_nullable(const fl_column *c);

/* fl_column_default_sql — the DEFAULT clause's value of column `c` (its
 * server_default) as dialect `d` writes it: a Boolean's "0"/"1"/"false"/
 * "true" becomes d's literal (PostgreSQL refuses an integer default for
 * BOOLEAN), any other default is returned as declared.  NULL when `c`
 * has no server_default.  The string is `c`'s or `d`'s (static). */
struct fl_dialect;
const char *fl_column_default_sql(const struct fl_dialect *d, const fl_column *c);

/* fl_model_create_sql — the DDL create_all runs for `m`: one
 * CREATE TABLE IF NOT EXISTS statement followed by one CREATE [UNIQUE]
 * INDEX IF NOT EXISTS ix_<table>_<column> per indexed column, each ending
 * in ";\n", identifiers quoted.  SQLAlchemy's layout: column lines, then
 * PRIMARY KEY, UNIQUE and FOREIGN KEY constraints.  Allocated from `a`.
 * Errors: FL_EINVAL for a declaration SQL cannot express (no columns, bad
 * foreign key, unknown ondelete action, Enum without values, AUTOINCREMENT
 * on a column that is not the INTEGER primary key, a UniqueConstraint on an
 * unknown column). */
fl_err fl_model_create_sql(const fl_model *m, fl_arena *a, const char **sql_out);

/* fl_model_create_sql_for — fl_model_create_sql for the dialect `d`
 * (data/dialect.h; SQLAlchemy's CreateTable(table).compile(dialect=d)):
 * the column types are the dialect's (put_column_type), the table's single
 * Integer primary key is generated by the database (SQLite's rowid alias,
 * MySQL's AUTO_INCREMENT, PostgreSQL's SERIAL), a Boolean server default
 * 0/1 is written as the dialect's false/true.  create_all runs it with the
 * connection's dialect (fl_db_dialect).  Allocated from `a`.  Errors: those
 * of fl_model_create_sql, and FL_EINVAL for a type the dialect cannot
 * declare (MySQL: String without a length, as SQLAlchemy refuses it), and
 * on MySQL for an index (index=True, not unique) on a Text/UnicodeText/
 * LargeBinary column without mysql_length. */
struct fl_dialect;
fl_err fl_model_create_sql_for(const struct fl_dialect *d, const fl_model *m, fl_arena *a,
	const char **sql_out);

/* fl_model_validate — check `row` (a JSON object) against `m` before it is
 * written, like SQLAlchemy's flush would fail: every key must be a column;
 * values must fit the type (integer for Integer, number for Float, number
 * or decimal string that fits for Numeric, a UTF-8 string for
 * String/Text/Date..., a string of any bytes for LargeBinary, bool or 0/1
 * for Boolean, a listed value for Enum); String(n) values may hold at most
 * n characters (SQLite does not check).  With `insert`, a NOT NULL column that is missing or null must
 * have a default (client, server, or an INTEGER primary key SQLite fills).
 * On FL_EINVAL, *column (if not NULL) is the offending column or key and
 * *reason (if not NULL) a static English reason ("is required"). */
fl_err fl_model_validate(const fl_model *m, json_t *row, bool insert,
	const char **column, const char **reason);

/* fl_model_apply_defaults — set the client-side default (default= or
 * default_fn) of each column missing from `row`, as SQLAlchemy does at
 * INSERT time, so the caller's row shows them.  Values come from jansson's
 * current arena.  Errors: FL_EINVAL (a default that is not valid JSON). */
fl_err fl_model_apply_defaults(const fl_model *m, json_t *row);

/* fl_model_apply_onupdate — set the onupdate value (onupdate= or
 * onupdate_fn) of each column of `m` that `values` does not set, as
 * SQLAlchemy does for an UPDATE: fl_db_update calls it for a row that
 * changes at least one column, and a query's bulk update (Query.update,
 * which SQLAlchemy's onupdate also covers) must call it on its values
 * object before building the SET list.  Values come from jansson's
 * current arena.  Errors: FL_EINVAL (an onupdate that is not valid JSON). */
fl_err fl_model_apply_onupdate(const fl_model *m, json_t *values);

/* ---- Numeric and LargeBinary values ----
 *
 * Numeric(precision, scale) keeps exact decimals: a row carries the value
 * as a JSON string, str(decimal.Decimal) of what SQLAlchemy 1.4 reads on
 * SQLite ("%.<scale>f" % stored value, then Decimal): Numeric(10, 2) gives
 * "12.50", "0.10", "-0.01" for -0.005 (the float below it rounds away);
 * Numeric(10, 0) gives "12", "-0".  Numeric() without precision reads with
 * SQLAlchemy's default scale, 10 ("0.1000000000"; Decimal's own notation
 * below 1e-6: "0E-10").  FL_COLUMN_NUMERIC(n, p, 0) is Numeric(p, 0): a
 * precision without a scale cannot be declared (the DDL would say
 * NUMERIC(p, 0) anyway).
 * Written values may be a decimal string (strict: [+-]digits[.digits], no
 * exponent, at most 80 characters), a JSON integer or a JSON real; more
 * digits before the point than precision - scale is FL_EINVAL naming the
 * column; more after it are rounded when read, as SQLAlchemy does.
 * Storage is SQLAlchemy's: the value is bound as float(Decimal(v)) (an
 * integral value that fits 64 bits as an integer) and the NUMERIC
 * affinity keeps it REAL or INTEGER.  Exact for precision <= 15 (a double
 * holds 15 significant digits), read and written both ways with
 * SQLAlchemy.  Beyond 15 digits SQLite can only hold a double: fractional
 * values keep 15-17 significant digits (SQLAlchemy on SQLite loses the
 * same ones), integers stay exact up to 2^63 (where SQLAlchemy's reader
 * rounds them through a float).  A TEXT value written by other means is
 * returned as stored.
 * On MySQL/MariaDB and PostgreSQL, DECIMAL/NUMERIC keep every digit:
 * values are bound as their exact decimal text (fl_column_param) and the
 * drivers read the column back as the server writes it ("12345.67",
 * "0.30"), so the row carries the same decimal string with no float in
 * between (SQLAlchemy's Numeric returns a Decimal there; a JSON string is
 * our Decimal).
 *
 * LargeBinary holds bytes: in C a jansson string of any bytes (NULs and
 * invalid UTF-8 included; build one with json_stringn_nocheck, its length
 * is json_string_length).  fl_db_add/fl_db_update bind it as a BLOB, a
 * filter on the column compares it as a BLOB (fl_column_param), and
 * reading a BLOB gives exactly the stored bytes (db.h).  String/Text/
 * Unicode/Date... columns refuse a string that is not UTF-8 (FL_EINVAL
 * naming the column).  JSON has no bytes: a row holding bytes that are not
 * UTF-8 cannot be serialized — json_dumps fails, so fl_jsonify answers 500
 * like Flask's jsonify refusing bytes — and bytes that happen to be UTF-8
 * serialize as that text.  Encode a blob yourself (base64, hex) before
 * putting it in a JSON response. */

/* fl_numeric_invalid — why `v` (not null) cannot be written to the
 * Numeric column `c` (a static English reason), or NULL when it can:
 * not a number or decimal string, or too many digits before the point. */
const char *fl_numeric_invalid(const fl_column *c, json_t *v);

/* fl_column_param — the value to bind for `v` in column `c` on a
 * database of dialect `d` (NULL: SQLite), as a new reference in *out: a
 * LargeBinary string becomes a BLOB parameter (fl_db_blob), a Numeric
 * value what SQLAlchemy binds on SQLite (above) or, on MySQL/MariaDB and
 * PostgreSQL (the dialect's numeric_text), its exact decimal text rounded
 * to the declared scale as the server rounds it ("12345.67" stays
 * exactly that, where a double would not for 16 digits and more), anything
 * else `v` itself.  The unit of work binds every written value through
 * it, and a query filter on a column must bind its value(s) through it
 * too, so LargeBinary compares as a BLOB and "12.50" as a number.
 * Errors: FL_EINVAL (NULL `v`, a Numeric value fl_numeric_invalid
 * refuses), FL_ENOMEM. */
struct fl_dialect;
fl_err fl_column_param(const struct fl_dialect *d, const fl_column *c, json_t *v,
	json_t **out);

/* fl_column_value — the row value of column `c` for the value `stored`
 * read from SQLite, a new reference (`stored` itself when nothing
 * changes): Boolean 0/1 → false/true, Float stored as integer → real,
 * Numeric → its decimal string (above).  NULL only when memory ran out. */
json_t *fl_column_value(const fl_column *c, json_t *stored);

/* fl_column_converts — whether fl_column_value may change values of `c`
 * (Boolean, Float, Numeric), so readers skip every other column. */
bool fl_column_converts(const fl_column *c);

/* fl_column_keeps — whether fl_column_value(c, stored) would be `stored`
 * itself for certain (NULL, JSON null, a Boolean's or a Float's value
 * that is not an integer), so a reader of many rows skips the call, the
 * new reference and its release.  false means "ask fl_column_value". */
bool fl_column_keeps(const fl_column *c, const json_t *stored);

/* fl_model_convert_row — turn the stored form of each value of `row`
 * back into the model's type in place (Boolean 0/1 → false/true; Float
 * stored as integer → real; Numeric → exact decimal string: fl_column_value),
 * so rows read like SQLAlchemy objects. */
void fl_model_convert_row(const fl_model *m, json_t *row);

/* fl_create_all — db.create_all(): create every non-abstract model of the
 * NULL-terminated `models` (tables and indexes that already exist are kept),
 * parents before children.  Runs in its own transaction and commits, or
 * inside the caller's open transaction without committing.  `a` holds the
 * generated SQL.  Errors: FL_EINVAL (bad declaration; on MySQL an index on
 * a Text, UnicodeText or LargeBinary column without mysql_length, the
 * message naming the table and column), FL_EBUSY, FL_EDB. */
fl_err fl_create_all(fl_db *db, fl_arena *a, const fl_model *const *models);

/* fl_drop_all — db.drop_all(): DROP TABLE IF EXISTS for every non-abstract
 * model in `models`, children before the parents they reference, so
 * foreign keys are never violated.  Transaction as fl_create_all. */
fl_err fl_drop_all(fl_db *db, fl_arena *a, const fl_model *const *models);

#endif
