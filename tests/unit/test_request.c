/* test_request.c — lib/http/request.c: building a request from CGI variables
 * and reading/parsing its body within limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/arena.h"
#include "http/http.h"
#include "http/request.h"
#include "arena_fixture.h"

/* A body reader over a memory buffer, handing out at most `chunk` bytes a
 * call (to exercise the read loop); counts its calls. */
typedef struct mem_reader {
	const char *data;
	size_t len, off, chunk;
	int calls;
} mem_reader;

static long mem_read(void *ud, char *buf, size_t n)
{
	mem_reader *m = ud;
	m->calls++;
	size_t left = m->len - m->off;
	if (n > left)
		n = left;
	if (m->chunk && n > m->chunk)
		n = m->chunk;
	memcpy(buf, m->data + m->off, n);
	m->off += n;
	return (long)n;
}

static long failing_read(void *ud, char *buf, size_t n)
{
	(void)buf;
	(void)n;
	++*(int *)ud;
	return -1;
}

static fl_err init(fl_arena *a, fl_request *r, char **envp)
{
	const char *why = NULL;
	fl_err e = fl_request_init(r, a, envp, &why);
	if (e)
		assert_non_null(why);
	return e;
}

static void test_basic_cgi_variables(void **state)
{
	char *env[] = {
		"REQUEST_METHOD=POST", "PATH_INFO=/user/alice", "SCRIPT_NAME=/cgi-bin/main",
		"QUERY_STRING=a=1&b=x+y&a=2&c=%E4%BD%A0", "REMOTE_ADDR=192.0.2.7",
		"HTTP_USER_AGENT=Mozilla/5.0 (test)", "CONTENT_TYPE=Application/X-WWW-Form-Urlencoded; charset=UTF-8",
		"HTTP_X_REQUESTED_WITH=XMLHttpRequest", "SERVER_NAME=example.com", NULL,
	};
	fl_request r;
	assert_int_equal(init(*state, &r, env), FL_OK);
	assert_int_equal(r.method, FL_POST);
	assert_string_equal(r.method_name, "POST");
	assert_string_equal(r.path, "/user/alice");
	assert_string_equal(r.script_name, "/cgi-bin/main");
	assert_string_equal(r.query_string, "a=1&b=x+y&a=2&c=%E4%BD%A0");
	assert_string_equal(r.remote_addr, "192.0.2.7");
	assert_string_equal(r.mimetype, "application/x-www-form-urlencoded");

	/* request.args with a repeated key. */
	assert_string_equal(fl_multidict_get(&r.args, "a"), "1");
	assert_int_equal(fl_multidict_count(&r.args, "a"), 2);
	const char **as = fl_multidict_getlist(&r.args, "a");
	assert_string_equal(as[0], "1");
	assert_string_equal(as[1], "2");
	assert_null(as[2]);
	assert_string_equal(fl_multidict_get(&r.args, "b"), "x y");
	assert_string_equal(fl_multidict_get(&r.args, "c"), "\xe4\xbd\xa0");
	assert_null(fl_multidict_get(&r.args, "d"));

	/* Headers. */
	assert_string_equal(fl_request_header(&r, "User-Agent"), "Mozilla/5.0 (test)");
	assert_string_equal(fl_request_header(&r, "user-agent"), "Mozilla/5.0 (test)");
	assert_string_equal(fl_request_header(&r, "X-Requested-With"), "XMLHttpRequest");
	assert_string_equal(fl_request_header(&r, "Content-Type"),
		"Application/X-WWW-Form-Urlencoded; charset=UTF-8");
	assert_null(fl_request_header(&r, "Referer"));
	assert_string_equal(fl_request_env(&r, "SERVER_NAME"), "example.com");
	assert_null(fl_request_env(&r, "SERVER"));   /* prefix of SERVER_NAME */
	assert_null(fl_request_env(&r, "NOPE"));
	/* Nothing read yet. */
	assert_null(r.body);
	assert_int_equal(r.form.len, 0);
}

static void test_defaults_and_empty_path(void **state)
{
	char *env[] = { "PATH_INFO=", NULL };
	fl_request r;
	assert_int_equal(init(*state, &r, env), FL_OK);
	assert_string_equal(r.path, "/");
	assert_int_equal(r.method, FL_GET);
	assert_string_equal(r.script_name, "");
	assert_string_equal(r.query_string, "");
	assert_string_equal(r.mimetype, "");
	assert_int_equal(r.args.len, 0);

	char *none[] = { NULL };
	assert_int_equal(init(*state, &r, none), FL_OK);
	assert_string_equal(r.path, "/");
}

static void test_unknown_method(void **state)
{
	char *env[] = { "REQUEST_METHOD=BREW", "PATH_INFO=/", NULL };
	fl_request r;
	assert_int_equal(init(*state, &r, env), FL_OK);
	assert_int_equal(r.method, FL_METHOD__MAX);
	assert_string_equal(r.method_name, "BREW");
	char *lower[] = { "REQUEST_METHOD=get", NULL };
	assert_int_equal(init(*state, &r, lower), FL_OK);
	assert_int_equal(r.method, FL_METHOD__MAX);
}

static void test_invalid_utf8_path_and_query(void **state)
{
	fl_request r;
	char *bad_path[] = { "PATH_INFO=/user/\xff", NULL };
	assert_int_equal(init(*state, &r, bad_path), FL_EUTF8);
	char *overlong[] = { "PATH_INFO=/\xc0\xaf", NULL };
	assert_int_equal(init(*state, &r, overlong), FL_EUTF8);
	char *bad_query[] = { "PATH_INFO=/", "QUERY_STRING=x=%ff", NULL };
	assert_int_equal(init(*state, &r, bad_query), FL_EUTF8);
	char *bad_key[] = { "PATH_INFO=/", "QUERY_STRING=%C3=1", NULL };
	assert_int_equal(init(*state, &r, bad_key), FL_EUTF8);
	char *raw_query[] = { "PATH_INFO=/", "QUERY_STRING=x=\xe4\xbd", NULL };
	assert_int_equal(init(*state, &r, raw_query), FL_EUTF8);
	/* Valid multibyte text is fine. */
	char *good[] = { "PATH_INFO=/user/\xe4\xbd\xa0", "QUERY_STRING=q=%F0%9F%98%80", NULL };
	assert_int_equal(init(*state, &r, good), FL_OK);
	assert_string_equal(fl_multidict_get(&r.args, "q"), "\xf0\x9f\x98\x80");
}

static void test_cookies(void **state)
{
	char *env[] = {
		"PATH_INFO=/", "HTTP_COOKIE=session=abc.def; theme=dark; theme=light; q=\"a\\\"b\"", NULL,
	};
	fl_request r;
	assert_int_equal(init(*state, &r, env), FL_OK);
	assert_string_equal(fl_multidict_get(&r.cookies, "session"), "abc.def");
	assert_string_equal(fl_multidict_get(&r.cookies, "theme"), "dark");
	assert_int_equal(fl_multidict_count(&r.cookies, "theme"), 2);
	assert_string_equal(fl_multidict_get(&r.cookies, "q"), "a\"b");
	assert_string_equal(fl_request_header(&r, "Cookie"),
		"session=abc.def; theme=dark; theme=light; q=\"a\\\"b\"");
}

static fl_err read_body(fl_request *r, const char *body, size_t len, size_t chunk, long max,
	int *calls)
{
	mem_reader m = { body, len, 0, chunk, 0 };
	const char *why = NULL;
	fl_err e = fl_request_read_body(r, mem_read, &m, max, &why);
	if (e)
		assert_non_null(why);
	if (calls)
		*calls = m.calls;
	return e;
}

static void test_urlencoded_form(void **state)
{
	static const char body[] = "name=J%C3%BCrgen+B&tags=a&tags=b&empty=&flag";
	char cl[32];
	snprintf(cl, sizeof cl, "CONTENT_LENGTH=%zu", sizeof body - 1);
	char *env[] = {
		"REQUEST_METHOD=POST", "PATH_INFO=/form",
		"CONTENT_TYPE=application/x-www-form-urlencoded", cl, NULL,
	};
	fl_request r;
	assert_int_equal(init(*state, &r, env), FL_OK);
	assert_int_equal(read_body(&r, body, sizeof body - 1, 7, 1 << 20, NULL), FL_OK);
	assert_int_equal(r.body_len, sizeof body - 1);
	assert_string_equal(r.body, body);
	assert_string_equal(fl_multidict_get(&r.form, "name"), "J\xc3\xbcrgen B");
	assert_int_equal(fl_multidict_count(&r.form, "tags"), 2);
	assert_string_equal(fl_multidict_getlist(&r.form, "tags")[1], "b");
	assert_string_equal(fl_multidict_get(&r.form, "empty"), "");
	assert_string_equal(fl_multidict_get(&r.form, "flag"), "");
	assert_null(r.json);
	assert_int_equal(r.files.len, 0);
}

static void test_no_body(void **state)
{
	fl_request r;
	int calls = -1;
	char *env[] = { "REQUEST_METHOD=GET", "PATH_INFO=/", NULL };
	assert_int_equal(init(*state, &r, env), FL_OK);
	assert_int_equal(read_body(&r, "", 0, 0, 100, &calls), FL_OK);
	assert_int_equal(calls, 0);
	assert_null(r.body);
	char *zero[] = { "REQUEST_METHOD=POST", "PATH_INFO=/", "CONTENT_LENGTH=0",
		"CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	assert_int_equal(init(*state, &r, zero), FL_OK);
	assert_int_equal(read_body(&r, "", 0, 0, 100, &calls), FL_OK);
	assert_int_equal(r.form.len, 0);
}

static void test_too_large_not_read(void **state)
{
	char *env[] = {
		"REQUEST_METHOD=POST", "PATH_INFO=/", "CONTENT_TYPE=application/x-www-form-urlencoded",
		"CONTENT_LENGTH=1001", NULL,
	};
	static char body[1001];
	memset(body, 'a', sizeof body);
	fl_request r;
	int calls = -1;
	assert_int_equal(init(*state, &r, env), FL_OK);
	assert_int_equal(read_body(&r, body, sizeof body, 0, 1000, &calls), FL_ETOOLARGE);
	assert_int_equal(calls, 0);
	assert_null(r.body);
	assert_int_equal(r.form.len, 0);

	/* A huge declared length is refused the same way, before any read. */
	char *huge[] = { "REQUEST_METHOD=POST", "PATH_INFO=/", "CONTENT_LENGTH=99999999999999", NULL };
	assert_int_equal(init(*state, &r, huge), FL_OK);
	assert_int_equal(read_body(&r, body, sizeof body, 0, 16 << 20, &calls), FL_ETOOLARGE);
	assert_int_equal(calls, 0);
	/* Exactly the limit is fine. */
	char *exact[] = { "REQUEST_METHOD=POST", "PATH_INFO=/", "CONTENT_LENGTH=1000",
		"CONTENT_TYPE=text/plain", NULL };
	assert_int_equal(init(*state, &r, exact), FL_OK);
	assert_int_equal(read_body(&r, body, 1000, 0, 1000, NULL), FL_OK);
	assert_int_equal(r.body_len, 1000);
}

static void test_invalid_content_length(void **state)
{
	static const char *const bad[] = {
		"CONTENT_LENGTH=abc", "CONTENT_LENGTH=-1", "CONTENT_LENGTH=12abc", "CONTENT_LENGTH=1.5",
		"CONTENT_LENGTH=99999999999999999999999",
		/* RFC 9110 §8.6: 1*DIGIT, so no sign and no spaces (strtoll took them) */
		"CONTENT_LENGTH=+3", "CONTENT_LENGTH= 3", "CONTENT_LENGTH=3 ", "CONTENT_LENGTH=-0",
		"CONTENT_LENGTH=0x3", "CONTENT_LENGTH=\t3",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *env[] = { "REQUEST_METHOD=POST", "PATH_INFO=/", (char *)bad[i],
			"CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
		fl_request r;
		int calls = -1;
		assert_int_equal(init(*state, &r, env), FL_OK);
		fl_err e = read_body(&r, "a=1", 3, 0, 1 << 20, &calls);
		if (e != FL_EINVAL)
			fail_msg("%s gave %d, want FL_EINVAL", bad[i], e);
		assert_int_equal(calls, 0);
		assert_int_equal(r.form.len, 0);
	}
}

static void test_short_body(void **state)
{
	char *env[] = {
		"REQUEST_METHOD=POST", "PATH_INFO=/", "CONTENT_TYPE=application/x-www-form-urlencoded",
		"CONTENT_LENGTH=20", NULL,
	};
	fl_request r;
	assert_int_equal(init(*state, &r, env), FL_OK);
	assert_int_equal(read_body(&r, "a=1&b=2", 7, 3, 1 << 20, NULL), FL_EINVAL);
	assert_int_equal(r.form.len, 0);
	assert_null(fl_multidict_get(&r.form, "a"));

	/* A reader error is a short body too. */
	assert_int_equal(init(*state, &r, env), FL_OK);
	int calls = 0;
	const char *why = NULL;
	assert_int_equal(fl_request_read_body(&r, failing_read, &calls, 1 << 20, &why), FL_EINVAL);
	assert_non_null(why);
	assert_true(calls >= 1);
	assert_int_equal(r.form.len, 0);
}

static void test_json_body(void **state)
{
	static const char body[] = "{\"s_name\": \"Ann\", \"s_age\": 20, \"tags\": [1, 2]}";
	char cl[32];
	snprintf(cl, sizeof cl, "CONTENT_LENGTH=%zu", sizeof body - 1);
	char *env[] = { "REQUEST_METHOD=POST", "PATH_INFO=/api/students",
		"CONTENT_TYPE=application/json; charset=utf-8", cl, NULL };
	fl_request r;
	assert_int_equal(init(*state, &r, env), FL_OK);
	assert_string_equal(r.mimetype, "application/json");
	assert_int_equal(read_body(&r, body, sizeof body - 1, 5, 1 << 20, NULL), FL_OK);
	assert_non_null(r.json);
	assert_true(json_is_object(r.json));
	assert_string_equal(json_string_value(json_object_get(r.json, "s_name")), "Ann");
	assert_int_equal(json_integer_value(json_object_get(r.json, "s_age")), 20);
	assert_int_equal(json_array_size(json_object_get(r.json, "tags")), 2);
	assert_int_equal(r.form.len, 0);
}

static void test_json_too_deep_and_invalid(void **state)
{
	char body[100];
	for (int i = 0; i < 40; i++) {
		body[i] = '[';
		body[40 + i] = ']';
	}
	char cl[32];
	snprintf(cl, sizeof cl, "CONTENT_LENGTH=%d", 80);
	char *env[] = { "REQUEST_METHOD=POST", "PATH_INFO=/api", "CONTENT_TYPE=application/json", cl, NULL };
	fl_request r;
	assert_int_equal(init(*state, &r, env), FL_OK);
	fl_err e = read_body(&r, body, 80, 0, 1 << 20, NULL);
	assert_int_not_equal(e, FL_OK);
	assert_null(r.json);

	/* Malformed JSON. */
	char *env2[] = { "REQUEST_METHOD=POST", "PATH_INFO=/api", "CONTENT_TYPE=application/json",
		"CONTENT_LENGTH=9", NULL };
	assert_int_equal(init(*state, &r, env2), FL_OK);
	assert_int_not_equal(read_body(&r, "{\"a\": 1,,", 9, 0, 1 << 20, NULL), FL_OK);
	assert_null(r.json);
	/* Invalid UTF-8 in a JSON string. */
	char *env3[] = { "REQUEST_METHOD=POST", "PATH_INFO=/api", "CONTENT_TYPE=application/json",
		"CONTENT_LENGTH=4", NULL };
	assert_int_equal(init(*state, &r, env3), FL_OK);
	assert_int_not_equal(read_body(&r, "\"\xff\xfe\"", 4, 0, 1 << 20, NULL), FL_OK);
	assert_null(r.json);
}

static void test_multipart_with_file(void **state)
{
	static const char body[] =
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"title\"\r\n"
		"\r\n"
		"Hello \xe4\xbd\xa0\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"upload\"; filename=\"../../etc/a.bin\"\r\n"
		"Content-Type: application/octet-stream\r\n"
		"\r\n"
		"\x00\x01\xff\r\nbin\r\n"
		"--XyZ--\r\n";
	char cl[32];
	snprintf(cl, sizeof cl, "CONTENT_LENGTH=%zu", sizeof body - 1);
	char *env[] = { "REQUEST_METHOD=POST", "PATH_INFO=/upload",
		"CONTENT_TYPE=multipart/form-data; boundary=XyZ", cl, NULL };
	fl_request r;
	assert_int_equal(init(*state, &r, env), FL_OK);
	assert_string_equal(r.mimetype, "multipart/form-data");
	assert_int_equal(read_body(&r, body, sizeof body - 1, 11, 1 << 20, NULL), FL_OK);
	assert_string_equal(fl_multidict_get(&r.form, "title"), "Hello \xe4\xbd\xa0");
	assert_int_equal(r.files.len, 1);
	const fl_file *f = fl_files_get(&r.files, "upload");
	assert_non_null(f);
	assert_string_equal(f->name, "upload");
	assert_string_equal(f->filename, "a.bin");
	assert_string_equal(f->content_type, "application/octet-stream");
	assert_int_equal(f->len, 8);
	assert_memory_equal(f->data, "\x00\x01\xff\r\nbin", 8);
	assert_null(fl_files_get(&r.files, "title"));
}

static void test_multipart_errors(void **state)
{
	fl_request r;
	/* No boundary. */
	char *nob[] = { "REQUEST_METHOD=POST", "PATH_INFO=/", "CONTENT_TYPE=multipart/form-data",
		"CONTENT_LENGTH=5", NULL };
	assert_int_equal(init(*state, &r, nob), FL_OK);
	assert_int_not_equal(read_body(&r, "hello", 5, 0, 1 << 20, NULL), FL_OK);
	/* No closing delimiter. */
	static const char unclosed[] =
		"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
	char cl[32];
	snprintf(cl, sizeof cl, "CONTENT_LENGTH=%zu", sizeof unclosed - 1);
	char *env[] = { "REQUEST_METHOD=POST", "PATH_INFO=/", "CONTENT_TYPE=multipart/form-data; boundary=b",
		cl, NULL };
	assert_int_equal(init(*state, &r, env), FL_OK);
	assert_int_not_equal(read_body(&r, unclosed, sizeof unclosed - 1, 0, 1 << 20, NULL), FL_OK);
	assert_int_equal(r.form.len, 0);
	assert_int_equal(r.files.len, 0);
}

static void test_bad_utf8_form_left_empty(void **state)
{
	static const char body[] = "ok=1&name=%ff&after=2";
	char cl[32];
	snprintf(cl, sizeof cl, "CONTENT_LENGTH=%zu", sizeof body - 1);
	char *env[] = { "REQUEST_METHOD=POST", "PATH_INFO=/",
		"CONTENT_TYPE=application/x-www-form-urlencoded", cl, NULL };
	fl_request r;
	assert_int_equal(init(*state, &r, env), FL_OK);
	assert_int_equal(read_body(&r, body, sizeof body - 1, 0, 1 << 20, NULL), FL_EUTF8);
	assert_int_equal(r.form.len, 0);
	assert_null(fl_multidict_get(&r.form, "ok"));

	/* The same in a multipart field. */
	static const char mp[] =
		"--b\r\nContent-Disposition: form-data; name=\"ok\"\r\n\r\n1\r\n"
		"--b\r\nContent-Disposition: form-data; name=\"bad\"\r\n\r\n\xc3\x28\r\n--b--\r\n";
	char cl2[32];
	snprintf(cl2, sizeof cl2, "CONTENT_LENGTH=%zu", sizeof mp - 1);
	char *env2[] = { "REQUEST_METHOD=POST", "PATH_INFO=/",
		"CONTENT_TYPE=multipart/form-data; boundary=b", cl2, NULL };
	assert_int_equal(init(*state, &r, env2), FL_OK);
	assert_int_equal(read_body(&r, mp, sizeof mp - 1, 0, 1 << 20, NULL), FL_EUTF8);
	assert_int_equal(r.form.len, 0);
	assert_int_equal(r.files.len, 0);
}

/* One request with `body` of type `ctype`; returns what reading it gave
 * and the message in *why. */
static fl_err post(fl_arena *a, fl_request *r, const char *ctype, const char *body, size_t len,
	const char **why)
{
	char cl[32], ct[256];
	snprintf(cl, sizeof cl, "CONTENT_LENGTH=%zu", len);
	snprintf(ct, sizeof ct, "CONTENT_TYPE=%s", ctype);
	char *env[] = { "REQUEST_METHOD=POST", "PATH_INFO=/", ct, cl, NULL };
	assert_int_equal(init(a, r, env), FL_OK);
	mem_reader m = { body, len, 0, 0, 0 };
	*why = NULL;
	return fl_request_read_body(r, mem_read, &m, 1 << 22, why);
}

/* SPEC §6: a NUL in any value is a 400 naming it, nothing is stored; the
 * value is never cut at the NUL. */
static void test_nul_values_refused(void **state)
{
	fl_request r;
	const char *why;

	/* query */
	char *q[] = { "REQUEST_METHOD=GET", "PATH_INFO=/", "QUERY_STRING=ok=1&page=1%00", NULL };
	why = NULL;
	assert_int_equal(fl_request_init(&r, *state, q, &why), FL_ENUL);
	assert_non_null(strstr(why, "'page'"));
	assert_non_null(strstr(why, "NUL"));
	assert_int_equal(r.args.len, 0);
	char *qk[] = { "REQUEST_METHOD=GET", "PATH_INFO=/", "QUERY_STRING=%00=1", NULL };
	assert_int_equal(fl_request_init(&r, *state, qk, &why), FL_ENUL);
	assert_non_null(strstr(why, "NUL"));
	assert_null(strstr(why, "UTF-8"));

	/* urlencoded: a%00b and 5%00 */
	static const char f1[] = "ok=1&name=a%00b";
	assert_int_equal(post(*state, &r, "application/x-www-form-urlencoded", f1, sizeof f1 - 1,
		&why), FL_ENUL);
	assert_non_null(strstr(why, "'name'"));
	assert_int_equal(r.form.len, 0);
	static const char f2[] = "age=5%00";
	assert_int_equal(post(*state, &r, "application/x-www-form-urlencoded", f2, sizeof f2 - 1,
		&why), FL_ENUL);
	assert_non_null(strstr(why, "'age'"));
	static const char f3[] = "%00=x";
	assert_int_equal(post(*state, &r, "application/x-www-form-urlencoded", f3, sizeof f3 - 1,
		&why), FL_ENUL);
	assert_non_null(strstr(why, "NUL"));
	assert_null(strstr(why, "UTF-8"));

	/* multipart: a field value, a field name; a file may hold NUL */
	static const char m1[] =
		"--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nnul\0cat\r\n--b--\r\n";
	assert_int_equal(post(*state, &r, "multipart/form-data; boundary=b", m1, sizeof m1 - 1,
		&why), FL_ENUL);
	assert_non_null(strstr(why, "'name'"));
	assert_int_equal(r.form.len, 0);
	assert_int_equal(r.files.len, 0);
	static const char m2[] =
		"--b\r\nContent-Disposition: form-data; name=\"na\0me\"\r\n\r\nx\r\n--b--\r\n";
	assert_int_equal(post(*state, &r, "multipart/form-data; boundary=b", m2, sizeof m2 - 1,
		&why), FL_ENUL);
	assert_non_null(strstr(why, "NUL"));
	static const char m3[] =
		"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\r\n"
		"\0\1\r\n--b--\r\n";
	assert_int_equal(post(*state, &r, "multipart/form-data; boundary=b", m3, sizeof m3 - 1,
		&why), FL_OK);
	assert_int_equal(r.files.len, 1);
	assert_int_equal(r.files.items[0].len, 2);

	/* JSON "\u0000": refused, named */
	static const char j[] = "{\"s_name\": \"a\\u0000b\"}";
	assert_int_equal(post(*state, &r, "application/json", j, sizeof j - 1, &why), FL_ENUL);
	assert_non_null(strstr(why, "NUL"));
	assert_null(r.json);
}

/* 1,001 parts: 413 that says so (it said "malformed"). */
static void test_too_many_parts_message(void **state)
{
	fl_request r;
	const char *why;
	fl_buf b;
	fl_buf_init(&b, *state);
	for (int i = 0; i < 1001; i++)
		fl_buf_printf(&b, "--b\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv\r\n", i);
	fl_buf_puts(&b, "--b--\r\n");
	assert_int_equal(post(*state, &r, "multipart/form-data; boundary=b", b.data, b.len, &why),
		FL_ETOOLARGE);
	assert_non_null(strstr(why, "Too many parts"));
	assert_null(strstr(why, "malformed"));
	/* and too many urlencoded fields */
	fl_buf_init(&b, *state);
	for (int i = 0; i < 1001; i++)
		fl_buf_printf(&b, "f%d=v&", i);
	assert_int_equal(post(*state, &r, "application/x-www-form-urlencoded", b.data, b.len, &why),
		FL_ETOOLARGE);
	assert_non_null(strstr(why, "Too many form fields"));
}

/* werkzeug's is_json: application/json and application/<x>+json, and
 * "application/+json" too; not "text/json" or "application/jsonx". */
static void test_json_mimetypes(void **state)
{
	fl_request r;
	const char *why;
	static const char j[] = "{\"a\": 1}";
	static const char *const yes[] = { "application/json", "application/+json",
		"application/problem+json", "Application/Vnd.Api+JSON; charset=utf-8" };
	static const char *const no[] = { "text/json", "application/jsonx", "application/json+x",
		"text/+json", "application+json" };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		assert_int_equal(post(*state, &r, yes[i], j, sizeof j - 1, &why), FL_OK);
		if (!r.json)
			fail_msg("%s was not parsed as JSON", yes[i]);
		assert_true(fl_mimetype_is_json(r.mimetype));
	}
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		assert_int_equal(post(*state, &r, no[i], j, sizeof j - 1, &why), FL_OK);
		if (r.json)
			fail_msg("%s was parsed as JSON", no[i]);
		assert_false(fl_mimetype_is_json(r.mimetype));
	}
	assert_false(fl_mimetype_is_json(NULL));
}

static void test_to_json(void **state)
{
	char *env[] = { "REQUEST_METHOD=GET", "PATH_INFO=/x", "SCRIPT_NAME=/cgi-bin/main",
		"QUERY_STRING=page=2&page=3", "HTTP_COOKIE=a=b", NULL };
	fl_request r;
	assert_int_equal(init(*state, &r, env), FL_OK);
	json_t *j = fl_request_to_json(&r);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "method")), "GET");
	assert_string_equal(json_string_value(json_object_get(j, "path")), "/x");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "args"), "page")), "2");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "cookies"), "a")), "b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic_cgi_variables, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_defaults_and_empty_path, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_method, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8_path_and_query, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_cookies, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_urlencoded_form, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_no_body, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_too_large_not_read, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_invalid_content_length, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_short_body, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_json_body, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_json_too_deep_and_invalid, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_multipart_with_file, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_multipart_errors, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_bad_utf8_form_left_empty, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_nul_values_refused, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_too_many_parts_message, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_json_mimetypes, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_to_json, arena_setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
