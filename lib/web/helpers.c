/* helpers.c — what a view answers with (Flask's helpers.py and
 * make_response): abort, text/HTML/JSON bodies, headers, redirect,
 * cookies, url_for, is_safe_url, deferred work. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "web/ctx_internal.h"
#include "web/debugger.h"
#include "http/http.h"
#include "base/jsondump.h"
#include "base/log.h"

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

int fl_abort_retry_after(fl_ctx *c, int status, long seconds, const char *message, ...)
{
	if (message) {
		va_list ap;
		va_start(ap, message);
		fl_state(c)->abort_message = fl_arena_vprintf(c->arena, message, ap);
		va_end(ap);
	}
	char v[32];
	snprintf(v, sizeof v, "%ld", seconds < 1 ? 1L : seconds);
	fl_response_set_header(&c->resp, "Retry-After", v);
	return status;
}

void fl_app_fail(fl_ctx *c, const char *why, ...)
{
	va_list ap;
	va_start(ap, why);
	const char *msg = fl_arena_vprintf(c->arena, why, ap);
	va_end(ap);
	fl_error("%s %s: %s", c->req.method_name ? c->req.method_name : "-",
		c->req.path ? c->req.path : "-", msg);
	fl_state(c)->failed = 1;
	if (fl_debugger_enabled())
		fl_debugger_note_error(c, msg);
}

void fl_app_set_body(fl_ctx *c, int status, const char *mimetype, const char *body, size_t n)
{
	c->resp.status = status ? status : 200;
	fl_buf_init(&c->resp.body, c->arena);
	fl_buf_append(&c->resp.body, body, n);
	c->resp.body_set = 1;
	fl_response_set_header(&c->resp, "Content-Type", mimetype);
}

void fl_app_take_body(fl_ctx *c, int status, const char *mimetype, fl_buf *b)
{
	fl_app_set_body(c, status, mimetype, "", 0);
	if (b->data)   /* else keep the empty body's buffer: body.data stays non-NULL */
		c->resp.body = *b;
	fl_buf_init(b, c->arena);
}

int fl_text(fl_ctx *c, int status, const char *mimetype, const char *body)
{
	const char *mt = mimetype ? mimetype : "text/plain; charset=utf-8";
	if (!body) {
		fl_app_fail(c, "a response with a NULL body");
		return fl_abort(c, 500, NULL);
	}
	fl_app_set_body(c, status, mt, body, strlen(body));
	return 0;
}

int fl_html(fl_ctx *c, int status, const char *html)
{
	return fl_text(c, status, "text/html; charset=utf-8", html);
}

int fl_jsonify(fl_ctx *c, int status, json_t *value)
{
	/* Flask's jsonify: indent only in debug, sorted keys, a newline.
	 * json_dumps' bytes, written by base/jsondump.c so that compact rows
	 * (fl_query_compact) print from their cells. */
	fl_buf b;
	fl_buf_init(&b, c->arena);
	fl_err err = fl_json_dump(value, JSON_SORT_KEYS | JSON_ENCODE_ANY |
		(c->config->debug ? JSON_INDENT(2) : JSON_COMPACT), &b);
	json_decref(value);
	if (err)
		return fl_abort(c, 500, "cannot serialize the response");
	fl_buf_putc(&b, '\n');
	fl_app_take_body(c, status, "application/json", &b);
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
	if (!location) {
		/* Typically fl_redirect(c, fl_url_for(c, ...), 0) whose url_for
		 * failed: that failure is already logged. */
		fl_app_fail(c, "redirect to a NULL location");
		return fl_abort(c, 500, NULL);
	}
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
	fl_app_set_body(c, code ? code : 302, "text/html; charset=utf-8", html.data, html.len);
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
	if (!c->app) {
		fl_app_fail(c, "url_for: no application (a context made without one)");
		return NULL;
	}
	if (!endpoint) {
		fl_app_fail(c, "url_for: no endpoint (NULL)");
		return NULL;
	}
	if (values && !json_is_object(values)) {
		fl_app_fail(c, "url_for('%s'): the values are not a JSON object", endpoint);
		return NULL;
	}
	fl_err e = fl_app_build_url(c, c->arena, endpoint, values, &url, why, sizeof why);
	if (e) {
		fl_app_fail(c, "url_for: %s", why);
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
