/* clause.c — which rows and in what order: the operators,
 * filter/filter_by/filter_or, condition trees (fl_col, fl_and, fl_or,
 * fl_not) for filter() and having(), order_by, limit and offset.
 * See query.h. */
#include "data/internal.h"

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
	[FL_OP_BETWEEN] = "BETWEEN",
	[FL_OP_NOT_IN] = "NOT IN",
	[FL_OP_NOT_LIKE] = "NOT LIKE",
	[FL_OP_ILIKE] = "ILIKE",
	[FL_OP_NOT_ILIKE] = "NOT ILIKE",
	[FL_OP_CONTAINS] = "CONTAINS",
	[FL_OP_STARTSWITH] = "STARTSWITH",
	[FL_OP_ENDSWITH] = "ENDSWITH",
};

/* A condition, spelled when built: its SQL, the values of its ?s, and
 * what fl_query_where/having need to know. */
struct fl_clause {
	fl_query *q;        /* the query it was built for (NULL: failed) */
	fl_buf sql;
	json_t *params;
	bool compound;      /* an AND/OR of several: parenthesised as an operand */
	bool aggregate;     /* names an aggregate: having only */
};

/* What a failed clause is: shared, read-only, its query NULL. */
static fl_clause failed_clause;

/* ---- checking ---- */

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

static bool value_fits(fl_op op, json_t *v)
{
	switch (op) {
	case FL_OP_IS_NULL:
	case FL_OP_IS_NOT_NULL:
		return true;
	case FL_OP_IN:
	case FL_OP_NOT_IN:
		return json_is_array(v) && all_scalars(v);
	case FL_OP_BETWEEN:
		return json_is_array(v) && json_array_size(v) == 2 && all_scalars(v);
	case FL_OP_LIKE:
	case FL_OP_NOT_LIKE:
	case FL_OP_ILIKE:
	case FL_OP_NOT_ILIKE:
	case FL_OP_CONTAINS:
	case FL_OP_STARTSWITH:
	case FL_OP_ENDSWITH:
		return json_is_string(v);
	default:
		return (unsigned)op < FL_OP__MAX && fl_json_is_scalar(v);
	}
}

/* The column whose type decides how a compared value is bound (a
 * LargeBinary value as a BLOB, a Numeric one as a number: fl_column_param),
 * or NULL when values are bound as given: an aggregate, or a type that
 * binds its values unchanged. */
static const fl_column *typed_column(const fl_operand *lhs)
{
	const fl_column *c = lhs ? lhs->col : NULL;
	if (!c || lhs->fn != FL_FUNC_NONE)
		return NULL;
	return c->type == FL_TYPE_LARGEBINARY || c->type == FL_TYPE_NUMERIC ? c : NULL;
}

static bool like_op(fl_op op)
{
	return op == FL_OP_LIKE || op == FL_OP_NOT_LIKE || op == FL_OP_ILIKE ||
		op == FL_OP_NOT_ILIKE || op == FL_OP_CONTAINS || op == FL_OP_STARTSWITH ||
		op == FL_OP_ENDSWITH;
}

/* Can every value compared with the typed column `c` be bound for it?
 * A Numeric value must be a decimal; in_() of bytes has no JSON list to
 * travel in (the IN list is one bound JSON text), so it is refused. */
static const char *typed_value_problem(const fl_column *c, fl_op op, json_t *value)
{
	if (like_op(op) || op == FL_OP_IS_NULL || op == FL_OP_IS_NOT_NULL)
		return NULL;
	if ((op == FL_OP_IN || op == FL_OP_NOT_IN) && c->type == FL_TYPE_LARGEBINARY)
		return "in_() cannot compare LargeBinary values";
	if (c->type != FL_TYPE_NUMERIC)
		return NULL;
	if (!json_is_array(value))
		return json_is_null(value) ? NULL : fl_numeric_invalid(c, value);
	size_t i;
	json_t *v;
	json_array_foreach(value, i, v)
		if (!json_is_null(v) && fl_numeric_invalid(c, v))
			return fl_numeric_invalid(c, v);
	return NULL;
}

fl_err fl_query_check_cond(fl_query *q, const fl_operand *lhs, const char *column, fl_op op,
	json_t *value, fl_op *norm)
{
	*norm = normalize_op(op, value);
	if (!value_fits(*norm, value))
		return fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), column,
			"invalid value or operator in filter on %s", column);
	const fl_column *c = typed_column(lhs);
	const char *why = c ? typed_value_problem(c, *norm, value) : NULL;
	if (why)
		return fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), column,
			"filter on %s: %s", column, why);
	return FL_OK;
}

/* The parameter to bind for `v` compared with `lhs` (checked above). */
static json_t *bound(const fl_dialect *d, const fl_operand *lhs, json_t *v)
{
	const fl_column *c = typed_column(lhs);
	json_t *out;
	if (c && !json_is_null(v) && fl_column_param(d, c, v, &out) == FL_OK)
		return out;
	return json_copy(v);
}

/* The IN list for `lhs`: its values bound as the column binds them. */
static json_t *bound_list(const fl_dialect *d, const fl_operand *lhs, json_t *list)
{
	if (!typed_column(lhs))
		return list;
	json_t *out = json_array(), *v;
	size_t i;
	json_array_foreach(list, i, v)
		json_array_append_new(out, bound(d, lhs, v));
	return out;
}

/* ---- spelling ---- */

/* SQLAlchemy's autoescape=True: '/' → '//', '%' → '/%', '_' → '/_', then
 * the wildcards the operator adds — all in the bound value, so the SQL is
 * the same `LIKE ? ESCAPE '/'` for every value. */
static json_t *autoescape(fl_arena *a, fl_op op, json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	fl_buf b;
	fl_buf_init(&b, a);
	if (op != FL_OP_STARTSWITH)
		fl_buf_putc(&b, '%');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '/' || s[i] == '%' || s[i] == '_')
			fl_buf_putc(&b, '/');
		fl_buf_putc(&b, s[i]);
	}
	if (op != FL_OP_ENDSWITH)
		fl_buf_putc(&b, '%');
	return json_stringn(fl_buf_cstr(&b), b.len);
}

void fl_query_put_cond(fl_query *q, fl_buf *b, json_t *params, const fl_operand *lhs,
	fl_op op, json_t *value)
{
	const fl_dialect *d = q->dialect;
	if (op == FL_OP_ILIKE || op == FL_OP_NOT_ILIKE) {
		fl_buf l;
		fl_buf_init(&l, q->arena);
		fl_query_put_operand(q, &l, lhs);
		d->put_ilike(b, fl_buf_cstr(&l), op == FL_OP_NOT_ILIKE);
		json_array_append_new(params, json_copy(value));
		return;
	}
	fl_query_put_operand(q, b, lhs);
	switch (op) {
	case FL_OP_IS_NULL:
	case FL_OP_IS_NOT_NULL:
		fl_buf_printf(b, " %s", fl_op_names[op]);
		return;
	case FL_OP_IN:
	case FL_OP_NOT_IN:
		d->put_in(b, op == FL_OP_NOT_IN, bound_list(d, lhs, value), params);
		return;
	case FL_OP_BETWEEN:
		fl_buf_puts(b, " BETWEEN ? AND ?");
		json_array_append_new(params, bound(d, lhs, json_array_get(value, 0)));
		json_array_append_new(params, bound(d, lhs, json_array_get(value, 1)));
		return;
	case FL_OP_CONTAINS:
	case FL_OP_STARTSWITH:
	case FL_OP_ENDSWITH:
		fl_buf_printf(b, " LIKE ?%s", d->like_escape);
		json_array_append_new(params, autoescape(q->arena, op, value));
		return;
	default:
		fl_buf_printf(b, " %s ?", fl_op_names[op]);
		json_array_append_new(params, bound(d, lhs, value));
		return;
	}
}

/* ---- filter, filter_by, filter_or: straight into the where clause ---- */

fl_query *fl_query_filter_or(fl_query *q, const fl_cond *conds, size_t n)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	if (n && !conds)
		return fl_query_fail(q, fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"no conditions given"));
	fl_operand *lhs = n > 1 ? fl_arena_calloc(q->arena, n, sizeof *lhs) : &(fl_operand){0};
	fl_op *ops = n > 1 ? fl_arena_calloc(q->arena, n, sizeof *ops) : &(fl_op){0};
	for (size_t i = 0; i < n; i++) {
		fl_err err = fl_query_resolve(q, conds[i].column, &lhs[i].model, &lhs[i].col);
		if (!err)
			err = fl_query_check_cond(q, &lhs[i], conds[i].column, conds[i].op,
				conds[i].value, &ops[i]);
		if (err)
			return fl_query_fail(q, err);
	}
	fl_arena *old = fl_json_set_arena(q->arena);
	fl_buf_puts(&q->where, q->where.len ? " AND (" : "(");
	if (n == 0)
		fl_buf_puts(&q->where, q->dialect->false_sql);
	for (size_t i = 0; i < n; i++) {
		fl_buf_puts(&q->where, i ? " OR " : "");
		fl_query_put_cond(q, &q->where, q->params, &lhs[i], ops[i], conds[i].value);
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

/* ---- condition trees ---- */

static fl_clause *clause_fail(fl_query *q, fl_err err)
{
	if (q && q != &fl_query_invalid)
		fl_query_fail(q, err);
	return &failed_clause;
}

static fl_clause *new_clause(fl_query *q)
{
	fl_clause *c = fl_arena_calloc(q->arena, 1, sizeof *c);
	c->q = q;
	fl_buf_init(&c->sql, q->arena);
	fl_arena *old = fl_json_set_arena(q->arena);
	c->params = json_array();
	fl_json_set_arena(old);
	return c;
}

fl_clause *fl_func_col(fl_query *q, fl_func fn, const char *column, fl_op op, json_t *value)
{
	if (fl_query_failed(q))
		return clause_fail(q, FL_EINVAL);
	fl_operand lhs = { .fn = fn, .model = q->model };
	fl_err err = FL_OK;
	if ((unsigned)fn >= FL_FUNC__MAX || (!column && fn != FL_FUNC_COUNT))
		err = fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), column,
			"invalid function or column in a condition");
	else if (column)
		err = fl_query_resolve(q, column, &lhs.model, &lhs.col);
	fl_op norm = op;
	if (!err)
		err = fl_query_check_cond(q, &lhs, column ? column : "*", op, value, &norm);
	if (err)
		return clause_fail(q, err);
	fl_clause *c = new_clause(q);
	c->aggregate = fn != FL_FUNC_NONE;
	fl_arena *old = fl_json_set_arena(q->arena);
	fl_query_put_cond(q, &c->sql, c->params, &lhs, norm, value);
	fl_json_set_arena(old);
	return c;
}

fl_clause *fl_col(fl_query *q, const char *column, fl_op op, json_t *value)
{
	return fl_func_col(q, FL_FUNC_NONE, column, op, value);
}

/* A part of a tree must be a clause of this query that has not failed. */
static fl_err check_part(fl_query *q, const fl_clause *c)
{
	if (c && c->q == q)
		return FL_OK;
	if (c == &failed_clause && q->err)
		return q->err;
	return fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
		c == NULL ? "a NULL condition" : c == &failed_clause ? "a failed condition" :
		"a condition of another query");
}

static fl_clause *combine(fl_query *q, size_t n, fl_clause *const *cs, const char *op,
	const char *empty)
{
	if (fl_query_failed(q))
		return clause_fail(q, FL_EINVAL);
	if (n && !cs)
		return clause_fail(q, check_part(q, NULL));
	for (size_t i = 0; i < n; i++) {
		fl_err err = check_part(q, cs[i]);
		if (err)
			return clause_fail(q, err);
	}
	if (n == 1)
		return cs[0];
	fl_clause *c = new_clause(q);
	c->compound = n > 1;
	if (n == 0)
		fl_buf_puts(&c->sql, empty);
	fl_arena *old = fl_json_set_arena(q->arena);
	for (size_t i = 0; i < n; i++) {
		fl_buf_puts(&c->sql, i ? op : "");
		fl_buf_printf(&c->sql, cs[i]->compound ? "(%s)" : "%s", fl_buf_cstr(&cs[i]->sql));
		json_array_extend(c->params, cs[i]->params);
		c->aggregate |= cs[i]->aggregate;
	}
	fl_json_set_arena(old);
	return c;
}

fl_clause *fl_and_n(fl_query *q, size_t n, fl_clause *const *cs)
{
	return combine(q, n, cs, " AND ", fl_query_failed(q) ? "" : q->dialect->true_sql);
}

fl_clause *fl_or_n(fl_query *q, size_t n, fl_clause *const *cs)
{
	return combine(q, n, cs, " OR ", fl_query_failed(q) ? "" : q->dialect->false_sql);
}

fl_clause *fl_not(fl_query *q, fl_clause *part)
{
	fl_clause *c = combine(q, 1, &part, "", "");
	if (c == &failed_clause)
		return c;
	fl_clause *n = new_clause(q);
	n->aggregate = c->aggregate;
	fl_buf_printf(&n->sql, "NOT (%s)", fl_buf_cstr(&c->sql));
	fl_arena *old = fl_json_set_arena(q->arena);
	json_array_extend(n->params, c->params);
	fl_json_set_arena(old);
	return n;
}

/* Append "(c)" AND-ed to `b` and its values to `params`. */
static fl_query *add_clause(fl_query *q, fl_clause *c, fl_buf *b, json_t *params)
{
	fl_arena *old = fl_json_set_arena(q->arena);
	fl_buf_printf(b, b->len ? " AND (%s)" : "(%s)", fl_buf_cstr(&c->sql));
	json_array_extend(params, c->params);
	fl_json_set_arena(old);
	return q;
}

fl_query *fl_query_where(fl_query *q, fl_clause *c)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	fl_err err = check_part(q, c);
	if (!err && c->aggregate)
		err = fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"an aggregate belongs in having(), not filter()");
	return err ? fl_query_fail(q, err) : add_clause(q, c, &q->where, q->params);
}

fl_query *fl_query_having(fl_query *q, fl_clause *c)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	fl_err err = check_part(q, c);
	if (!err && !q->ngroups)
		err = fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"having() needs group_by()");
	if (err)
		return fl_query_fail(q, err);
	if (!q->having_params) {
		fl_arena *old = fl_json_set_arena(q->arena);
		q->having_params = json_array();
		fl_json_set_arena(old);
	}
	return add_clause(q, c, &q->having, q->having_params);
}

/* ---- order_by, limit, offset ---- */

fl_query *fl_query_order_by(fl_query *q, const char *column, bool desc)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	fl_operand o = {0};
	fl_err err = fl_query_resolve(q, column, &o.model, &o.col);
	if (err)
		return fl_query_fail(q, err);
	fl_buf_puts(&q->order, q->order.len ? ", " : "");
	fl_query_put_operand(q, &q->order, &o);
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
