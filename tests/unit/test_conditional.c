/* test_conditional.c — lib/http/conditional.c against werkzeug 2.2's
 * send_file run by /usr/bin/python3 on the same file with the same request
 * headers (oracle.h): the ETag, and the status and Content-Range that
 * make_conditional decides (200, 206, 304, 412, 416). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/conditional.h"
#include "http/http.h"
#include "arena_fixture.h"
#include "oracle.h"

static char path[64];
static struct stat st;

static int file_setup(void **state)
{
	arena_setup(state);
	strcpy(path, "/tmp/flagon-cond-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789abcdefghij", 20), 20);
	/* A modification time with nanoseconds, as Python's float shows it. */
	struct timespec ts[2] = { { 1700000000, 123456789 }, { 1700000000, 123456789 } };
	assert_int_equal(futimens(fd, ts), 0);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	return 0;
}

static int file_teardown(void **state)
{
	unlink(path);
	return arena_teardown(state);
}

/* One request: the headers, as JSON for Python and as a struct for C. */
typedef struct { const char *range, *if_range, *ims, *inm, *im; } req;

static const char *json_of(const req *r)
{
	json_t *o = json_object();
	if (r->range) json_object_set_new(o, "Range", json_string(r->range));
	if (r->if_range) json_object_set_new(o, "If-Range", json_string(r->if_range));
	if (r->ims) json_object_set_new(o, "If-Modified-Since", json_string(r->ims));
	if (r->inm) json_object_set_new(o, "If-None-Match", json_string(r->inm));
	if (r->im) json_object_set_new(o, "If-Match", json_string(r->im));
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static const char script[] =
	"import sys, json\n"
	"from werkzeug.test import create_environ\n"
	"from werkzeug.utils import send_file\n"
	"from werkzeug.exceptions import RequestedRangeNotSatisfiable\n"
	"path = sys.argv[1] if len(sys.argv) > 1 else None\n"
	"lines = sys.stdin.read().split()\n"
	"path = bytes.fromhex(lines[0]).decode()\n"
	"print('path')\n"
	"for line in lines[1:]:\n"
	"    h = json.loads(bytes.fromhex(line).decode())\n"
	"    try:\n"
	"        r = send_file(path, create_environ(headers=h))\n"
	"        print('%d|%s|%s|%s' % (r.status_code, r.headers.get('ETag'),\n"
	"              r.headers.get('Content-Range'), r.headers.get('Last-Modified')))\n"
	"        r.close()\n"
	"    except RequestedRangeNotSatisfiable as e:\n"
	"        print('416|-|bytes */%d|-' % e.length)\n";

static void test_against_werkzeug(void **state)
{
	assert_true(oracle_has("werkzeug"));
	const char *etag = fl_file_etag(arena, &st, path);
	const char *q = fl_arena_printf(arena, "\"%s\"", etag);
	char lm[30], before[30], after[30];
	fl_http_date(st.st_mtime, lm);
	fl_http_date(st.st_mtime - 1, before);
	fl_http_date(st.st_mtime + 3600, after);
	const req cases[] = {
		{ 0 },
		{ .inm = q }, { .inm = fl_arena_printf(arena, "W/%s", q) }, { .inm = "\"other\"" },
		{ .inm = "*" }, { .inm = fl_arena_printf(arena, "\"a\", %s , \"b\"", q) },
		{ .inm = etag }, { .inm = "\"*\"" }, { .inm = "" },
		{ .ims = lm }, { .ims = before }, { .ims = after }, { .ims = "not a date" },
		{ .ims = "Tuesday, 14-Nov-23 22:13:20 GMT" }, { .ims = "Tue Nov 14 22:13:20 2023" },
		{ .ims = lm, .inm = "\"other\"" }, { .ims = before, .inm = q },
		{ .inm = q, .im = q }, { .inm = q, .im = "\"other\"" }, { .ims = lm, .im = "*" },
		{ .im = "\"other\"" },
		{ .range = "bytes=0-4" }, { .range = "bytes=5-" }, { .range = "bytes=-3" },
		{ .range = "bytes=-30" }, { .range = "bytes=15-100" }, { .range = "bytes=20-" },
		{ .range = "bytes=0-1,4-5" }, { .range = "bytes=5-2" }, { .range = "items=0-1" },
		{ .range = "bytes=abc" }, { .range = "bytes= 2 - 3 " }, { .range = "BYTES=1-1" },
		{ .range = "bytes=+1-2" }, { .range = "bytes=1_0-11" }, { .range = "bytes=-0" },
		{ .range = "" }, { .range = "bytes=" }, { .range = "bytes=--1" },
		{ .range = "bytes=0-4", .if_range = q }, { .range = "bytes=0-4", .if_range = "\"x\"" },
		{ .range = "bytes=0-4", .if_range = lm }, { .range = "bytes=0-4", .if_range = before },
		{ .range = "bytes=0-4", .inm = q }, { .if_range = q, .inm = q },
		{ .range = "bytes=0-4", .if_range = "\"x\"", .inm = q },
	};
	size_t n = sizeof cases / sizeof *cases;
	const char **in = fl_arena_alloc(arena, (n + 1) * sizeof *in);
	in[0] = path;
	for (size_t i = 0; i < n; i++)
		in[i + 1] = json_of(&cases[i]);
	char **want = oracle_run(arena, script, in, n + 1);
	assert_non_null(want);
	for (size_t i = 0; i < n; i++) {
		const req *r = &cases[i];
		fl_conditional_request rq = { r->range, r->if_range, r->ims, r->inm, r->im };
		fl_conditional_result res;
		fl_make_conditional(&rq, etag, st.st_mtime, (unsigned long long)st.st_size, &res);
		char *got;
		if (res.status == 416)
			got = fl_arena_printf(arena, "416|-|%s|-", res.content_range);
		else
			got = fl_arena_printf(arena, "%d|%s|%s|%s", res.status, q,
				res.status == 206 ? res.content_range : "None", lm);
		if (strcmp(got, want[i + 1]) != 0)
			fail_msg("case %zu %s: werkzeug '%s', Flagon '%s'", i, in[i + 1], want[i + 1], got);
	}
}

static void test_etag_shape(void **state)
{
	assert_string_equal(fl_file_etag(arena, &st, path) + strlen("1700000000.1234567"),
		fl_arena_printf(arena, "-20-%s", strrchr(fl_file_etag(arena, &st, path), '-') + 1));
	struct stat whole = st;
	whole.st_mtim.tv_nsec = 0;
	assert_int_equal(strncmp(fl_file_etag(arena, &whole, "/x"), "1700000000.0-20-", 16), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_against_werkzeug, file_setup, file_teardown),
		cmocka_unit_test_setup_teardown(test_etag_shape, file_setup, file_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
