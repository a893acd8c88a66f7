/* fuzz_migration_file.c — libFuzzer target for the revision file parser
 * (fl_revision_parse): any bytes must give FL_OK with sane fields or
 * FL_EMIGRATE with a message, never a crash, leak or overread. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "data/migrate/migrate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_arena *a = fl_arena_new(0);
	fl_revision r;
	const char *error = NULL;
	fl_err err = fl_revision_parse(a, "fuzz.sql", (const char *)data, size, &r, &error);
	if (err == FL_OK) {
		if (!r.id || !r.message || !r.date || !r.upgrade || !r.downgrade || error)
			__builtin_trap();
		if (strlen(r.id) == 0 || strlen(r.id) > FL_REVISION_MAX)
			__builtin_trap();
		for (int d = 0; d < FL_DIALECT__MAX; d++) {
			const fl_revision_part *p = &r.parts[d];
			if ((p->upgrade != NULL) != (p->upgrade_line > r.downgrade_line) ||
			    (p->downgrade != NULL) != (p->downgrade_line > r.downgrade_line))
				__builtin_trap();
			const char *name = fl_dialect_id_name((fl_dialect_id)d);
			if (fl_revision_sql(&r, name, true, NULL) != (p->upgrade ? p->upgrade : r.upgrade))
				__builtin_trap();
		}
	} else if (err != FL_EMIGRATE || !error || strncmp(error, "fuzz.sql:", 9) != 0) {
		__builtin_trap();
	}
	fl_arena_free(a);
	return 0;
}
