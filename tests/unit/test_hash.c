/* test_hash.c — lib/base/hash.h: FNV-1a as its authors publish it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/hash.h"

static void test_published_vectors(void **state)
{
	(void)state;
	/* the FNV test suite's 32-bit FNV-1a values */
	assert_int_equal(fl_hash_fnv1a(NULL, 0), 0x811c9dc5u);
	assert_int_equal(fl_hash_fnv1a("a", 1), 0xe40c292cu);
	assert_int_equal(fl_hash_fnv1a("foobar", 6), 0xbf9cf968u);
	/* bytes above 0x7f count as unsigned */
	assert_int_equal(fl_hash_fnv1a("\xff", 1), (0x811c9dc5u ^ 0xffu) * 16777619u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
