/* dispatch.c — the life of one request (Flask's wsgi_app and
 * full_dispatch_request): make the context, route (404, 405, 308), read the
 * body, before_request, CSRF, the view (or the view cache), the error page,
 * after_request, save the session, write the response, then the deferred
 * work and teardown.  A crash inside a view still gets its 500 page, and a
 * web server's error document request (REDIRECT_STATUS) the error page of
 * its status.
 * Start-up and the accept loop are app.c. */
#include <errno.h>
#include <fcgiapp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web/ctx_internal.h"
#include "web/templating.h"
#include "http/http.h"
#include "base/log.h"

/* ---- I/O: FastCGI or plain CGI ---- */

static long read_body(void *ud, char *buf, size_t n)
{
	fl_app *app = ud;
	if (n > 1 << 30)
		n = 1 << 30;
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
	while (n) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* ---- crash guard ----
 * A fault inside a view (SIGSEGV, SIGBUS, SIGFPE, SIGILL) jumps back here
 * so the client still gets the 500 page; the process then exits, because
 * its memory can no longer be trusted, and the server starts a new one. */

static sigjmp_buf crash_jmp;
static volatile sig_atomic_t in_view;

static void on_fault(int sig)
{
	if (in_view) {
		in_view = 0;
		siglongjmp(crash_jmp, sig);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void fl_app_install_crash_guard(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fault;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* ---- answers the request loop makes itself: Allow, error pages, headers ---- */

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

static void error_page(fl_ctx *c, int status)
{
	const char *title = status == 404 ? "Page Not Found" : fl_status_text(status);
	const char *abort_message = fl_state(c)->abort_message;
	const char *message = abort_message ? abort_message : default_description(status);
	/* Keep Allow (405) and Location; drop what the failed view set. */
	const char *allow = fl_response_get_header(&c->resp, "Allow");
	/* A JSON blueprint (the API, issue #7) also keeps WWW-Authenticate (401). */
	const char *www_auth = fl_response_get_header(&c->resp, "WWW-Authenticate");
	/* And every page Retry-After (fl_abort_retry_after: 429, 503). */
	const char *retry_after = fl_response_get_header(&c->resp, "Retry-After");
	fl_response_init(&c->resp, c->arena);
	if (allow)
		fl_response_set_header(&c->resp, "Allow", allow);
	if (retry_after)
		fl_response_set_header(&c->resp, "Retry-After", retry_after);
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
	fl_app_set_body(c, status, "text/html; charset=utf-8", html.data, html.len);
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
 * that cannot build...) makes the answer 500, whatever the view returned. */
static int unless_failed(fl_ctx *c, int status)
{
	return fl_state(c)->failed && status < 500 ? 500 : status;
}

static int run_view(fl_ctx *c, int *crashed)
{
	int sig = sigsetjmp(crash_jmp, 1);
	if (sig) {
		*crashed = sig;
		fl_error("%s %s: view crashed with signal %d", c->req.method_name, c->req.path, sig);
		return 500;
	}
	in_view = 1;
	int status = c->route->view(c);
	in_view = 0;
	return status;
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
	if (app->bp->before_request) {
		int s = app->bp->before_request(c);
		if (s)
			return s;
	}
	int s = fl_app_check_csrf(c);
	if (s)
		return s;
	/* @cache.cached: a GET/HEAD of a route with FL_ROUTE_CACHE is answered
	 * from the cache without running the view (X-Cache: HIT), or the view
	 * runs and its 200 is stored (X-Cache: MISS).  No per-visitor data
	 * (CSRF token, flashes, cookies) is stored: see view_cache.c. */
	fl_app_cached_view cv;
	int cached = fl_app_cache_begin(c, &cv);
	if (cached == FL_APP_CACHE_HIT)
		return 0;
	s = unless_failed(c, run_view(c, crashed));
	if (cached == FL_APP_CACHE_MISS)
		fl_app_cache_end(c, &cv, s);
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
		execl("/proc/self/exe", app->bp->name, (char *)NULL);
		fl_error("cannot restart: %s", strerror(errno));
	}
	_exit(70);
}

void fl_app_handle(fl_app *app, char **envp)
{
	int crashed = 0;
	fl_json_set_arena(app->arena);
	fl_ctx *c = fl_ctx_new(app, app->arena);
	fl_request_state *st = fl_state(c);

	const char *why = NULL;
	int status;
	fl_err e = fl_request_init(&c->req, c->arena, envp, &why);
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
	if (status)
		error_page(c, status);
	if (app->bp->after_request && !crashed)
		app->bp->after_request(c);
	fl_app_save_session(c);
	finish_headers(c);

	fl_buf out;
	fl_buf_init(&out, c->arena);
	fl_response_serialize(&c->resp, c->req.method == FL_HEAD, &out);
	write_out(app, out.data, out.len);
	if (app->fcgi)
		FCGX_Finish_r(app->fcgi);
	else
		fflush(stdout);

	/* The client has its answer; now the slow work. */
	for (size_t i = 0; i < st->ndeferred && !crashed; i++)
		st->deferred[i].fn(c, st->deferred[i].ud);
	fl_app_teardown_db(c, status >= 500);
	if (app->bp->teardown_request)
		app->bp->teardown_request(c, status >= 500);
	fl_json_set_arena(NULL);
	fl_arena_reset(app->arena);
	if (crashed)
		restart_after_crash(app);
}
