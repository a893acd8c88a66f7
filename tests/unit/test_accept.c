/* test_accept.c — lib/http/accept.c: the Accept header read as werkzeug 2.2's
 * parse_accept_header(value, MIMEAccept) reads it, checked against
 * /usr/bin/python3 on the same headers; and the one deliberate difference
 * (q=0 excludes in fl_accept_mimetype). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/accept.h"
#include "arena_fixture.h"

static void parses_items_in_werkzeug_order(void **state)
{
	fl_accept acc;
	fl_parse_accept(arena, "text/*;q=0.3, text/html;q=0.7, text/html;level=1, "
		"text/html;level=2;q=0.4, */*;q=0.5", &acc);
	assert_true(acc.provided);
	assert_int_equal(acc.n, 5);
	/* most specific first: level=1 and level=2 (3 parts), text/html, text/any, any/any */
	assert_string_equal(acc.items[0].value, "text/html;level=1");
	assert_string_equal(acc.items[1].value, "text/html;level=2");
	assert_string_equal(acc.items[2].value, "text/html");
	assert_string_equal(acc.items[3].value, "text/*");
	assert_string_equal(acc.items[4].value, "*/*");
	assert_true(acc.items[1].quality == 0.4);
	/* RFC 9110 §12.5.1's example */
	assert_true(fl_accept_quality(&acc, "text/html;level=1") == 1);
	assert_true(fl_accept_quality(&acc, "text/html") == 0.7);
	assert_true(fl_accept_quality(&acc, "text/plain") == 0.3);
	assert_true(fl_accept_quality(&acc, "image/jpeg") == 0.5);
	assert_true(fl_accept_quality(&acc, "TEXT/HTML;LEVEL=2") == 0.4);
}

static void absent_header_accepts_nothing(void **state)
{
	fl_accept acc;
	fl_parse_accept(arena, NULL, &acc);
	assert_false(acc.provided);
	assert_int_equal(acc.n, 0);
	assert_false(fl_accept_mimetype(&acc, "text/html"));
	fl_parse_accept(arena, "", &acc);
	assert_false(acc.provided);
}

static void q_zero_excludes(void **state)
{
	fl_accept acc;
	fl_parse_accept(arena, "application/json;q=0, */*", &acc);
	/* werkzeug's `"application/json" in accept` says True here */
	assert_false(fl_accept_mimetype(&acc, "application/json"));
	assert_true(fl_accept_mimetype(&acc, "text/html"));
	fl_parse_accept(arena, "*/*;q=0", &acc);
	assert_false(fl_accept_mimetype(&acc, "text/html"));
	fl_parse_accept(arena, "text/html;q=0.000, application/json;q=1.5", &acc);
	assert_false(fl_accept_mimetype(&acc, "text/html"));
	assert_true(fl_accept_quality(&acc, "application/json") == 1);
}

static void wildcards_and_bad_values(void **state)
{
	fl_accept acc;
	fl_parse_accept(arena, "text/*", &acc);
	assert_true(fl_accept_mimetype(&acc, "text/plain"));
	assert_false(fl_accept_mimetype(&acc, "application/json"));
	fl_parse_accept(arena, "*/json, json, ;;, ,", &acc);
	assert_false(fl_accept_mimetype(&acc, "application/json"));
	assert_false(fl_accept_mimetype(&acc, "json"));       /* no '/' from the application */
	fl_parse_accept(arena, "*/*", &acc);
	assert_false(fl_accept_mimetype(&acc, "*/html"));     /* werkzeug raises ValueError */
	assert_true(fl_accept_mimetype(&acc, "*/*"));
}

static void best_match(void **state)
{
	const char *offers[] = { "application/json", "text/html" };
	fl_accept acc;
	fl_parse_accept(arena, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", &acc);
	assert_string_equal(fl_accept_best_match(&acc, offers, 2, "x"), "text/html");
	fl_parse_accept(arena, "application/json", &acc);
	assert_string_equal(fl_accept_best_match(&acc, offers, 2, "x"), "application/json");
	fl_parse_accept(arena, "image/png", &acc);
	assert_string_equal(fl_accept_best_match(&acc, offers, 2, "x"), "x");
	fl_parse_accept(arena, "*/*", &acc);
	assert_string_equal(fl_accept_best_match(&acc, offers, 2, "x"), "application/json");
}

/* ---- the same headers through werkzeug ---- */

static const char *const headers[] = {
	"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
	"*/*",
	"application/json",
	"application/json, text/javascript, */*; q=0.01",
	"application/json;q=0, text/html",
	"text/html;q=0, application/json",
	"text/*;q=0.3, text/html;q=0.7, text/html;level=1, text/html;level=2;q=0.4, */*;q=0.5",
	"TEXT/HTML ; Level=1 ; q=0.5 ; ext=x, text/plain;q=",
	"a/b;q=abc, c/d;q=.25, e/f;q=1., g/h;q=007, i/j;q=2, k/l; q=0.5",
	"text/html;;q=0.5, ;,;, json, */json, q=1",
	"text/html;qa=1;q, text/plain;quality=1;q=0.2",
	"x/y;b=2;a=1, x/y;a=1;b=2;q=0.1, x/y",
	"application/xhtml+xml;q=0.1,application/json;q=0.9",
	"\ttext/plain \t;\tq=0.9\t,  application/json",
	"application/*;q=0.2, application/json;q=0",
	"a/*, */*;q=0.1, a/b;q=0.3, a/b;c=d",
	"*/x, x/*;q=0.5",
};

static const char *const probes[] = {
	"application/json", "text/html", "application/xhtml+xml", "application/xml",
	"text/plain", "text/html;level=1", "x/y;a=1;b=2", "a/b", "*/*",
};

static void describe(FILE *f, const char *header)
{
	fl_accept acc;
	fl_parse_accept(arena, header, &acc);
	for (size_t i = 0; i < acc.n; i++)
		fprintf(f, "%s%s|%g", i ? " , " : "", acc.items[i].value, acc.items[i].quality);
	fprintf(f, " ||");
	for (size_t i = 0; i < sizeof probes / sizeof *probes; i++)
		fprintf(f, " %g", fl_accept_quality(&acc, probes[i]));
	const char *offers[] = { "application/json", "text/html", "text/plain" };
	fprintf(f, " || %s\n", fl_accept_best_match(&acc, offers, 3, "-"));
}

static void agrees_with_werkzeug(void **state)
{
	if (system("/usr/bin/python3 -c 'import werkzeug' >/dev/null 2>&1") != 0) {
		skip();
		return;
	}
	char in[] = "/tmp/flagon-accept-in-XXXXXX", out[] = "/tmp/flagon-accept-out-XXXXXX";
	int fi = mkstemp(in), fo = mkstemp(out);
	assert_true(fi >= 0 && fo >= 0);
	FILE *hf = fdopen(fi, "w"), *of = fdopen(fo, "w");
	for (size_t i = 0; i < sizeof headers / sizeof *headers; i++) {
		fprintf(hf, "%s\n", headers[i]);
		describe(of, headers[i]);
	}
	fclose(hf);
	fclose(of);
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		"/usr/bin/python3 -c '\n"
		"import sys\n"
		"from werkzeug.http import parse_accept_header\n"
		"from werkzeug.datastructures import MIMEAccept\n"
		"probes = sys.argv[3].split(\"!\")\n"
		"got = open(sys.argv[2], encoding=\"latin-1\").read().split(\"\\n\")\n"
		"bad = 0\n"
		"for i, h in enumerate(open(sys.argv[1], encoding=\"latin-1\").read().split(\"\\n\")[:-1]):\n"
		"    a = parse_accept_header(h, MIMEAccept)\n"
		"    s = \" , \".join(\"%%s|%%g\" %% (v, q) for v, q in a) + \" ||\"\n"
		"    s += \"\".join(\" %%g\" %% a.quality(p) for p in probes)\n"
		"    s += \" || \" + a.best_match([\"application/json\", \"text/html\", \"text/plain\"], \"-\")\n"
		"    if s != got[i]:\n"
		"        bad += 1\n"
		"        print(\"header %%r\\n  werkzeug %%s\\n  flagon   %%s\" %% (h, s, got[i]))\n"
		"sys.exit(1 if bad else 0)' %s %s '%s!%s!%s!%s!%s!%s!%s!%s!%s'",
		in, out, probes[0], probes[1], probes[2], probes[3], probes[4], probes[5], probes[6],
		probes[7], probes[8]);
	int rc = system(cmd);
	unlink(in);
	unlink(out);
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_items_in_werkzeug_order),
		cmocka_unit_test(absent_header_accepts_nothing),
		cmocka_unit_test(q_zero_excludes),
		cmocka_unit_test(wildcards_and_bad_values),
		cmocka_unit_test(best_match),
		cmocka_unit_test(agrees_with_werkzeug),
	};
	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
