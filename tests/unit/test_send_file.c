/* test_send_file.c — web/send_file.c and web/uploads.c on a context made
 * without an application (paths relative to a scratch directory): the
 * headers werkzeug's send_file sets, binary bodies byte for byte, HEAD,
 * 304/206/416, X-Sendfile, send_from_directory's refusals (traversal,
 * absolute paths, symbolic links out of and inside the directory, FIFOs),
 * send_bytes, request.files.get, a safe FileStorage.save (existing file,
 * symbolic link at the target, no directory, a directory that cannot be
 * written, nothing left behind), and request.args.get(type=int) with a
 * default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/vec.h"
#include "http/conditional.h"
#include "http/http.h"
#include "web/ctx.h"
#include "web/ctx_internal.h"
#include "web/send_file.h"
#include "web/uploads.h"
#include "arena_fixture.h"

static char dir[64];              /* the scratch directory */
static const char bin[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\xff\xfe";
static fl_config xs_config;       /* USE_X_SENDFILE on */

static void put(const char *rel, const char *data, size_t n)
{
	char *p = fl_arena_printf(arena, "%s/%s", dir, rel);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static int setup(void **state)
{
	arena_setup(state);
	strcpy(dir, "/tmp/flagon-sendfile-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(mkdir(fl_arena_printf(arena, "%s/files", dir), 0755), 0);
	assert_int_equal(mkdir(fl_arena_printf(arena, "%s/files/sub", dir), 0755), 0);
	assert_int_equal(mkdir(fl_arena_printf(arena, "%s/uploads", dir), 0755), 0);
	put("files/pic.png", bin, sizeof bin - 1);
	put("files/sub/notes.txt", "notes\n", 6);
	put("secret.txt", "secret\n", 7);
	assert_int_equal(symlink("../secret.txt", fl_arena_printf(arena, "%s/files/out.txt", dir)), 0);
	assert_int_equal(symlink("sub/notes.txt", fl_arena_printf(arena, "%s/files/in.txt", dir)), 0);
	assert_int_equal(symlink("..", fl_arena_printf(arena, "%s/files/up", dir)), 0);
	assert_int_equal(mkfifo(fl_arena_printf(arena, "%s/files/fifo", dir), 0644), 0);
	xs_config.use_x_sendfile = 1;
	xs_config.x_sendfile_header = "X-Sendfile";
	xs_config.send_file_max_age_default = -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return arena_teardown(state);
}

/* A GET (or `method`) with the CGI variables `env` (NULL-terminated). */
static fl_ctx *request(fl_method method, char **env)
{
	static char *none[] = { NULL };
	static fl_config config;
	config.send_file_max_age_default = -1;
	fl_ctx *c = fl_ctx_new(NULL, arena);
	c->config = &config;
	c->req.arena = arena;
	c->req.method = method;
	c->req.method_name = method == FL_HEAD ? "HEAD" : "GET";
	c->req.path = "/";
	c->req.envp = env ? env : none;
	fl_multidict_init(&c->req.args, arena);
	fl_files_init(&c->req.files, arena);
	return c;
}

static const char *hdr(fl_ctx *c, const char *name)
{
	return fl_response_get_header(&c->resp, name);
}

static const char *files(void)
{
	return fl_arena_printf(arena, "%s/files", dir);
}

static void test_send_file_binary(void **state)
{
	fl_ctx *c = request(FL_GET, NULL);
	const char *path = fl_arena_printf(arena, "%s/files/pic.png", dir);
	assert_int_equal(fl_send_file(c, path, NULL), 0);
	assert_int_equal(c->resp.status, 200);
	assert_int_equal(c->resp.body.len, sizeof bin - 1);
	assert_memory_equal(c->resp.body.data, bin, sizeof bin - 1);
	assert_string_equal(hdr(c, "Content-Type"), "image/png");
	assert_string_equal(hdr(c, "Content-Disposition"), "inline; filename=pic.png");
	assert_string_equal(hdr(c, "Cache-Control"), "no-cache");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	char lm[30];
	fl_http_date(st.st_mtime, lm);
	assert_string_equal(hdr(c, "Last-Modified"), lm);
	assert_string_equal(hdr(c, "ETag"),
		fl_arena_printf(arena, "\"%s\"", fl_file_etag(arena, &st, path)));
	assert_null(hdr(c, "X-Sendfile"));

	/* The serialized response carries every byte, NULs included. */
	fl_buf out;
	fl_buf_init(&out, arena);
	fl_response_serialize(&c->resp, 0, &out);
	assert_non_null(memmem(out.data, out.len, bin, sizeof bin - 1));
	assert_non_null(memmem(out.data, out.len, "Content-Length: 19\r\n", 20));
}

static void test_send_file_options(void **state)
{
	fl_ctx *c = request(FL_GET, NULL);
	fl_send_file_opts o = { .as_attachment = true,
		.download_name = "r\xc3\xa9sum\xc3\xa9 \xe6\x88\x91.txt", .max_age = 60 };
	assert_int_equal(fl_send_file(c, fl_arena_printf(arena, "%s/secret.txt", dir), &o), 0);
	assert_string_equal(hdr(c, "Content-Disposition"),
		"attachment; filename=\"resume .txt\"; "
		"filename*=UTF-8''r%C3%A9sum%C3%A9%20%E6%88%91.txt");
	assert_string_equal(hdr(c, "Content-Type"), "text/plain; charset=utf-8");
	assert_string_equal(hdr(c, "Cache-Control"), "public, max-age=60");
	assert_non_null(hdr(c, "Expires"));

	c = request(FL_GET, NULL);
	fl_send_file_opts o2 = { .mimetype = "application/x-custom", .no_etag = true, .max_age = -1 };
	assert_int_equal(fl_send_file(c, fl_arena_printf(arena, "%s/secret.txt", dir), &o2), 0);
	assert_string_equal(hdr(c, "Content-Type"), "application/x-custom");
	assert_null(hdr(c, "ETag"));

	/* A name that would split the header is the application's bug: 500. */
	c = request(FL_GET, NULL);
	fl_send_file_opts bad = { .download_name = "a\r\nSet-Cookie: x=1" };
	assert_int_equal(fl_send_file(c, fl_arena_printf(arena, "%s/secret.txt", dir), &bad), 500);
	assert_null(hdr(c, "Set-Cookie"));

	c = request(FL_GET, NULL);
	assert_int_equal(fl_send_file(c, fl_arena_printf(arena, "%s/nope", dir), NULL), 404);
	c = request(FL_GET, NULL);
	assert_int_equal(fl_send_file(c, files(), NULL), 404);   /* a directory */
	c = request(FL_GET, NULL);
	assert_int_equal(fl_send_file(c, NULL, NULL), 500);
}

static void test_head_and_conditional(void **state)
{
	const char *path = fl_arena_printf(arena, "%s/files/pic.png", dir);
	fl_ctx *c = request(FL_HEAD, NULL);
	assert_int_equal(fl_send_file(c, path, NULL), 0);
	assert_int_equal(c->resp.body.len, 0);
	assert_true(c->resp.content_length_set);
	assert_int_equal(c->resp.content_length, sizeof bin - 1);
	fl_buf out;
	fl_buf_init(&out, arena);
	fl_response_serialize(&c->resp, 1, &out);
	assert_non_null(memmem(out.data, out.len, "Content-Length: 19\r\n", 20));

	const char *etag = hdr(c, "ETag");
	char *env[] = { fl_arena_printf(arena, "HTTP_IF_NONE_MATCH=%s", etag), NULL };
	c = request(FL_GET, env);
	assert_int_equal(fl_send_file(c, path, NULL), 0);
	assert_int_equal(c->resp.status, 304);
	assert_int_equal(c->resp.body.len, 0);
	assert_string_equal(hdr(c, "ETag"), etag);

	char *env2[] = { fl_arena_printf(arena, "HTTP_IF_MODIFIED_SINCE=%s",
		hdr(c, "Last-Modified")), NULL };
	c = request(FL_GET, env2);
	assert_int_equal(fl_send_file(c, path, NULL), 0);
	assert_int_equal(c->resp.status, 304);

	/* conditional=False: the file again. */
	c = request(FL_GET, env);
	fl_send_file_opts o = { .no_conditional = true };
	assert_int_equal(fl_send_file(c, path, &o), 0);
	assert_int_equal(c->resp.status, 200);

	char *range[] = { "HTTP_RANGE=bytes=4-7", NULL };
	c = request(FL_GET, range);
	assert_int_equal(fl_send_file(c, path, NULL), 0);
	assert_int_equal(c->resp.status, 206);
	assert_string_equal(hdr(c, "Content-Range"), "bytes 4-7/19");
	assert_string_equal(hdr(c, "Accept-Ranges"), "bytes");
	assert_int_equal(c->resp.body.len, 4);
	assert_memory_equal(c->resp.body.data, bin + 4, 4);

	char *bad[] = { "HTTP_RANGE=bytes=40-", NULL };
	c = request(FL_GET, bad);
	assert_int_equal(fl_send_file(c, path, NULL), 0);
	assert_int_equal(c->resp.status, 416);
	assert_string_equal(hdr(c, "Content-Range"), "bytes */19");
}

static void test_x_sendfile(void **state)
{
	const char *path = fl_arena_printf(arena, "%s/files/pic.png", dir);
	fl_ctx *c = request(FL_GET, NULL);
	c->config = &xs_config;
	assert_int_equal(fl_send_file(c, path, NULL), 0);
	assert_int_equal(c->resp.status, 200);
	assert_string_equal(hdr(c, "X-Sendfile"), path);
	assert_int_equal(c->resp.body.len, 0);
	assert_true(c->resp.content_length_set);
	assert_int_equal(c->resp.content_length, sizeof bin - 1);

	/* A 304 hands nothing over. */
	char *env[] = { fl_arena_printf(arena, "HTTP_IF_NONE_MATCH=%s", hdr(c, "ETag")), NULL };
	c = request(FL_GET, env);
	c->config = &xs_config;
	assert_int_equal(fl_send_file(c, path, NULL), 0);
	assert_int_equal(c->resp.status, 304);
	assert_null(hdr(c, "X-Sendfile"));

	fl_config lighttpd = xs_config;
	lighttpd.x_sendfile_header = "X-LIGHTTPD-send-file";
	c = request(FL_GET, NULL);
	c->config = &lighttpd;
	assert_int_equal(fl_send_from_directory(c, files(), "sub/notes.txt", NULL), 0);
	assert_string_equal(hdr(c, "X-LIGHTTPD-send-file"),
		fl_arena_printf(arena, "%s/files/sub/notes.txt", dir));
}

static void test_send_from_directory(void **state)
{
	fl_ctx *c = request(FL_GET, NULL);
	assert_int_equal(fl_send_from_directory(c, files(), "sub/./notes.txt", NULL), 0);
	assert_int_equal(c->resp.body.len, 6);
	assert_memory_equal(c->resp.body.data, "notes\n", 6);
	struct stat st;
	const char *path = fl_arena_printf(arena, "%s/files/sub/notes.txt", dir);
	assert_int_equal(stat(path, &st), 0);
	/* The ETag names the path werkzeug would: directory + normalized name. */
	assert_string_equal(hdr(c, "ETag"),
		fl_arena_printf(arena, "\"%s\"", fl_file_etag(arena, &st, path)));

	c = request(FL_GET, NULL);
	assert_int_equal(fl_send_from_directory(c, fl_arena_printf(arena, "%s/files/", dir),
		"sub/../pic.png", NULL), 0);
	assert_int_equal(c->resp.body.len, sizeof bin - 1);

	static const char *const refused[] = {
		"../secret.txt", "sub/../../secret.txt", "..", "/etc/passwd",
		"out.txt",          /* a link out of the directory */
		"in.txt",           /* a link, even one that stays inside */
		"up/secret.txt",    /* through a linked directory */
		"sub", "fifo", "missing.txt", "", ".", "sub\\..\\..\\secret.txt", "..%2fsecret.txt",
		"sub/notes.txt/x",
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		c = request(FL_GET, NULL);
		if (fl_send_from_directory(c, files(), refused[i], NULL) != 404)
			fail_msg("send_from_directory served '%s'", refused[i]);
		assert_int_equal(c->resp.body.len, 0);
	}
	c = request(FL_GET, NULL);
	assert_int_equal(fl_send_from_directory(c, fl_arena_printf(arena, "%s/nodir", dir),
		"x.txt", NULL), 404);
}

static void test_send_bytes(void **state)
{
	fl_ctx *c = request(FL_GET, NULL);
	assert_int_equal(fl_send_bytes(c, 0, NULL, bin, sizeof bin - 1), 0);
	assert_int_equal(c->resp.status, 200);
	assert_string_equal(hdr(c, "Content-Type"), "application/octet-stream");
	assert_int_equal(c->resp.body.len, sizeof bin - 1);
	assert_memory_equal(c->resp.body.data, bin, sizeof bin - 1);
	c = request(FL_GET, NULL);
	assert_int_equal(fl_send_bytes(c, 201, "image/png", "", 0), 0);
	assert_int_equal(c->resp.status, 201);
	assert_int_equal(c->resp.body.len, 0);
	c = request(FL_GET, NULL);
	assert_int_equal(fl_send_bytes(c, 200, NULL, NULL, 3), 500);
	assert_true(fl_state(c)->failed);
}

static size_t entries(const char *path)
{
	DIR *d = opendir(path);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_save_upload(void **state)
{
	const char *up = fl_arena_printf(arena, "%s/uploads", dir);
	fl_file f = { .name = "photo", .filename = "pic.png", .data = bin, .len = sizeof bin - 1 };
	assert_int_equal(fl_save_upload(&f, up, "pic.png"), FL_OK);
	char buf[64];
	FILE *in = fopen(fl_arena_printf(arena, "%s/pic.png", up), "rb");
	assert_int_equal(fread(buf, 1, sizeof buf, in), sizeof bin - 1);
	fclose(in);
	assert_memory_equal(buf, bin, sizeof bin - 1);
	assert_int_equal(entries(up), 1);          /* no temporary file left */

	/* Never overwritten. */
	fl_file other = { .name = "photo", .filename = "x", .data = "other", .len = 5 };
	assert_int_equal(fl_save_upload(&other, up, "pic.png"), FL_EEXISTS);
	struct stat st;
	assert_int_equal(stat(fl_arena_printf(arena, "%s/pic.png", up), &st), 0);
	assert_int_equal(st.st_size, sizeof bin - 1);

	/* A symbolic link at the target is not followed, even a dangling one. */
	const char *victim = fl_arena_printf(arena, "%s/secret.txt", dir);
	assert_int_equal(symlink(victim, fl_arena_printf(arena, "%s/link.txt", up)), 0);
	assert_int_equal(fl_save_upload(&other, up, "link.txt"), FL_EEXISTS);
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_size, 7);
	assert_int_equal(symlink("/nonexistent/x", fl_arena_printf(arena, "%s/dangling.txt", up)), 0);
	assert_int_equal(fl_save_upload(&other, up, "dangling.txt"), FL_EEXISTS);
	assert_int_equal(access("/nonexistent/x", F_OK), -1);

	/* Only secure names. */
	static const char *const insecure[] = { "../x.txt", "a b.txt", "", ".hidden", "CON",
		"/tmp/x", "sub/x.txt", "\xc3\xa9.txt" };
	for (size_t i = 0; i < sizeof insecure / sizeof *insecure; i++)
		assert_int_equal(fl_save_upload(&other, up, insecure[i]), FL_EINVAL);
	assert_int_equal(fl_save_upload(NULL, up, "x.txt"), FL_EINVAL);
	assert_int_equal(fl_save_upload(&other, NULL, "x.txt"), FL_EINVAL);

	assert_int_equal(fl_save_upload(&other, fl_arena_printf(arena, "%s/nodir", dir), "x.txt"),
		FL_ENOTFOUND);
	/* A directory nobody can write to (as root too: /proc). */
	assert_int_equal(fl_save_upload(&other, "/proc", "x.txt"), FL_EIO);
	if (geteuid() != 0) {
		const char *ro = fl_arena_printf(arena, "%s/readonly", dir);
		assert_int_equal(mkdir(ro, 0555), 0);
		assert_int_equal(fl_save_upload(&other, ro, "x.txt"), FL_EIO);
		assert_int_equal(entries(ro), 0);
	}
	assert_int_equal(entries(up), 3);          /* pic.png and the two links */

	/* An empty upload is a file too. */
	fl_file empty = { .name = "f", .filename = "e.txt", .data = "", .len = 0 };
	assert_int_equal(fl_save_upload(&empty, up, "e.txt"), FL_OK);
}

static void test_get_file_and_args(void **state)
{
	fl_ctx *c = request(FL_GET, NULL);
	fl_file f = { .name = "photo", .filename = "a.png", .data = "x", .len = 1 };
	*fl_vec_push(arena, &c->req.files) = f;
	assert_non_null(fl_get_file(c, "photo"));
	assert_string_equal(fl_get_file(c, "photo")->filename, "a.png");
	assert_null(fl_get_file(c, "other"));
	assert_null(fl_get_file(c, NULL));

	fl_multidict_add(&c->req.args, "page", "3", 1);
	fl_multidict_add(&c->req.args, "bad", "abc", 3);
	fl_multidict_add(&c->req.args, "empty", "", 0);
	fl_multidict_add(&c->req.args, "neg", "-2", 2);
	fl_multidict_add(&c->req.args, "big", "99999999999999999999", 20);
	fl_multidict_add(&c->req.args, "space", " 1", 2);
	assert_int_equal(fl_get_arg_int_or(c, "page", 1), 3);
	assert_int_equal(fl_get_arg_int_or(c, "missing", 1), 1);
	assert_int_equal(fl_get_arg_int_or(c, "bad", 7), 7);
	assert_int_equal(fl_get_arg_int_or(c, "empty", 7), 7);
	assert_int_equal(fl_get_arg_int_or(c, "neg", 7), -2);
	assert_int_equal(fl_get_arg_int_or(c, "big", 7), 7);
	assert_int_equal(fl_get_arg_int_or(c, "space", 7), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_send_file_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_file_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head_and_conditional, setup, teardown),
		cmocka_unit_test_setup_teardown(test_x_sendfile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_from_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_upload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_file_and_args, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
