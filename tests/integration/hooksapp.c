/* hooksapp — a test-only blueprint (and application) for
 * tests/integration/test_hooks.py: every extension point of issue 15's
 * first part — several request hooks per phase on the blueprint and on the
 * application, a before_request hook that answers, error handlers of both,
 * fl_wants_json, and Flask-Login-like login.  The Makefile builds it to
 * $(BUILD)/tests/integration/hooksapp; the test mounts it alone.
 *
 * Hooks (each appends its name to g.order, or to the X-After header):
 *   before_request: application "app"; blueprint "bp1" (answers GET
 *   /guarded with a redirect, aborts /hook_abort with 403), "bp2" (sets
 *   X-Before-2), and the blueprint's before_app_request "bpapp" (after
 *   the application's own: "app,bpapp,bp1,bp2").  after_request:
 *   blueprint "bp", application "app1", "app2", the blueprint's
 *   after_app_request "bpapp" (X-After, so "bp,bpapp,app2,app1").
 *   teardown_request: the same names and order; the last one logs
 *   "hooksapp teardown PATH order=... failed=N".
 *
 * Error handlers:
 *   blueprint: 404 (HTML through fl_render, or JSON when fl_wants_json),
 *   405 (sets a bogus Allow), 403 (fl_render), 409 (fails: returns 1),
 *   410 (crashes), 418 (returns 0 without a response);
 *   the blueprint's app_error_handlers: 402, 400 (never chosen: the
 *   application's own comes first);
 *   application: 404 (never chosen: the blueprint's wins), 400, 413, 500,
 *   FL_ANY_ERROR (JSON {code, name, description}; sets bogus Allow,
 *   WWW-Authenticate and Retry-After, which must not replace those the
 *   error carried).
 *
 * Views:
 *   GET /                 "index"
 *   GET /order            g.order when the view runs
 *   GET /guarded          never runs: the hook answers
 *   GET /hook_abort       never runs: the hook aborts 403
 *   GET|POST /form        CSRF-protected POST (400, 413 before that)
 *   GET /forbidden        abort(403, "members only")
 *   GET /abort/<int:code> abort(code); 401 with WWW-Authenticate, 429 and
 *                         503 with Retry-After: 120
 *   GET /segv             a crash
 *   GET /login            ?as=ID: fl_login_user, then redirect to
 *                         fl_next_url or /; else "login page next=... flashes=..."
 *   GET /logout           fl_logout_user
 *   GET /secret           FL_ROUTE_LOGIN_REQUIRED: "secret for NAME"
 *   GET /secret_call      the same by calling fl_unauthorized
 * Users (user_loader): "1" alice, "2" a database error (503), others gone.
 */
#include <stdint.h>
#include <string.h>

#include "flagon.h"

/* ---- hooks ---- */

static void note(fl_ctx *c, const char *key, const char *name)
{
	json_t *a = json_object_get(c->g, key);
	if (!a) {
		a = json_array();
		json_object_set_new(c->g, key, a);
	}
	json_array_append_new(a, json_string(name));
}

static const char *joined(fl_ctx *c, const char *key)
{
	json_t *a = json_object_get(c->g, key);
	fl_buf b;
	fl_buf_init(&b, c->arena);
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) {
		if (i)
			fl_buf_putc(&b, ',');
		fl_buf_puts(&b, json_string_value(v));
	}
	return fl_buf_cstr(&b);
}

static int endpoint_is(fl_ctx *c, const char *name)
{
	return c->route && strcmp(c->route->endpoint, name) == 0;
}

static int app_before(fl_ctx *c)
{
	note(c, "order", "app");
	return 0;
}

static void deferred(fl_ctx *c, void *ud)
{
	fl_warning("hooksapp deferred %s", c->req.path);
}

static int bp_before_1(fl_ctx *c)
{
	note(c, "order", "bp1");
	if (endpoint_is(c, "guarded")) {
		json_object_set_new(fl_get_session(c), "seen_guard", json_true());
		fl_defer(c, deferred, NULL);
		const char *index = fl_url_for(c, ".index", NULL);
		return fl_redirect(c, fl_arena_printf(c->arena, "%s?from=guarded", index), 0);
	}
	if (endpoint_is(c, "hook_abort"))
		return fl_abort(c, 403, "hook says no");
	return 0;
}

static int bp_before_2(fl_ctx *c)
{
	note(c, "order", "bp2");
	fl_set_header(c, "X-Before-2", "ran");
	return 0;
}

static void add_after(fl_ctx *c, const char *name)
{
	const char *was = fl_response_get_header(&c->resp, "X-After");
	fl_set_header(c, "X-After", was ? fl_arena_printf(c->arena, "%s,%s", was, name) : name);
}

static void bp_after(fl_ctx *c) { add_after(c, "bp"); }
static void app_after_1(fl_ctx *c) { add_after(c, "app1"); }
static void app_after_2(fl_ctx *c) { add_after(c, "app2"); }

static void bp_teardown(fl_ctx *c, int failed) { note(c, "teardown", "bp"); }

/* What the blueprint registers for the whole application (Flask's
 * before_app_request & co.): after the application's own. */
static int bp_app_before(fl_ctx *c)
{
	note(c, "order", "bpapp");
	return 0;
}

static void bp_app_after(fl_ctx *c) { add_after(c, "bpapp"); }
static void bp_app_teardown(fl_ctx *c, int failed) { note(c, "teardown", "bpapp"); }
static void app_teardown_2(fl_ctx *c, int failed) { note(c, "teardown", "app2"); }

static void app_teardown_1(fl_ctx *c, int failed)
{
	note(c, "teardown", "app1");
	fl_warning("hooksapp teardown %s order=%s failed=%d", c->req.path, joined(c, "teardown"),
		failed);
}

/* ---- error handlers ---- */

static int render_error(fl_ctx *c, const fl_http_error *e, const char *title)
{
	return fl_render(c, e->code, "error.html", json_pack("{s:i, s:s, s:s}", "code", e->code,
		"title", title, "message", e->description));
}

static int bp_not_found(fl_ctx *c, const fl_http_error *e)
{
	if (fl_wants_json(c))
		return fl_jsonify(c, e->code, json_pack("{s:s, s:s}", "error", "not found",
			"handler", "bp-404"));
	return render_error(c, e, "Custom 404: Page Not Found");
}

static int bp_method_not_allowed(fl_ctx *c, const fl_http_error *e)
{
	fl_set_header(c, "Allow", "BOGUS");
	return fl_text(c, e->code, NULL, "custom 405");
}

static int bp_forbidden(fl_ctx *c, const fl_http_error *e)
{
	return render_error(c, e, "Custom 403");
}

static int bp_failing(fl_ctx *c, const fl_http_error *e)
{
	fl_text(c, 200, NULL, "half a page");
	return 1;
}

static int bp_crashing(fl_ctx *c, const fl_http_error *e)
{
	volatile int *volatile p = (volatile int *)(uintptr_t)64;
	*p = 42;
	return fl_text(c, 200, NULL, "unreachable");
}

static int bp_nothing(fl_ctx *c, const fl_http_error *e)
{
	return 0;
}

static int app_not_found(fl_ctx *c, const fl_http_error *e)
{
	return fl_text(c, 404, NULL, "the application's 404 handler");
}

static int app_bad_request(fl_ctx *c, const fl_http_error *e)
{
	return fl_text(c, e->code, NULL, fl_arena_printf(c->arena, "custom 400: %s",
		e->description));
}

static int app_too_large(fl_ctx *c, const fl_http_error *e)
{
	return fl_text(c, e->code, NULL, fl_arena_printf(c->arena, "custom 413: %s",
		e->description));
}

static int app_server_error(fl_ctx *c, const fl_http_error *e)
{
	return fl_text(c, e->code, NULL, "custom 500");
}

static int app_any(fl_ctx *c, const fl_http_error *e)
{
	fl_set_header(c, "Allow", "BOGUS");
	fl_set_header(c, "WWW-Authenticate", "Bogus");
	fl_set_header(c, "Retry-After", "1");
	return fl_jsonify(c, e->code, json_pack("{s:i, s:s, s:s}", "code", e->code,
		"name", e->name, "description", e->description));
}

/* app_errorhandler(402) of the blueprint: chosen before the application's
 * FL_ANY_ERROR; its 400 never is (the application's own 400 comes first). */
static int bp_app_payment(fl_ctx *c, const fl_http_error *e)
{
	return fl_text(c, e->code, NULL, "the blueprint's app_errorhandler(402)");
}

static int bp_app_bad_request(fl_ctx *c, const fl_http_error *e)
{
	return fl_text(c, e->code, NULL, "never: the application's own 400 comes first");
}

static const fl_error_handler bp_app_errors[] = {
	{ 400, bp_app_bad_request },
	{ 402, bp_app_payment },
	FL_ERROR_HANDLERS_END,
};

/* ---- login ---- */

static int load_user(fl_ctx *c, const char *user_id, json_t **user)
{
	*user = NULL;
	if (strcmp(user_id, "1") == 0)
		*user = json_pack("{s:s, s:s}", "id", "1", "name", "alice");
	else if (strcmp(user_id, "2") == 0)
		return fl_abort(c, 503, "the users table is missing");
	return 0;
}

/* ---- views ---- */

static int index_view(fl_ctx *c)
{
	return fl_text(c, 200, NULL, "index");
}

static int order_view(fl_ctx *c)
{
	return fl_text(c, 200, NULL, joined(c, "order"));
}

static int never_view(fl_ctx *c)
{
	fl_warning("hooksapp: a view the hooks answer ran");
	return fl_text(c, 200, NULL, "the view ran");
}

static int form_view(fl_ctx *c)
{
	if (c->req.method == FL_POST)
		return fl_text(c, 200, NULL, "posted");
	return fl_text(c, 200, NULL, fl_csrf_token(c));
}

static int forbidden_view(fl_ctx *c)
{
	return fl_abort(c, 403, "members only");
}

static int abort_view(fl_ctx *c)
{
	int code = (int)fl_get_view_arg_int(c, "code");
	if (code == 401)
		fl_set_header(c, "WWW-Authenticate", "Basic realm=\"hooks\"");
	if (code == 429 || code == 503)
		return fl_abort_retry_after(c, code, 120, NULL);
	return code >= 400 && code <= 599 ? fl_abort(c, code, NULL) : fl_abort(c, 404, NULL);
}

static int segv_view(fl_ctx *c)
{
	volatile int *volatile p = (volatile int *)(uintptr_t)64;
	*p = 42;
	return fl_text(c, 200, NULL, "unreachable");
}

static int login_view(fl_ctx *c)
{
	const char *as = fl_get_arg(c, "as");
	const char *next = fl_next_url(c);
	if (as) {
		if (fl_login_user(c, as))
			return fl_abort(c, 400, "bad user id");
		return fl_redirect(c, next ? next : fl_url_for(c, ".index", NULL), 0);
	}
	json_t *flashes = fl_get_flashed_messages(c, 1);
	char *f = json_dumps(flashes, JSON_COMPACT);
	return fl_text(c, 200, NULL, fl_arena_printf(c->arena, "login page next=%s flashes=%s",
		next ? next : "-", f ? f : "?"));
}

static int logout_view(fl_ctx *c)
{
	fl_logout_user(c);
	return fl_text(c, 200, NULL, fl_current_user(c) ? "still here" : "logged out");
}

static int secret_view(fl_ctx *c)
{
	json_t *user = fl_current_user(c);
	return fl_text(c, 200, NULL, fl_arena_printf(c->arena, "secret for %s",
		json_string_value(json_object_get(user, "name"))));
}

static int secret_call_view(fl_ctx *c)
{
	if (!fl_current_user(c))
		return fl_unauthorized(c);
	return secret_view(c);
}

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET, index_view, 0 },
	{ "/order", "order", FL_M_GET, order_view, 0 },
	{ "/guarded", "guarded", FL_M_GET, never_view, 0 },
	{ "/hook_abort", "hook_abort", FL_M_GET, never_view, 0 },
	{ "/form", "form", FL_M_GET | FL_M_POST, form_view, 0 },
	{ "/forbidden", "forbidden", FL_M_GET, forbidden_view, 0 },
	{ "/abort/<int:code>", "abort", FL_M_GET, abort_view, 0 },
	{ "/segv", "segv", FL_M_GET, segv_view, 0 },
	{ "/login", "login", FL_M_GET, login_view, 0 },
	{ "/logout", "logout", FL_M_GET, logout_view, 0 },
	{ "/secret", "secret", FL_M_GET, secret_view, FL_ROUTE_LOGIN_REQUIRED },
	{ "/secret_call", "secret_call", FL_M_GET, secret_call_view, 0 },
	FL_ROUTES_END,
};

static const fl_error_handler app_errors[] = {
	{ FL_ANY_ERROR, app_any },
	{ 404, app_not_found },
	{ 400, app_bad_request },
	{ 413, app_too_large },
	{ 500, app_server_error },
	FL_ERROR_HANDLERS_END,
};

static const fl_application hooks_application = {
	.name = "hooksapp",
	.before_request = FL_HOOKS(app_before),
	.after_request = FL_HOOKS(app_after_1, app_after_2),
	.teardown_request = FL_HOOKS(app_teardown_1, app_teardown_2),
	.error_handlers = app_errors,
	.login_view = "hooksapp.login",
	.user_loader = load_user,
};

static const fl_error_handler bp_errors[] = {
	{ 404, bp_not_found },
	{ 405, bp_method_not_allowed },
	{ 403, bp_forbidden },
	{ 409, bp_failing },
	{ 410, bp_crashing },
	{ 418, bp_nothing },
	FL_ERROR_HANDLERS_END,
};

static const fl_blueprint hooksapp_blueprint = {
	.name = "hooksapp",
	.routes = routes,
	.app = &hooks_application,
	.before_request = FL_HOOKS(bp_before_1, bp_before_2),
	.after_request = FL_HOOKS(bp_after),
	.teardown_request = FL_HOOKS(bp_teardown),
	.error_handlers = bp_errors,
	.before_app_request = FL_HOOKS(bp_app_before),
	.after_app_request = FL_HOOKS(bp_app_after),
	.teardown_app_request = FL_HOOKS(bp_app_teardown),
	.app_error_handlers = bp_app_errors,
};

int main(void)
{
	return fl_run(&hooksapp_blueprint);
}
