/* hex.c — hexadecimal and percent-decoding.  See hex.h. */
#include "base/hex.h"

#include "base/utf8.h"

char *fl_hex_encode(char *out, const void *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

int fl_hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

fl_err fl_url_unquote(fl_arena *a, const char *s, size_t n, bool plus,
		      char **out, size_t *outlen)
{
	char *d = fl_arena_alloc(a, n + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%' && n - i >= 3 && fl_hex_value((unsigned char)s[i + 1]) >= 0 &&
		    fl_hex_value((unsigned char)s[i + 2]) >= 0) {
			d[o++] = (char)(fl_hex_value((unsigned char)s[i + 1]) * 16 +
					fl_hex_value((unsigned char)s[i + 2]));
			i += 2;
		} else if (c == '+' && plus) {
			d[o++] = ' ';
		} else {
			d[o++] = (char)c;  /* includes a bad escape, kept as is */
		}
	}
	d[o] = '\0';
	if (!fl_utf8_valid(d, o))
		return FL_EUTF8;
	*out = d;
	if (outlen)
		*outlen = o;
	return FL_OK;
}
