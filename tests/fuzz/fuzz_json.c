/* fuzz_json.c — JSON request bodies through fl_parse_json_body (depth
 * limit 32), with jansson allocating from the arena as in production. */
#include <stdint.h>
#include <stdlib.h>

#include "http/formparser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_arena *a = fl_arena_new(0);
	fl_arena *prev = fl_json_set_arena(a);
	json_t *v = NULL;
	char *msg = NULL;
	fl_err err = fl_parse_json_body(a, (const char *)data, size, 0, &v, &msg);

	if ((err == FL_OK) != (v != NULL) || (err != FL_OK && msg == NULL))
		abort();
	json_decref(v);
	fl_json_set_arena(prev);
	fl_arena_free(a);
	return 0;
}
