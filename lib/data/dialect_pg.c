/* dialect_pg.c — the PostgreSQL dialect (fl_dialect_postgresql).  See
 * dialect.h; the driver is driver_pg.c. */
#include "data/db.h"
#include "data/dialect.h"
#include "data/model.h"
#include "base/hex.h"
#include "base/pynum.h"

#include <string.h>

/* One element of an array literal, double-quoted with '"' and '\'
 * backslash-escaped (array_in's rule), so any text is taken as written. */
static void put_quoted(fl_buf *b, const char *s, size_t n)
{
	fl_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fl_buf_putc(b, '\\');
		fl_buf_putc(b, s[i]);
	}
	fl_buf_putc(b, '"');
}

/* Bytes as bytea's hex input (\x0a1b), quoted. */
static void put_bytes(fl_buf *b, json_t *bytes)
{
	size_t n = json_string_length(bytes);
	char *hex = fl_arena_alloc(b->arena, 2 * n + 3);
	memcpy(hex, "\\x", 2);
	fl_hex_encode(hex + 2, json_string_value(bytes), n);
	put_quoted(b, hex, 2 * n + 2);
}

/* The JSON array `list` of scalars as the text of a PostgreSQL array
 * ('{1,2,"a\"b",NULL}'); the server reads it as an array of the column's
 * type.  true/false are written 1/0, which both integer and boolean
 * accept (as SQLite stores them). */
static void put_array_literal(fl_buf *b, json_t *list)
{
	size_t i;
	json_t *v, *bytes;
	fl_buf_putc(b, '{');
	json_array_foreach(list, i, v) {
		if (i)
			fl_buf_putc(b, ',');
		switch (json_typeof(v)) {
		case JSON_INTEGER: fl_buf_put_int(b, json_integer_value(v)); break;
		case JSON_REAL: fl_buf_puts(b, fl_format_float(b->arena, json_real_value(v))); break;
		case JSON_TRUE: fl_buf_putc(b, '1'); break;
		case JSON_FALSE: fl_buf_putc(b, '0'); break;
		case JSON_NULL: fl_buf_puts(b, "NULL"); break;
		case JSON_STRING: put_quoted(b, json_string_value(v), json_string_length(v)); break;
		default:
			if ((bytes = fl_db_param_blob(v))) {
				put_bytes(b, bytes);
			} else {   /* not a scalar: its JSON text, as SQLite's json_each would hold it */
				size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
				char *s = fl_arena_alloc(b->arena, n + 1);
				put_quoted(b, s, json_dumpb(v, s, n, JSON_COMPACT | JSON_ENCODE_ANY));
			}
		}
	}
	fl_buf_putc(b, '}');
}

/* `x = ANY(?)` / `x <> ALL(?)`: one statement for every list length.  An
 * empty array gives false for ANY and true for ALL, NULL x included, as
 * SQLAlchemy's "empty IN" wants. */
static void pg_put_in(fl_buf *b, bool negate, json_t *list, json_t *params)
{
	fl_buf lit;
	fl_buf_init(&lit, b->arena);
	put_array_literal(&lit, list);
	fl_buf_puts(b, negate ? " <> ALL(?)" : " = ANY(?)");
	/* as valid UTF-8 as its elements: the server refuses any that is not */
	json_array_append_new(params, json_stringn_nocheck(fl_buf_cstr(&lit), lit.len));
}

static void pg_put_ilike(fl_buf *b, const char *lhs, bool negate)
{
	fl_buf_printf(b, "%s %s ?", lhs, negate ? "NOT ILIKE" : "ILIKE");
}

static void pg_put_limit(fl_buf *b, json_t *params, long limit, long offset)
{
	if (limit >= 0) {
		fl_buf_puts(b, " LIMIT ?");
		json_array_append_new(params, json_integer(limit));
	}
	if (offset > 0) {
		fl_buf_puts(b, " OFFSET ?");
		json_array_append_new(params, json_integer(offset));
	}
}

static void pg_put_returning(fl_buf *b, const char *column)
{
	fl_buf_puts(b, " RETURNING ");
	fl_sql_put_ident(b, column);
}

const fl_dialect fl_dialect_postgresql = {
	.name = "postgresql",
	.param_style = FL_PARAM_NUMERIC,
	.true_sql = "true",
	.false_sql = "false",
	.like_escape = " ESCAPE '/'",
	.put_ident = fl_sql_put_ident,
	.put_in = pg_put_in,
	.put_ilike = pg_put_ilike,
	.put_limit = pg_put_limit,
	.put_exists = fl_dialect_put_exists,
	.put_returning = pg_put_returning,
	.put_column_type = fl_ddl_type_postgresql,
	.tables_sql = "SELECT tablename AS name FROM pg_tables WHERE "
		"schemaname = current_schema() ORDER BY tablename",
	.numeric_text = true,
	.sync_generated_key_sql = "SELECT setval(s.seq, ?) FROM (SELECT "
		"pg_get_serial_sequence(?, ?) AS seq) s WHERE s.seq IS NOT NULL AND "
		"? > COALESCE(pg_sequence_last_value(s.seq::regclass), 0)",
	.key_type = "VARCHAR(2048) COLLATE \"C\"",
	.bytes_type = "BYTEA",
	.text_type = "TEXT",
	.put_upsert = fl_dialect_put_upsert_on_conflict,
	.default_values_sql = " DEFAULT VALUES",
};
