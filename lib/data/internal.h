/* internal.h — what the files of the model layer share (query.c,
 * unitofwork.c, relationship.c, loading.c); not a public header.
 *
 * The query object is defined here so that relationship loading can build
 * and extend queries; the relationship resolver (fl_rel) is shared by
 * loading and writing through relationships. */
#ifndef FL_DATA_INTERNAL_H
#define FL_DATA_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "base/arena.h"
#include "base/err.h"
#include "data/db.h"
#include "data/dialect.h"
#include "data/model.h"
#include "data/query.h"

/* Most fl_query_load paths one query may carry. */
#define FL_QUERY_MAX_LOADS 16

/* Most models one query may join, group_by columns, and selected
 * entities (fl_query_join, fl_query_group_by, fl_query_select). */
#define FL_QUERY_MAX_JOINS 8
#define FL_QUERY_MAX_GROUPS 8
#define FL_QUERY_MAX_SELECT 16

/* A column of the query's model or of a model it joined, or an aggregate
 * of one (fn: FL_FUNC_NONE for the plain column; col NULL: count(*)). */
typedef struct fl_operand {
	fl_func fn;
	const fl_model *model;
	const fl_column *col;
} fl_operand;

/* One entity of a query that names its result columns (fl_query_select):
 * the operand and the key it gets in each row. */
typedef struct fl_entity {
	fl_operand op;
	const char *label;
} fl_entity;

/* A query over one model: its clauses as SQL text built from the model's
 * declarations, and the values bound to their placeholders. */
struct fl_query {
	fl_db *db;
	fl_arena *arena;
	const fl_model *model;
	fl_buf where;      /* "(...) AND (...)", "" when unfiltered */
	fl_buf order;      /* "\"a\" DESC, \"b\"", "" when unordered */
	json_t *params;    /* values bound to the ?s of `where`, in order */
	long limit;        /* < 0: none */
	long offset;       /* <= 0: none */
	fl_err err;        /* the first builder error, returned by the terminal call */
	const char *loads[FL_QUERY_MAX_LOADS];  /* relationship paths to eager-load */
	size_t nloads;
	/* ---- richer queries (issue 17): dialect, joins, distinct, select
	 * with aggregates, several group_by columns, having ---- */
	const struct fl_dialect *dialect;  /* fl_db_dialect(db): how SQL is spelled */
	bool named;         /* a column has been spelled into SQL: too late to join */
	bool distinct;      /* SELECT DISTINCT */
	size_t njoins;
	const fl_model *joined[FL_QUERY_MAX_JOINS];  /* models joined, in order */
	fl_buf joins;       /* " JOIN ... ON ..." clauses */
	size_t ngroups;     /* group_by columns (in GROUP BY order) */
	fl_operand groups[FL_QUERY_MAX_GROUPS];
	size_t nselect;     /* 0: the model's rows (or group_by's contract rows) */
	fl_entity select[FL_QUERY_MAX_SELECT];
	fl_buf having;      /* "(...) AND (...)" */
	json_t *having_params;  /* values bound to the ?s of `having`; NULL when none */
	bool compact;       /* fl_query_compact: entity rows as compact rows (base/row.h) */
};

/* The shared read-only query that carries FL_EINVAL (fl_query_new of a
 * NULL db, arena or model). */
extern const fl_query fl_query_invalid;

/* Has `q` recorded an error (or is it NULL)?  A failed query never
 * changes again. */
bool fl_query_failed(const fl_query *q);

/* The query a builder hands back: `q`, or the invalid query for NULL. */
fl_query *fl_query_chain(fl_query *q);

/* Record `err` as q's error unless it has one; returns q. */
fl_query *fl_query_fail(fl_query *q, fl_err err);

/* Record on `db` that table `m` has no column `column`; FL_EINVAL. */
fl_err fl_data_unknown_column(fl_db *db, const fl_model *m, const char *column);

/* Record on `db` that `m` has no row with primary key `key` (printed
 * when an integer or a string); FL_ENOTFOUND. */
fl_err fl_data_not_found(fl_db *db, const fl_model *m, json_t *key);

/* Is `v` a JSON scalar (not NULL, an array or an object)? */
bool fl_json_is_scalar(json_t *v);

/* The single-column primary key of `m`, or NULL with FL_EINVAL recorded
 * on `db` (no or composite primary key). */
const fl_column *fl_model_single_pk(fl_db *db, const fl_model *m);

/* Append "table"."column" to `b`. */
void fl_sql_put_qualified(const fl_dialect *d, fl_buf *b, const fl_model *m,
	const fl_column *c);

/* ---- columns by name (join.c) ---- */

/* fl_query_resolve — the column `name` names in `q`: "col" (the query's
 * model), or "Model.col" / "table.col" (the query's model or one it
 * joined, by class name or table name).  Errors: FL_EINVAL (unknown
 * column, or a model not in the query), recorded on the db. */
fl_err fl_query_resolve(fl_query *q, const char *name, const fl_model **m, const fl_column **c);

/* fl_query_put_operand — spell `o` into `b`: the column, table-qualified
 * once the query joins, inside its aggregate function if any.  Marks the
 * query as having named a column (join() must come first). */
void fl_query_put_operand(fl_query *q, fl_buf *b, const fl_operand *o);

/* fl_query_put_select_list — the model's columns: "a", "b", or with
 * `qualified` "t"."a" AS "a", "t"."b" AS "b" (through the dialect). */
void fl_query_put_select_list(const fl_dialect *d, fl_buf *b, const fl_model *m,
	bool qualified);

/* fl_query_put_cond — spell `lhs <op> value` into `b`, appending its
 * values to `params` (op and value already checked).  Shared by
 * filter/filter_or (straight into the where clause), fl_col, fl_func_col
 * and having. */
void fl_query_put_cond(fl_query *q, fl_buf *b, json_t *params, const fl_operand *lhs,
	fl_op op, json_t *value);

/* fl_query_check_cond — may `op` take `value` against `lhs` (a Numeric
 * column a decimal, a LargeBinary column no in_() list)?  The operator
 * after null normalisation (== None → IS NULL) in *norm.  Errors:
 * FL_EINVAL naming `column`. */
fl_err fl_query_check_cond(fl_query *q, const fl_operand *lhs, const char *column, fl_op op,
	json_t *value, fl_op *norm);

/* Eager-load the relationship paths of `q` (fl_query_load) into `rows`. */
fl_err fl_query_load_paths(fl_query *q, json_t *rows);

/* ---- the unit of work (unitofwork.c), shared with bulk writes ---- */

/* fl_data_validate — fl_model_validate of `row` (insert: a new row), its
 * failure recorded on `db` naming the column ("users.username is too long
 * (at most 64 characters)").  Errors: FL_EINVAL. */
fl_err fl_data_validate(fl_db *db, const fl_model *m, json_t *row, bool insert);

/* fl_data_apply_onupdate — fl_model_apply_onupdate, its failure recorded
 * on `db`.  Errors: FL_EINVAL (an onupdate that is not valid JSON). */
fl_err fl_data_apply_onupdate(fl_db *db, const fl_model *m, json_t *values);

/* fl_data_put_set_list — append `"c1" = ?, "c2" = ?` to `b` for the
 * columns of `m` that `values` holds (model order; `skip`, e.g. the
 * primary key, left out), each value bound as its column binds it
 * (fl_column_param) onto `params`.  Errors: FL_EINVAL/FL_ENOMEM recorded
 * on `db` (a value the column cannot bind). */
fl_err fl_data_put_set_list(fl_db *db, const fl_dialect *d, const fl_model *m, json_t *values,
	const fl_column *skip, fl_buf *b, json_t *params);

/* ---- relationships (relationship.c) ---- */

/* The direction of a relationship seen from one side. */
typedef enum fl_rel_kind { FL_REL_MANY_TO_ONE, FL_REL_ONE_TO_MANY, FL_REL_MANY_TO_MANY } fl_rel_kind;

/* A relationship seen from one side, whether declared there or as the
 * backref of another model's.  The rows of `target` related to a row of
 * `from` are those whose `remote` equals the row's `local` — directly, or
 * for a many-to-many through `secondary`: target.target_key =
 * secondary.sec_remote and secondary.sec_local = from.local. */
typedef struct fl_rel {
	const char *name;
	const fl_model *from, *target;
	fl_rel_kind kind;
	const fl_column *local, *remote;
	const fl_model *secondary;
	const fl_column *sec_local, *sec_remote, *target_key;
	bool uselist;
	const char *order_by;
	/* writing through relationships (issue 17) */
	unsigned cascade;   /* FL_CASCADE_* of this side (cascade= or db.backref(cascade=)) */
} fl_rel;

/* fl_rel_find — relationship `name` of `m`, declared on it or as a
 * backref elsewhere (models registered with fl_db_set_models).
 * Errors: FL_EINVAL, recorded on `db`. */
fl_err fl_rel_find(fl_db *db, const fl_model *m, const char *name, fl_rel *r);

/* fl_rel_step — one level of a dotted relationship path ("articles.user"):
 * the relationship named at *p (within `path`, for messages) of model `m`
 * in *r, and *p moved past it and its dot, or to NULL after the last
 * level.  The name is copied into `a`.  Errors: FL_EINVAL (an empty name,
 * as in "a..b" or "a.", or one fl_rel_find does not know), recorded on `db`. */
fl_err fl_rel_step(fl_db *db, fl_arena *a, const fl_model *m, const char *path,
	const char **p, fl_rel *r);

/* fl_rel_order — the relationship's order_by ("col" or "-col") as the
 * target's column (NULL when none) and direction.  Errors: FL_EINVAL. */
fl_err fl_rel_order(fl_db *db, const fl_rel *r, const fl_column **col, bool *desc);

/* ---- writing through relationships and delete cascades (issue 17) ---- */

/* fl_rel_list — every relationship of `m`: those declared on it, then the
 * backrefs other registered models declare towards it (declarations whose
 * keys cannot be resolved are left out).  *out is allocated from `a`. */
fl_err fl_rel_list(fl_db *db, const fl_model *m, fl_arena *a, fl_rel **out, size_t *n);

/* Most columns an fl_match may compare: a row's identity (its primary key,
 * or the foreign keys of a table without one) takes at most
 * FL_MATCH_MAX - 1, leaving one for an extra condition. */
#define FL_MATCH_MAX 16

/* The rows of one model whose columns equal the given values:
 * WHERE c1 = ? AND c2 = ? ..., for the simple statements below. */
typedef struct fl_match {
	const fl_model *model;
	size_t n;
	const fl_column *cols[FL_MATCH_MAX];
	json_t *vals[FL_MATCH_MAX];   /* borrowed, non-null scalars */
} fl_match;

/* fl_match_on — a match on `m` of the one condition c = v (c NULL: none). */
fl_match fl_match_on(const fl_model *m, const fl_column *c, json_t *v);

/* fl_match_and — add the condition c = v to `k` (at most FL_MATCH_MAX). */
void fl_match_and(fl_match *k, const fl_column *c, json_t *v);

/* fl_match_identity — the match that identifies `row` of `m`: its primary
 * key, or for a table without one (an association db.Table) its foreign
 * key columns.  Errors: FL_EINVAL (a key value missing or not a scalar;
 * a composite primary key is compared column by column). */
fl_err fl_match_identity(fl_db *db, const fl_model *m, json_t *row, fl_match *k);

/* SELECT the model's columns of the matching rows (in their types, from
 * jansson's current arena), ordered by the primary key if there is one. */
fl_err fl_match_select(fl_db *db, const fl_match *k, json_t **rows);

/* Whether a matching row exists (SELECT 1 ... LIMIT 1). */
fl_err fl_match_exists(fl_db *db, const fl_match *k, bool *found);

/* UPDATE the matching rows SET c = v (v NULL or JSON null: NULL). */
fl_err fl_match_update(fl_db *db, const fl_match *k, const fl_column *c, json_t *v, int *changes);

/* DELETE the matching rows. */
fl_err fl_match_delete(fl_db *db, const fl_match *k, int *changes);

/* fl_delete_cascade — session.delete(row) with the cascades of every
 * relationship of `m` (see fl_db_delete in query.h); `depth` counts the
 * levels of recursion. */
fl_err fl_delete_cascade(fl_db *db, const fl_model *m, json_t *row, int depth);

/* fl_db_poison — mark the open transaction as failed with `err` (a
 * failure the model layer found itself, half-way through a write made of
 * several statements), so that fl_db_commit rolls it back; returns err. */
fl_err fl_db_poison(fl_db *db, fl_err err);

/* fl_model_is_generated_key — whether `c` is the generated key of `m`:
 * its single Integer primary key, which SQLite makes an alias of the rowid
 * (MySQL AUTO_INCREMENT, PostgreSQL SERIAL) and fills on insert (model.c;
 * model_ddl.c declares it). */
bool fl_model_is_generated_key(const fl_model *m, const fl_column *c);

/* fl_model_key_without_length — the first column of `m` with an index
 * (index=True, not unique) that dialect `d` cannot index whole and that
 * declares no mysql_length (MySQL: Text, UnicodeText, LargeBinary), or
 * NULL when there is none (model_ddl.c; a UNIQUE is left to the server:
 * model.h, mysql_length). */
const fl_column *fl_model_key_without_length(const fl_dialect *d, const fl_model *m);

#endif
