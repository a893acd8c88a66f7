/* test_resource.c — the flask-restful layer: method dispatch (405 + Allow,
 * 415 for non-JSON bodies, the guard before the body checks) and
 * reqparse-style validation (422 naming the field). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "web/ctx.h"
#include "web/ctx_internal.h"   /* the abort message, to check it */
#include "web/helpers.h"
#include "web/resource.h"
#include "arena_fixture.h"

static fl_ctx *ctx;
static int ran;

static fl_ctx *make_ctx(fl_method m, const char *mimetype, const char *json)
{
	ctx = fl_ctx_new(NULL, arena);
	ctx->req.arena = arena;
	ctx->req.method = m;
	ctx->req.method_name = fl_method_names[m];
	ctx->req.mimetype = mimetype;
	ctx->req.json = json ? json_loads(json, JSON_DECODE_ANY, NULL) : NULL;
	ran = 0;
	return ctx;
}

static int handler(fl_ctx *c) { ran++; return 0; }
static int deny(fl_ctx *c) { return fl_abort(c, 401, "no"); }

static const fl_resource list = { .get = handler, .post = handler };
static const fl_resource guarded = { .get = handler, .put = handler, .delete_ = handler,
	.guard = deny, .guard_methods = FL_M_PUT | FL_M_DELETE };

static void test_dispatch(void **state)
{
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_GET, "", NULL), &list), 0);
	assert_int_equal(ran, 1);
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_HEAD, "", NULL), &list), 0);
	assert_int_equal(ran, 1);
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_POST, "application/json", "{}"), &list), 0);
	assert_int_equal(ran, 1);
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_POST, "application/problem+json", "{}"),
		&list), 0);
	/* 405 with Allow */
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_DELETE, "", NULL), &list), 405);
	assert_int_equal(ran, 0);
	const char *allow = fl_response_get_header(&ctx->resp, "Allow");
	assert_non_null(allow);
	assert_non_null(strstr(allow, "GET"));
	assert_non_null(strstr(allow, "POST"));
	assert_null(strstr(allow, "DELETE"));
	/* 415: not JSON; 400: JSON type, no body */
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_POST, "text/plain", NULL), &list), 415);
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_POST, "", NULL), &list), 415);
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_POST, "application/x-www-form-urlencoded",
		NULL), &list), 415);
	/* werkzeug's is_json takes "application/+json" (the request parses it): so do we */
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_POST, "application/+json", "{}"), &list),
		0);
	assert_int_equal(ran, 1);
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_POST, "text/json", "{}"), &list), 415);
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_POST, "application/json", NULL), &list),
		400);
	assert_int_equal(ran, 0);
	/* the guard runs first, only for its methods */
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_PUT, "text/plain", NULL), &guarded), 401);
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_DELETE, "", NULL), &guarded), 401);
	assert_int_equal(fl_dispatch_resource(make_ctx(FL_GET, "", NULL), &guarded), 0);
	assert_int_equal(ran, 1);
}

static const fl_arg args[] = {
	{ .name = "s_name", .type = FL_ARG_STRING, .required = 1, .max_length = 4, .nonempty = 1 },
	{ .name = "s_age", .type = FL_ARG_INTEGER, .has_min = 1, .min = 0 },
	{ .name = "s_score", .type = FL_ARG_NUMBER, .has_max = 1, .max = 100 },
	{ .name = "ok", .type = FL_ARG_BOOLEAN },
	FL_ARGS_END,
};

static void expect(const char *body, int partial, int status, const char *field)
{
	json_t *out;
	fl_ctx *c = make_ctx(FL_POST, "application/json", body);
	int s = fl_parse_args(c, args, partial, &out);
	if (s != status)
		print_error("%s: got %d, want %d\n", body, s, status);
	assert_int_equal(s, status);
	if (field) {
		const char *message = fl_state(c)->abort_message;
		assert_non_null(message);
		assert_int_equal(strncmp(message, field, strlen(field)), 0);
	}
}

static void test_parse(void **state)
{
	json_t *out;
	fl_ctx *c = make_ctx(FL_POST, "application/json",
		"{\"s_name\": \"\xe5\xad\xa6\xe5\xad\xa6" "ab\", \"s_age\": 0, \"s_score\": 99.5, "
		"\"extra\": 1, \"ok\": true}");
	assert_int_equal(fl_parse_args(c, args, 0, &out), 0);
	assert_int_equal(json_object_size(out), 4);      /* "extra" dropped */
	assert_null(json_object_get(out, "extra"));
	assert_int_equal(json_integer_value(json_object_get(out, "s_age")), 0);

	expect("{}", 0, 422, "s_name");
	expect("{}", 1, 0, NULL);                    /* partial: nothing required */
	expect("{\"s_name\": null}", 0, 422, "s_name");
	expect("{\"s_name\": null}", 1, 422, "s_name");
	expect("{\"s_name\": \"\"}", 0, 422, "s_name");
	expect("{\"s_name\": \" \"}", 0, 422, "s_name");
	/* blank is str.isspace() for every character (U+3000, U+00A0, VT, U+001C) */
	expect("{\"s_name\": \"\\u3000\\u00a0\\u000b\\u001c\"}", 0, 422, "s_name");
	expect("{\"s_name\": \"\\u200b\"}", 0, 0, NULL);   /* ZERO WIDTH SPACE is not */
	expect("{\"s_name\": \"abcde\"}", 0, 422, "s_name");
	expect("{\"s_name\": 5}", 0, 422, "s_name");
	expect("{\"s_name\": \"a\", \"s_age\": -1}", 0, 422, "s_age");
	expect("{\"s_name\": \"a\", \"s_age\": 1.0}", 0, 422, "s_age");
	expect("{\"s_name\": \"a\", \"s_age\": \"1\"}", 0, 422, "s_age");
	expect("{\"s_name\": \"a\", \"s_age\": false}", 0, 422, "s_age");
	expect("{\"s_name\": \"a\", \"s_score\": 100.5}", 0, 422, "s_score");
	expect("{\"s_name\": \"a\", \"s_score\": {}}", 0, 422, "s_score");
	expect("{\"s_name\": \"a\", \"s_score\": 7}", 0, 0, NULL);
	expect("{\"s_name\": \"a\", \"ok\": 1}", 0, 422, "ok");
	expect("[1]", 0, 400, NULL);
	expect("\"x\"", 0, 400, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dispatch, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_parse, arena_setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
