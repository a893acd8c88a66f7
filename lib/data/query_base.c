/* query_base.c — the query object itself: a new query, the first error a
 * builder records in it, and the small checks every file of the model
 * layer shares.  The files that build and run queries (clause.c, join.c,
 * loading.c, query.c, bulk.c) stand on it.  See query.h and internal.h. */
#include "data/internal.h"

#include <stdio.h>
#include <string.h>

/* What fl_query_new gives for a NULL db, arena or model: a query that
 * carries FL_EINVAL and that nothing ever writes (every builder and
 * terminal call looks at err first), so it can be shared and read-only. */
const fl_query fl_query_invalid = { .err = FL_EINVAL, .limit = -1 };

/* A failed query never changes again: its first error is the answer. */
bool fl_query_failed(const fl_query *q)
{
	return !q || q->err;
}

/* The query to hand back from a builder: never NULL. */
fl_query *fl_query_chain(fl_query *q)
{
	return q ? q : (fl_query *)&fl_query_invalid;
}

fl_query *fl_query_new(fl_db *db, fl_arena *a, const fl_model *m)
{
	if (!db || !a || !m)
		return (fl_query *)&fl_query_invalid;
	fl_query *q = fl_arena_calloc(a, 1, sizeof *q);
	fl_arena *old = fl_json_set_arena(a);
	*q = (fl_query){ .db = db, .arena = a, .model = m, .params = json_array(), .limit = -1,
		.dialect = fl_db_dialect(db), .joins.arena = a, .having.arena = a };
	fl_json_set_arena(old);
	fl_buf_init(&q->where, a);
	fl_buf_init(&q->order, a);
	return q;
}

fl_err fl_query_error(const fl_query *q)
{
	return q ? q->err : FL_EINVAL;
}

/* Record `err` as the query's error (callers have checked it had none). */
fl_query *fl_query_fail(fl_query *q, fl_err err)
{
	if (!q->err)
		q->err = err;
	return q;
}

fl_err fl_data_unknown_column(fl_db *db, const fl_model *m, const char *column)
{
	return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), column,
		"table %s has no column %s", fl_model_table(m), column ? column : "(null)");
}

fl_err fl_data_not_found(fl_db *db, const fl_model *m, json_t *key)
{
	char text[64] = "given";
	if (json_is_integer(key))
		snprintf(text, sizeof text, "%lld", (long long)json_integer_value(key));
	else if (json_is_string(key))
		snprintf(text, sizeof text, "%.60s", json_string_value(key));
	return fl_db_set_error(db, FL_ENOTFOUND, fl_model_table(m), NULL, "%s has no row with key %s",
		fl_model_table(m), text);
}

bool fl_json_is_scalar(json_t *v)
{
	return v && !json_is_array(v) && !json_is_object(v);
}

const fl_column *fl_model_single_pk(fl_db *db, const fl_model *m)
{
	const fl_column *pk = fl_model_primary_key(m);
	for (const fl_column *c = pk ? pk + 1 : NULL; c && c->name; c++)
		if (c->primary_key)
			pk = NULL;
	if (!pk)
		fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL,
			"table %s needs a single-column primary key here", fl_model_table(m));
	return pk;
}
