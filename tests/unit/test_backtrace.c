/* test_backtrace.c — lib/base/backtrace.h: the call stack captured with
 * backtrace() and symbolized from this program's own debug info with
 * libdw: function names, this file's absolute path and the line of each
 * call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/backtrace.h"

static int call_line;   /* the line of the call in outer_function */

__attribute__((noinline)) static int inner_function(uintptr_t *pcs)
{
	int n = fl_backtrace_capture(pcs, FL_BACKTRACE_MAX, 0);
	__asm__ volatile("" ::: "memory");   /* not a tail call */
	return n;
}

__attribute__((noinline)) static int outer_function(uintptr_t *pcs)
{
	call_line = __LINE__ + 1;
	int n = inner_function(pcs);
	__asm__ volatile("" ::: "memory");
	return n;
}

static void test_frames_name_function_file_and_line(void **state)
{
	(void)state;
	fl_arena *a = fl_arena_new(0);
	uintptr_t pcs[FL_BACKTRACE_MAX];
	fl_backtrace_prime();
	int n = outer_function(pcs);
	assert_true(n >= 3);
	fl_frame f[FL_BACKTRACE_MAX];
	assert_int_equal(fl_backtrace_symbolize(pcs, n, 0, a, f), 0);
	/* Frame 0 is the caller of fl_backtrace_capture. */
	assert_non_null(f[0].function);
	assert_string_equal(f[0].function, "inner_function");
	assert_non_null(f[1].function);
	assert_string_equal(f[1].function, "outer_function");
	assert_non_null(f[1].file);
	assert_true(f[1].file[0] == '/');
	assert_non_null(strstr(f[1].file, "tests/unit/test_backtrace.c"));
	assert_int_equal(f[1].line, call_line);
	assert_non_null(f[1].module);
	const char *text = fl_frame_format(&f[1], a);
	char want[64];
	snprintf(want, sizeof want, "test_backtrace.c:%d", call_line);
	assert_non_null(strstr(text, "outer_function at /"));
	assert_non_null(strstr(text, want));
	fl_arena_free(a);
}

static void test_unknown_address_keeps_its_pc(void **state)
{
	(void)state;
	fl_arena *a = fl_arena_new(0);
	uintptr_t pcs[1] = { 16 };
	fl_frame f[1];
	fl_backtrace_symbolize(pcs, 1, 1, a, f);
	assert_null(f[0].function);
	assert_null(f[0].file);
	assert_int_equal(f[0].pc, 16);
	assert_string_equal(fl_frame_format(&f[0], a), "0x10");
	fl_arena_free(a);
}

static void test_skip_leaves_out_inner_frames(void **state)
{
	(void)state;
	uintptr_t all[FL_BACKTRACE_MAX], fewer[FL_BACKTRACE_MAX];
	int n = fl_backtrace_capture(all, FL_BACKTRACE_MAX, 0);
	int m = fl_backtrace_capture(fewer, 4, 1);
	assert_true(m <= 4 && m >= 1);
	assert_true(n >= 2);
	assert_true(fewer[0] == all[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_name_function_file_and_line),
		cmocka_unit_test(test_unknown_address_keeps_its_pc),
		cmocka_unit_test(test_skip_leaves_out_inner_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
