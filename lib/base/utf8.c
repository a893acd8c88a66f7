/* utf8.c — strict UTF-8 validation (RFC 3629) and code-point counts.
 * See utf8.h. */
#include "base/utf8.h"

/* Length of the sequence that starts with `c`, or 0 for a byte that cannot
 * start one (continuation bytes, C0/C1 overlong leads, F5..FF). */
static size_t utf8_seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

/* The allowed range of the second byte depends on the lead byte: this is
 * what rules out overlongs (E0, F0), surrogates (ED) and > U+10FFFF (F4). */
static int utf8_second_ok(unsigned char lead, unsigned char c)
{
	unsigned char lo = 0x80, hi = 0xBF;

	if (lead == 0xE0)
		lo = 0xA0;
	else if (lead == 0xED)
		hi = 0x9F;
	else if (lead == 0xF0)
		lo = 0x90;
	else if (lead == 0xF4)
		hi = 0x8F;
	return c >= lo && c <= hi;
}

bool fl_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t len = utf8_seq_len(p[i]);

		if (len == 0 || len > n - i)
			return false;
		if (len > 1 && !utf8_second_ok(p[i], p[i + 1]))
			return false;
		for (size_t k = 2; k < len; k++)
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

size_t fl_utf8_length(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if ((*p & 0xc0) != 0x80)
			n++;
	return n;
}

