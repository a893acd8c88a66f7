/* test_json_flat.c — the session JSON fast path (base/json_flat.h) gives
 * jansson's value for the flat objects it takes and leaves every other
 * text, valid or not, to jansson. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/json_flat.h"
#include "base/signing.h"
#include "arena_fixture.h"

static json_t *jansson(const char *text)
{
	json_error_t e;
	return json_loadb(text, strlen(text), JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
}

/* Taken: the value is jansson's, member for member and in order. */
static void assert_taken(const char *text)
{
	json_t *v = NULL, *want = jansson(text);
	assert_true(fl_json_loads_flat(text, strlen(text), &v));
	assert_non_null(want);
	assert_true(json_equal(v, want));
	const char *k1, *k2;
	void *i1 = json_object_iter(v), *i2 = json_object_iter(want);
	for (; i1 && i2; i1 = json_object_iter_next(v, i1), i2 = json_object_iter_next(want, i2)) {
		k1 = json_object_iter_key(i1);
		k2 = json_object_iter_key(i2);
		assert_string_equal(k1, k2);
	}
	assert_true(!i1 && !i2);
}

static void assert_left(const char *text)
{
	json_t *v = NULL;
	assert_false(fl_json_loads_flat(text, strlen(text), &v));
	assert_null(v);
}

static void sessions_are_taken(void **state)
{
	assert_taken("{}");
	assert_taken("{\"csrf_token\":\"0123456789abcdef0123456789abcdef01234567\","
	             "\"known\":true,\"name\":\"bench\"}");
	assert_taken("{\"_fresh\":false,\"_user_id\":\"1\",\"n\":null,\"i\":-42,\"z\":0,\"m\":-0}");
	assert_taken("{\"name\":\"Zo\xc3\xab \xe5\x86\x99\",\"\":\"\"}");
	assert_taken("{\"a\":1,\"a\":\"two\"}");    /* jansson: the last one */
	assert_taken("{\"big\":999999999999999999}");
}

static void everything_else_is_left_to_jansson(void **state)
{
	const char *left[] = {
		"", "{", "}", "[]", "\"s\"", "1", "null", "{\"a\":1", "{\"a\":1,}", "{,}",
		"{ \"a\":1}", "{\"a\": 1}", "{\"a\":1} ", "{\"a\":\"\\n\"}", "{\"a\":\"\\u00e9\"}",
		"{\"a\":[1]}", "{\"a\":{}}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":01}",
		"{\"a\":-}", "{\"a\":1234567890123456789}", "{\"a\":tru}", "{\"a\":truex}",
		"{\"a\":\"\x01\"}", "{\"a\":\"\xc3\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"a\"1}",
		"{a:1}", "{\"a\":\"b}", "{\"a\":1}x", "{\"a\":1,\"b\"}",
	};
	for (size_t i = 0; i < sizeof left / sizeof *left; i++)
		assert_left(left[i]);
}

static void loads_still_answers_the_rest(void **state)
{
	json_t *v;
	assert_int_equal(fl_json_loads(arena, "{\"a\": [1, 2.5]}", 15, &v), FL_OK);
	assert_int_equal(json_array_size(json_object_get(v, "a")), 2);
	assert_int_equal(fl_json_loads(arena, "{\"a\":01}", 8, &v), FL_EMALFORMED);
	assert_int_equal(fl_json_loads(arena, "{\"a\":\"\xc3\"}", 8, &v), FL_EMALFORMED);
	assert_int_equal(fl_json_loads(arena, "{\"a\":1}", 7, &v), FL_OK);
	assert_int_equal(json_integer_value(json_object_get(v, "a")), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sessions_are_taken, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(everything_else_is_left_to_jansson, arena_setup,
		                                arena_teardown),
		cmocka_unit_test_setup_teardown(loads_still_answers_the_rest, arena_setup,
		                                arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
