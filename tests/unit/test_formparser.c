/* test_formparser.c — lib/http/formparser.c against werkzeug 2.2.2 (expected
 * values produced once with /usr/bin/python3 and werkzeug, pasted here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "http/formparser.h"
#include "arena_fixture.h"

#define S(lit) (lit), (sizeof(lit) - 1)

/* ------------------------------------------------------------ urlencoded */

static void test_urlencoded(void **state)
{
	fl_arena *a = *state;
	fl_multidict md;
	const char **l;

	/* url_decode('a=1&a=2&b=%E4%BD%A0') -> a:[1,2], b:'你' */
	fl_multidict_init(&md, a);
	assert_int_equal(fl_parse_urlencoded(a, S("a=1&a=2&b=%E4%BD%A0"), 0, &md), FL_OK);
	l = fl_multidict_getlist(&md, "a");
	assert_string_equal(l[0], "1");
	assert_string_equal(l[1], "2");
	assert_null(l[2]);
	assert_string_equal(fl_multidict_get(&md, "b"), "\xe4\xbd\xa0");

	/* url_decode('x=a+b%2B&&y&=z&%zz=%4') ->
	 * [('x','a b+'),('y',''),('','z'),('%zz','%4')] */
	fl_multidict_init(&md, a);
	assert_int_equal(fl_parse_urlencoded(a, S("x=a+b%2B&&y&=z&%zz=%4"), 0, &md), FL_OK);
	assert_int_equal(md.len, 4);
	assert_string_equal(md.items[0].key, "x");
	assert_string_equal(md.items[0].value, "a b+");
	assert_string_equal(md.items[1].key, "y");
	assert_string_equal(md.items[1].value, "");
	assert_string_equal(md.items[2].key, "");
	assert_string_equal(md.items[2].value, "z");
	assert_string_equal(md.items[3].key, "%zz");
	assert_string_equal(md.items[3].value, "%4");

	/* ';' is not a separator in werkzeug 2.2; '=' in a value stays */
	fl_multidict_init(&md, a);
	assert_int_equal(fl_parse_urlencoded(a, S("a=1;b=2=3&"), 0, &md), FL_OK);
	assert_int_equal(md.len, 1);
	assert_string_equal(md.items[0].value, "1;b=2=3");

	fl_multidict_init(&md, a);
	assert_int_equal(fl_parse_urlencoded(a, S(""), 0, &md), FL_OK);
	assert_int_equal(md.len, 0);

	/* values keep their length: a NUL stays in (the request refuses it) */
	fl_multidict_init(&md, a);
	assert_int_equal(fl_parse_urlencoded(a, S("v=a%00b&age=5%00"), 0, &md), FL_OK);
	assert_int_equal(md.items[0].value_len, 3);
	assert_memory_equal(md.items[0].value, "a\0b", 4);
	assert_int_equal(fl_multidict_find(&md, "age")->value_len, 2);
}

static void test_urlencoded_errors(void **state)
{
	fl_arena *a = *state;
	fl_multidict md;

	fl_multidict_init(&md, a);
	assert_int_equal(fl_parse_urlencoded(a, S("ok=1&a=%ff"), 0, &md), FL_EUTF8);
	assert_int_equal(fl_parse_urlencoded(a, S("%ff=1"), 0, &md), FL_EUTF8);
	assert_int_equal(fl_parse_urlencoded(a, S("a=\xc0\xaf"), 0, &md), FL_EUTF8);
	/* a NUL in a key is named as such (keys are C strings) */
	assert_int_equal(fl_parse_urlencoded(a, S("a%00b=1"), 0, &md), FL_ENUL);
	assert_int_equal(fl_parse_urlencoded(a, S("%00=1"), 0, &md), FL_ENUL);
	fl_multidict_init(&md, a);
	assert_int_equal(fl_parse_urlencoded(a, S("a&b&c"), 3, &md), FL_OK);
	fl_multidict_init(&md, a);
	assert_int_equal(fl_parse_urlencoded(a, S("a&b&&&c&d"), 3, &md), FL_ETOOLARGE);
}

static void test_urlencoded_default_limit(void **state)
{
	fl_arena *a = *state;
	fl_multidict md;
	fl_buf b;

	fl_buf_init(&b, a);
	for (int i = 0; i < 1000; i++)
		fl_buf_puts(&b, "x=1&");
	fl_multidict_init(&md, a);
	assert_int_equal(fl_parse_urlencoded(a, b.data, b.len, 0, &md), FL_OK);
	assert_int_equal(md.len, 1000);
	fl_buf_puts(&b, "y");
	fl_multidict_init(&md, a);
	assert_int_equal(fl_parse_urlencoded(a, b.data, b.len, 0, &md), FL_ETOOLARGE);
}

/* ------------------------------------------------------------- multipart */

/* Two fields and a file whose data holds CRLF, NUL bytes and the boundary
 * text not followed by a line break.  werkzeug:
 * form [('title','hello world'),('t','你')],
 * files [('upload','C:\\dir\\a b.bin','application/octet-stream',
 *         b'\x00\x01\r\n--XyZnot\r\n--XyZ-\r\n\r\n\x00end')] */
static const char body1[] =
	"preamble\r\n--XyZ\r\n"
	"Content-Disposition: form-data; name=\"title\"\r\n\r\nhello world\r\n"
	"--XyZ\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n\xe4\xbd\xa0\r\n"
	"--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; "
	"filename=\"C:\\\\dir\\\\a b.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
	"\x00\x01\r\n--XyZnot\r\n--XyZ-\r\n\r\n\x00" "end\r\n"
	"--XyZ--\r\nepilogue";
static const char file1[] = "\x00\x01\r\n--XyZnot\r\n--XyZ-\r\n\r\n\x00" "end";

static void test_multipart(void **state)
{
	fl_arena *a = *state;
	fl_multidict form;
	fl_files files;
	const fl_file *f;

	fl_multidict_init(&form, a);
	fl_files_init(&files, a);
	assert_int_equal(fl_parse_multipart(a, S(body1), "XyZ", 0, &form, &files), FL_OK);
	assert_int_equal(form.len, 2);
	assert_string_equal(fl_multidict_get(&form, "title"), "hello world");
	assert_string_equal(fl_multidict_get(&form, "t"), "\xe4\xbd\xa0");
	assert_int_equal(files.len, 1);
	f = fl_files_get(&files, "upload");
	assert_non_null(f);
	assert_string_equal(f->filename, "a b.bin");
	assert_string_equal(f->content_type, "application/octet-stream");
	assert_int_equal(f->len, sizeof(file1) - 1);
	assert_memory_equal(f->data, file1, sizeof(file1) - 1);
	assert_null(fl_files_get(&files, "title"));
}

static void test_multipart_variants(void **state)
{
	fl_arena *a = *state;
	fl_multidict form;
	fl_files files;

	/* LF-only line breaks: werkzeug [('a','v')] */
	fl_multidict_init(&form, a);
	fl_files_init(&files, a);
	assert_int_equal(fl_parse_multipart(a,
		S("--XyZ\nContent-Disposition: form-data; name=\"a\"\n\nv\n--XyZ--"), "XyZ", 0,
		&form, &files), FL_OK);
	assert_string_equal(fl_multidict_get(&form, "a"), "v");

	/* empty form: werkzeug ([], []) */
	fl_multidict_init(&form, a);
	assert_int_equal(fl_parse_multipart(a, S("--XyZ--\r\n"), "XyZ", 0, &form, &files),
			 FL_OK);
	assert_int_equal(form.len, 0);

	/* folded header, trailing space after a delimiter, an empty file input:
	 * werkzeug form [('a','v')], files [('e','',None,b'')] */
	fl_multidict_init(&form, a);
	fl_files_init(&files, a);
	assert_int_equal(fl_parse_multipart(a,
		S("--XyZ\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nv\r\n--XyZ  \r\n"
		  "content-disposition: form-data; name=\"e\"; filename=\"\"\r\n\r\n\r\n--XyZ--"),
		"XyZ", 0, &form, &files), FL_OK);
	assert_string_equal(fl_multidict_get(&form, "a"), "v");
	assert_int_equal(files.len, 1);
	assert_string_equal(files.items[0].name, "e");
	assert_string_equal(files.items[0].filename, "");
	assert_null(files.items[0].content_type);
	assert_int_equal(files.items[0].len, 0);

	/* control bytes in a filename are not shown */
	fl_files_init(&files, a);
	assert_int_equal(fl_parse_multipart(a,
		S("--b\r\nContent-Disposition: form-data; name=f; filename=\"../x\ty\"\r\n\r\n"
		  "d\r\n--b--"), "b", 0, &form, &files), FL_OK);
	assert_string_equal(files.items[0].filename, "x_y");

	/* filename* alone still makes a file (werkzeug decodes it) */
	fl_multidict_init(&form, a);
	fl_files_init(&files, a);
	assert_int_equal(fl_parse_multipart(a,
		S("--b\r\nContent-Disposition: form-data; name=f; filename*=UTF-8''%E4%BD%A0.txt"
		  "\r\n\r\n\xff\r\n--b--"), "b", 0, &form, &files), FL_OK);
	assert_int_equal(form.len, 0);
	assert_string_equal(files.items[0].filename, "\xe4\xbd\xa0.txt");
	assert_int_equal(files.items[0].len, 1);
}

static void expect_mp(fl_arena *a, const char *body, size_t n, const char *boundary,
		      size_t max_parts, fl_err want)
{
	fl_multidict form;
	fl_files files;

	fl_multidict_init(&form, a);
	fl_files_init(&files, a);
	assert_int_equal(fl_parse_multipart(a, body, n, boundary, max_parts, &form, &files),
			 want);
}

#define CD "Content-Disposition: form-data; name=\"a\"\r\n"

static void test_multipart_malformed(void **state)
{
	fl_arena *a = *state;
	fl_buf b;

	/* no closing delimiter (werkzeug: cannot parse beyond State.DATA) */
	expect_mp(a, S("--XyZ\r\n" CD "\r\nv\r\n--XyZ"), "XyZ", 0, FL_EMALFORMED);
	expect_mp(a, S("--XyZ\r\n" CD "\r\nv"), "XyZ", 0, FL_EMALFORMED);
	/* no delimiter at all, empty body */
	expect_mp(a, S("hello"), "XyZ", 0, FL_EMALFORMED);
	expect_mp(a, S(""), "XyZ", 0, FL_EMALFORMED);
	/* header without a colon (werkzeug: ValueError) */
	expect_mp(a, S("--XyZ\r\n" CD "bad header\r\n\r\nv\r\n--XyZ--"), "XyZ", 0, FL_EMALFORMED);
	/* no name (werkzeug stores None), no Content-Disposition (ValueError) */
	expect_mp(a, S("--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--"), "XyZ", 0,
		  FL_EMALFORMED);
	expect_mp(a, S("--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--"), "XyZ", 0,
		  FL_EMALFORMED);
	/* headers never end */
	expect_mp(a, S("--XyZ\r\n" CD), "XyZ", 0, FL_EMALFORMED);
	/* invalid UTF-8 in a field value and in a header */
	expect_mp(a, S("--XyZ\r\n" CD "\r\n\xff\r\n--XyZ--"), "XyZ", 0, FL_EUTF8);
	expect_mp(a, S("--XyZ\r\nContent-Disposition: form-data; name=\"\xff\"\r\n\r\nv\r\n--XyZ--"),
		  "XyZ", 0, FL_EUTF8);
	/* NUL in a header (the field name) or a decoded filename* */
	expect_mp(a, S("--XyZ\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\nv\r\n--XyZ--"),
		  "XyZ", 0, FL_ENUL);
	expect_mp(a, S("--XyZ\r\n" CD "X-A: \0\r\n\r\nv\r\n--XyZ--"), "XyZ", 0, FL_ENUL);
	expect_mp(a, S("--XyZ\r\nContent-Disposition: form-data; name=f; "
		       "filename*=UTF-8''a%00.txt\r\n\r\nv\r\n--XyZ--"), "XyZ", 0, FL_ENUL);
	/* a NUL in a field's value is kept with its length (the request refuses it) */
	{
		fl_multidict form;
		fl_files files;
		fl_multidict_init(&form, a);
		fl_files_init(&files, a);
		assert_int_equal(fl_parse_multipart(a, S("--XyZ\r\n" CD "\r\nnul\0cat\r\n--XyZ--"),
			"XyZ", 0, &form, &files), FL_OK);
		assert_int_equal(form.items[0].value_len, 7);
		assert_memory_equal(form.items[0].value, "nul\0cat", 7);
	}
	/* bad boundaries */
	expect_mp(a, S("--\r\n" CD "\r\nv\r\n----"), "", 0, FL_EINVAL);
	expect_mp(a, S("x"), "a;b", 0, FL_EINVAL);
	expect_mp(a, S("x"), "ab ", 0, FL_EINVAL);
	expect_mp(a, S("x"), NULL, 0, FL_EINVAL);
	expect_mp(a, S("x"), "0123456789012345678901234567890123456789012345678901234567890123456789X",
		  0, FL_EINVAL);
	/* too many parts */
	expect_mp(a, S("--b\r\n" CD "\r\n1\r\n--b\r\n" CD "\r\n2\r\n--b--"), "b", 2, FL_OK);
	expect_mp(a, S("--b\r\n" CD "\r\n1\r\n--b\r\n" CD "\r\n2\r\n--b\r\n" CD "\r\n3\r\n--b--"),
		  "b", 2, FL_ETOOLARGE);

	/* too many header lines */
	fl_buf_init(&b, a);
	fl_buf_puts(&b, "--b\r\n" CD);
	for (int i = 0; i < FL_MULTIPART_MAX_HEADERS; i++)
		fl_buf_puts(&b, "X-A: 1\r\n");
	fl_buf_puts(&b, "\r\nv\r\n--b--");
	expect_mp(a, b.data, b.len, "b", 0, FL_EMALFORMED);

	/* a header line over 8 KiB */
	fl_buf_init(&b, a);
	fl_buf_puts(&b, "--b\r\n" CD "X-A: ");
	for (int i = 0; i < FL_MULTIPART_MAX_LINE; i++)
		fl_buf_putc(&b, 'x');
	fl_buf_puts(&b, "\r\n\r\nv\r\n--b--");
	expect_mp(a, b.data, b.len, "b", 0, FL_EMALFORMED);
}

/* Adversarial: a body made of boundary prefixes (2.4 MB); must finish
 * quickly.  A linear parser takes milliseconds even under the sanitizers; a
 * quadratic one rescanning from each near-miss would take hours, so the
 * generous bound below cannot flake and still catches it. */
static void test_multipart_linear(void **state)
{
	fl_arena *a = *state;
	fl_buf b;
	fl_multidict form;
	fl_files files;
	struct timespec t0, t1;

	fl_buf_init(&b, a);
	fl_buf_puts(&b, "--b\r\n" CD "\r\n");
	for (int i = 0; i < 400000; i++)
		fl_buf_puts(&b, "\r\n--bx");
	fl_buf_puts(&b, "\r\n--b--");
	fl_multidict_init(&form, a);
	fl_files_init(&files, a);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(fl_parse_multipart(a, b.data, b.len, "b", 0, &form, &files), FL_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(seconds < 10.0);
	/* Every near-miss is data: one field holding all of them. */
	assert_int_equal(form.len, 1);
	assert_int_equal(form.items[0].value_len, 400000 * 6);
	assert_int_equal(files.len, 0);
}

/* ------------------------------------------------------------------ JSON */

static char *nested(fl_arena *a, int depth)
{
	fl_buf b;

	fl_buf_init(&b, a);
	for (int i = 0; i < depth; i++)
		fl_buf_puts(&b, i % 2 ? "{\"k\":" : "[");
	fl_buf_puts(&b, "1");
	for (int i = depth - 1; i >= 0; i--)
		fl_buf_puts(&b, i % 2 ? "}" : "]");
	return (char *)fl_buf_cstr(&b);
}

static void test_json(void **state)
{
	fl_arena *a = *state;
	json_t *v = NULL;
	char *msg = NULL, *s;

	assert_int_equal(fl_parse_json_body(a, S("{\"a\": \"\xe4\xbd\xa0\", \"a\": 2}"), 0, &v,
					    &msg), FL_OK);
	assert_int_equal(json_integer_value(json_object_get(v, "a")), 2);  /* last wins */
	json_decref(v);
	assert_int_equal(fl_parse_json_body(a, S("\"str\""), 0, &v, &msg), FL_OK);
	assert_string_equal(json_string_value(v), "str");
	json_decref(v);
	/* brackets inside strings do not count */
	assert_int_equal(fl_parse_json_body(a, S("[\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"\"]"), 2,
					    &v, &msg), FL_OK);
	json_decref(v);

	s = nested(a, 32);
	assert_int_equal(fl_parse_json_body(a, s, strlen(s), 0, &v, &msg), FL_OK);
	json_decref(v);
	s = nested(a, 33);
	assert_int_equal(fl_parse_json_body(a, s, strlen(s), 0, &v, &msg), FL_EMALFORMED);
	assert_string_equal(msg, "Failed to decode JSON object: nested deeper than 32 levels");
	s = nested(a, 100000);
	assert_int_equal(fl_parse_json_body(a, s, strlen(s), 0, &v, &msg), FL_EMALFORMED);
	/* unbalanced, still bounded */
	assert_int_equal(fl_parse_json_body(a, S("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["), 0, &v,
					    &msg), FL_EMALFORMED);

	msg = NULL;
	assert_int_equal(fl_parse_json_body(a, S("{\"a\": \"\xff\"}"), 0, &v, &msg), FL_EUTF8);
	assert_non_null(msg);
	assert_int_equal(fl_parse_json_body(a, S("{\"a\": 1} x"), 0, &v, &msg), FL_EMALFORMED);
	assert_true(strncmp(msg, "Failed to decode JSON object: ", 30) == 0);
	assert_int_equal(fl_parse_json_body(a, S(""), 0, &v, &msg), FL_EMALFORMED);
	assert_int_equal(fl_parse_json_body(a, S("{\"a\":1}\0"), 0, &v, &msg), FL_EMALFORMED);
	assert_int_equal(fl_parse_json_body(a, S("{'a':1}"), 0, &v, NULL), FL_EMALFORMED);
	/* "\u0000" in a string or a key: refused, never cut short */
	msg = NULL;
	assert_int_equal(fl_parse_json_body(a, S("{\"a\": \"x\\u0000y\"}"), 0, &v, &msg), FL_ENUL);
	assert_non_null(strstr(msg, "NUL character"));
	assert_null(strstr(msg, "JSON_ALLOW_NUL"));
	assert_int_equal(fl_parse_json_body(a, S("{\"a\\u0000\": 1}"), 0, &v, &msg), FL_ENUL);
	assert_int_equal(fl_parse_json_body(a, S("[\"\\u0000\"]"), 0, &v, NULL), FL_ENUL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_urlencoded, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_urlencoded_errors, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_urlencoded_default_limit, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_multipart, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_multipart_variants, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_multipart_malformed, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_multipart_linear, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_json, arena_setup, arena_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
