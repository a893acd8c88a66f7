/* ctx.c — what a view does with its request context: read the request,
 * build the response (Flask's helpers: abort, redirect, render_template,
 * jsonify, make_response, url_for). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "web/ctx_internal.h"
#include "web/forms.h"
#include "web/sessions.h"
#include "web/templating.h"
#include "http/http.h"
#include "base/log.h"

const char *fl_get_arg(fl_ctx *c, const char *name) { return fl_multidict_get(&c->req.args, name); }
const char *fl_get_form_value(fl_ctx *c, const char *name) { return fl_multidict_get(&c->req.form, name); }
const char *fl_get_cookie(fl_ctx *c, const char *name) { return fl_multidict_get(&c->req.cookies, name); }
const char *fl_get_header(fl_ctx *c, const char *name) { return fl_request_header(&c->req, name); }
fl_db *fl_get_db(fl_ctx *c) { return c->app->db; }

fl_ctx *fl_ctx_new(fl_app *app, fl_arena *a)
{
	/* Unit tests make contexts without an application. */
	static const fl_config no_config;
	fl_request_state *st = fl_arena_calloc(a, 1, sizeof *st);
	fl_ctx *c = &st->pub;
	c->app = app;
	c->config = app ? &app->config : &no_config;
	c->arena = a;
	fl_response_init(&c->resp, a);
	c->g = json_object();
	return c;
}

const char *fl_get_view_arg(fl_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nview_args; i++)
		if (strcmp(c->view_args[i].name, name) == 0)
			return c->view_args[i].value;
	return NULL;
}

long long fl_get_view_arg_int(fl_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nview_args; i++)
		if (strcmp(c->view_args[i].name, name) == 0)
			return c->view_args[i].number;
	return 0;
}

const char *fl_app_script_name(fl_ctx *c)
{
	return *c->req.script_name ? c->req.script_name : c->app->mount;
}

int fl_abort(fl_ctx *c, int status, const char *message, ...)
{
	if (message) {
		va_list ap;
		va_start(ap, message);
		fl_state(c)->abort_message = fl_arena_vprintf(c->arena, message, ap);
		va_end(ap);
	}
	return status;
}

static void set_body(fl_ctx *c, int status, const char *mimetype, const char *body, size_t n)
{
	c->resp.status = status ? status : 200;
	fl_buf_init(&c->resp.body, c->arena);
	fl_buf_append(&c->resp.body, body, n);
	c->resp.body_set = 1;
	fl_response_set_header(&c->resp, "Content-Type", mimetype);
}

int fl_text(fl_ctx *c, int status, const char *mimetype, const char *body)
{
	const char *mt = mimetype ? mimetype : "text/plain; charset=utf-8";
	set_body(c, status, mt, body, strlen(body));
	return 0;
}

int fl_html(fl_ctx *c, int status, const char *html)
{
	return fl_text(c, status, "text/html; charset=utf-8", html);
}

int fl_jsonify(fl_ctx *c, int status, json_t *value)
{
	/* Flask's jsonify: indent only in debug, sorted keys, a newline. */
	char *s = json_dumps(value, JSON_SORT_KEYS | JSON_ENCODE_ANY |
		(c->config->debug ? JSON_INDENT(2) : JSON_COMPACT));
	json_decref(value);
	if (!s)
		return fl_abort(c, 500, "cannot serialize the response");
	set_body(c, status, "application/json", s, strlen(s));
	fl_buf_putc(&c->resp.body, '\n');
	/* json_dumps allocated through jansson's (Flagon's) allocator. */
	json_free_t release;
	json_get_alloc_funcs(NULL, &release);
	release(s);
	return 0;
}

fl_err fl_set_header(fl_ctx *c, const char *name, const char *value)
{
	return fl_response_set_header(&c->resp, name, value);
}

/* iri_to_uri for a Location: non-ASCII bytes and spaces percent-encoded,
 * so the header is plain ASCII. */
static const char *location_uri(fl_arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	fl_buf b;
	fl_buf_init(&b, a);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80 || *p == ' ' || *p == '"' || *p == '<' || *p == '>') {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			fl_buf_append(&b, e, 3);
		} else
			fl_buf_putc(&b, (char)*p);
	}
	return fl_buf_cstr(&b);
}

int fl_redirect(fl_ctx *c, const char *location, int code)
{
	const char *loc = location_uri(c->arena, location);
	if (!fl_header_value_ok(loc)) {
		fl_error("refusing a redirect to a location with control characters");
		return fl_abort(c, 500, NULL);
	}
	fl_buf html;
	fl_buf_init(&html, c->arena);
	fl_buf_puts(&html, "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
		"<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: "
		"<a href=\"");
	fl_html_escape(&html, loc, strlen(loc));
	fl_buf_puts(&html, "\">");
	fl_html_escape(&html, loc, strlen(loc));
	fl_buf_puts(&html, "</a>. If not, click the link.\n");
	set_body(c, code ? code : 302, "text/html; charset=utf-8", html.data, html.len);
	fl_response_set_header(&c->resp, "Location", loc);
	return 0;
}

fl_err fl_set_cookie(fl_ctx *c, const char *key, const char *value, const fl_cookie_opts *o)
{
	fl_cookie ck;
	char *header;
	fl_cookie_init(&ck, key, value);
	if (o) {
		ck.max_age = o->max_age;
		ck.expires = o->expires;
		ck.path = o->path;
		ck.domain = o->domain;
		ck.secure = o->secure;
		ck.httponly = o->httponly;
		ck.samesite = o->samesite;
	}
	fl_err e = fl_dump_cookie(c->arena, &ck, &header);
	return e ? e : fl_response_add_header(&c->resp, "Set-Cookie", header);
}

fl_err fl_delete_cookie(fl_ctx *c, const char *key, const char *path, const char *domain)
{
	fl_cookie ck;
	char *header;
	fl_cookie_init(&ck, key, "");
	ck.max_age = 0;
	ck.expires = 0;
	ck.expires_set = 1;
	ck.path = path;
	ck.domain = domain;
	fl_err e = fl_dump_cookie(c->arena, &ck, &header);
	return e ? e : fl_response_add_header(&c->resp, "Set-Cookie", header);
}

const char *fl_url_for(fl_ctx *c, const char *endpoint, json_t *values)
{
	char why[256];
	char *url;
	fl_err e = fl_url_map_build(c->app->url_map, c->arena, fl_app_script_name(c),
		c->config->server_name, endpoint, values, &url, why, sizeof why);
	if (e) {
		fl_error("url_for: %s", why);
		return NULL;
	}
	return url;
}

fl_err fl_defer(fl_ctx *c, fl_deferred_fn fn, void *ud)
{
	fl_request_state *st = fl_state(c);
	if (st->ndeferred == FL_MAX_DEFERRED)
		return FL_ETOOLARGE;
	st->deferred[st->ndeferred].fn = fn;
	st->deferred[st->ndeferred].ud = ud;
	st->ndeferred++;
	return FL_OK;
}

int fl_render(fl_ctx *c, int status, const char *name, json_t *context)
{
	json_t *ctx = context ? context : json_object();
	json_object_set_nocheck(ctx, "session", fl_get_session(c));
	json_object_set_new_nocheck(ctx, "request", fl_request_to_json(&c->req));
	json_object_set_nocheck(ctx, "g", c->g);
	json_object_set_nocheck(ctx, "config", c->config->json);
	fl_buf out;
	fl_tpl_error err;
	fl_buf_init(&out, c->arena);
	fl_err e = fl_tpl_render(c->app->templates, name, ctx, c, c->arena, &out, &err);
	/* config lives on the heap for the whole process: drop the request's
	 * reference so its count does not grow with every page. */
	json_object_del(ctx, "config");
	if (e) {
		fl_error("template %s:%d:%d: %s", err.file, err.line, err.column, err.message);
		return fl_abort(c, 500, NULL);
	}
	set_body(c, status, "text/html; charset=utf-8", out.data ? out.data : "", out.len);
	return 0;
}

void fl_app_set_allow(fl_ctx *c, unsigned allowed)
{
	char allow[96] = "";
	for (int m = 0; m < FL_METHOD__MAX; m++)
		if (allowed & FL_M(m)) {
			if (*allow)
				strcat(allow, ", ");
			strcat(allow, fl_method_names[m]);
		}
	fl_response_set_header(&c->resp, "Allow", allow);
}

static const char *default_description(int status)
{
	switch (status) {
	case 400: return "The browser (or proxy) sent a request that this server could not understand.";
	case 404: return "The requested URL was not found on the server. If you entered the URL "
			 "manually please check your spelling and try again.";
	case 405: return "The method is not allowed for the requested URL.";
	case 413: return "The data value transmitted exceeds the capacity limit.";
	case 500: return "The server encountered an internal error and was unable to complete your "
			 "request. Either the server is overloaded or there is an error in the application.";
	default: return fl_status_text(status);
	}
}

void fl_app_error_page(fl_ctx *c, int status)
{
	const char *title = status == 404 ? "Page Not Found" : fl_status_text(status);
	const char *abort_message = fl_state(c)->abort_message;
	const char *message = abort_message ? abort_message : default_description(status);
	/* Keep Allow (405) and Location; drop what the failed view set. */
	const char *allow = fl_response_get_header(&c->resp, "Allow");
	/* A JSON blueprint (the API, issue #7) also keeps WWW-Authenticate (401). */
	const char *www_auth = fl_response_get_header(&c->resp, "WWW-Authenticate");
	fl_response_init(&c->resp, c->arena);
	if (allow)
		fl_response_set_header(&c->resp, "Allow", allow);
	/* JSON blueprint (fl_blueprint.json_errors): flask-restful's
	 * {"message": "..."} with the same status instead of the HTML page. */
	if (c->app->bp->json_errors) {
		if (www_auth && status == 401)
			fl_response_set_header(&c->resp, "WWW-Authenticate", www_auth);
		/* SPEC §3: an unknown path says "Page Not Found" on every blueprint. */
		const char *m = !abort_message && status == 404
			? fl_arena_printf(c->arena, "%s: %s", title, message) : message;
		if (fl_jsonify(c, status, json_pack("{s:s}", "message", m)) == 0)
			return;
	}
	char name[32];
	snprintf(name, sizeof name, "%d.html", status);
	json_t *ctx = json_pack("{s:i, s:s, s:s}", "code", status, "title", title,
		"message", message);
	char path[4200];
	struct stat st;
	snprintf(path, sizeof path, "%s/templates/%s", c->app->root, name);
	if (stat(path, &st) == 0 && fl_render(c, status, name, ctx) == 0)
		return;
	if (fl_render(c, status, "error.html", ctx) == 0)
		return;
	/* The error page itself failed: a plain one that cannot. */
	fl_buf html;
	fl_buf_init(&html, c->arena);
	fl_buf_printf(&html, "<!doctype html>\n<html lang=en>\n<title>%d %s</title>\n<h1>%s</h1>\n<p>",
		status, fl_status_text(status), title);
	fl_html_escape(&html, message, strlen(message));
	fl_buf_puts(&html, "</p>\n");
	set_body(c, status, "text/html; charset=utf-8", html.data, html.len);
}

void fl_app_finish_headers(fl_ctx *c)
{
	fl_response *r = &c->resp;
	if (!fl_response_get_header(r, "Content-Type"))
		fl_response_set_header(r, "Content-Type", "text/html; charset=utf-8");
	fl_response_set_header(r, "X-Content-Type-Options", "nosniff");
	const char *ct = fl_response_get_header(r, "Content-Type");
	if (strncasecmp(ct, "text/html", 9) == 0) {
		fl_response_set_header(r, "X-Frame-Options", "DENY");
		fl_response_set_header(r, "Referrer-Policy", "strict-origin-when-cross-origin");
	}
}

fl_form *fl_new_form(fl_ctx *c, const fl_form_def *def)
{
	fl_form *f = fl_form_new(c->arena, def);
	fl_form_set_context(f, c);
	if (fl_form_is_submitted(c->req.method_name))
		fl_form_process(f, &c->req.form);
	return f;
}

int fl_validate_on_submit(fl_ctx *c, fl_form *f)
{
	return fl_form_validate_on_submit(f, c->req.method_name);
}

json_t *fl_make_form_context(fl_ctx *c, fl_form *f)
{
	return fl_form_to_json(f, fl_csrf_token(c));
}

/* fl_is_safe_url — may we send the visitor back to `url`?  Only a path on
 * this site ("/x", never the scheme-relative "//host" or "/\host" that
 * browsers read as another host) or an http(s) URL whose host is this
 * request's Host (Flask-Login's is_safe_url).  Anything else — another
 * host, another scheme, control characters — is not followed. */
int fl_is_safe_url(fl_ctx *c, const char *url)
{
	if (!url || !*url)
		return 0;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	if (url[0] == '/')
		return url[1] != '/';
	const char *rest;
	if (strncasecmp(url, "http://", 7) == 0)
		rest = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		rest = url + 8;
	else
		return 0;
	const char *host = fl_get_header(c, "Host");
	size_t n = strcspn(rest, "/?#");
	return host && *host && n == strlen(host) && strncasecmp(rest, host, n) == 0;
}
