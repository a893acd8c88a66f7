/* test_vec.c — lib/base/vec.h: the arena-backed typed vector behind
 * multidicts, uploaded files, template tokens, form errors and mail lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/vec.h"
#include "arena_fixture.h"

/* A vector of a struct type, the way the lexer keeps its tokens. */
struct point { int x, y; };
typedef FL_VEC(struct point) point_vec;

static void test_zeroed_is_empty(void **state)
{
	FL_VEC(int) v = {0};
	assert_int_equal(fl_vec_len(&v), 0);
	assert_null(fl_vec_at(&v, 0));
	assert_null(v.items);              /* nothing allocated before a push */
	assert_int_equal(fl_arena_used(*state), 0);
}

static void test_push_keeps_order_and_values(void **state)
{
	fl_arena *a = *state;
	point_vec v = {0};
	for (int i = 0; i < 1000; i++)
		*fl_vec_push(a, &v) = (struct point){ i, -i };
	assert_int_equal(fl_vec_len(&v), 1000);
	for (int i = 0; i < 1000; i++) {
		struct point *p = fl_vec_at(&v, i);
		assert_non_null(p);
		assert_int_equal(p->x, i);
		assert_int_equal(p->y, -i);
	}
	assert_null(fl_vec_at(&v, 1000));
	assert_null(fl_vec_at(&v, SIZE_MAX));
}

static void test_capacity_doubles_from_min(void **state)
{
	fl_arena *a = *state;
	FL_VEC(const char *) v = {0};
	*fl_vec_push(a, &v) = "one";
	assert_int_equal(v.cap, FL_VEC_MIN_CAP);
	size_t used = fl_arena_used(a);
	/* Filling the room left allocates nothing. */
	for (size_t i = 1; i < FL_VEC_MIN_CAP; i++)
		*fl_vec_push(a, &v) = "more";
	assert_int_equal(fl_arena_used(a), used);
	assert_int_equal(v.cap, FL_VEC_MIN_CAP);
	*fl_vec_push(a, &v) = "grows";
	assert_int_equal(v.cap, 2 * FL_VEC_MIN_CAP);
	assert_int_equal(fl_arena_used(a) - used, 2 * FL_VEC_MIN_CAP * sizeof(const char *));
	assert_string_equal(v.items[0], "one");
	assert_string_equal(v.items[FL_VEC_MIN_CAP], "grows");
}

static void test_storage_is_the_arenas(void **state)
{
	fl_arena *a = *state;
	FL_VEC(long) v = {0};
	for (long i = 0; i < 100; i++)
		*fl_vec_push(a, &v) = i;
	/* Every growth came from the arena (8+16+32+64+128 longs, none freed);
	 * a reset takes it all back. */
	assert_int_equal(fl_arena_used(a), (8 + 16 + 32 + 64 + 128) * sizeof(long));
	fl_arena_reset(a);
	assert_int_equal(fl_arena_used(a), 0);
}

static void test_reserve(void **state)
{
	fl_arena *a = *state;
	FL_VEC(int) v = {0};
	fl_vec_reserve(a, &v, 3);
	assert_int_equal(v.len, 0);
	assert_true(v.cap >= 3);
	size_t used = fl_arena_used(a);
	fl_vec_reserve(a, &v, 3);          /* room already there: no growth */
	assert_int_equal(fl_arena_used(a), used);
	for (int i = 0; i < 5; i++)
		*fl_vec_push(a, &v) = i;
	fl_vec_reserve(a, &v, 100);        /* more than doubling: grows to fit */
	assert_true(v.cap >= v.len + 100);
	for (int i = 0; i < 5; i++)
		assert_int_equal(v.items[i], i); /* kept across the growth */
	v.items[v.len] = -1;               /* reserved room is writable */
	assert_int_equal(v.len, 5);
}

static void test_clear_keeps_storage(void **state)
{
	fl_arena *a = *state;
	FL_VEC(int) v = {0};
	for (int i = 0; i < 20; i++)
		*fl_vec_push(a, &v) = i;
	int *items = v.items;
	size_t used = fl_arena_used(a);
	fl_vec_clear(&v);
	assert_int_equal(fl_vec_len(&v), 0);
	assert_null(fl_vec_at(&v, 0));
	for (int i = 0; i < 20; i++)
		*fl_vec_push(a, &v) = 100 + i;
	assert_ptr_equal(v.items, items);
	assert_int_equal(fl_arena_used(a), used);
	assert_int_equal(v.items[19], 119);
}

/* A struct that spells the members out (as public headers do) is a vector
 * too. */
struct named { fl_arena *arena; const char **items; size_t len, cap; };

static void test_hand_written_struct(void **state)
{
	struct named n = { .arena = *state };
	*fl_vec_push(n.arena, &n) = "a";
	*fl_vec_push(n.arena, &n) = "b";
	assert_int_equal(n.len, 2);
	assert_string_equal(*fl_vec_at(&n, 1), "b");
}

static void test_grow_directly(void **state)
{
	fl_arena *a = *state;
	size_t cap = 0;
	char *p = fl_vec_grow(a, NULL, 0, 1, 1, &cap);
	assert_non_null(p);
	assert_int_equal(cap, FL_VEC_MIN_CAP);
	memcpy(p, "abcdefgh", 8);
	char *q = fl_vec_grow(a, p, 8, 1, 1, &cap);
	assert_int_equal(cap, 16);
	assert_memory_equal(q, "abcdefgh", 8);
	assert_ptr_not_equal(p, q);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)
	const struct CMUnitTest tests[] = {
		T(test_zeroed_is_empty), T(test_push_keeps_order_and_values),
		T(test_capacity_doubles_from_min), T(test_storage_is_the_arenas), T(test_reserve),
		T(test_clear_keeps_storage), T(test_hand_written_struct), T(test_grow_directly),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
