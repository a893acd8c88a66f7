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
	} else if (err != FL_EMIGRATE || !error || strncmp(error, "fuzz.sql:", 9) != 0) {
		__builtin_trap();
	}
	fl_arena_free(a);
	return 0;
}
