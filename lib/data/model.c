/* model.c — model declarations: lookup, DDL, validation, create_all and
 * drop_all.  See model.h. */
#include "data/model.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"
#include "data/dialect.h"

const char *const fl_type_names[FL_TYPE__MAX] = {
	[FL_TYPE_INTEGER] = "Integer",
	[FL_TYPE_SMALLINTEGER] = "SmallInteger",
	[FL_TYPE_BIGINTEGER] = "BigInteger",
	[FL_TYPE_FLOAT] = "Float",
	[FL_TYPE_NUMERIC] = "Numeric",
	[FL_TYPE_STRING] = "String",
	[FL_TYPE_TEXT] = "Text",
	[FL_TYPE_UNICODE] = "Unicode",
	[FL_TYPE_UNICODETEXT] = "UnicodeText",
	[FL_TYPE_BOOLEAN] = "Boolean",
	[FL_TYPE_DATE] = "Date",
	[FL_TYPE_DATETIME] = "DateTime",
	[FL_TYPE_TIME] = "Time",
	[FL_TYPE_LARGEBINARY] = "LargeBinary",
	[FL_TYPE_ENUM] = "Enum",
};

/* ---- lookup ---- */

/* Flask-SQLAlchemy's camel_to_snake_case, character for character:
 *   re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name)
 *   .lower().lstrip("_")
 * An underscore goes before a capital that follows a lower-case letter or
 * a digit, or that starts a word ("HTTPResponse" -> "http_response"). */
static char *snake_case(const char *name)
{
	size_t n = strlen(name);
	char *out = malloc(2 * n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		bool upper = ch >= 'A' && ch <= 'Z';
		bool after_word = i > 0 && ((name[i - 1] >= 'a' && name[i - 1] <= 'z') ||
			(name[i - 1] >= '0' && name[i - 1] <= '9'));
		bool starts_word = i > 0 && name[i + 1] >= 'a' && name[i + 1] <= 'z';
		if (upper && (after_word || starts_word))
			*o++ = '_';
		*o++ = (char)tolower(ch);
	}
	*o = '\0';
	size_t lead = strspn(out, "_");
	memmove(out, out + lead, (size_t)(o - out) - lead + 1);
	return out;
}

/* The derived names, one per model without __tablename__: models are
 * static data that live as long as the process, so their derived names
 * do too (computed once, never freed; a cache of immutable facts). */
#define DERIVED_MAX 256
/* Keyed by the model's address: a model must not move (declare it static). */
static struct { const fl_model *model; char *name; } derived[DERIVED_MAX];
static size_t nderived;

const char *fl_model_table(const fl_model *m)
{
	if (m->tablename || !m->name)
		return m->tablename;
	for (size_t i = 0; i < nderived; i++)
		if (derived[i].model == m)
			return derived[i].name;
	char *name = snake_case(m->name);
	if (name && nderived < DERIVED_MAX)
		derived[nderived++] = (typeof(derived[0])){ m, name };
	return name;   /* past DERIVED_MAX models: leaked once per call, never wrong */
}

const fl_column *fl_model_column(const fl_model *m, const char *name)
{
	if (!name)
		return NULL;
	for (const fl_column *c = m->columns; c && c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

const fl_column *fl_model_primary_key(const fl_model *m)
{
	for (const fl_column *c = m->columns; c && c->name; c++)
		if (c->primary_key)
			return c;
	return NULL;
}

bool fl_column_nullable(const fl_column *c)
{
	return !c->primary_key && !c->not_null;
}

static bool is_integer_type(fl_type t)
{
	return t == FL_TYPE_INTEGER || t == FL_TYPE_SMALLINTEGER || t == FL_TYPE_BIGINTEGER;
}

static bool is_text_type(fl_type t)
{
	switch (t) {
	case FL_TYPE_STRING: case FL_TYPE_TEXT: case FL_TYPE_UNICODE: case FL_TYPE_UNICODETEXT:
	case FL_TYPE_DATE: case FL_TYPE_DATETIME: case FL_TYPE_TIME: case FL_TYPE_LARGEBINARY:
	case FL_TYPE_ENUM:
		return true;
	default:
		return false;
	}
}

/* SQLite makes exactly the INTEGER PRIMARY KEY an alias of the rowid and
 * fills it on insert. */
static bool is_rowid_alias(const fl_model *m, const fl_column *c)
{
	if (!c->primary_key || c->type != FL_TYPE_INTEGER)
		return false;
	for (const fl_column *o = m->columns; o->name; o++)
		if (o != c && o->primary_key)
			return false;
	return true;
}

/* ---- DDL ---- */

/* `s` between two `q`, each `q` inside doubled: how SQL quotes both
 * identifiers (") and strings ('). */
static inline void put_quoted(fl_buf *b, const char *s, char q)
{
	fl_buf_putc(b, q);
	for (const char *p = s; *p; p++) {
		if (*p == q)
			fl_buf_putc(b, q);
		fl_buf_putc(b, *p);
	}
	fl_buf_putc(b, q);
}

void fl_sql_put_ident(fl_buf *b, const char *name)
{
	put_quoted(b, name, '"');
}

void fl_sql_put_string(fl_buf *b, const char *s)
{
	put_quoted(b, s, '\'');
}

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
	bool generated = is_rowid_alias(m, c);
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

static fl_err unique_clauses(fl_buf *b, const fl_model *m)
{
	for (const fl_column *c = m->columns; c->name; c++) {
		if (c->unique && !c->index) {   /* unique + index is a UNIQUE INDEX instead */
			fl_buf_puts(b, ",\n\tUNIQUE (");
			fl_sql_put_ident(b, c->name);
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
			if (!fl_model_column(m, u->columns[i]))
				return FL_EINVAL;
			fl_buf_puts(b, i ? ", " : "");
			fl_sql_put_ident(b, u->columns[i]);
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

static void index_statements(fl_buf *b, const fl_model *m)
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
		fl_sql_put_ident(b, c->name);
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
	if (unique_clauses(&b, m) || foreign_key_clauses(&b, m))
		return FL_EINVAL;
	check_clauses(&b, m);
	fl_buf_puts(&b, "\n);\n");
	index_statements(&b, m);
	*sql_out = fl_buf_cstr(&b);
	return FL_OK;
}

fl_err fl_model_create_sql(const fl_model *m, fl_arena *a, const char **sql_out)
{
	return fl_model_create_sql_for(&fl_dialect_sqlite, m, a, sql_out);
}

/* ---- validation ---- */

static bool has_default(const fl_model *m, const fl_column *c)
{
	return c->default_json || c->default_fn || c->server_default || is_rowid_alias(m, c);
}

static bool enum_has(const fl_column *c, const char *s)
{
	for (const char *const *v = c->enum_values; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

/* The reason `v` (not null) does not fit column `c`, or NULL if it fits. */
static const char *type_mismatch(const fl_column *c, json_t *v)
{
	if (is_integer_type(c->type))
		return json_is_integer(v) ? NULL : "must be an integer";
	if (c->type == FL_TYPE_FLOAT)
		return json_is_number(v) ? NULL : "must be a number";
	if (c->type == FL_TYPE_NUMERIC)
		return fl_numeric_invalid(c, v);
	if (c->type == FL_TYPE_BOOLEAN) {
		if (json_is_boolean(v))
			return NULL;
		json_int_t i = json_is_integer(v) ? json_integer_value(v) : -1;
		return i == 0 || i == 1 ? NULL : "must be true or false";
	}
	if (!is_text_type(c->type) || !json_is_string(v))
		return "must be a string";
	if (c->type == FL_TYPE_LARGEBINARY)
		return NULL;   /* bytes: any string of any bytes */
	if (!fl_utf8_valid(json_string_value(v), json_string_length(v)))
		return "is not valid UTF-8 (bytes belong in a LargeBinary column)";
	if (c->type == FL_TYPE_ENUM && !enum_has(c, json_string_value(v)))
		return "is not one of the allowed values";
	if (c->length && (c->type == FL_TYPE_STRING || c->type == FL_TYPE_UNICODE) &&
	    fl_utf8_count(json_string_value(v), json_string_length(v)) > c->length)
		return "is too long";
	return NULL;
}

static const char *check_value(const fl_model *m, const fl_column *c, json_t *v, bool insert)
{
	/* An explicit null overrides a default, as in SQLAlchemy; only the
	 * rowid alias turns NULL into a new id. */
	if (!v)
		return fl_column_nullable(c) || has_default(m, c) ? NULL : "is required";
	if (json_is_null(v))
		return fl_column_nullable(c) || (insert && is_rowid_alias(m, c)) ? NULL :
			"must not be null";
	return type_mismatch(c, v);
}

fl_err fl_model_validate(const fl_model *m, json_t *row, bool insert,
	const char **column, const char **reason)
{
	const char *bad = NULL, *why = NULL;
	const char *key;
	json_t *v;
	if (!json_is_object(row)) {
		why = "row must be a JSON object";
		goto fail;
	}
	json_object_foreach(row, key, v) {
		if (!fl_model_column(m, key)) {
			bad = key;
			why = "is not a column of this table";
			goto fail;
		}
	}
	for (const fl_column *c = m->columns; c->name; c++) {
		v = json_object_get(row, c->name);
		if (!v && !insert)
			continue;
		if ((why = check_value(m, c, v, insert))) {
			bad = c->name;
			goto fail;
		}
	}
	return FL_OK;
fail:
	if (column)
		*column = bad;
	if (reason)
		*reason = why;
	return FL_EINVAL;
}

/* Set column `c` of `row` to the value of `json_text` or `fn` (the one
 * given); FL_EINVAL when the JSON text does not parse. */
static fl_err set_generated(json_t *row, const fl_column *c, const char *json_text,
	json_t *(*fn)(void))
{
	json_t *v = fn ? fn() : json_loads(json_text, JSON_DECODE_ANY, NULL);
	if (!v)
		return FL_EINVAL;
	json_object_set_new(row, c->name, v);
	return FL_OK;
}

fl_err fl_model_apply_defaults(const fl_model *m, json_t *row)
{
	for (const fl_column *c = m->columns; c->name; c++) {
		if (json_object_get(row, c->name) || (!c->default_fn && !c->default_json))
			continue;
		if (set_generated(row, c, c->default_json, c->default_fn))
			return FL_EINVAL;
	}
	return FL_OK;
}

fl_err fl_model_apply_onupdate(const fl_model *m, json_t *values)
{
	for (const fl_column *c = m->columns; c->name; c++) {
		if (json_object_get(values, c->name) || (!c->onupdate_fn && !c->onupdate_json))
			continue;
		if (set_generated(values, c, c->onupdate_json, c->onupdate_fn))
			return FL_EINVAL;
	}
	return FL_OK;
}

void fl_model_convert_row(const fl_model *m, json_t *row)
{
	for (const fl_column *c = m->columns; c->name; c++) {
		if (!fl_column_converts(c))
			continue;   /* SQLite's value is already the model's */
		json_t *v = json_object_get(row, c->name);
		if (!v || json_is_null(v))
			continue;
		json_t *out = fl_column_value(c, v);
		if (out != v)
			json_object_set_new(row, c->name, out);
		else
			json_decref(out);
	}
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
