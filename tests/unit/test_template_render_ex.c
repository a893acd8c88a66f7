/* test_template_render_ex.c — render globals (fl_tpl_render_ex): what
 * Flask's per-request Jinja globals (request, session, g, config) are
 * next to render_template's context.  Every template of a render sees the
 * globals; only the rendered one, and what it passes on with context,
 * sees the context; a name is looked up in the context, then the render's
 * globals, then the env's.  Also the parse and render errors of the
 * scoping work that goes with it (a block defined twice, importing a
 * private name, unpacking), where the corpus cannot pin line and column
 * or the message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "template/template.h"
#include "arena_fixture.h"

/* An env whose templates are all in memory: the page, a module of macros
 * and an include, each printing what it can see. */
static fl_tpl_env *make_env(void)
{
	fl_tpl_env *env = fl_tpl_env_new("/nonexistent-flagon-templates", 0);
	fl_tpl_env_add_source(env, "m.html",
		"{% set seen = (c is defined) ~ '/' ~ (g is defined) %}"
		"{% macro show() %}[{{ g }}|{{ c }}|{{ x }}]{% endmacro %}");
	fl_tpl_env_add_source(env, "inc.html", "<{{ g }}|{{ c }}|{{ x }}|{{ local }}>");
	fl_tpl_env_add_source(env, "page.html",
		"{% set local = 'L' %}"
		"{% import 'm.html' as m %}{% import 'm.html' as mc with context %}"
		"{% from 'm.html' import show %}"
		"{{ g }}|{{ c }}|{{ x }} {{ m.show() }}{{ mc.show() }}{{ show() }} "
		"{{ m.seen }} {{ mc.seen }} "
		"{% include 'inc.html' without context %}{% include 'inc.html' %}");
	return env;
}

static const char *render_ex(fl_tpl_env *env, const char *name, json_t *globals, json_t *ctx,
			     fl_err *e, fl_tpl_error *err)
{
	fl_buf out;
	fl_buf_init(&out, arena);
	*e = fl_tpl_render_ex(env, name, globals, ctx, NULL, arena, &out, err);
	return *e ? err->message : fl_buf_cstr(&out);
}

/* Imports and includes without context see the globals and not the
 * context; with context they see both, and the page's own variables. */
static void globals_reach_every_template(void **state)
{
	(void)state;
	fl_tpl_env *env = make_env();
	fl_tpl_error err;
	fl_err e;
	json_t *globals = json_pack("{s:s}", "g", "G");
	json_t *ctx = json_pack("{s:s}", "c", "C");
	const char *s = render_ex(env, "page.html", globals, ctx, &e, &err);
	assert_int_equal(e, FL_OK);
	assert_string_equal(s, "G|C| [G||][G|C|][G||] False/True True/True "
			       "<G|||><G|C||L>");
	/* the caller's objects are left as they were */
	assert_int_equal(json_object_size(globals), 1);
	assert_int_equal(json_object_size(ctx), 1);
	fl_tpl_env_free(env);
}

/* Context, then the render's globals, then the env's: the context wins
 * in the page, the render's global in a module imported without it. */
static void lookup_order(void **state)
{
	(void)state;
	fl_tpl_env *env = make_env();
	fl_tpl_env_add_global(env, "x", json_string("env"));
	fl_tpl_env_add_global(env, "g", json_string("envg"));
	fl_tpl_error err;
	fl_err e;
	json_t *globals = json_pack("{s:s, s:s}", "g", "G", "x", "glob");
	json_t *ctx = json_pack("{s:s, s:s}", "c", "C", "x", "ctx");
	const char *s = render_ex(env, "page.html", globals, ctx, &e, &err);
	assert_int_equal(e, FL_OK);
	assert_string_equal(s, "G|C|ctx [G||glob][G|C|ctx][G||glob] False/True True/True "
			       "<G||glob|><G|C|ctx|L>");
	/* without render globals, the env's serve every template */
	s = render_ex(env, "page.html", NULL, ctx, &e, &err);
	assert_int_equal(e, FL_OK);
	assert_string_equal(s, "envg|C|ctx [envg||env][envg|C|ctx][envg||env] False/True "
			       "True/True <envg||env|><envg|C|ctx|L>");
	fl_tpl_env_free(env);
}

/* fl_tpl_render keeps its meaning: the context only, which imported
 * templates do not see; NULL or non-object globals are no globals. */
static void render_without_globals(void **state)
{
	(void)state;
	fl_tpl_env *env = make_env();
	fl_tpl_error err;
	fl_buf out;
	fl_buf_init(&out, arena);
	json_t *ctx = json_pack("{s:s, s:s}", "c", "C", "g", "CG");
	assert_int_equal(fl_tpl_render(env, "page.html", ctx, NULL, arena, &out, &err), FL_OK);
	assert_string_equal(fl_buf_cstr(&out), "CG|C| [||][CG|C|][||] False/False True/True "
					      "<|||><CG|C||L>");
	fl_err e;
	const char *s = render_ex(env, "page.html", json_pack("[s]", "g"), ctx, &e, &err);
	assert_int_equal(e, FL_OK);
	assert_string_equal(s, fl_buf_cstr(&out));
	fl_tpl_env_free(env);
}

/* fl_tpl_render_string_ex: the same for a template given as text. */
static void render_string_ex(void **state)
{
	(void)state;
	fl_tpl_env *env = make_env();
	fl_tpl_error err;
	fl_buf out;
	fl_buf_init(&out, arena);
	json_t *globals = json_pack("{s:s}", "g", "<G>");
	json_t *ctx = json_pack("{s:s}", "c", "C");
	assert_int_equal(fl_tpl_render_string_ex(env, "{{ g }}{% import 'm.html' as m %}{{ m.show() }}",
						 globals, ctx, NULL, arena, &out, &err), FL_OK);
	assert_string_equal(fl_buf_cstr(&out), "&lt;G&gt;[&lt;G&gt;||]");
	fl_tpl_env_free(env);
}

static fl_err render_src(fl_tpl_env *env, const char *src, fl_tpl_error *err, const char **s)
{
	fl_buf out;
	fl_buf_init(&out, arena);
	fl_err e = fl_tpl_render_string(env, src, NULL, NULL, arena, &out, err);
	*s = e ? err->message : fl_buf_cstr(&out);
	return e;
}

/* Jinja reports a block defined twice at the second definition in
 * document order, and only once the template parsed without a syntax
 * error. */
static void duplicate_block_position(void **state)
{
	(void)state;
	fl_tpl_env *env = make_env();
	fl_tpl_error err;
	const char *s;
	assert_int_equal(render_src(env, "{% block a %}\n  {% block a %}{% endblock %}\n"
				    "{% endblock %}", &err, &s), FL_ETEMPLATE);
	assert_string_equal(s, "block 'a' defined twice");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 12);
	assert_int_equal(render_src(env, "{% block a %}{% endblock %}{% block a %}{% endblock %}"
				    "\n{% for %}", &err, &s), FL_ETEMPLATE);
	assert_int_equal(err.line, 2);
	assert_null(strstr(s, "defined twice"));
	fl_tpl_env_free(env);
}

/* A private name cannot be imported (compile error at the name), is not
 * part of a module, and a name a module lacks is undefined until used. */
static void import_names(void **state)
{
	(void)state;
	fl_tpl_env *env = make_env();
	fl_tpl_env_add_source(env, "p.html", "{% set _p = 1 %}{% set q = 2 %}");
	fl_tpl_error err;
	const char *s;
	assert_int_equal(render_src(env, "{% from 'p.html' import q, _p %}", &err, &s),
			 FL_ETEMPLATE);
	assert_string_equal(s, "names starting with an underline can not be imported");
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 28);
	assert_int_equal(render_src(env, "{% import 'p.html' as p %}{% from 'p.html' import nope %}"
				    "[{{ p._p }}][{{ p.q }}][{{ nope is defined }}]", &err, &s), FL_OK);
	assert_string_equal(s, "[][2][False]");
	assert_int_equal(render_src(env, "{% from 'p.html' import nope %}\n{{ nope() }}", &err, &s),
			 FL_ETEMPLATE);
	assert_int_equal(err.line, 2);
	fl_tpl_env_free(env);
}

/* Unpacking takes any iterable and fails as Python does. */
static void unpack_errors(void **state)
{
	(void)state;
	fl_tpl_env *env = make_env();
	fl_tpl_error err;
	const char *s;
	assert_int_equal(render_src(env, "{% set a, b = 'xy' %}{{ b }}{{ a }}", &err, &s), FL_OK);
	assert_string_equal(s, "yx");
	assert_int_equal(render_src(env, "{% set a, b = 'xyz' %}", &err, &s), FL_ETEMPLATE);
	assert_string_equal(s, "too many values to unpack (expected 2)");
	assert_int_equal(render_src(env, "{% set a, b = nope %}", &err, &s), FL_ETEMPLATE);
	assert_string_equal(s, "not enough values to unpack (expected 2, got 0)");
	assert_int_equal(render_src(env, "{% for a, b in [3] %}{% endfor %}", &err, &s),
			 FL_ETEMPLATE);
	assert_string_equal(s, "cannot unpack non-iterable int object");
	fl_tpl_env_free(env);
}

/* A macro's attributes, and none on anything else. */
static void macro_attributes(void **state)
{
	(void)state;
	fl_tpl_env *env = make_env();
	fl_tpl_error err;
	const char *s;
	assert_int_equal(render_src(env, "{% macro m(a, b) %}{{ kwargs }}{% endmacro %}"
				    "{{ m.name }} {{ m['arguments'] }} {{ m.catch_kwargs }} "
				    "{{ m.catch_varargs }} {{ m.caller }} {{ m.other is defined }} "
				    "{{ {'x': 1}.arguments is defined }}", &err, &s), FL_OK);
	assert_string_equal(s, "m (&#39;a&#39;, &#39;b&#39;) True False False False False");
	fl_tpl_env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(globals_reach_every_template, arena_setup,
						arena_teardown),
		cmocka_unit_test_setup_teardown(lookup_order, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(render_without_globals, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(render_string_ex, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(duplicate_block_position, arena_setup,
						arena_teardown),
		cmocka_unit_test_setup_teardown(import_names, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(unpack_errors, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(macro_attributes, arena_setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
