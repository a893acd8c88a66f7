/* send_file.c — send_file, send_from_directory and binary bodies
 * (Flask 2.2, werkzeug 2.2's utils.send_file), see send_file.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "web/send_file.h"
#include "web/ctx_internal.h"
#include "base/log.h"
#include "http/conditional.h"
#include "http/filename.h"
#include "http/http.h"
#include "http/mimetypes.h"

/* `path` as werkzeug sees it: Flask joins a relative one to root_path. */
static const char *under_root(fl_ctx *c, const char *path)
{
	if (path[0] == '/' || !c->app || !c->app->root)
		return path;
	return fl_arena_printf(c->arena, "%s/%s", c->app->root, path);
}

static void set_header(fl_ctx *c, const char *name, const char *value)
{
	if (fl_response_set_header(&c->resp, name, value) != FL_OK)
		fl_app_fail(c, "send_file: header %s cannot carry '%s'", name, value);
}

/* Cache-Control and Expires as werkzeug's send_file sets them. */
static void cache_headers(fl_ctx *c, const fl_send_file_opts *o)
{
	long max_age = o->max_age ? o->max_age : c->config->send_file_max_age_default;
	if (max_age < 0) {
		set_header(c, "Cache-Control", "no-cache");
		return;
	}
	char v[64], date[30];
	snprintf(v, sizeof v, max_age > 0 ? "public, max-age=%ld" : "no-cache, max-age=%ld", max_age);
	set_header(c, "Cache-Control", v);
	if (fl_http_date(time(NULL) + max_age, date) == FL_OK)
		set_header(c, "Expires", date);
}

/* Read `n` bytes at `offset` of `fd` into the response body. */
static int read_body(fl_ctx *c, int fd, unsigned long long offset, unsigned long long n,
	const char *path)
{
	fl_buf_init(&c->resp.body, c->arena);
	char chunk[65536];
	while (n) {
		size_t want = n < sizeof chunk ? (size_t)n : sizeof chunk;
		ssize_t got = pread(fd, chunk, want, (off_t)offset);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			fl_error("send_file %s: %s", path, got < 0 ? strerror(errno) : "the file shrank");
			return 500;
		}
		fl_buf_append(&c->resp.body, chunk, (size_t)got);
		offset += (unsigned long long)got;
		n -= (unsigned long long)got;
	}
	c->resp.body_set = 1;
	return 0;
}

/* The 416 werkzeug raises (RequestedRangeNotSatisfiable), built here so
 * that its Content-Range survives. */
static int range_not_satisfiable(fl_ctx *c, const char *content_range)
{
	static const char page[] = "<!doctype html>\n<html lang=en>\n"
		"<title>416 Requested Range Not Satisfiable</title>\n"
		"<h1>Requested Range Not Satisfiable</h1>\n"
		"<p>The server cannot provide the requested range.</p>\n";
	fl_response_init(&c->resp, c->arena);
	fl_app_set_body(c, 416, "text/html; charset=utf-8", page, sizeof page - 1);
	set_header(c, "Content-Range", content_range);
	return 0;
}

/* werkzeug send_file for the open regular file `fd` (its stat `st`),
 * whose path as werkzeug would name it is `path`. */
static int send_fd(fl_ctx *c, int fd, const struct stat *st, const char *path,
	const fl_send_file_opts *o)
{
	static const fl_send_file_opts defaults;
	if (!o)
		o = &defaults;
	const char *slash = strrchr(path, '/');
	const char *name = o->download_name ? o->download_name : slash ? slash + 1 : path;
	const char *mimetype = o->mimetype;
	if (!mimetype) {
		const char *encoding;
		mimetype = fl_guess_mimetype(name, &encoding);
		if (!mimetype)
			mimetype = "application/octet-stream";
		/* Not for attachments: browsers would unpack a .tar.gz. */
		if (encoding && !o->as_attachment)
			set_header(c, "Content-Encoding", encoding);
	}
	char *disposition;
	if (fl_content_disposition(c->arena, name, o->as_attachment, &disposition) != FL_OK) {
		fl_app_fail(c, "send_file: the download name is not UTF-8 text without control "
			"characters");
		return 500;
	}
	set_header(c, "Content-Type", fl_content_type_for(c->arena, mimetype));
	set_header(c, "Content-Disposition", disposition);
	time_t mtime = o->last_modified ? o->last_modified : st->st_mtim.tv_sec;
	char date[30];
	if (fl_http_date(mtime, date) == FL_OK)
		set_header(c, "Last-Modified", date);
	else
		mtime = 0;
	cache_headers(c, o);
	const char *etag = NULL;
	if (!o->no_etag) {
		etag = fl_file_etag(c->arena, st, path);
		set_header(c, "ETag", fl_arena_printf(c->arena, "\"%s\"", etag));
	}
	int x_sendfile = c->config->use_x_sendfile;
	if (x_sendfile)
		set_header(c, c->config->x_sendfile_header, path);
	if (fl_state(c)->failed)
		return 500;

	unsigned long long size = (unsigned long long)st->st_size;
	fl_conditional_result cr = { .status = 200 };
	if (!o->no_conditional && (c->req.method == FL_GET || c->req.method == FL_HEAD)) {
		fl_conditional_request rq = {
			/* The web server answers ranges of a file it sends itself. */
			.range = x_sendfile ? NULL : fl_request_header(&c->req, "Range"),
			.if_range = fl_request_header(&c->req, "If-Range"),
			.if_modified_since = fl_request_header(&c->req, "If-Modified-Since"),
			.if_none_match = fl_request_header(&c->req, "If-None-Match"),
			.if_match = fl_request_header(&c->req, "If-Match"),
		};
		fl_make_conditional(&rq, etag, mtime, size, &cr);
	}
	c->resp.status = cr.status;
	c->resp.body_set = 1;
	switch (cr.status) {
	case 416:
		return range_not_satisfiable(c, cr.content_range);
	case 304:
	case 412:
		/* Some X-Sendfile implementations would send the file anyway. */
		if (x_sendfile)
			fl_response_del_header(&c->resp, c->config->x_sendfile_header);
		return 0;
	case 206:
		set_header(c, "Accept-Ranges", "bytes");
		set_header(c, "Content-Range", cr.content_range);
		break;
	default:
		cr.start = 0;
		cr.length = size;
		break;
	}
	if (x_sendfile || c->req.method == FL_HEAD) {
		c->resp.content_length_set = 1;
		c->resp.content_length = cr.length;
		return 0;
	}
	return read_body(c, fd, cr.start, cr.length, path);
}

int fl_send_file(fl_ctx *c, const char *path, const fl_send_file_opts *o)
{
	if (!path) {
		fl_app_fail(c, "send_file: no path (NULL)");
		return 500;
	}
	const char *full = under_root(c, path);
	int fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return fl_abort(c, 404, NULL);
	}
	int s = send_fd(c, fd, &st, full, o);
	close(fd);
	return s;
}

int fl_send_from_directory(fl_ctx *c, const char *directory, const char *filename,
	const fl_send_file_opts *o)
{
	char *joined;
	if (!directory) {
		fl_app_fail(c, "send_from_directory: no directory (NULL)");
		return 500;
	}
	if (!filename || fl_safe_join(c->arena, "", filename, &joined) != FL_OK)
		return fl_abort(c, 404, NULL);
	const char *dir = under_root(c, directory);
	/* posixpath.join(directory, path): no doubled '/'. */
	size_t dn = strlen(dir);
	while (dn > 1 && dir[dn - 1] == '/')
		dn--;
	dir = fl_arena_strndup(c->arena, dir, dn);
	int cur = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0) {
		fl_error("send_from_directory: %s: %s", dir, strerror(errno));
		return fl_abort(c, 404, NULL);
	}
	/* joined is "./a/b/c": walk a, b, c without following any link. */
	char *rel = joined + 2;
	char *save = NULL;
	for (char *part = strtok_r(rel, "/", &save); part;) {
		char *next = strtok_r(NULL, "/", &save);
		int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (next ? O_DIRECTORY : O_NONBLOCK);
		int fd = openat(cur, part, flags);
		close(cur);
		if (fd < 0)
			return fl_abort(c, 404, NULL);
		cur = fd;
		if (next)
			part[strlen(part)] = '/';   /* strtok_r cut it: mend the path */
		part = next;
	}
	struct stat st;
	if (fstat(cur, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(cur);
		return fl_abort(c, 404, NULL);
	}
	const char *path = fl_arena_printf(c->arena, "%s%s%s", dir, dn == 1 ? "" : "/", rel);
	int s = send_fd(c, cur, &st, path, o);
	close(cur);
	return s;
}

int fl_send_bytes(fl_ctx *c, int status, const char *mimetype, const void *data, size_t len)
{
	if (!data && len) {
		fl_app_fail(c, "a response with NULL bytes");
		return fl_abort(c, 500, NULL);
	}
	fl_app_set_body(c, status, mimetype ? mimetype : "application/octet-stream",
		data ? data : "", len);
	return 0;
}
