/* fuzz_form.c — application/x-www-form-urlencoded bodies: every value
 * that is accepted must be valid UTF-8 and every key NUL-free. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/formparser.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_arena *a = fl_arena_new(0);
	fl_multidict md;

	fl_multidict_init(&md, a);
	if (fl_parse_urlencoded(a, (const char *)data, size, 50, &md) == FL_OK) {
		if (md.len > 50)
			abort();
		for (size_t i = 0; i < md.len; i++)
			if (!fl_utf8_valid(md.items[i].value, md.items[i].value_len) ||
			    !fl_utf8_valid(md.items[i].key, strlen(md.items[i].key)))
				abort();
	}
	fl_arena_free(a);
	return 0;
}
