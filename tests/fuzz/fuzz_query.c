/* fuzz_query.c — query strings through fl_parse_urlencoded, plus a round
 * trip: whatever parses must re-encode (fl_url_encode) and parse back to
 * the same pairs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/formparser.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_arena *a = fl_arena_new(0);
	fl_multidict md, back;
	fl_buf b;

	fl_multidict_init(&md, a);
	if (fl_parse_urlencoded(a, (const char *)data, size, 0, &md) == FL_OK) {
		fl_buf_init(&b, a);
		fl_url_encode(&b, &md);
		fl_multidict_init(&back, a);
		if (fl_parse_urlencoded(a, b.data ? b.data : "", b.len, 0, &back) != FL_OK)
			abort();
		for (size_t i = 0; i < back.len; i++) {
			if (i >= md.len || strcmp(back.items[i].key, md.items[i].key) ||
			    back.items[i].value_len != md.items[i].value_len ||
			    memcmp(back.items[i].value, md.items[i].value, md.items[i].value_len))
				abort();
		}
		if (back.len != md.len)
			abort();
	}
	fl_arena_free(a);
	return 0;
}
