/* auth.c — Flasky's user lookup for API tokens.  See auth.h. */
#include "app/auth.h"

#include <string.h>

#include "app/models.h"

/* Longest id accepted, in digits (fits a signed 64-bit integer). */
#define ID_DIGITS_MAX 18

/* The user id `s` spells in canonical decimal, or 0 when it spells none. */
static long long parse_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > ID_DIGITS_MAX || s[0] == '0' || strspn(s, "0123456789") != n)
		return 0;
	long long id = 0;
	for (size_t i = 0; i < n; i++)
		id = id * 10 + (s[i] - '0');
	return id;
}

int flasky_user_lookup(fl_ctx *c, json_t *jwt_data, json_t **user)
{
	*user = NULL;
	long long id = parse_id(json_string_value(json_object_get(jwt_data, "sub")));
	if (!id)
		return 0;
	fl_err e = fl_get(fl_get_db(c), c->arena, &User, json_integer(id), user);
	return e ? fl_abort_db(c, e) : 0;
}
