/* test_templating.c — what an application adds to its templates
 * (web/application.h, web/templating.c): filters, tests and globals
 * registered at start-up before templates compile, and context processors
 * whose keys reach every template with the view's own keys winning, as in
 * Flask's update_template_context.  On a real server (pages and mail):
 * tests/integration/test_templating.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "web/app_internal.h"
#include "web/application.h"
#include "web/templating.h"
#include "arena_fixture.h"

static int made;  /* how many times a global value was made */

static json_t *f_twice(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	const char *s = json_string_value(json_array_get(args, 0));
	return json_string(fl_arena_printf(a, "%s%s", s ? s : "", s ? s : ""));
}

static json_t *t_long(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	return json_boolean(json_string_length(json_array_get(args, 0)) > 3);
}

/* A global function sees the request (ud) it renders for. */
static json_t *g_path(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	fl_ctx *c = ud;
	return json_string(c ? c->req.path : "(no request)");
}

/* A global value, made once from the configuration. */
static json_t *g_site(const fl_config *cfg)
{
	made++;
	return json_pack("{s:s}", "name", "My Site");
}

static fl_err p_first(fl_ctx *c, json_t *ctx)
{
	json_object_set_new(ctx, "who", json_string("first"));
	json_object_set_new(ctx, "title", json_string("processor"));
	json_object_set_new(ctx, "only_first", json_true());
	return FL_OK;
}

static fl_err p_second(fl_ctx *c, json_t *ctx)
{
	json_object_set_new(ctx, "who", json_string("second"));  /* later wins */
	return FL_OK;
}

static fl_err p_fails(fl_ctx *c, json_t *ctx)
{
	json_object_set_new(ctx, "half", json_true());
	return FL_EINVAL;
}

static const fl_template_function filters[] = {
	{ "twice", f_twice },
	{ "upper", f_twice },   /* shadows the built-in one */
	FL_TEMPLATE_FUNCTIONS_END,
};
static const fl_template_function tests[] = {
	{ "long", t_long },
	FL_TEMPLATE_FUNCTIONS_END,
};
static const fl_template_global globals[] = {
	FL_TEMPLATE_GLOBAL_FUNCTION("request_path", g_path),
	FL_TEMPLATE_GLOBAL_VALUE("site", g_site),
	FL_TEMPLATE_GLOBALS_END,
};
static const fl_context_processor processors[] = { p_first, p_second, NULL };
static const fl_context_processor failing[] = { p_first, p_fails, NULL };

static fl_application application = {
	.name = "test",
	.template_filters = filters,
	.template_tests = tests,
	.template_globals = globals,
	.context_processors = processors,
};
static const fl_blueprint with_app = { .name = "pages", .app = &application };
static const fl_blueprint without_app = { .name = "bare" };

static struct fl_app app;
static char tdir[] = "/tmp/fl_templating_XXXXXX";

static int setup(void **state)
{
	memset(&app, 0, sizeof app);
	app.bp = &with_app;
	app.templates = fl_tpl_env_new(tdir, 0);
	made = 0;
	fl_app_register_template_globals(&app);  /* what start-up does */
	return arena_setup(state);
}

static int teardown(void **state)
{
	int r = arena_teardown(state);
	fl_tpl_env_free(app.templates);
	return r;
}

static const char *render(fl_ctx *c, const char *src, json_t *ctx)
{
	fl_buf b;
	fl_tpl_error err;
	fl_buf_init(&b, arena);
	if (fl_tpl_render_string(app.templates, src, ctx, c, arena, &b, &err))
		fail_msg("%s: %d:%d %s", src, err.line, err.column, err.message);
	return fl_buf_cstr(&b);
}

static void registered_at_start_up(void **state)
{
	fl_ctx *c = fl_ctx_new(&app, arena);
	c->req.path = "/here";
	assert_string_equal(render(c, "{{ 'ab'|twice }} {{ 'ab'|upper }} {{ 'abcd' is long }} "
		"{{ 'ab' is long }} {{ request_path() }} {{ site.name }}", NULL),
		"abab abab True False /here My Site");
	assert_int_equal(made, 1);  /* once per process, not per render */
	/* the built-in globals are still there */
	fl_buf b;
	fl_buf_init(&b, arena);
	assert_int_equal(fl_tpl_render_string(app.templates, "{{ url_for is defined }}"
		"{{ csrf_token is defined }}", NULL, c, arena, &b, NULL), FL_OK);
	assert_string_equal(fl_buf_cstr(&b), "TrueTrue");
}

static void a_blueprint_without_an_application_gets_none(void **state)
{
	fl_tpl_env *env = fl_tpl_env_new(tdir, 0);
	struct fl_app bare = { .bp = &without_app, .templates = env };
	fl_app_register_template_globals(&bare);
	fl_buf b;
	fl_tpl_error err;
	fl_buf_init(&b, arena);
	assert_int_equal(fl_tpl_render_string(env, "{{ 'x'|twice }}", NULL, NULL, arena, &b, &err),
		FL_ETEMPLATE);
	assert_string_equal(err.message, "No filter named 'twice'.");
	fl_buf_init(&b, arena);
	assert_int_equal(fl_tpl_render_string(env, "{{ 'ab'|upper }}{{ site is defined }}", NULL,
		NULL, arena, &b, &err), FL_OK);
	assert_string_equal(fl_buf_cstr(&b), "ABFalse");
	fl_tpl_env_free(env);
}

static void context_processors_add_keys_the_view_did_not_pass(void **state)
{
	fl_ctx *c = fl_ctx_new(&app, arena);
	json_t *ctx = json_pack("{s:s}", "title", "from the view");
	assert_int_equal(fl_update_template_context(c, ctx), FL_OK);
	assert_string_equal(json_string_value(json_object_get(ctx, "title")), "from the view");
	assert_string_equal(json_string_value(json_object_get(ctx, "who")), "second");
	assert_true(json_is_true(json_object_get(ctx, "only_first")));
	assert_string_equal(render(c, "{{ title }}/{{ who }}", ctx), "from the view/second");
}

static void a_failing_processor_changes_nothing(void **state)
{
	application.context_processors = failing;
	fl_ctx *c = fl_ctx_new(&app, arena);
	json_t *ctx = json_object();
	fl_err e = fl_update_template_context(c, ctx);
	application.context_processors = processors;
	assert_int_equal(e, FL_EINVAL);
	assert_int_equal(json_object_size(ctx), 0);
	/* no application, no processors: nothing to do */
	struct fl_app bare = { .bp = &without_app };
	assert_int_equal(fl_update_template_context(fl_ctx_new(&bare, arena), ctx), FL_OK);
	assert_int_equal(json_object_size(ctx), 0);
}

int main(void)
{
	if (!mkdtemp(tdir))
		return 1;
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup_teardown(registered_at_start_up, setup, teardown),
		cmocka_unit_test_setup_teardown(a_blueprint_without_an_application_gets_none, setup, teardown),
		cmocka_unit_test_setup_teardown(context_processors_add_keys_the_view_did_not_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failing_processor_changes_nothing, setup, teardown),
	};
	int r = cmocka_run_group_tests(t, NULL, NULL);
	rmdir(tdir);
	return r;
}
