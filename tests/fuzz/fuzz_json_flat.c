/* fuzz_json_flat.c — the session JSON fast path (base/json_flat.h)
 * against jansson: whatever it takes, jansson must take too and give the
 * equal value. */
#include <stdint.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/json_flat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_arena *a = fl_arena_new(0);
	fl_arena *prev = fl_json_set_arena(a);
	json_t *v = NULL;
	if (fl_json_loads_flat((const char *)data, size, &v)) {
		json_error_t e;
		json_t *want = json_loadb((const char *)data, size,
		                          JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
		if (!want || !json_equal(v, want) || json_object_size(v) != json_object_size(want))
			abort();
	} else if (v) {
		abort();
	}
	fl_json_set_arena(prev);
	fl_arena_free(a);
	return 0;
}
