/* test_hex.c — lib/base/hex.h: bytes as lower-case hex, as Python's
 * bytes.hex() writes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/hex.h"

static void test_like_python_bytes_hex(void **state)
{
	(void)state;
	/* bytes([0, 1, 0x7f, 0x80, 0xab, 0xff]).hex() */
	const unsigned char in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char out[2 * sizeof in + 1];
	assert_ptr_equal(fl_hex_encode(out, in, sizeof in), out);
	assert_string_equal(out, "00017f80abff");
}

static void test_empty_is_the_empty_string(void **state)
{
	(void)state;
	char out[1] = { 'x' };
	fl_hex_encode(out, "", 0);
	assert_string_equal(out, "");
}

static void test_writes_exactly_2n_plus_1_bytes(void **state)
{
	(void)state;
	char out[8];
	memset(out, '#', sizeof out);
	fl_hex_encode(out, "\x12\x34", 2);
	assert_memory_equal(out, "1234\0###", sizeof out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_like_python_bytes_hex),
		cmocka_unit_test(test_empty_is_the_empty_string),
		cmocka_unit_test(test_writes_exactly_2n_plus_1_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
