/* query.c — the query builder and the unit of work.  See query.h. */
#include "data/query.h"

#include <stdio.h>
#include <string.h>

/* Most fl_query_load paths one query may carry. */
#define FL_QUERY_MAX_LOADS 16

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

/* What fl_query_new gives for a NULL db, arena or model: a query that
 * carries FL_EINVAL and that nothing ever writes (every builder and
 * terminal call looks at err first), so it can be shared and read-only. */
static const fl_query invalid_query = { .err = FL_EINVAL, .limit = -1 };

/* A failed query never changes again: its first error is the answer. */
static bool failed(const fl_query *q)
{
	return !q || q->err;
}

/* The query to hand back from a builder: never NULL. */
static fl_query *chain(fl_query *q)
{
	return q ? q : (fl_query *)&invalid_query;
}

fl_query *fl_query_new(fl_db *db, fl_arena *a, const fl_model *m)
{
	if (!db || !a || !m)
		return (fl_query *)&invalid_query;
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
static fl_query *fail(fl_query *q, fl_err err)
{
	if (!q->err)
		q->err = err;
	return q;
}

static fl_err unknown_column(fl_db *db, const fl_model *m, const char *column)
{
	return fl_db_set_error(db, FL_EINVAL, m->tablename, column,
		"table %s has no column %s", m->tablename, column ? column : "(null)");
}

/* ---- conditions ---- */

static bool is_scalar(json_t *v)
{
	return v && !json_is_array(v) && !json_is_object(v);
}

static bool all_scalars(json_t *arr)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (!is_scalar(v))
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
		return unknown_column(q->db, q->model, c->column);
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
		ok = is_scalar(c->value);
	if (!ok)
		return fl_db_set_error(q->db, FL_EINVAL, q->model->tablename, c->column,
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
	if (failed(q))
		return chain(q);
	if (n && !conds)
		return fail(q, fl_db_set_error(q->db, FL_EINVAL, q->model->tablename, NULL,
			"no conditions given"));
	for (size_t i = 0; i < n; i++) {
		fl_err err = check_cond(q, &conds[i]);
		if (err)
			return fail(q, err);
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
	if (failed(q))
		return chain(q);
	if (!fl_model_column(q->model, column))
		return fail(q, unknown_column(q->db, q->model, column));
	fl_buf_puts(&q->order, q->order.len ? ", " : "");
	fl_sql_put_ident(&q->order, column);
	if (desc)
		fl_buf_puts(&q->order, " DESC");
	return q;
}

fl_query *fl_query_limit(fl_query *q, long n)
{
	if (failed(q))
		return chain(q);
	q->limit = n < 0 ? -1 : n;
	return q;
}

fl_query *fl_query_offset(fl_query *q, long n)
{
	if (failed(q))
		return chain(q);
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
	fl_sql_put_ident(&b, q->model->tablename);
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

static fl_err load_paths(fl_query *q, json_t *rows);

static fl_err run_select(fl_query *q, json_t **rows)
{
	json_t *params;
	*rows = NULL;
	if (failed(q))
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
		err = load_paths(q, *rows);
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
	if (failed(q))
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
	if (failed(q))
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

static const fl_column *single_primary_key(fl_db *db, const fl_model *m)
{
	const fl_column *pk = fl_model_primary_key(m);
	for (const fl_column *c = pk ? pk + 1 : NULL; c && c->name; c++)
		if (c->primary_key)
			pk = NULL;
	if (!pk)
		fl_db_set_error(db, FL_EINVAL, m->tablename, NULL,
			"table %s needs a single-column primary key here", m->tablename);
	return pk;
}

fl_err fl_get(fl_db *db, fl_arena *a, const fl_model *m, json_t *id, json_t **row)
{
	*row = NULL;
	const fl_column *pk = single_primary_key(db, m);
	if (!pk)
		return FL_EINVAL;
	return fl_query_first(fl_query_filter_by(fl_query_new(db, a, m), pk->name, id), row);
}

/* ---- unit of work ---- */

static fl_err invalid(fl_db *db, const fl_model *m, const char *column, const char *reason)
{
	const fl_column *c = fl_model_column(m, column);
	if (c && c->length && strcmp(reason, "is too long") == 0)
		return fl_db_set_error(db, FL_EINVAL, m->tablename, column,
			"%s.%s is too long (at most %u characters)", m->tablename, column, c->length);
	return fl_db_set_error(db, FL_EINVAL, m->tablename, column, "%s%s%s %s", m->tablename,
		column ? "." : "", column ? column : "", reason);
}

static fl_err validate(fl_db *db, const fl_model *m, json_t *row, bool insert)
{
	const char *column = NULL, *reason = NULL;
	fl_err err = fl_model_validate(m, row, insert, &column, &reason);
	return err ? invalid(db, m, column, reason) : FL_OK;
}

/* Run `sql` with `params`, then drop our reference to the parameter array
 * (which may be on the heap or in an arena; json_decref suits both). */
static fl_err execute(fl_db *db, const char *sql, json_t *params, int64_t *id, int *changes)
{
	fl_err err = fl_db_execute(db, sql, params, id, changes);
	json_decref(params);
	return err;
}

static fl_err insert_row(fl_db *db, fl_arena *a, const fl_model *m, json_t *row)
{
	fl_buf cols, marks;
	fl_buf_init(&cols, a);
	fl_buf_init(&marks, a);
	json_t *params = json_array();
	for (const fl_column *c = m->columns; c->name; c++) {
		json_t *v = json_object_get(row, c->name);
		if (!v)
			continue;
		fl_buf_puts(&cols, cols.len ? ", " : "");
		fl_sql_put_ident(&cols, c->name);
		fl_buf_puts(&marks, marks.len ? ", ?" : "?");
		json_array_append(params, v);
	}
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_puts(&b, "INSERT INTO ");
	fl_sql_put_ident(&b, m->tablename);
	if (cols.len)
		fl_buf_printf(&b, " (%s) VALUES (%s)", fl_buf_cstr(&cols), fl_buf_cstr(&marks));
	else
		fl_buf_puts(&b, " DEFAULT VALUES");
	int64_t id = 0;
	fl_err err = execute(db, fl_buf_cstr(&b), params, &id, NULL);
	const fl_column *pk = fl_model_primary_key(m);
	json_t *pkv = pk ? json_object_get(row, pk->name) : NULL;
	if (!err && pk && pk->type == FL_TYPE_INTEGER && (!pkv || json_is_null(pkv)))
		json_object_set_new(row, pk->name, json_integer(id));
	return err;
}

/* The SQL of one statement is small; a scratch arena per call keeps the
 * unit-of-work signatures free of an arena argument. */
static fl_err with_scratch(fl_db *db, const fl_model *m, json_t *row,
	fl_err (*fn)(fl_db *, fl_arena *, const fl_model *, json_t *))
{
	fl_arena *a = fl_arena_new(2048);
	fl_err err = fn(db, a, m, row);
	fl_arena_free(a);
	return err;
}

fl_err fl_db_add(fl_db *db, const fl_model *m, json_t *row)
{
	if (json_is_object(row) && fl_model_apply_defaults(m, row))
		return fl_db_set_error(db, FL_EINVAL, m->tablename, NULL,
			"table %s declares a default that is not valid JSON", m->tablename);
	fl_err err = validate(db, m, row, true);
	return err ? err : with_scratch(db, m, row, insert_row);
}

fl_err fl_db_add_all(fl_db *db, const fl_model *m, json_t *rows)
{
	size_t i;
	json_t *row;
	if (!json_is_array(rows))
		return fl_db_set_error(db, FL_EINVAL, m->tablename, NULL, "add_all needs an array");
	json_array_foreach(rows, i, row) {
		fl_err err = json_is_object(row) && fl_model_apply_defaults(m, row) ? FL_EINVAL :
			validate(db, m, row, true);
		if (err)
			return err;
	}
	json_array_foreach(rows, i, row) {
		fl_err err = with_scratch(db, m, row, insert_row);
		if (err)
			return err;
	}
	return FL_OK;
}

/* The primary key column and its non-null value in `row`, or FL_EINVAL. */
static fl_err row_key(fl_db *db, const fl_model *m, json_t *row,
	const fl_column **pk, json_t **value)
{
	*pk = single_primary_key(db, m);
	if (!*pk)
		return FL_EINVAL;
	*value = json_object_get(row, (*pk)->name);
	if (!*value || json_is_null(*value) || !is_scalar(*value))
		return fl_db_set_error(db, FL_EINVAL, m->tablename, (*pk)->name,
			"%s.%s must be set to identify the row", m->tablename, (*pk)->name);
	return FL_OK;
}

static fl_err not_found(fl_db *db, const fl_model *m, json_t *key)
{
	return fl_db_set_error(db, FL_ENOTFOUND, m->tablename, NULL, "%s has no row with key %s",
		m->tablename, json_is_string(key) ? json_string_value(key) : "given");
}

static fl_err update_row(fl_db *db, fl_arena *a, const fl_model *m, json_t *row)
{
	const fl_column *pk;
	json_t *key;
	fl_err err = row_key(db, m, row, &pk, &key);
	if (err)
		return err;
	fl_buf b;
	fl_buf_init(&b, a);
	json_t *params = json_array();
	for (const fl_column *c = m->columns; c->name; c++) {
		json_t *v = json_object_get(row, c->name);
		if (!v || c == pk)
			continue;
		fl_buf_puts(&b, b.len ? ", " : "");
		fl_sql_put_ident(&b, c->name);
		fl_buf_puts(&b, " = ?");
		json_array_append(params, v);
	}
	if (!b.len) {   /* nothing to change: SQLAlchemy emits no UPDATE */
		json_decref(params);
		return FL_OK;
	}
	json_array_append(params, key);
	fl_buf s;
	fl_buf_init(&s, a);
	fl_buf_puts(&s, "UPDATE ");
	fl_sql_put_ident(&s, m->tablename);
	fl_buf_printf(&s, " SET %s WHERE ", fl_buf_cstr(&b));
	fl_sql_put_ident(&s, pk->name);
	fl_buf_puts(&s, " = ?");
	int changes = 0;
	err = execute(db, fl_buf_cstr(&s), params, NULL, &changes);
	return !err && changes == 0 ? not_found(db, m, key) : err;
}

fl_err fl_db_update(fl_db *db, const fl_model *m, json_t *row)
{
	fl_err err = validate(db, m, row, false);
	return err ? err : with_scratch(db, m, row, update_row);
}

static fl_err delete_row(fl_db *db, fl_arena *a, const fl_model *m, json_t *row)
{
	const fl_column *pk;
	json_t *key;
	fl_err err = row_key(db, m, row, &pk, &key);
	if (err)
		return err;
	fl_buf s;
	fl_buf_init(&s, a);
	fl_buf_puts(&s, "DELETE FROM ");
	fl_sql_put_ident(&s, m->tablename);
	fl_buf_puts(&s, " WHERE ");
	fl_sql_put_ident(&s, pk->name);
	fl_buf_puts(&s, " = ?");
	json_t *params = json_array();
	json_array_append(params, key);
	int changes = 0;
	err = execute(db, fl_buf_cstr(&s), params, NULL, &changes);
	return !err && changes == 0 ? not_found(db, m, key) : err;
}

fl_err fl_db_delete(fl_db *db, const fl_model *m, json_t *row)
{
	if (!json_is_object(row))
		return fl_db_set_error(db, FL_EINVAL, m->tablename, NULL, "row must be a JSON object");
	return with_scratch(db, m, row, delete_row);
}

/* ---- group_by ---- */

fl_query *fl_query_group_by(fl_query *q, const char *column)
{
	if (failed(q))
		return chain(q);
	const fl_column *c = fl_model_column(q->model, column);
	if (!c)
		return fail(q, unknown_column(q->db, q->model, column));
	q->group = c;
	return q;
}

/* ---- pagination ---- */

static fl_err page_not_found(fl_query *q, long page, long per_page)
{
	fail(q, fl_db_set_error(q->db, FL_ENOTFOUND, q->model->tablename, NULL,
		"%s has no page %ld of %ld rows", q->model->tablename, page, per_page));
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
	if (failed(q))
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

/* ---- relationships ---- */

typedef enum rel_kind { REL_MANY_TO_ONE, REL_ONE_TO_MANY, REL_MANY_TO_MANY } rel_kind;

/* A relationship seen from one side, whether declared there or as the
 * backref of another model's.  The rows of `target` related to a row of
 * `from` are those whose `remote` equals the row's `local` — directly, or
 * for a many-to-many through `secondary`: target.target_key =
 * secondary.sec_remote and secondary.sec_local = from.local. */
typedef struct rel {
	const char *name;
	const fl_model *from, *target;
	rel_kind kind;
	const fl_column *local, *remote;
	const fl_model *secondary;
	const fl_column *sec_local, *sec_remote, *target_key;
	bool uselist;
	const char *order_by;
} rel;

/* The foreign key column of `child` that references `parent` (only the
 * column named `only` if given; never `skip`, so a self-referential
 * association table finds its two different columns), and the referenced
 * column in *ref.  NULL when there is none. */
static const fl_column *fk_to(const fl_model *child, const fl_model *parent, const char *only,
	const fl_column *skip, const fl_column **ref)
{
	for (const fl_column *c = child->columns; c->name; c++) {
		if (c == skip || (only && strcmp(c->name, only) != 0))
			continue;
		if ((*ref = fl_column_references(c, parent)))
			return c;
	}
	return NULL;
}

static bool resolve_secondary(rel *r, const fl_relationship *d)
{
	const fl_column *lref, *tref;
	r->kind = REL_MANY_TO_MANY;
	r->secondary = d->secondary;
	r->sec_local = fk_to(d->secondary, r->from, NULL, NULL, &lref);
	r->sec_remote = r->sec_local ? fk_to(d->secondary, r->target, NULL, r->sec_local, &tref) : NULL;
	if (!r->sec_remote)
		return false;
	r->local = lref;
	r->target_key = tref;
	r->remote = r->sec_local;
	return true;
}

/* The direction of declaration `d` on `from`: a foreign key on the target
 * makes it one-to-many (tried first: SQLAlchemy's default for a
 * self-referential table), one on `from` many-to-one. */
static bool resolve_forward(rel *r, const fl_model *from, const fl_relationship *d)
{
	const fl_column *ref, *fk;
	*r = (rel){ .name = d->name, .from = from, .target = d->target, .order_by = d->order_by };
	if (d->secondary) {
		if (!resolve_secondary(r, d))
			return false;
	} else if ((fk = fk_to(d->target, from, d->foreign_key, NULL, &ref))) {
		*r = (rel){ .name = d->name, .from = from, .target = d->target,
			.order_by = d->order_by, .kind = REL_ONE_TO_MANY, .local = ref, .remote = fk };
	} else if ((fk = fk_to(from, d->target, d->foreign_key, NULL, &ref))) {
		*r = (rel){ .name = d->name, .from = from, .target = d->target,
			.order_by = d->order_by, .kind = REL_MANY_TO_ONE, .local = fk, .remote = ref };
	} else {
		return false;
	}
	r->uselist = d->uselist == FL_USELIST_DEFAULT ? r->kind != REL_MANY_TO_ONE :
		d->uselist == FL_USELIST_TRUE;
	return true;
}

/* `f` (declared on the other model) seen from its target: sides swapped. */
static void invert(rel *r, const rel *f, const fl_relationship *d)
{
	*r = *f;
	r->name = d->backref;
	r->from = f->target;
	r->target = f->from;
	r->order_by = d->backref_order_by;
	if (f->kind == REL_MANY_TO_MANY) {
		r->sec_local = f->sec_remote;
		r->sec_remote = f->sec_local;
		r->remote = r->sec_local;
		r->local = f->target_key;
		r->target_key = f->local;
	} else {
		r->kind = f->kind == REL_MANY_TO_ONE ? REL_ONE_TO_MANY : REL_MANY_TO_ONE;
		r->local = f->remote;
		r->remote = f->local;
	}
	/* A UNIQUE foreign key admits one row: db.backref(uselist=False). */
	if (d->backref_uselist == FL_USELIST_DEFAULT)
		r->uselist = r->kind == REL_MANY_TO_MANY ||
			(r->kind == REL_ONE_TO_MANY && !r->remote->unique);
	else
		r->uselist = d->backref_uselist == FL_USELIST_TRUE;
}

static bool find_backref(fl_db *db, const fl_model *m, const char *name, rel *r)
{
	const fl_model *const *models = fl_db_models(db);
	for (size_t i = 0; models && models[i]; i++) {
		const fl_model *o = models[i];
		for (const fl_relationship *d = o->relationships; d && d->name; d++) {
			rel f;
			if (d->backref && d->target == m && strcmp(d->backref, name) == 0 &&
			    resolve_forward(&f, o, d)) {
				invert(r, &f, d);
				return true;
			}
		}
	}
	return false;
}

/* Relationship `name` of `m`, declared on it or as a backref elsewhere. */
static fl_err find_rel(fl_db *db, const fl_model *m, const char *name, rel *r)
{
	for (const fl_relationship *d = m->relationships; d && d->name; d++)
		if (strcmp(d->name, name) == 0 && resolve_forward(r, m, d))
			return FL_OK;
	if (find_backref(db, m, name, r))
		return FL_OK;
	return fl_db_set_error(db, FL_EINVAL, m->tablename, NULL,
		"%s has no relationship %s%s", m->name ? m->name : m->tablename, name,
		fl_db_models(db) ? "" : " (models not registered: fl_db_set_models)");
}

/* order_by "col" or "-col" → the target's column and direction. */
static fl_err rel_order(fl_db *db, const rel *r, const fl_column **col, bool *desc)
{
	*col = NULL;
	*desc = r->order_by && r->order_by[0] == '-';
	if (!r->order_by)
		return FL_OK;
	*col = fl_model_column(r->target, r->order_by + *desc);
	return *col ? FL_OK : unknown_column(db, r->target, r->order_by + *desc);
}

/* ---- eager loading ---- */

static void put_qualified(fl_buf *b, const fl_model *m, const fl_column *c)
{
	fl_sql_put_ident(b, m->tablename);
	fl_buf_putc(b, '.');
	fl_sql_put_ident(b, c->name);
}

#define REL_KEY "__fl_key"

/* SELECT target.* [, secondary.sec_local AS key] FROM target [JOIN
 * secondary] WHERE <key> IN (json_each(?)) ORDER BY <order_by>, target.pk:
 * one statement for all parents; the primary key makes the order within
 * each parent deterministic. */
static const char *fetch_sql(fl_arena *a, const rel *r, const fl_column *ocol, bool desc)
{
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_puts(&b, "SELECT ");
	for (const fl_column *c = r->target->columns; c->name; c++) {
		fl_buf_puts(&b, c == r->target->columns ? "" : ", ");
		put_qualified(&b, r->target, c);
		fl_buf_puts(&b, " AS ");
		fl_sql_put_ident(&b, c->name);
	}
	if (r->kind == REL_MANY_TO_MANY) {
		fl_buf_puts(&b, ", ");
		put_qualified(&b, r->secondary, r->sec_local);
		fl_buf_puts(&b, " AS \"" REL_KEY "\" FROM ");
		fl_sql_put_ident(&b, r->target->tablename);
		fl_buf_puts(&b, " JOIN ");
		fl_sql_put_ident(&b, r->secondary->tablename);
		fl_buf_puts(&b, " ON ");
		put_qualified(&b, r->secondary, r->sec_remote);
		fl_buf_puts(&b, " = ");
		put_qualified(&b, r->target, r->target_key);
		fl_buf_puts(&b, " WHERE ");
		put_qualified(&b, r->secondary, r->sec_local);
	} else {
		fl_buf_puts(&b, " FROM ");
		fl_sql_put_ident(&b, r->target->tablename);
		fl_buf_puts(&b, " WHERE ");
		put_qualified(&b, r->target, r->remote);
	}
	fl_buf_puts(&b, " IN (SELECT value FROM json_each(?)) ORDER BY ");
	if (ocol) {
		put_qualified(&b, r->target, ocol);
		fl_buf_puts(&b, desc ? " DESC, " : ", ");
	}
	const fl_column *pk = fl_model_primary_key(r->target);
	put_qualified(&b, r->target, pk ? pk : r->target->columns);
	return fl_buf_cstr(&b);
}

/* A map key for a scalar value: its compact JSON text. */
static const char *key_text(json_t *v)
{
	return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

/* The distinct non-null values of column `c` in `rows`, as a JSON array. */
static json_t *distinct_keys(json_t *rows, const fl_column *c)
{
	json_t *seen = json_object(), *keys = json_array(), *row;
	size_t i;
	json_array_foreach(rows, i, row) {
		json_t *v = json_object_get(row, c->name);
		if (!v || json_is_null(v) || json_object_get(seen, key_text(v)))
			continue;
		json_object_set_new(seen, key_text(v), json_true());
		json_array_append(keys, v);
	}
	return keys;
}

/* Group the fetched `rows` by the key that links them to a parent:
 * key text → array of rows, in fetch order. */
static json_t *group_children(const rel *r, json_t *rows)
{
	json_t *groups = json_object(), *row;
	size_t i;
	json_array_foreach(rows, i, row) {
		const char *k = key_text(json_object_get(row,
			r->kind == REL_MANY_TO_MANY ? REL_KEY : r->remote->name));
		json_t *g = json_object_get(groups, k);
		if (!g)
			json_object_set_new(groups, k, g = json_array());
		json_array_append(g, row);
		json_object_del(row, REL_KEY);
	}
	return groups;
}

/* Store each parent's related rows under the relationship's name: an
 * array, or (uselist false) the first row or null. */
static void attach(const rel *r, json_t *parents, json_t *groups)
{
	json_t *row;
	size_t i;
	json_array_foreach(parents, i, row) {
		json_t *v = json_object_get(row, r->local->name);
		json_t *g = v && !json_is_null(v) ? json_object_get(groups, key_text(v)) : NULL;
		if (r->uselist)
			json_object_set_new(row, r->name, g ? json_copy(g) : json_array());
		else
			json_object_set_new(row, r->name, g ? json_incref(json_array_get(g, 0)) : json_null());
	}
}

/* The rows already stored under `name` in `parents` (by an earlier path
 * sharing this prefix), flattened: the next level's parents. */
static json_t *loaded_children(json_t *parents, const char *name)
{
	json_t *out = json_array(), *row;
	size_t i;
	json_array_foreach(parents, i, row) {
		json_t *v = json_object_get(row, name);
		if (json_is_array(v))
			json_array_extend(out, v);
		else if (json_is_object(v))
			json_array_append(out, v);
	}
	return out;
}

static fl_err fetch_related(fl_query *q, const rel *r, json_t *keys, json_t **rows)
{
	const fl_column *ocol;
	bool desc;
	fl_err err = rel_order(q->db, r, &ocol, &desc);
	if (err)
		return err;
	json_t *params = json_array();
	json_array_append_new(params, json_string(json_dumps(keys, JSON_COMPACT)));
	err = fl_db_query(q->db, fetch_sql(q->arena, r, ocol, desc), params, rows);
	size_t i;
	json_t *row;
	if (!err)
		json_array_foreach(*rows, i, row)
			fl_model_convert_row(r->target, row);
	return err;
}

/* Load relationship `name` of model *m into every row of `parents` with
 * one statement (none when there is nothing to look up); *children gets
 * the related rows and *m their model, for the next level of a path. */
static fl_err load_level(fl_query *q, json_t *parents, const fl_model **m, const char *name,
	json_t **children)
{
	rel r;
	fl_err err = find_rel(q->db, *m, name, &r);
	if (err)
		return err;
	*m = r.target;
	json_t *first = json_array_get(parents, 0);
	if (!first || json_object_get(first, name)) {
		*children = loaded_children(parents, name);
		return FL_OK;
	}
	json_t *keys = distinct_keys(parents, r.local);
	*children = json_array();
	if (json_array_size(keys) && (err = fetch_related(q, &r, keys, children)))
		return err;
	attach(&r, parents, group_children(&r, *children));
	return FL_OK;
}

/* Walk a dotted path level by level, from `rows` of the query's model. */
static fl_err load_path(fl_query *q, json_t *rows, const char *path)
{
	const fl_model *m = q->model;
	while (*path) {
		const char *dot = strchrnul(path, '.');
		const char *name = fl_arena_strndup(q->arena, path, (size_t)(dot - path));
		fl_err err = load_level(q, rows, &m, name, &rows);
		if (err)
			return err;
		path = *dot ? dot + 1 : dot;
	}
	return FL_OK;
}

static fl_err load_paths(fl_query *q, json_t *rows)
{
	for (size_t i = 0; i < q->nloads; i++) {
		fl_err err = load_path(q, rows, q->loads[i]);
		if (err)
			return err;
	}
	return FL_OK;
}

/* Check every level of `path` now, so a typo fails at the builder call. */
static fl_err check_path(fl_query *q, const char *path)
{
	const fl_model *m = q->model;
	for (const char *p = path;; ) {
		const char *dot = strchrnul(p, '.');
		rel r;
		fl_err err = dot == p ? fl_db_set_error(q->db, FL_EINVAL, m->tablename, NULL,
			"empty relationship name in %s", path) :
			find_rel(q->db, m, fl_arena_strndup(q->arena, p, (size_t)(dot - p)), &r);
		if (err)
			return err;
		m = r.target;
		if (!*dot)
			return FL_OK;
		p = dot + 1;
	}
}

fl_query *fl_query_load(fl_query *q, const char *path)
{
	if (failed(q))
		return chain(q);
	if (!path)
		return fail(q, fl_db_set_error(q->db, FL_EINVAL, q->model->tablename, NULL,
			"no relationship path"));
	fl_err err = check_path(q, path);
	if (err)
		return fail(q, err);
	if (q->nloads == FL_QUERY_MAX_LOADS)
		return fail(q, fl_db_set_error(q->db, FL_EINVAL, q->model->tablename, NULL,
			"more than %d relationships loaded", FL_QUERY_MAX_LOADS));
	q->loads[q->nloads++] = fl_arena_strdup(q->arena, path);
	return q;
}

/* ---- dynamic relationships ---- */

/* target.target_key IN (SELECT sec_remote FROM secondary WHERE sec_local = ?):
 * qualified, since the association table may share column names ("id"). */
static void restrict_secondary(fl_query *q, const rel *r, json_t *key)
{
	fl_arena *old = fl_json_set_arena(q->arena);
	fl_buf_puts(&q->where, q->where.len ? " AND (" : "(");
	put_qualified(&q->where, r->target, r->target_key);
	fl_buf_puts(&q->where, " IN (SELECT ");
	put_qualified(&q->where, r->secondary, r->sec_remote);
	fl_buf_puts(&q->where, " FROM ");
	fl_sql_put_ident(&q->where, r->secondary->tablename);
	fl_buf_puts(&q->where, " WHERE ");
	put_qualified(&q->where, r->secondary, r->sec_local);
	fl_buf_puts(&q->where, " = ?))");
	json_array_append_new(q->params, json_copy(key));
	fl_json_set_arena(old);
}

fl_query *fl_query_related(fl_db *db, fl_arena *a, const fl_model *m, json_t *row,
	const char *name)
{
	rel r;
	const fl_column *ocol;
	bool desc;
	if (!db || !a || !m)
		return (fl_query *)&invalid_query;
	fl_err err = name ? find_rel(db, m, name, &r) :
		fl_db_set_error(db, FL_EINVAL, m->tablename, NULL, "no relationship name");
	if (!err)
		err = rel_order(db, &r, &ocol, &desc);
	if (err)   /* a query over `m` that carries the error */
		return fail(fl_query_new(db, a, m), err);
	fl_query *q = fl_query_new(db, a, r.target);
	/* A missing key is NULL: IS NULL on the target's side matches nothing
	 * that is related, as an unsaved object has no related rows. */
	json_t *key = json_object_get(row, r.local->name);
	if (key && json_is_null(key))
		key = NULL;
	if (r.kind == REL_MANY_TO_MANY && key)
		restrict_secondary(q, &r, key);
	else
		fl_query_filter_by(q, r.kind == REL_MANY_TO_MANY ? r.target_key->name : r.remote->name,
			key);
	if (ocol)
		fl_query_order_by(q, ocol->name, desc);
	return q;
}
