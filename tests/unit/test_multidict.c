/* test_multidict.c — lib/base/multidict.c: werkzeug's MultiDict (query args,
 * form fields, cookies): order, repeated keys, binary values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/multidict.h"
#include "arena_fixture.h"

#define ADD(md, k, v) fl_multidict_add((md), (k), (v), strlen(v))

static void test_empty(void **state)
{
	fl_multidict md;
	fl_multidict_init(&md, *state);
	assert_int_equal(md.len, 0);
	assert_null(fl_multidict_get(&md, "a"));
	assert_int_equal(fl_multidict_count(&md, "a"), 0);
	const char **l = fl_multidict_getlist(&md, "a");
	assert_non_null(l);
	assert_null(l[0]);
	json_t *j = fl_multidict_to_json(&md);
	assert_true(json_is_object(j));
	assert_int_equal(json_object_size(j), 0);
}

static void test_get_first_and_getlist(void **state)
{
	fl_multidict md;
	fl_multidict_init(&md, *state);
	ADD(&md, "tag", "a");
	ADD(&md, "name", "Ann");
	ADD(&md, "tag", "b");
	ADD(&md, "tag", "");
	assert_int_equal(md.len, 4);
	/* MultiDict.get gives the first value. */
	assert_string_equal(fl_multidict_get(&md, "tag"), "a");
	assert_string_equal(fl_multidict_get(&md, "name"), "Ann");
	assert_int_equal(fl_multidict_count(&md, "tag"), 3);
	assert_int_equal(fl_multidict_count(&md, "name"), 1);
	const char **l = fl_multidict_getlist(&md, "tag");
	assert_string_equal(l[0], "a");
	assert_string_equal(l[1], "b");
	assert_string_equal(l[2], "");
	assert_null(l[3]);
	/* Insertion order is kept across keys. */
	assert_string_equal(md.items[0].key, "tag");
	assert_string_equal(md.items[1].key, "name");
	assert_string_equal(md.items[3].value, "");
}

static void test_keys_are_exact(void **state)
{
	fl_multidict md;
	fl_multidict_init(&md, *state);
	ADD(&md, "Name", "upper");
	ADD(&md, "name", "lower");
	ADD(&md, "", "empty key");
	assert_string_equal(fl_multidict_get(&md, "Name"), "upper");
	assert_string_equal(fl_multidict_get(&md, "name"), "lower");
	assert_null(fl_multidict_get(&md, "NAME"));
	assert_null(fl_multidict_get(&md, "nam"));
	assert_null(fl_multidict_get(&md, "names"));
	assert_string_equal(fl_multidict_get(&md, ""), "empty key");
}

static void test_values_copied_and_binary(void **state)
{
	fl_multidict md;
	fl_multidict_init(&md, *state);
	char key[8] = "k", val[8] = "v1";
	fl_multidict_add(&md, key, val, 2);
	key[0] = 'x';
	val[1] = '9';
	assert_string_equal(fl_multidict_get(&md, "k"), "v1");
	assert_null(fl_multidict_get(&md, "x"));

	static const char bin[] = { 'a', '\0', 'b', (char)0xff };
	fl_multidict_add(&md, "file", bin, sizeof bin);
	assert_int_equal(md.items[1].value_len, 4);
	assert_memory_equal(md.items[1].value, bin, sizeof bin);
	assert_int_equal(md.items[1].value[4], '\0');
	/* A prefix of a longer buffer: only value_len bytes are stored. */
	fl_multidict_add(&md, "pre", "hello world", 5);
	assert_string_equal(fl_multidict_get(&md, "pre"), "hello");
	assert_int_equal(md.items[2].value_len, 5);

	/* fl_multidict_find keeps the length a C string would lose at a NUL. */
	const fl_pair *p = fl_multidict_find(&md, "file");
	assert_non_null(p);
	assert_ptr_equal(p, &md.items[1]);
	assert_int_equal(p->value_len, 4);
	assert_memory_equal(p->value, bin, sizeof bin);
	fl_multidict_add(&md, "k", "second", 6);
	assert_string_equal(fl_multidict_find(&md, "k")->value, "v1");   /* the first */
	assert_null(fl_multidict_find(&md, "nope"));
}

static void test_growth_many_pairs(void **state)
{
	fl_multidict md;
	fl_multidict_init(&md, *state);
	for (int i = 0; i < 3000; i++) {
		char k[16], v[16];
		snprintf(k, sizeof k, "k%d", i % 100);
		snprintf(v, sizeof v, "v%d", i);
		ADD(&md, k, v);
	}
	assert_int_equal(md.len, 3000);
	assert_true(md.cap >= md.len);
	assert_string_equal(fl_multidict_get(&md, "k7"), "v7");
	assert_int_equal(fl_multidict_count(&md, "k7"), 30);
	const char **l = fl_multidict_getlist(&md, "k99");
	assert_string_equal(l[0], "v99");
	assert_string_equal(l[29], "v2999");
	assert_null(l[30]);
	assert_string_equal(md.items[2999].value, "v2999");
}

static void test_to_json_first_value(void **state)
{
	fl_multidict md;
	fl_multidict_init(&md, *state);
	ADD(&md, "page", "2");
	ADD(&md, "q", "caf\xc3\xa9");
	ADD(&md, "page", "3");
	json_t *j = fl_multidict_to_json(&md);
	assert_int_equal(json_object_size(j), 2);
	assert_string_equal(json_string_value(json_object_get(j, "page")), "2");
	assert_string_equal(json_string_value(json_object_get(j, "q")), "caf\xc3\xa9");
	json_decref(j);
}

static void test_to_json_on_heap_is_freeable(void **state)
{
	/* With no JSON arena the object is on the heap and the caller's
	 * decref releases it (LSan would report a leak otherwise). */
	fl_multidict md;
	fl_multidict_init(&md, *state);
	ADD(&md, "a", "1");
	ADD(&md, "b", "2");
	fl_arena *saved = fl_json_set_arena(NULL);
	size_t used = fl_arena_used(*state);
	json_t *j = fl_multidict_to_json(&md);
	assert_int_equal(json_object_size(j), 2);
	/* On the heap: the arena gave nothing, and the values are copies
	 * (the multidict's own strings stay in the arena). */
	assert_false(fl_arena_owns(*state, j));
	assert_false(fl_arena_owns(*state, json_string_value(json_object_get(j, "a"))));
	assert_true(fl_arena_owns(*state, fl_multidict_get(&md, "a")));
	assert_int_equal(fl_arena_used(*state), used);
	json_decref(j);
	fl_json_set_arena(saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_get_first_and_getlist, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_keys_are_exact, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_values_copied_and_binary, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_growth_many_pairs, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_to_json_first_value, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_to_json_on_heap_is_freeable, arena_setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
