/* test_template_seq.c — the sequence filters (filters_seq.c) where the
 * corpus (tests/jinja/cases/seq_*) cannot reach: error messages and
 * positions, limits on what batch and slice may build, filters and tests
 * called by name that the application registered, and callable objects
 * (a WTForms form's fields) taken as they are.  Outputs marked "Jinja"
 * are what Jinja 3.1.2 gives for the same template. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpl_fixture.h"

static int setup(void **state) { return tpl_fixture_setup_in(state, "/nonexistent"); }

static void expect(const char *src, json_t *ctx, const char *want)
{
	fl_tpl_error err;
	tpl_check_output(src, tpl_render(src, ctx, &err), &err, want);
}

/* The render fails at line:col (col 0: on that line, at a filter's name)
 * with a message containing `msg`. */
static void expect_error(const char *src, int line, int col, const char *msg)
{
	fl_tpl_error err;
	tpl_check_error(src, tpl_render(src, NULL, &err), &err, line, col, msg);
}

static void test_errors(void **state)
{
	/* Jinja: TemplateRuntimeError("No filter named 'nope'.") */
	expect_error("x{{ [1]|map('nope')|list }}", 1, 9, "No filter named 'nope'.");
	expect_error("{{ [1]|select('nope') }}", 1, 0, "No test named 'nope'.");
	expect_error("{{ [1]|rejectattr('a', 'nope') }}", 1, 0, "No test named 'nope'.");
	expect_error("{{ [1]|map(42) }}", 1, 0, "No filter named 42.");
	expect_error("{{ [1]|map }}", 1, 0, "map requires a filter argument");
	expect_error("{{ [1]|map(attribute='a', x=1) }}", 1, 0, "Unexpected keyword argument 'x'");
	expect_error("{{ [1]|selectattr }}", 1, 0, "Missing parameter for attribute name");
	/* an empty or undefined input runs nothing, as in Jinja */
	expect("{{ []|map('nope')|list }}{{ x|select('nope')|list }}", NULL, "[][]");
	/* a filter called by map names itself in its errors */
	expect_error("{{ ['a']|map('round', 'x', 'y', 'z') }}", 1, 0, "filter 'round'");
	/* Python's sorted() cannot order mixed types: a TypeError in Jinja */
	expect_error("\n  {{ [1, 'a']|sort }}", 2, 15,
		     "'<' not supported between instances of 'str' and 'int'");
	expect_error("{{ [none, 1]|max }}", 1, 0, "not supported");
	expect_error("{{ {'a': 1, 'b': 'x'}|dictsort(by='value') }}", 1, 0, "not supported");
	expect_error("{{ {'a': 1}|dictsort(by='k') }}", 1, 0, "\"key\" or \"value\"");
	expect_error("{{ [1, 2]|dictsort }}", 1, 0, "'list' object has no attribute 'items'");
	expect_error("{{ [1]|items }}", 1, 0, "Can only get item pairs from a mapping.");
	expect_error("{{ [[1]]|unique|list }}", 1, 0, "unhashable type: 'list'");
	expect_error("{{ 5|sort }}", 1, 0, "'int' object is not iterable");
	expect_error("{{ ['a']|sum }}", 1, 0, "unsupported operand type(s) for +: 'int' and 'str'");
	expect_error("{{ [1]|sum(start='') }}", 1, 0, "can't sum strings");
	expect_error("{{ [1]|batch('2') }}", 1, 0, "cannot be interpreted as an integer");
	expect_error("{{ [1]|batch }}", 1, 0, "missing 1 required positional argument");
	expect_error("{{ [1]|slice(0) }}", 1, 0, "integer division or modulo by zero");
	expect_error("{{ [1]|groupby }}", 1, 0, "missing 1 required positional argument");
	expect_error("{{ [1]|sort(bogus=1) }}", 1, 0, "unexpected keyword argument 'bogus'");
	expect_error("{{ x|attr('a') }}", 1, 0, "undefined");
	expect_error("{{ {}|attr(1) }}", 1, 0, "attribute name must be string");
	/* Jinja's Undefined raises when a path goes on past it */
	expect_error("{{ [{'a': {}}]|map(attribute='a.b.c')|list }}", 1, 0,
		     "'dict object' has no attribute 'b'");
	expect_error("{{ [[]]|map(attribute='0.x')|list }}", 1, 0, "list object has no element 0");
	/* a test called by name with keyword arguments it does not take */
	expect_error("{{ [1]|select('odd', x=1)|list }}", 1, 0, "unexpected keyword argument 'x'");
}

/* batch(0) is Jinja's [[], [all]]: never a loop without end. */
static void test_batch_edges(void **state)
{
	expect("{{ [1, 2, 3]|batch(0)|list }}", NULL, "[[], [1, 2, 3]]");      /* Jinja */
	expect("{{ [1, 2, 3]|batch(-2, 0)|list }}", NULL, "[[1, 2, 3]]");      /* Jinja */
	expect("{{ [1, 2, 3]|batch(true)|list }}", NULL, "[[1], [2], [3]]");   /* Jinja */
	expect("{{ [1]|slice(-3)|list }}", NULL, "[]");                        /* Jinja */
}

/* What batch and slice build is bounded, whatever the arguments. */
static void test_limits(void **state)
{
	expect_error("{{ [1]|batch(999999999999, 'x')|length }}", 1, 0, "result too large");
	expect_error("{{ [1]|slice(999999999999)|length }}", 1, 0, "result too large");
	expect_error("{{ [1]|slice(99999999, 'x')|length }}", 1, 0, "result too large");
	/* a big but honest request is fine */
	expect("{{ [1]|batch(1000, 0)|first|length }}|{{ range(5)|slice(1000)|length }}", NULL,
	       "1000|1000");
	expect_error("{% set a = range(100000)|list %}{{ [a, a, a, a, a, a, a, a, a, a, a]|sum(start=[])|length }}",
		     1, 0, "result too large");
	/* sorting 100000 items is quick and stable */
	expect("{{ range(100000)|reverse|sort|first }}{{ range(100000)|sort(reverse=true)|first }}",
	       NULL, "099999");
}

/* ---- the application's filters and tests, called by name ---- */

static json_t *f_shout(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	json_t *v = json_array_get(args, 0), *sfx = json_object_get(kwargs, "suffix");
	if (!json_is_string(v)) {
		snprintf(err->message, sizeof err->message, "shout needs a string");
		return NULL;
	}
	return json_string(fl_arena_printf(a, "%s%s", json_string_value(v),
					   json_is_string(sfx) ? json_string_value(sfx) : "!"));
}

/* "upper" replaced by the application: shadows the built-in one. */
static json_t *f_my_upper(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	return json_string("MINE");
}

/* test "short": len(value) < args[1] (default 4) */
static json_t *t_short(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	json_t *v = json_array_get(args, 0), *lim = json_array_get(args, 1);
	size_t max = json_is_integer(lim) ? (size_t)json_integer_value(lim) : 4;
	return json_boolean(json_is_string(v) && json_string_length(v) < max);
}

static json_t *t_odd_mine(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	return json_true();
}

static void test_application_filters_by_name(void **state)
{
	fl_tpl_env_add_filter(tpl.env, "shout", f_shout);
	fl_tpl_env_add_test(tpl.env, "short", t_short);
	json_t *ctx = json_pack("{s:[s,s,s]}", "w", "ab", "abcdef", "xyz");
	expect("{{ w|map('shout')|join(' ') }}|{{ w|map('shout', suffix='?')|join(' ') }}", ctx,
	       "ab! abcdef! xyz!|ab? abcdef? xyz?");
	expect("{{ w|select('short')|join(',') }}|{{ w|reject('short', 3)|join(',') }}", ctx,
	       "ab,xyz|abcdef,xyz");
	expect("{{ 'shout' is filter }}{{ 'short' is test }}{{ 'short' is filter }}", NULL,
	       "TrueTrueFalse");
	/* the application's error is the render's */
	expect_error("{{ [1]|map('shout')|list }}", 1, 0, "shout needs a string");
	/* the application's filter or test shadows the built-in one, as at compile time */
	fl_tpl_env_add_filter(tpl.env, "upper", f_my_upper);
	fl_tpl_env_add_test(tpl.env, "odd", t_odd_mine);
	expect("{{ ['a']|map('upper')|first }}|{{ 'a'|upper }}|{{ [2, 4]|select('odd')|list }}", NULL,
	       "MINE|MINE|[2, 4]");
}

/* ---- callable objects (a WTForms form's fields) ---- */

static json_t *o_field(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	return fl_markup(fl_arena_printf(a, "<input name=\"%s\">", (const char *)ud));
}

static void test_objects_as_they_are(void **state)
{
	json_t *fields = json_array();
	json_array_append_new(fields, fl_tpl_callable(json_pack("{s:s,s:s}", "type", "StringField",
		"name", "name"), o_field, "name"));
	json_array_append_new(fields, fl_tpl_callable(json_pack("{s:s,s:s}", "type", "SubmitField",
		"name", "submit"), o_field, "submit"));
	json_t *ctx = json_pack("{s:o}", "form", fields);
	expect("{% for fld in form|selectattr('type', 'eq', 'SubmitField') %}{{ fld }}{% endfor %}",
	       ctx, "<input name=\"submit\">");
	expect("{{ form|rejectattr('type', 'eq', 'SubmitField')|map(attribute='name')|join }}", ctx,
	       "name");
	expect("{{ form|first|attr('type') }}|{{ form|last is escaped }}|{{ form|length }}", ctx,
	       "StringField|True|2");
	expect("{{ form|map(attribute='type')|sort|join(',') }}", ctx, "StringField,SubmitField");
	/* a filter that wants text still gets the object's call */
	expect("{{ form|map('upper')|first }}", ctx, "<INPUT NAME=\"NAME\">");
	expect("{{ (form|first)|upper }}", ctx, "<INPUT NAME=\"NAME\">");
}

/* groupby's items are named tuples: .grouper/.list, [0]/[1], unpacking,
 * and printed as Python prints a tuple. */
static void test_groupby_tuples(void **state)
{
	json_t *ctx = json_pack("{s:[{s:s,s:i},{s:s,s:i},{s:s,s:i}]}", "u", "c", "NY", "n", 1, "c",
		"ny", "n", 2, "c", "LA", "n", 3);
	expect("{% for g in u|groupby('c') %}{{ g.grouper }}={{ g.list|map(attribute='n')|list }} "
	       "{{ g[0] }}{{ g|length }};{% endfor %}", ctx, "LA=[3] LA2;NY=[1, 2] NY2;");
	/* Jinja: ('LA', [3]) */
	expect("{{ u|groupby('c', case_sensitive=true)|map(attribute='grouper')|join }}|"
	       "{{ u|groupby('n')|length }}", ctx, "LANYny|3");
	expect("{{ {'b': 1, 'a': 2}|dictsort|first }}|{{ {'a': 2}|items|list }}", NULL,
	       "(&#39;a&#39;, 2)|[(&#39;a&#39;, 2)]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_errors, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_batch_edges, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_application_filters_by_name, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_objects_as_they_are, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_groupby_tuples, setup, tpl_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
