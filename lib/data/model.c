/* model.c — model declarations: lookup, validation, defaults.  Their DDL
 * (CREATE TABLE, create_all, drop_all) is model_ddl.c.  See model.h. */
#include "data/model.h"
#include "data/internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

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

bool fl_model_is_generated_key(const fl_model *m, const fl_column *c)
{
	if (!c->primary_key || c->type != FL_TYPE_INTEGER)
		return false;
	for (const fl_column *o = m->columns; o->name; o++)
		if (o != c && o->primary_key)
			return false;
	return true;
}

/* ---- validation ---- */

static bool has_default(const fl_model *m, const fl_column *c)
{
	return c->default_json || c->default_fn || c->server_default || fl_model_is_generated_key(m, c);
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
		return fl_column_nullable(c) || (insert && fl_model_is_generated_key(m, c)) ? NULL :
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
