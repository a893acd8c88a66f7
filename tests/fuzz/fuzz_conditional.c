/* fuzz_conditional.c — Range, If-Range, If-Modified-Since, If-None-Match
 * and If-Match headers (werkzeug's make_conditional, as send_file uses
 * it): the answer is one of 200/206/304/412/416, and a 206 range lies
 * inside the resource. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/conditional.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_arena *a = fl_arena_new(0);
	/* Five header values separated by NUL bytes (missing ones: absent). */
	const char *h[5] = { NULL };
	char *copy = fl_arena_alloc(a, size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	char *p = copy, *end = copy + size;
	for (int i = 0; i < 5 && p <= end; i++) {
		h[i] = p;
		p += strlen(p) + 1;
	}
	fl_conditional_request rq = { h[0], h[1], h[2], h[3], h[4] };
	unsigned long long length = size * 37ull;
	fl_conditional_result r;
	fl_make_conditional(&rq, "1700000000.25-12-123456789", 1700000000, length, &r);
	switch (r.status) {
	case 200: case 304: case 412: case 416:
		break;
	case 206:
		if (r.length == 0 || r.start >= length || r.length > length - r.start)
			abort();
		break;
	default:
		abort();
	}
	if (strlen(r.content_range) >= sizeof r.content_range)
		abort();
	fl_arena_free(a);
	return 0;
}
