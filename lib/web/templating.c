/* templating.c — render_template and the globals every template sees
 * (Flask's templating.py and its context processors): session, request, g
 * and config as the render's globals; url_for, get_flashed_messages and
 * csrf_token as functions, each bound to the request being rendered; the
 * application's own filters, tests, globals and context processors. */
#include <stdio.h>
#include <string.h>

#include "base/jstring.h"
#include "http/url_memo.h"
#include "web/application.h"
#include "web/ctx_internal.h"
#include "web/debugger.h"
#include "web/sessions.h"
#include "web/templating.h"
#include "web/toolbar.h"
#include "base/clock.h"
#include "base/log.h"

fl_err fl_update_template_context(fl_ctx *c, json_t *context)
{
	const fl_application *app = c->app ? c->app->bp->app : NULL;
	if (!app || !app->context_processors || !app->context_processors[0])
		return FL_OK;
	json_t *extra = json_object();
	for (const fl_context_processor *p = app->context_processors; *p; p++) {
		fl_err e = (*p)(c, extra);
		if (e) {
			fl_error("context processor %zu failed: %s",
				(size_t)(p - app->context_processors), fl_strerror(e));
			json_decref(extra);
			return e;
		}
	}
	const char *k;
	size_t klen;
	json_t *v;
	json_object_keylen_foreach(extra, k, klen, v)
		if (!json_object_getn(context, k, klen))
			json_object_setn_nocheck(context, k, klen, v);
	json_decref(extra);
	return FL_OK;
}

/* The template's `request`, made when a template reads it (fl_tpl_lazy):
 * a layout reads request.blueprint or nothing, and the whole object
 * (headers, args, form, cookies, url…) cost ~15 k instructions a page
 * (issue #20).  The members a page reads alone are answered alone; any
 * other builds the whole object once and answers from it. */
struct lazy_request {
	fl_ctx *c;
	json_t *all;   /* fl_app_request_json, once asked */
};

static json_t *str_or_none(const char *v)
{
	return v ? fl_json_string(v) : json_null();
}

static json_t *request_member(void *ud, const char *name)
{
	struct lazy_request *lr = ud;
	if (name && !lr->all) {
		if (!strcmp(name, "blueprint"))
			return str_or_none(fl_request_blueprint(lr->c));
		if (!strcmp(name, "endpoint"))
			return str_or_none(fl_request_endpoint(lr->c));
	}
	if (!lr->all)
		lr->all = fl_app_request_json(lr->c);  /* dropped after the render */
	if (!name)
		return json_incref(lr->all);
	return json_incref(json_object_get(lr->all, name));
}

fl_err fl_app_render_with_globals(fl_ctx *c, const char *name, const char *source,
	json_t *ctx, fl_buf *out, fl_tpl_error *err)
{
	/* Flask's per-request Jinja globals: every template of the render
	 * sees them, imported ones and includes without context too; ctx
	 * (the view's variables and the context processors') only the page. */
	json_t *globals = json_object();
	json_object_set_nocheck(globals, "session", fl_get_session(c));
	struct lazy_request *lr = fl_arena_alloc(c->arena, sizeof *lr);
	*lr = (struct lazy_request){ c, NULL };
	json_object_set_new_nocheck(globals, "request", fl_tpl_lazy(request_member, lr));
	json_object_set_nocheck(globals, "g", c->g);
	json_object_set_nocheck(globals, "config", c->config->json);
	/* the debug toolbar's Templates panel (web/toolbar.h) */
	long long t0 = fl_toolbar_collecting(c) ? fl_monotonic_us() : 0;
	fl_err e = name
		? fl_tpl_render_ex(c->app->templates, name, globals, ctx, c, c->arena, out, err)
		: fl_tpl_render_string_ex(c->app->templates, source, globals, ctx, c, c->arena, out,
			err);
	/* config lives on the heap for the whole process: drop the request's
	 * reference so its count does not grow with every page. */
	json_object_del(globals, "config");
	json_decref(globals);
	/* the members read hold their own references; a request object kept
	 * past the render builds the whole again when read */
	json_decref(lr->all);
	lr->all = NULL;
	if (t0)
		fl_toolbar_template_rendered(c, name, t0);
	return e;
}

int fl_render(fl_ctx *c, int status, const char *name, json_t *context)
{
	json_t *ctx = context ? context : json_object();
	if (fl_update_template_context(c, ctx))
		return fl_abort(c, 500, NULL);
	fl_buf out;
	fl_tpl_error err;
	fl_buf_init(&out, c->arena);
	fl_err e = fl_app_render_with_globals(c, name, NULL, ctx, &out, &err);
	if (e) {
		fl_error("template %s:%d:%d: %s", err.file, err.line, err.column, err.message);
		if (fl_debugger_enabled())
			fl_debugger_note_template(c, &err);
		return fl_abort(c, 500, NULL);
	}
	fl_app_take_body(c, status, "text/html; charset=utf-8", &out);
	return 0;
}

static json_t *tpl_url_for(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	fl_ctx *c = ud;
	if (!c) {
		snprintf(err->message, sizeof err->message, "url_for() needs a request context");
		return NULL;
	}
	json_t *ep = json_array_get(args, 0);
	if (!json_is_string(ep)) {
		snprintf(err->message, sizeof err->message, "url_for() needs an endpoint name");
		fl_app_fail(c, "template: %s", err->message);
		return NULL;
	}
	char why[256];
	json_t *url = fl_app_build_url_json(c, a, json_string_value(ep), kwargs, why, sizeof why);
	if (!url) {
		snprintf(err->message, sizeof err->message, "%s", why);
		/* Like Flask's BuildError: the page fails even if whoever
		 * rendered it (a view ignoring fl_render's status, a mail body)
		 * goes on as if nothing happened. */
		fl_app_fail(c, "url_for in a template: %s", why);
		return NULL;
	}
	return url;
}

/* url_for's memo stamp (fl_tpl_env_memo_function): a call with literal
 * arguments gives the same URL for the same mount, since the URL map is
 * fixed once the process starts — the calls the URL memo keeps (no
 * _external, whose host is the request's; string and integer values). */
static const char *url_for_stamp(void *ud, json_t *args, json_t *kwargs)
{
	fl_ctx *c = ud;
	if (!c)
		return NULL;
	const char *mount = fl_app_script_name(c);
	if (args) {
		char key[FL_URL_MEMO_KEY_MAX];
		json_t *ep = json_array_get(args, 0);
		if (json_array_size(args) != 1 || !json_is_string(ep) ||
		    !fl_url_memo_key(key, mount, json_string_value(ep), kwargs))
			return NULL;
	}
	return mount ? mount : "";
}

static json_t *tpl_get_flashed_messages(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	fl_ctx *c = ud;
	if (!c) {
		snprintf(err->message, sizeof err->message,
			"get_flashed_messages() needs a request context");
		return NULL;
	}
	json_t *wc = json_object_get(kwargs, "with_categories");
	if (!wc)
		wc = json_array_get(args, 0);
	json_t *filter = json_object_get(kwargs, "category_filter");
	json_t *all = fl_get_flashed_messages(c, 1);
	json_t *out = json_array();
	size_t i;
	json_t *pair;
	json_array_foreach(all, i, pair) {
		json_t *cat = json_array_get(pair, 0);
		if (json_is_array(filter) && json_array_size(filter)) {
			int keep = 0;
			size_t k;
			json_t *f;
			json_array_foreach(filter, k, f)
				keep |= json_equal(f, cat);
			if (!keep)
				continue;
		}
		json_array_append(out, (wc && json_is_true(wc)) ? pair : json_array_get(pair, 1));
	}
	return out;
}

static json_t *tpl_csrf_token(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	if (!ud) {
		snprintf(err->message, sizeof err->message, "csrf_token() needs a request context");
		return NULL;
	}
	return fl_json_string(fl_csrf_token(ud));
}

/* The application's filters, tests and globals (application.h), after the
 * built-in globals so that one of the same name replaces them. */
static void register_application(fl_app *app, const fl_application *appl)
{
	for (const fl_template_function *f = appl->template_filters; f && f->name; f++)
		fl_tpl_env_add_filter(app->templates, f->name, f->fn);
	for (const fl_template_function *t = appl->template_tests; t && t->name; t++)
		fl_tpl_env_add_test(app->templates, t->name, t->fn);
	for (const fl_template_global *g = appl->template_globals; g && g->name; g++) {
		if (g->fn) {
			fl_tpl_env_add_function(app->templates, g->name, g->fn);
			continue;
		}
		/* A value shared by every request: made once, copied by the
		 * env, which keeps it until the process ends. */
		fl_arena *prev = fl_json_set_arena(NULL);
		json_t *v = g->value ? g->value(&app->config) : NULL;
		fl_tpl_env_add_global(app->templates, g->name, v);
		json_decref(v);
		fl_json_set_arena(prev);
	}
}

fl_tpl_env *fl_app_new_templates(fl_app *app, const char *first_dir)
{
	char tdir[4096];
	app->template_folder = app->bp->app && app->bp->app->template_folder
		? app->bp->app->template_folder : "templates";
	snprintf(tdir, sizeof tdir, "%s/%s", app->root, app->template_folder);
	app->templates = fl_tpl_env_new(first_dir ? first_dir : tdir, app->config.debug);
	if (!app->templates)
		return NULL;
	if (first_dir)
		fl_tpl_env_add_path(app->templates, tdir);
	/* Extensions first (web/extension.h): the framework's and the
	 * application's own globals then replace theirs of the same name. */
	for (const fl_extension *const *x = app->bp->app ? app->bp->app->extensions : NULL;
	     x && *x; x++)
		(*x)->init_templates(app->templates);
	fl_app_register_template_globals(app);
	return app->templates;
}

void fl_app_register_template_globals(fl_app *app)
{
	fl_tpl_env_add_function(app->templates, "url_for", tpl_url_for);
	fl_tpl_env_memo_function(app->templates, "url_for", url_for_stamp);
	fl_tpl_env_add_function(app->templates, "get_flashed_messages", tpl_get_flashed_messages);
	fl_tpl_env_add_function(app->templates, "csrf_token", tpl_csrf_token);
	if (app->bp && app->bp->app)
		register_application(app, app->bp->app);
}
