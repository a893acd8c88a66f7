/* schema.c — compare two schemas (Alembic's autogenerate comparison), read
 * by the reader of the connection's dialect: schema_sqlite.c (pragmas),
 * schema_mysql.c (information_schema), schema_pg.c (pg_catalog).  See
 * migrate.h and internal.h. */
#include "data/migrate/internal.h"
#include "data/dialect.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool fl_schema_ignored(const char *table)
{
	/* SQLite's own tables, the version table, and the tables Flagon keeps
	 * for itself (flagon_sessions, flagon_cache: created by the session and
	 * cache stores, not by models). */
	return strncasecmp(table, "sqlite_", 7) == 0 || strcasecmp(table, "alembic_version") == 0 ||
	       strncasecmp(table, "flagon_", 7) == 0;
}

/* ---- helpers the readers share ---- */

json_t *fl_schema_params1(const char *s)
{
	json_t *p = json_array();
	json_array_append_new(p, json_string(s));
	return p;
}

const char *fl_schema_str(json_t *row, const char *key)
{
	const char *s = json_string_value(json_object_get(row, key));
	return s ? s : "";
}

long long fl_schema_num(json_t *row, const char *key)
{
	json_t *v = json_object_get(row, key);
	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : json_integer_value(v);
}

static const char *str(json_t *row, const char *key)
{
	return fl_schema_str(row, key);
}

static long long num(json_t *row, const char *key)
{
	return fl_schema_num(row, key);
}

/* ---- reading: the reader of the connection's dialect ---- */

fl_err fl_schema_read(fl_db *db, json_t **schema)
{
	const char *d = fl_db_dialect(db)->name;
	if (strcmp(d, "mysql") == 0)
		return fl_schema_read_mysql(db, schema);
	if (strcmp(d, "postgresql") == 0)
		return fl_schema_read_pg(db, schema);
	return fl_schema_read_sqlite(db, schema);
}

fl_err fl_schema_target(fl_db *report, const fl_model *const *models, fl_arena *a,
	json_t **schema)
{
	const char *d = fl_db_dialect(report)->name;
	if (strcmp(d, "mysql") == 0)
		return fl_schema_target_mysql(report, models, a, schema);
	if (strcmp(d, "postgresql") == 0)
		return fl_schema_target_pg(report, models, a, schema);
	return fl_schema_target_sqlite(report, models, a, schema);
}

/* ---- comparing ---- */

/* The object in t[key] (an array) whose "name" is `name`, compared without
 * case as SQLite compares names; NULL if there is none. */
static json_t *find_named(json_t *t, const char *key, const char *name)
{
	json_t *x;
	size_t i;
	json_array_foreach(json_object_get(t, key), i, x)
		if (strcasecmp(str(x, "name"), name) == 0)
			return x;
	return NULL;
}

json_t *fl_schema_column(json_t *t, const char *name)
{
	return find_named(t, "columns", name);
}

json_t *fl_schema_index(json_t *t, const char *name)
{
	return find_named(t, "indexes", name);
}

/* Types compare without case and blanks: "varchar(10, 2)" = "VARCHAR(10,2)". */
static bool same_type(const char *x, const char *y)
{
	for (;;) {
		while (isspace((unsigned char)*x))
			x++;
		while (isspace((unsigned char)*y))
			y++;
		if (toupper((unsigned char)*x) != toupper((unsigned char)*y))
			return false;
		if (!*x)
			return true;
		x++;
		y++;
	}
}

bool fl_schema_index_equal(json_t *x, json_t *y)
{
	if (!json_equal(json_object_get(x, "unique"), json_object_get(y, "unique")) ||
	    !json_equal(json_object_get(x, "columns"), json_object_get(y, "columns")) ||
	    !json_equal(json_object_get(x, "partial"), json_object_get(y, "partial")))
		return false;
	/* a partial index's WHERE is only in its text */
	return !json_is_true(json_object_get(x, "partial")) ||
		strcmp(str(x, "sql"), str(y, "sql")) == 0;
}

bool fl_schema_set_has(json_t *set, json_t *v)
{
	json_t *e;
	size_t i;
	json_array_foreach(set, i, e)
		if (json_equal(e, v))
			return true;
	return false;
}

static int cmp_strings(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

json_t *fl_schema_table_names(json_t *x, json_t *y)
{
	size_t n = json_object_size(x) + json_object_size(y), k = 0;
	const char **v = calloc(n + 1, sizeof *v);
	const char *key;
	json_t *val;
	json_object_foreach(x, key, val)
		v[k++] = key;
	json_object_foreach(y, key, val)
		if (!json_object_get(x, key))
			v[k++] = key;
	qsort(v, k, sizeof *v, cmp_strings);
	json_t *out = json_array();
	for (size_t i = 0; i < k; i++)
		json_array_append_new(out, json_string(v[i]));
	free(v);
	return out;
}

static void add(json_t *diffs, const char *op, const char *table, const char *column,
	const char *detail)
{
	json_array_append_new(diffs, json_pack("{s:s, s:s, s:s?, s:s}", "op", op, "table", table,
		"column", column, "detail", detail));
}

/* "VARCHAR(64) NOT NULL DEFAULT 0" */
static const char *column_desc(fl_arena *a, json_t *c)
{
	json_t *d = json_object_get(c, "default");
	return fl_arena_printf(a, "%s%s%s%s%s", str(c, "type"),
		json_is_true(json_object_get(c, "notnull")) ? " NOT NULL" : "",
		json_is_string(d) ? " DEFAULT " : "", json_is_string(d) ? json_string_value(d) : "",
		num(c, "pk") ? " PRIMARY KEY" : "");
}

static const char *list_desc(fl_arena *a, json_t *cols)
{
	fl_buf b;
	json_t *c;
	size_t i;
	fl_buf_init(&b, a);
	fl_buf_putc(&b, '(');
	json_array_foreach(cols, i, c)
		fl_buf_printf(&b, "%s%s", i ? ", " : "", json_string_value(c));
	fl_buf_putc(&b, ')');
	return fl_buf_cstr(&b);
}

static const char *index_desc(fl_arena *a, json_t *x)
{
	return fl_arena_printf(a, "%s%s%s", json_is_true(json_object_get(x, "unique")) ?
		"UNIQUE " : "", list_desc(a, json_object_get(x, "columns")),
		json_is_true(json_object_get(x, "partial")) ? " WHERE ..." : "");
}

static const char *fk_desc(fl_arena *a, json_t *fk)
{
	const char *del = str(fk, "on_delete"), *upd = str(fk, "on_update");
	return fl_arena_printf(a, "%s REFERENCES %s %s%s%s%s%s",
		list_desc(a, json_object_get(fk, "from")), str(fk, "table"),
		list_desc(a, json_object_get(fk, "to")),
		strcmp(del, "NO ACTION") ? " ON DELETE " : "", strcmp(del, "NO ACTION") ? del : "",
		strcmp(upd, "NO ACTION") ? " ON UPDATE " : "", strcmp(upd, "NO ACTION") ? upd : "");
}

static const char *default_desc(json_t *c)
{
	json_t *d = json_object_get(c, "default");
	return json_is_string(d) ? json_string_value(d) : "(none)";
}

static void compare_columns(fl_arena *a, json_t *diffs, const char *name, json_t *f, json_t *t)
{
	json_t *c, *o;
	size_t i;
	json_array_foreach(json_object_get(t, "columns"), i, c)
		if (!fl_schema_column(f, str(c, "name")))
			add(diffs, "add_column", name, str(c, "name"), column_desc(a, c));
	json_array_foreach(json_object_get(f, "columns"), i, o)
		if (!fl_schema_column(t, str(o, "name")))
			add(diffs, "drop_column", name, str(o, "name"), column_desc(a, o));
	json_array_foreach(json_object_get(t, "columns"), i, c) {
		const char *col = str(c, "name");
		if (!(o = fl_schema_column(f, col)))
			continue;
		if (!same_type(str(o, "type"), str(c, "type")))
			add(diffs, "modify_type", name, col, fl_arena_printf(a, "%s -> %s",
				*str(o, "type") ? str(o, "type") : "(none)", *str(c, "type") ? str(c, "type") : "(none)"));
		if (!json_equal(json_object_get(o, "notnull"), json_object_get(c, "notnull")))
			add(diffs, "modify_nullable", name, col,
				json_is_true(json_object_get(c, "notnull")) ? "NULL -> NOT NULL" : "NOT NULL -> NULL");
		if (!json_equal(json_object_get(o, "default"), json_object_get(c, "default")))
			add(diffs, "modify_default", name, col,
				fl_arena_printf(a, "%s -> %s", default_desc(o), default_desc(c)));
		if (num(o, "pk") != num(c, "pk"))
			add(diffs, "modify_primary_key", name, col,
				fl_arena_printf(a, "primary key position %lld -> %lld", num(o, "pk"), num(c, "pk")));
		if (num(o, "hidden") != num(c, "hidden"))
			add(diffs, "modify_hidden", name, col, fl_arena_printf(a, "hidden %lld -> %lld",
				num(o, "hidden"), num(c, "hidden")));
	}
}

static void compare_keys(fl_arena *a, json_t *diffs, const char *name, json_t *f, json_t *t)
{
	json_t *x, *y;
	size_t i;
	/* explicit indexes by name; a changed one is dropped and created again */
	json_array_foreach(json_object_get(f, "indexes"), i, x) {
		y = fl_schema_index(t, str(x, "name"));
		if (!y || !fl_schema_index_equal(x, y))
			add(diffs, "drop_index", name, NULL,
				fl_arena_printf(a, "%s %s", str(x, "name"), index_desc(a, x)));
	}
	json_array_foreach(json_object_get(t, "indexes"), i, y) {
		x = fl_schema_index(f, str(y, "name"));
		if (!x || !fl_schema_index_equal(x, y))
			add(diffs, "add_index", name, NULL,
				fl_arena_printf(a, "%s %s", str(y, "name"), index_desc(a, y)));
	}
	json_array_foreach(json_object_get(f, "uniques"), i, x)
		if (!fl_schema_set_has(json_object_get(t, "uniques"), x))
			add(diffs, "drop_unique", name, NULL, fl_arena_printf(a, "UNIQUE %s", list_desc(a, x)));
	json_array_foreach(json_object_get(t, "uniques"), i, y)
		if (!fl_schema_set_has(json_object_get(f, "uniques"), y))
			add(diffs, "add_unique", name, NULL, fl_arena_printf(a, "UNIQUE %s", list_desc(a, y)));
	json_array_foreach(json_object_get(f, "fks"), i, x)
		if (!fl_schema_set_has(json_object_get(t, "fks"), x))
			add(diffs, "drop_fk", name, NULL, fk_desc(a, x));
	json_array_foreach(json_object_get(t, "fks"), i, y)
		if (!fl_schema_set_has(json_object_get(f, "fks"), y))
			add(diffs, "add_fk", name, NULL, fk_desc(a, y));
}

/* The arena of fl_arena_printf inside the comparison: the one jansson uses
 * is not reachable, so a private one lives as long as the diffs need it —
 * the detail strings are copied into the JSON values at once. */
json_t *fl_schema_compare_json(json_t *from, json_t *to)
{
	fl_arena *a = fl_arena_new(0);
	json_t *diffs = json_array(), *names = fl_schema_table_names(from, to), *n;
	size_t i;
	json_array_foreach(names, i, n) {
		const char *name = json_string_value(n);
		json_t *f = json_object_get(from, name), *t = json_object_get(to, name);
		if (!f) {
			add(diffs, "add_table", name, NULL, "");
			continue;
		}
		if (!t) {
			add(diffs, "drop_table", name, NULL, "");
			continue;
		}
		if (!json_equal(json_object_get(f, "autoincrement"), json_object_get(t, "autoincrement")))
			add(diffs, "modify_autoincrement", name, NULL,
				json_is_true(json_object_get(t, "autoincrement")) ? "off -> on" : "on -> off");
		compare_columns(a, diffs, name, f, t);
		compare_keys(a, diffs, name, f, t);
	}
	fl_arena_free(a);
	return diffs;
}

fl_err fl_schema_reflect(fl_db *db, fl_arena *a, json_t **schema)
{
	fl_arena *old = fl_json_set_arena(a);
	fl_err err = fl_schema_read(db, schema);
	fl_json_set_arena(old);
	return err;
}

fl_err fl_schema_compare(fl_db *from, fl_db *to, fl_arena *a, json_t **diffs)
{
	json_t *x, *y;
	fl_arena *old = fl_json_set_arena(a);
	fl_err err = fl_schema_read(from, &x);
	if (!err)
		err = fl_schema_read(to, &y);
	*diffs = err ? json_array() : fl_schema_compare_json(x, y);
	fl_json_set_arena(old);
	return err;
}

fl_err fl_schema_diff(fl_db *live, const fl_model *const *models, fl_arena *a, json_t **diffs)
{
	json_t *x, *y;
	fl_arena *old = fl_json_set_arena(a);
	fl_err err = fl_schema_read(live, &x);
	if (err)
		fl_db_set_error(live, err, NULL, NULL, "cannot read the database schema: %s",
			fl_arena_strdup(a, fl_db_errmsg(live)));
	else
		err = fl_schema_target(live, models, a, &y);
	*diffs = err ? json_array() : fl_schema_compare_json(x, y);
	fl_json_set_arena(old);
	return err;
}

void fl_schema_diff_format(json_t *diffs, fl_buf *out)
{
	json_t *d;
	size_t i;
	json_array_foreach(diffs, i, d) {
		const char *col = json_string_value(json_object_get(d, "column"));
		const char *detail = str(d, "detail");
		fl_buf_printf(out, "%s %s%s%s%s%s\n", str(d, "op"), str(d, "table"), col ? "." : "",
			col ? col : "", *detail ? ": " : "", detail);
	}
}
