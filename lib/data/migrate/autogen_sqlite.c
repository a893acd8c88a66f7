/* autogen_sqlite.c — `db migrate`'s changes to one existing table spelled
 * for SQLite (the plain parts of a revision generated against a SQLite
 * database): ALTER TABLE ADD/DROP COLUMN and CREATE/DROP INDEX where
 * SQLite can, else the documented 12-step rebuild
 * (https://sqlite.org/lang_altertable.html#otheralter, steps 4-8; the
 * revision then carries "-- foreign_keys: off" so the runner does steps 1,
 * 10 and 12).  The CREATE TABLE and CREATE INDEX texts are the ones
 * sqlite_master holds (internal.h's "sql"). */
#include "data/migrate/autogen_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define TMP_PREFIX "_flagon_tmp_"

static const char *s_of(json_t *o, const char *key)
{
	return fl_autogen_str(o, key);
}

static const char *ident(struct fl_autogen *g, const char *name)
{
	return fl_autogen_ident(g, name);
}

/* 'text' as a SQL string literal. */
static const char *sql_string(struct fl_autogen *g, const char *text)
{
	fl_buf b;
	fl_buf_init(&b, g->a);
	fl_sql_put_string(&b, text);
	return fl_buf_cstr(&b);
}

/* A JSON default (default=) as a SQL literal, or NULL if it has none. */
static const char *json_literal(struct fl_autogen *g, const char *json_text)
{
	json_error_t e;
	json_t *v = json_text ? json_loads(json_text, JSON_DECODE_ANY, &e) : NULL;
	if (json_is_integer(v))
		return fl_arena_printf(g->a, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return fl_arena_printf(g->a, "%.17g", json_real_value(v));
	if (json_is_boolean(v))
		return json_is_true(v) ? "1" : "0";
	if (json_is_string(v))
		return sql_string(g, json_string_value(v));
	return NULL;
}

/* The value that fills column `c` of table `x` for rows that have none:
 * its DEFAULT, else (on the models' side) the model's default= value. */
static const char *fill_value(struct fl_autogen *g, const char *table, json_t *c, bool model_side)
{
	json_t *d = json_object_get(c, "default");
	if (json_is_string(d))
		return json_string_value(d);
	const fl_model *m = model_side ? fl_autogen_model_for(g->models, table) : NULL;
	const fl_column *col = m ? fl_model_column(m, s_of(c, "name")) : NULL;
	return col ? json_literal(g, col->default_json) : NULL;
}

/* `sql` (a CREATE TABLE text from sqlite_master) creating `name` instead.
 * SQLite keeps the text as written after "CREATE TABLE ", so the name is
 * the next token: quoted ("", '', ``, []) or bare. */
static const char *rename_create(struct fl_autogen *g, const char *sql, const char *name)
{
	const char *p = sql;
	if (strncasecmp(p, "CREATE TABLE", 12) != 0)
		return NULL;
	p += 12;
	while (isspace((unsigned char)*p))
		p++;
	if (strncasecmp(p, "IF NOT EXISTS", 13) == 0)
		for (p += 13; isspace((unsigned char)*p); p++)
			;
	const char *start = p;
	if (*p == '"' || *p == '\'' || *p == '`' || *p == '[') {
		char close = *p == '[' ? ']' : *p;
		for (p++; *p; p++) {
			if (*p == close && p[1] == close && close != ']')
				p++;
			else if (*p == close)
				break;
		}
		if (!*p)
			return NULL;
		p++;
	} else
		while (*p && !isspace((unsigned char)*p) && *p != '(')
			p++;
	if (p == start)
		return NULL;
	return fl_arena_printf(g->a, "CREATE TABLE %s%s", ident(g, name), p);
}

/* The explicit indexes and the triggers of table `x`, as statements. */
void fl_autogen_put_indexes(fl_buf *b, json_t *x)
{
	json_t *i;
	size_t k;
	json_array_foreach(json_object_get(x, "indexes"), k, i)
		fl_buf_printf(b, "%s;\n", s_of(i, "sql"));
}

void fl_autogen_put_triggers(fl_buf *b, json_t *x)
{
	json_t *t;
	size_t k;
	json_array_foreach(json_object_get(x, "triggers"), k, t)
		fl_buf_printf(b, "%s;\n", json_string_value(t));
}

/* The 12-step rebuild of `table` from definition `f` to definition `x`
 * (steps 4-8; the runner does the rest).  `triggers`: the table whose
 * triggers are re-created (the live one — the models declare none).
 * `model_side`: x is the models' definition (its default= values may fill
 * new NOT NULL columns).  `what`: "upgrade"/"downgrade" for warnings. */
static fl_err rebuild(struct fl_autogen *g, fl_buf *b, const char *table, json_t *f, json_t *x,
	json_t *triggers, bool model_side, const char *what)
{
	const char *tmp = fl_arena_printf(g->a, TMP_PREFIX "%s", table);
	const char *create = rename_create(g, s_of(x, "sql"), tmp);
	if (!create)
		return FL_EINVAL;
	fl_buf cols, exprs;
	fl_buf_init(&cols, g->a);
	fl_buf_init(&exprs, g->a);
	json_t *c;
	size_t i;
	json_array_foreach(json_object_get(x, "columns"), i, c) {
		const char *name = s_of(c, "name");
		json_t *o = fl_schema_column(f, name);
		bool notnull = json_is_true(json_object_get(c, "notnull"));
		bool rowid_pk = json_integer_value(json_object_get(c, "pk")) > 0;
		const char *fill = fill_value(g, table, c, model_side), *expr = NULL;
		if (json_integer_value(json_object_get(c, "hidden")))
			continue;   /* generated columns compute themselves */
		if (o && !json_integer_value(json_object_get(o, "hidden"))) {
			expr = ident(g, s_of(o, "name"));
			if (notnull && !json_is_true(json_object_get(o, "notnull")) && !rowid_pk) {
				if (fill)
					expr = fl_arena_printf(g->a, "COALESCE(%s, %s)", expr, fill);
				else
					fl_autogen_warn(g, "%s: %s.%s becomes NOT NULL and has no default: rows holding "
						"NULL there make the %s fail", what, table, name, what);
			}
		} else if (notnull && fill && !json_is_string(json_object_get(c, "default")))
			expr = fill;     /* default= only: SQLite would not fill it */
		else if (notnull && !fill && !rowid_pk)
			fl_autogen_warn(g, "%s: new column %s.%s is NOT NULL and has no default: the %s fails "
				"if %s has rows", what, table, name, what, table);
		if (!expr)
			continue;
		fl_buf_printf(&cols, "%s%s", cols.len ? ", " : "", ident(g, name));
		fl_buf_printf(&exprs, "%s%s", exprs.len ? ", " : "", expr);
	}
	fl_buf_printf(b, "%s;\n", create);
	if (cols.len)
		fl_buf_printf(b, "INSERT INTO %s (%s)\n\tSELECT %s FROM %s;\n", ident(g, tmp),
			fl_buf_cstr(&cols), fl_buf_cstr(&exprs), ident(g, table));
	else
		fl_autogen_warn(g, "%s: %s has no column in common with its new definition: its rows are not "
			"copied", what, table);
	if (json_is_true(json_object_get(f, "autoincrement")) &&
	    json_is_true(json_object_get(x, "autoincrement"))) {
		/* AUTOINCREMENT never reuses an id: carry the high-water mark over
		 * (SQLite's 12 steps would lose the ids of deleted last rows) */
		const char *lt = sql_string(g, tmp), *lo = sql_string(g, table);
		fl_buf_printf(b, "DELETE FROM sqlite_sequence WHERE name = %s;\n"
			"INSERT INTO sqlite_sequence (name, seq)\n\tSELECT %s, seq FROM sqlite_sequence "
			"WHERE name = %s;\n", lt, lt, lo);
	}
	fl_buf_printf(b, "DROP TABLE %s;\n", ident(g, table));
	fl_buf_printf(b, "ALTER TABLE %s RENAME TO %s;\n", ident(g, tmp), ident(g, table));
	fl_autogen_put_indexes(b, x);
	fl_autogen_put_triggers(b, triggers);
	g->fk_off = true;
	return FL_OK;
}

/* Can SQLite's ALTER TABLE ADD COLUMN make column `c` (and DROP COLUMN
 * undo it)? */
static bool addable(json_t *c)
{
	json_t *d = json_object_get(c, "default");
	const char *ds = json_string_value(d);
	if (json_integer_value(json_object_get(c, "pk")) || json_integer_value(json_object_get(c, "hidden")))
		return false;
	if (json_is_true(json_object_get(c, "notnull")) && !ds)
		return false;
	if (ds && (ds[0] == '(' || strncasecmp(ds, "CURRENT_", 8) == 0))
		return false;
	return sqlite3_libversion_number() >= 3035000;   /* DROP COLUMN for the downgrade */
}

/* Only added plain columns and index changes: no rebuild needed. */
static bool simple_change(json_t *diffs, const char *table, json_t *target)
{
	json_t *d;
	size_t i;
	json_array_foreach(diffs, i, d) {
		if (strcmp(s_of(d, "table"), table) != 0)
			continue;
		const char *op = s_of(d, "op");
		if (strcmp(op, "add_index") == 0 || strcmp(op, "drop_index") == 0)
			continue;
		if (strcmp(op, "add_column") == 0 &&
		    addable(fl_schema_column(target, s_of(d, "column"))))
			continue;
		return false;
	}
	return true;
}

static void alter_simple(struct fl_autogen *g, const char *table, json_t *f, json_t *x)
{
	fl_buf up, down;
	json_t *i, *c;
	size_t k;
	fl_buf_init(&up, g->a);
	fl_buf_init(&down, g->a);
	/* indexes dropped or changed go first, new ones come after the columns */
	json_array_foreach(json_object_get(f, "indexes"), k, i) {
		json_t *o = fl_schema_index(x, s_of(i, "name"));
		if (!o || !fl_schema_index_equal(i, o))
			fl_buf_printf(&up, "DROP INDEX %s;\n", ident(g, s_of(i, "name")));
	}
	json_array_foreach(json_object_get(x, "indexes"), k, i) {
		json_t *o = fl_schema_index(f, s_of(i, "name"));
		if (!o || !fl_schema_index_equal(i, o))
			fl_buf_printf(&down, "DROP INDEX %s;\n", ident(g, s_of(i, "name")));
	}
	json_array_foreach(json_object_get(x, "columns"), k, c) {
		if (fl_schema_column(f, s_of(c, "name")))
			continue;
		json_t *d = json_object_get(c, "default");
		fl_buf_printf(&up, "ALTER TABLE %s ADD COLUMN %s %s%s%s%s;\n", ident(g, table),
			ident(g, s_of(c, "name")), s_of(c, "type"), json_is_string(d) ? " DEFAULT " : "",
			json_is_string(d) ? json_string_value(d) : "",
			json_is_true(json_object_get(c, "notnull")) ? " NOT NULL" : "");
		fl_buf_printf(&down, "ALTER TABLE %s DROP COLUMN %s;\n", ident(g, table),
			ident(g, s_of(c, "name")));
	}
	json_array_foreach(json_object_get(x, "indexes"), k, i) {
		json_t *o = fl_schema_index(f, s_of(i, "name"));
		if (!o || !fl_schema_index_equal(i, o))
			fl_buf_printf(&up, "%s;\n", s_of(i, "sql"));
	}
	json_array_foreach(json_object_get(f, "indexes"), k, i) {
		json_t *o = fl_schema_index(x, s_of(i, "name"));
		if (!o || !fl_schema_index_equal(i, o))
			fl_buf_printf(&down, "%s;\n", s_of(i, "sql"));
	}
	fl_buf_puts(&g->up, fl_buf_cstr(&up));
	fl_autogen_push_down(g, fl_buf_cstr(&down));
}

fl_err fl_autogen_sqlite_table(struct fl_autogen *g, const char *name, json_t *f, json_t *x)
{
	fl_buf up, down;
	if (simple_change(g->diffs, name, x)) {
		alter_simple(g, name, f, x);
		return FL_OK;
	}
	fl_buf_init(&up, g->a);
	fl_buf_init(&down, g->a);
	fl_buf_printf(&up, "-- SQLite cannot ALTER this: rebuild %s (create, copy, drop, rename).\n",
		name);
	fl_buf_printf(&down, "-- rebuild %s back.\n", name);
	fl_err err = rebuild(g, &up, name, f, x, f, true, "upgrade");
	if (!err)
		err = rebuild(g, &down, name, x, f, f, false, "downgrade");
	if (err)
		return err;
	fl_buf_puts(&g->up, fl_buf_cstr(&up));
	fl_autogen_push_down(g, fl_buf_cstr(&down));
	return FL_OK;
}
