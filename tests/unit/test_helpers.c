/* test_helpers.c — what a view answers with (web/helpers.h) on a context
 * made without an application: responses, redirect (its Location escaped,
 * NULL refused), url_for without an application, abort, defer's bound, and
 * is_safe_url.  A bug in the view (a NULL location or body, a url_for that
 * cannot build) is a 500, never a fault. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "web/ctx.h"
#include "web/ctx_internal.h"   /* failed, abort_message: to check them */
#include "web/helpers.h"

static fl_arena *arena;

static int setup(void **state)
{
	arena = fl_arena_new(0);
	fl_json_set_arena(arena);
	return 0;
}

static int teardown(void **state)
{
	fl_json_set_arena(NULL);
	fl_arena_free(arena);
	return 0;
}

static fl_ctx *get(const char *path)
{
	fl_ctx *c = fl_ctx_new(NULL, arena);
	c->req.arena = arena;
	c->req.method = FL_GET;
	c->req.method_name = "GET";
	c->req.path = path;
	return c;
}

static const char *body(fl_ctx *c)
{
	return fl_arena_strndup(arena, c->resp.body.data ? c->resp.body.data : "", c->resp.body.len);
}

static void test_new_context(void **state)
{
	fl_ctx *c = fl_ctx_new(NULL, arena);
	assert_null(c->app);
	assert_non_null(c->config);
	assert_ptr_equal(c->arena, arena);
	assert_true(json_is_object(c->g));
	assert_int_equal(c->resp.status, 200);
	assert_int_equal(c->resp.nheaders, 0);
	/*pre*/
	assert_null(fl_state(c)->abort_message);
}

static void test_responses(void **state)
{
	fl_ctx *c = get("/");
	assert_int_equal(fl_text(c, 0, NULL, "hi"), 0);
	assert_int_equal(c->resp.status, 200);
	assert_string_equal(body(c), "hi");
	assert_string_equal(fl_response_get_header(&c->resp, "Content-Type"),
		"text/plain; charset=utf-8");
	assert_int_equal(fl_html(c, 201, "<b>x</b>"), 0);
	assert_int_equal(c->resp.status, 201);
	assert_string_equal(fl_response_get_header(&c->resp, "Content-Type"),
		"text/html; charset=utf-8");
	assert_int_equal(fl_jsonify(c, 0, json_pack("{s:i}", "a", 1)), 0);
	assert_string_equal(body(c), "{\"a\":1}\n");
	/*pre*/
}

static void test_null_body_is_500(void **state)
{
	fl_ctx *c = get("/");
	assert_int_equal(fl_text(c, 200, NULL, NULL), 500);
	/*pre*/
	c = get("/");
	assert_int_equal(fl_html(c, 200, NULL), 500);
	/*pre*/
}

static void test_redirect(void **state)
{
	fl_ctx *c = get("/");
	assert_int_equal(fl_redirect(c, "/cgi-bin/main/user/é x", 303), 0);
	assert_int_equal(c->resp.status, 303);
	assert_string_equal(fl_response_get_header(&c->resp, "Location"),
		"/cgi-bin/main/user/%C3%A9%20x");
	assert_non_null(strstr(body(c), "href=\"/cgi-bin/main/user/%C3%A9%20x\""));
	c = get("/");
	assert_int_equal(fl_redirect(c, "/x", 0), 0);
	assert_int_equal(c->resp.status, 302);
	/* Control characters never reach a header. */
	c = get("/");
	assert_int_equal(fl_redirect(c, "/x\r\nSet-Cookie: a=b", 0), 500);
	assert_null(fl_response_get_header(&c->resp, "Location"));
}

static void test_redirect_to_null_is_500(void **state)
{
	fl_ctx *c = get("/");
	assert_int_equal(fl_redirect(c, NULL, 303), 500);
	/*pre*/
	assert_null(fl_response_get_header(&c->resp, "Location"));
}

static void test_url_for_without_an_application(void **state)
{
	fl_ctx *c = get("/");
	assert_null(fl_url_for(c, ".index", NULL));
	/*pre*/
	/* ... and the redirect a view makes of it. */
	c = get("/");
	assert_int_equal(fl_redirect(c, fl_url_for(c, "login", NULL), 0), 500);
	/*pre*/
}

static void test_abort(void **state)
{
	fl_ctx *c = get("/");
	assert_int_equal(fl_abort(c, 404, NULL), 404);
	assert_null(fl_state(c)->abort_message);
	assert_int_equal(fl_abort(c, 422, "%s: bad", "age"), 422);
	assert_string_equal(fl_state(c)->abort_message, "age: bad");
	/*pre*/   /* an answer, not a bug */
}

static void nothing(fl_ctx *c, void *ud) { }

static void test_defer_is_bounded(void **state)
{
	fl_ctx *c = get("/");
	for (int i = 0; i < FL_MAX_DEFERRED; i++)
		assert_int_equal(fl_defer(c, nothing, NULL), FL_OK);
	assert_int_equal(fl_defer(c, nothing, NULL), FL_ETOOLARGE);
	assert_int_equal(fl_state(c)->ndeferred, FL_MAX_DEFERRED);
}

static void test_is_safe_url(void **state)
{
	fl_ctx *c = get("/");
	assert_true(fl_is_safe_url(c, "/cgi-bin/main/"));
	assert_false(fl_is_safe_url(c, NULL));
	assert_false(fl_is_safe_url(c, ""));
	assert_false(fl_is_safe_url(c, "//evil.example/"));
	assert_false(fl_is_safe_url(c, "/\\evil.example/"));
	assert_false(fl_is_safe_url(c, "/x\ny"));
	assert_false(fl_is_safe_url(c, "javascript:alert(1)"));
	/* No Host header: no absolute URL is ours. */
	assert_false(fl_is_safe_url(c, "http://127.0.0.1/x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_responses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_body_is_500, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect_to_null_is_500, setup, teardown),
		cmocka_unit_test_setup_teardown(test_url_for_without_an_application, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defer_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_is_safe_url, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
