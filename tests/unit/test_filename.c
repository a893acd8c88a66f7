/* test_filename.c — lib/http/filename.c and mimetypes.c against werkzeug
 * 2.2 and Python's unicodedata/mimetypes, run by /usr/bin/python3 over the
 * same inputs (oracle.h): secure_filename, the NFKD-to-ASCII table for
 * every code point, send_file's Content-Disposition, guess_type; and
 * safe_join's refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/utf8.h"
#include "http/filename.h"
#include "http/mimetypes.h"
#include "arena_fixture.h"
#include "oracle.h"

static const char *const tricky[] = {
	"My cool movie.mov", "../../../etc/passwd", "i contain cool \xc3\xbc" "ml\xc3\xa4uts.txt",
	"  ", "", "CON", "con.txt", "Aux.tar.gz", "COM1", "com5", "LPT3.x", "nul", "NUL.", "_CON",
	"a b.txt", "\xe6\x88\x91.png", "\xe6\x88\x91", "..", ".", "...", "._.", "__init__.py",
	".bashrc", "a\tb\nc\x0b" "d\x0c" "e\rf\x1cg\x1fh", "a\\b", "/", "a/b/c", "  x  ", "x__y",
	"Stra\xc3\x9f" "e.txt", "\xef\xac\x81le.pdf", "\xe2\x84\x83.txt", "\xc2\xb2\xc2\xbd",
	"\xef\xbc\xa1\xef\xbc\xa2.TXT", "\xc3\x85ngstr\xc3\xb6m", "caf\xc3\xa9 \xe2\x80\x94 menu.pdf",
	"\xe2\x80\x83wide\xe3\x80\x80space", "tab\there", "semi;colon,comma.txt", "quote\"d'.txt",
	"-dash-", "a..b", "\xf0\x9d\x90\x80\xf0\x9d\x90\x81.txt", "\xe2\x91\xa0.txt",
	"\xd8\xb5\xd9\x84\xd9\x89 file", "\xef\xb7\xba", "x\xc2\xa0y", "LPT1 .txt", "CON.",
	"emoji\xf0\x9f\x98\x80.png", "\xc4\xb2sselmeer",
};
#define NTRICKY (sizeof tricky / sizeof *tricky)

/* secure_filename as werkzeug applies it on Windows (the device names),
 * with posix's separators, as filename.h says. */
static const char secure_script[] =
	"import sys, os\n"
	"import werkzeug.utils as u\n"
	"os.name = 'nt'\n"
	"for line in sys.stdin:\n"
	"    print(u.secure_filename(bytes.fromhex(line.strip()).decode()))\n";

static void test_secure_filename_oracle(void **state)
{
	assert_true(oracle_has("werkzeug"));
	char **want = oracle_run(arena, secure_script, tricky, NTRICKY);
	assert_non_null(want);
	for (size_t i = 0; i < NTRICKY; i++) {
		char *got = fl_secure_filename(arena, tricky[i]);
		if (strcmp(got, want[i]) != 0)
			fail_msg("secure_filename(%s): werkzeug '%s', Flagon '%s'", tricky[i], want[i], got);
		assert_true(*got == '\0' || fl_filename_is_secure(arena, got));
	}
}

static void test_secure_filename_examples(void **state)
{
	assert_string_equal(fl_secure_filename(arena, "../../etc/passwd"), "etc_passwd");
	assert_string_equal(fl_secure_filename(arena, "a b.txt"), "a_b.txt");
	assert_string_equal(fl_secure_filename(arena, "\xe6\x88\x91.png"), "png");
	assert_string_equal(fl_secure_filename(arena, "  "), "");
	assert_string_equal(fl_secure_filename(arena, "CON"), "_CON");
	assert_string_equal(fl_secure_filename(arena, NULL), "");
	assert_string_equal(fl_secure_filename(arena, "bad\xff\xfe.txt"), "bad.txt");
	assert_false(fl_filename_is_secure(arena, ""));
	assert_false(fl_filename_is_secure(arena, "CON"));
	assert_false(fl_filename_is_secure(arena, "a b"));
	assert_false(fl_filename_is_secure(arena, ".hidden"));
	assert_false(fl_filename_is_secure(arena, NULL));
	assert_true(fl_filename_is_secure(arena, "report-2024.pdf"));
	assert_true(fl_filename_is_secure(arena, "_CON"));
}

/* The generated table (tools/gen-nfkd-ascii.py) against unicodedata for
 * every code point of planes 0-3 and the tags and variation selectors. */
static void test_nfkd_table_oracle(void **state)
{
	static const char script[] =
		"import sys, unicodedata\n"
		"for line in sys.stdin:\n"
		"    s = bytes.fromhex(line.strip()).decode()\n"
		"    print(unicodedata.normalize('NFKD', s).encode('ascii', 'ignore').hex())\n";
	size_t n = 0;
	const char **in = fl_arena_alloc(arena, 0x40000 * sizeof *in);
	for (uint32_t cp = 0x80; cp < 0x40000; cp++) {
		if (cp >= 0xD800 && cp < 0xE000)
			continue;
		char u[5] = { 0 };
		fl_utf8_encode(cp, u);
		in[n++] = fl_arena_strdup(arena, u);
	}
	char **want = oracle_run(arena, script, in, n);
	assert_non_null(want);
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		const char *got = fl_nfkd_ascii(arena, in[i]);
		char hex[64];
		fl_hex_encode(hex, got, strlen(got));
		if (strcmp(hex, want[i]) != 0 && bad++ < 10)
			print_error("code point %s: Python %s, Flagon %s\n", in[i], want[i], hex);
	}
	assert_int_equal(bad, 0);
}

static void test_safe_join(void **state)
{
	char *p;
	assert_int_equal(fl_safe_join(arena, "/srv/files", "a/b.txt", &p), FL_OK);
	assert_string_equal(p, "/srv/files/a/b.txt");
	assert_int_equal(fl_safe_join(arena, "/srv/files/", "a/./b//c/../d.txt", &p), FL_OK);
	assert_string_equal(p, "/srv/files/a/b/d.txt");
	assert_int_equal(fl_safe_join(arena, NULL, "x", &p), FL_OK);
	assert_string_equal(p, "./x");
	assert_int_equal(fl_safe_join(arena, "", "a/../x", &p), FL_OK);
	assert_string_equal(p, "./x");
	static const char *const refused[] = {
		"/etc/passwd", "..", "../x", "a/../../x", "a/..", ".", "", "a\\..\\b", "..\\x",
		"a\nb", "a\x7f", "./", "//etc/passwd",
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		p = (char *)"unchanged";
		if (fl_safe_join(arena, "/srv", refused[i], &p) != FL_EINVAL)
			fail_msg("safe_join accepted '%s'", refused[i]);
		assert_null(p);
	}
	assert_int_equal(fl_safe_join(arena, "/srv", NULL, &p), FL_EINVAL);
}

static void test_content_disposition_oracle(void **state)
{
	static const char script[] =
		"import sys, io\n"
		"from werkzeug.test import create_environ\n"
		"from werkzeug.utils import send_file\n"
		"for line in sys.stdin:\n"
		"    raw = bytes.fromhex(line.strip()).decode()\n"
		"    att, name = raw[0] == 'a', raw[1:]\n"
		"    r = send_file(io.BytesIO(b'x'), create_environ(), mimetype='x/y',\n"
		"                  as_attachment=att, download_name=name)\n"
		"    print(r.headers['Content-Disposition'])\n";
	static const char *const names[] = {
		"report.pdf", "a b.txt", "\xe6\x88\x91.png", "quote\"back\\slash.txt", "a(1).txt",
		"caf\xc3\xa9 (copy).pdf", "semi;colon.txt", "\xc3\xbc" "ber.txt", "x,y=z.txt",
		"\xf0\x9f\x98\x80", "tick'\xc3\xa9.txt", "~$!*+.txt",
	};
	size_t n = sizeof names / sizeof *names;
	const char **in = fl_arena_alloc(arena, 2 * n * sizeof *in);
	for (size_t i = 0; i < n; i++) {
		in[2 * i] = fl_arena_printf(arena, "a%s", names[i]);
		in[2 * i + 1] = fl_arena_printf(arena, "i%s", names[i]);
	}
	char **want = oracle_run(arena, script, in, 2 * n);
	assert_non_null(want);
	for (size_t i = 0; i < 2 * n; i++) {
		char *got;
		assert_int_equal(fl_content_disposition(arena, in[i] + 1, in[i][0] == 'a', &got), FL_OK);
		if (strcmp(got, want[i]) != 0)
			fail_msg("Content-Disposition for %s: werkzeug '%s', Flagon '%s'", in[i], want[i], got);
	}
	char *got = (char *)"x";
	assert_int_equal(fl_content_disposition(arena, "a\r\nSet-Cookie: x=1", true, &got), FL_EINVAL);
	assert_null(got);
	assert_int_equal(fl_content_disposition(arena, "bad\xff", true, &got), FL_EINVAL);
	assert_int_equal(fl_content_disposition(arena, NULL, true, &got), FL_EINVAL);
}

static void test_guess_mimetype_oracle(void **state)
{
	static const char script[] =
		"import sys, mimetypes\n"
		"for line in sys.stdin:\n"
		"    t, e = mimetypes.guess_type(bytes.fromhex(line.strip()).decode())\n"
		"    print('%s %s' % (t, e))\n";
	static const char *const names[] = {
		"a.txt", "A.TXT", "page.html", "x.htm", "s.css", "app.js", "m.mjs", "d.json", "f.xml",
		"t.csv", "r.md", "p.png", "p.JPG", "p.jpeg", "g.gif", "w.webp", "i.svg", "favicon.ico",
		"b.bmp", "t.tif", "a.avif", "d.pdf", "z.zip", "a.tar", "a.tar.gz", "a.tgz", "a.tar.bz2",
		"a.tar.xz", "x.txt.gz", "x.svgz", "x.gz", "x.Z", "x.7z", "x.rar", "x.doc", "x.docx",
		"x.xls", "x.xlsx", "x.ppt", "x.pptx", "x.odt", "x.ods", "x.mp3", "x.ogg", "x.oga",
		"x.wav", "x.flac", "x.mp4", "x.m4a", "x.webm", "x.ogv", "x.mov", "x.avi", "x.mkv",
		"x.woff", "x.woff2", "x.ttf", "x.otf", "x.eot", "x.wasm", "x.rtf", "x.ics", "x.py",
		"x.c", "x.h", "x.sh", "x.bin", "x.exe", "x.apk", "x.epub", "x.jar", "x.sql",
		"noext", ".bashrc", "..txt", "dir.d/file", "x.unknownext", "x.", "a.b.png",
		"x.tbz2", "x.txz", "x.taz", "x.tz",
	};
	size_t n = sizeof names / sizeof *names;
	char **want = oracle_run(arena, script, names, n);
	assert_non_null(want);
	for (size_t i = 0; i < n; i++) {
		const char *enc;
		const char *t = fl_guess_mimetype(names[i], &enc);
		char *got = fl_arena_printf(arena, "%s %s", t ? t : "None", enc ? enc : "None");
		if (strcmp(got, want[i]) != 0)
			fail_msg("guess_type(%s): Python '%s', Flagon '%s'", names[i], want[i], got);
	}
	assert_null(fl_guess_mimetype(NULL, NULL));
}

static void test_content_type_for(void **state)
{
	assert_string_equal(fl_content_type_for(arena, "text/plain"), "text/plain; charset=utf-8");
	assert_string_equal(fl_content_type_for(arena, "image/svg+xml"), "image/svg+xml; charset=utf-8");
	assert_string_equal(fl_content_type_for(arena, "application/xml"), "application/xml; charset=utf-8");
	assert_string_equal(fl_content_type_for(arena, "application/sql"), "application/sql; charset=utf-8");
	assert_string_equal(fl_content_type_for(arena, "image/png"), "image/png");
	assert_string_equal(fl_content_type_for(arena, "application/json"), "application/json");
	assert_string_equal(fl_content_type_for(arena, "text/html; charset=latin-1"),
		"text/html; charset=latin-1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_secure_filename_oracle, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_secure_filename_examples, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_nfkd_table_oracle, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_safe_join, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_content_disposition_oracle, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_guess_mimetype_oracle, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_content_type_for, arena_setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
