/* loading.c — relationship loading: eager (fl_query_load, one statement
 * per relationship whatever the number of rows) and dynamic
 * (fl_query_related).  See query.h. */
#include "data/internal.h"
#include "base/row.h"

#include <stdio.h>
#include <string.h>

#define REL_KEY "__fl_key"

/* SELECT target.* [, secondary.sec_local AS key] FROM target [JOIN
 * secondary] WHERE <key> IN (json_each(?)) ORDER BY <order_by>, target.pk:
 * one statement for all parents; the primary key makes the order within
 * each parent deterministic. */
static const char *fetch_sql(fl_query *q, const fl_rel *r, const fl_column *ocol, bool desc,
	json_t *keys, json_t *params)
{
	const fl_dialect *d = q->dialect;
	fl_buf b;
	fl_buf_init(&b, q->arena);
	fl_buf_puts(&b, "SELECT ");
	for (const fl_column *c = r->target->columns; c->name; c++) {
		fl_buf_puts(&b, c == r->target->columns ? "" : ", ");
		fl_sql_put_qualified(d, &b, r->target, c);
		fl_buf_puts(&b, " AS ");
		d->put_ident(&b, c->name);
	}
	if (r->kind == FL_REL_MANY_TO_MANY) {
		fl_buf_puts(&b, ", ");
		fl_sql_put_qualified(d, &b, r->secondary, r->sec_local);
		fl_buf_puts(&b, " AS \"" REL_KEY "\" FROM ");
		d->put_ident(&b, fl_model_table(r->target));
		fl_buf_puts(&b, " JOIN ");
		d->put_ident(&b, fl_model_table(r->secondary));
		fl_buf_puts(&b, " ON ");
		fl_sql_put_qualified(d, &b, r->secondary, r->sec_remote);
		fl_buf_puts(&b, " = ");
		fl_sql_put_qualified(d, &b, r->target, r->target_key);
		fl_buf_puts(&b, " WHERE ");
		fl_sql_put_qualified(d, &b, r->secondary, r->sec_local);
	} else {
		fl_buf_puts(&b, " FROM ");
		d->put_ident(&b, fl_model_table(r->target));
		fl_buf_puts(&b, " WHERE ");
		fl_sql_put_qualified(d, &b, r->target, r->remote);
	}
	d->put_in(&b, false, keys, params);
	fl_buf_puts(&b, " ORDER BY ");
	if (ocol) {
		fl_sql_put_qualified(d, &b, r->target, ocol);
		fl_buf_puts(&b, desc ? " DESC, " : ", ");
	}
	const fl_column *pk = fl_model_primary_key(r->target);
	fl_sql_put_qualified(d, &b, r->target, pk ? pk : r->target->columns);
	return fl_dialect_finish(q->dialect, q->arena, fl_buf_cstr(&b));
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
		json_t *v = fl_row_get(row, c->name);
		if (!v || json_is_null(v) || json_object_get(seen, key_text(v)))
			continue;
		json_object_set_new(seen, key_text(v), json_true());
		json_array_append(keys, v);
	}
	return keys;
}

/* Group the fetched `rows` by the key that links them to a parent:
 * key text → array of rows, in fetch order. */
static json_t *group_children(const fl_rel *r, json_t *rows)
{
	json_t *groups = json_object(), *row;
	size_t i;
	json_array_foreach(rows, i, row) {
		const char *k = key_text(json_object_get(row,
			r->kind == FL_REL_MANY_TO_MANY ? REL_KEY : r->remote->name));
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
static void attach(const fl_rel *r, json_t *parents, json_t *groups)
{
	json_t *row;
	size_t i;
	json_array_foreach(parents, i, row) {
		json_t *v = fl_row_get(row, r->local->name);
		json_t *g = v && !json_is_null(v) ? json_object_get(groups, key_text(v)) : NULL;
		if (r->uselist)
			fl_row_set_new(row, r->name, g ? json_copy(g) : json_array());
		else
			fl_row_set_new(row, r->name, g ? json_incref(json_array_get(g, 0)) : json_null());
	}
}

/* The rows already stored under `name` in `parents` (by an earlier path
 * sharing this prefix), flattened: the next level's parents. */
static json_t *loaded_children(json_t *parents, const char *name)
{
	json_t *out = json_array(), *row;
	size_t i;
	json_array_foreach(parents, i, row) {
		json_t *v = fl_row_get(row, name);
		if (json_is_array(v))
			json_array_extend(out, v);
		else if (json_is_object(v))
			json_array_append(out, v);
	}
	return out;
}

static fl_err fetch_related(fl_query *q, const fl_rel *r, json_t *keys, json_t **rows)
{
	const fl_column *ocol;
	bool desc;
	fl_err err = fl_rel_order(q->db, r, &ocol, &desc);
	if (err)
		return err;
	json_t *params = json_array();
	err = fl_db_query(q->db, fetch_sql(q, r, ocol, desc, keys, params), params, rows);
	size_t i;
	json_t *row;
	if (!err)
		json_array_foreach(*rows, i, row)
			fl_model_convert_row(r->target, row);
	return err;
}

/* Load relationship `r` into every row of `parents` with one statement
 * (none when there is nothing to look up); *children gets the related
 * rows, for the next level of a path. */
static fl_err load_level(fl_query *q, json_t *parents, const fl_rel *r, json_t **children)
{
	json_t *first = json_array_get(parents, 0);
	if (!first || fl_row_get(first, r->name)) {
		*children = loaded_children(parents, r->name);
		return FL_OK;
	}
	json_t *keys = distinct_keys(parents, r->local);
	*children = json_array();
	fl_err err;
	if (json_array_size(keys) && (err = fetch_related(q, r, keys, children)))
		return err;
	attach(r, parents, group_children(r, *children));
	return FL_OK;
}

/* Walk a dotted path level by level, from `rows` of the query's model
 * (`rows` == NULL: only check that every level exists). */
static fl_err walk_path(fl_query *q, json_t *rows, const char *path)
{
	const fl_model *m = q->model;
	fl_err err = FL_OK;
	for (const char *p = path; p && !err; ) {
		fl_rel r;
		if ((err = fl_rel_step(q->db, q->arena, m, path, &p, &r)))
			break;
		if (rows)
			err = load_level(q, rows, &r, &rows);
		m = r.target;
	}
	return err;
}

fl_err fl_query_load_paths(fl_query *q, json_t *rows)
{
	for (size_t i = 0; i < q->nloads; i++) {
		fl_err err = walk_path(q, rows, q->loads[i]);
		if (err)
			return err;
	}
	return FL_OK;
}

fl_query *fl_query_load(fl_query *q, const char *path)
{
	if (fl_query_failed(q))
		return fl_query_chain(q);
	if (!path)
		return fl_query_fail(q, fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"no relationship path"));
	/* Every level is checked now, so a typo fails at the builder call. */
	fl_err err = walk_path(q, NULL, path);
	if (err)
		return fl_query_fail(q, err);
	if (q->nloads == FL_QUERY_MAX_LOADS)
		return fl_query_fail(q, fl_db_set_error(q->db, FL_EINVAL, fl_model_table(q->model), NULL,
			"more than %d relationships loaded", FL_QUERY_MAX_LOADS));
	q->loads[q->nloads++] = fl_arena_strdup(q->arena, path);
	return q;
}

/* ---- dynamic relationships ---- */

/* target.target_key IN (SELECT sec_remote FROM secondary WHERE sec_local = ?):
 * qualified, since the association table may share column names ("id"). */
static void restrict_secondary(fl_query *q, const fl_rel *r, json_t *key)
{
	const fl_dialect *d = q->dialect;
	fl_arena *old = fl_json_set_arena(q->arena);
	fl_buf_puts(&q->where, q->where.len ? " AND (" : "(");
	fl_sql_put_qualified(d, &q->where, r->target, r->target_key);
	fl_buf_puts(&q->where, " IN (SELECT ");
	fl_sql_put_qualified(d, &q->where, r->secondary, r->sec_remote);
	fl_buf_puts(&q->where, " FROM ");
	d->put_ident(&q->where, fl_model_table(r->secondary));
	fl_buf_puts(&q->where, " WHERE ");
	fl_sql_put_qualified(d, &q->where, r->secondary, r->sec_local);
	fl_buf_puts(&q->where, " = ?))");
	json_array_append_new(q->params, json_copy(key));
	fl_json_set_arena(old);
}

fl_query *fl_query_related(fl_db *db, fl_arena *a, const fl_model *m, json_t *row,
	const char *name)
{
	fl_rel r;
	const fl_column *ocol;
	bool desc;
	if (!db || !a || !m)
		return (fl_query *)&fl_query_invalid;
	fl_err err = name ? fl_rel_find(db, m, name, &r) :
		fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL, "no relationship name");
	if (!err)
		err = fl_rel_order(db, &r, &ocol, &desc);
	if (err)   /* a query over `m` that carries the error */
		return fl_query_fail(fl_query_new(db, a, m), err);
	fl_query *q = fl_query_new(db, a, r.target);
	/* A missing key is NULL: IS NULL on the target's side matches nothing
	 * that is related, as an unsaved object has no related rows. */
	json_t *key = fl_row_get(row, r.local->name);
	if (key && json_is_null(key))
		key = NULL;
	if (r.kind == FL_REL_MANY_TO_MANY && key)
		restrict_secondary(q, &r, key);
	else
		fl_query_filter_by(q, r.kind == FL_REL_MANY_TO_MANY ? r.target_key->name : r.remote->name,
			key);
	if (ocol)
		fl_query_order_by(q, ocol->name, desc);
	return q;
}
