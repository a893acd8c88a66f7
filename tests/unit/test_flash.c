/* test_flash.c — Flask's flash()/get_flashed_messages() semantics. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "session/flash.h"
#include "session/session.h"
#include "base/signing.h"
#include "arena_fixture.h"

static const char *dump(const json_t *v)
{
	fl_buf b;
	fl_buf_init(&b, arena);
	assert_int_equal(fl_json_dumps_compact(v, &b), FL_OK);
	return fl_buf_cstr(&b);
}

static void flash_stores_tagged_tuples_in_order(void **state)
{
	json_t *s = json_object();
	assert_int_equal(fl_flash_push(s, "first", NULL), FL_OK);
	assert_int_equal(fl_flash_push(s, "second", "error"), FL_OK);
	/* byte for byte what Flask's session serializer writes */
	assert_string_equal(dump(s), "{\"_flashes\":[{\" t\":[\"message\",\"first\"]},"
	                             "{\" t\":[\"error\",\"second\"]}]}");
}

static void messages_are_shown_once(void **state)
{
	json_t *s = json_object();
	json_t *cache = NULL;
	fl_flash_push(s, "one", NULL);
	fl_flash_push(s, "two", "warning");
	json_t *m = fl_flash_get(s, &cache, false, NULL);
	assert_string_equal(dump(m), "[\"one\",\"two\"]");
	assert_null(json_object_get(s, "_flashes"));
	/* same request: same list, with categories this time */
	m = fl_flash_get(s, &cache, true, NULL);
	assert_string_equal(dump(m), "[[\"message\",\"one\"],[\"warning\",\"two\"]]");
	/* next request: nothing left */
	json_t *next_cache = NULL;
	m = fl_flash_get(s, &next_cache, false, NULL);
	assert_int_equal(json_array_size(m), 0);
}

static void category_filter_selects_messages(void **state)
{
	json_t *s = json_object();
	json_t *cache = NULL;
	const char *const only_errors[] = {"error", NULL};
	const char *const none[] = {NULL};
	fl_flash_push(s, "a", "info");
	fl_flash_push(s, "b", "error");
	fl_flash_push(s, "c", "error");
	assert_string_equal(dump(fl_flash_get(s, &cache, false, only_errors)),
	                    "[\"b\",\"c\"]");
	assert_string_equal(dump(fl_flash_get(s, &cache, true, only_errors)),
	                    "[[\"error\",\"b\"],[\"error\",\"c\"]]");
	assert_string_equal(dump(fl_flash_get(s, &cache, false, none)),
	                    "[\"a\",\"b\",\"c\"]");
}

static void flashes_written_by_flask_are_read(void **state)
{
	/* Flask: session["_flashes"] after flash("Looks like ...") */
	const char *text = "{\"_flashes\":[{\" t\":[\"message\",\"Hi \\u00e9\"]},[\"x\",\"list\"],"
	                   "{\" t\":[\"bad\"]},42]}";
	json_t *s;
	assert_int_equal(fl_json_loads(arena, text, strlen(text), &s), FL_OK);
	json_t *m = fl_flash_pop(s);
	assert_string_equal(dump(m), "[[\"message\",\"Hi \\u00e9\"],[\"x\",\"list\"]]");
}

static void bad_arguments_are_refused(void **state)
{
	json_t *arr = json_array();
	json_t *s = json_object();
	assert_int_equal(fl_flash_push(arr, "x", NULL), FL_EINVAL);
	assert_int_equal(fl_flash_push(s, NULL, NULL), FL_EINVAL);
	assert_int_equal(fl_flash_push(s, "\xff", NULL), FL_EUTF8);
	assert_int_equal(json_object_size(s), 0);
	/* a corrupt _flashes value is replaced rather than crashing */
	json_object_set_new(s, "_flashes", json_string("junk"));
	assert_int_equal(fl_flash_push(s, "ok", NULL), FL_OK);
	assert_int_equal(json_array_size(json_object_get(s, "_flashes")), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flash_stores_tagged_tuples_in_order),
		cmocka_unit_test(messages_are_shown_once),
		cmocka_unit_test(category_filter_selects_messages),
		cmocka_unit_test(flashes_written_by_flask_are_read),
		cmocka_unit_test(bad_arguments_are_refused),
	};
	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
