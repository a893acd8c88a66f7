/* bulk.c — query.update(values) and query.delete(): one UPDATE or DELETE
 * of every row a query matches, through fl_db_execute (so a failure
 * poisons the unit of work).  See query.h. */
#include "data/internal.h"

#include <string.h>

/* SQLAlchemy refuses a bulk update/delete of a query with these. */
static fl_err check_bulk(fl_query *q, const char *what)
{
	const char *why = q->njoins ? "join()" : q->nselect ? "select()" :
		q->ngroups ? "group_by()" : q->having.len ? "having()" :
		q->distinct ? "distinct()" : q->order.len ? "order_by()" :
		q->limit >= 0 ? "limit()" : q->offset > 0 ? "offset()" : NULL;
	if (!why)
		return FL_OK;
	return fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
		"Can't call Query.%s() when %s has been called", what, why);
}

/* Run `b` + " WHERE ..." with `params` + the where values. */
static fl_err run_bulk(fl_query *q, fl_buf *b, json_t *params, long *n)
{
	if (q->where.len)
		fl_buf_printf(b, " WHERE %s", fl_buf_cstr(&q->where));
	json_array_extend(params, q->params);
	int changes = 0;
	fl_err err = fl_db_execute(q->db, fl_dialect_finish(q->dialect, q->arena, fl_buf_cstr(b)),
		params, NULL, &changes);
	if (!err && n)
		*n = changes;
	return err;
}

fl_err fl_query_update(fl_query *q, json_t *values, long *n)
{
	if (n)
		*n = 0;
	if (fl_query_failed(q))
		return fl_query_error(q);
	fl_err err = check_bulk(q, "update");
	if (err)
		return err;
	if (!json_is_object(values) || json_object_size(values) == 0)
		return fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"update() needs an object of column values");
	if ((err = fl_data_validate(q->db, q->model, values, false)))
		return err;
	fl_arena *old = fl_json_set_arena(q->arena);
	/* SQLAlchemy's bulk update applies Column.onupdate to the columns the
	 * values do not set: on a copy, the caller's object stays its own.  The
	 * SET list follows the model's column order, so one set of columns is
	 * one statement. */
	values = json_copy(values);
	json_t *params = json_array();
	fl_buf set, b;
	fl_buf_init(&set, q->arena);
	fl_buf_init(&b, q->arena);
	err = fl_data_apply_onupdate(q->db, q->model, values);
	if (!err)
		err = fl_data_put_set_list(q->db, q->dialect, q->model, values, NULL, &set, params);
	if (!err) {
		fl_buf_puts(&b, "UPDATE ");
		q->dialect->put_ident(&b, fl_model_table(q->model));
		fl_buf_printf(&b, " SET %s", fl_buf_cstr(&set));
		err = run_bulk(q, &b, params, n);
	}
	fl_json_set_arena(old);
	return err;
}

fl_err fl_query_delete(fl_query *q, long *n)
{
	if (n)
		*n = 0;
	if (fl_query_failed(q))
		return fl_query_error(q);
	fl_err err = check_bulk(q, "delete");
	if (err)
		return err;
	fl_arena *old = fl_json_set_arena(q->arena);
	fl_buf b;
	fl_buf_init(&b, q->arena);
	fl_buf_puts(&b, "DELETE FROM ");
	q->dialect->put_ident(&b, fl_model_table(q->model));
	err = run_bulk(q, &b, json_array(), n);
	fl_json_set_arena(old);
	return err;
}
