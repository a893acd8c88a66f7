/* test_jstring.c — base/jstring.h: the strings jansson would make, the same
 * ones turned away, and the shared strings of definitions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/jstring.h"
#include "arena_fixture.h"

static void strings_are_jansson_s(void **state)
{
	const char *texts[] = { "", "plain", "Zo\xc3\xab \xe5\x86\x99", "\xf0\x9f\x98\x80" };
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		json_t *mine = fl_json_string(texts[i]), *theirs = json_string(texts[i]);
		assert_non_null(mine);
		assert_true(json_equal(mine, theirs));
	}
	json_t *nul = fl_json_stringn("a\0b", 3);
	assert_true(json_equal(nul, json_stringn("a\0b", 3)));
	const char *bad[] = { "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_null(fl_json_string(bad[i]));
		assert_null(json_string(bad[i]));
		assert_null(fl_json_string_const(bad[i]));
	}
	assert_null(fl_json_string(NULL));
	assert_null(fl_json_string_const(NULL));
}

static void constants_are_shared_by_their_bytes(void **state)
{
	char name[] = "csrf_name";
	json_t *a = fl_json_string_const(name), *b = fl_json_string_const("csrf_name");
	assert_ptr_equal(a, b);
	assert_string_equal(json_string_value(a), "csrf_name");
	assert_false(fl_arena_owns(arena, a));   /* on the heap, not the request's */
	json_t *c = fl_json_string_const("csrf_namf");
	assert_ptr_not_equal(a, c);
	/* too long to share: an ordinary string, equal all the same */
	char longer[100];
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	json_t *l = fl_json_string_const(longer);
	assert_string_equal(json_string_value(l), longer);
	assert_true(fl_arena_owns(arena, l));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings_are_jansson_s),
		cmocka_unit_test(constants_are_shared_by_their_bytes),
	};
	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
