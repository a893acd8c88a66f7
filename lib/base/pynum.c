/* pynum.c — Python's int(), float() and str(float) for text input.  See
 * pynum.h. */
#include "base/pynum.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/pyrepr.h"

static int is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

int fl_parse_int(const char *s, long long *out)
{
	if (!s)
		return 0;
	while (is_space((unsigned char)*s))
		s++;
	int neg = 0;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!isdigit((unsigned char)*s))
		return 0;
	/* Accumulate negatively so LLONG_MIN parses without overflow. */
	long long v = 0;
	for (; *s; s++) {
		if (*s == '_' && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[-1]))
			continue;
		if (!isdigit((unsigned char)*s))
			break;
		int d = *s - '0';
		if (v < (LLONG_MIN + d) / 10)
			return 0;
		v = v * 10 - d;
	}
	while (is_space((unsigned char)*s))
		s++;
	if (*s)
		return 0;
	if (!neg && v == LLONG_MIN)
		return 0;
	*out = neg ? v : -v;
	return 1;
}

int fl_parse_decimal(const char *s, bool allow_minus, long long *out)
{
	if (!s)
		return 0;
	int neg = allow_minus && *s == '-';
	if (neg)
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	/* Accumulate negatively so LLONG_MIN parses without overflow. */
	long long v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		int d = *s - '0';
		if (v < (LLONG_MIN + d) / 10)
			return 0;
		v = v * 10 - d;
	}
	if (*s || (!neg && v == LLONG_MIN))
		return 0;
	*out = neg ? v : -v;
	return 1;
}

/* The case-insensitive words Python's float() accepts besides numbers. */
static int is_float_word(const char *s)
{
	static const char *const words[] = { "inf", "infinity", "nan", NULL };
	if (*s == '+' || *s == '-')
		s++;
	for (size_t i = 0; words[i]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	return 0;
}

/* Python float() syntax: [sign] (digits [. digits] | . digits) [e [sign] digits],
 * with single underscores only between digits.  Copies the number without
 * underscores into `buf` (size `n`); 0 when it is not that syntax. */
static int float_syntax(const char *s, size_t len, char *buf, size_t n)
{
	size_t o = 0, i = 0, digits = 0;
	int seen_dot = 0, seen_e = 0;
	if (len + 1 > n)
		return 0;
	if (s[i] == '+' || s[i] == '-')
		buf[o++] = s[i++];
	for (; i < len; i++) {
		char c = s[i];
		if (isdigit((unsigned char)c)) {
			digits++;
		} else if (c == '_') {
			if (i == 0 || i + 1 >= len || !isdigit((unsigned char)s[i - 1]) ||
			    !isdigit((unsigned char)s[i + 1]))
				return 0;
			continue;
		} else if (c == '.' && !seen_dot && !seen_e) {
			seen_dot = 1;
		} else if ((c == 'e' || c == 'E') && !seen_e && digits) {
			seen_e = 1;
			digits = 0;
			buf[o++] = c;
			if (i + 1 < len && (s[i + 1] == '+' || s[i + 1] == '-'))
				buf[o++] = s[++i];
			continue;
		} else {
			return 0;
		}
		buf[o++] = c;
	}
	buf[o] = '\0';
	return digits > 0;
}

int fl_parse_float(const char *s, double *out)
{
	if (!s)
		return 0;
	while (is_space((unsigned char)*s))
		s++;
	size_t len = strlen(s);
	while (len && is_space((unsigned char)s[len - 1]))
		len--;
	char buf[512];
	if (len == 0 || len >= sizeof buf)
		return 0;
	if (!float_syntax(s, len, buf, sizeof buf)) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (!is_float_word(buf))
			return 0;
	}
	/* Python gives inf for 1e999, so ERANGE is not an error here. */
	char *end;
	double v = strtod(buf, &end);
	if (*end)
		return 0;
	*out = v;
	return 1;
}

const char *fl_format_float(fl_arena *a, double x)
{
	fl_buf b;
	fl_buf_init(&b, a);
	fl_float_repr(&b, x);
	return fl_buf_cstr(&b);
}
