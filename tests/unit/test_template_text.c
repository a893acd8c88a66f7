/* test_template_text.c — the text filters (filters_text.c), str.format
 * (strformat.c) and the methods of str, list and dict (methods.c): the
 * errors and limits the Jinja corpus (tests/jinja/cases/text_* and
 * method_*) cannot show — bad format specs, a zero wrap width, tojson of a
 * callable, widths that would need gigabytes, and what mutating methods
 * may change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tpl_fixture.h"

static int setup(void **state) { return tpl_fixture_setup_in(state, "/nonexistent-template-dir"); }

static void expect(const char *src, const char *want)
{
	fl_tpl_error err;
	tpl_check_output(src, tpl_render(src, NULL, &err), &err, want);
}

/* The render fails at line 1 with a message containing `msg`. */
static void expect_error(const char *src, json_t *ctx, const char *msg)
{
	fl_tpl_error err;
	tpl_check_error(src, tpl_render(src, ctx, &err), &err, 1, 0, msg);
}

static void test_format_errors(void **state)
{
	(void)state;
	expect_error("{{ '{:q}'.format(1) }}", NULL, "Unknown format code 'q' for object of type 'int'");
	expect_error("{{ '{:d}'.format('x') }}", NULL, "Unknown format code 'd' for object of type 'str'");
	expect_error("{{ '{:d}'.format(1.5) }}", NULL, "for object of type 'float'");
	expect_error("{{ '{:+}'.format('x') }}", NULL, "Sign not allowed in string format specifier");
	expect_error("{{ '{:.}'.format(1.5) }}", NULL, "Format specifier missing precision");
	expect_error("{{ '{:5x5}'.format(1) }}", NULL, "Invalid format specifier");
	expect_error("{{ '{:,x}'.format(1) }}", NULL, "Cannot specify ',' with 'x'.");
	expect_error("{{ '{:.2d}'.format(1) }}", NULL, "Precision not allowed in integer format specifier");
	expect_error("{{ '{} {}'.format(1) }}", NULL, "Replacement index 1 out of range");
	expect_error("{{ '{0} {}'.format(1, 2) }}", NULL, "cannot switch from manual field specification");
	expect_error("{{ '{x}'.format(y=1) }}", NULL, "'x'");
	expect_error("{{ '{' .format(1) }}", NULL, "Single '{' encountered in format string");
	expect_error("{{ 'a}'.format(1) }}", NULL, "Single '}' encountered in format string");
	expect_error("{{ '{!x}'.format(1) }}", NULL, "Unknown conversion specifier x");
	expect_error("{{ '{:>5}'.format(none) }}", NULL, "unsupported format string passed to NoneType.__format__");
	expect_error("{{ '{:{:{}}}}'.format(1, 2, 3) }}", NULL, "Max string recursion exceeded");
	expect_error("{{ ('{:>5}'|safe).format('x'|safe) }}", NULL, "Unsupported format specification for Markup.");
	/* widths and precisions that would need gigabytes fail cleanly */
	expect_error("{{ '{:>999999999999}'.format(1) }}", NULL, "result too large");
	expect_error("{{ '{:.99999f}'.format(1.5) }}", NULL, "result too large");
}

static void test_format_fields(void **state)
{
	(void)state;
	/* `.name` reads a dict's member: Flagon's rows stand for model objects
	 * (Python's str.format would raise AttributeError on a dict) */
	expect("{{ '{0.name}|{0[name]}|{1[1]}|{2[0]}'.format({'name': 'x'}, [1, 2], 'hé') }}",
	       "x|x|2|h");
	expect("{{ '{:,}'.format(-1234567) }}|{{ '{:_b}'.format(10) }}|{{ '{:08.3f}'.format(-3.14159) }}",
	       "-1,234,567|1010|-003.142");
	expect("{{ '{:=^7}'.format('é') }}|{{ '{:.0%}'.format(0.5) }}|{{ '{:g}'.format(1e20) }}",
	       "===é===|50%|1e+20");
}

static void test_wordwrap_width_zero(void **state)
{
	(void)state;
	expect_error("{{ 'abc'|wordwrap(0) }}", NULL, "invalid width 0 (must be > 0)");
	expect_error("{{ 'abc'|wordwrap(-3) }}", NULL, "invalid width -3");
	expect_error("{{ 'abc'|wordwrap('x') }}", NULL, "cannot be interpreted as an integer");
}

static json_t *fn_none(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	(void)ud, (void)a, (void)args, (void)kwargs, (void)err;
	return json_null();
}

static json_t *fn_input(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	(void)ud, (void)a, (void)args, (void)kwargs, (void)err;
	return fl_markup("<input>");
}

static void test_tojson_errors(void **state)
{
	(void)state;
	fl_tpl_env_add_function(tpl.env, "f", fn_none);
	expect_error("{{ f|tojson }}", NULL, "Object of type function is not JSON serializable");
	expect_error("{{ [1, f]|tojson }}", NULL, "not JSON serializable");
	expect_error("{% macro m() %}{% endmacro %}{{ m|tojson }}", NULL, "not JSON serializable");
	expect_error("{{ nothing|tojson }}", NULL, "Object of type Undefined is not JSON serializable");
	/* a callable object (a WTForms field) dumps as its HTML, as Flask's
	 * default() dumps what __html__() gives */
	json_t *ctx = json_object();
	json_object_set_new(ctx, "field", fl_tpl_callable(NULL, fn_input, NULL));
	fl_tpl_error err;
	const char *out = tpl_render("{{ field|tojson }}", ctx, &err);
	assert_non_null(out);
	assert_string_equal(out, "\"\\u003cinput\\u003e\"");
	expect("{{ {'a': '<\\'&>'}|tojson }}", "{\"a\": \"\\u003c\\u0027\\u0026\\u003e\"}");
}

static void test_huge_widths(void **state)
{
	(void)state;
	/* each would need gigabytes: refused at TPL_MAX_BUILD, not allocated */
	expect_error("{{ 'x'|center(9999999999) }}", NULL, "result too large");
	expect_error("{{ 'x'.ljust(9999999999) }}", NULL, "result too large");
	expect_error("{{ 'x'.rjust(9999999999, '*') }}", NULL, "result too large");
	expect_error("{{ 'x'.center(9999999999) }}", NULL, "result too large");
	expect_error("{{ '7'.zfill(9999999999) }}", NULL, "result too large");
	expect_error("{{ 'x'|indent(9999999999) }}", NULL, "result too large");
	expect_error("{{ [1]|tojson(indent=9999999999) }}", NULL, "result too large");
	/* the same calls with sane widths work */
	expect("[{{ 'x'.ljust(3) }}][{{ '7'.zfill(3) }}][{{ 'ab'|center(5) }}]", "[x  ][007][  ab ]");
}

static void test_method_errors(void **state)
{
	(void)state;
	expect_error("{{ 'abc'.index('z') }}", NULL, "substring not found");
	expect_error("{{ 'a'.split('') }}", NULL, "empty separator");
	expect_error("{{ 'a'.ljust(3, 'ab') }}", NULL, "The fill character must be exactly one character long");
	expect_error("{{ 'a'.upper(1) }}", NULL, "upper() takes at most 0 arguments (1 given)");
	expect_error("{{ 'a'.replace('a') }}", NULL, "replace() takes at least 2 arguments");
	expect_error("{{ 'a'.count(x='a') }}", NULL, "count() takes no keyword arguments");
	expect_error("{{ 'a'.split(foo=1) }}", NULL, "unexpected keyword argument 'foo'");
	expect_error("{{ '-'.join([1]) }}", NULL, "sequence item 0: expected str instance, int found");
	expect_error("{{ [].pop() }}", NULL, "pop from empty list");
	expect_error("{{ [1].pop(5) }}", NULL, "pop index out of range");
	expect_error("{{ [1].remove(2) }}", NULL, "x not in list");
	expect_error("{{ [1, 'a'].sort() }}", NULL, "not supported");
	expect_error("{{ {}.pop('k') }}", NULL, "'k'");
	expect_error("{{ 'x'.nosuch() }}", NULL, "is undefined");
}

/* Mutating methods change containers of the render's arena (the context
 * the caller built there, lists the template made), in place as Python
 * does; an env global is refused rather than grown with request memory. */
static void test_mutation_ownership(void **state)
{
	(void)state;
	fl_tpl_error err;
	json_t *ctx = json_pack("{s:[i], s:{s:i}}", "l", 1, "d", "a", 1);
	const char *out = tpl_render("{% set _ = l.append(2) %}{% set _ = d.update(b=2) %}"
				 "{{ l.append(3) }} {{ l }} {{ d }}", ctx, &err);
	assert_non_null(out);
	assert_string_equal(out, "None [1, 2, 3] {&#39;a&#39;: 1, &#39;b&#39;: 2}");
	/* the caller sees the change, as Jinja's caller sees its own objects */
	assert_int_equal(json_array_size(json_object_get(ctx, "l")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ctx, "d"), "b")), 2);

	fl_json_set_arena(NULL);
	json_t *g = json_pack("[i]", 1);
	fl_tpl_env_add_global(tpl.env, "shared", g);
	json_decref(g);
	fl_json_set_arena(arena);
	expect_error("{{ shared.append(2) }}", NULL, "does not belong to the render");
	expect("{{ shared.copy() + [2] }} {{ shared }}", "[1, 2] [1]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_format_errors, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_format_fields, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_wordwrap_width_zero, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_tojson_errors, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_huge_widths, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_method_errors, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_mutation_ownership, setup, tpl_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
