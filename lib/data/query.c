/* query.c — running a query: its SELECT, all/first/count/one/scalar/
 * exists, grouping and aggregates, pagination.  See query.h. */
#include "data/internal.h"
#include "base/row.h"

#include <stdio.h>
#include <string.h>

/* ---- running ---- */

/* The group_by columns, for GROUP BY and the default ORDER BY, or (as)
 * for the select list of group_by's contract rows: qualified columns then
 * get their plain name back. */
static void put_groups(fl_query *q, fl_buf *b, bool as)
{
	for (size_t i = 0; i < q->ngroups; i++) {
		fl_buf_puts(b, i ? ", " : "");
		fl_query_put_operand(q, b, &q->groups[i]);
		if (as && q->njoins) {
			fl_buf_puts(b, " AS ");
			q->dialect->put_ident(b, q->groups[i].col->name);
		}
	}
}

static void put_selected(fl_query *q, fl_buf *b)
{
	for (size_t i = 0; i < q->nselect; i++) {
		fl_buf_puts(b, i ? ", " : "");
		fl_query_put_operand(q, b, &q->select[i].op);
		fl_buf_puts(b, " AS ");
		q->dialect->put_ident(b, q->select[i].label);
	}
}

/* SELECT <columns> FROM t [JOIN] [WHERE] [GROUP BY] [HAVING] [ORDER BY]
 * [LIMIT ? OFFSET ?]; limit and offset are bound so every page shares one
 * statement.  *params gets a copy of the where (and having) parameters
 * plus those.  Without `order` the ORDER BY is left out (a count's
 * subquery: the order of rows cannot change how many there are).  Call
 * with jansson pointed at the query's arena. */
static const char *select_sql(fl_query *q, json_t **params, bool order)
{
	const fl_dialect *d = q->dialect;
	fl_buf b;
	fl_buf_init(&b, q->arena);
	fl_buf_puts(&b, q->distinct ? "SELECT DISTINCT " : "SELECT ");
	if (q->nselect) {
		put_selected(q, &b);
	} else if (q->ngroups) {
		put_groups(q, &b, true);
		fl_buf_puts(&b, ", count(*) AS \"count\"");
	} else {
		fl_query_put_select_list(d, &b, q->model, q->njoins > 0);
	}
	fl_buf_puts(&b, " FROM ");
	d->put_ident(&b, fl_model_table(q->model));
	if (q->joins.len)
		fl_buf_puts(&b, fl_buf_cstr(&q->joins));
	if (q->where.len)
		fl_buf_printf(&b, " WHERE %s", fl_buf_cstr(&q->where));
	if (q->ngroups) {
		fl_buf_puts(&b, " GROUP BY ");
		put_groups(q, &b, false);
	}
	if (q->having.len)
		fl_buf_printf(&b, " HAVING %s", fl_buf_cstr(&q->having));
	if (!order) {
		/* no ORDER BY */
	} else if (q->order.len) {
		fl_buf_printf(&b, " ORDER BY %s", fl_buf_cstr(&q->order));
	} else if (q->ngroups) {   /* group_by() alone: SQLite's order is unspecified */
		fl_buf_puts(&b, " ORDER BY ");
		put_groups(q, &b, false);
	}
	*params = json_copy(q->params);
	if (q->having_params)
		json_array_extend(*params, q->having_params);
	if (q->limit >= 0 || q->offset > 0)
		d->put_limit(&b, *params, q->limit, q->offset);
	return fl_dialect_finish(d, q->arena, fl_buf_cstr(&b));
}

const char *fl_query_sql(fl_query *q)
{
	if (fl_query_failed(q))
		return NULL;
	json_t *params;
	fl_arena *old = fl_json_set_arena(q->arena);
	const char *sql = select_sql(q, &params, true);
	fl_json_set_arena(old);
	return sql;
}

/* A selected plain column (or its min/max) back in the column's type,
 * as fl_model_convert_row does for whole rows. */
static void convert_selected(fl_query *q, json_t *row)
{
	for (size_t i = 0; i < q->nselect; i++) {
		const fl_entity *e = &q->select[i];
		if (!e->op.col || (e->op.fn != FL_FUNC_NONE && e->op.fn != FL_FUNC_MIN &&
		    e->op.fn != FL_FUNC_MAX))
			continue;
		json_t *v = json_object_get(row, e->label);
		if (v && fl_column_converts(e->op.col))
			json_object_set_new(row, e->label, fl_column_value(e->op.col, v));
	}
}

/* SQLAlchemy 1.4's Query uniques the rows of an entity query: a join that
 * repeats a row (one-to-many) gives it once, first place kept. */
static json_t *unique_rows(fl_query *q, json_t *rows)
{
	const fl_column *pk = fl_model_primary_key(q->model);
	if (!pk)
		return rows;
	json_t *seen = json_object(), *out = json_array(), *row;
	size_t i;
	json_array_foreach(rows, i, row) {
		const char *k = json_dumps(fl_row_get(row, pk->name), JSON_ENCODE_ANY);
		if (k && json_object_get(seen, k))
			continue;
		if (k)
			json_object_set_new(seen, k, json_true());
		json_array_append(out, row);
	}
	return out;
}

/* fl_model_convert_row for compact rows: the converting columns' indexes
 * are found once for the result (its rows share one shape), then each
 * row's cells are converted in place. */
static void convert_compact(const fl_model *m, json_t *rows, fl_row_shape *s)
{
	size_t total = 0, n = 0;
	while (m->columns[total].name)
		total++;
	const fl_column *conv[total ? total : 1];
	size_t idx[total ? total : 1];
	for (const fl_column *c = m->columns; c->name; c++) {
		int k = fl_column_converts(c) ? fl_row_shape_index(s, c->name, strlen(c->name)) : -1;
		if (k >= 0) {
			conv[n] = c;
			idx[n++] = (size_t)k;
		}
	}
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		json_t **cells = fl_row_cells(row, NULL);
		for (size_t j = 0; cells && j < n; j++) {
			json_t *v = cells[idx[j]];
			if (fl_column_keeps(conv[j], v))
				continue;
			json_t *out = fl_column_value(conv[j], v);   /* a new reference, maybe v */
			if (out != v)
				fl_row_set_cell(row, idx[j], out);
			else
				json_decref(out);
		}
	}
}

static void convert_rows(const fl_model *m, json_t *rows)
{
	fl_row_shape *s = fl_row_shape_of(json_array_get(rows, 0));
	size_t i;
	json_t *row;
	if (s)
		convert_compact(m, rows, s);
	else
		json_array_foreach(rows, i, row)
			fl_model_convert_row(m, row);
}

static fl_err run_select(fl_query *q, json_t **rows)
{
	json_t *params;
	*rows = NULL;
	if (fl_query_failed(q))
		return fl_query_error(q);
	fl_arena *old = fl_json_set_arena(q->arena);
	const char *sql = select_sql(q, &params, true);
	bool entities = !q->ngroups && !q->nselect;
	fl_err err = (q->compact && entities ? fl_db_query_compact : fl_db_query)(q->db, sql,
		params, rows);
	size_t i;
	json_t *row;
	if (!err && q->nselect)
		json_array_foreach(*rows, i, row)
			convert_selected(q, row);
	else if (!err)
		convert_rows(q->model, *rows);
	if (!err && entities && q->njoins && !q->distinct)
		*rows = unique_rows(q, *rows);
	if (!err && entities)
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
	/* Flask-SQLAlchemy's paginate counts with order_by(None).count(): the
	 * ORDER BY only matters when a limit or an offset picks the rows (on
	 * SQLite it also kept the count from the table's quick count). */
	const char *inner = select_sql(q, &params, q->limit >= 0 || q->offset > 0);
	const char *sql = fl_arena_printf(q->arena, "SELECT count(*) AS n FROM (%s) AS anon_1", inner);
	fl_err err = fl_db_query(q->db, sql, params, &rows);
	if (!err)
		*n = (long)json_integer_value(json_object_get(json_array_get(rows, 0), "n"));
	fl_json_set_arena(old);
	return err;
}


fl_err fl_get(fl_db *db, fl_arena *a, const fl_model *m, json_t *id, json_t **row)
{
	*row = NULL;
	const fl_column *pk = fl_model_single_pk(db, m);
	if (!pk)
		return FL_EINVAL;
	return fl_query_first(fl_query_filter_by(fl_query_new(db, a, m), pk->name, id), row);
}

/* ---- group_by, select, distinct ---- */

fl_query *fl_query_group_by(fl_query *q, const char *column)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	fl_operand o = {0};
	fl_err err = fl_query_resolve(q, column, &o.model, &o.col);
	if (!err && q->ngroups == FL_QUERY_MAX_GROUPS)
		err = fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), column,
			"more than %d group_by columns", FL_QUERY_MAX_GROUPS);
	if (err)
		return fl_query_fail(q, err);
	q->named = true;
	q->groups[q->ngroups++] = o;
	return q;
}

/* A label reaches SQL as an alias: an identifier only. */
static bool is_identifier(const char *s)
{
	if (!s || !(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

fl_query *fl_query_select(fl_query *q, fl_func fn, const char *column, const char *label)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	fl_entity e = { .op = { .fn = fn, .model = q->model } };
	fl_err err = FL_OK;
	if ((unsigned)fn >= FL_FUNC__MAX || (!column && fn != FL_FUNC_COUNT))
		err = fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), column,
			"invalid function or column in select");
	else if (column)
		err = fl_query_resolve(q, column, &e.op.model, &e.op.col);
	if (!err && !label)
		label = fn == FL_FUNC_NONE ? e.op.col->name : !e.op.col ? "count" :
			fl_arena_printf(q->arena, "%s_%s", fl_func_names[fn], e.op.col->name);
	if (!err && !is_identifier(label))
		err = fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"a label must be an identifier: %s", label ? label : "(null)");
	if (!err && q->nselect == FL_QUERY_MAX_SELECT)
		err = fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"more than %d entities selected", FL_QUERY_MAX_SELECT);
	if (err)
		return fl_query_fail(q, err);
	e.label = fl_arena_strdup(q->arena, label);
	q->named = true;
	q->select[q->nselect++] = e;
	return q;
}

fl_query *fl_query_compact(fl_query *q)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	q->compact = true;
	return q;
}

fl_query *fl_query_distinct(fl_query *q)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	q->distinct = true;
	return q;
}

/* ---- one, one_or_none, scalar, exists ---- */

/* The rows one()/one_or_none() decide on: at most two when the database
 * can be asked (no join whose repeated rows uniquing would fold). */
static fl_err one_rows(fl_query *q, json_t **rows)
{
	long saved = q->limit;
	bool folds = q->njoins && !q->ngroups && !q->nselect && !q->distinct;
	if (!folds && (q->limit < 0 || q->limit > 2))
		q->limit = 2;
	fl_err err = run_select(q, rows);
	q->limit = saved;
	return err;
}

fl_err fl_query_one_or_none(fl_query *q, json_t **row)
{
	json_t *rows;
	*row = NULL;
	fl_err err = one_rows(q, &rows);
	if (err)
		return err;
	if (json_array_size(rows) > 1)
		return fl_db_set_error(q->db, FL_EMULTIPLE, fl_model_table(q->model), NULL,
			"Multiple rows were found when one or none was required");
	*row = json_array_get(rows, 0);
	return FL_OK;
}

fl_err fl_query_one(fl_query *q, json_t **row)
{
	fl_err err = fl_query_one_or_none(q, row);
	if (!err && !*row)
		err = fl_db_set_error(q->db, FL_ENOTFOUND, fl_model_table(q->model), NULL,
			"No row was found when one was required");
	return err;
}

fl_err fl_query_scalar(fl_query *q, json_t **value)
{
	json_t *row;
	*value = NULL;
	fl_err err = fl_query_one_or_none(q, &row);
	if (err || !row)
		return err;
	*value = q->nselect ? json_object_get(row, q->select[0].label) :
		q->ngroups ? json_object_get(row, q->groups[0].col->name) : row;
	return FL_OK;
}

fl_err fl_query_exists(fl_query *q, bool *exists)
{
	json_t *params, *rows;
	*exists = false;
	if (fl_query_failed(q))
		return fl_query_error(q);
	fl_arena *old = fl_json_set_arena(q->arena);
	fl_buf b;
	fl_buf_init(&b, q->arena);
	q->dialect->put_exists(&b, select_sql(q, &params, true));
	fl_err err = fl_db_query(q->db, fl_buf_cstr(&b), params, &rows);
	if (!err) {
		json_t *v = json_object_get(json_array_get(rows, 0), "exists");
		*exists = json_is_true(v) || json_integer_value(v) != 0;
	}
	fl_json_set_arena(old);
	return err;
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
