/* test_pyrepr.c — fl_float_repr against Python's own repr(float) for
 * hand-picked edge cases and 200,000 doubles drawn from every exponent
 * (random bit patterns, a fixed seed), decided by /usr/bin/python3. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/pyrepr.h"
#include "arena_fixture.h"

static const char *repr(double d)
{
	fl_buf b;
	fl_buf_init(&b, arena);
	fl_float_repr(&b, d);
	return fl_buf_cstr(&b);
}

static void edge_cases(void **state)
{
	(void)state;
	static const struct { double d; const char *want; } cases[] = {
		{80.0, "80.0"}, {-3.0, "-3.0"}, {0.0, "0.0"}, {-0.0, "-0.0"}, {0.1, "0.1"},
		{0.5, "0.5"}, {1.0 / 3, "0.3333333333333333"}, {2.0 / 3, "0.6666666666666666"},
		{0.1 + 0.2, "0.30000000000000004"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"},
		{9007199254740993.0, "9007199254740992.0"}, {0.0001, "0.0001"}, {1e-05, "1e-05"},
		{1.5e300, "1.5e+300"}, {5e-324, "5e-324"}, {DBL_MIN, "2.2250738585072014e-308"},
		{DBL_MAX, "1.7976931348623157e+308"}, {123456789.123, "123456789.123"},
		{INFINITY, "inf"}, {-INFINITY, "-inf"}, {NAN, "nan"}, {72.5, "72.5"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(repr(cases[i].d), cases[i].want);
}

/* xorshift64*: a fixed sequence, the same on every machine. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void agrees_with_python_repr(void **state)
{
	(void)state;
	if (system("/usr/bin/python3 -c pass >/dev/null 2>&1") != 0) {
		skip();
		return;
	}
	char path[] = "/tmp/flagon-pyrepr-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	int n = 0;
	for (int i = 0; i < 200000; i++) {
		uint64_t bits = next(&s);
		/* Half of them short decimals (prices, scores), the rest any bits. */
		double d;
		if (i % 2)
			memcpy(&d, &bits, sizeof d);
		else
			d = (double)(int64_t)(bits % 2000000 - 1000000) / (double)(1 + bits % 1000);
		if (isnan(d))
			continue;
		fprintf(f, "%a %s\n", d, repr(d));
		n++;
		fl_arena_reset(arena);
	}
	fclose(f);
	char cmd[512];
	snprintf(cmd, sizeof cmd,
	         "/usr/bin/python3 -c 'import sys\n"
	         "bad = [l for l in open(sys.argv[1]) if repr(float.fromhex(l.split()[0])) != "
	         "l.split()[1]]\n"
	         "sys.stdout.write(\"\".join(bad[:10]))\n"
	         "sys.exit(1 if bad else 0)' %s",
	         path);
	int rc = system(cmd);
	unlink(path);
	assert_true(n > 190000);
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edge_cases),
		cmocka_unit_test(agrees_with_python_repr),
	};
	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
