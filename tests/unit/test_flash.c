/* test_flash.c — Flask's flash()/get_flashed_messages() semantics. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
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

/* ---- the queue is capped (issue 14) ---- */

/* Text zlib can hardly shrink: printable ASCII (no '"' or '\\', which JSON
 * would double) drawn by a simple generator. */
static const char *noise(char *buf, size_t len, unsigned *seed)
{
	for (size_t i = 0; i + 1 < len; i++) {
		char ch;
		do {
			*seed = *seed * 1103515245u + 12345u;
			ch = (char)(' ' + (*seed >> 16) % 95);
		} while (ch == '"' || ch == '\\');
		buf[i] = ch;
	}
	buf[len - 1] = '\0';
	return buf;
}

/* The entries' messages, oldest first, as one array of strings. */
static json_t *queued(json_t *session)
{
	json_t *out = json_array();
	json_t *f = json_object_get(session, "_flashes");
	for (size_t i = 0; i < json_array_size(f); i++)
		json_array_append(out, json_array_get(json_object_get(json_array_get(f, i), " t"), 1));
	return out;
}

static void flashing_1000_messages_keeps_the_newest(void **state)
{
	json_t *s = json_object();
	char msg[64];
	for (int i = 0; i < 1000; i++) {
		snprintf(msg, sizeof msg, "Message number %d", i);
		assert_int_equal(fl_flash_push(s, msg, i % 2 ? "error" : NULL), FL_OK);
	}
	json_t *q = queued(s);
	size_t n = json_array_size(q);
	assert_true(n >= 1 && n <= FL_FLASH_MAX_MESSAGES);
	assert_string_equal(json_string_value(json_array_get(q, n - 1)), "Message number 999");
	/* the newest n, in order, nothing skipped */
	for (size_t i = 0; i < n; i++) {
		snprintf(msg, sizeof msg, "Message number %zu", 1000 - n + i);
		assert_string_equal(json_string_value(json_array_get(q, i)), msg);
	}
	fl_buf b;
	fl_buf_init(&b, arena);
	assert_int_equal(fl_json_dumps_compact(json_object_get(s, "_flashes"), &b), FL_OK);
	assert_true(b.len <= FL_FLASH_MAX_BYTES);
	/* get_flashed_messages shows them, newest last */
	json_t *shown = fl_flash_get(s, NULL, false, NULL);
	assert_int_equal(json_array_size(shown), n);
	assert_string_equal(json_string_value(json_array_get(shown, n - 1)), "Message number 999");
}

/* The whole Set-Cookie header of a full session stays under the 4096
 * bytes browsers keep per cookie, with messages zlib cannot shrink,
 * non-ASCII messages (6 bytes each in Flask's ensure_ascii JSON) and the
 * rest of a session: a CSRF token, a long non-ASCII name, permanent. */
static void flashing_1000_messages_keeps_the_cookie_under_4096_bytes(void **state)
{
	static const char *const kinds[] = { "ascii", "cjk", "emoji" };
	for (size_t k = 0; k < 3; k++) {
		json_t *s = json_object();
		char csrf[41], text[200];
		unsigned seed = 7;
		json_object_set_new(s, "csrf_token", json_string(noise(csrf, sizeof csrf, &seed)));
		char name[64 * 3 + 1] = "";
		for (int i = 0; i < 64; i++)
			strcat(name, "名");
		json_object_set_new(s, "name", json_string(name));
		json_object_set_new(s, "known", json_true());
		fl_session_set_permanent(s, true);
		const char *last = NULL;
		for (int i = 0; i < 1000; i++) {
			char msg[400];
			noise(text, 20 + (size_t)(i % 60), &seed);
			if (k == 0)
				snprintf(msg, sizeof msg, "%d %s", i, text);
			else if (k == 1)
				snprintf(msg, sizeof msg, "%d 你好%s世界", i, text);
			else
				snprintf(msg, sizeof msg, "%d \xf0\x9f\x8d\xb0%s", i, text);
			assert_int_equal(fl_flash_push(s, msg, "warning"), FL_OK);
			last = fl_arena_strdup(arena, msg);
		}
		fl_session_config cfg;
		fl_session_config_init(&cfg);
		cfg.secret_key = "dev-key";
		cfg.samesite = "Lax";
		cfg.domain = "flasky.example.com";
		cfg.secure = true;
		fl_session sess = { .data = s, .opened = "{}" };
		const char *header = NULL;
		assert_int_equal(fl_session_save_header(fl_session_cookie_store(), &cfg, arena, &sess,
			1700000000, &header), FL_OK);
		assert_non_null(header);
		print_message("%s: Set-Cookie is %zu bytes\n", kinds[k], strlen(header));
		assert_true(strlen("Set-Cookie: ") + strlen(header) < 4096);
		json_t *q = queued(s);
		assert_string_equal(json_string_value(json_array_get(q, json_array_size(q) - 1)),
			last);
		/* the byte budget is what binds, and it is measured exactly */
		fl_buf b;
		fl_buf_init(&b, arena);
		assert_int_equal(fl_json_dumps_compact(json_object_get(s, "_flashes"), &b), FL_OK);
		print_message("%s: %zu messages, %zu bytes of JSON\n", kinds[k],
			json_array_size(q), b.len);
		assert_true(b.len <= FL_FLASH_MAX_BYTES);
		assert_true(b.len > FL_FLASH_MAX_BYTES - 150);
	}
}

static void one_huge_message_is_kept_alone(void **state)
{
	json_t *s = json_object();
	char *big = fl_arena_alloc(arena, FL_FLASH_MAX_BYTES + 100);
	memset(big, 'x', FL_FLASH_MAX_BYTES + 99);
	big[FL_FLASH_MAX_BYTES + 99] = '\0';
	fl_flash_push(s, "small", NULL);
	assert_int_equal(fl_flash_push(s, big, NULL), FL_OK);
	json_t *q = queued(s);
	assert_int_equal(json_array_size(q), 1);               /* never shortened */
	assert_string_equal(json_string_value(json_array_get(q, 0)), big);
	fl_flash_push(s, "after", NULL);                        /* the huge one goes */
	q = queued(s);
	assert_int_equal(json_array_size(q), 1);
	assert_string_equal(json_string_value(json_array_get(q, 0)), "after");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flash_stores_tagged_tuples_in_order),
		cmocka_unit_test(messages_are_shown_once),
		cmocka_unit_test(category_filter_selects_messages),
		cmocka_unit_test(flashes_written_by_flask_are_read),
		cmocka_unit_test(bad_arguments_are_refused),
		cmocka_unit_test(flashing_1000_messages_keeps_the_newest),
		cmocka_unit_test(flashing_1000_messages_keeps_the_cookie_under_4096_bytes),
		cmocka_unit_test(one_huge_message_is_kept_alone),
	};
	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
