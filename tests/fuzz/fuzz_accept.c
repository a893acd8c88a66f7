/* fuzz_accept.c — Accept headers (werkzeug's MIMEAccept): parsing never
 * fails, every quality is within 0..1, and matching agrees with quality. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/accept.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_arena *a = fl_arena_new(0);
	char *header = fl_arena_alloc(a, size + 1);
	memcpy(header, data, size);
	header[size] = '\0';
	fl_accept acc;
	fl_parse_accept(a, header, &acc);
	static const char *const types[] = { "application/json", "text/html", "*/*", "text/*" };
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		double q = fl_accept_quality(&acc, types[i]);
		if (q < 0 || q > 1)
			abort();
		if (fl_accept_mimetype(&acc, types[i]) != (q > 0))
			abort();
	}
	const char *best = fl_accept_best_match(&acc, types, 2, NULL);
	if (best && best != types[0] && best != types[1])
		abort();
	fl_arena_free(a);
	return 0;
}
