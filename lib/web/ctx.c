/* ctx.c — the request context (Flask's ctx.py and globals.py): making one
 * per request, and reading the request through it.  What a view answers
 * with is helpers.c; the private part of a context is ctx_internal.h. */
#include <string.h>

#include "web/ctx_internal.h"
#include "base/pynum.h"

fl_ctx *fl_ctx_new(fl_app *app, fl_arena *a)
{
	/* Unit tests make contexts without an application. */
	static const fl_config no_config;
	fl_request_state *st = fl_arena_calloc(a, 1, sizeof *st);
	fl_ctx *c = &st->pub;
	c->app = app;
	c->config = app ? &app->config : &no_config;
	c->arena = a;
	fl_response_init(&c->resp, a);
	c->g = json_object();
	return c;
}

const char *fl_get_arg(fl_ctx *c, const char *name) { return fl_multidict_get(&c->req.args, name); }

fl_err fl_get_arg_int(fl_ctx *c, const char *name, long long *out)
{
	const char *s = fl_get_arg(c, name);
	if (!s)
		return FL_ENOTFOUND;
	return fl_parse_decimal(s, true, out) ? FL_OK : FL_EINVAL;
}

long long fl_get_arg_int_or(fl_ctx *c, const char *name, long long default_value)
{
	long long v;
	return fl_get_arg_int(c, name, &v) == FL_OK ? v : default_value;
}

const char *fl_get_form_value(fl_ctx *c, const char *name) { return fl_multidict_get(&c->req.form, name); }
const char *fl_get_cookie(fl_ctx *c, const char *name) { return fl_multidict_get(&c->req.cookies, name); }
const char *fl_get_header(fl_ctx *c, const char *name) { return fl_request_header(&c->req, name); }

const char *fl_get_view_arg(fl_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nview_args; i++)
		if (strcmp(c->view_args[i].name, name) == 0)
			return c->view_args[i].value;
	return NULL;
}

long long fl_get_view_arg_int(fl_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nview_args; i++)
		if (strcmp(c->view_args[i].name, name) == 0)
			return c->view_args[i].number;
	return 0;
}

const char *fl_app_script_name(fl_ctx *c)
{
	return *c->req.script_name ? c->req.script_name : c->app->mount;
}
