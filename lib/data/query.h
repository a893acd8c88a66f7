/* query.h — the query builder over a model (SQLAlchemy's Query) and the
 * unit of work (session.add / delete / commit).
 *
 *   User.query.filter_by(username=name).order_by(User.id).first()
 * becomes, one builder call a line,
 *   fl_query *q = fl_query_new(db, arena, &User);
 *   fl_query_filter_by(q, "username", json_string(name));
 *   fl_query_order_by(q, "id", false);
 *   fl_err e = fl_query_first(q, &user);   // user == NULL when none
 * or chained, as SQLAlchemy's Query is:
 *   e = fl_query_first(fl_query_order_by(fl_query_filter_by(
 *           fl_query_new(db, arena, &User), "username", json_string(name)),
 *           "id", false), &user);
 *
 * Errors are checked once, at the end (SQLite's sqlite3_str pattern;
 * SQLAlchemy raises when the query runs).  A builder call — fl_query_new,
 * filter_by, filter, filter_or, order_by, group_by, limit, offset, load,
 * fl_query_related — returns no error: it records the first one in the
 * query and returns the query, so calls chain.  A builder on a query that
 * has failed does nothing, so the first error stays the one reported, and
 * so does the database's description of it (fl_db_error_column, ...).  The
 * terminal calls — all, first, count, paginate (and the views' first_or_404
 * and paginate that web/ builds on them) — return the recorded error before any SQL
 * runs.  fl_query_error reads it at any point.  fl_query_new and
 * fl_query_related never return NULL: given a NULL db, arena or model they
 * return a shared query that carries FL_EINVAL.
 *
 * Every column name is looked up in the model (unknown → FL_EINVAL), so
 * only identifiers from the C declarations reach SQL; every value is bound.
 * The same query shape always produces the same SQL text, so it hits the
 * statement cache.
 *
 * Memory: the query, its SQL and the rows it returns live in the arena
 * given to fl_query_new (jansson is pointed at it during each call).
 * Values passed in are copied; the caller keeps its own.
 */
#ifndef FL_QUERY_H
#define FL_QUERY_H

#include <jansson.h>
#include <stdbool.h>

#include "base/arena.h"
#include "data/db.h"
#include "base/err.h"
#include "data/model.h"

/* Operators of filter(): column <op> value. */
typedef enum fl_op {
	FL_OP_EQ,           /* =  (with null: IS NULL, as SQLAlchemy's == None) */
	FL_OP_NE,           /* != (with null: IS NOT NULL) */
	FL_OP_LT,           /* < */
	FL_OP_LE,           /* <= */
	FL_OP_GT,           /* > */
	FL_OP_GE,           /* >= */
	FL_OP_LIKE,         /* LIKE; value is a string pattern with % and _ */
	FL_OP_IN,           /* in_(): value is a JSON array of scalars */
	FL_OP_IS_NULL,      /* is_(None); value ignored */
	FL_OP_IS_NOT_NULL,  /* isnot(None); value ignored */
	/* issue 17 */
	FL_OP_BETWEEN,      /* between(lo, hi): value [lo, hi], two scalars; inclusive */
	FL_OP_NOT_IN,       /* notin_(): value a JSON array of scalars; [] matches every row */
	FL_OP_NOT_LIKE,     /* notlike(): NOT LIKE; value a string pattern */
	FL_OP_ILIKE,        /* ilike(): case-insensitive LIKE (SQLite: lower(x) LIKE lower(?),
	                     * which folds ASCII letters only, as with SQLAlchemy there) */
	FL_OP_NOT_ILIKE,    /* notilike() */
	FL_OP_CONTAINS,     /* contains(s, autoescape=True): '%', '_' and '/' in the string
	                     * value match themselves; LIKE ? ESCAPE '/' */
	FL_OP_STARTSWITH,   /* startswith(s, autoescape=True) */
	FL_OP_ENDSWITH,     /* endswith(s, autoescape=True) */
	FL_OP__MAX
} fl_op;

/* The SQL spelling of each operator ("=", "LIKE", "IN", "IS NULL"...);
 * for ILIKE and the autoescaped CONTAINS/STARTSWITH/ENDSWITH a name (the
 * dialect spells them). */
extern const char *const fl_op_names[FL_OP__MAX];

/* One condition of fl_query_filter_or(): column <op> value. */
typedef struct fl_cond {
	const char *column;         /* a column of the model */
	fl_op op;                   /* the operator */
	json_t *value;              /* the operand (borrowed) */
} fl_cond;

/* A query over one model (SQLAlchemy's Query), in an arena (opaque). */
typedef struct fl_query fl_query;

/* fl_query_new — Model.query: every row of `m`, unfiltered.  Allocated
 * from `a`; never NULL (a NULL db, arena or model gives a query that
 * carries FL_EINVAL, see above). */
fl_query *fl_query_new(fl_db *db, fl_arena *a, const fl_model *m);

/* fl_query_error — the first error a builder recorded in `q` (FL_OK when
 * none; FL_EINVAL for NULL).  The terminal calls return it themselves;
 * this is for a view that wants to know before running anything. */
fl_err fl_query_error(const fl_query *q);

/* fl_query_filter_by — filter_by(column=value): AND-ed equality; a NULL
 * `value` or JSON null means IS NULL.  Returns q.  Records FL_EINVAL
 * (unknown column, array/object value). */
fl_query *fl_query_filter_by(fl_query *q, const char *column, json_t *value);

/* fl_query_filter — filter(Model.column <op> value), AND-ed with the rest.
 * Returns q.  Records FL_EINVAL (unknown column or operator, a value the
 * operator cannot take: LIKE needs a string, IN an array of scalars). */
fl_query *fl_query_filter(fl_query *q, const char *column, fl_op op, json_t *value);

/* fl_query_filter_or — filter(or_(c1, c2, ...)): the `n` conditions of
 * `conds` OR-ed together, AND-ed with the rest.  n == 0 matches nothing,
 * as or_() of nothing.  Returns q.  Records: as fl_query_filter. */
fl_query *fl_query_filter_or(fl_query *q, const fl_cond *conds, size_t n);

/* fl_query_order_by — order_by(Model.column) or order_by(Model.column.desc());
 * successive calls add further sort keys.  Returns q.  Records FL_EINVAL
 * (unknown column). */
fl_query *fl_query_order_by(fl_query *q, const char *column, bool desc);

/* fl_query_limit — limit(n); n < 0 removes the limit.  Returns q. */
fl_query *fl_query_limit(fl_query *q, long n);

/* fl_query_offset — offset(n); n <= 0 removes the offset.  Returns q. */
fl_query *fl_query_offset(fl_query *q, long n);

/* fl_query_all — all(): every matching row, as a JSON array of objects
 * (the model's columns, in its types: Boolean as true/false) in the query's
 * arena.  Errors: the error a builder recorded (then no SQL runs),
 * FL_ENOTABLE (fl_db_error_table names the table), FL_EBUSY, FL_EDB. */
fl_err fl_query_all(fl_query *q, json_t **rows);

/* fl_query_first — first(): the first matching row (LIMIT 1), or *row =
 * NULL with FL_OK when there is none.  Errors: as fl_query_all. */
fl_err fl_query_first(fl_query *q, json_t **row);

/* fl_query_count — count(): how many rows all() would return.
 * Errors: as fl_query_all. */
fl_err fl_query_count(fl_query *q, long *n);

/* fl_get — Model.query.get(id): the row whose (single-column) primary key
 * is `id`, or *row = NULL with FL_OK.  Row in `a`.  Errors: FL_EINVAL (no
 * or composite primary key), as fl_query_all. */
fl_err fl_get(fl_db *db, fl_arena *a, const fl_model *m, json_t *id, json_t **row);

/* fl_db_add — session.add(obj) + flush: fill client defaults into `row`,
 * validate it (fl_model_validate), INSERT the columns it holds with bound
 * values, and store a generated INTEGER primary key into `row` ("id").
 * Begins a transaction if none is open; fl_db_commit() makes it durable.
 * New values in `row` come from jansson's current arena.
 * Errors: FL_EINVAL (unknown key, missing NOT NULL value, too long, wrong
 * type: nothing written, fl_db_error_column names the column), FL_EEXISTS
 * (unique/primary key taken), FL_ECONSTRAINT, FL_ENOTABLE, FL_EBUSY, FL_EDB
 * — database errors poison the transaction (see db.h). */
fl_err fl_db_add(fl_db *db, const fl_model *m, json_t *row);

/* fl_db_add_all — session.add_all(rows): validates every row of the JSON
 * array `rows` first, then adds them in order.  Errors: as fl_db_add. */
fl_err fl_db_add_all(fl_db *db, const fl_model *m, json_t *rows);

/* fl_db_update — flush the changed attributes of an object: UPDATE the
 * columns present in `row` (validated, primary key excluded) WHERE the
 * primary key equals row's.  Errors: FL_EINVAL (no primary key value),
 * FL_ENOTFOUND (no such row), as fl_db_add. */
fl_err fl_db_update(fl_db *db, const fl_model *m, json_t *row);

/* fl_db_delete — session.delete(obj) + flush: DELETE the row whose primary
 * key is row's (a table without one, like an association db.Table: whose
 * foreign key columns all equal row's), with what SQLAlchemy does to the
 * rows related to it through every relationship of `m`, declared or
 * backref (cascade.c): the children of a one-to-many with
 * FL_CASCADE_DELETE are deleted first (each with its own cascades), other
 * children get their foreign key set to NULL (SQLAlchemy's default), the
 * association rows of every many-to-many are deleted, and the parent of a
 * many-to-one with FL_CASCADE_DELETE is deleted after the row.  A model
 * with no such relationship costs one DELETE; otherwise the stored row is
 * read first (under the write lock) for its keys.  Any failure after the
 * first statement poisons the unit of work, so nothing is half-deleted.
 * Errors: FL_EINVAL (no key value), FL_ENOTFOUND (no such row; nothing
 * written), FL_ECONSTRAINT (a NOT NULL foreign key of a child that would be
 * set to NULL — the message names it —, or a reference the model does not
 * declare), FL_ENOTABLE, FL_EBUSY, FL_EDB. */
fl_err fl_db_delete(fl_db *db, const fl_model *m, json_t *row);

/* ---- grouping, pagination and relationships (issue 3) ---- */

/* fl_query_group_by — group_by(Model.column); successive calls add
 * columns (group_by(a, b)), "Model.col" after a join.  Without
 * fl_query_select, func.count() is implied: all() returns one row per
 * distinct value(s), {"<column>": value, ..., "count": n}; with it, the
 * rows hold the selected labels (aggregates: fl_query_select, conditions
 * on them: fl_query_having).  Ordered by the query's order_by, else by the
 * group_by columns.  Returns q.  Records FL_EINVAL (unknown column, more
 * than FL_QUERY_MAX_GROUPS (8) columns). */
fl_query *fl_query_group_by(fl_query *q, const char *column);

/* Flask-SQLAlchemy's Pagination. */
typedef struct fl_pagination {
	json_t *items;      /* the rows of this page (array, in the query's arena) */
	long page;          /* 1-based */
	long per_page;              /* rows per page */
	long total;         /* rows of the whole query */
	long pages;         /* ceil(total / per_page); 0 when total is 0 */
	bool has_prev, has_next;    /* whether a previous / next page exists */
	long prev_num;      /* page - 1, or 0 when none */
	long next_num;      /* page + 1, or 0 when none */
} fl_pagination;

/* fl_query_paginate — paginate(page, per_page, error_out=True): runs a
 * count and one page of rows (with the relationships asked for by
 * fl_query_load).  page < 1, per_page < 1, or a page past the last one
 * (except page 1 of an empty result) → FL_ENOTFOUND (the view answers
 * 404).  per_page is capped at `max_per_page` (0 = no cap).  A limit or
 * offset set on the query is ignored here (and kept for later calls).
 * p->items is an array even on error.  Costs one count, plus one page and
 * one statement per loaded relationship when the result is not empty.
 * Errors: as fl_query_all; FL_ENOTFOUND is then recorded in the query. */
fl_err fl_query_paginate(fl_query *q, long page, long per_page, long max_per_page,
	fl_pagination *p);

/* fl_pagination_iter_pages — iter_pages(left_edge=2, left_current=2,
 * right_current=5, right_edge=2): a JSON array of page numbers with null
 * where Flask-SQLAlchemy yields None (a gap): Flask-SQLAlchemy 2.x's
 * algorithm — shown are 1..left_edge, [page-left_current,
 * page+right_current) and the last right_edge pages, with one null per run
 * of hidden pages.  Page 10 of 20 → [1,2,null,8,...,14,null,19,20].
 * New reference. */
json_t *fl_pagination_iter_pages(const fl_pagination *p, long left_edge, long left_current,
	long right_current, long right_edge);

/* fl_pagination_to_json — every field above plus "iter_pages" (default
 * edges) as a JSON object for templates and the API; items included.
 * prev_num/next_num are null when there is none (Python's None).
 * New reference. */
json_t *fl_pagination_to_json(const fl_pagination *p);

/* fl_db_set_models — register the application's models (NULL-terminated;
 * the array must outlive the connection) so that relationships and their
 * backrefs can be resolved by name.  Called once at start-up. */
void fl_db_set_models(fl_db *db, const fl_model *const *models);

/* fl_query_load — eager-load relationship `path` for every row the query
 * returns: "role" (a many-to-one, possibly declared as a backref on the
 * other model), "users" (one-to-many, honouring the relationship's
 * order_by), "courses" (many-to-many through `secondary`), "ident"
 * (uselist=False: an object or null), or a dotted path "articles.user".
 * Each relationship costs ONE extra statement whatever the number of rows
 * (SELECT ... WHERE key IN (...)), never one per row.  The related rows are
 * stored in each row under the relationship's name.  Within a row, related
 * rows follow the relationship's order_by, then the target's primary key.
 * A backref is scalar when it points to the "one" side or its foreign key
 * is UNIQUE (users.ident_id → ident.user), unless backref_uselist says
 * otherwise; its order_by is backref_order_by.  lazy='dynamic'
 * relationships load too.  Paths sharing a prefix ("articles",
 * "articles.user") load the prefix once.  The path is checked at once;
 * loading happens in all/first/paginate (not with group_by).  Returns q.
 * Records FL_EINVAL (unknown relationship, models not registered for a
 * backref, more than 16 paths). */
fl_query *fl_query_load(fl_query *q, const char *path);

/* fl_query_related — a dynamic relationship (lazy='dynamic'): a new query
 * over the target model of relationship `name` of model `m`, restricted to
 * the rows related to `row` (foreign key, backref or secondary table), with
 * the relationship's order_by; filter/order_by/paginate it further.
 * A row without the key (unsaved) gets a query matching nothing.
 * Never NULL: an unknown relationship (or an order_by naming an unknown
 * column) gives a query that carries FL_EINVAL, for the terminal call to
 * return. */
fl_query *fl_query_related(fl_db *db, fl_arena *a, const fl_model *m, json_t *row,
	const char *name);

/* ---- richer queries (issue 17) ----
 *
 *   Student.query.filter(or_(and_(Student.s_age >= 18, Student.s_name.startswith(p)),
 *                            not_(Student.s_score.between(0, 50))))
 * becomes
 *   fl_query *q = fl_query_new(db, arena, &Student);
 *   fl_query_where(q, fl_or(q,
 *       fl_and(q, fl_col(q, "s_age", FL_OP_GE, json_integer(18)),
 *                 fl_col(q, "s_name", FL_OP_STARTSWITH, json_string(p))),
 *       fl_not(q, fl_col(q, "s_score", FL_OP_BETWEEN, json_pack("[i,i]", 0, 50)))));
 *
 * Column names.  "col" is a column of the query's model; after
 * fl_query_join, "Role.name" (the model's class name, as SQLAlchemy users
 * write it) or "roles.name" (its table name) names a column of a joined
 * model (or of the query's own).  Every such name is looked up; an
 * unknown column, or a model the query has not joined, records FL_EINVAL
 * with fl_db_error_column naming it.  A join must come before any call
 * that names a column (filter, order_by, group_by, select, fl_col...):
 * once a query joins, every column it spells is table-qualified. */

/* A condition in a query's arena (SQLAlchemy's ClauseElement): built by
 * fl_col, fl_func_col, fl_and, fl_or, fl_not; used by fl_query_where and
 * fl_query_having of the same query.  Opaque. */
typedef struct fl_clause fl_clause;

/* fl_col — Model.column <op> value (null with FL_OP_EQ/NE: IS [NOT] NULL),
 * in q's arena; `value` is copied (borrowed during the call).  Never NULL:
 * an unknown column or a value the operator cannot take (BETWEEN needs
 * [lo, hi], IN/NOT_IN an array of scalars, the LIKE family a string, the
 * others a scalar) records FL_EINVAL in q and gives a clause that carries
 * it. */
fl_clause *fl_col(fl_query *q, const char *column, fl_op op, json_t *value);

/* fl_and_n, fl_or_n — and_(c...), or_(c...) of the `n` clauses of `cs`,
 * nested to any depth.  and_() of nothing is true, or_() of nothing
 * false.  Never NULL: a NULL q/cs (with n > 0) or a NULL or failed part
 * records FL_EINVAL (or the part's error) in q. */
fl_clause *fl_and_n(fl_query *q, size_t n, fl_clause *const *cs);
fl_clause *fl_or_n(fl_query *q, size_t n, fl_clause *const *cs);

/* fl_and, fl_or — and_(a, b, ...), or_(a, b, ...) with one or more
 * clause arguments (no NULL terminator: the count comes from the list). */
#define fl_and(q, ...) fl_and_n((q), sizeof((fl_clause *[]){ __VA_ARGS__ }) / sizeof(fl_clause *), \
	(fl_clause *[]){ __VA_ARGS__ })
#define fl_or(q, ...) fl_or_n((q), sizeof((fl_clause *[]){ __VA_ARGS__ }) / sizeof(fl_clause *), \
	(fl_clause *[]){ __VA_ARGS__ })

/* fl_not — not_(c): SQL NOT (c) (a row where c is NULL matches neither c
 * nor not_(c), as in SQL).  Never NULL; errors as fl_and_n. */
fl_clause *fl_not(fl_query *q, fl_clause *c);

/* fl_query_where — filter(clause), AND-ed with the query's other filters.
 * Returns q.  Records FL_EINVAL (NULL clause, a clause of another query
 * or one naming an aggregate — that belongs in having) or the clause's
 * own error. */
fl_query *fl_query_where(fl_query *q, fl_clause *c);

/* fl_query_join — query.join(Model.rel): an inner JOIN along relationship
 * `path` of the query's model (declared on it or a backref), or a dotted
 * path "articles.user" joining each level in turn; a many-to-many joins
 * its secondary table too.  Afterwards columns of the joined models can be
 * named as "Model.col"/"table.col" (above).  Rows are still the query's
 * model's rows: all(), first(), one() and paginate()'s items drop repeated
 * rows (same primary key), as SQLAlchemy 1.4's Query does for an entity
 * query, while count() counts the joined rows (SQLAlchemy's count() does
 * too) — use fl_query_distinct to count each row once.  Returns q.
 * Records FL_EINVAL: unknown relationship, a model joined twice (needs
 * aliases, not supported), more than FL_QUERY_MAX_JOINS (8) models, or a
 * join after a call that named a column. */
fl_query *fl_query_join(fl_query *q, const char *path);

/* fl_query_compact — all(), first(), one(), one_or_none() and
 * paginate()'s items return compact rows (base/row.h) instead of plain
 * objects: a row is built without a hash operation per cell, the template
 * engine reads row.col by column index, and the JSON output (web's
 * fl_jsonify, base/jsondump.h) writes it straight from its cells.  Why an
 * opt-in rather than the default: a compact row's columns are not members
 * json_object_get can see, and applications read rows with
 * json_object_get today — so every existing call keeps returning plain
 * objects, and a view that only hands its rows to a template or to
 * jsonify (a list page) asks for the fast form.  Read a compact row in C
 * with fl_row_get (it reads both kinds), convert it with fl_row_object
 * before json_dumps, fl_db_update or storing it.  Relationships loaded by
 * fl_query_load become ordinary members of each row (the related rows
 * themselves are plain objects).  Rows of group_by or select queries stay
 * plain.  Returns q. */
fl_query *fl_query_compact(fl_query *q);

/* fl_query_distinct — distinct(): SELECT DISTINCT.  Returns q. */
fl_query *fl_query_distinct(fl_query *q);

/* Aggregate functions of select and having (SQLAlchemy's func.count...). */
typedef enum fl_func {
	FL_FUNC_NONE,   /* the plain column */
	FL_FUNC_COUNT,  /* count(col), count(*) when column is NULL: an integer */
	FL_FUNC_SUM,    /* sum(col): integer for Integer columns, real for Float; null on no rows */
	FL_FUNC_AVG,    /* avg(col): always real (SQLite's avg, as SQLAlchemy returns there) */
	FL_FUNC_MIN,    /* min(col), in the column's type */
	FL_FUNC_MAX,    /* max(col), in the column's type */
	FL_FUNC__MAX
} fl_func;

/* The SQL name of each function ("", "count", "sum", "avg", "min", "max"). */
extern const char *const fl_func_names[FL_FUNC__MAX];

/* fl_query_select — db.session.query(Model.col, func.count(Model.id)
 * .label("n"), ...): from the first call on, all()/first()/one() return
 * rows holding only the selected entities, keyed by `label` (NULL: the
 * column's name for a plain column, "count" for count(*), else
 * "<func>_<column>", e.g. "avg_s_score").  `column` may be NULL only for
 * FL_FUNC_COUNT.  Plain columns and min/max come back in the column's type.
 * No relationships are loaded and joined rows are not deduplicated for
 * such a query (SQLAlchemy returns tuples as they come).  Returns q.
 * Records FL_EINVAL: unknown column or function, a label that is not an
 * identifier ([A-Za-z_][A-Za-z0-9_]*), more than FL_QUERY_MAX_SELECT (16). */
fl_query *fl_query_select(fl_query *q, fl_func fn, const char *column, const char *label);

/* fl_func_col — func.<fn>(Model.column) <op> value, for fl_query_having
 * (e.g. having(func.count(Student.id) > 1)); `column` NULL with
 * FL_FUNC_COUNT is count(*); FL_FUNC_NONE is fl_col.  Never NULL; records
 * as fl_col. */
fl_clause *fl_func_col(fl_query *q, fl_func fn, const char *column, fl_op op, json_t *value);

/* fl_query_having — having(clause), AND-ed with earlier having calls;
 * needs fl_query_group_by.  Returns q.  Records FL_EINVAL (NULL clause,
 * no group_by, a clause of another query) or the clause's error. */
fl_query *fl_query_having(fl_query *q, fl_clause *c);

/* fl_query_one — one(): the only matching row.  Errors: FL_ENOTFOUND (no
 * row: NoResultFound), FL_EMULTIPLE (more than one: MultipleResultsFound),
 * as fl_query_all.  *row is NULL on error. */
fl_err fl_query_one(fl_query *q, json_t **row);

/* fl_query_one_or_none — one_or_none(): the only matching row, or *row =
 * NULL with FL_OK when none.  Errors: FL_EMULTIPLE, as fl_query_all. */
fl_err fl_query_one_or_none(fl_query *q, json_t **row);

/* fl_query_scalar — scalar(): the first column of one_or_none()'s row —
 * the first selected entity (fl_query_select), the first group_by column,
 * or for a plain query the whole row (SQLAlchemy returns the object) —
 * or *value = NULL with FL_OK when no row matches.  Errors: FL_EMULTIPLE,
 * as fl_query_all. */
fl_err fl_query_scalar(fl_query *q, json_t **value);

/* fl_query_exists — db.session.query(q.exists()).scalar(): whether any
 * row matches, in one SELECT EXISTS (...) statement.  Errors: as
 * fl_query_all. */
fl_err fl_query_exists(fl_query *q, bool *exists);

/* fl_query_update — query.update(values, synchronize_session=False): one
 * UPDATE of every matching row setting the columns of the JSON object
 * `values` (bound), and *n (if not NULL) the number of rows changed.
 * Values are checked with fl_model_validate(insert=false).  Runs through
 * fl_db_execute: it begins a transaction if none is open, and a failure
 * (a UNIQUE or NOT NULL violation) poisons it so that fl_db_commit rolls
 * back the whole unit of work.  Errors: FL_EINVAL (an empty or non-object
 * `values`, an unknown column or a bad value — fl_db_error_column names
 * it — or a query with join, select, group_by, having, distinct, order_by,
 * limit or offset, which SQLAlchemy refuses too), FL_EEXISTS,
 * FL_ECONSTRAINT, FL_ENOTABLE, FL_EBUSY, FL_EDB, or the builders' error. */
fl_err fl_query_update(fl_query *q, json_t *values, long *n);

/* fl_query_delete — query.delete(synchronize_session=False): one DELETE of
 * every matching row; *n (if not NULL) rows deleted.  Transaction and
 * errors as fl_query_update (FL_ECONSTRAINT: a row is still referenced). */
fl_err fl_query_delete(fl_query *q, long *n);

/* fl_query_sql — str(query): the SELECT all() would run, with `?`
 * placeholders (the dialect's), in the query's arena; NULL when the query
 * carries an error.  Runs nothing. */
const char *fl_query_sql(fl_query *q);

#endif
