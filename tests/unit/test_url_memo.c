/* test_url_memo.c — lib/http/url_memo.h: url_for's per-process memo gives
 * back exactly what it was given for the same call, and only for it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/url_memo.h"

static size_t key_of(char *buf, const char *mount, const char *ep, const char *json)
{
	json_t *v = json ? json_loads(json, 0, NULL) : NULL;
	size_t n = fl_url_memo_key(buf, mount, ep, v);
	json_decref(v);
	return n;
}

static void remembers_what_it_was_given(void **state)
{
	(void)state;
	fl_url_memo *m = fl_url_memo_new();
	char k[FL_URL_MEMO_KEY_MAX];
	size_t n = key_of(k, "/cgi-bin/main", "main.index", NULL), len;
	assert_true(n > 0);
	assert_null(fl_url_memo_get(m, k, n, &len));
	fl_url_memo_put(m, k, n, "/cgi-bin/main/");
	assert_string_equal(fl_url_memo_get(m, k, n, &len), "/cgi-bin/main/");
	assert_int_equal(len, 14);
	fl_url_memo_put(m, k, n, "/other/");   /* replaced, not leaked */
	assert_string_equal(fl_url_memo_get(m, k, n, &len), "/other/");
	/* only UTF-8 is remembered: what it returns needs no check */
	n = key_of(k, "/cgi-bin/\xff", "main.index", NULL);
	fl_url_memo_put(m, k, n, "/cgi-bin/\xff/");
	assert_null(fl_url_memo_get(m, k, n, &len));
	fl_url_memo_free(m);
	fl_url_memo_free(NULL);
}

static void keys_tell_every_part_apart(void **state)
{
	(void)state;
	char a[FL_URL_MEMO_KEY_MAX], b[FL_URL_MEMO_KEY_MAX];
	size_t na = key_of(a, "/cgi-bin/main", "user", "{\"name\":\"x\"}");
	size_t cases[6];
	cases[0] = key_of(b, "/cgi-bin/other", "user", "{\"name\":\"x\"}");
	assert_false(cases[0] == na && !memcmp(a, b, na));
	cases[1] = key_of(b, "/cgi-bin/main", "users", "{\"name\":\"x\"}");
	assert_false(cases[1] == na && !memcmp(a, b, na));
	cases[2] = key_of(b, "/cgi-bin/main", "user", "{\"name\":\"y\"}");
	assert_false(cases[2] == na && !memcmp(a, b, na));
	cases[3] = key_of(b, "/cgi-bin/main", "user", "{\"name\":1}");
	assert_false(cases[3] == na && !memcmp(a, b, na));
	/* the object's order is the query string's order */
	size_t n1 = key_of(a, "", "e", "{\"a\":\"1\",\"b\":-20}");
	size_t n2 = key_of(b, "", "e", "{\"b\":-20,\"a\":\"1\"}");
	assert_false(n1 == n2 && !memcmp(a, b, n1));
	assert_memory_equal(a + n1 - 4, "-20", 4);
	assert_int_equal(key_of(b, "", "e", "{\"b\":-20,\"a\":\"1\"}"), n2);
}

static void some_calls_are_not_memoized(void **state)
{
	(void)state;
	char k[FL_URL_MEMO_KEY_MAX];
	assert_int_equal(key_of(k, "/m", "e", "{\"_external\":true}"), 0);
	assert_int_equal(key_of(k, "/m", "e", "{\"x\":1.5}"), 0);
	assert_int_equal(key_of(k, "/m", "e", "{\"x\":[1]}"), 0);
	json_t *nul = json_object();
	json_object_set_new(nul, "x", json_stringn("a\0b", 3));
	assert_int_equal(fl_url_memo_key(k, "/m", "e", nul), 0);
	json_decref(nul);
	char big[FL_URL_MEMO_KEY_MAX + 16];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(fl_url_memo_key(k, "/m", big, NULL), 0);
	/* no key, no memo */
	assert_null(fl_url_memo_get(NULL, k, 3, &(size_t){0}));
	fl_url_memo_put(NULL, k, 3, "/x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(remembers_what_it_was_given),
		cmocka_unit_test(keys_tell_every_part_apart),
		cmocka_unit_test(some_calls_are_not_memoized),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
