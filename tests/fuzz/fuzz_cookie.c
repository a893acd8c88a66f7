/* fuzz_cookie.c — Cookie request headers, and Set-Cookie building from
 * the parsed pairs: a built header must never carry CR, LF or other CTLs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_arena *a = fl_arena_new(0);
	fl_multidict md;

	fl_multidict_init(&md, a);
	if (fl_parse_cookie(a, (const char *)data, size, &md) != FL_OK)
		abort();
	for (size_t i = 0; i < md.len; i++) {
		fl_cookie c;
		char *out;

		if (!fl_utf8_valid(md.items[i].value, md.items[i].value_len) ||
		    md.items[i].key[0] == '\0')
			abort();
		fl_cookie_init(&c, md.items[i].key, md.items[i].value);
		c.max_age = (long)(size * 1000);
		c.now = 1700000000;
		c.samesite = md.items[i].value;
		c.domain = md.items[i].value[0] ? md.items[i].value : NULL;
		if (fl_dump_cookie(a, &c, &out) == FL_OK && !fl_header_value_ok(out))
			abort();
	}
	fl_arena_free(a);
	return 0;
}
