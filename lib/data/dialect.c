/* dialect.c — the SQLite dialect, and placeholder numbering for dialects
 * that need it.  See dialect.h. */
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
};

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
