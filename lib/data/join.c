/* join.c — join() along relationships, and naming columns of the query's
 * model or of a model it joined ("col", "Model.col", "table.col").
 * See query.h. */
#include "data/internal.h"

#include <string.h>

const char *const fl_func_names[FL_FUNC__MAX] = {
	[FL_FUNC_NONE] = "",
	[FL_FUNC_COUNT] = "count",
	[FL_FUNC_SUM] = "sum",
	[FL_FUNC_AVG] = "avg",
	[FL_FUNC_MIN] = "min",
	[FL_FUNC_MAX] = "max",
};

/* Does `prefix` (n bytes) name `m`, by class name or table name? */
static bool names_model(const fl_model *m, const char *prefix, size_t n)
{
	const char *t = fl_model_table(m);
	return (m->name && strlen(m->name) == n && memcmp(m->name, prefix, n) == 0) ||
		(t && strlen(t) == n && memcmp(t, prefix, n) == 0);
}

fl_err fl_query_resolve(fl_query *q, const char *name, const fl_model **m, const fl_column **c)
{
	const char *dot = name ? strchr(name, '.') : NULL;
	*m = q->model;
	if (dot) {
		size_t n = (size_t)(dot - name);
		*m = names_model(q->model, name, n) ? q->model : NULL;
		for (size_t i = 0; !*m && i < q->njoins; i++)
			if (names_model(q->joined[i], name, n))
				*m = q->joined[i];
		if (!*m)
			return fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), name,
				"%.*s is not a model of this query (join it first): %s", (int)n, name, name);
		name = dot + 1;
	}
	*c = fl_model_column(*m, name);
	return *c ? FL_OK : fl_data_unknown_column(q->db, *m, name);
}

void fl_sql_put_qualified(const fl_dialect *d, fl_buf *b, const fl_model *m,
	const fl_column *c)
{
	d->put_ident(b, fl_model_table(m));
	fl_buf_putc(b, '.');
	d->put_ident(b, c->name);
}

/* The column, qualified once the query joins. */
static void put_column(fl_query *q, fl_buf *b, const fl_model *m, const fl_column *c)
{
	if (q->njoins)
		fl_sql_put_qualified(q->dialect, b, m, c);
	else
		q->dialect->put_ident(b, c->name);
}

void fl_query_put_operand(fl_query *q, fl_buf *b, const fl_operand *o)
{
	q->named = true;
	if (o->fn == FL_FUNC_NONE) {
		put_column(q, b, o->model, o->col);
		return;
	}
	fl_buf_puts(b, fl_func_names[o->fn]);
	fl_buf_putc(b, '(');
	if (o->col)
		put_column(q, b, o->model, o->col);
	else
		fl_buf_putc(b, '*');
	fl_buf_putc(b, ')');
}

void fl_query_put_select_list(const fl_dialect *d, fl_buf *b, const fl_model *m, bool qualified)
{
	for (const fl_column *c = m->columns; c->name; c++) {
		fl_buf_puts(b, c == m->columns ? "" : ", ");
		if (qualified) {
			fl_sql_put_qualified(d, b, m, c);
			fl_buf_puts(b, " AS ");
		}
		d->put_ident(b, c->name);
	}
}

/* ---- join ---- */

static bool in_query(const fl_query *q, const fl_model *m)
{
	if (m == q->model)
		return true;
	for (size_t i = 0; i < q->njoins; i++)
		if (q->joined[i] == m)
			return true;
	return false;
}

/* " JOIN t ON a.x = t.y" */
static void put_join(fl_query *q, const fl_model *t, const fl_model *am, const fl_column *ac,
	const fl_column *tc)
{
	const fl_dialect *d = q->dialect;
	fl_buf_puts(&q->joins, " JOIN ");
	d->put_ident(&q->joins, fl_model_table(t));
	fl_buf_puts(&q->joins, " ON ");
	fl_sql_put_qualified(d, &q->joins, am, ac);
	fl_buf_puts(&q->joins, " = ");
	fl_sql_put_qualified(d, &q->joins, t, tc);
}

/* Join relationship `r` (from a model already in the query). */
static fl_err join_rel(fl_query *q, const fl_rel *r)
{
	size_t need = r->kind == FL_REL_MANY_TO_MANY ? 2 : 1;
	if (in_query(q, r->target) || (r->secondary && in_query(q, r->secondary)))
		return fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"%s is already in this query: joining it again needs aliases (not supported)",
			fl_model_table(r->target));
	if (q->njoins + need > FL_QUERY_MAX_JOINS)
		return fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"more than %d models joined", FL_QUERY_MAX_JOINS);
	if (r->kind == FL_REL_MANY_TO_MANY) {
		put_join(q, r->secondary, r->from, r->local, r->sec_local);
		put_join(q, r->target, r->secondary, r->sec_remote, r->target_key);
		q->joined[q->njoins++] = r->secondary;
	} else {
		put_join(q, r->target, r->from, r->local, r->remote);
	}
	q->joined[q->njoins++] = r->target;
	return FL_OK;
}

fl_query *fl_query_join(fl_query *q, const char *path)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	fl_err err = FL_OK;
	if (!path || !*path)
		err = fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"no relationship to join");
	else if (q->named || q->where.len)
		err = fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"join(%s) must come before filter/order_by/group_by/select", path);
	const fl_model *m = q->model;
	for (const char *p = path; p && !err; ) {
		fl_rel r;
		if ((err = fl_rel_step(q->db, q->arena, m, path, &p, &r)))
			break;
		err = join_rel(q, &r);
		m = r.target;
	}
	return err ? fl_query_fail(q, err) : q;
}
