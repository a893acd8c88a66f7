/* fuzz_sql_statements.c — libFuzzer target for the statement splitter of
 * the migration runner (fl_sql_statement_end, fl_sql_has_statement): for
 * any text and each dialect, every end found lies inside the text, right
 * after a ';', and the walk ends; never a crash or an overread.  The first
 * byte picks backslash escapes for MySQL. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "data/migrate/migrate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool backslash = data[0] & 1;
	char *sql = malloc(size);
	memcpy(sql, data + 1, size - 1);
	sql[size - 1] = '\0';
	size_t len = strlen(sql);
	fl_arena *a = fl_arena_new(0);
	for (int d = 0; d < FL_DIALECT__MAX; d++) {
		const char *p = sql, *end;
		while ((end = fl_sql_statement_end(a, p, (fl_dialect_id)d, backslash))) {
			if (end <= p || end > sql + len || end[-1] != ';')
				__builtin_trap();
			p = end;
		}
		(void)fl_sql_has_statement(p, (fl_dialect_id)d);
	}
	fl_arena_free(a);
	free(sql);
	return 0;
}
