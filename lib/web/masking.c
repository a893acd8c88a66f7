/* masking.c — what the development pages (the debugger, debugger_page.c,
 * and the debug toolbar, toolbar_panel.c) hide of a request: one rule for
 * which names are secrets, and a masked copy of a JSON value.  A page a
 * developer may paste into a bug report shows no password, key, token or
 * session cookie. */
#include <string.h>

#include "web/ctx_internal.h"

int fl_app_is_secret_name(fl_ctx *c, const char *name)
{
	if (!name)
		return 0;
	if (fl_config_name_is_secret(name) || strcasestr(name, "csrf") || strcasestr(name, "cookie"))
		return 1;
	const char *session = c->config->session_cookie_name;
	return strcmp(name, session ? session : "session") == 0 ||
		strcmp(name, "remember_token") == 0;   /* Flask-Login's cookie */
}

json_t *fl_app_masked_json(fl_ctx *c, const json_t *v)
{
	if (json_is_object(v)) {
		json_t *o = json_object();
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x)
			json_object_set_new(o, k, fl_app_is_secret_name(c, k) && !json_is_null(x)
				? json_string(FL_CONFIG_MASK) : fl_app_masked_json(c, x));
		return o;
	}
	if (json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			json_array_append_new(a, fl_app_masked_json(c, x));
		return a;
	}
	return v ? json_deep_copy(v) : json_null();
}
