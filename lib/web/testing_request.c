/* testing_request.c — the test client's requests (testing.h): extra
 * headers, the cookie jar, the CGI variables lighttpd would pass, the
 * request served in-process through app->io, the response parsed back,
 * redirects followed, form, JSON and multipart bodies; and a request
 * context outside any request for the session and the CSRF token. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "web/sessions.h"
#include "web/testing_internal.h"
#include "base/vec.h"
#include "http/http.h"

/* At most this many redirects are followed (werkzeug's client: none; a
 * browser: about 20). */
#define MAX_REDIRECTS 10

/* ---- headers and cookies ---- */

static int header_ok(const char *s)
{
	return s && !strpbrk(s, "\r\n");
}

int fl_test_set_header(fl_test_client *tc, const char *name, const char *value)
{
	if (!header_ok(name) || !*name || strchr(name, ':') || (value && !header_ok(value)))
		return FL_EINVAL;
	for (size_t i = 0; i < tc->nheaders; i++)
		if (!strcasecmp(tc->headers[i].name, name)) {
			free(tc->headers[i].name);
			free(tc->headers[i].value);
			tc->headers[i] = tc->headers[--tc->nheaders];
			break;
		}
	if (!value)
		return 0;
	header *h = realloc(tc->headers, (tc->nheaders + 1) * sizeof *h);
	if (!h)
		return FL_ENOMEM;
	tc->headers = h;
	h[tc->nheaders].name = strdup(name);
	h[tc->nheaders].value = strdup(value);
	tc->nheaders++;
	return 0;
}

/* RFC 6265 §5.1.4: does cookie path `cp` match request path `path`? */
static int path_matches(const char *cp, const char *path)
{
	size_t n = strlen(cp);
	if (strncmp(cp, path, n))
		return 0;
	return path[n] == '\0' || cp[n - 1] == '/' || path[n] == '/';
}

static void jar_remove(fl_test_client *tc, const char *name, const char *path)
{
	for (size_t i = 0; i < tc->njar; i++)
		if (!strcmp(tc->jar[i].name, name) && !strcmp(tc->jar[i].path, path)) {
			free(tc->jar[i].name);
			free(tc->jar[i].value);
			free(tc->jar[i].path);
			tc->jar[i] = tc->jar[--tc->njar];
			return;
		}
}

/* One Set-Cookie value, as lib/http's fl_dump_cookie writes it: NAME=VALUE
 * then "; Attr=..." (Path, Max-Age, Expires; the others do not matter to
 * a client that talks to one host). */
static void jar_set(fl_test_client *tc, const char *line)
{
	char *copy = strdup(line);
	if (!copy)
		return;
	char *save = NULL;
	char *pair = strtok_r(copy, ";", &save);
	char *eq = pair ? strchr(pair, '=') : NULL;
	if (!eq) {
		free(copy);
		return;
	}
	*eq = '\0';
	const char *name = pair, *value = eq + 1;
	char path[1024] = "/";
	int expired = 0;
	for (char *attr; (attr = strtok_r(NULL, ";", &save));) {
		attr += strspn(attr, " ");
		char *v = strchr(attr, '=');
		v = v ? v + 1 : "";
		if (!strncasecmp(attr, "Path=", 5))
			snprintf(path, sizeof path, "%s", v);
		else if (!strncasecmp(attr, "Max-Age=", 8))
			expired = atol(v) <= 0;
		else if (!strncasecmp(attr, "Expires=", 8)) {
			time_t t;
			if (!fl_parse_http_date(v, &t) && t <= time(NULL))
				expired = 1;
		}
	}
	jar_remove(tc, name, path);
	if (!expired) {
		cookie *c = realloc(tc->jar, (tc->njar + 1) * sizeof *c);
		if (c) {
			tc->jar = c;
			c[tc->njar++] = (cookie){ strdup(name), strdup(value), strdup(path) };
		}
	}
	free(copy);
}

const char *fl_test_cookie(fl_test_client *tc, const char *name, const char *path)
{
	const cookie *best = NULL;
	for (size_t i = 0; i < tc->njar; i++)
		if (!strcmp(tc->jar[i].name, name) && path_matches(tc->jar[i].path, path ? path : "/")
		    && (!best || strlen(tc->jar[i].path) > strlen(best->path)))
			best = &tc->jar[i];
	return best ? best->value : NULL;
}

/* ---- the request ---- */

static long io_read(void *ud, char *buf, size_t n)
{
	fl_test_client *tc = ud;
	size_t left = tc->inlen - tc->inpos;
	if (n > left)
		n = left;
	memcpy(buf, tc->in + tc->inpos, n);
	tc->inpos += n;
	return (long)n;
}

static void io_write(void *ud, const char *p, size_t n)
{
	fl_test_client *tc = ud;
	fl_buf_append(&tc->out, p, n);
}

/* The CGI variable name of header `name` ("Accept-Language" gives
 * HTTP_ACCEPT_LANGUAGE; Content-Type and Content-Length have none). */
static const char *cgi_name(fl_arena *a, const char *name)
{
	if (!strcasecmp(name, "Content-Type"))
		return "CONTENT_TYPE";
	if (!strcasecmp(name, "Content-Length"))
		return "CONTENT_LENGTH";
	char *v = fl_arena_printf(a, "HTTP_%s", name);
	for (char *p = v + 5; *p; p++)
		*p = *p == '-' ? '_' : (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	return v;
}

typedef struct envv {
	char **items;
	size_t len, cap;
} envv;

static void env_add(fl_arena *a, envv *e, const char *name, const char *value)
{
	*fl_vec_push(a, e) = name ? fl_arena_printf(a, "%s=%s", name, value) : NULL;
}

/* The Cookie header a request to `path` sends: the jar's matching
 * cookies, most specific path first (RFC 6265 §5.4), or NULL. */
static const char *cookie_header(fl_test_client *tc, fl_arena *a, const char *path)
{
	fl_buf b;
	fl_buf_init(&b, a);
	for (size_t pass = 0; pass < 2; pass++)  /* longer paths first, roughly */
		for (size_t i = 0; i < tc->njar; i++) {
			int root = !strcmp(tc->jar[i].path, "/");
			if ((pass == 0) == root || !path_matches(tc->jar[i].path, path))
				continue;
			fl_buf_printf(&b, "%s%s=%s", b.len ? "; " : "", tc->jar[i].name,
				tc->jar[i].value);
		}
	return b.len ? fl_buf_cstr(&b) : NULL;
}

/* Split `url` into the blueprint's program and the rest.  NULL when no
 * blueprint serves it. */
static fl_app *route_url(fl_test_client *tc, const char *url, const char **path,
	const char **query, fl_arena *a)
{
	if (!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8)) {
		url = strchr(strchr(url, ':') + 3, '/');
		if (!url)
			url = "/";
	}
	const char *q = strchr(url, '?');
	size_t plen = q ? (size_t)(q - url) : strlen(url);
	char *p = fl_arena_strndup(a, url, plen);
	*query = q ? q + 1 : "";
	if (strncmp(p, "/cgi-bin/", 9))
		return NULL;
	const char *name = p + 9;
	size_t n = strcspn(name, "/");
	*path = p;
	return fl_test_app_named(tc, name, n);
}

/* Parse what dispatch wrote: "Status: 302 Found", headers, a blank line,
 * the body. */
static void parse_response(fl_test_client *tc, response *r)
{
	const char *s = tc->out.data ? tc->out.data : "";
	size_t len = tc->out.len;
	const char *end = memmem(s, len, "\r\n\r\n", 4);
	size_t hlen = end ? (size_t)(end - s) : len;
	const char *body = end ? end + 4 : s + len;
	r->pub.status = 200;
	size_t cap = 0;
	for (const char *line = s; line < s + hlen;) {
		const char *eol = memmem(line, (size_t)(s + hlen - line), "\r\n", 2);
		if (!eol)
			eol = s + hlen;
		const char *colon = memchr(line, ':', (size_t)(eol - line));
		if (colon) {
			const char *name = fl_arena_strndup(tc->arena, line, (size_t)(colon - line));
			const char *v = colon + 1;
			while (*v == ' ')
				v++;
			const char *value = fl_arena_strndup(tc->arena, v, (size_t)(eol - v));
			if (!strcasecmp(name, "Status"))
				r->pub.status = atoi(value);
			else {
				if (r->nheaders == cap) {
					cap = cap ? cap * 2 : 16;
					resp_header *h = fl_arena_alloc(tc->arena, cap * sizeof *h);
					if (r->nheaders)
						memcpy(h, r->headers, r->nheaders * sizeof *h);
					r->headers = h;
				}
				r->headers[r->nheaders++] = (resp_header){ name, value };
			}
		}
		line = eol + 2;
	}
	r->pub.body_len = (size_t)(s + len - body);
	r->pub.body = fl_arena_strndup(tc->arena, body, r->pub.body_len);
	r->pub.location = fl_test_header(&r->pub, "Location");
	for (size_t i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i].name, "Set-Cookie"))
			jar_set(tc, r->headers[i].value);
	const char *ct = fl_test_header(&r->pub, "Content-Type");
	if (ct && (!strncasecmp(ct, "application/json", 16) || strstr(ct, "+json")))
		r->pub.json = json_loadb(r->pub.body, r->pub.body_len, 0, NULL);
}

const char *fl_test_header(const fl_test_response *pub, const char *name)
{
	const response *r = (const response *)pub;
	for (size_t i = 0; r && i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i].name, name))
			return r->headers[i].value;
	return NULL;
}

/* The crash guard for the length of one request, then the caller's
 * handlers back (cmocka's, which turn a fault in the test into a failure). */
static const int guarded[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGPIPE };
#define NGUARDED (sizeof guarded / sizeof guarded[0])

/* One request, no redirect followed.  NULL when no blueprint serves it. */
static response *request_once(fl_test_client *tc, const char *method, const char *url,
	const char *content_type, const char *body, size_t body_len)
{
	fl_arena *a = tc->arena;
	const char *path, *query;
	fl_app *app = route_url(tc, url, &path, &query, a);
	if (!app) {
		fprintf(stderr, "fl_test_request: %s %s: no blueprint of the application serves it\n",
			method, url);
		return NULL;
	}
	if (app->crashed) {
		fprintf(stderr, "fl_test_request: %s %s: blueprint '%s' crashed earlier (signal %d); "
			"only fl_test_client_free may follow\n", method, url, app->bp->name, app->crashed);
		return NULL;
	}
	const char *script = app->mount;
	const char *path_info = path + strlen(script);
	envv e = { 0 };
	env_add(a, &e, "GATEWAY_INTERFACE", "CGI/1.1");
	env_add(a, &e, "SERVER_SOFTWARE", "flagon-test-client");
	env_add(a, &e, "SERVER_PROTOCOL", "HTTP/1.1");
	env_add(a, &e, "SERVER_NAME", "localhost");
	env_add(a, &e, "SERVER_PORT", "80");
	env_add(a, &e, "REMOTE_ADDR", "127.0.0.1");
	env_add(a, &e, "REQUEST_METHOD", method);
	env_add(a, &e, "SCRIPT_NAME", script);
	env_add(a, &e, "PATH_INFO", path_info);
	env_add(a, &e, "QUERY_STRING", query);
	env_add(a, &e, "REQUEST_URI", fl_arena_printf(a, "%s%s%s", path, *query ? "?" : "", query));
	int has_host = 0;
	for (size_t i = 0; i < tc->nheaders; i++) {
		if (content_type && !strcasecmp(tc->headers[i].name, "Content-Type"))
			continue;
		has_host |= !strcasecmp(tc->headers[i].name, "Host");
		env_add(a, &e, cgi_name(a, tc->headers[i].name), tc->headers[i].value);
	}
	if (!has_host)
		env_add(a, &e, "HTTP_HOST", "localhost");
	const char *cookies = cookie_header(tc, a, path);
	if (cookies)
		env_add(a, &e, "HTTP_COOKIE", cookies);
	if (content_type)
		env_add(a, &e, "CONTENT_TYPE", content_type);
	if (body)
		env_add(a, &e, "CONTENT_LENGTH", fl_arena_printf(a, "%zu", body_len));
	env_add(a, &e, NULL, NULL);

	tc->in = body ? body : "";
	tc->inlen = body ? body_len : 0;
	tc->inpos = 0;
	fl_buf_init(&tc->out, a);
	fl_app_io io = { io_read, io_write, tc };
	app->io = &io;
	struct sigaction old[NGUARDED];
	for (size_t i = 0; i < NGUARDED; i++)
		sigaction(guarded[i], NULL, &old[i]);
	fl_app_install_crash_guard();
	fl_arena *json_old = fl_json_set_arena(NULL);
	fl_app_handle(app, e.items);
	fl_json_set_arena(json_old);
	for (size_t i = 0; i < NGUARDED; i++)
		sigaction(guarded[i], &old[i], NULL);
	app->io = NULL;
	if (app->crashed)
		fprintf(stderr, "fl_test_request: %s %s crashed with signal %d: the 500 page is the "
			"response; blueprint '%s' serves no more requests\n", method, url, app->crashed,
			app->bp->name);

	response *r = &tc->resp;
	json_decref(r->pub.json);
	memset(r, 0, sizeof *r);
	parse_response(tc, r);
	r->pub.url = path;
	return r;
}

/* The next URL of redirect `loc` from `url`: absolute, a path, or
 * relative to url's folder. */
static const char *resolve(fl_arena *a, const char *url, const char *loc)
{
	if (loc[0] == '/' || strstr(loc, "://"))
		return loc;
	size_t q = strcspn(url, "?");
	const char *slash = memrchr(url, '/', q);
	size_t keep = slash ? (size_t)(slash - url) + 1 : 0;
	if (loc[0] == '?')
		keep = q;
	return fl_arena_printf(a, "%.*s%s", (int)keep, url, loc);
}

fl_test_response *fl_test_request(fl_test_client *tc, const char *method, const char *url,
	const char *content_type, const char *body, size_t body_len)
{
	if (!tc || !method || !url)
		return NULL;
	fl_arena_reset(tc->arena);
	memset(&tc->out, 0, sizeof tc->out);
	response *r = request_once(tc, method, url, content_type, body, body_len);
	int hops = 0;
	while (r && tc->follow && r->pub.location && hops < MAX_REDIRECTS &&
	       (r->pub.status == 301 || r->pub.status == 302 || r->pub.status == 303 ||
		r->pub.status == 307 || r->pub.status == 308)) {
		int s = r->pub.status;
		if ((s == 303 && strcmp(method, "HEAD")) ||
		    ((s == 301 || s == 302) && !strcmp(method, "POST"))) {
			method = "GET";
			content_type = body = NULL;
			body_len = 0;
		}
		url = resolve(tc->arena, r->pub.url, r->pub.location);
		r = request_once(tc, method, url, content_type, body, body_len);
		hops++;
	}
	if (r)
		r->pub.redirects = hops;
	return r ? &r->pub : NULL;
}

fl_test_response *fl_test_get(fl_test_client *tc, const char *url)
{
	return fl_test_request(tc, "GET", url, NULL, NULL, 0);
}

static void encode_fields(fl_buf *b, const char *const *fields)
{
	for (const char *const *f = fields; f && f[0] && f[1]; f += 2) {
		if (f != fields)
			fl_buf_append(b, "&", 1);
		fl_url_quote_buf(b, f[0], strlen(f[0]), FL_QUOTE_PLUS);
		fl_buf_append(b, "=", 1);
		fl_url_quote_buf(b, f[1], strlen(f[1]), FL_QUOTE_PLUS);
	}
}

/* The request bodies live on the heap: fl_test_request resets the arena. */
static fl_test_response *post_buf(fl_test_client *tc, const char *url, const char *ct,
	fl_buf *b)
{
	char *body = malloc(b->len + 1);
	if (!body)
		return NULL;
	if (b->len)
		memcpy(body, b->data, b->len);
	fl_test_response *r = fl_test_request(tc, "POST", url, ct, body, b->len);
	free(body);
	return r;
}

fl_test_response *fl_test_post_form(fl_test_client *tc, const char *url,
	const char *const *fields)
{
	fl_arena_reset(tc->arena);
	fl_buf b;
	fl_buf_init(&b, tc->arena);
	encode_fields(&b, fields);
	return post_buf(tc, url, "application/x-www-form-urlencoded", &b);
}

fl_test_response *fl_test_post_json(fl_test_client *tc, const char *url, const json_t *value)
{
	/* json_dumps' string comes from jansson's allocator (base/arena.c's):
	 * dump into our own buffer instead. */
	size_t n = json_dumpb(value, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
	char *text = n ? malloc(n) : NULL;
	if (!text || json_dumpb(value, text, n, JSON_COMPACT | JSON_ENCODE_ANY) != n) {
		free(text);
		return NULL;
	}
	fl_test_response *r = fl_test_request(tc, "POST", url, "application/json", text, n);
	free(text);
	return r;
}

fl_test_response *fl_test_post_multipart(fl_test_client *tc, const char *url,
	const char *const *fields, const fl_test_file *files, size_t nfiles)
{
	unsigned char rnd[12];
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		return NULL;
	char boundary[64];
	int n = snprintf(boundary, sizeof boundary, "----FlagonTestBoundary");
	for (size_t i = 0; i < sizeof rnd; i++)
		n += snprintf(boundary + n, sizeof boundary - (size_t)n, "%02x", rnd[i]);
	fl_arena_reset(tc->arena);
	fl_buf b;
	fl_buf_init(&b, tc->arena);
	for (const char *const *f = fields; f && f[0] && f[1]; f += 2)
		fl_buf_printf(&b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
			boundary, f[0], f[1]);
	for (size_t i = 0; i < nfiles; i++) {
		fl_buf_printf(&b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
			"filename=\"%s\"\r\nContent-Type: %s\r\n\r\n", boundary, files[i].field,
			files[i].filename ? files[i].filename : "",
			files[i].content_type ? files[i].content_type : "application/octet-stream");
		fl_buf_append(&b, files[i].data, files[i].len);
		fl_buf_append(&b, "\r\n", 2);
	}
	fl_buf_printf(&b, "--%s--\r\n", boundary);
	char ct[128];
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", boundary);
	return post_buf(tc, url, ct, &b);
}

/* ---- a request context outside any request (Flask's
 * test_request_context), for the session and the CSRF token ---- */

typedef void (*in_context_fn)(fl_test_client *tc, fl_ctx *c);

static void in_context(fl_test_client *tc, in_context_fn fn)
{
	fl_app *app = tc->apps[0];
	fl_arena *old = fl_json_set_arena(app->arena);
	fl_ctx *c = fl_ctx_new(app, app->arena);
	envv e = { 0 };
	const char *path = fl_arena_printf(app->arena, "%s/", app->mount);
	env_add(app->arena, &e, "REQUEST_METHOD", "GET");
	env_add(app->arena, &e, "SCRIPT_NAME", app->mount);
	env_add(app->arena, &e, "PATH_INFO", "/");
	env_add(app->arena, &e, "SERVER_NAME", "localhost");
	env_add(app->arena, &e, "SERVER_PORT", "80");
	env_add(app->arena, &e, "HTTP_HOST", "localhost");
	const char *cookies = cookie_header(tc, app->arena, path);
	if (cookies)
		env_add(app->arena, &e, "HTTP_COOKIE", cookies);
	env_add(app->arena, &e, NULL, NULL);
	const char *why = NULL;
	if (fl_request_init(&c->req, c->arena, e.items, &why) == FL_OK)
		fn(tc, c);
	else
		fprintf(stderr, "fl_test: request context: %s\n", why ? why : "bad request");
	fl_json_set_arena(old);
	fl_arena_reset(app->arena);
}

static void copy_session(fl_test_client *tc, fl_ctx *c)
{
	json_t *s = fl_get_session(c);
	fl_arena *old = fl_json_set_arena(NULL);
	json_decref(tc->session);
	tc->session = s ? json_deep_copy(s) : NULL;
	fl_json_set_arena(old);
}

json_t *fl_test_session(fl_test_client *tc)
{
	in_context(tc, copy_session);
	if (!tc->session) {
		fl_arena *old = fl_json_set_arena(NULL);
		tc->session = json_object();
		fl_json_set_arena(old);
	}
	return tc->session;
}

/* generate_csrf: the session's raw token (made if missing), the session
 * saved into the jar, the signed token kept. */
static void make_token(fl_test_client *tc, fl_ctx *c)
{
	const char *t = fl_csrf_token(c);
	free(tc->csrf);
	tc->csrf = t ? strdup(t) : NULL;
	fl_app_save_session(c);
	for (size_t i = 0; i < c->resp.nheaders; i++)
		if (!strcasecmp(c->resp.headers[i].name, "Set-Cookie"))
			jar_set(tc, c->resp.headers[i].value);
}

const char *fl_test_csrf_token(fl_test_client *tc)
{
	in_context(tc, make_token);
	return tc->csrf;
}
