/* unitofwork.c — the unit of work: session.add, add_all, update and
 * delete of one row at a time.  See query.h. */
#include "data/dialect.h"
#include "data/internal.h"

#include <stdio.h>
#include <string.h>

static fl_err invalid(fl_db *db, const fl_model *m, const char *column, const char *reason)
{
	const fl_column *c = fl_model_column(m, column);
	if (c && c->length && strcmp(reason, "is too long") == 0)
		return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), column,
			"%s.%s is too long (at most %u characters)", fl_model_table(m), column, c->length);
	return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), column, "%s%s%s %s", fl_model_table(m),
		column ? "." : "", column ? column : "", reason);
}

fl_err fl_data_validate(fl_db *db, const fl_model *m, json_t *row, bool insert)
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

fl_err fl_data_apply_onupdate(fl_db *db, const fl_model *m, json_t *values)
{
	if (fl_model_apply_onupdate(m, values))
		return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL,
			"table %s declares an onupdate that is not valid JSON", fl_model_table(m));
	return FL_OK;
}

/* Append the value of column `c` to `params` as it is bound
 * (fl_column_param: LargeBinary as a BLOB, Numeric as SQLAlchemy binds). */
static fl_err bind_column(fl_db *db, const fl_model *m, json_t *params, const fl_column *c,
	json_t *v)
{
	json_t *p;
	fl_err err = fl_column_param(fl_db_dialect(db), c, v, &p);
	if (err)
		return fl_db_set_error(db, err, fl_model_table(m), c->name, "%s.%s cannot be bound",
			fl_model_table(m), c->name);
	json_array_append_new(params, p);
	return FL_OK;
}

/* After a write: each Numeric value of `row` as it now reads back ("12.50"),
 * so the caller's row shows what the database holds. */
static void show_stored(fl_db *db, const fl_model *m, json_t *row)
{
	for (const fl_column *c = m->columns; c->name; c++) {
		json_t *v = json_object_get(row, c->name), *p;
		if (c->type != FL_TYPE_NUMERIC || !v || json_is_null(v) || fl_column_param(fl_db_dialect(db), c, v, &p))
			continue;
		json_object_set_new(row, c->name, fl_column_value(c, p));
		json_decref(p);
	}
}

fl_err fl_data_put_set_list(fl_db *db, const fl_dialect *d, const fl_model *m, json_t *values,
	const fl_column *skip, fl_buf *b, json_t *params)
{
	for (const fl_column *c = m->columns; c->name; c++) {
		json_t *v = json_object_get(values, c->name);
		if (!v || c == skip)
			continue;
		fl_buf_puts(b, b->len ? ", " : "");
		d->put_ident(b, c->name);
		fl_buf_puts(b, " = ?");
		fl_err err = bind_column(db, m, params, c, v);
		if (err)
			return err;
	}
	return FL_OK;
}

/* After an INSERT that gave the generated key `pk` the explicit value
 * `v`: move the key generator past it (the dialect's
 * sync_generated_key_sql; PostgreSQL's sequence), as a failed write of the
 * unit of work when it fails. */
static fl_err sync_generated_key(fl_db *db, fl_arena *a, const fl_model *m, const fl_column *pk,
	json_t *v)
{
	fl_buf table;
	fl_buf_init(&table, a);
	fl_sql_put_ident(&table, fl_model_table(m));
	json_t *rows = NULL, *params = json_pack("[OssO]", v, fl_buf_cstr(&table), pk->name, v);
	fl_err err = fl_db_query(db, fl_db_dialect(db)->sync_generated_key_sql, params, &rows);
	json_decref(params);
	json_decref(rows);
	return err ? fl_db_poison(db, err) : FL_OK;
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
		if (bind_column(db, m, params, c, v)) {
			json_decref(params);
			return FL_EINVAL;
		}
	}
	const fl_dialect *d = fl_db_dialect(db);
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_puts(&b, "INSERT INTO ");
	fl_sql_put_ident(&b, fl_model_table(m));
	if (cols.len)
		fl_buf_printf(&b, " (%s) VALUES (%s)", fl_buf_cstr(&cols), fl_buf_cstr(&marks));
	else
		fl_buf_puts(&b, d->default_values_sql);
	const fl_column *pk = fl_model_primary_key(m);
	json_t *pkv = pk ? json_object_get(row, pk->name) : NULL;
	bool generated = pk && pk->type == FL_TYPE_INTEGER && (!pkv || json_is_null(pkv));
	if (generated && d->put_returning)
		d->put_returning(&b, pk->name);
	int64_t id = 0;
	fl_err err = execute(db, fl_buf_cstr(&b), params, &id, NULL);
	if (!err && generated)
		json_object_set_new(row, pk->name, json_integer(id));
	else if (!err && json_is_integer(pkv) && d->sync_generated_key_sql &&
		 fl_model_is_generated_key(m, pk))
		err = sync_generated_key(db, a, m, pk, pkv);
	if (!err)
		show_stored(db, m, row);
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
		return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL,
			"table %s declares a default that is not valid JSON", fl_model_table(m));
	fl_err err = fl_data_validate(db, m, row, true);
	return err ? err : with_scratch(db, m, row, insert_row);
}

fl_err fl_db_add_all(fl_db *db, const fl_model *m, json_t *rows)
{
	size_t i;
	json_t *row;
	if (!json_is_array(rows))
		return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL, "add_all needs an array");
	json_array_foreach(rows, i, row) {
		fl_err err = json_is_object(row) && fl_model_apply_defaults(m, row) ? FL_EINVAL :
			fl_data_validate(db, m, row, true);
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
	*pk = fl_model_single_pk(db, m);
	if (!*pk)
		return FL_EINVAL;
	*value = json_object_get(row, (*pk)->name);
	if (!*value || json_is_null(*value) || !fl_json_is_scalar(*value))
		return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), (*pk)->name,
			"%s.%s must be set to identify the row", fl_model_table(m), (*pk)->name);
	return FL_OK;
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
	if ((err = fl_data_put_set_list(db, fl_db_dialect(db), m, row, pk, &b, params))) {
		json_decref(params);
		return err;
	}
	if (!b.len) {   /* nothing to change: SQLAlchemy emits no UPDATE */
		json_decref(params);
		return FL_OK;
	}
	json_array_append(params, key);
	fl_buf s;
	fl_buf_init(&s, a);
	fl_buf_puts(&s, "UPDATE ");
	fl_sql_put_ident(&s, fl_model_table(m));
	fl_buf_printf(&s, " SET %s WHERE ", fl_buf_cstr(&b));
	fl_sql_put_ident(&s, pk->name);
	fl_buf_puts(&s, " = ?");
	int changes = 0;
	err = execute(db, fl_buf_cstr(&s), params, NULL, &changes);
	if (!err && changes)
		show_stored(db, m, row);
	return !err && changes == 0 ? fl_data_not_found(db, m, key) : err;
}

/* Does `row` set a column besides the primary key?  Only then does an
 * UPDATE run, and with it onupdate (SQLAlchemy emits no UPDATE for an
 * object with no changes). */
static bool sets_a_column(const fl_model *m, json_t *row)
{
	const fl_column *pk = fl_model_primary_key(m);
	const char *key;
	json_t *v;
	json_object_foreach(row, key, v)
		if (!pk || strcmp(key, pk->name) != 0)
			return true;
	return false;
}

fl_err fl_db_update(fl_db *db, const fl_model *m, json_t *row)
{
	fl_err err = json_is_object(row) && sets_a_column(m, row) ?
		fl_data_apply_onupdate(db, m, row) : FL_OK;
	if (!err)
		err = fl_data_validate(db, m, row, false);
	return err ? err : with_scratch(db, m, row, update_row);
}

fl_err fl_db_delete(fl_db *db, const fl_model *m, json_t *row)
{
	if (!json_is_object(row))
		return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL, "row must be a JSON object");
	return fl_delete_cascade(db, m, row, 0);   /* cascade.c */
}
