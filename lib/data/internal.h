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
#include "data/model.h"
#include "data/query.h"

/* Most fl_query_load paths one query may carry. */
#define FL_QUERY_MAX_LOADS 16

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
	const fl_column *group;            /* group_by column, or NULL */
	const char *loads[FL_QUERY_MAX_LOADS];  /* relationship paths to eager-load */
	size_t nloads;
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

/* Is `v` a JSON scalar (not NULL, an array or an object)? */
bool fl_json_is_scalar(json_t *v);

/* The single-column primary key of `m`, or NULL with FL_EINVAL recorded
 * on `db` (no or composite primary key). */
const fl_column *fl_model_single_pk(fl_db *db, const fl_model *m);

/* Append "table"."column" to `b`. */
void fl_sql_put_qualified(fl_buf *b, const fl_model *m, const fl_column *c);

/* Eager-load the relationship paths of `q` (fl_query_load) into `rows`. */
fl_err fl_query_load_paths(fl_query *q, json_t *rows);

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
} fl_rel;

/* fl_rel_find — relationship `name` of `m`, declared on it or as a
 * backref elsewhere (models registered with fl_db_set_models).
 * Errors: FL_EINVAL, recorded on `db`. */
fl_err fl_rel_find(fl_db *db, const fl_model *m, const char *name, fl_rel *r);

/* fl_rel_order — the relationship's order_by ("col" or "-col") as the
 * target's column (NULL when none) and direction.  Errors: FL_EINVAL. */
fl_err fl_rel_order(fl_db *db, const fl_rel *r, const fl_column **col, bool *desc);

#endif
