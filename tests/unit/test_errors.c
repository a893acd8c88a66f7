/* test_errors.c — the error handler lookup (web/errors.h: the blueprint's
 * handler of the code, the application's, then FL_ANY_ERROR in the same
 * order, as Flask's _find_error_handler), werkzeug's descriptions,
 * fl_wants_json on Accept headers, fl_next_url's safety check, the FL_HOOKS
 * arrays, and unauthorized() without a login view (401). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "web/ctx.h"
#include "web/errors.h"
#include "web/hooks.h"
#include "web/login.h"
#include "arena_fixture.h"

static int h_bp_404(fl_ctx *c, const fl_http_error *e) { return 1; }
static int h_bp_any(fl_ctx *c, const fl_http_error *e) { return 2; }
static int h_app_404(fl_ctx *c, const fl_http_error *e) { return 3; }
static int h_app_500(fl_ctx *c, const fl_http_error *e) { return 4; }
static int h_app_any(fl_ctx *c, const fl_http_error *e) { return 5; }
static int h_bp_404_again(fl_ctx *c, const fl_http_error *e) { return 6; }

static void lookup_order(void **state)
{
	const fl_error_handler bp[] = {
		{ 404, h_bp_404 }, { FL_ANY_ERROR, h_bp_any }, { 404, h_bp_404_again },
		FL_ERROR_HANDLERS_END,
	};
	const fl_error_handler app[] = {
		{ FL_ANY_ERROR, h_app_any }, { 404, h_app_404 }, { 500, h_app_500 },
		FL_ERROR_HANDLERS_END,
	};
	const fl_error_handler bp_only_404[] = { { 404, h_bp_404 }, FL_ERROR_HANDLERS_END };
	const fl_error_handler *const apps[] = { app };
	/* the blueprint's own code first, the first entry of it */
	assert_ptr_equal(fl_find_error_handler(bp, apps, 1, 404), h_bp_404);
	/* the application's code before the blueprint's "any" (Flask) */
	assert_ptr_equal(fl_find_error_handler(bp, apps, 1, 500), h_app_500);
	/* then the blueprint's any, then the application's */
	assert_ptr_equal(fl_find_error_handler(bp, apps, 1, 403), h_bp_any);
	assert_ptr_equal(fl_find_error_handler(bp_only_404, apps, 1, 403), h_app_any);
	assert_ptr_equal(fl_find_error_handler(NULL, apps, 1, 404), h_app_404);
	assert_ptr_equal(fl_find_error_handler(bp_only_404, NULL, 0, 404), h_bp_404);
	assert_null(fl_find_error_handler(bp_only_404, NULL, 0, 405));
	assert_null(fl_find_error_handler(NULL, NULL, 0, 404));
	/* the end marker ends the table: nothing after it is seen */
	const fl_error_handler ended[] = { FL_ERROR_HANDLERS_END, { 404, h_bp_404 } };
	assert_null(fl_find_error_handler(ended, NULL, 0, 404));
	/* several application-wide tables (the application's own, then its
	 * blueprints' app_errorhandler ones): a code in any of them, in
	 * order, before the first "any" of any of them */
	const fl_error_handler by_a_blueprint[] = {
		{ 410, h_bp_404_again }, { FL_ANY_ERROR, h_bp_any }, FL_ERROR_HANDLERS_END,
	};
	const fl_error_handler *const wide[] = { NULL, by_a_blueprint, app };
	assert_ptr_equal(fl_find_error_handler(NULL, wide, 3, 410), h_bp_404_again);
	assert_ptr_equal(fl_find_error_handler(NULL, wide, 3, 500), h_app_500);
	assert_ptr_equal(fl_find_error_handler(NULL, wide, 3, 403), h_bp_any);
	assert_ptr_equal(fl_find_error_handler(bp_only_404, wide, 3, 404), h_bp_404);
}

static void descriptions(void **state)
{
	assert_string_equal(fl_http_error_description(404),
		"The requested URL was not found on the server. If you entered the URL manually "
		"please check your spelling and try again.");
	assert_string_equal(fl_http_error_description(418),
		"This server is a teapot, not a coffee machine");
	/* no werkzeug class: the reason phrase */
	assert_string_equal(fl_http_error_description(402), "Unknown");
}

static fl_ctx *with_accept(const char *accept)
{
	fl_ctx *c = fl_ctx_new(NULL, arena);
	char **env = fl_arena_calloc(arena, 2, sizeof *env);
	env[0] = accept ? fl_arena_printf(arena, "HTTP_ACCEPT=%s", accept) : NULL;
	c->req.envp = env;
	c->req.arena = arena;
	return c;
}

static void wants_json(void **state)
{
	assert_true(fl_wants_json(with_accept("application/json")));
	assert_true(fl_wants_json(with_accept("application/json, text/html;q=0")));
	/* "application/any" takes application/xhtml+xml too: werkzeug's accept_html */
	assert_false(fl_wants_json(with_accept("application/*")));
	assert_false(fl_wants_json(with_accept(NULL)));
	assert_false(fl_wants_json(with_accept("*/*")));
	assert_false(fl_wants_json(with_accept("application/json;q=0")));
	assert_false(fl_wants_json(with_accept("application/json, text/html;q=0.1")));
	assert_false(fl_wants_json(with_accept("application/json, application/xml")));
	assert_false(fl_wants_json(with_accept(
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")));
}

static fl_ctx *with_next(const char *next, const char *host)
{
	fl_ctx *c = with_accept(NULL);
	c->req.envp[0] = host ? fl_arena_printf(arena, "HTTP_HOST=%s", host) : NULL;
	fl_multidict_init(&c->req.args, arena);
	fl_multidict_init(&c->req.form, arena);
	if (next)
		fl_multidict_add(&c->req.args, "next", next, strlen(next));
	return c;
}

static void next_url(void **state)
{
	assert_string_equal(fl_next_url(with_next("/cgi-bin/main/secret?x=1", NULL)),
		"/cgi-bin/main/secret?x=1");
	assert_string_equal(fl_next_url(with_next("http://example.org/a", "example.org")),
		"http://example.org/a");
	assert_null(fl_next_url(with_next(NULL, NULL)));
	assert_null(fl_next_url(with_next("", NULL)));
	assert_null(fl_next_url(with_next("//evil.example/", NULL)));
	assert_null(fl_next_url(with_next("/\\evil.example/", NULL)));
	assert_null(fl_next_url(with_next("http://evil.example/", "example.org")));
	assert_null(fl_next_url(with_next("javascript:alert(1)", NULL)));
	/* the form field when there is no query argument */
	fl_ctx *c = with_next(NULL, NULL);
	fl_multidict_add(&c->req.form, "next", "/x", 2);
	assert_string_equal(fl_next_url(c), "/x");
}

static void unauthorized_without_login_view(void **state)
{
	/* No application, so no login_view: abort(401). */
	assert_int_equal(fl_unauthorized(with_accept(NULL)), 401);
}

static int calls;
static int first(fl_ctx *c) { calls = calls * 10 + 1; return 0; }
static int second(fl_ctx *c) { calls = calls * 10 + 2; return 0; }
static const fl_before_request_fn *const hooks = FL_HOOKS(first, second);
static const fl_after_request_fn *const one = FL_HOOKS((fl_after_request_fn)NULL);

static void hooks_arrays(void **state)
{
	size_t n = 0;
	calls = 0;
	for (const fl_before_request_fn *h = hooks; *h; h++, n++)
		assert_int_equal((*h)(NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(calls, 12);
	assert_null(one[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_order),
		cmocka_unit_test(descriptions),
		cmocka_unit_test(wants_json),
		cmocka_unit_test(next_url),
		cmocka_unit_test(unauthorized_without_login_view),
		cmocka_unit_test(hooks_arrays),
	};
	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
