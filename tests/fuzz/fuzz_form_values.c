/* fuzz_form_values.c — what DateField, DateTimeField and DecimalField read
 * from a form (Python's strptime and Decimal): a parsed date is a real
 * date and prints back the way it was read; a parsed decimal parses again
 * to itself and quantizes without failing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form/pytypes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_arena *a = fl_arena_new(0);
	char *s = fl_arena_alloc(a, size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	static const char *const formats[] = { "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%y %%" };
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
		fl_pydt dt;
		if (!fl_pydt_parse(formats[i], s, &dt))
			continue;
		if (dt.month < 1 || dt.month > 12 || dt.day < 1 || dt.day > 31 || dt.hour > 23 ||
		    dt.minute > 59 || dt.second > 59)
			abort();
		if (dt.year < 1000)
			continue;   /* %Y prints no leading zeros, as glibc's strftime */
		fl_pydt again;
		const char *printed = fl_pydt_format(a, formats[i], &dt);
		if (!fl_pydt_parse(formats[i], printed, &again) || memcmp(&dt, &again, sizeof dt))
			abort();
	}
	const char *d = fl_pydec_parse(a, s);
	if (d) {
		const char *d2 = fl_pydec_parse(a, d);
		if (!d2 || strcmp(d, d2))
			abort();
		fl_pydec_is_zero(d);
		if (!fl_pydec_quantize(a, d, 2, FL_ROUND_HALF_UP))
			abort();
	}
	fl_arena_free(a);
	return 0;
}
