/* errors.c — the answer to an error (Flask's handle_http_exception and
 * werkzeug's HTTPException pages): the application's error handler when
 * there is one (web/errors.h), else the built-in error page; and
 * fl_wants_json, which handlers use to choose HTML or JSON.
 * dispatch.c decides that a request failed; this file answers it. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "web/ctx_internal.h"
#include "web/errors.h"
#include "web/templating.h"
#include "http/accept.h"
#include "http/http.h"
#include "base/log.h"

/* werkzeug.exceptions: every HTTPException subclass's description (2.2). */
static const struct { int code; const char *text; } descriptions[] = {
	{ 400, "The browser (or proxy) sent a request that this server could not understand." },
	{ 401, "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required." },
	{ 403, "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server." },
	{ 404, "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again." },
	{ 405, "The method is not allowed for the requested URL." },
	{ 406, "The resource identified by the request is only capable of generating response entities which have content characteristics not acceptable according to the accept headers sent in the request." },
	{ 408, "The server closed the network connection because the browser didn't finish the request within the specified time." },
	{ 409, "A conflict happened while processing the request. The resource might have been modified while the request was being processed." },
	{ 410, "The requested URL is no longer available on this server and there is no forwarding address. If you followed a link from a foreign page, please contact the author of this page." },
	{ 411, "A request with this method requires a valid <code>Content-Length</code> header." },
	{ 412, "The precondition on the request for the URL failed positive evaluation." },
	{ 413, "The data value transmitted exceeds the capacity limit." },
	{ 414, "The length of the requested URL exceeds the capacity limit for this server. The request cannot be processed." },
	{ 415, "The server does not support the media type transmitted in the request." },
	{ 416, "The server cannot provide the requested range." },
	{ 417, "The server could not meet the requirements of the Expect header" },
	{ 418, "This server is a teapot, not a coffee machine" },
	{ 422, "The request was well-formed but was unable to be followed due to semantic errors." },
	{ 423, "The resource that is being accessed is locked." },
	{ 424, "The method could not be performed on the resource because the requested action depended on another action and that action failed." },
	{ 428, "This request is required to be conditional; try using \"If-Match\" or \"If-Unmodified-Since\"." },
	{ 429, "This user has exceeded an allotted request count. Try again later." },
	{ 431, "One or more header fields exceeds the maximum size." },
	{ 451, "Unavailable for legal reasons." },
	{ 500, "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application." },
	{ 501, "The server does not support the action requested by the browser." },
	{ 502, "The proxy server received an invalid response from an upstream server." },
	{ 503, "The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later." },
	{ 504, "The connection to an upstream server timed out." },
	{ 505, "The server does not support the HTTP protocol version used in the request." },
};

const char *fl_http_error_description(int code)
{
	for (size_t i = 0; i < sizeof descriptions / sizeof *descriptions; i++)
		if (descriptions[i].code == code)
			return descriptions[i].text;
	return fl_status_text(code);
}

/* The first entry of `t` for `code`, or NULL. */
static fl_error_handler_fn lookup(const fl_error_handler *t, int code)
{
	for (; t && t->handler; t++)
		if (t->code == code)
			return t->handler;
	return NULL;
}

fl_error_handler_fn fl_find_error_handler(const fl_error_handler *bp,
	const fl_error_handler *const *app, size_t napp, int code)
{
	const int codes[2] = { code, FL_ANY_ERROR };
	for (int k = 0; k < 2; k++) {
		fl_error_handler_fn h = lookup(bp, codes[k]);
		for (size_t i = 0; !h && i < napp; i++)
			h = lookup(app[i], codes[k]);
		if (h)
			return h;
	}
	return NULL;
}

int fl_wants_json(fl_ctx *c)
{
	fl_accept acc;
	fl_parse_accept(c->arena, fl_get_header(c, "Accept"), &acc);
	/* MIMEAccept.accept_html also counts accept_xhtml (application/xml). */
	int html = fl_accept_mimetype(&acc, "text/html") ||
		fl_accept_mimetype(&acc, "application/xhtml+xml") ||
		fl_accept_mimetype(&acc, "application/xml");
	return fl_accept_mimetype(&acc, "application/json") && !html;
}

/* The headers an error keeps whatever answers it: Allow (405), Retry-After
 * (fl_abort_retry_after: 429, 503) and WWW-Authenticate (401). */
typedef struct kept_headers {
	const char *allow, *retry_after, *www_auth;
} kept_headers;

static void restore(fl_ctx *c, const kept_headers *k, int www_auth)
{
	if (k->allow)
		fl_response_set_header(&c->resp, "Allow", k->allow);
	if (k->retry_after)
		fl_response_set_header(&c->resp, "Retry-After", k->retry_after);
	if (www_auth && k->www_auth)
		fl_response_set_header(&c->resp, "WWW-Authenticate", k->www_auth);
}

/* The built-in error page: the blueprint's JSON {"message": ...}
 * (json_errors), <status>.html or error.html of the application's template
 * folder, or a plain page that cannot fail. */
static void error_page(fl_ctx *c, int status, const kept_headers *k)
{
	const char *title = status == 404 ? "Page Not Found" : fl_status_text(status);
	const char *abort_message = fl_state(c)->abort_message;
	const char *message = abort_message ? abort_message : fl_http_error_description(status);
	fl_response_init(&c->resp, c->arena);
	/* Only a JSON blueprint (the API, issue #7) keeps WWW-Authenticate. */
	restore(c, k, c->app->bp->json_errors && status == 401);
	/* JSON blueprint (fl_blueprint.json_errors): flask-restful's
	 * {"message": "..."} with the same status instead of the HTML page. */
	if (c->app->bp->json_errors) {
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
	snprintf(path, sizeof path, "%s/%s/%s", c->app->root,
		c->app->template_folder ? c->app->template_folder : "templates", name);
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
	fl_app_set_body(c, status, "text/html; charset=utf-8", html.data, html.len);
}

/* What fl_app_guard hands run_handler. */
typedef struct handler_call {
	fl_error_handler_fn fn;
	const fl_http_error *e;
} handler_call;

static int run_handler(fl_ctx *c, const void *ud)
{
	const handler_call *hc = ud;
	return hc->fn(c, hc->e);
}

void fl_app_handle_error(fl_ctx *c, int status, int *crashed)
{
	const fl_blueprint *bp = c->app->bp;
	fl_request_state *st = fl_state(c);
	kept_headers k = {
		fl_response_get_header(&c->resp, "Allow"),
		fl_response_get_header(&c->resp, "Retry-After"),
		fl_response_get_header(&c->resp, "WWW-Authenticate"),
	};
	const fl_app_wide *wide = &c->app->wide[FL_WIDE_ERRORS];
	fl_error_handler_fn h = fl_find_error_handler(bp->error_handlers,
		(const fl_error_handler *const *)wide->tables, wide->n, status);
	if (h) {
		fl_http_error e = { status, fl_status_text(status),
			st->abort_message ? st->abort_message : fl_http_error_description(status) };
		handler_call hc = { h, &e };
		/* The handler starts from an empty response; a bug the library
		 * catches inside it (fl_app_fail) makes it fail, not the page. */
		int was_failed = st->failed;
		st->failed = 0;
		fl_response_init(&c->resp, c->arena);
		int hcrash = 0;
		int r = fl_app_guard(c, run_handler, &hc, &hcrash);
		int bug = st->failed;
		int ok = !hcrash && r == 0 && c->resp.body_set && !bug;
		st->failed = was_failed;
		if (ok) {
			restore(c, &k, status == 401);
			return;
		}
		if (hcrash) {
			*crashed = hcrash;
			fl_error("%s %s: the error handler for %d crashed with signal %d; the built-in "
				"page answers", c->req.method_name ? c->req.method_name : "-",
				c->req.path ? c->req.path : "-", status, hcrash);
		} else
			fl_error("%s %s: the error handler for %d failed (%s); the built-in page answers",
				c->req.method_name ? c->req.method_name : "-",
				c->req.path ? c->req.path : "-", status,
				r ? "it returned non-zero" : bug ? "a bug caught inside it"
				: "it built no response");
	}
	error_page(c, status, &k);
}
