/* autogen.c — `db migrate`: write a revision file that turns the live
 * schema into the models' schema, and back.  See fl_autogenerate() in
 * migrate.h.
 *
 * The live database, whatever its dialect, is compared with the models
 * built on the same kind of database (fl_schema_target), and the one
 * comparison is written for all three dialects in one file: the plain
 * "-- upgrade" / "-- downgrade" parts are SQLite's, the
 * "-- upgrade: mysql" and "-- upgrade: postgresql" parts (and their
 * downgrades) come from autogen_render.c, with ALTER TABLE.
 *
 * Against a SQLite database the plain parts' SQL comes from SQLite itself
 * wherever it can: CREATE TABLE and CREATE INDEX texts are the ones
 * sqlite_master holds (for the models: create_all's, built in memory; for
 * the downgrade: the live database's), so a generated revision builds
 * exactly what create_all would, and what SQLite cannot ALTER is rebuilt
 * (autogen_sqlite.c; the revision then carries "-- foreign_keys: off").
 * Against a server there is no SQLite text to rebuild from: the plain
 * parts are rendered with ALTER too, a WARNING where SQLite cannot. */
#include "data/migrate/autogen_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *s_of(json_t *o, const char *key)
{
	return fl_autogen_str(o, key);
}

static const char *ident(struct fl_autogen *g, const char *name)
{
	return fl_autogen_ident(g, name);
}

static void push_down(struct fl_autogen *g, const char *sql)
{
	fl_autogen_push_down(g, sql);
}

const char *fl_autogen_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

void fl_autogen_warn(struct fl_autogen *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fl_buf_puts(&g->warnings, fl_arena_vprintf(g->a, fmt, ap));
	va_end(ap);
	fl_buf_putc(&g->warnings, '\n');
}

void fl_autogen_push_down(struct fl_autogen *g, const char *sql)
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

const char *fl_autogen_ident(struct fl_autogen *g, const char *name)
{
	fl_buf b;
	fl_buf_init(&b, g->a);
	fl_sql_put_ident(&b, name);
	return fl_buf_cstr(&b);
}

const fl_model *fl_autogen_model_for(const fl_model *const *models, const char *table)
{
	for (const fl_model *const *m = models; *m; m++)
		if (!(*m)->abstract && fl_model_table((*m)) && strcasecmp(fl_model_table((*m)), table) == 0)
			return *m;
	return NULL;
}

/* "-- " + each difference of `table`, for the reader of the file. */
static const char *diff_comment(struct fl_autogen *g, const char *table)
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

static void warn_renames(struct fl_autogen *g, const char *table)
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
		fl_autogen_warn(g, "%s: column(s) %s dropped and %s added: if this is a rename, edit the revision "
			"(copy the old column into the new one in the INSERT ... SELECT); as written, "
			"the data of %s is lost", table, fl_buf_cstr(&dropped), fl_buf_cstr(&added),
			fl_buf_cstr(&dropped));
	else
		fl_autogen_warn(g, "table(s) %s dropped and %s added: if this is a rename, edit the revision "
			"(ALTER TABLE ... RENAME TO ...); as written, the data of %s is lost",
			fl_buf_cstr(&dropped), fl_buf_cstr(&added), fl_buf_cstr(&dropped));
}

static void warn_types(struct fl_autogen *g)
{
	json_t *d;
	size_t i;
	json_array_foreach(g->diffs, i, d)
		if (strcmp(s_of(d, "op"), "modify_type") == 0)
			fl_autogen_warn(g, "%s.%s: type %s; existing values are kept as SQLite's type affinity "
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
static json_t *table_order(struct fl_autogen *g)
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
static void drop_unknown_comment(struct fl_autogen *g, const char *table)
{
	const char *why = fl_arena_printf(g->a, "table %s exists in the database but no model "
		"declares it; not dropped (db migrate --drop-unknown drops it)", ident(g, table));
	fl_buf_printf(&g->up, "-- WARNING: %s\n-- DROP TABLE %s;\n", why, ident(g, table));
	fl_buf_printf(&g->notes, "%s\n", why);
}

static fl_err generate(struct fl_autogen *g)
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
		fl_autogen_put_indexes(&g->up, x);
		push_down(g, fl_arena_printf(g->a, "DROP TABLE %s;\n", ident(g, name)));
		g->fk_off = true;
	}
	json_array_foreach(order, i, n) {
		const char *name = json_string_value(n);
		json_t *f = json_object_get(g->live, name), *x = json_object_get(g->target, name);
		if (!f || !x)
			continue;
		const char *comment = diff_comment(g, name);
		if (!*comment)
			continue;
		warn_renames(g, name);
		fl_buf_printf(&g->up, "-- %s:\n%s", name, comment);
		if ((err = fl_autogen_sqlite_table(g, name, f, x)))
			return err;
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
		fl_autogen_warn(g, "table %s exists in the database but no model declares it: dropped with its "
			"rows (--drop-unknown); its data is lost", name);
		fl_buf_printf(&g->up, "DROP TABLE %s;\n", ident(g, name));
		fl_buf down;
		fl_buf_init(&down, g->a);
		fl_buf_printf(&down, "%s;\n", s_of(f, "sql"));
		fl_autogen_put_indexes(&down, f);
		fl_autogen_put_triggers(&down, f);
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
static const char *downgrade_text(struct fl_autogen *g)
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
	struct fl_autogen g = { .a = a, .models = models, .drop_unknown = flags & FL_AUTOGEN_DROP_UNKNOWN };
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
		fl_autogen_warn(&g, "Enum value lists (CHECK constraints) are not compared: a change to one "
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
