/* autogen.c — `db migrate`: write a revision file that turns the live
 * schema into the models' schema, and back.  See fl_autogenerate() in
 * migrate.h.
 *
 * The SQL comes from SQLite itself wherever it can: CREATE TABLE and
 * CREATE INDEX texts are the ones sqlite_master holds (for the models:
 * create_all's, built in memory; for the downgrade: the live database's),
 * so a generated revision builds exactly what create_all would.  What
 * SQLite cannot ALTER is done with the documented 12-step rebuild
 * (https://sqlite.org/lang_altertable.html#otheralter); the revision then
 * carries "-- foreign_keys: off" so the runner does steps 1, 10 and 12
 * (foreign keys off outside the transaction, foreign_key_check, on again). */
#include "data/migrate/autogen.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define TMP_PREFIX "_flagon_tmp_"

struct gen {
	fl_arena *a;
	const fl_model *const *models;
	json_t *live, *target;    /* schemas (internal.h) */
	json_t *diffs;
	fl_buf up;                /* upgrade SQL, in order */
	const char **down;        /* downgrade chunks, applied in reverse */
	size_t n_down, cap_down;
	fl_buf warnings;          /* one line each, at the top of the file and on stderr */
	fl_buf notes;             /* one line each, only on stderr (the file has them in place) */
	bool fk_off;
	bool drop_unknown;        /* FL_AUTOGEN_DROP_UNKNOWN */
};

static const char *s_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static void warn(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fl_buf_puts(&g->warnings, fl_arena_vprintf(g->a, fmt, ap));
	va_end(ap);
	fl_buf_putc(&g->warnings, '\n');
}

static void push_down(struct gen *g, const char *sql)
{
	if (g->n_down == g->cap_down) {
		size_t cap = g->cap_down ? 2 * g->cap_down : 16;
		const char **v = fl_arena_alloc(g->a, cap * sizeof *v);
		if (g->n_down)
			memcpy(v, g->down, g->n_down * sizeof *v);
		g->down = v;
		g->cap_down = cap;
	}
	g->down[g->n_down++] = sql;
}

static const char *ident(struct gen *g, const char *name)
{
	fl_buf b;
	fl_buf_init(&b, g->a);
	fl_sql_put_ident(&b, name);
	return fl_buf_cstr(&b);
}

static const fl_model *model_for(struct gen *g, const char *table)
{
	for (const fl_model *const *m = g->models; *m; m++)
		if (!(*m)->abstract && fl_model_table((*m)) && strcasecmp(fl_model_table((*m)), table) == 0)
			return *m;
	return NULL;
}

/* 'text' as a SQL string literal. */
static const char *sql_string(struct gen *g, const char *text)
{
	fl_buf b;
	fl_buf_init(&b, g->a);
	fl_sql_put_string(&b, text);
	return fl_buf_cstr(&b);
}

/* A JSON default (default=) as a SQL literal, or NULL if it has none. */
static const char *json_literal(struct gen *g, const char *json_text)
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
static const char *fill_value(struct gen *g, const char *table, json_t *c, bool model_side)
{
	json_t *d = json_object_get(c, "default");
	if (json_is_string(d))
		return json_string_value(d);
	const fl_model *m = model_side ? model_for(g, table) : NULL;
	const fl_column *col = m ? fl_model_column(m, s_of(c, "name")) : NULL;
	return col ? json_literal(g, col->default_json) : NULL;
}

/* `sql` (a CREATE TABLE text from sqlite_master) creating `name` instead.
 * SQLite keeps the text as written after "CREATE TABLE ", so the name is
 * the next token: quoted ("", '', ``, []) or bare. */
static const char *rename_create(struct gen *g, const char *sql, const char *name)
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
static void put_indexes(fl_buf *b, json_t *x)
{
	json_t *i;
	size_t k;
	json_array_foreach(json_object_get(x, "indexes"), k, i)
		fl_buf_printf(b, "%s;\n", s_of(i, "sql"));
}

static void put_triggers(fl_buf *b, json_t *x)
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
static fl_err rebuild(struct gen *g, fl_buf *b, const char *table, json_t *f, json_t *x,
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
					warn(g, "%s: %s.%s becomes NOT NULL and has no default: rows holding "
						"NULL there make the %s fail", what, table, name, what);
			}
		} else if (notnull && fill && !json_is_string(json_object_get(c, "default")))
			expr = fill;     /* default= only: SQLite would not fill it */
		else if (notnull && !fill && !rowid_pk)
			warn(g, "%s: new column %s.%s is NOT NULL and has no default: the %s fails "
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
		warn(g, "%s: %s has no column in common with its new definition: its rows are not "
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
	put_indexes(b, x);
	put_triggers(b, triggers);
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

static void alter_simple(struct gen *g, const char *table, json_t *f, json_t *x)
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
	push_down(g, fl_buf_cstr(&down));
}

/* "-- " + each difference of `table`, for the reader of the file. */
static const char *diff_comment(struct gen *g, const char *table)
{
	json_t *mine = json_array(), *d;
	size_t i;
	json_array_foreach(g->diffs, i, d)
		if (strcmp(s_of(d, "table"), table) == 0)
			json_array_append(mine, d);
	fl_buf lines, out;
	fl_buf_init(&lines, g->a);
	fl_buf_init(&out, g->a);
	fl_schema_diff_format(mine, &lines);
	for (const char *p = fl_buf_cstr(&lines); *p;) {
		size_t n = strcspn(p, "\n");
		fl_buf_printf(&out, "--   %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	return fl_buf_cstr(&out);
}

static void warn_renames(struct gen *g, const char *table)
{
	fl_buf added, dropped;
	json_t *d;
	size_t i;
	fl_buf_init(&added, g->a);
	fl_buf_init(&dropped, g->a);
	json_array_foreach(g->diffs, i, d) {
		bool add = strcmp(s_of(d, "op"), table ? "add_column" : "add_table") == 0;
		bool drop = strcmp(s_of(d, "op"), table ? "drop_column" : "drop_table") == 0;
		if ((!add && !drop) || (table && strcmp(s_of(d, "table"), table) != 0))
			continue;
		fl_buf *b = add ? &added : &dropped;
		fl_buf_printf(b, "%s%s", b->len ? ", " : "", table ? s_of(d, "column") : s_of(d, "table"));
	}
	if (!added.len || !dropped.len)
		return;
	if (table)
		warn(g, "%s: column(s) %s dropped and %s added: if this is a rename, edit the revision "
			"(copy the old column into the new one in the INSERT ... SELECT); as written, "
			"the data of %s is lost", table, fl_buf_cstr(&dropped), fl_buf_cstr(&added),
			fl_buf_cstr(&dropped));
	else
		warn(g, "table(s) %s dropped and %s added: if this is a rename, edit the revision "
			"(ALTER TABLE ... RENAME TO ...); as written, the data of %s is lost",
			fl_buf_cstr(&dropped), fl_buf_cstr(&added), fl_buf_cstr(&dropped));
}

static void warn_types(struct gen *g)
{
	json_t *d;
	size_t i;
	json_array_foreach(g->diffs, i, d)
		if (strcmp(s_of(d, "op"), "modify_type") == 0)
			warn(g, "%s.%s: type %s; existing values are kept as SQLite's type affinity "
				"converts them: check them", s_of(d, "table"), s_of(d, "column"),
				s_of(d, "detail"));
}

static bool has_enum(const fl_model *const *models)
{
	for (const fl_model *const *m = models; *m; m++)
		for (const fl_column *c = (*m)->columns; !(*m)->abstract && c && c->name; c++)
			if (c->type == FL_TYPE_ENUM)
				return true;
	return false;
}

/* Tables in the models' order (create_all puts parents first), then the
 * rest by name. */
static json_t *table_order(struct gen *g)
{
	json_t *out = json_array(), *names = fl_schema_table_names(g->live, g->target), *n;
	size_t i;
	for (const fl_model *const *m = g->models; *m; m++)
		if (!(*m)->abstract && fl_model_table((*m)) && json_object_get(g->target, fl_model_table((*m))))
			json_array_append_new(out, json_string(fl_model_table((*m))));
	json_array_foreach(names, i, n)
		if (!fl_schema_set_has(out, n))
			json_array_append(out, n);
	return out;
}

/* A table no model declares is never dropped unless asked: the revision
 * carries its DROP commented out under a WARNING, said on stderr too. */
static void drop_unknown_comment(struct gen *g, const char *table)
{
	const char *why = fl_arena_printf(g->a, "table %s exists in the database but no model "
		"declares it; not dropped (db migrate --drop-unknown drops it)", ident(g, table));
	fl_buf_printf(&g->up, "-- WARNING: %s\n-- DROP TABLE %s;\n", why, ident(g, table));
	fl_buf_printf(&g->notes, "%s\n", why);
}

static fl_err generate(struct gen *g)
{
	json_t *order = table_order(g), *n;
	size_t i;
	fl_err err = FL_OK;
	if (g->drop_unknown)   /* otherwise no table is dropped */
		warn_renames(g, NULL);
	warn_types(g);
	/* new tables, then changed ones, then dropped ones (in reverse) */
	json_array_foreach(order, i, n) {
		const char *name = json_string_value(n);
		json_t *f = json_object_get(g->live, name), *x = json_object_get(g->target, name);
		if (f || !x)
			continue;
		fl_buf_printf(&g->up, "%s;\n", s_of(x, "sql"));
		put_indexes(&g->up, x);
		push_down(g, fl_arena_printf(g->a, "DROP TABLE %s;\n", ident(g, name)));
		g->fk_off = true;
	}
	json_array_foreach(order, i, n) {
		const char *name = json_string_value(n);
		json_t *f = json_object_get(g->live, name), *x = json_object_get(g->target, name);
		fl_buf up, down;
		if (!f || !x)
			continue;
		const char *comment = diff_comment(g, name);
		if (!*comment)
			continue;
		warn_renames(g, name);
		fl_buf_printf(&g->up, "-- %s:\n%s", name, comment);
		if (simple_change(g->diffs, name, x)) {
			alter_simple(g, name, f, x);
			continue;
		}
		fl_buf_init(&up, g->a);
		fl_buf_init(&down, g->a);
		fl_buf_printf(&up, "-- SQLite cannot ALTER this: rebuild %s (create, copy, drop, rename).\n",
			name);
		fl_buf_printf(&down, "-- rebuild %s back.\n", name);
		if ((err = rebuild(g, &up, name, f, x, f, true, "upgrade")) ||
		    (err = rebuild(g, &down, name, x, f, f, false, "downgrade")))
			return err;
		fl_buf_puts(&g->up, fl_buf_cstr(&up));
		push_down(g, fl_buf_cstr(&down));
	}
	for (size_t k = json_array_size(order); k-- > 0;) {
		const char *name = json_string_value(json_array_get(order, k));
		json_t *f = json_object_get(g->live, name), *x = json_object_get(g->target, name);
		if (!f || x)
			continue;
		if (!g->drop_unknown) {
			drop_unknown_comment(g, name);
			continue;
		}
		warn(g, "table %s exists in the database but no model declares it: dropped with its "
			"rows (--drop-unknown); its data is lost", name);
		fl_buf_printf(&g->up, "DROP TABLE %s;\n", ident(g, name));
		fl_buf down;
		fl_buf_init(&down, g->a);
		fl_buf_printf(&down, "%s;\n", s_of(f, "sql"));
		put_indexes(&down, f);
		put_triggers(&down, f);
		push_down(g, fl_buf_cstr(&down));
		g->fk_off = true;
	}
	return FL_OK;
}

/* The folder's head, after checking the database stands on it. */
static fl_err parent_revision(fl_db *live, fl_arena *a, const char *dir, const char **parent,
	fl_migrations **mig)
{
	fl_migrations *m;
	const char *cur = NULL;
	fl_err err = fl_migrations_load(a, dir, &m);
	if (!err)
		err = fl_migrate_current(m, live, &cur);
	if (err)
		return fl_db_set_error(live, err, NULL, NULL, "%s", m->error ? m->error : fl_strerror(err));
	*parent = fl_migrations_head(m);
	*mig = m;
	if ((cur == NULL) != (*parent == NULL) || (cur && strcmp(cur, *parent) != 0))
		return fl_db_set_error(live, FL_EMIGRATE, NULL, NULL, "target database is not up to "
			"date: it is at %s, the head of %s is %s; run db upgrade first",
			cur ? cur : "<base>", dir, *parent);
	return FL_OK;
}

fl_err fl_autogenerate(fl_db *live, const fl_model *const *models, const char *dir,
	const char *message, fl_arena *a, char **path_out, char **warnings)
{
	return fl_autogenerate_ex(live, models, dir, message, 0, a, path_out, warnings);
}

/* The downgrade chunks, last pushed first. */
static const char *downgrade_text(struct gen *g)
{
	fl_buf b;
	fl_buf_init(&b, g->a);
	for (size_t i = g->n_down; i-- > 0;)
		fl_buf_puts(&b, g->down[i]);
	return fl_buf_cstr(&b);
}

fl_err fl_autogenerate_ex(fl_db *live, const fl_model *const *models, const char *dir,
	const char *message, unsigned flags, fl_arena *a, char **path_out, char **warnings)
{
	struct gen g = { .a = a, .models = models, .drop_unknown = flags & FL_AUTOGEN_DROP_UNKNOWN };
	const char *parent = NULL;
	fl_migrations *m = NULL;
	*path_out = NULL;
	*warnings = NULL;
	fl_buf_init(&g.up, a);
	fl_buf_init(&g.warnings, a);
	fl_buf_init(&g.notes, a);
	fl_arena *old = fl_json_set_arena(a);
	fl_err err = parent_revision(live, a, dir, &parent, &m);
	if (!err && (err = fl_schema_read(live, &g.live)))
		fl_db_set_error(live, err, NULL, NULL, "cannot read the database schema: %s",
			fl_arena_strdup(a, fl_db_errmsg(live)));
	if (!err)
		err = fl_schema_target(live, models, a, &g.target);
	if (err)
		goto out;
	if (has_enum(models))
		warn(&g, "Enum value lists (CHECK constraints) are not compared: a change to one "
			"needs a hand-written revision");
	g.diffs = fl_schema_compare_json(g.live, g.target);
	if (json_array_size(g.diffs) == 0)
		goto out;
	fl_autogen_in in = { .a = a, .models = models, .live = g.live, .target = g.target,
		.diffs = g.diffs, .order = table_order(&g), .live_dialect = fl_migrate_dialect(live),
		.drop_unknown = g.drop_unknown };
	const char *plain_down = NULL;
	if (in.live_dialect != FL_DIALECT_SQLITE) {
		/* no SQLite schema to rebuild from: SQLite's part by ALTER alone */
		const char *up;
		fl_autogen_render(&in, FL_DIALECT_SQLITE, &up, &plain_down);
		fl_buf_puts(&g.up, up);
	} else if ((err = generate(&g))) {
		fl_db_set_error(live, err, NULL, NULL, "cannot rewrite a CREATE TABLE statement");
		goto out;
	}
	fl_revision_body body = {
		.comment = g.fk_off ?
			"Generated by ./manage db migrate from the model declarations: review it.\n"
			"foreign_keys: off makes the runner turn foreign keys off before its\n"
			"BEGIN, run PRAGMA foreign_key_check before COMMIT and turn them on again." :
			"Generated by ./manage db migrate from the model declarations: review it.",
		.warnings = fl_buf_cstr(&g.warnings),
		.foreign_keys_off = g.fk_off,
		.upgrade = fl_buf_cstr(&g.up),
		.downgrade = plain_down ? plain_down : downgrade_text(&g),
	};
	fl_autogen_render(&in, FL_DIALECT_MYSQL, &body.parts[FL_DIALECT_MYSQL].upgrade,
		&body.parts[FL_DIALECT_MYSQL].downgrade);
	fl_autogen_render(&in, FL_DIALECT_POSTGRESQL, &body.parts[FL_DIALECT_POSTGRESQL].upgrade,
		&body.parts[FL_DIALECT_POSTGRESQL].downgrade);
	if ((err = fl_revision_write(m, message, &body, path_out)))
		fl_db_set_error(live, err, NULL, NULL, "%s", m->error);
out:
	fl_buf_puts(&g.warnings, fl_buf_cstr(&g.notes));
	if (g.warnings.len)
		*warnings = (char *)fl_buf_cstr(&g.warnings);
	fl_json_set_arena(old);
	return err;
}
