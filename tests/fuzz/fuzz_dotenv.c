/* fuzz_dotenv.c — .env files (base/dotenv.h): any bytes parse without a
 * crash, every pair has a non-empty key, and interpolation terminates. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/dotenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_dotenv d;
	if (fl_dotenv_parse((const char *)data, size, "fuzz.env", NULL, &d) != FL_OK)
		return 0;
	for (size_t i = 0; i < d.len; i++)
		if (!d.pairs[i].key || !d.pairs[i].key[0] || d.pairs[i].line < 1)
			abort();
	if (fl_dotenv_interpolate(&d, (int)(size & 1)) != FL_OK)
		abort();
	fl_dotenv_free(&d);
	return 0;
}
