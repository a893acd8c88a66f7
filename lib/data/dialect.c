/* dialect.c — the SQLite and MySQL dialects, and placeholder numbering
 * for dialects that need it.  See dialect.h. */
#include "data/dialect.h"
#include "data/model.h"

#include <string.h>

static void sqlite_put_in(fl_buf *b, bool negate, json_t *list, json_t *params)
{
	fl_buf_puts(b, negate ? " NOT IN (SELECT value FROM json_each(?))" :
		" IN (SELECT value FROM json_each(?))");
	json_array_append_new(params, json_string(json_dumps(list, JSON_COMPACT)));
}

static void sqlite_put_ilike(fl_buf *b, const char *lhs, bool negate)
{
	fl_buf_printf(b, "lower(%s) %s lower(?)", lhs, negate ? "NOT LIKE" : "LIKE");
}

static void sqlite_put_limit(fl_buf *b, json_t *params, long limit, long offset)
{
	fl_buf_puts(b, " LIMIT ? OFFSET ?");
	json_array_append_new(params, json_integer(limit < 0 ? -1 : limit));
	json_array_append_new(params, json_integer(offset > 0 ? offset : 0));
}

void fl_dialect_put_exists(fl_buf *b, const char *inner)
{
	fl_buf_printf(b, "SELECT EXISTS (%s) AS \"exists\"", inner);
}

/* `INSERT [IGNORE ]INTO table (c0, ...) VALUES (?, ...)` */
static void put_insert(fl_buf *b, const char *verb, const char *table, const char *const *columns)
{
	fl_buf_printf(b, "%s ", verb);
	fl_sql_put_ident(b, table);
	for (size_t i = 0; columns[i]; i++) {
		fl_buf_puts(b, i ? ", " : " (");
		fl_sql_put_ident(b, columns[i]);
	}
	fl_buf_puts(b, ") VALUES (");
	for (size_t i = 0; columns[i]; i++)
		fl_buf_puts(b, i ? ", ?" : "?");
	fl_buf_putc(b, ')');
}

void fl_dialect_put_upsert_on_conflict(fl_buf *b, const char *table, const char *const *columns,
	bool update)
{
	put_insert(b, "INSERT INTO", table, columns);
	fl_buf_puts(b, " ON CONFLICT (");
	fl_sql_put_ident(b, columns[0]);
	fl_buf_puts(b, update ? ") DO UPDATE SET " : ") DO NOTHING");
	for (size_t i = 1; update && columns[i]; i++) {
		fl_buf_puts(b, i > 1 ? ", " : "");
		fl_sql_put_ident(b, columns[i]);
		fl_buf_puts(b, " = excluded.");
		fl_sql_put_ident(b, columns[i]);
	}
}

const fl_dialect fl_dialect_sqlite = {
	.name = "sqlite",
	.param_style = FL_PARAM_QMARK,
	.true_sql = "1",
	.false_sql = "0",
	.like_escape = " ESCAPE '/'",
	.put_ident = fl_sql_put_ident,
	.put_in = sqlite_put_in,
	.put_ilike = sqlite_put_ilike,
	.put_limit = sqlite_put_limit,
	.put_exists = fl_dialect_put_exists,
	.put_column_type = fl_ddl_type_sqlite,
	.autoincrement_sql = " PRIMARY KEY AUTOINCREMENT",
	.tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
		"LIKE 'sqlite_%' ORDER BY name",
	.key_type = "TEXT",
	.bytes_type = "BLOB",
	.text_type = "TEXT",
	.put_upsert = fl_dialect_put_upsert_on_conflict,
	.default_values_sql = " DEFAULT VALUES",
};

/* ---- MySQL/MariaDB (sql_mode ANSI_QUOTES) ---- */

static void mysql_put_in(fl_buf *b, bool negate, json_t *list, json_t *params)
{
	size_t i, n = json_array_size(list);
	json_t *v;
	fl_buf_puts(b, negate ? " NOT IN (" : " IN (");
	if (n == 0)
		fl_buf_puts(b, "SELECT 1 FROM DUAL WHERE 1 = 0");
	json_array_foreach(list, i, v) {
		fl_buf_puts(b, i ? ", ?" : "?");
		json_array_append(params, v);
	}
	fl_buf_putc(b, ')');
}

static void mysql_put_ilike(fl_buf *b, const char *lhs, bool negate)
{
	fl_buf_printf(b, "LOWER(%s) %s LOWER(?)", lhs, negate ? "NOT LIKE" : "LIKE");
}

static void mysql_put_limit(fl_buf *b, json_t *params, long limit, long offset)
{
	if (limit < 0) {
		fl_buf_puts(b, " LIMIT 18446744073709551615");   /* MySQL's manual: "no limit" */
	} else {
		fl_buf_puts(b, " LIMIT ?");
		json_array_append_new(params, json_integer(limit));
	}
	if (offset > 0) {
		fl_buf_puts(b, " OFFSET ?");
		json_array_append_new(params, json_integer(offset));
	}
}

static void mysql_put_upsert(fl_buf *b, const char *table, const char *const *columns,
	bool update)
{
	put_insert(b, update ? "INSERT INTO" : "INSERT IGNORE INTO", table, columns);
	for (size_t i = 1; update && columns[i]; i++) {
		fl_buf_puts(b, i > 1 ? ", " : " ON DUPLICATE KEY UPDATE ");
		fl_sql_put_ident(b, columns[i]);
		fl_buf_puts(b, " = VALUES(");
		fl_sql_put_ident(b, columns[i]);
		fl_buf_putc(b, ')');
	}
}

const fl_dialect fl_dialect_mysql = {
	.name = "mysql",
	.param_style = FL_PARAM_QMARK,
	.true_sql = "1",
	.false_sql = "0",
	.like_escape = " ESCAPE '/'",
	.put_ident = fl_sql_put_ident,
	.put_in = mysql_put_in,
	.put_ilike = mysql_put_ilike,
	.put_limit = mysql_put_limit,
	.put_exists = fl_dialect_put_exists,   /* the same text */
	.put_column_type = fl_ddl_type_mysql,
	.generated_key_sql = " AUTO_INCREMENT",
	.tables_sql = "SELECT table_name AS name FROM information_schema.tables WHERE "
		"table_schema = DATABASE() ORDER BY table_name",
	.key_prefix_lengths = true,
	.numeric_text = true,
	.key_type = "VARBINARY(2048)",
	.bytes_type = "LONGBLOB",
	.text_type = "LONGTEXT",
	.put_upsert = mysql_put_upsert,
	.default_values_sql = " () VALUES ()",
};

/* ---- scanning the builder's SQL ---- */

const char *fl_sql_find_outside_quotes(const char *sql, const char *set)
{
	for (const char *p = sql; *p; p++) {
		if (*p == '\'' || *p == '"' || *p == '`') {
			const char *end = strchr(p + 1, *p);   /* a doubled quote reopens at once */
			if (!end)
				return NULL;
			p = end;
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
			if (!*p)
				return NULL;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			if (!end)
				return NULL;
			p = end + 1;
		} else if (strchr(set, *p)) {
			return p;
		}
	}
	return NULL;
}

const char *fl_dialect_finish(const fl_dialect *d, fl_arena *a, const char *sql)
{
	if (!d || d->param_style == FL_PARAM_QMARK)
		return sql;
	fl_buf b;
	fl_buf_init(&b, a);
	char quote = 0;
	long n = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;   /* a doubled quote reopens at once: same result */
			fl_buf_putc(&b, *p);
		} else if (*p == '\'' || *p == '"' || *p == '`') {
			quote = *p;
			fl_buf_putc(&b, *p);
		} else if (*p == '?') {
			fl_buf_printf(&b, "$%ld", ++n);
		} else {
			fl_buf_putc(&b, *p);
		}
	}
	return fl_buf_cstr(&b);
}

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
