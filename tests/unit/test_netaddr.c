/* test_netaddr.c — lib/base/netaddr.c: Host/SERVER_NAME values and lists
 * of trusted proxy addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/netaddr.h"

static bool host_ok(const char *s) { return fl_host_is_valid(s, strlen(s)); }

static void test_hosts(void **state)
{
	(void)state;
	const char *good[] = { "example.com", "example.com:8080", "a", "127.0.0.1:80", "[::1]",
		"[::1]:8080", "[::ffff:1.2.3.4]", "my_host-1.local", "x:1", "x:65535" };
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		assert_true(host_ok(good[i]));
	const char *bad[] = { "", ":80", "example.com:", "example.com:80a", "example.com:123456",
		"a b", "a/b", "a@b", "a%2fb", "a\"b", "a\rb", "[::1", "[]", "[::1]x", "[g::1]",
		"example.com:80:80", "a?b", "a#b", "<x>" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(host_ok(bad[i]));
	/* Only the given length counts. */
	assert_true(fl_host_is_valid("example.com/x", 11));
}

static void test_address_lists(void **state)
{
	(void)state;
	char bad[64];
	assert_true(fl_addr_list_is_valid("10.0.0.1", bad, sizeof bad));
	assert_true(fl_addr_list_is_valid("10.0.0.1, ::1 ,192.0.2.7", bad, sizeof bad));
	assert_false(fl_addr_list_is_valid("10.0.0.1, proxy.example", bad, sizeof bad));
	assert_string_equal(bad, "proxy.example");
	assert_false(fl_addr_list_is_valid("10.0.0.1,", bad, sizeof bad));
	assert_false(fl_addr_list_is_valid("", bad, sizeof bad));
	assert_false(fl_addr_list_is_valid("10.0.0.300", bad, sizeof bad));
	assert_true(fl_addr_in_list("10.0.0.2", "10.0.0.1, 10.0.0.2"));
	assert_true(fl_addr_in_list("0:0::1", "10.0.0.1, ::1"));
	assert_false(fl_addr_in_list("10.0.0.3", "10.0.0.1, 10.0.0.2"));
	assert_false(fl_addr_in_list("10.0.0.20", "10.0.0.2"));
	assert_false(fl_addr_in_list(NULL, "10.0.0.2"));
	assert_false(fl_addr_in_list("10.0.0.2", NULL));
	assert_false(fl_addr_in_list("not an address", "10.0.0.2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_address_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
