/* autogen_render.c — `db migrate`'s operations spelled for one dialect
 * with ALTER TABLE: the "-- upgrade: mysql" / "-- upgrade: postgresql"
 * parts of a generated revision, and its plain (SQLite) parts when the
 * live database is a server.  See fl_autogen_render in autogen_internal.h.
 *
 * Every operation comes from one difference of the comparison
 * (fl_schema_compare_json) between the live database and the models:
 *   add_table      the dialect's CREATE TABLE (fl_model_create_sql_for)
 *   drop_table     DROP TABLE (--drop-unknown; else a commented WARNING)
 *   add_column     ADD COLUMN with the dialect's type of the model column
 *   drop_column    DROP COLUMN (the downgrade adds it back as read)
 *   modify_type / modify_nullable / modify_default
 *                  PostgreSQL: ALTER COLUMN c TYPE t USING c::t, SET/DROP
 *                  NOT NULL, SET/DROP DEFAULT; MySQL: one MODIFY COLUMN
 *                  with the column's whole new definition
 *   add/drop_index CREATE [UNIQUE] INDEX; DROP INDEX (MySQL: ... ON t)
 *   add/drop_unique, add/drop_fk
 *                  ADD/DROP CONSTRAINT (MySQL: DROP INDEX / DROP FOREIGN
 *                  KEY), with the names each database gives unnamed ones
 * What a dialect cannot do with ALTER (SQLite: anything but ADD/DROP
 * COLUMN and indexes) is a "-- WARNING:" line in place, and the same
 * for primary key, generated column and autoincrement changes, which
 * need a hand-written revision everywhere. */
#include "data/migrate/autogen_internal.h"

#include <string.h>
#include <strings.h>

#include "data/dialect.h"

struct render {
	const fl_autogen_in *in;
	fl_dialect_id id;
	const fl_dialect *d;
	fl_buf up;
	const char **down;          /* downgrade chunks, written in reverse */
	size_t n_down, cap_down;
};

static const char *s_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static const char *id_of(struct render *r, const char *name)
{
	fl_buf b;
	fl_buf_init(&b, r->in->a);
	r->d->put_ident(&b, name);
	return fl_buf_cstr(&b);
}

static void push_down(struct render *r, const char *sql)
{
	if (r->n_down == r->cap_down) {
		size_t cap = r->cap_down ? 2 * r->cap_down : 16;
		const char **v = fl_arena_alloc(r->in->a, cap * sizeof *v);
		if (r->n_down)
			memcpy(v, r->down, r->n_down * sizeof *v);
		r->down = v;
		r->cap_down = cap;
	}
	r->down[r->n_down++] = sql;
}

/* One operation: `up` now, `down` (may be NULL) undone in reverse order. */
static void op(struct render *r, const char *up, const char *down)
{
	fl_buf_puts(&r->up, up);
	if (down && *down)
		push_down(r, down);
}

static const char *warning(struct render *r, const char *what)
{
	return fl_arena_printf(r->in->a, "-- WARNING: %s\n", what);
}

static const fl_model *model_for(struct render *r, const char *table)
{
	for (const fl_model *const *m = r->in->models; *m; m++)
		if (!(*m)->abstract && fl_model_table(*m) && strcasecmp(fl_model_table(*m), table) == 0)
			return *m;
	return NULL;
}

static const fl_column *model_column(struct render *r, const char *table, const char *col)
{
	const fl_model *m = model_for(r, table);
	return m ? fl_model_column(m, col) : NULL;
}

/* "TYPE [DEFAULT x] [NOT NULL]" of the model's column, in the dialect. */
static const char *model_definition(struct render *r, const fl_column *c)
{
	fl_buf b;
	fl_buf_init(&b, r->in->a);
	if (r->d->put_column_type(&b, c, false))
		return NULL;
	const char *dflt = fl_column_default_sql(r->d, c);
	if (dflt)
		fl_buf_printf(&b, " DEFAULT %s", dflt);
	if (!fl_column_nullable(c))
		fl_buf_puts(&b, " NOT NULL");
	return fl_buf_cstr(&b);
}

/* The same from a column read from the live database (types as its
 * dialect spells them). */
static const char *live_definition(struct render *r, json_t *c)
{
	json_t *d = json_object_get(c, "default");
	return fl_arena_printf(r->in->a, "%s%s%s%s", s_of(c, "type"),
		json_is_string(d) ? " DEFAULT " : "", json_is_string(d) ? json_string_value(d) : "",
		json_is_true(json_object_get(c, "notnull")) ? " NOT NULL" : "");
}

static const char *live_column_note(struct render *r, const char *table, json_t *c)
{
	if (r->id == r->in->live_dialect)
		return "";
	return warning(r, fl_arena_printf(r->in->a, "%s.%s is written with its type as the %s "
		"database spells it (%s): check it", table, s_of(c, "name"),
		fl_dialect_id_name(r->in->live_dialect), s_of(c, "type")));
}

static const char *alter(struct render *r, const char *table, const char *rest)
{
	return fl_arena_printf(r->in->a, "ALTER TABLE %s %s;\n", id_of(r, table), rest);
}

/* ---- columns ---- */

static void add_column(struct render *r, const char *table, const char *col)
{
	const fl_column *c = model_column(r, table, col);
	const char *def = c ? model_definition(r, c) : NULL;
	if (!def) {
		op(r, warning(r, fl_arena_printf(r->in->a, "%s.%s: no model column to add", table, col)),
			NULL);
		return;
	}
	const char *note = !fl_column_nullable(c) && !c->server_default ?
		warning(r, fl_arena_printf(r->in->a, "new column %s.%s is NOT NULL and has no default: "
			"the upgrade fails if %s has rows", table, col, table)) : "";
	op(r, fl_arena_printf(r->in->a, "%s%s", note, alter(r, table, fl_arena_printf(r->in->a,
		"ADD COLUMN %s %s", id_of(r, col), def))),
		alter(r, table, fl_arena_printf(r->in->a, "DROP COLUMN %s", id_of(r, col))));
}

static void drop_column(struct render *r, const char *table, const char *col)
{
	json_t *c = fl_schema_column(json_object_get(r->in->live, table), col);
	op(r, alter(r, table, fl_arena_printf(r->in->a, "DROP COLUMN %s", id_of(r, col))),
		c ? fl_arena_printf(r->in->a, "%s%s", live_column_note(r, table, c),
			alter(r, table, fl_arena_printf(r->in->a, "ADD COLUMN %s %s", id_of(r, col),
				live_definition(r, c)))) : NULL);
}

/* Which of type/nullable/default of `col` differ (bits 1, 2, 4). */
static unsigned column_changes(struct render *r, const char *table, const char *col)
{
	static const char *const ops[] = { "modify_type", "modify_nullable", "modify_default" };
	unsigned bits = 0;
	json_t *x;
	size_t i;
	json_array_foreach(r->in->diffs, i, x)
		for (unsigned k = 0; k < 3; k++)
			if (strcmp(s_of(x, "op"), ops[k]) == 0 && strcmp(s_of(x, "table"), table) == 0 &&
			    strcmp(s_of(x, "column"), col) == 0)
				bits |= 1u << k;
	return bits;
}

/* The first type/nullable/default difference of `col`. */
static json_t *first_change(struct render *r, const char *table, const char *col)
{
	json_t *x;
	size_t i;
	json_array_foreach(r->in->diffs, i, x)
		if (strcmp(s_of(x, "table"), table) == 0 && strcmp(s_of(x, "column"), col) == 0 &&
		    (!strcmp(s_of(x, "op"), "modify_type") || !strcmp(s_of(x, "op"), "modify_nullable") ||
		     !strcmp(s_of(x, "op"), "modify_default")))
			return x;
	return NULL;
}

static void modify_column_pg(struct render *r, const char *table, const char *col,
	const fl_column *c, json_t *old, unsigned bits)
{
	fl_buf up, down, type;
	fl_buf_init(&up, r->in->a);
	fl_buf_init(&down, r->in->a);
	fl_buf_init(&type, r->in->a);
	const char *q = id_of(r, col);
	if ((bits & 1) && !r->d->put_column_type(&type, c, false)) {
		const char *t = fl_buf_cstr(&type);
		fl_buf_puts(&up, alter(r, table, fl_arena_printf(r->in->a, "ALTER COLUMN %s TYPE %s "
			"USING %s::%s", q, t, q, t)));
		fl_buf_printf(&down, "%s%s", live_column_note(r, table, old), alter(r, table,
			fl_arena_printf(r->in->a, "ALTER COLUMN %s TYPE %s USING %s::%s", q,
				s_of(old, "type"), q, s_of(old, "type"))));
	}
	if (bits & 2) {
		bool nn = !fl_column_nullable(c);
		fl_buf_puts(&up, alter(r, table, fl_arena_printf(r->in->a, "ALTER COLUMN %s %s NOT NULL",
			q, nn ? "SET" : "DROP")));
		fl_buf_puts(&down, alter(r, table, fl_arena_printf(r->in->a, "ALTER COLUMN %s %s NOT NULL",
			q, nn ? "DROP" : "SET")));
	}
	if (bits & 4) {
		const char *dflt = fl_column_default_sql(r->d, c);
		json_t *od = json_object_get(old, "default");
		fl_buf_puts(&up, alter(r, table, dflt ? fl_arena_printf(r->in->a, "ALTER COLUMN %s SET "
			"DEFAULT %s", q, dflt) : fl_arena_printf(r->in->a, "ALTER COLUMN %s DROP DEFAULT", q)));
		fl_buf_puts(&down, alter(r, table, json_is_string(od) ? fl_arena_printf(r->in->a,
			"ALTER COLUMN %s SET DEFAULT %s", q, json_string_value(od)) :
			fl_arena_printf(r->in->a, "ALTER COLUMN %s DROP DEFAULT", q)));
	}
	op(r, fl_buf_cstr(&up), fl_buf_cstr(&down));
}

static void modify_column(struct render *r, const char *table, const char *col)
{
	unsigned bits = column_changes(r, table, col);
	const fl_column *c = model_column(r, table, col);
	json_t *old = fl_schema_column(json_object_get(r->in->live, table), col);
	const char *def = c ? model_definition(r, c) : NULL;
	if (!bits)
		return;
	if (!def || !old || r->id == FL_DIALECT_SQLITE) {
		op(r, warning(r, fl_arena_printf(r->in->a, "%s.%s changes its type, NULL or default: "
			"%s cannot ALTER it; generate this revision against a %s database (db migrate "
			"writes the table rebuild there) or write it by hand", table, col,
			fl_dialect_id_name(r->id), fl_dialect_id_name(r->id))), NULL);
		return;
	}
	if (r->id == FL_DIALECT_POSTGRESQL) {
		modify_column_pg(r, table, col, c, old, bits);
		return;
	}
	op(r, alter(r, table, fl_arena_printf(r->in->a, "MODIFY COLUMN %s %s", id_of(r, col), def)),
		fl_arena_printf(r->in->a, "%s%s", live_column_note(r, table, old),
			alter(r, table, fl_arena_printf(r->in->a, "MODIFY COLUMN %s %s", id_of(r, col),
				live_definition(r, old)))));
}

/* ---- indexes and constraints ---- */

/* "(a, b DESC)" with each plain column name quoted. */
static const char *key_list(struct render *r, json_t *cols)
{
	fl_buf b;
	json_t *c;
	size_t i;
	fl_buf_init(&b, r->in->a);
	fl_buf_putc(&b, '(');
	json_array_foreach(cols, i, c) {
		const char *s = json_string_value(c);
		size_t n = strlen(s);
		bool desc = n > 5 && strcmp(s + n - 5, " DESC") == 0;
		const char *name = desc ? fl_arena_strndup(r->in->a, s, n - 5) : s;
		fl_buf_puts(&b, i ? ", " : "");
		if (strpbrk(name, "( "))
			fl_buf_puts(&b, name);     /* an expression: as the database wrote it */
		else
			r->d->put_ident(&b, name);
		fl_buf_puts(&b, desc ? " DESC" : "");
	}
	fl_buf_putc(&b, ')');
	return fl_buf_cstr(&b);
}

static const char *create_index(struct render *r, const char *table, json_t *x)
{
	return fl_arena_printf(r->in->a, "CREATE %sINDEX %s ON %s %s;\n",
		json_is_true(json_object_get(x, "unique")) ? "UNIQUE " : "", id_of(r, s_of(x, "name")),
		id_of(r, table), key_list(r, json_object_get(x, "columns")));
}

static const char *drop_index(struct render *r, const char *table, json_t *x)
{
	if (r->id == FL_DIALECT_MYSQL)
		return fl_arena_printf(r->in->a, "DROP INDEX %s ON %s;\n", id_of(r, s_of(x, "name")),
			id_of(r, table));
	return fl_arena_printf(r->in->a, "DROP INDEX %s;\n", id_of(r, s_of(x, "name")));
}

/* The name a database gives an unnamed UNIQUE (`suffix` "key") or
 * FOREIGN KEY ("fkey") constraint: PostgreSQL's <table>_<cols>_<suffix>;
 * MySQL's unique index is named after its first column. */
static const char *constraint_name(struct render *r, const char *table, json_t *cols,
	const char *suffix)
{
	fl_buf b;
	json_t *c;
	size_t i;
	if (r->id == FL_DIALECT_MYSQL && strcmp(suffix, "key") == 0)
		return json_string_value(json_array_get(cols, 0));
	fl_buf_init(&b, r->in->a);
	fl_buf_puts(&b, table);
	json_array_foreach(cols, i, c)
		fl_buf_printf(&b, "_%s", json_string_value(c));
	fl_buf_printf(&b, "_%s", suffix);
	return fl_buf_cstr(&b);
}

/* The live database's name for constraint `v` (an element of the live
 * table's `key` array: "uniques" or "fks") from its `names_key` array,
 * when this part is the live database's dialect; else NULL. */
static const char *live_name(struct render *r, const char *table, const char *key,
	const char *names_key, json_t *v)
{
	json_t *t = json_object_get(r->in->live, table), *x;
	size_t i;
	if (r->id != r->in->live_dialect)
		return NULL;
	json_array_foreach(json_object_get(t, key), i, x)
		if (json_equal(x, v))
			return json_string_value(json_array_get(json_object_get(t, names_key), i));
	return NULL;
}

static const char *add_unique(struct render *r, const char *table, json_t *cols)
{
	return alter(r, table, fl_arena_printf(r->in->a, "ADD CONSTRAINT %s UNIQUE %s",
		id_of(r, constraint_name(r, table, cols, "key")), key_list(r, cols)));
}

static const char *drop_unique(struct render *r, const char *table, json_t *cols)
{
	const char *live = live_name(r, table, "uniques", "unique_names", cols);
	const char *name = id_of(r, live ? live : constraint_name(r, table, cols, "key"));
	return alter(r, table, fl_arena_printf(r->in->a, r->id == FL_DIALECT_MYSQL ?
		"DROP INDEX %s" : "DROP CONSTRAINT %s", name));
}

static const char *add_fk(struct render *r, const char *table, json_t *fk)
{
	const char *del = s_of(fk, "on_delete"), *upd = s_of(fk, "on_update");
	bool d = *del && strcasecmp(del, "NO ACTION") && strcasecmp(del, "RESTRICT");
	bool u = *upd && strcasecmp(upd, "NO ACTION") && strcasecmp(upd, "RESTRICT");
	return alter(r, table, fl_arena_printf(r->in->a, "ADD CONSTRAINT %s FOREIGN KEY %s "
		"REFERENCES %s %s%s%s%s%s", id_of(r, constraint_name(r, table,
			json_object_get(fk, "from"), "fkey")),
		key_list(r, json_object_get(fk, "from")), id_of(r, s_of(fk, "table")),
		key_list(r, json_object_get(fk, "to")), d ? " ON DELETE " : "", d ? del : "",
		u ? " ON UPDATE " : "", u ? upd : ""));
}

static const char *drop_fk(struct render *r, const char *table, json_t *fk)
{
	const char *live = live_name(r, table, "fks", "fk_names", fk);
	const char *name = live ? live : constraint_name(r, table, json_object_get(fk, "from"), "fkey");
	if (r->id != FL_DIALECT_MYSQL)
		return alter(r, table, fl_arena_printf(r->in->a, "DROP CONSTRAINT %s", id_of(r, name)));
	return fl_arena_printf(r->in->a, "%s%s", live ? "" : warning(r, fl_arena_printf(r->in->a,
		"MySQL names a foreign key it was given no name for %s_ibfk_N: check the name in "
		"SHOW CREATE TABLE %s", table, table)), alter(r, table, fl_arena_printf(r->in->a,
		"DROP FOREIGN KEY %s", id_of(r, name))));
}

/* Indexes, UNIQUE constraints and foreign keys of `table` that differ:
 * the ones to drop (`drops`) or the ones to add. */
static void keys(struct render *r, const char *table, bool drops)
{
	json_t *f = json_object_get(r->in->live, table), *t = json_object_get(r->in->target, table);
	json_t *from = drops ? f : t, *to = drops ? t : f, *x, *y;
	size_t i;
	json_array_foreach(json_object_get(from, "indexes"), i, x) {
		y = fl_schema_index(to, s_of(x, "name"));
		if (y && fl_schema_index_equal(x, y))
			continue;
		if (json_is_true(json_object_get(x, "partial")))
			op(r, warning(r, fl_arena_printf(r->in->a, "partial index %s: write its %s by "
				"hand", s_of(x, "name"), drops ? "DROP" : "CREATE")), NULL);
		else if (drops)
			op(r, drop_index(r, table, x), create_index(r, table, x));
		else
			op(r, create_index(r, table, x), drop_index(r, table, x));
	}
	bool alter_keys = r->id != FL_DIALECT_SQLITE;
	json_array_foreach(json_object_get(from, "uniques"), i, x) {
		if (fl_schema_set_has(json_object_get(to, "uniques"), x))
			continue;
		if (!alter_keys)
			op(r, warning(r, fl_arena_printf(r->in->a, "%s: UNIQUE %s %s: SQLite cannot ALTER "
				"a constraint; generate this revision against a SQLite database (db migrate "
				"writes the table rebuild there) or write it by hand", table,
				key_list(r, x), drops ? "dropped" : "added")), NULL);
		else if (drops)
			op(r, drop_unique(r, table, x), add_unique(r, table, x));
		else
			op(r, add_unique(r, table, x), drop_unique(r, table, x));
	}
	json_array_foreach(json_object_get(from, "fks"), i, x) {
		if (fl_schema_set_has(json_object_get(to, "fks"), x))
			continue;
		if (!alter_keys)
			op(r, warning(r, fl_arena_printf(r->in->a, "%s: FOREIGN KEY %s %s: SQLite cannot "
				"ALTER a constraint; generate this revision against a SQLite database or write "
				"it by hand", table, key_list(r, json_object_get(x, "from")),
				drops ? "dropped" : "added")), NULL);
		else if (drops)
			op(r, drop_fk(r, table, x), add_fk(r, table, x));
		else
			op(r, add_fk(r, table, x), drop_fk(r, table, x));
	}
}

/* ---- tables ---- */

static void change_table(struct render *r, const char *table)
{
	json_t *x;
	size_t i;
	keys(r, table, true);
	json_array_foreach(r->in->diffs, i, x) {
		const char *col = s_of(x, "column"), *o = s_of(x, "op");
		if (strcmp(s_of(x, "table"), table) != 0)
			continue;
		if (strcmp(o, "add_column") == 0)
			add_column(r, table, col);
		else if (strcmp(o, "drop_column") == 0)
			drop_column(r, table, col);
		else if (column_changes(r, table, col) && first_change(r, table, col) == x)
			modify_column(r, table, col);     /* once per column */
		else if (strncmp(o, "modify_", 7) == 0 && !column_changes(r, table, col))
			op(r, warning(r, fl_arena_printf(r->in->a, "%s%s%s: %s (%s) is not rendered: "
				"write it by hand", table, *col ? "." : "", col, o, s_of(x, "detail"))), NULL);
	}
	keys(r, table, false);
}

static void create_table(struct render *r, const char *table)
{
	const fl_model *m = model_for(r, table);
	const char *sql;
	if (!m || fl_model_create_sql_for(r->d, m, r->in->a, &sql)) {
		op(r, warning(r, fl_arena_printf(r->in->a, "table %s cannot be created on %s from its "
			"model", table, fl_dialect_id_name(r->id))), NULL);
		return;
	}
	op(r, sql, fl_arena_printf(r->in->a, "DROP TABLE %s;\n", id_of(r, table)));
}

static void drop_table(struct render *r, const char *table)
{
	const char *q = id_of(r, table);
	if (!r->in->drop_unknown) {
		op(r, fl_arena_printf(r->in->a, "-- WARNING: table %s exists in the database but no "
			"model declares it; not dropped (db migrate --drop-unknown drops it)\n"
			"-- DROP TABLE %s;\n", q, q), NULL);
		return;
	}
	op(r, fl_arena_printf(r->in->a, "DROP TABLE %s;\n", q), warning(r, fl_arena_printf(
		r->in->a, "table %s was dropped with its rows: the downgrade does not create it "
		"again (write its CREATE TABLE here)", q)));
}

static const fl_dialect *dialect_of(fl_dialect_id id)
{
	return id == FL_DIALECT_MYSQL ? &fl_dialect_mysql :
		id == FL_DIALECT_POSTGRESQL ? &fl_dialect_postgresql : &fl_dialect_sqlite;
}

void fl_autogen_render(const fl_autogen_in *in, fl_dialect_id id, const char **up,
	const char **down)
{
	struct render r = { .in = in, .id = id, .d = dialect_of(id) };
	json_t *n, *x;
	size_t i;
	fl_buf_init(&r.up, in->a);
	/* new tables (parents first), changed ones, dropped ones (children first) */
	json_array_foreach(in->order, i, n) {
		const char *name = json_string_value(n);
		if (!json_object_get(in->live, name) && json_object_get(in->target, name))
			create_table(&r, name);
	}
	json_array_foreach(in->order, i, n) {
		const char *name = json_string_value(n);
		bool changed = false;
		size_t k;
		if (!json_object_get(in->live, name) || !json_object_get(in->target, name))
			continue;
		json_array_foreach(in->diffs, k, x)
			changed = changed || strcmp(s_of(x, "table"), name) == 0;
		if (changed)
			change_table(&r, name);
	}
	for (size_t k = json_array_size(in->order); k-- > 0;) {
		const char *name = json_string_value(json_array_get(in->order, k));
		if (json_object_get(in->live, name) && !json_object_get(in->target, name))
			drop_table(&r, name);
	}
	fl_buf b;
	fl_buf_init(&b, in->a);
	for (size_t k = r.n_down; k-- > 0;)
		fl_buf_puts(&b, r.down[k]);
	*up = fl_buf_cstr(&r.up);
	*down = fl_buf_cstr(&b);
}
