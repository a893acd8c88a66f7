/* query.c — the query builder: filters, order, limits, running a
 * query, grouping and pagination.  See query.h. */
#include "data/internal.h"

#include <stdio.h>
#include <string.h>

const char *const fl_op_names[FL_OP__MAX] = {
	[FL_OP_EQ] = "=",
	[FL_OP_NE] = "!=",
	[FL_OP_LT] = "<",
	[FL_OP_LE] = "<=",
	[FL_OP_GT] = ">",
	[FL_OP_GE] = ">=",
	[FL_OP_LIKE] = "LIKE",
	[FL_OP_IN] = "IN",
	[FL_OP_IS_NULL] = "IS NULL",
	[FL_OP_IS_NOT_NULL] = "IS NOT NULL",
};

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
	*q = (fl_query){ .db = db, .arena = a, .model = m, .params = json_array(), .limit = -1 };
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

/* ---- conditions ---- */

bool fl_json_is_scalar(json_t *v)
{
	return v && !json_is_array(v) && !json_is_object(v);
}

static bool all_scalars(json_t *arr)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (!fl_json_is_scalar(v))
			return false;
	return true;
}

/* A null compared with = or != is SQL's IS [NOT] NULL, as in SQLAlchemy. */
static fl_op normalize_op(fl_op op, json_t *v)
{
	if (op == FL_OP_EQ && (!v || json_is_null(v)))
		return FL_OP_IS_NULL;
	if (op == FL_OP_NE && (!v || json_is_null(v)))
		return FL_OP_IS_NOT_NULL;
	return op;
}

static fl_err check_cond(fl_query *q, const fl_cond *c)
{
	if (!fl_model_column(q->model, c->column))
		return fl_data_unknown_column(q->db, q->model, c->column);
	fl_op op = normalize_op(c->op, c->value);
	bool ok;
	if ((unsigned)op >= FL_OP__MAX)
		ok = false;
	else if (op == FL_OP_IS_NULL || op == FL_OP_IS_NOT_NULL)
		ok = true;
	else if (op == FL_OP_IN)
		ok = json_is_array(c->value) && all_scalars(c->value);
	else if (op == FL_OP_LIKE)
		ok = json_is_string(c->value);
	else
		ok = fl_json_is_scalar(c->value);
	if (!ok)
		return fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), c->column,
			"invalid value or operator in filter on %s", c->column);
	return FL_OK;
}

/* Append `c` as SQL to the where clause and its value to the parameters.
 * IN binds the whole list as one JSON text read back by json_each(), so
 * every list length shares one cached statement. */
static void put_cond(fl_query *q, const fl_cond *c)
{
	fl_op op = normalize_op(c->op, c->value);
	fl_sql_put_ident(&q->where, c->column);
	fl_buf_printf(&q->where, " %s", fl_op_names[op]);
	if (op == FL_OP_IS_NULL || op == FL_OP_IS_NOT_NULL)
		return;
	if (op == FL_OP_IN) {
		fl_buf_puts(&q->where, " (SELECT value FROM json_each(?))");
		json_array_append_new(q->params, json_string(json_dumps(c->value, JSON_COMPACT)));
		return;
	}
	fl_buf_puts(&q->where, " ?");
	json_array_append_new(q->params, json_copy(c->value));
}

fl_query *fl_query_filter_or(fl_query *q, const fl_cond *conds, size_t n)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	if (n && !conds)
		return fl_query_fail(q, fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"no conditions given"));
	for (size_t i = 0; i < n; i++) {
		fl_err err = check_cond(q, &conds[i]);
		if (err)
			return fl_query_fail(q, err);
	}
	fl_arena *old = fl_json_set_arena(q->arena);
	fl_buf_puts(&q->where, q->where.len ? " AND (" : "(");
	if (n == 0)
		fl_buf_puts(&q->where, "0");
	for (size_t i = 0; i < n; i++) {
		fl_buf_puts(&q->where, i ? " OR " : "");
		put_cond(q, &conds[i]);
	}
	fl_buf_putc(&q->where, ')');
	fl_json_set_arena(old);
	return q;
}

fl_query *fl_query_filter(fl_query *q, const char *column, fl_op op, json_t *value)
{
	fl_cond c = { .column = column, .op = op, .value = value };
	return fl_query_filter_or(q, &c, 1);
}

fl_query *fl_query_filter_by(fl_query *q, const char *column, json_t *value)
{
	return fl_query_filter(q, column, FL_OP_EQ, value);
}

fl_query *fl_query_order_by(fl_query *q, const char *column, bool desc)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	if (!fl_model_column(q->model, column))
		return fl_query_fail(q, fl_data_unknown_column(q->db, q->model, column));
	fl_buf_puts(&q->order, q->order.len ? ", " : "");
	fl_sql_put_ident(&q->order, column);
	if (desc)
		fl_buf_puts(&q->order, " DESC");
	return q;
}

fl_query *fl_query_limit(fl_query *q, long n)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	q->limit = n < 0 ? -1 : n;
	return q;
}

fl_query *fl_query_offset(fl_query *q, long n)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	q->offset = n < 0 ? 0 : n;
	return q;
}

/* ---- running ---- */

static void put_select_list(fl_buf *b, const fl_model *m)
{
	for (const fl_column *c = m->columns; c->name; c++) {
		fl_buf_puts(b, c == m->columns ? "" : ", ");
		fl_sql_put_ident(b, c->name);
	}
}

/* SELECT <columns> FROM t [WHERE] [ORDER BY] [LIMIT ? OFFSET ?]; limit and
 * offset are bound so every page shares one statement.  *params gets a
 * copy of the where parameters plus those. */
static const char *select_sql(fl_query *q, json_t **params)
{
	fl_buf b;
	fl_buf_init(&b, q->arena);
	fl_buf_puts(&b, "SELECT ");
	if (q->group) {
		fl_sql_put_ident(&b, q->group->name);
		fl_buf_puts(&b, ", count(*) AS \"count\"");
	} else {
		put_select_list(&b, q->model);
	}
	fl_buf_puts(&b, " FROM ");
	fl_sql_put_ident(&b, fl_model_table(q->model));
	if (q->where.len)
		fl_buf_printf(&b, " WHERE %s", fl_buf_cstr(&q->where));
	if (q->group) {
		fl_buf_puts(&b, " GROUP BY ");
		fl_sql_put_ident(&b, q->group->name);
	}
	if (q->order.len) {
		fl_buf_printf(&b, " ORDER BY %s", fl_buf_cstr(&q->order));
	} else if (q->group) {   /* group_by() alone: SQLite's order is unspecified */
		fl_buf_puts(&b, " ORDER BY ");
		fl_sql_put_ident(&b, q->group->name);
	}
	*params = json_copy(q->params);
	if (q->limit >= 0 || q->offset > 0) {
		fl_buf_puts(&b, " LIMIT ? OFFSET ?");
		json_array_append_new(*params, json_integer(q->limit));
		json_array_append_new(*params, json_integer(q->offset));
	}
	return fl_buf_cstr(&b);
}

static fl_err run_select(fl_query *q, json_t **rows)
{
	json_t *params;
	*rows = NULL;
	if (fl_query_failed(q))
		return fl_query_error(q);
	fl_arena *old = fl_json_set_arena(q->arena);
	const char *sql = select_sql(q, &params);
	fl_err err = fl_db_query(q->db, sql, params, rows);
	size_t i;
	json_t *row;
	if (!err)
		json_array_foreach(*rows, i, row)
			fl_model_convert_row(q->model, row);
	if (!err && !q->group)
		err = fl_query_load_paths(q, *rows);
	fl_json_set_arena(old);
	if (err)
		*rows = NULL;
	return err;
}

fl_err fl_query_all(fl_query *q, json_t **rows)
{
	return run_select(q, rows);
}

fl_err fl_query_first(fl_query *q, json_t **row)
{
	json_t *rows;
	*row = NULL;
	if (fl_query_failed(q))
		return fl_query_error(q);
	long saved = q->limit;
	q->limit = 1;
	fl_err err = run_select(q, &rows);
	q->limit = saved;
	*row = err ? NULL : json_array_get(rows, 0);
	return err;
}

fl_err fl_query_count(fl_query *q, long *n)
{
	json_t *params, *rows;
	*n = 0;
	if (fl_query_failed(q))
		return fl_query_error(q);
	fl_arena *old = fl_json_set_arena(q->arena);
	const char *inner = select_sql(q, &params);
	const char *sql = fl_arena_printf(q->arena, "SELECT count(*) AS n FROM (%s)", inner);
	fl_err err = fl_db_query(q->db, sql, params, &rows);
	if (!err)
		*n = (long)json_integer_value(json_object_get(json_array_get(rows, 0), "n"));
	fl_json_set_arena(old);
	return err;
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

fl_err fl_get(fl_db *db, fl_arena *a, const fl_model *m, json_t *id, json_t **row)
{
	*row = NULL;
	const fl_column *pk = fl_model_single_pk(db, m);
	if (!pk)
		return FL_EINVAL;
	return fl_query_first(fl_query_filter_by(fl_query_new(db, a, m), pk->name, id), row);
}

/* ---- group_by ---- */

fl_query *fl_query_group_by(fl_query *q, const char *column)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	const fl_column *c = fl_model_column(q->model, column);
	if (!c)
		return fl_query_fail(q, fl_data_unknown_column(q->db, q->model, column));
	q->group = c;
	return q;
}

/* ---- pagination ---- */

static fl_err page_not_found(fl_query *q, long page, long per_page)
{
	fl_query_fail(q, fl_db_set_error(q->db, FL_ENOTFOUND, fl_model_table(q->model), NULL,
		"%s has no page %ld of %ld rows", fl_model_table(q->model), page, per_page));
	return FL_ENOTFOUND;
}

/* The rows of one page; the query's own limit/offset are put back after. */
static fl_err page_items(fl_query *q, long page, long per_page, json_t **items)
{
	long limit = q->limit, offset = q->offset;
	q->limit = per_page;
	q->offset = (page - 1) * per_page;
	fl_err err = run_select(q, items);
	q->limit = limit;
	q->offset = offset;
	return err;
}

/* The whole query's row count, ignoring any limit/offset set on it (as
 * Flask-SQLAlchemy's paginate() counts the unlimited query). */
static fl_err total_rows(fl_query *q, long *total)
{
	long limit = q->limit, offset = q->offset;
	q->limit = -1;
	q->offset = 0;
	fl_err err = fl_query_count(q, total);
	q->limit = limit;
	q->offset = offset;
	return err;
}

fl_err fl_query_paginate(fl_query *q, long page, long per_page, long max_per_page,
	fl_pagination *p)
{
	/* The invalid query has no arena: its empty items come from the
	 * current one. */
	fl_arena *old = q && q->arena ? fl_json_set_arena(q->arena) : NULL;
	*p = (fl_pagination){ .items = json_array() };
	if (q && q->arena)
		fl_json_set_arena(old);
	if (fl_query_failed(q))
		return fl_query_error(q);
	if (max_per_page > 0 && per_page > max_per_page)
		per_page = max_per_page;
	if (page < 1 || per_page < 1)
		return page_not_found(q, page, per_page);
	long total;
	fl_err err = total_rows(q, &total);
	if (err)
		return err;
	/* Divided this way so a huge per_page cannot overflow. */
	long pages = total / per_page + (total % per_page != 0);
	if (page > pages && page != 1)
		return page_not_found(q, page, per_page);
	if (total > 0 && (err = page_items(q, page, per_page, &p->items)))
		return err;
	p->page = page;
	p->per_page = per_page;
	p->total = total;
	p->pages = pages;
	p->has_prev = page > 1;
	p->has_next = page < pages;
	p->prev_num = p->has_prev ? page - 1 : 0;
	p->next_num = p->has_next ? page + 1 : 0;
	return FL_OK;
}

/* Flask-SQLAlchemy 2.x's iter_pages, line for line: a page is shown when
 * it is on an edge or near the current one, and one None marks each run
 * of hidden pages. */
json_t *fl_pagination_iter_pages(const fl_pagination *p, long left_edge, long left_current,
	long right_current, long right_edge)
{
	json_t *out = json_array();
	long last = 0;
	for (long num = 1; num <= p->pages; num++) {
		bool shown = num <= left_edge ||
			(num > p->page - left_current - 1 && num < p->page + right_current) ||
			num > p->pages - right_edge;
		if (!shown)
			continue;
		if (last + 1 != num)
			json_array_append_new(out, json_null());
		json_array_append_new(out, json_integer(num));
		last = num;
	}
	return out;
}

/* prev_num/next_num are null when there is none, as Python's None. */
static json_t *num_or_null(bool has, long num)
{
	return has ? json_integer(num) : json_null();
}

json_t *fl_pagination_to_json(const fl_pagination *p)
{
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "items", p->items ? json_incref(p->items) : json_array());
	json_object_set_new_nocheck(o, "page", json_integer(p->page));
	json_object_set_new_nocheck(o, "per_page", json_integer(p->per_page));
	json_object_set_new_nocheck(o, "total", json_integer(p->total));
	json_object_set_new_nocheck(o, "pages", json_integer(p->pages));
	json_object_set_new_nocheck(o, "has_prev", json_boolean(p->has_prev));
	json_object_set_new_nocheck(o, "has_next", json_boolean(p->has_next));
	json_object_set_new_nocheck(o, "prev_num", num_or_null(p->has_prev, p->prev_num));
	json_object_set_new_nocheck(o, "next_num", num_or_null(p->has_next, p->next_num));
	json_object_set_new_nocheck(o, "iter_pages", fl_pagination_iter_pages(p, 2, 2, 5, 2));
	return o;
}
