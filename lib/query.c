/* query.c — the query builder and the unit of work.  See query.h. */
#include "query.h"

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
};

fl_query *fl_query_new(fl_db *db, fl_arena *a, const fl_model *m)
{
	fl_query *q = fl_arena_calloc(a, 1, sizeof *q);
	fl_arena *old = fl_json_set_arena(a);
	*q = (fl_query){ .db = db, .arena = a, .model = m, .params = json_array(), .limit = -1 };
	fl_json_set_arena(old);
	fl_buf_init(&q->where, a);
	fl_buf_init(&q->order, a);
	return q;
}

static fl_err fail(fl_query *q, fl_err err)
{
	if (!q->err)
		q->err = err;
	return err;
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

fl_err fl_query_filter_or(fl_query *q, const fl_cond *conds, size_t n)
{
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
	return FL_OK;
}

fl_err fl_query_filter(fl_query *q, const char *column, fl_op op, json_t *value)
{
	fl_cond c = { .column = column, .op = op, .value = value };
	return fl_query_filter_or(q, &c, 1);
}

fl_err fl_query_filter_by(fl_query *q, const char *column, json_t *value)
{
	return fl_query_filter(q, column, FL_OP_EQ, value);
}

fl_err fl_query_order_by(fl_query *q, const char *column, bool desc)
{
	if (!fl_model_column(q->model, column))
		return fail(q, unknown_column(q->db, q->model, column));
	fl_buf_puts(&q->order, q->order.len ? ", " : "");
	fl_sql_put_ident(&q->order, column);
	if (desc)
		fl_buf_puts(&q->order, " DESC");
	return FL_OK;
}

void fl_query_limit(fl_query *q, long n) { q->limit = n < 0 ? -1 : n; }
void fl_query_offset(fl_query *q, long n) { q->offset = n < 0 ? 0 : n; }

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
	put_select_list(&b, q->model);
	fl_buf_puts(&b, " FROM ");
	fl_sql_put_ident(&b, q->model->tablename);
	if (q->where.len)
		fl_buf_printf(&b, " WHERE %s", fl_buf_cstr(&q->where));
	if (q->order.len)
		fl_buf_printf(&b, " ORDER BY %s", fl_buf_cstr(&q->order));
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
	if (q->err)
		return q->err;
	fl_arena *old = fl_json_set_arena(q->arena);
	const char *sql = select_sql(q, &params);
	fl_err err = fl_db_query(q->db, sql, params, rows);
	size_t i;
	json_t *row;
	if (!err)
		json_array_foreach(*rows, i, row)
			fl_model_convert_row(q->model, row);
	fl_json_set_arena(old);
	return err;
}

fl_err fl_query_all(fl_query *q, json_t **rows)
{
	return run_select(q, rows);
}

fl_err fl_query_first(fl_query *q, json_t **row)
{
	json_t *rows;
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
	if (q->err)
		return q->err;
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
	fl_query *q = fl_query_new(db, a, m);
	fl_err err = fl_query_filter_by(q, pk->name, id);
	return err ? err : fl_query_first(q, row);
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
