/* fuzz_pg_array.c — the PostgreSQL dialect's IN list (data/dialect_pg.c):
 * any list of strings (the input split at '\n'; an element "~" stands for
 * NULL, "#" for the integer 7) is written as one array literal that reads
 * back, by array_in's rules, as exactly those elements — no element can
 * end early, merge with the next or turn into NULL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "data/dialect.h"

/* Read element i of the literal at *p against `want`; abort on mismatch. */
static void expect(const char **p, json_t *want)
{
	const char *s = *p;
	if (json_is_null(want)) {
		if (strncmp(s, "NULL", 4) != 0)
			abort();
		*p = s + 4;
		return;
	}
	if (json_is_integer(want)) {
		if (strncmp(s, "7", 1) != 0)
			abort();
		*p = s + 1;
		return;
	}
	const char *w = json_string_value(want);
	size_t n = json_string_length(want), i = 0;
	if (*s++ != '"')
		abort();
	for (; *s != '"'; s++) {
		if (!*s)
			abort();
		if (*s == '\\')
			s++;
		if (i >= n || *s != w[i++])
			abort();
	}
	if (i != n)
		abort();
	*p = s + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memchr(data, '\0', size))
		return 0;      /* PostgreSQL text holds no NUL: the driver refuses it */
	fl_arena *a = fl_arena_new(0), *old = fl_json_set_arena(a);
	json_t *list = json_array(), *params = json_array();
	const char *s = (const char *)data, *end = s + size;
	while (s <= end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		json_t *v = n == 1 && *s == '~' ? json_null() : n == 1 && *s == '#' ?
			json_integer(7) : json_stringn_nocheck(s, n);
		json_array_append_new(list, v);
		s += n + 1;
	}
	fl_buf b;
	fl_buf_init(&b, a);
	fl_dialect_postgresql.put_in(&b, false, list, params);
	if (strcmp(fl_buf_cstr(&b), " = ANY(?)") != 0 || json_array_size(params) != 1)
		abort();
	const char *p = json_string_value(json_array_get(params, 0));
	if (*p++ != '{')
		abort();
	for (size_t i = 0; i < json_array_size(list); i++) {
		if (i && *p++ != ',')
			abort();
		expect(&p, json_array_get(list, i));
	}
	if (strcmp(p, "}") != 0)
		abort();
	fl_json_set_arena(old);
	fl_arena_free(a);
	return 0;
}
