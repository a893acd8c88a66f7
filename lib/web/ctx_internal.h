/* ctx_internal.h — the private part of a request context.  Only the
 * sources of lib/web/ include it; not part of the public API.
 *
 * A context is allocated (fl_ctx_new) as an fl_request_state whose first
 * member is the public fl_ctx that views see; fl_state() goes back from
 * one to the other, container_of style.  So the public struct holds only
 * what a view may read, and what the library keeps per request — the
 * opened session, the flashes popped for this request, the CSRF token, the
 * abort message, the deferred work — stays behind it. */
#ifndef FL_CTX_INTERNAL_H
#define FL_CTX_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "session/session.h"
#include "web/app_internal.h"

/* At most this many fl_defer() calls per request. */
#define FL_MAX_DEFERRED 8

typedef struct fl_request_state {
	fl_ctx pub;                 /* what views see */
	fl_session *session;        /* opened on first use (sessions.c), else NULL */
	json_t *flashes;            /* popped once per request (sessions.c) */
	const char *csrf_token;     /* this request's token, or view_cache.c's placeholder */
	const char *abort_message;  /* fl_abort's message, shown on the error page */
	json_t *jwt_user;           /* the blueprint's jwt_user_lookup's user (jwt.c), or NULL */
	int failed;                 /* fl_app_fail: the answer is 500 whatever the view returns */
	struct { fl_deferred_fn fn; void *ud; } deferred[FL_MAX_DEFERRED];
	size_t ndeferred;           /* entries of deferred in use */
	/* login (login.c): the user_loader failed with this status; the
	 * request answers it whatever the view returns (0: it did not) */
	int fail_status;
	/* The development error page (debugger.c): the request's unhandled
	 * error, set only when the debugger is enabled, else NULL. */
	struct fl_debug_error *debug_error;
	/* the debug toolbar (issue 18: web/toolbar.h): what it collects for
	 * this request, or NULL when DEBUG_TB_ENABLED is off */
	struct fl_toolbar *toolbar;
} fl_request_state;

/* The private state of context `c` (made by fl_ctx_new). */
static inline fl_request_state *fl_state(fl_ctx *c)
{
	return (fl_request_state *)(void *)((char *)c - offsetof(fl_request_state, pub));
}

/* ---- shared by the web/ sources ---- */

/* Make the response body `n` bytes of `body` with `mimetype` and `status`
 * (0 = 200), copied into the arena (helpers.c).  The one place every
 * helper that builds a response goes through (fl_text, fl_html,
 * fl_jsonify, fl_redirect, fl_render, the error page; a new one must too):
 * it marks the response built (c->resp.body_set), which is how the request
 * loop knows that a before_request hook answered and that an error
 * handler built its page (web/hooks.h, web/errors.h). */
void fl_app_set_body(fl_ctx *c, int status, const char *mimetype, const char *body, size_t n);

/* fl_app_take_body — fl_app_set_body for a body already in an fl_buf of
 * the request's arena (a rendered page, a JSON dump): the response takes
 * the buffer itself (`*b` is left empty), no copy.  Why: a 100-row list's
 * page is ~15 KB, copied once here and once more into the output stream
 * per request.  `b` must allocate from c->arena (the response outlives no
 * request). */
void fl_app_take_body(fl_ctx *c, int status, const char *mimetype, fl_buf *b);

/* The mount point to put in front of URLs: SCRIPT_NAME, else /cgi-bin/<bp>
 * (ctx.c). */
const char *fl_app_script_name(fl_ctx *c);

/* url_for on the application's URL map for the request `c`, the URL in
 * `a`: _external takes the scheme and host from SERVER_NAME and
 * PREFERRED_URL_SCHEME when set, else from the request (wrappers.c).  Errors
 * as fl_url_map_build. */
fl_err fl_app_build_url(fl_ctx *c, fl_arena *a, const char *endpoint, json_t *values,
	char **url, char *why, size_t whylen);

/* fl_app_build_url as the JSON string templates get (new reference in
 * the current jansson arena; NULL with `why` filled in on error): a URL the
 * memo knows is copied once, without the copy into `a` and the UTF-8 check
 * fl_app_build_url and json_string would add (wrappers.c). */
json_t *fl_app_build_url_json(fl_ctx *c, fl_arena *a, const char *endpoint, json_t *values,
	char *why, size_t whylen);

/* The `request` object of templates: fl_request_to_json's method, path,
 * script_root, args, form, cookies... plus url, host, scheme, endpoint,
 * blueprint, referrer and headers (a mapping by werkzeug's header names,
 * "User-Agent"), in the request arena (wrappers.c). */
json_t *fl_app_request_json(fl_ctx *c);

/* Whether a value called `name` (a form field, a header, a cookie, a
 * session or g key) is hidden on the development pages: a name
 * fl_config_name_is_secret, or one containing "csrf" or "cookie", or the
 * session cookie (SESSION_COOKIE_NAME) or Flask-Login's remember_token
 * (masking.c: the debugger and the debug toolbar). */
int fl_app_is_secret_name(fl_ctx *c, const char *name);

/* A copy of `v` (NULL: null) in which the value of every object key that
 * fl_app_is_secret_name is FL_CONFIG_MASK, at any depth; a new reference
 * (jansson's current allocator) the caller decrefs (masking.c). */
json_t *fl_app_masked_json(fl_ctx *c, const json_t *v);

/* Fail the request for a bug the library caught in the application — a
 * url_for that cannot build, a redirect to NULL, a NULL body: log `why`
 * (printf-style) with the request, and answer the 500 page whatever the
 * view goes on to return, as Flask does when url_for raises BuildError.
 * The caller then returns something harmless (NULL, 500) instead of
 * faulting (helpers.c). */
void fl_app_fail(fl_ctx *c, const char *why, ...) __attribute__((format(printf, 2, 3)));

/* Set the Allow header from a method mask (dispatch.c; resource.c too). */
void fl_app_set_allow(fl_ctx *c, unsigned allowed);

/* ---- the steps of a request that dispatch.c calls, in order ---- */

/* CSRF check for unsafe methods: 0, or 400 with the message set
 * (sessions.c). */
int fl_app_check_csrf(fl_ctx *c);

/* What fl_app_cache_begin() prepared for fl_app_cache_end(): lives on
 * dispatch()'s stack for one request (view_cache.c). */
typedef struct fl_app_cached_view {
	const char *key;           /* cache key; NULL: neither looked up nor stored */
	long timeout;              /* the route's: -1 = CACHE_DEFAULT_TIMEOUT */
	char placeholder[48];      /* what csrf_token() yields while the view renders */
} fl_app_cached_view;

enum { FL_APP_CACHE_OFF, FL_APP_CACHE_HIT, FL_APP_CACHE_MISS };

/* Before the view of a GET/HEAD to a route with FL_ROUTE_CACHE: answer
 * from the cache (FL_APP_CACHE_HIT: the response is built, skip the view),
 * or prepare the view's run (FL_APP_CACHE_MISS: csrf_token() gives a
 * placeholder, no flashed messages).  FL_APP_CACHE_OFF otherwise. */
int fl_app_cache_begin(fl_ctx *c, fl_app_cached_view *cv);

/* After the view of a FL_APP_CACHE_MISS (view status `status`): store a 200
 * response, put the visitor's own CSRF token in place of the placeholder,
 * restore csrf_token(). */
void fl_app_cache_end(fl_ctx *c, fl_app_cached_view *cv, int status);

/* Write the session cookie if the session changed (sessions.c). */
void fl_app_save_session(fl_ctx *c);

/* Commit on teardown (SQLALCHEMY_COMMIT_ON_TEARDOWN) or roll back (db.c). */
void fl_app_teardown_db(fl_ctx *c, int failed);

/* Run fn(c, ud) under the crash guard (guard.c): a fault inside it
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL) comes back here, sets *crashed to the
 * signal and returns 500; the process restarts after the response.  Not
 * nested. */
int fl_app_guard(fl_ctx *c, int (*fn)(fl_ctx *c, const void *ud), const void *ud,
	int *crashed);

/* Answer error `status`: the blueprint's or application's error handler
 * (under the crash guard; a crash there sets *crashed), else — or when it
 * fails — the built-in error page (errors.c). */
void fl_app_handle_error(fl_ctx *c, int status, int *crashed);

#endif
