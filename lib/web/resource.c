/* resource.c — flask-restful's Resource dispatch, reqparse-style body
 * validation and the usual answers.  See resource.h. */
#include "web/resource.h"

#include "base/utf8.h"

#include <string.h>

#include "web/ctx_internal.h"
#include "web/db.h"
#include "http/http.h"

int fl_dispatch_resource(fl_ctx *c, const fl_resource *r)
{
	fl_view_fn h = NULL;
	int has_body = 0;
	switch (c->req.method) {
	case FL_GET:
	case FL_HEAD: h = r->get; break;
	case FL_POST: h = r->post; has_body = 1; break;
	case FL_PUT: h = r->put; has_body = 1; break;
	case FL_PATCH: h = r->patch; has_body = 1; break;
	case FL_DELETE: h = r->delete_; break;
	default: break;
	}
	if (!h) {
		unsigned allowed = 0;
		if (r->get)
			allowed |= FL_M_GET | FL_M(FL_HEAD);
		if (r->post)
			allowed |= FL_M_POST;
		if (r->put)
			allowed |= FL_M_PUT;
		if (r->patch)
			allowed |= FL_M_PATCH;
		if (r->delete_)
			allowed |= FL_M_DELETE;
		fl_app_set_allow(c, allowed | FL_M(FL_OPTIONS));
		return fl_abort(c, 405, "The method is not allowed for the requested URL.");
	}
	if (r->guard && (r->guard_methods & FL_M(c->req.method))) {
		int s = r->guard(c);
		if (s)
			return s;
	}
	if (has_body) {
		if (!fl_mimetype_is_json(c->req.mimetype))
			return fl_abort(c, 415, "The request body must be JSON "
				"(Content-Type: application/json).");
		if (!c->req.json)
			return fl_abort(c, 400, "Failed to decode JSON object: the body is empty.");
	}
	return h(c);
}

/* The reason `v` is not a valid `a`, or NULL when it is. */
static const char *check_arg(fl_ctx *c, const fl_arg *a, json_t *v)
{
	switch (a->type) {
	case FL_ARG_STRING:
		if (!json_is_string(v))
			return "must be a string";
		if (a->nonempty && fl_utf8_is_blank(json_string_value(v), json_string_length(v)))
			return "must not be empty";
		if (a->max_length &&
		    fl_utf8_count(json_string_value(v), json_string_length(v)) > a->max_length)
			return fl_arena_printf(c->arena, "must be at most %zu characters long",
				a->max_length);
		return NULL;
	case FL_ARG_INTEGER:
		if (!json_is_integer(v))
			return "must be an integer";
		break;
	case FL_ARG_NUMBER:
		if (!json_is_number(v))
			return "must be a number";
		break;
	case FL_ARG_BOOLEAN:
		return json_is_boolean(v) ? NULL : "must be true or false";
	default:
		return "has an unknown type";
	}
	double d = json_number_value(v);
	if (a->has_min && d < a->min)
		return fl_arena_printf(c->arena, "must be at least %g", a->min);
	if (a->has_max && d > a->max)
		return fl_arena_printf(c->arena, "must be at most %g", a->max);
	return NULL;
}

int fl_parse_args(fl_ctx *c, const fl_arg *args, int partial, json_t **out)
{
	json_t *body = c->req.json;
	*out = json_object();
	if (!json_is_object(body))
		return fl_abort(c, 400, "The JSON body must be an object.");
	for (const fl_arg *a = args; a->name; a++) {
		json_t *v = json_object_get(body, a->name);
		if (!v || json_is_null(v)) {
			if (a->required && !partial)
				return fl_abort(c, 422, "%s: Missing required parameter", a->name);
			if (v && a->required)   /* partial: null cannot clear a required field */
				return fl_abort(c, 422, "%s: must not be null", a->name);
			continue;
		}
		const char *why = check_arg(c, a, v);
		if (why)
			return fl_abort(c, 422, "%s: %s", a->name, why);
		json_object_set(*out, a->name, v);
	}
	return 0;
}

int fl_respond_created(fl_ctx *c, const char *location, json_t *body)
{
	int s = fl_jsonify(c, 201, body);
	if (!s && location && fl_set_header(c, "Location", location))
		return fl_abort(c, 500, "unusable Location");
	return s;
}

int fl_respond_no_content(fl_ctx *c)
{
	return fl_text(c, 204, "application/json", "");
}

int fl_paginate(fl_ctx *c, fl_query *q, long default_per_page, long max_per_page)
{
	long page, per_page;
	int s = fl_paginate_args(c, default_per_page, &page, &per_page);
	if (s)
		return s;
	fl_pagination p;
	fl_err e = fl_query_paginate(q, page, per_page, max_per_page, &p);
	if (e == FL_ENOTFOUND)
		return fl_abort(c, 404, "Page %ld does not exist.", page);
	if (e)
		return fl_abort_db(c, e);
	return fl_jsonify(c, 200, json_pack("{s:O, s:I, s:I, s:I, s:I}", "items", p.items,
		"page", (json_int_t)p.page, "per_page", (json_int_t)p.per_page,
		"total", (json_int_t)p.total, "pages", (json_int_t)p.pages));
}
