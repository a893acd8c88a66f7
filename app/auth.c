/* auth.c — Flasky's user lookup for API tokens.  See auth.h. */
#include "app/auth.h"

#include "app/models.h"

/* The user id `s` spells in canonical decimal ("7", not "07", "+7" or
 * " 7"), or 0 when it spells none. */
static long long parse_id(const char *s)
{
	long long id;
	return s && s[0] != '0' && fl_parse_decimal(s, false, &id) ? id : 0;
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
