/* test_arena.c — lib/base/arena.c: the per-request bump allocator, arena-backed
 * buffers and jansson's allocator hooks.  Run under ASan/LSan
 * (ASAN_OPTIONS=detect_leaks=1): the JSON tests rely on the leak checker to
 * prove that arena values die with the arena and heap values are freed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/arena.h"

static int setup(void **state)
{
	*state = fl_arena_new(1024); /* small chunks: growth paths run often */
	return 0;
}

static int teardown(void **state)
{
	fl_json_set_arena(NULL);
	fl_arena_free(*state);
	return 0;
}

static void test_alloc_alignment(void **state)
{
	fl_arena *a = *state;
	static const size_t sizes[] = { 1, 3, 7, 15, 16, 17, 31, 33, 100, 0, 5, 1000, 2 };
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		unsigned char *p = fl_arena_alloc(a, sizes[i]);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		if (sizes[i])
			memset(p, 0xab, sizes[i]); /* writable: ASan would object otherwise */
	}
	/* Distinct allocations never overlap. */
	char *x = fl_arena_alloc(a, 10), *y = fl_arena_alloc(a, 10);
	memset(x, 'x', 10);
	memset(y, 'y', 10);
	assert_int_equal(x[9], 'x');
	assert_int_equal(y[0], 'y');
	assert_true(y >= x + 10 || x >= y + 10);
}

static void test_large_allocation_beyond_chunk(void **state)
{
	fl_arena *a = *state;
	char *small = fl_arena_strdup(a, "before");
	size_t big = 1u << 20; /* 1 MiB with 1 KiB chunks */
	unsigned char *p = fl_arena_alloc(a, big);
	assert_int_equal((uintptr_t)p % 16, 0);
	memset(p, 0x5a, big);
	assert_int_equal(p[0], 0x5a);
	assert_int_equal(p[big - 1], 0x5a);
	assert_true(fl_arena_used(a) >= big);
	/* Earlier allocations are untouched; later ones still work. */
	assert_string_equal(small, "before");
	char *after = fl_arena_strdup(a, "after");
	assert_string_equal(after, "after");
	/* Many chunk-sized allocations in a row. */
	for (int i = 0; i < 100; i++) {
		char *q = fl_arena_alloc(a, 1000);
		memset(q, i, 1000);
	}
	assert_string_equal(small, "before");
}

static void test_calloc_zeroes(void **state)
{
	fl_arena *a = *state;
	/* Dirty the memory first so calloc must really zero it. */
	memset(fl_arena_alloc(a, 512), 0xff, 512);
	fl_arena_reset(a);
	int *v = fl_arena_calloc(a, 100, sizeof *v);
	for (int i = 0; i < 100; i++)
		assert_int_equal(v[i], 0);
	assert_int_equal((uintptr_t)v % 16, 0);
}

static void test_reset_reuses_memory(void **state)
{
	fl_arena *a = *state;
	assert_int_equal(fl_arena_used(a), 0);
	char *first = fl_arena_alloc(a, 64);
	assert_true(fl_arena_used(a) >= 64);
	for (int i = 0; i < 50; i++)
		(void)fl_arena_alloc(a, 900); /* spill into many chunks */
	(void)fl_arena_alloc(a, 100000);
	fl_arena_reset(a);
	assert_int_equal(fl_arena_used(a), 0);
	/* The first chunk is kept: the next allocation reuses its memory. */
	char *again = fl_arena_alloc(a, 64);
	assert_ptr_equal(first, again);
	/* And the arena keeps working across many request-like cycles. */
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 30; i++) {
			char *s = fl_arena_printf(a, "round %d item %d", round, i);
			assert_non_null(s);
		}
		(void)fl_arena_alloc(a, 5000);
		fl_arena_reset(a);
		assert_int_equal(fl_arena_used(a), 0);
	}
	assert_string_equal(fl_arena_strdup(a, "still fine"), "still fine");
}

static void test_strdup_family(void **state)
{
	fl_arena *a = *state;
	const char *src = "hello, world";
	char *d = fl_arena_strdup(a, src);
	assert_string_equal(d, src);
	assert_ptr_not_equal(d, src);
	assert_null(fl_arena_strdup(a, NULL));
	assert_string_equal(fl_arena_strdup(a, ""), "");

	char *n = fl_arena_strndup(a, src, 5);
	assert_string_equal(n, "hello");
	assert_string_equal(fl_arena_strndup(a, src, 0), "");

	/* memdup is binary-safe and NUL-terminates. */
	const char bin[] = { 'a', '\0', 'b', (char)0xff, 'c' };
	char *m = fl_arena_memdup(a, bin, sizeof bin);
	assert_memory_equal(m, bin, sizeof bin);
	assert_int_equal(m[sizeof bin], '\0');
	char *e = fl_arena_memdup(a, "xyz", 0);
	assert_int_equal(e[0], '\0');
}

static void test_printf(void **state)
{
	fl_arena *a = *state;
	assert_string_equal(fl_arena_printf(a, "%s=%d;%05.1f", "k", -42, 3.14159), "k=-42;003.1");
	assert_string_equal(fl_arena_printf(a, "%s", ""), "");
	/* Longer than a chunk. */
	char big[5000];
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	char *s = fl_arena_printf(a, "<%s>", big);
	assert_int_equal(strlen(s), sizeof big - 1 + 2);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[sizeof big], '>');
	assert_int_equal(s[1], 'q');
	assert_int_equal(s[sizeof big - 1], 'q');
}

static void test_buf_append_binary_growth(void **state)
{
	fl_arena *a = *state;
	fl_buf b;
	fl_buf_init(&b, a);
	assert_string_equal(fl_buf_cstr(&b), "");
	assert_int_equal(b.len, 0);

	/* 10000 bytes of every value, NULs included, appended in odd sizes. */
	unsigned char want[10000];
	for (size_t i = 0; i < sizeof want; i++)
		want[i] = (unsigned char)(i * 7 + 3);
	size_t off = 0, step = 1;
	while (off < sizeof want) {
		size_t n = step < sizeof want - off ? step : sizeof want - off;
		fl_buf_append(&b, want + off, n);
		off += n;
		step = step * 3 % 997 + 1;
		assert_int_equal(b.data[b.len], '\0');
	}
	assert_int_equal(b.len, sizeof want);
	assert_memory_equal(b.data, want, sizeof want);
	assert_true(b.cap > b.len);

	fl_buf_append(&b, "", 0);
	assert_int_equal(b.len, sizeof want);
}

static void test_buf_puts_putc_printf(void **state)
{
	fl_arena *a = *state;
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_puts(&b, "Status: ");
	fl_buf_printf(&b, "%d %s", 404, "Not Found");
	fl_buf_putc(&b, '\r');
	fl_buf_putc(&b, '\n');
	fl_buf_putc(&b, '\0');
	fl_buf_putc(&b, 'z');
	assert_int_equal(b.len, strlen("Status: 404 Not Found\r\n") + 2);
	assert_memory_equal(b.data, "Status: 404 Not Found\r\n\0z", b.len);

	/* printf growth across many buffer doublings. */
	fl_buf c;
	fl_buf_init(&c, a);
	for (int i = 0; i < 2000; i++)
		fl_buf_printf(&c, "%04d,", i);
	assert_int_equal(c.len, 2000 * 5);
	assert_memory_equal(c.data, "0000,0001,", 10);
	assert_memory_equal(c.data + c.len - 5, "1999,", 5);
	assert_int_equal(c.data[c.len], '\0');
	/* An empty printf leaves the buffer unchanged. */
	fl_buf_printf(&c, "%s", "");
	assert_int_equal(c.len, 2000 * 5);
	/* One printf larger than a chunk. */
	fl_buf d;
	fl_buf_init(&d, a);
	fl_buf_printf(&d, "%3000s|", "x");
	assert_int_equal(d.len, 3001);
	assert_int_equal(d.data[2999], 'x');
	assert_int_equal(d.data[3000], '|');
}

static void test_owns(void **state)
{
	fl_arena *a = *state;
	int on_stack = 0;
	char *heap = malloc(16);
	char *small = fl_arena_alloc(a, 10);
	char *big = fl_arena_alloc(a, 100000);     /* a chunk of its own */
	char *last = fl_arena_strdup(a, "last");
	assert_non_null(heap);
	assert_true(fl_arena_owns(a, small));
	assert_true(fl_arena_owns(a, small + 9));
	assert_true(fl_arena_owns(a, big));
	assert_true(fl_arena_owns(a, big + 99999));
	assert_true(fl_arena_owns(a, last));
	assert_false(fl_arena_owns(a, &on_stack));
	assert_false(fl_arena_owns(a, heap));
	assert_false(fl_arena_owns(a, NULL));
	assert_false(fl_arena_owns(a, "a literal"));
	/* Another arena's memory is not this one's. */
	fl_arena *b = fl_arena_new(0);
	char *in_b = fl_arena_strdup(b, "b");
	assert_false(fl_arena_owns(a, in_b));
	assert_true(fl_arena_owns(b, in_b));
	fl_arena_free(b);
	/* After a reset nothing is handed out any more, not even the kept
	 * first chunk's old contents. */
	fl_arena_reset(a);
	assert_false(fl_arena_owns(a, small));
	assert_false(fl_arena_owns(a, last));
	free(heap);
}

static void test_json_in_arena_freed_by_reset(void **state)
{
	fl_arena *a = *state;
	assert_null(fl_json_set_arena(a));
	for (int round = 0; round < 5; round++) {
		json_t *o = json_object();
		for (int i = 0; i < 200; i++) {
			char k[32];
			snprintf(k, sizeof k, "key%d", i);
			json_object_set_new(o, k, json_pack("{s:s, s:i, s:[i,i]}", "name", k, "n", i, "l", 1, 2));
		}
		json_t *s = json_string("a string nobody decrefs");
		assert_non_null(s);
		assert_int_equal(json_object_size(o), 200);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "key7"), "n")), 7);
		char *dump = json_dumps(o, JSON_COMPACT);
		assert_non_null(dump);
		assert_true(strlen(dump) > 1000);
		/* Deliberately no json_decref / free: the reset must reclaim it all
		 * (LSan would report the leak otherwise).  Reclaimable because
		 * jansson put every value and string in the arena: */
		assert_true(fl_arena_owns(a, o));
		assert_true(fl_arena_owns(a, s));
		assert_true(fl_arena_owns(a, json_string_value(s)));
		assert_true(fl_arena_owns(a, json_object_get(o, "key199")));
		assert_true(fl_arena_owns(a, dump));
		assert_true(fl_arena_used(a) > 0);
		fl_arena_reset(a);
		assert_int_equal(fl_arena_used(a), 0);
	}
	assert_ptr_equal(fl_json_set_arena(NULL), a);
}

static void test_json_decref_on_arena_value_harmless(void **state)
{
	fl_arena *a = *state;
	fl_json_set_arena(a);
	json_t *o = json_pack("{s:s, s:[i,i,i], s:{s:b}}", "a", "b", "l", 1, 2, 3, "o", "t", 1);
	assert_non_null(o);
	json_t *l = json_incref(json_object_get(o, "l"));
	json_decref(o);      /* refcount 0: jansson "frees" into the arena */
	assert_int_equal(json_array_size(l), 3);
	assert_int_equal(json_integer_value(json_array_get(l, 2)), 3);
	json_decref(l);
	json_t *s = json_string("x");
	json_decref(s);
	json_decref(NULL);
	/* The arena still hands out memory normally afterwards. */
	json_t *again = json_string("again");
	assert_string_equal(json_string_value(again), "again");
	fl_arena_reset(a);
	fl_json_set_arena(NULL);
}

static void test_json_heap_values_still_freed(void **state)
{
	fl_arena *a = *state;
	assert_null(fl_json_set_arena(NULL));
	/* A heap value outlives arena resets and is freed by decref (LSan
	 * checks both: no leak, no use after free). */
	json_t *heap = json_pack("{s:s, s:[i,i]}", "k", "v", "l", 1, 2);
	assert_non_null(heap);
	assert_false(fl_arena_owns(a, heap));
	fl_json_set_arena(a);
	json_t *tmp = json_pack("{s:s}", "request", "value");
	assert_non_null(tmp);
	assert_true(fl_arena_owns(a, tmp));
	fl_arena_reset(a);
	fl_json_set_arena(NULL);
	assert_string_equal(json_string_value(json_object_get(heap, "k")), "v");
	char *dump = json_dumps(heap, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(dump, "{\"k\":\"v\",\"l\":[1,2]}");
	/* json_dumps memory comes from jansson's allocator: release it there. */
	json_free_t jfree;
	json_get_alloc_funcs(NULL, &jfree);
	jfree(dump);
	json_decref(heap);
	/* Heap allocations in a loop: nothing may accumulate (LSan). */
	for (int i = 0; i < 100; i++) {
		json_t *v = json_pack("[s,i]", "x", i);
		json_decref(v);
	}
}

static void test_set_arena_returns_previous(void **state)
{
	fl_arena *a = *state;
	fl_arena *b = fl_arena_new(0);
	assert_null(fl_json_set_arena(a));
	assert_ptr_equal(fl_json_set_arena(b), a);
	json_t *in_b = json_string("in b");
	size_t used_a = fl_arena_used(a);
	assert_true(fl_arena_used(b) > 0);
	assert_string_equal(json_string_value(in_b), "in b");
	assert_ptr_equal(fl_json_set_arena(a), b);
	(void)json_string("in a");
	assert_true(fl_arena_used(a) > used_a);
	assert_ptr_equal(fl_json_set_arena(NULL), a);
	fl_arena_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_allocation_beyond_chunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calloc_zeroes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_reuses_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strdup_family, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_append_binary_growth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_puts_putc_printf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_in_arena_freed_by_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_decref_on_arena_value_harmless, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_heap_values_still_freed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_arena_returns_previous, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
