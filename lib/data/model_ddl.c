/* model_ddl.c — the DDL of model declarations: CREATE TABLE per dialect
 * (columns, primary key, UNIQUE, FOREIGN KEY, CHECK, indexes), and
 * create_all/drop_all in foreign-key order.  See model.h. */
#include "data/model.h"
#include "data/internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data/dialect.h"

/* ---- DDL ---- */

const char *fl_column_default_sql(const fl_dialect *d, const fl_column *c)
{
	const char *v = c->server_default;
	if (!v || c->type != FL_TYPE_BOOLEAN)
		return v;
	if (strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0)
		return d->false_sql;
	if (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0)
		return d->true_sql;
	return v;
}

static fl_err column_line(const fl_dialect *d, fl_buf *b, const fl_model *m, const fl_column *c)
{
	bool generated = fl_model_is_generated_key(m, c);
	fl_buf_puts(b, "\t");
	fl_sql_put_ident(b, c->name);
	fl_buf_putc(b, ' ');
	if (d->put_column_type(b, c, generated))
		return FL_EINVAL;
	if (c->server_default)
		fl_buf_printf(b, " DEFAULT %s", fl_column_default_sql(d, c));
	if (!fl_column_nullable(c))
		fl_buf_puts(b, " NOT NULL");
	if (c->autoincrement && !generated)
		return FL_EINVAL;
	if (c->autoincrement && d->autoincrement_sql)
		fl_buf_puts(b, d->autoincrement_sql);
	else if (generated && d->generated_key_sql)
		fl_buf_puts(b, d->generated_key_sql);
	return FL_OK;
}

/* Whether the PRIMARY KEY is written inside the column line (SQLite's
 * AUTOINCREMENT) instead of as a clause. */
static bool inline_primary_key(const fl_dialect *d, const fl_model *m)
{
	for (const fl_column *c = m->columns; c->name; c++)
		if (c->autoincrement)
			return d->autoincrement_sql != NULL;
	return false;
}

static void primary_key_clause(const fl_dialect *d, fl_buf *b, const fl_model *m)
{
	const char *sep = "";
	if (inline_primary_key(d, m) || !fl_model_primary_key(m))
		return;
	fl_buf_puts(b, ",\n\tPRIMARY KEY (");
	for (const fl_column *c = m->columns; c->name; c++) {
		if (!c->primary_key)
			continue;
		fl_buf_puts(b, sep);
		fl_sql_put_ident(b, c->name);
		sep = ", ";
	}
	fl_buf_putc(b, ')');
}

/* Whether a key on `c` needs a prefix length on dialect `d`. */
static bool needs_prefix(const fl_dialect *d, const fl_column *c)
{
	return d->key_prefix_lengths && (c->type == FL_TYPE_TEXT ||
		c->type == FL_TYPE_UNICODETEXT || c->type == FL_TYPE_LARGEBINARY);
}

/* Append column `c` as a key names it: quoted, with its prefix length
 * where the dialect wants one (MySQL: `"body"(100)`). */
static void put_key_column(const fl_dialect *d, fl_buf *b, const fl_column *c)
{
	fl_sql_put_ident(b, c->name);
	if (needs_prefix(d, c) && c->mysql_length)
		fl_buf_printf(b, "(%u)", c->mysql_length);
}

const fl_column *fl_model_key_without_length(const fl_dialect *d, const fl_model *m)
{
	/* Only a plain index: MariaDB (since 10.4) makes a UNIQUE on a whole
	 * Text column through a hidden hash, MySQL 8 refuses it with its own
	 * error naming the column, so a UNIQUE goes to the server to decide,
	 * as SQLAlchemy sends it. */
	for (const fl_column *c = m->columns; c->name; c++)
		if (c->index && !c->unique && needs_prefix(d, c) && !c->mysql_length)
			return c;
	return NULL;
}

static fl_err unique_clauses(const fl_dialect *d, fl_buf *b, const fl_model *m)
{
	for (const fl_column *c = m->columns; c->name; c++) {
		if (c->unique && !c->index) {   /* unique + index is a UNIQUE INDEX instead */
			fl_buf_puts(b, ",\n\tUNIQUE (");
			put_key_column(d, b, c);
			fl_buf_putc(b, ')');
		}
	}
	for (const fl_unique *u = m->unique_constraints; u && u->columns[0]; u++) {
		fl_buf_puts(b, ",\n\t");
		if (u->name) {
			fl_buf_puts(b, "CONSTRAINT ");
			fl_sql_put_ident(b, u->name);
			fl_buf_putc(b, ' ');
		}
		fl_buf_puts(b, "UNIQUE (");
		for (size_t i = 0; i < FL_UNIQUE_MAX_COLUMNS && u->columns[i]; i++) {
			const fl_column *c = fl_model_column(m, u->columns[i]);
			if (!c)
				return FL_EINVAL;
			fl_buf_puts(b, i ? ", " : "");
			put_key_column(d, b, c);
		}
		fl_buf_putc(b, ')');
	}
	return FL_OK;
}

static bool valid_ondelete(const char *a)
{
	static const char *const actions[] = { "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT",
		"NO ACTION" };
	for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
		if (strcasecmp(a, actions[i]) == 0)
			return true;
	return false;
}

/* "roles.id" → table "roles" (arena copy) and column "id". */
static fl_err split_foreign_key(fl_arena *a, const char *fk, const char **table, const char **col)
{
	const char *dot = strchr(fk, '.');
	if (!dot || dot == fk || !dot[1] || strchr(dot + 1, '.'))
		return FL_EINVAL;
	*table = fl_arena_strndup(a, fk, (size_t)(dot - fk));
	*col = dot + 1;
	return FL_OK;
}

const fl_column *fl_column_references(const fl_column *c, const fl_model *target)
{
	const char *dot = c->foreign_key ? strchr(c->foreign_key, '.') : NULL;
	size_t n = dot ? (size_t)(dot - c->foreign_key) : 0;
	if (!dot || !fl_model_table(target) || strlen(fl_model_table(target)) != n ||
	    strncmp(c->foreign_key, fl_model_table(target), n) != 0)
		return NULL;
	return fl_model_column(target, dot + 1);
}

static fl_err foreign_key_clauses(fl_buf *b, const fl_model *m)
{
	for (const fl_column *c = m->columns; c->name; c++) {
		const char *table, *col;
		if (!c->foreign_key)
			continue;
		if (split_foreign_key(b->arena, c->foreign_key, &table, &col))
			return FL_EINVAL;
		fl_buf_puts(b, ",\n\tFOREIGN KEY(");
		fl_sql_put_ident(b, c->name);
		fl_buf_puts(b, ") REFERENCES ");
		fl_sql_put_ident(b, table);
		fl_buf_puts(b, " (");
		fl_sql_put_ident(b, col);
		fl_buf_putc(b, ')');
		if (c->ondelete) {
			if (!valid_ondelete(c->ondelete))
				return FL_EINVAL;
			fl_buf_printf(b, " ON DELETE %s", c->ondelete);
		}
	}
	return FL_OK;
}

static void check_clauses(fl_buf *b, const fl_model *m)
{
	for (const fl_column *c = m->columns; c->name; c++) {
		if (c->type != FL_TYPE_ENUM)
			continue;
		fl_buf_puts(b, ",\n\tCHECK (");
		fl_sql_put_ident(b, c->name);
		fl_buf_puts(b, " IN (");
		for (const char *const *v = c->enum_values; *v; v++) {
			fl_buf_puts(b, v == c->enum_values ? "" : ", ");
			fl_sql_put_string(b, *v);
		}
		fl_buf_puts(b, "))");
	}
}

static void index_statements(const fl_dialect *d, fl_buf *b, const fl_model *m)
{
	for (const fl_column *c = m->columns; c->name; c++) {
		if (!c->index)
			continue;
		fl_buf_puts(b, c->unique ? "CREATE UNIQUE INDEX IF NOT EXISTS " :
			"CREATE INDEX IF NOT EXISTS ");
		fl_sql_put_ident(b, fl_arena_printf(b->arena, "ix_%s_%s", fl_model_table(m), c->name));
		fl_buf_puts(b, " ON ");
		fl_sql_put_ident(b, fl_model_table(m));
		fl_buf_puts(b, " (");
		put_key_column(d, b, c);
		fl_buf_puts(b, ");\n");
	}
}

fl_err fl_model_create_sql_for(const fl_dialect *d, const fl_model *m, fl_arena *a,
	const char **sql_out)
{
	fl_buf b;
	fl_buf_init(&b, a);
	*sql_out = NULL;
	if (!fl_model_table(m) || !m->columns || !m->columns[0].name)
		return FL_EINVAL;
	fl_buf_puts(&b, "CREATE TABLE IF NOT EXISTS ");
	fl_sql_put_ident(&b, fl_model_table(m));
	fl_buf_puts(&b, " (\n");
	for (const fl_column *c = m->columns; c->name; c++) {
		fl_buf_puts(&b, c == m->columns ? "" : ",\n");
		if (column_line(d, &b, m, c))
			return FL_EINVAL;
	}
	primary_key_clause(d, &b, m);
	if (fl_model_key_without_length(d, m) || unique_clauses(d, &b, m) ||
	    foreign_key_clauses(&b, m))
		return FL_EINVAL;
	check_clauses(&b, m);
	fl_buf_puts(&b, "\n);\n");
	index_statements(d, &b, m);
	*sql_out = fl_buf_cstr(&b);
	return FL_OK;
}

fl_err fl_model_create_sql(const fl_model *m, fl_arena *a, const char **sql_out)
{
	return fl_model_create_sql_for(&fl_dialect_sqlite, m, a, sql_out);
}

/* ---- create_all / drop_all ---- */

/* Does `m` reference `parent` (other than itself) by a foreign key? */
static bool references(fl_arena *a, const fl_model *m, const fl_model *parent)
{
	if (m == parent || strcmp(fl_model_table(m), fl_model_table(parent)) == 0)
		return false;
	for (const fl_column *c = m->columns; c->name; c++) {
		const char *table, *col;
		if (c->foreign_key && !split_foreign_key(a, c->foreign_key, &table, &col) &&
		    strcmp(table, fl_model_table(parent)) == 0)
			return true;
	}
	return false;
}

/* Would `m` still wait for a parent among the models not yet placed? */
static bool waits(fl_arena *a, const fl_model *m, const fl_model **left, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (left[i] && left[i] != m && references(a, m, left[i]))
			return true;
	return false;
}

/* The non-abstract models of `models`, parents before children (SQLAlchemy's
 * sorted_tables); a cycle keeps the declaration order for what remains. */
static const fl_model **sorted_tables(fl_arena *a, const fl_model *const *models, size_t *n_out)
{
	size_t n = 0, placed = 0;
	while (models[n])
		n++;
	const fl_model **left = fl_arena_calloc(a, n + 1, sizeof *left);
	const fl_model **out = fl_arena_calloc(a, n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		left[i] = models[i]->abstract ? NULL : models[i];
	for (;;) {
		bool progress = false;
		for (size_t i = 0; i < n; i++) {
			if (left[i] && !waits(a, left[i], left, n)) {
				out[placed++] = left[i];
				left[i] = NULL;
				progress = true;
			}
		}
		if (!progress)
			break;
	}
	for (size_t i = 0; i < n; i++)   /* a cycle: keep the given order */
		if (left[i])
			out[placed++] = left[i];
	*n_out = placed;
	return out;
}

/* Run `sql` in its own transaction, or in the caller's if one is open. */
static fl_err run_ddl(fl_db *db, const char *sql)
{
	bool own = !fl_db_in_transaction(db);
	fl_err err = own ? fl_db_begin(db) : FL_OK;
	if (!err)
		err = fl_db_exec_script(db, sql);
	if (own && err)
		fl_db_rollback(db);
	else if (own)
		err = fl_db_commit(db);
	return err;
}

fl_err fl_create_all(fl_db *db, fl_arena *a, const fl_model *const *models)
{
	size_t n;
	const fl_model **sorted = sorted_tables(a, models, &n);
	fl_buf b;
	fl_buf_init(&b, a);
	for (size_t i = 0; i < n; i++) {
		const char *sql;
		const fl_column *c = fl_model_key_without_length(fl_db_dialect(db), sorted[i]);
		if (c)
			return fl_db_set_error(db, FL_EINVAL, fl_model_table(sorted[i]), c->name,
				"table %s: column %s (%s) has an index, which "
				"%s cannot make on a whole %s column: give the column a prefix "
				"length (FL_MYSQL_LENGTH(n), SQLAlchemy's mysql_length)",
				fl_model_table(sorted[i]), c->name, fl_type_names[c->type],
				fl_db_dialect(db)->name, fl_type_names[c->type]);
		if (fl_model_create_sql_for(fl_db_dialect(db), sorted[i], a, &sql))
			return fl_db_set_error(db, FL_EINVAL, fl_model_table(sorted[i]), NULL,
				"model for table %s cannot be expressed in SQL", fl_model_table(sorted[i]));
		fl_buf_puts(&b, sql);
	}
	return run_ddl(db, fl_buf_cstr(&b));
}

fl_err fl_drop_all(fl_db *db, fl_arena *a, const fl_model *const *models)
{
	size_t n;
	const fl_model **sorted = sorted_tables(a, models, &n);
	fl_buf b;
	fl_buf_init(&b, a);
	while (n--) {
		fl_buf_puts(&b, "DROP TABLE IF EXISTS ");
		fl_sql_put_ident(&b, fl_model_table(sorted[n]));
		fl_buf_puts(&b, ";\n");
	}
	return run_ddl(db, fl_buf_cstr(&b));
}
