/* test_response.c — lib/http/response.c: header safety (no header splitting),
 * header set/get/del, the header limit and the CGI serialization. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/arena.h"
#include "http/response.h"
#include "arena_fixture.h"

static void test_init_defaults(void **state)
{
	fl_response r;
	fl_response_init(&r, *state);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.nheaders, 0);
	assert_int_equal(r.body.len, 0);
	assert_null(fl_response_get_header(&r, "Content-Type"));
}

static void test_status_text(void **state)
{
	assert_string_equal(fl_status_text(200), "OK");
	assert_string_equal(fl_status_text(201), "Created");
	assert_string_equal(fl_status_text(204), "No Content");
	assert_string_equal(fl_status_text(302), "Found");
	assert_string_equal(fl_status_text(308), "Permanent Redirect");
	assert_string_equal(fl_status_text(400), "Bad Request");
	assert_string_equal(fl_status_text(404), "Not Found");
	assert_string_equal(fl_status_text(405), "Method Not Allowed");
	assert_string_equal(fl_status_text(409), "Conflict");
	assert_string_equal(fl_status_text(413), "Request Entity Too Large");
	assert_string_equal(fl_status_text(422), "Unprocessable Entity");
	assert_string_equal(fl_status_text(500), "Internal Server Error");
	assert_string_equal(fl_status_text(503), "Service Unavailable");
	assert_string_equal(fl_status_text(299), "Unknown");
	assert_string_equal(fl_status_text(0), "Unknown");
	assert_string_equal(fl_status_text(-1), "Unknown");
}

static void test_header_value_injection_refused(void **state)
{
	fl_response r;
	fl_response_init(&r, *state);
	static const char *const bad[] = {
		"a\r\nSet-Cookie: evil=1", "a\nX: y", "a\rb", "\r\n", "a\x01", "a\x1f",
		"a\x7f", "a\x0b", "\x1b[31m",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(fl_response_add_header(&r, "X-Test", bad[i]), FL_EINVAL);
		assert_int_equal(fl_response_set_header(&r, "X-Test", bad[i]), FL_EINVAL);
	}
	assert_int_equal(r.nheaders, 0);
	assert_null(fl_response_get_header(&r, "X-Test"));
	assert_null(fl_response_get_header(&r, "Set-Cookie"));

	/* HTAB, spaces, empty values and UTF-8 (obs-text) are fine. */
	assert_int_equal(fl_response_add_header(&r, "X-Tab", "a\tb"), FL_OK);
	assert_int_equal(fl_response_add_header(&r, "X-Empty", ""), FL_OK);
	assert_int_equal(fl_response_add_header(&r, "X-Utf8", "caf\xc3\xa9 ok"), FL_OK);
	assert_string_equal(fl_response_get_header(&r, "X-Tab"), "a\tb");
	assert_string_equal(fl_response_get_header(&r, "X-Empty"), "");
	assert_int_equal(r.nheaders, 3);
}

static void test_set_header_with_bad_value_keeps_old(void **state)
{
	/* A refused set must not delete the existing header either. */
	fl_response r;
	fl_response_init(&r, *state);
	assert_int_equal(fl_response_set_header(&r, "Location", "/ok"), FL_OK);
	assert_int_equal(fl_response_set_header(&r, "Location", "/x\r\nX: y"), FL_EINVAL);
	assert_string_equal(fl_response_get_header(&r, "Location"), "/ok");
	assert_int_equal(r.nheaders, 1);
}

static void test_header_name_must_be_token(void **state)
{
	fl_response r;
	fl_response_init(&r, *state);
	static const char *const bad[] = {
		"", "X Test", "X:Test", "X-Test\r\n", "X\nY", "X(", "X@", "X/Y", "X=Y",
		"X\"", "X\t", "X\x7f", "\xc3\xa9",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (fl_response_add_header(&r, bad[i], "v") != FL_EINVAL)
			fail_msg("header name #%zu accepted", i);
	assert_int_equal(r.nheaders, 0);
	assert_int_equal(fl_response_add_header(&r, "X-A_b.c!#$%&'*+^`|~9", "v"), FL_OK);
	assert_int_equal(r.nheaders, 1);
}

static void test_set_replaces_case_insensitively(void **state)
{
	fl_response r;
	fl_response_init(&r, *state);
	assert_int_equal(fl_response_add_header(&r, "Set-Cookie", "a=1"), FL_OK);
	assert_int_equal(fl_response_add_header(&r, "Content-Type", "text/plain"), FL_OK);
	assert_int_equal(fl_response_add_header(&r, "set-cookie", "b=2"), FL_OK);
	assert_int_equal(r.nheaders, 3);
	/* add keeps duplicates; get returns the first. */
	assert_string_equal(fl_response_get_header(&r, "SET-COOKIE"), "a=1");

	assert_int_equal(fl_response_set_header(&r, "SET-cookie", "c=3"), FL_OK);
	assert_int_equal(r.nheaders, 2);
	assert_string_equal(fl_response_get_header(&r, "Set-Cookie"), "c=3");
	assert_string_equal(fl_response_get_header(&r, "content-type"), "text/plain");

	/* The copy is owned by the response: changing the source is harmless. */
	char buf[16] = "text/html";
	assert_int_equal(fl_response_set_header(&r, "Content-Type", buf), FL_OK);
	buf[0] = 'X';
	assert_string_equal(fl_response_get_header(&r, "Content-Type"), "text/html");
}

static void test_del_header(void **state)
{
	fl_response r;
	fl_response_init(&r, *state);
	fl_response_add_header(&r, "A", "1");
	fl_response_add_header(&r, "X-Gone", "1");
	fl_response_add_header(&r, "B", "2");
	fl_response_add_header(&r, "x-gone", "2");
	fl_response_del_header(&r, "X-GONE");
	assert_int_equal(r.nheaders, 2);
	assert_null(fl_response_get_header(&r, "X-Gone"));
	/* Order of the rest is kept. */
	assert_string_equal(r.headers[0].name, "A");
	assert_string_equal(r.headers[1].name, "B");
	fl_response_del_header(&r, "Not-There");
	assert_int_equal(r.nheaders, 2);
}

static void test_header_limit(void **state)
{
	fl_response r;
	fl_response_init(&r, *state);
	for (int i = 0; i < FL_MAX_HEADERS; i++) {
		char name[32];
		snprintf(name, sizeof name, "X-H%d", i);
		assert_int_equal(fl_response_add_header(&r, name, "v"), FL_OK);
	}
	assert_int_equal(r.nheaders, FL_MAX_HEADERS);
	assert_int_equal(fl_response_add_header(&r, "X-One-Too-Many", "v"), FL_ETOOLARGE);
	assert_int_equal(r.nheaders, FL_MAX_HEADERS);
	assert_null(fl_response_get_header(&r, "X-One-Too-Many"));
	/* Replacing an existing header still works when full. */
	assert_int_equal(fl_response_set_header(&r, "X-H3", "new"), FL_OK);
	assert_string_equal(fl_response_get_header(&r, "x-h3"), "new");
	assert_int_equal(r.nheaders, FL_MAX_HEADERS);
}

static const char *serialize(const fl_response *r, int head_only, fl_arena *a, size_t *len)
{
	fl_buf out;
	fl_buf_init(&out, a);
	fl_response_serialize(r, head_only, &out);
	*len = out.len;
	return fl_buf_cstr(&out);
}

static void test_serialize(void **state)
{
	fl_arena *a = *state;
	fl_response r;
	size_t len;
	fl_response_init(&r, a);
	r.status = 404;
	fl_response_add_header(&r, "Content-Type", "text/html; charset=utf-8");
	fl_response_add_header(&r, "X-Frame-Options", "DENY");
	fl_buf_puts(&r.body, "<h1>Not Found</h1>");
	const char *s = serialize(&r, 0, a, &len);
	static const char want[] =
		"Status: 404 Not Found\r\n"
		"Content-Type: text/html; charset=utf-8\r\n"
		"X-Frame-Options: DENY\r\n"
		"Content-Length: 18\r\n"
		"\r\n"
		"<h1>Not Found</h1>";
	assert_int_equal(len, sizeof want - 1);
	assert_string_equal(s, want);
}

static void test_serialize_empty_and_binary_body(void **state)
{
	fl_arena *a = *state;
	fl_response r;
	size_t len;
	fl_response_init(&r, a);
	const char *s = serialize(&r, 0, a, &len);
	assert_string_equal(s, "Status: 200 OK\r\nContent-Length: 0\r\n\r\n");

	fl_buf_append(&r.body, "a\0b\r\n", 5);
	s = serialize(&r, 0, a, &len);
	static const char want[] = "Status: 200 OK\r\nContent-Length: 5\r\n\r\na\0b\r\n";
	assert_int_equal(len, sizeof want - 1);
	assert_memory_equal(s, want, len);
}

static void test_serialize_head(void **state)
{
	fl_arena *a = *state;
	fl_response r;
	size_t len;
	fl_response_init(&r, a);
	fl_response_add_header(&r, "Content-Type", "text/plain");
	fl_buf_puts(&r.body, "hello world");
	const char *s = serialize(&r, 1, a, &len);
	assert_string_equal(s,
		"Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n");
}

static void test_serialize_204_304(void **state)
{
	fl_arena *a = *state;
	fl_response r;
	size_t len;
	fl_response_init(&r, a);
	r.status = 204;
	fl_buf_puts(&r.body, "should not be sent");
	const char *s = serialize(&r, 0, a, &len);
	assert_string_equal(s, "Status: 204 No Content\r\n\r\n");
	assert_null(strstr(s, "Content-Length"));

	r.status = 304;
	s = serialize(&r, 0, a, &len);
	assert_string_equal(s, "Status: 304 Not Modified\r\n\r\n");
}

static void test_serialize_unknown_status(void **state)
{
	fl_arena *a = *state;
	fl_response r;
	size_t len;
	fl_response_init(&r, a);
	r.status = 299;
	assert_string_equal(serialize(&r, 0, a, &len), "Status: 299 Unknown\r\nContent-Length: 0\r\n\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_defaults, arena_setup, arena_teardown),
		cmocka_unit_test(test_status_text),
		cmocka_unit_test_setup_teardown(test_header_value_injection_refused, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_set_header_with_bad_value_keeps_old, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_header_name_must_be_token, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_set_replaces_case_insensitively, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_del_header, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_header_limit, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_serialize, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_serialize_empty_and_binary_body, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_serialize_head, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_serialize_204_304, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_serialize_unknown_status, arena_setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
