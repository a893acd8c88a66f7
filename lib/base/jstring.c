/* jstring.c — jansson strings made with one cheap UTF-8 check (jstring.h). */
#include "base/jstring.h"

#include <string.h>

#include "base/arena.h"
#include "base/hash.h"
#include "base/utf8.h"

json_t *fl_json_stringn(const char *s, size_t len)
{
	if (!s || !fl_utf8_valid(s, len))
		return NULL;
	return json_stringn_nocheck(s, len);
}

json_t *fl_json_string(const char *s)
{
	return s ? fl_json_stringn(s, strlen(s)) : NULL;
}

#define CONST_SLOTS 256   /* a power of two */
#define CONST_MAX 64

static struct { json_t *v; size_t len; } consts[CONST_SLOTS];

json_t *fl_json_string_const(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	if (!s || len > CONST_MAX)
		return fl_json_string(s);
	/* open addressing, a few probes: the table never shrinks */
	uint32_t h = fl_hash_fnv1a(s, len);
	for (unsigned i = 0; i < 4; i++) {
		size_t at = (h + i) & (CONST_SLOTS - 1);
		json_t *v = consts[at].v;
		if (v) {
			if (consts[at].len == len && !memcmp(json_string_value(v), s, len))
				return json_incref(v);
			continue;
		}
		if (!fl_utf8_valid(s, len))
			return NULL;
		fl_arena *was = fl_json_set_arena(NULL);
		v = json_stringn_nocheck(s, len);
		fl_json_set_arena(was);
		if (!v)
			return NULL;
		consts[at].v = v;
		consts[at].len = len;
		return json_incref(v);
	}
	return fl_json_string(s);
}
