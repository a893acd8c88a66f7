/* dispatch.c — the life of one request (Flask's wsgi_app and
 * full_dispatch_request): make the context, route (404, 405, 308), read the
 * body, the before_request hooks (which may answer), CSRF, the login check,
 * the view (or the view cache), the error handler or page (errors.c), the
 * after_request hooks, save the session, write the response, then the
 * deferred work and the teardown hooks.  A crash inside a hook or a view
 * still gets its 500 page, and a
 * web server's error document request (REDIRECT_STATUS) the error page of
 * its status.
 * Start-up and the accept loop are app.c. */
#include <errno.h>
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web/ctx_internal.h"
#include "web/debugger.h"
#include "web/login.h"
#include "web/reload_internal.h"
#include "web/toolbar.h"
#include "http/http.h"
#include "base/fileio.h"
#include "base/log.h"

/* ---- I/O: FastCGI, plain CGI, or in-process (the test client's
 * app->io) ---- */

static long read_body(void *ud, char *buf, size_t n)
{
	fl_app *app = ud;
	if (n > 1 << 30)
		n = 1 << 30;
	if (app->io)
		return app->io->read(app->io->ud, buf, n);
	if (app->fcgi)
		return FCGX_GetStr(buf, (int)n, app->fcgi->in);
	ssize_t got;
	do
		got = read(STDIN_FILENO, buf, n);
	while (got < 0 && errno == EINTR);
	return got;
}

static void write_out(fl_app *app, const char *p, size_t n)
{
	if (app->io) {
		app->io->write(app->io->ud, p, n);
		return;
	}
	if (app->fcgi) {
		while (n) {
			int chunk = n > (1u << 30) ? 1 << 30 : (int)n;
			if (FCGX_PutStr(p, chunk, app->fcgi->out) < 0)
				return; /* the client went away */
			p += chunk;
			n -= (size_t)chunk;
		}
		return;
	}
	fl_write_all(STDOUT_FILENO, p, n);  /* a client gone away is no error of ours */
}

/* ---- answers the request loop makes itself: Allow, headers (the error
 * pages are errors.c) ---- */

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

static void finish_headers(fl_ctx *c)
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

/* ---- the request ---- */

/* A bug the library caught in the application (fl_app_fail: a url_for
 * that cannot build...) makes the answer 500, whatever the view returned;
 * a user_loader that failed (login.c), its status. */
static int unless_failed(fl_ctx *c, int status)
{
	fl_request_state *st = fl_state(c);
	if (st->failed && status < 500)
		return 500;
	if (st->fail_status && status < 400)
		return st->fail_status;
	return status;
}

/* Run the before_request hooks of `hooks` in order.  Returns the first
 * non-zero status, or 0 with *answered set when a hook built a response
 * (web/hooks.h), or 0 when all went on. */
static int before_hooks(fl_ctx *c, const fl_before_request_fn *hooks, int *answered)
{
	for (; hooks && *hooks; hooks++) {
		int s = (*hooks)(c);
		if (s)
			return s;
		if (c->resp.body_set) {
			*answered = 1;
			return 0;
		}
	}
	return 0;
}

/* after_request: the blueprint's, then the application-wide ones (its
 * own, then its blueprints' after_app_request), all last-registered first
 * (Flask's reversed()). */
static void after_hooks(fl_ctx *c)
{
	const void **wide = c->app->wide[FL_WIDE_AFTER].tables;
	size_t n = c->app->wide[FL_WIDE_AFTER].n;
	const fl_after_request_fn *own = c->app->bp->after_request;
	for (size_t l = n + 1; l-- > 0;) {
		const fl_after_request_fn *hooks = l == n ? own : wide[l];
		size_t k = 0;
		while (hooks && hooks[k])
			k++;
		while (k-- > 0)
			hooks[k](c);
	}
}

/* teardown_request: in the same order as after_request. */
static void teardown_hooks(fl_ctx *c, int failed)
{
	const void **wide = c->app->wide[FL_WIDE_TEARDOWN].tables;
	size_t n = c->app->wide[FL_WIDE_TEARDOWN].n;
	const fl_teardown_request_fn *own = c->app->bp->teardown_request;
	for (size_t l = n + 1; l-- > 0;) {
		const fl_teardown_request_fn *hooks = l == n ? own : wide[l];
		size_t k = 0;
		while (hooks && hooks[k])
			k++;
		while (k-- > 0)
			hooks[k](c, failed);
	}
}

/* Everything between reading the body and the response that may run the
 * application's code, under the crash guard: the before_request hooks
 * (the application-wide ones, then the blueprint's; one may answer), CSRF, the
 * login check, the view (or the view cache). */
static int full_dispatch(fl_ctx *c, const void *ud)
{
	(void)ud;
	const void **wide = c->app->wide[FL_WIDE_BEFORE].tables;
	size_t n = c->app->wide[FL_WIDE_BEFORE].n;
	int answered = 0, s = 0;
	for (size_t i = 0; i < n && !s && !answered; i++)
		s = before_hooks(c, wide[i], &answered);
	if (!s && !answered)
		s = before_hooks(c, c->app->bp->before_request, &answered);
	if (s || answered)
		return s;
	s = fl_app_check_csrf(c);
	if (s)
		return s;
	/* @login_required */
	if ((c->route->flags & FL_ROUTE_LOGIN_REQUIRED) && !fl_current_user(c))
		return fl_unauthorized(c);
	/* @cache.cached: a GET/HEAD of a route with FL_ROUTE_CACHE is answered
	 * from the cache without running the view (X-Cache: HIT), or the view
	 * runs and its 200 is stored (X-Cache: MISS).  No per-visitor data
	 * (CSRF token, flashes, cookies) is stored: see view_cache.c. */
	fl_app_cached_view cv;
	int cached = fl_app_cache_begin(c, &cv);
	if (cached == FL_APP_CACHE_HIT)
		return 0;
	s = unless_failed(c, c->route->view(c));
	if (cached == FL_APP_CACHE_MISS)
		fl_app_cache_end(c, &cv, s);
	return s;
}

/* The server's error document: Apache's ErrorDocument and lighttpd's
 * server.error-handler request a URL of a blueprint for an error the server
 * found itself (a path no blueprint serves), with REDIRECT_STATUS set to
 * that error's status (lighttpd sets REDIRECT_STATUS=200 on every other
 * request).  Such a request gets the application's error page of that
 * status, whatever its path and method: no routing, no body, no view.
 * Returns the status (400-599), or 0 for an ordinary request. */
static int server_error_status(const fl_request *req)
{
	const char *v = fl_request_env(req, "REDIRECT_STATUS");
	if (!v || strlen(v) != 3 || strspn(v, "0123456789") != 3)
		return 0;
	int status = atoi(v);
	return status >= 400 && status <= 599 ? status : 0;
}

static int dispatch(fl_ctx *c, int *crashed)
{
	fl_app *app = c->app;
	const char *why = NULL;
	const char *redirect = NULL;
	unsigned allowed = 0;

	int server_error = server_error_status(&c->req);
	if (server_error)
		return server_error;
	/* An unknown method (TRACE, PROPFIND, a lower-case "get": names are
	 * case-sensitive, RFC 9110 §9.1) is FL_METHOD__MAX, which no rule
	 * accepts: routing answers 404 for an unknown path and 405 with Allow
	 * for a known one, as werkzeug does. */
	fl_match_result m = fl_url_map_match(app->url_map, c->arena, c->req.path, c->req.method,
		&c->route, c->view_args, &c->nview_args, &allowed, &redirect);
	switch (m) {
	case FL_MATCH_NOT_FOUND:
		return 404;
	case FL_MATCH_METHOD:
		fl_app_set_allow(c, allowed);
		return fl_abort(c, 405, "The method is not allowed for the requested URL.");
	case FL_MATCH_REDIRECT: {
		const char *q = c->req.query_string;
		const char *loc = fl_arena_printf(c->arena, "%s%s%s%s", c->req.script_name,
			redirect, *q ? "?" : "", q);
		return fl_redirect(c, loc, 308) ? 500 : 0;
	}
	default:
		break;
	}
	if (c->req.method == FL_OPTIONS) {
		fl_app_set_allow(c, allowed);
		return 0;
	}
	fl_err e = fl_request_read_body(&c->req, read_body, app, app->config.max_content_length, &why);
	if (e)
		return fl_abort(c, e == FL_ETOOLARGE ? 413 : 400, "%s", why);
	int s = fl_app_guard(c, full_dispatch, NULL, crashed);
	if (*crashed) {
		fl_error("%s %s: crashed with signal %d", c->req.method_name, c->req.path, *crashed);
		if (fl_debugger_enabled())
			fl_debugger_note_crash(c, *crashed);
	}
	return s;
}

/* After a fault the process's memory cannot be trusted, but the client
 * already has its 500 page.  Under FastCGI the listening socket is fd 0 and
 * survives exec, so the program replaces itself with a fresh copy that goes
 * on accepting on the same socket: the web server never sees a dead
 * process and no request is lost.  Plain CGI simply exits. */
static void restart_after_crash(fl_app *app)
{
	if (app->fcgi) {
		fl_error("restarting the process after a crash");
		fl_app_reexec(app, "crash");
	}
	_exit(70);
}

/* The CGI variables copied into the arena.  Under FastCGI they belong to
 * the FCGX_Request, which FCGX_Finish_r frees as soon as the response is
 * out; the request's strings (path, query, headers) point into them, and
 * the deferred work and teardown hooks that run afterwards still read
 * them. */
static char **copy_env(fl_arena *a, char **envp)
{
	size_t n = 0;
	while (envp && envp[n])
		n++;
	char **copy = fl_arena_alloc(a, (n + 1) * sizeof *copy);
	for (size_t i = 0; i < n; i++)
		copy[i] = fl_arena_strdup(a, envp[i]);
	copy[n] = NULL;
	return copy;
}

void fl_app_handle(fl_app *app, char **envp)
{
	int crashed = 0;
	fl_json_set_arena(app->arena);
	fl_ctx *c = fl_ctx_new(app, app->arena);
	fl_request_state *st = fl_state(c);
	if (app->config.debug_tb_enabled)   /* the debug toolbar: web/toolbar.h */
		fl_toolbar_begin(c);

	const char *why = NULL;
	int status;
	fl_err e = fl_request_init(&c->req, c->arena, app->fcgi ? copy_env(c->arena, envp) : envp,
		&why);
	if (e)
		status = fl_abort(c, e == FL_ETOOLARGE ? 414 : 400, "%s", why);
	else
		status = unless_failed(c, dispatch(c, &crashed));
	if (status < 0 || (status > 0 && status < 400))
		status = 500;
	if (status >= 500)
		fl_error("%s %s%s%s%s -> %d%s%s", c->req.method_name ? c->req.method_name : "-",
			c->req.script_name ? c->req.script_name : "", c->req.path ? c->req.path : "",
			c->req.query_string && *c->req.query_string ? "?" : "",
			c->req.query_string ? c->req.query_string : "", status,
			st->abort_message ? ": " : "", st->abort_message ? st->abort_message : "");
	/* Development: an unhandled error (a crash, fl_app_fail, a template
	 * error) gets the debugger's page, past any errorhandler (debugger.h). */
	if (status && st->debug_error)
		fl_debugger_respond(c);
	else if (status)
		fl_app_handle_error(c, status, &crashed);
	if (!crashed)
		after_hooks(c);
	fl_app_save_session(c);
	finish_headers(c);
	/* the debug toolbar (web/toolbar.h); an intercepted redirect's page
	 * gets an HTML page's headers */
	if (st->toolbar && !crashed && fl_toolbar_process_response(c))
		finish_headers(c);

	/* The head, then the body where it lies (no copy of the body into
	 * one buffer with the head). */
	fl_buf out;
	const char *body;
	fl_buf_init(&out, c->arena);
	fl_response_serialize_head(&c->resp, &out);
	size_t nbody = fl_response_body_to_send(&c->resp, c->req.method == FL_HEAD, &body);
	write_out(app, out.data, out.len);
	if (nbody)
		write_out(app, body, nbody);
	if (app->fcgi)
		FCGX_Finish_r(app->fcgi);
	else if (!app->io)
		fflush(stdout);

	/* The client has its answer; now the slow work. */
	for (size_t i = 0; i < st->ndeferred && !crashed; i++)
		st->deferred[i].fn(c, st->deferred[i].ud);
	fl_app_teardown_db(c, status >= 500);
	teardown_hooks(c, status >= 500);
	fl_json_set_arena(NULL);
	fl_arena_reset(app->arena);
	if (crashed) {
		if (app->io)
			app->crashed = crashed;   /* in-process: the caller decides (testing.c) */
		else
			restart_after_crash(app);
	}
}
