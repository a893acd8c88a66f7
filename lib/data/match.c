/* match.c — the simple statements over the rows of one model that match
 * column = value conditions (SELECT, exists, UPDATE of one column, DELETE),
 * shared by writing through relationships and by delete cascades.  The SQL
 * comes from the declarations only; values are bound.  See internal.h. */
#include "data/dialect.h"
#include "data/internal.h"

#include <string.h>

fl_match fl_match_on(const fl_model *m, const fl_column *c, json_t *v)
{
	fl_match k = { .model = m };
	if (c)
		fl_match_and(&k, c, v);
	return k;
}

void fl_match_and(fl_match *k, const fl_column *c, json_t *v)
{
	if (k->n < FL_MATCH_MAX) {
		k->cols[k->n] = c;
		k->vals[k->n++] = v;
	}
}

fl_err fl_match_identity(fl_db *db, const fl_model *m, json_t *row, fl_match *k)
{
	*k = fl_match_on(m, NULL, NULL);
	bool keyed = fl_model_primary_key(m) != NULL;
	for (const fl_column *c = m->columns; c->name; c++) {
		if (keyed ? !c->primary_key : !c->foreign_key)
			continue;
		json_t *v = json_object_get(row, c->name);
		if (!v || json_is_null(v) || !fl_json_is_scalar(v))
			return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), c->name,
				"%s.%s must be set to identify the row", fl_model_table(m), c->name);
		/* A match that silently lost a column would write more rows. */
		if (k->n == FL_MATCH_MAX - 1)
			return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL,
				"%s identifies a row by more than %d columns", fl_model_table(m),
				FL_MATCH_MAX - 1);
		fl_match_and(k, c, v);
	}
	if (!k->n)
		return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL,
			"%s has neither a primary key nor foreign keys to identify a row by",
			fl_model_table(m));
	return FL_OK;
}

/* " WHERE "c1" = ? AND "c2" = ?", the values appended to `params`. */
static void put_where(fl_buf *b, const fl_match *k, json_t *params)
{
	for (size_t i = 0; i < k->n; i++) {
		fl_buf_puts(b, i ? " AND " : " WHERE ");
		fl_sql_put_ident(b, k->cols[i]->name);
		fl_buf_puts(b, " = ?");
		json_array_append(params, k->vals[i]);
	}
}

/* Run the statement `head` + WHERE + `tail` (a query when `rows`, else a
 * write) with `first` bound before the match's values. */
static fl_err run(fl_db *db, const fl_match *k, const char *head, json_t *first,
	const char *tail, json_t **rows, int *changes)
{
	fl_arena *a = fl_arena_new(1024);
	fl_buf b;
	fl_buf_init(&b, a);
	json_t *params = json_array();
	fl_buf_puts(&b, head);
	if (first)
		json_array_append(params, first);
	put_where(&b, k, params);
	fl_buf_puts(&b, tail);
	fl_err err = rows ? fl_db_query(db, fl_buf_cstr(&b), params, rows) :
		fl_db_execute(db, fl_buf_cstr(&b), params, NULL, changes);
	json_decref(params);
	fl_arena_free(a);
	return err;
}

/* A statement's head in `b`: `verb` then the quoted table name. */
static const char *head(fl_buf *b, const char *verb, const fl_model *m, const char *after)
{
	fl_buf_puts(b, verb);
	fl_sql_put_ident(b, fl_model_table(m));
	fl_buf_puts(b, after);
	return fl_buf_cstr(b);
}

fl_err fl_match_select(fl_db *db, const fl_match *k, json_t **rows)
{
	fl_arena *a = fl_arena_new(1024);
	fl_buf b, tail;
	fl_buf_init(&b, a);
	fl_buf_init(&tail, a);
	fl_buf_puts(&b, "SELECT ");
	for (const fl_column *c = k->model->columns; c->name; c++) {
		fl_buf_puts(&b, c == k->model->columns ? "" : ", ");
		fl_sql_put_ident(&b, c->name);
	}
	const fl_column *pk = fl_model_primary_key(k->model);
	if (pk) {
		fl_buf_puts(&tail, " ORDER BY ");
		fl_sql_put_ident(&tail, pk->name);
	}
	fl_err err = run(db, k, head(&b, " FROM ", k->model, ""), NULL, fl_buf_cstr(&tail), rows,
		NULL);
	fl_arena_free(a);
	size_t i;
	json_t *row;
	if (!err)
		json_array_foreach(*rows, i, row)
			fl_model_convert_row(k->model, row);
	return err;
}

fl_err fl_match_exists(fl_db *db, const fl_match *k, bool *found)
{
	fl_arena *a = fl_arena_new(256);
	fl_buf b;
	fl_buf_init(&b, a);
	json_t *rows = NULL;
	fl_err err = run(db, k, head(&b, "SELECT 1 FROM ", k->model, ""), NULL, " LIMIT 1", &rows,
		NULL);
	fl_arena_free(a);
	*found = !err && json_array_size(rows) > 0;
	return err;
}

fl_err fl_match_update(fl_db *db, const fl_match *k, const fl_column *c, json_t *v, int *changes)
{
	fl_arena *a = fl_arena_new(256);
	fl_buf b;
	fl_buf_init(&b, a);
	head(&b, "UPDATE ", k->model, " SET ");
	fl_sql_put_ident(&b, c->name);
	fl_buf_puts(&b, " = ?");
	json_t *null = json_null();
	fl_err err = run(db, k, fl_buf_cstr(&b), v ? v : null, "", NULL, changes);
	fl_arena_free(a);
	return err;
}

fl_err fl_match_delete(fl_db *db, const fl_match *k, int *changes)
{
	fl_arena *a = fl_arena_new(256);
	fl_buf b;
	fl_buf_init(&b, a);
	fl_err err = run(db, k, head(&b, "DELETE FROM ", k->model, ""), NULL, "", NULL, changes);
	fl_arena_free(a);
	return err;
}
