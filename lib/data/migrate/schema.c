/* schema.c — read a database's schema through SQLite's pragmas and compare
 * two of them (Alembic's autogenerate comparison).  See migrate.h and
 * internal.h.
 *
 * Why pragmas and not the CREATE text: the text depends on who wrote it
 * (create_all, a person, ALTER TABLE ADD COLUMN, RENAME), while
 * pragma_table_xinfo & co. report what SQLite actually enforces. */
#include "data/migrate/internal.h"

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

/* ---- reading ---- */

static json_t *params1(const char *s)
{
	json_t *p = json_array();
	json_array_append_new(p, json_string(s));
	return p;
}

static const char *str(json_t *row, const char *key)
{
	const char *s = json_string_value(json_object_get(row, key));
	return s ? s : "";
}

static long long num(json_t *row, const char *key)
{
	return json_integer_value(json_object_get(row, key));
}

/* Is the keyword AUTOINCREMENT in `sql`, outside quotes and comments? */
static bool has_autoincrement(const char *sql)
{
	for (const char *p = sql; *p;) {
		if (*p == '"' || *p == '\'' || *p == '`' || *p == '[') {
			char close = *p == '[' ? ']' : *p;
			const char *e = strchr(p + 1, close);
			p = e ? e + 1 : p + strlen(p);
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			size_t n = 0;
			while (isalnum((unsigned char)p[n]) || p[n] == '_')
				n++;
			if (n == 13 && strncasecmp(p, "AUTOINCREMENT", 13) == 0)
				return true;
			p += n;
		} else
			p++;
	}
	return false;
}

static fl_err read_columns(fl_db *db, const char *table, json_t *t)
{
	json_t *rows, *cols = json_array(), *row;
	size_t i;
	fl_err err = fl_db_query(db, "SELECT name, type, \"notnull\" AS nn, dflt_value AS dflt, pk, "
		"hidden FROM pragma_table_xinfo(?) ORDER BY cid", params1(table), &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		json_t *d = json_object_get(row, "dflt");
		json_array_append_new(cols, json_pack("{s:s, s:s, s:b, s:O, s:I, s:I}",
			"name", str(row, "name"), "type", str(row, "type"), "notnull", num(row, "nn") != 0,
			"default", json_is_string(d) ? d : json_null(),
			"pk", (json_int_t)num(row, "pk"), "hidden", (json_int_t)num(row, "hidden")));
	}
	json_object_set_new_nocheck(t, "columns", cols);
	return FL_OK;
}

/* Key columns of index `name`: "col", "col DESC", "col COLLATE NOCASE". */
static fl_err index_columns(fl_db *db, const char *name, json_t **out)
{
	json_t *rows, *row;
	size_t i;
	fl_err err = fl_db_query(db, "SELECT name, \"desc\" AS d, coll FROM pragma_index_xinfo(?) "
		"WHERE key ORDER BY seqno", params1(name), &rows);
	if (err)
		return err;
	*out = json_array();
	json_array_foreach(rows, i, row) {
		const char *col = json_is_string(json_object_get(row, "name")) ? str(row, "name") :
			"<expression>";
		const char *coll = str(row, "coll");
		char buf[512];
		snprintf(buf, sizeof buf, "%s%s%s%s", col, num(row, "d") ? " DESC" : "",
			*coll && strcasecmp(coll, "BINARY") ? " COLLATE " : "",
			*coll && strcasecmp(coll, "BINARY") ? coll : "");
		json_array_append_new(*out, json_string(buf));
	}
	return FL_OK;
}

static fl_err read_indexes(fl_db *db, const char *table, json_t *t)
{
	json_t *rows, *row, *indexes = json_array(), *uniques = json_array();
	size_t i;
	fl_err err = fl_db_query(db, "SELECT l.name AS name, l.\"unique\" AS u, l.origin AS origin, "
		"l.partial AS partial, m.sql AS sql FROM pragma_index_list(?) AS l "
		"LEFT JOIN sqlite_master AS m ON m.type = 'index' AND m.name = l.name "
		"ORDER BY l.name", params1(table), &rows);
	json_array_foreach(rows, i, row) {
		json_t *cols;
		if (err || (err = index_columns(db, str(row, "name"), &cols)))
			break;
		if (strcmp(str(row, "origin"), "u") == 0)
			json_array_append_new(uniques, cols);
		else if (strcmp(str(row, "origin"), "c") == 0)
			json_array_append_new(indexes, json_pack("{s:s, s:b, s:o, s:b, s:s}",
				"name", str(row, "name"), "unique", num(row, "u") != 0, "columns", cols,
				"partial", num(row, "partial") != 0, "sql", str(row, "sql")));
		/* origin "pk": the primary key, compared through the columns' pk */
	}
	json_object_set_new_nocheck(t, "indexes", indexes);
	json_object_set_new_nocheck(t, "uniques", uniques);
	return err;
}

static fl_err read_foreign_keys(fl_db *db, const char *table, json_t *t)
{
	json_t *rows, *row, *fks = json_array(), *fk = NULL;
	long long id = -1;
	size_t i;
	fl_err err = fl_db_query(db, "SELECT id, \"table\" AS t, \"from\" AS f, \"to\" AS o, "
		"on_update, on_delete, \"match\" AS mt FROM pragma_foreign_key_list(?) ORDER BY id, seq",
		params1(table), &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		if (!fk || num(row, "id") != id) {
			id = num(row, "id");
			fk = json_pack("{s:[], s:s, s:[], s:s, s:s, s:s}", "from", "table", str(row, "t"),
				"to", "on_update", str(row, "on_update"), "on_delete", str(row, "on_delete"),
				"match", str(row, "mt"));
			json_array_append_new(fks, fk);
		}
		json_array_append_new(json_object_get(fk, "from"), json_string(str(row, "f")));
		/* "to" is NULL for REFERENCES parent without columns: its primary key */
		json_array_append_new(json_object_get(fk, "to"),
			json_string(json_is_string(json_object_get(row, "o")) ? str(row, "o") : "(primary key)"));
	}
	json_object_set_new_nocheck(t, "fks", fks);
	return FL_OK;
}

static fl_err read_triggers(fl_db *db, const char *table, json_t *t)
{
	json_t *rows, *row, *out = json_array();
	size_t i;
	fl_err err = fl_db_query(db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
		"tbl_name = ? ORDER BY name", params1(table), &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row)
		json_array_append_new(out, json_string(str(row, "sql")));
	json_object_set_new_nocheck(t, "triggers", out);
	return FL_OK;
}

fl_err fl_schema_read(fl_db *db, json_t **schema)
{
	json_t *rows, *row;
	size_t i;
	*schema = json_object();
	fl_err err = fl_db_query(db, "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
		"ORDER BY name", NULL, &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		const char *name = str(row, "name"), *sql = str(row, "sql");
		if (fl_schema_ignored(name))
			continue;
		json_t *t = json_pack("{s:s, s:s, s:b}", "name", name, "sql", sql, "autoincrement",
			has_autoincrement(sql));
		json_object_set_new(*schema, name, t);
		if ((err = read_columns(db, name, t)) || (err = read_indexes(db, name, t)) ||
		    (err = read_foreign_keys(db, name, t)) || (err = read_triggers(db, name, t)))
			return err;
	}
	return FL_OK;
}

fl_err fl_schema_target(fl_db *report, const fl_model *const *models, fl_arena *a,
	json_t **schema)
{
	fl_db *mem = NULL;
	fl_err err = fl_db_open(":memory:", &mem);
	if (!err)
		err = fl_create_all(mem, a, models);
	if (!err)
		err = fl_schema_read(mem, schema);
	if (err)
		fl_db_set_error(report, err, NULL, NULL, "cannot build the models' schema: %s",
			mem ? fl_db_errmsg(mem) : fl_strerror(err));
	fl_db_close(mem);
	return err;
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
