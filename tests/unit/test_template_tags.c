/* test_template_tags.c — tags, globals and scoping the Jinja corpus
 * (tests/jinja/cases/tag_*, scope_*) cannot express: exact file:line:col
 * of syntax and render errors, limits, and that data shaped like the
 * engine's stateful objects (namespace, cycler) stays plain data.
 * Messages marked "Jinja" are jinja2 3.1.2's for the same source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tpl_fixture.h"

static int setup(void **state) { return tpl_fixture_setup_in(state, NULL); }

/* Render template `name` (added from `src` when not NULL) with `ctx`. */
static const char *render(const char *name, const char *src, json_t *ctx, fl_tpl_error *err)
{
	fl_err rc;
	if (src)
		fl_tpl_env_add_source(tpl.env, name, src);
	return tpl_render_file(name, ctx, &rc, err);
}

static void expect(const char *name, const char *src, const char *want)
{
	fl_tpl_error err;
	tpl_check_output(src, render(name, src, NULL, &err), &err, want);
}

static void expect_error(const char *name, const char *src, int line, int col, const char *msg)
{
	fl_tpl_error err;
	tpl_check_error(src, render(name, src, NULL, &err), &err, line, col, msg);
}

/* Unknown and mismatched tags name what Jinja was looking for. */
static void test_tag_syntax_errors(void **state)
{
	expect_error("e1.html", "a\n{% filter upper %}\n  {% frob %}{% endfilter %}", 3, 6,
		     "Encountered unknown tag 'frob'. Jinja was looking for the following tags: "
		     "'endfilter'. The innermost block that needs to be closed is 'filter'.");
	expect_error("e2.html", "{% for x in y %}{% endif %}", 1, 20,
		     "Encountered unknown tag 'endif'. Jinja was looking for the following tags: "
		     "'endfor' or 'else'. The innermost block that needs to be closed is 'for'.");
	expect_error("e3.html", "{% for x in y %}{% if x %}{% endfor %}", 1, 30,
		     "Encountered unknown tag 'endfor'. You probably made a nesting mistake. Jinja "
		     "is expecting this tag, but currently looking for 'elif' or 'else' or 'endif'. "
		     "The innermost block that needs to be closed is 'if'.");
	expect_error("e4.html", "{% autoescape false %}\nx", 2, 2,
		     "Unexpected end of template. Jinja was looking for the following tags: "
		     "'endautoescape'. The innermost block that needs to be closed is 'autoescape'.");
	/* the loopcontrols extension is not in Flask's environment */
	expect_error("e5.html", "{% for x in [1] %}{% break %}{% endfor %}", 1, 22,
		     "Encountered unknown tag 'break'.");
	expect_error("e6.html", "{% for x in [1] %}{% continue %}{% endfor %}", 1, 22,
		     "Encountered unknown tag 'continue'.");
	expect_error("e7.html", "\n{% block b required %}x{% endblock %}", 2, 4,
		     "Required blocks can only contain comments or whitespace");
	expect_error("e8.html", "{% filter %}x{% endfilter %}", 1, 11, "expected token 'name'");
}

/* Render errors inside loop() and self.x() keep their own position. */
static void test_nested_error_positions(void **state)
{
	expect_error("r1.html",
		     "{% for n in [[1]] recursive %}\n{% if n is number %}{{ n + none }}"
		     "{% else %}{{ loop(n) }}{% endif %}{% endfor %}", 2, 26,
		     "unsupported operand type(s) for +: 'int' and 'NoneType'");
	expect_error("r2.html", "{% block a %}{% if x %}\n   {{ 1 // 0 }}{% endif %}{% endblock %}"
		     "{% set x = 1 %}{{ self.a() }}", 2, 9,
		     "integer division or modulo by zero");
	expect_error("r3.html", "{% for x in [1] %}{{ loop([2]) }}{% endfor %}", 1, 22,
		     "not callable");
	expect_error("r4.html", "{% set d = {} %}\n{% set d.x = 1 %}", 2, 4,
		     "cannot assign attribute on non-namespace object");
	expect_error("r5.html", "{{ cycler() }}", 1, 4, "at least one item has to be provided");
	expect_error("r6.html", "{{ joiner(1, 2) }}", 1, 4, "joiner()");
	expect_error("r7.html", "{{ namespace(1, 2) }}", 1, 4, "at most 1 argument");
	expect_error("r8.html", "{% macro m() %}{% endmacro %}{{ m(1) }}", 1, 33,
		     "macro 'm' takes not more than 0 argument(s)");
}

/* Endless recursion through loop() or self.x() stops with an error. */
static void test_recursion_limits(void **state)
{
	fl_tpl_error err;
	assert_null(render("l1.html", "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
			   NULL, &err));
	assert_non_null(strstr(err.message, "maximum recursion depth exceeded"));
	assert_null(render("l2.html", "{% block a %}{{ self.a() }}{% endblock %}", NULL, &err));
	assert_non_null(strstr(err.message, "maximum recursion depth exceeded"));
}

/* Autoescape per template name, as Flask 2.2's select_jinja_autoescape. */
static void test_autoescape_by_name(void **state)
{
	const char *src = "{{ '<b>' }}{{ '<b>'|e }}{% set x %}<{% endset %}{{ x ~ '&' }}";
	expect("a.html", src, "&lt;b&gt;&lt;b&gt;<&amp;");
	expect("a.htm", src, "&lt;b&gt;&lt;b&gt;<&amp;");
	expect("a.xml", src, "&lt;b&gt;&lt;b&gt;<&amp;");
	expect("a.xhtml", src, "&lt;b&gt;&lt;b&gt;<&amp;");
	expect("a.txt", src, "<b>&lt;b&gt;<&");
	expect("a.svg", src, "<b>&lt;b&gt;<&");
	expect("mail/body", src, "<b>&lt;b&gt;<&");
	/* render_template_string: on */
	fl_buf b;
	fl_tpl_error err;
	fl_buf_init(&b, arena);
	assert_int_equal(fl_tpl_render_string(tpl.env, src, NULL, NULL, arena, &b, &err), FL_OK);
	assert_string_equal(fl_buf_cstr(&b), "&lt;b&gt;&lt;b&gt;<&amp;");
}

/* Data shaped like a namespace or a cycler is a dict: it cannot be
 * assigned to, nor called. */
static void test_state_objects_cannot_be_forged(void **state)
{
	fl_tpl_error err;
	/* a NUL-prefixed key cannot come from JSON text, nor from a C string */
	assert_null(json_loads("{\"\\u0000__fl_namespace__\": true}", 0, NULL));
	json_t *ctx = json_object();
	json_t *ns = json_object();
	json_object_set_new(ns, "\0__fl_namespace__", json_true());
	json_object_set_new(ns, "a", json_integer(1));
	json_object_set_new(ctx, "ns", ns);
	json_t *cyc = json_pack("{s:[i,i],s:i,s:i,s:{}}", "items", 1, 2, "pos", 0, "current", 1,
				"next");
	json_object_set_new(ctx, "c", cyc);
	assert_null(render("f1.html", "{% set ns.a = 2 %}{{ ns.a }}", ctx, &err));
	assert_non_null(strstr(err.message, "cannot assign attribute on non-namespace object"));
	assert_null(render("f2.html", "{{ c.next() }}", ctx, &err));
	assert_non_null(strstr(err.message, "not callable"));
	/* a copy of a namespace is a dict */
	assert_null(render("f3.html",
			   "{% set n = namespace(a=1) %}{% set d = dict(**n) %}{% set d.a = 2 %}",
			   NULL, &err));
	assert_non_null(strstr(err.message, "non-namespace"));
	/* the namespace's mark is never printed nor iterated */
	expect("f4.html", "{% set n = namespace(a=1) %}{{ n.keys()|list }}{{ n.values()|list }}",
	       "[&#39;a&#39;][1]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tag_syntax_errors, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_nested_error_positions, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_recursion_limits, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_autoescape_by_name, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_state_objects_cannot_be_forged, setup, tpl_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
