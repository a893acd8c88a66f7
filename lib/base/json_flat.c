/* json_flat.c — the session's flat JSON object without jansson's
 * parser (json_flat.h).  Whatever is not plainly that shape returns false
 * before anything is decided, so jansson stays the judge of the rest. */
#include "base/json_flat.h"

#include <string.h>

#include "base/utf8.h"

/* A string without escapes from p (just past its opening quote): its end
 * (the closing quote), or NULL when it has an escape, a control character,
 * bytes that are not UTF-8 or no end. */
static const char *plain_string(const char *p, const char *end)
{
	const char *s = p;
	bool ascii = true;
	for (; p < end && *p != '"'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == '\\')
			return NULL;
		if (c >= 0x80)
			ascii = false;
	}
	if (p == end || (!ascii && !fl_utf8_valid(s, (size_t)(p - s))))
		return NULL;
	return p;
}

static bool literal(const char **pp, const char *end, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(end - *pp) < n || memcmp(*pp, word, n) != 0)
		return false;
	*pp += n;
	return true;
}

/* -?(0|[1-9][0-9]*) of at most 18 digits (no overflow possible), not
 * followed by a fraction or an exponent. */
static json_t *small_integer(const char **pp, const char *end)
{
	const char *p = *pp;
	bool neg = p < end && *p == '-';
	p += neg;
	const char *digits = p;
	json_int_t v = 0;
	while (p < end && *p >= '0' && *p <= '9' && p - digits < 19)
		v = v * 10 + (*p++ - '0');
	size_t n = (size_t)(p - digits);
	if (!n || n > 18 || (n > 1 && *digits == '0'))
		return NULL;
	if (p < end && (*p == '.' || *p == 'e' || *p == 'E' || (*p >= '0' && *p <= '9')))
		return NULL;
	*pp = p;
	return json_integer(neg ? -v : v);
}

static json_t *value(const char **pp, const char *end)
{
	const char *p = *pp;
	if (p == end)
		return NULL;
	if (*p == '"') {
		const char *q = plain_string(p + 1, end);
		if (!q)
			return NULL;
		*pp = q + 1;
		return json_stringn_nocheck(p + 1, (size_t)(q - p - 1));
	}
	if (literal(pp, end, "true"))
		return json_true();
	if (literal(pp, end, "false"))
		return json_false();
	if (literal(pp, end, "null"))
		return json_null();
	return small_integer(pp, end);
}

bool fl_json_loads_flat(const char *text, size_t len, json_t **out)
{
	const char *p = text, *end = text + len;
	if (len < 2 || *p != '{')
		return false;
	json_t *o = json_object();
	if (!o)
		return false;
	p++;
	if (*p == '}') {
		p++;
	} else {
		for (;;) {
			if (p == end || *p != '"')
				goto other;
			const char *k = p + 1, *kend = plain_string(k, end);
			if (!kend || kend + 1 == end || kend[1] != ':')
				goto other;
			p = kend + 2;
			json_t *v = value(&p, end);
			if (!v)
				goto other;
			if (json_object_setn_new_nocheck(o, k, (size_t)(kend - k), v))
				goto other;
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			if (p < end && *p == '}') {
				p++;
				break;
			}
			goto other;
		}
	}
	if (p != end)
		goto other;
	*out = o;
	return true;
other:
	json_decref(o);
	return false;
}
