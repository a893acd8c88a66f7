/* utf8.c — strict UTF-8 validation (RFC 3629), code-point counts, and the
 * decoding and encoding of one code point.  See utf8.h. */
#include "base/utf8.h"

#include <stdint.h>
#include <string.h>

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

/* Length of the strict UTF-8 sequence at p[i] (i < n), or 0 when there is
 * none (fl_utf8_decode's rules).  Indexed from `p`, not handed p + i, so
 * fl_utf8_valid's loop does no pointer arithmetic per sequence. */
static inline size_t utf8_seq(const unsigned char *p, size_t i, size_t n)
{
	size_t len = utf8_seq_len(p[i]);

	if (len == 0 || len > n - i)
		return 0;
	if (len > 1 && !utf8_second_ok(p[i], p[i + 1]))
		return 0;
	for (size_t k = 2; k < len; k++)
		if ((p[i + k] & 0xC0) != 0x80)
			return 0;
	return len;
}

bool fl_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t len;

		uint64_t w;
		/* most input is ASCII: 8 bytes at a time while no high bit is set */
		if (n - i >= 8 && (memcpy(&w, p + i, 8), (w & UINT64_C(0x8080808080808080)) == 0)) {
			i += 8;
			continue;
		}
		if (p[i] < 0x80) {   /* no sequence to check */
			i++;
			continue;
		}
		len = utf8_seq(p, i, n);
		if (len == 0)
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

size_t fl_utf8_count(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

bool fl_unicode_isspace(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20);
	switch (cp) {
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
	case 0x205F: case 0x3000:
		return true;
	default:
		return cp >= 0x2000 && cp <= 0x200A;
	}
}

bool fl_utf8_is_blank(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = fl_utf8_decode(s + i, n - i, &cp);

		if (len == 0 || !fl_unicode_isspace(cp))
			return false;
		i += len;
	}
	return true;
}

size_t fl_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = n ? utf8_seq(p, 0, n) : 0;

	if (len == 0)
		return 0;
	if (cp) {
		/* The lead byte keeps 7, 5, 4 or 3 payload bits; each
		 * continuation byte adds 6. */
		uint32_t v = len == 1 ? p[0] : p[0] & (0x7Fu >> len);
		for (size_t k = 1; k < len; k++)
			v = v << 6 | (p[k] & 0x3Fu);
		*cp = v;
	}
	return len;
}

size_t fl_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp < 0x200000) {
		out[0] = (char)(0xF0 | cp >> 18);
		out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}
