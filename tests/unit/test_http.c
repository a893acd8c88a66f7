/* test_http.c — lib/http/http.c against werkzeug 2.2.2 (expected strings were
 * produced once with /usr/bin/python3 and werkzeug and pasted here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"
#include "arena_fixture.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static void test_utf8(void **state)
{
	assert_true(fl_utf8_valid(S("")));
	assert_true(fl_utf8_valid(S("abc\0def")));
	assert_true(fl_utf8_valid(S("\xe4\xbd\xa0\xf0\x9f\x98\x80\xc3\xa9")));
	assert_true(fl_utf8_valid(S("\xf4\x8f\xbf\xbf")));      /* U+10FFFF */
	assert_true(fl_utf8_valid(S("\xed\x9f\xbf")));          /* U+D7FF */
	assert_false(fl_utf8_valid(S("\xff")));
	assert_false(fl_utf8_valid(S("\xc0\xaf")));             /* overlong / */
	assert_false(fl_utf8_valid(S("\xe0\x80\xaf")));         /* overlong */
	assert_false(fl_utf8_valid(S("\xf0\x80\x80\xaf")));     /* overlong */
	assert_false(fl_utf8_valid(S("\xed\xa0\x80")));         /* surrogate */
	assert_false(fl_utf8_valid(S("\xf4\x90\x80\x80")));     /* > U+10FFFF */
	assert_false(fl_utf8_valid(S("\xe4\xbd")));             /* truncated */
	assert_false(fl_utf8_valid(S("\xe4\x41\xa0")));
	assert_false(fl_utf8_valid(S("\x80")));
}

static void test_unquote(void **state)
{
	fl_arena *a = *state;
	char *out;
	size_t len;

	assert_int_equal(fl_url_unquote(a, S("a+b%2B%e4%BD%a0"), true, &out, &len), FL_OK);
	assert_string_equal(out, "a b+\xe4\xbd\xa0");
	assert_int_equal(fl_url_unquote(a, S("a+b"), false, &out, &len), FL_OK);
	assert_string_equal(out, "a+b");
	/* werkzeug keeps bad escapes: url_unquote("%zz%4%") == "%zz%4%" */
	assert_int_equal(fl_url_unquote(a, S("%zz%4%"), true, &out, &len), FL_OK);
	assert_string_equal(out, "%zz%4%");
	assert_int_equal(fl_url_unquote(a, S("x%00y"), true, &out, &len), FL_OK);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "x\0y", 3);
	assert_int_equal(fl_url_unquote(a, S("%ff"), true, &out, &len), FL_EUTF8);
	assert_int_equal(fl_url_unquote(a, S("%ed%a0%80"), true, &out, &len), FL_EUTF8);
	assert_int_equal(fl_url_unquote(a, S("\xff"), true, &out, &len), FL_EUTF8);
}

static void test_quote(void **state)
{
	fl_arena *a = *state;
	const char *in = "a b&c/d:e?f#g%h~+$!'()*,;=@[]\xe4\xbd\xa0";

	/* werkzeug.urls._fast_url_quote(in) */
	assert_string_equal(fl_url_quote(a, in, strlen(in), FL_QUOTE_PATH),
			    "a%20b%26c/d:e%3Ff%23g%25h~+$!'()*,;%3D%40%5B%5D%E4%BD%A0");
	assert_string_equal(fl_url_quote(a, S("a|b c"), FL_QUOTE_RULE), "a|b%20c");
	assert_string_equal(fl_url_quote(a, S("a\0b"), FL_QUOTE_PATH), "a%00b");
}

static void test_url_encode(void **state)
{
	fl_arena *a = *state;
	fl_multidict md;
	fl_buf b;

	fl_multidict_init(&md, a);
	fl_buf_init(&b, a);
	fl_url_encode(&b, &md);
	assert_string_equal(fl_buf_cstr(&b), "");
	fl_multidict_add(&md, "name", "a b&c", 5);
	fl_multidict_add(&md, "q", "x/y:z+1=2;\xe4\xbd\xa0~", 14);
	fl_url_encode(&b, &md);
	/* werkzeug url_encode([('name','a b&c'),('q','x/y:z+1=2;你~')]) */
	assert_string_equal(fl_buf_cstr(&b), "name=a+b%26c&q=x%2Fy%3Az%2B1%3D2;%E4%BD%A0~");
}

static const char *const *getlist(fl_multidict *md, const char *k)
{
	return (const char *const *)fl_multidict_getlist(md, k);
}

static void test_parse_cookie(void **state)
{
	fl_arena *a = *state;
	fl_multidict md;
	const char *h = "a=b; c=\"d e\"; f = \"g\\\"h\\073i\"; j; k=l m ; a=zz; n=\"\"; o=\"\\777\"";

	fl_multidict_init(&md, a);
	assert_int_equal(fl_parse_cookie(a, h, strlen(h), &md), FL_OK);
	/* werkzeug: [('a','b'),('a','zz'),('c','d e'),('f','g"h;i'),('j',''),
	 * ('k','l m'),('n',''),('o','777')] */
	assert_int_equal(md.len, 8);
	assert_string_equal(getlist(&md, "a")[0], "b");
	assert_string_equal(getlist(&md, "a")[1], "zz");
	assert_string_equal(fl_multidict_get(&md, "a"), "b");
	assert_string_equal(fl_multidict_get(&md, "c"), "d e");
	assert_string_equal(fl_multidict_get(&md, "f"), "g\"h;i");
	assert_string_equal(fl_multidict_get(&md, "j"), "");
	assert_string_equal(fl_multidict_get(&md, "k"), "l m");
	assert_string_equal(fl_multidict_get(&md, "n"), "");
	assert_string_equal(fl_multidict_get(&md, "o"), "777");
}

static void test_parse_cookie_edges(void **state)
{
	fl_arena *a = *state;
	fl_multidict md;

	/* werkzeug: [('p','"q"r'),('s','t')] — u's value has "\\\n" and stops */
	fl_multidict_init(&md, a);
	fl_parse_cookie(a, S(" ; =x; p=\"q\"r; s = t\t;u=\"v\\\nw\""), &md);
	assert_int_equal(md.len, 2);
	assert_string_equal(fl_multidict_get(&md, "p"), "\"q\"r");
	assert_string_equal(fl_multidict_get(&md, "s"), "t");

	/* werkzeug: [('a','1')] — LF in an unquoted value stops parsing */
	fl_multidict_init(&md, a);
	fl_parse_cookie(a, S("a=1; b=x\ny; c=3"), &md);
	assert_int_equal(md.len, 1);

	/* werkzeug: [('a','x\ny'),('c','3')] */
	fl_multidict_init(&md, a);
	fl_parse_cookie(a, S("a=\"x\ny\"; c=3"), &md);
	assert_int_equal(md.len, 2);
	assert_string_equal(fl_multidict_get(&md, "a"), "x\ny");

	/* werkzeug replaces \xff with U+FFFD; Flagon drops the pair */
	fl_multidict_init(&md, a);
	fl_parse_cookie(a, S("x=\xff; y=ok; \xc3\xa9=\xc3\xa9"), &md);
	assert_int_equal(md.len, 2);
	assert_null(fl_multidict_get(&md, "x"));
	assert_string_equal(fl_multidict_get(&md, "y"), "ok");
	assert_string_equal(fl_multidict_get(&md, "\xc3\xa9"), "\xc3\xa9");

	/* werkzeug: [('a','b=c'),('d','')], then [('q','A"\\z')] */
	fl_multidict_init(&md, a);
	fl_parse_cookie(a, S("a=b=c;;;d"), &md);
	assert_int_equal(md.len, 2);
	assert_string_equal(fl_multidict_get(&md, "a"), "b=c");
	assert_string_equal(fl_multidict_get(&md, "d"), "");
	fl_multidict_init(&md, a);
	fl_parse_cookie(a, S("q=\"\\101\\\"\\\\z\""), &md);
	assert_string_equal(fl_multidict_get(&md, "q"), "A\"\\z");

	fl_multidict_init(&md, a);
	fl_parse_cookie(a, S("k\0x=1; a=\"unterminated"), &md);
	assert_int_equal(md.len, 1);
	assert_string_equal(fl_multidict_get(&md, "a"), "\"unterminated");
}

static char *dump(fl_arena *a, const fl_cookie *c, fl_err want)
{
	char *out = NULL;

	assert_int_equal(fl_dump_cookie(a, c, &out), want);
	return out;
}

static void test_dump_cookie(void **state)
{
	fl_arena *a = *state;
	fl_cookie c;

	/* dump_cookie('session', 'abc') */
	fl_cookie_init(&c, "session", "abc");
	assert_string_equal(dump(a, &c, FL_OK), "session=abc; Path=/");

	/* dump_cookie('session', 'abc', expires=0, max_age=0): delete_cookie */
	c.max_age = 0;
	c.expires = 0;
	c.expires_set = true;
	assert_string_equal(dump(a, &c, FL_OK),
			    "session=abc; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/");

	/* dump_cookie('k', 'v', expires=1700000000) */
	fl_cookie_init(&c, "k", "v");
	c.expires = 1700000000;
	assert_string_equal(dump(a, &c, FL_OK), "k=v; Expires=Tue, 14 Nov 2023 22:13:20 GMT; Path=/");

	/* max_age alone: Expires = now + max_age (now frozen at 1700000000) */
	fl_cookie_init(&c, "k", "v");
	c.max_age = 60;
	c.now = 1700000000;
	assert_string_equal(dump(a, &c, FL_OK),
			    "k=v; Expires=Tue, 14 Nov 2023 22:14:20 GMT; Max-Age=60; Path=/");

	/* dump_cookie('k','v',domain='example.com',secure=True,httponly=True,
	 *             samesite='lax',path='/x') */
	fl_cookie_init(&c, "k", "v");
	c.domain = "example.com";
	c.secure = true;
	c.httponly = true;
	c.samesite = "lax";
	c.path = "/x";
	assert_string_equal(dump(a, &c, FL_OK),
			    "k=v; Domain=example.com; Secure; HttpOnly; Path=/x; SameSite=Lax");
	c.domain = "example.com:8080";
	c.samesite = "None";
	assert_string_equal(dump(a, &c, FL_OK),
			    "k=v; Domain=example.com; Secure; HttpOnly; Path=/x; SameSite=None");

	/* a zeroed struct behaves like the defaults, path NULL -> "/" */
	memset(&c, 0, sizeof(c));
	c.key = "k";
	c.max_age = -1;
	assert_string_equal(dump(a, &c, FL_OK), "k=; Path=/");
}

static void test_dump_cookie_rejects(void **state)
{
	fl_arena *a = *state;
	static const char *const bad_values[] = { "a\r\nSet-Cookie: x=y", "a b", "a;b",
						  "a,b", "a\"b", "a\\b", "\xc3\xa9", "a\nb" };
	static const char *const bad_keys[] = { "", "a b", "a=b", "a;b", "a\r\n", "\xc3\xa9",
						"a:b" };
	fl_cookie c;

	for (size_t i = 0; i < sizeof(bad_values) / sizeof(*bad_values); i++) {
		fl_cookie_init(&c, "k", bad_values[i]);
		dump(a, &c, FL_EINVAL);
	}
	for (size_t i = 0; i < sizeof(bad_keys) / sizeof(*bad_keys); i++) {
		fl_cookie_init(&c, bad_keys[i], "v");
		dump(a, &c, FL_EINVAL);
	}
	fl_cookie_init(&c, NULL, "v");
	dump(a, &c, FL_EINVAL);
	fl_cookie_init(&c, "k", "v");
	c.samesite = "Sometimes";
	dump(a, &c, FL_EINVAL);
	fl_cookie_init(&c, "k", "v");
	c.domain = "localhost";
	dump(a, &c, FL_EINVAL);
	c.domain = "a.b;c";
	dump(a, &c, FL_EINVAL);
	fl_cookie_init(&c, "k", "v");
	c.path = "/a;b";
	dump(a, &c, FL_EINVAL);
	c.path = "/a\r\n";
	dump(a, &c, FL_EINVAL);
	fl_cookie_init(&c, "k", "v");
	c.max_age = -2;
	dump(a, &c, FL_EINVAL);
	c.max_age = LONG_MAX;
	c.now = 1700000000;
	dump(a, &c, FL_ERANGE);
	/* every cookie-octet is sent raw */
	fl_cookie_init(&c, "k", "!#$%&'()*+-./09:<=>?@AZ[]^_`az{|}~");
	assert_string_equal(dump(a, &c, FL_OK), "k=!#$%&'()*+-./09:<=>?@AZ[]^_`az{|}~; Path=/");
}

static void test_http_date(void **state)
{
	char buf[30];
	time_t t;

	assert_int_equal(fl_http_date(784111777, buf), FL_OK);
	assert_string_equal(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_int_equal(fl_http_date(0, buf), FL_OK);
	assert_string_equal(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
	assert_int_equal(fl_http_date((time_t)INT64_C(253402300800), buf), FL_ERANGE);

	assert_int_equal(fl_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", &t), FL_OK);
	assert_int_equal(t, 784111777);
	assert_int_equal(fl_parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", &t), FL_OK);
	assert_int_equal(t, 784111777);
	assert_int_equal(fl_parse_http_date("Sun Nov  6 08:49:37 1994", &t), FL_OK);
	assert_int_equal(t, 784111777);
	assert_int_equal(fl_parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT", &t), FL_EINVAL);
	assert_int_equal(fl_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT ", &t), FL_EINVAL);
	assert_int_equal(fl_parse_http_date("Sun, 06 Nov 1994 24:49:37 GMT", &t), FL_EINVAL);
	assert_int_equal(fl_parse_http_date("Sun, 06 Nov 1994", &t), FL_EINVAL);
	assert_int_equal(fl_parse_http_date("", &t), FL_EINVAL);
	assert_int_equal(fl_parse_http_date(NULL, &t), FL_EINVAL);
}

static void test_header_checks(void **state)
{
	assert_true(fl_header_value_ok("text/html; charset=utf-8\tx \xc3\xa9"));
	assert_true(fl_header_value_ok(""));
	assert_false(fl_header_value_ok("a\r\nb"));
	assert_false(fl_header_value_ok("a\nb"));
	assert_false(fl_header_value_ok("a\rb"));
	assert_false(fl_header_value_ok("a\x01"));
	assert_false(fl_header_value_ok("a\x7f"));
	assert_false(fl_header_value_ok(NULL));
	assert_true(fl_header_name_ok("X-Cache"));
	assert_true(fl_header_name_ok("!#$%&'*+-.^_`|~09azAZ"));
	assert_false(fl_header_name_ok(""));
	assert_false(fl_header_name_ok("X Cache"));
	assert_false(fl_header_name_ok("X-Cache:"));
	assert_false(fl_header_name_ok("X\r\n"));
	assert_false(fl_header_name_ok(NULL));
}

static void test_content_type(void **state)
{
	fl_arena *a = *state;
	fl_multidict p;
	char *mt;

	/* parse_options_header('Multipart/Form-Data; boundary="a\\"b"; charset=UTF-8')
	 * -> ('Multipart/Form-Data', {'boundary': 'a"b', 'charset': 'UTF-8'});
	 * Request.mimetype lower-cases the type. */
	fl_multidict_init(&p, a);
	assert_int_equal(fl_parse_content_type(a,
		"Multipart/Form-Data; boundary=\"a\\\"b\"; Charset=UTF-8", &mt, &p), FL_OK);
	assert_string_equal(mt, "multipart/form-data");
	assert_string_equal(fl_multidict_get(&p, "boundary"), "a\"b");
	assert_string_equal(fl_multidict_get(&p, "charset"), "UTF-8");

	fl_multidict_init(&p, a);
	assert_int_equal(fl_parse_content_type(a, "form-data; name=\"x y\"; filename=\"\"; flag",
					       &mt, &p), FL_OK);
	assert_string_equal(mt, "form-data");
	assert_string_equal(fl_multidict_get(&p, "name"), "x y");
	assert_string_equal(fl_multidict_get(&p, "filename"), "");
	assert_null(fl_multidict_get(&p, "flag"));  /* werkzeug: None */

	/* parse_options_header('form-data; filename="\\\\srv\\a"; Name="q\\\\\\"z"')
	 * -> {'filename': '\\\\srv\\a' (UNC kept raw), 'name': 'q\\"z'} */
	fl_multidict_init(&p, a);
	fl_parse_content_type(a, "form-data; filename=\"\\\\srv\\a\"; Name=\"q\\\\\\\"z\"; "
			      "filename*=UTF-8''%41", &mt, &p);
	assert_string_equal(fl_multidict_get(&p, "filename"), "\\\\srv\\a");
	assert_string_equal(fl_multidict_get(&p, "name"), "q\\\"z");
	assert_string_equal(fl_multidict_get(&p, "filename*"), "UTF-8''%41");
	/* no parameters unless ';' follows the type directly */
	fl_multidict_init(&p, a);
	fl_parse_content_type(a, "text/html ; charset=utf-8", &mt, &p);
	assert_string_equal(mt, "text/html");
	assert_int_equal(p.len, 0);

	fl_multidict_init(&p, a);
	assert_int_equal(fl_parse_content_type(a, NULL, &mt, &p), FL_OK);
	assert_string_equal(mt, "");
	assert_int_equal(p.len, 0);

	/* parse_options_header('text/plain; a=1; b="open; c=3') ->
	 * {'a': '1', 'b': '"open', 'c': '3'}; 'text/plain; a="x"y; c=3' ->
	 * {'a': 'x'}; 'text/plain; a=1, c=3' -> {'a': '1'} */
	fl_multidict_init(&p, a);
	assert_int_equal(fl_parse_content_type(a, "text/plain; a=1; b=\"open; c=3", &mt, &p),
			 FL_OK);
	assert_int_equal(p.len, 3);
	assert_string_equal(fl_multidict_get(&p, "b"), "\"open");
	assert_string_equal(fl_multidict_get(&p, "c"), "3");
	fl_multidict_init(&p, a);
	fl_parse_content_type(a, "text/plain; a=\"x\"y; c=3", &mt, &p);
	assert_int_equal(p.len, 1);
	assert_string_equal(fl_multidict_get(&p, "a"), "x");
	fl_multidict_init(&p, a);
	fl_parse_content_type(a, "text/plain; a=1, c=3", &mt, &p);
	assert_int_equal(p.len, 1);
	fl_multidict_init(&p, a);
	fl_parse_content_type(a, "text/plain; =x; c=3", &mt, &p);
	assert_int_equal(p.len, 0);

	fl_multidict_init(&p, a);
	assert_int_equal(fl_parse_content_type(a, "text/plain; a=\xff", &mt, &p), FL_EUTF8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test_setup_teardown(test_unquote, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_quote, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_url_encode, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_parse_cookie, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_parse_cookie_edges, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_dump_cookie, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_dump_cookie_rejects, arena_setup, arena_teardown),
		cmocka_unit_test(test_http_date),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test_setup_teardown(test_content_type, arena_setup, arena_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
