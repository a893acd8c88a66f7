/* test_pynum.c — lib/base/pynum.c: Python's int(), float() and str(float)
 * for text people type.  The expected values are what Python 3.11 answers
 * (int("1_000") == 1000, float(" 1e3 ") == 1000.0, str(0.1) == "0.1"). */
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/pynum.h"
#include "arena_fixture.h"

static void test_int_accepts_what_python_accepts(void **state)
{
	static const struct { const char *s; long long v; } ok[] = {
		{ "0", 0 }, { "42", 42 }, { "-7", -7 }, { "+7", 7 }, { " 12 ", 12 },
		{ "\t3\n", 3 }, { "1_000", 1000 }, { "007", 7 },
		{ "9223372036854775807", 9223372036854775807LL },
		{ "-9223372036854775808", -9223372036854775807LL - 1 },
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		long long v = -1;
		assert_true(fl_parse_int(ok[i].s, &v));
		assert_true(v == ok[i].v);
	}
}

static void test_int_refuses_what_python_refuses(void **state)
{
	static const char *const bad[] = {
		"", " ", "1.0", "1e3", "_1", "1_", "1__0", "0x10", "12a", "--1", "+",
		"9223372036854775808", "-9223372036854775809", "1 2",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		long long v = 99;
		assert_false(fl_parse_int(bad[i], &v));
		assert_true(v == 99);          /* nothing set */
	}
	assert_false(fl_parse_int(NULL, NULL));
}

/* fl_parse_decimal: digits only (Content-Length, ?page=), where Python's
 * int() would also take " 1", "+1" and "1_0". */
static void test_decimal_is_strict(void **state)
{
	static const struct { const char *s; bool minus; long long v; } ok[] = {
		{ "0", false, 0 }, { "42", false, 42 }, { "007", false, 7 }, { "-7", true, -7 },
		{ "-0", true, 0 }, { "9223372036854775807", false, 9223372036854775807LL },
		{ "-9223372036854775808", true, -9223372036854775807LL - 1 },
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		long long v = -1;
		assert_true(fl_parse_decimal(ok[i].s, ok[i].minus, &v));
		assert_true(v == ok[i].v);
	}
	static const char *const bad[] = {
		"", " 1", "1 ", "+1", "-1", "-0", "1_0", "0x1", "1.0", "\t1", "1\n", "--1", "-",
		"9223372036854775808", "\xd9\xa6",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		long long v = 99;
		if (fl_parse_decimal(bad[i], false, &v))
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_true(v == 99);
	}
	long long v = 99;
	assert_false(fl_parse_decimal("+1", true, &v));
	assert_false(fl_parse_decimal(" -1", true, &v));
	assert_false(fl_parse_decimal("-9223372036854775809", true, &v));
	assert_false(fl_parse_decimal(NULL, true, &v));
	assert_true(v == 99);
}

static void test_float_accepts_what_python_accepts(void **state)
{
	static const struct { const char *s; double v; } ok[] = {
		{ "1", 1.0 }, { " 1.5 ", 1.5 }, { "-.5", -0.5 }, { "5.", 5.0 }, { "1e3", 1000.0 },
		{ "1E-2", 0.01 }, { "1_0.2_5", 10.25 }, { "+2.5e+1", 25.0 },
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		double v = -1;
		assert_true(fl_parse_float(ok[i].s, &v));
		assert_true(v == ok[i].v);
	}
	double v = 0;
	assert_true(fl_parse_float("-Infinity", &v) && isinf(v) && v < 0);
	assert_true(fl_parse_float("nan", &v) && isnan(v));
	assert_true(fl_parse_float(" INF ", &v) && isinf(v) && v > 0);
}

static void test_float_refuses_what_python_refuses(void **state)
{
	static const char *const bad[] = { "", ".", "e3", "1e", "1_.5", "1._5", "0x1p3", "1.2.3", "inf5", "1,5" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		double v = 99;
		assert_false(fl_parse_float(bad[i], &v));
		assert_true(v == 99);
	}
	assert_false(fl_parse_float(NULL, NULL));
}

static void test_format_float_is_python_str(void **state)
{
	fl_arena *a = *state;
	static const struct { double v; const char *s; } cases[] = {
		{ 80.0, "80.0" }, { 0.1, "0.1" }, { 1e-05, "1e-05" }, { 1e16, "1e+16" },
		{ 123456789012345.6, "123456789012345.6" }, { -0.0, "-0.0" }, { 2.5, "2.5" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_string_equal(fl_format_float(a, cases[i].v), cases[i].s);
	assert_string_equal(fl_format_float(a, INFINITY), "inf");
	assert_string_equal(fl_format_float(a, -INFINITY), "-inf");
	assert_string_equal(fl_format_float(a, NAN), "nan");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int_accepts_what_python_accepts),
		cmocka_unit_test(test_int_refuses_what_python_refuses),
		cmocka_unit_test(test_decimal_is_strict),
		cmocka_unit_test(test_float_accepts_what_python_accepts),
		cmocka_unit_test(test_float_refuses_what_python_refuses),
		cmocka_unit_test_setup_teardown(test_format_float_is_python_str, arena_setup,
			arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
