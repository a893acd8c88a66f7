/* helpers.h — what a view answers with (Flask's helpers.py and
 * wrappers.Response): abort, redirect, url_for, text/HTML/JSON responses,
 * headers and cookies, and work deferred until the client has its answer.
 *
 * A view returns 0 when it built a response, or an HTTP status to abort
 * with: `return fl_abort(c, 404, NULL);`.  Rendering templates is
 * templating.h.
 *
 * Every function here that builds a response (fl_text, fl_html,
 * fl_jsonify, fl_redirect; fl_render too) marks the response as built
 * (fl_response.body_set).  That is how a before_request hook answers —
 * `return fl_redirect(c, url, 0);` skips the view (web/hooks.h) — and how
 * the request loop knows an error handler built its page (web/errors.h).
 * Setting a header or a cookie alone builds nothing.
 */
#ifndef FL_HELPERS_H
#define FL_HELPERS_H

#include <jansson.h>
#include <time.h>

#include "base/err.h"
#include "web/ctx.h"

/* fl_abort — abort(status): remember `message` (may be NULL; printf-style)
 * for the error page and return `status`, so a view can write
 * `return fl_abort(c, 404, NULL);`. */
int fl_abort(fl_ctx *c, int status, const char *message, ...)
	__attribute__((format(printf, 3, 4)));

/* fl_abort_retry_after — abort(status, retry_after=seconds), werkzeug's
 * TooManyRequests (429) and ServiceUnavailable (503): fl_abort, and a
 * `Retry-After: seconds` header (RFC 9110 §10.2.3, delay-seconds; values
 * below 1 are sent as 1) that the error page keeps.  Returns `status`. */
int fl_abort_retry_after(fl_ctx *c, int status, long seconds, const char *message, ...)
	__attribute__((format(printf, 4, 5)));

/* fl_redirect — redirect(location, code): `code` 301/302/303/307/308
 * (0 = 302).  A NULL `location` (a failed fl_url_for) or one holding
 * control characters is a bug: logged, and the request answers the 500
 * page.  Returns 0, or 500 when the location is unusable. */
int fl_redirect(fl_ctx *c, const char *location, int code);

/* fl_url_for — url_for(endpoint, **values): `values` is a JSON object or
 * NULL (borrowed); the rule's arguments come from it, other keys become the
 * query string.  Endpoints as in Flask: ".index" and a bare "index" are
 * the current blueprint's (a bare name is never looked up elsewhere),
 * "session.login" is blueprint session's — any blueprint of the
 * application (fl_application.blueprints), mounted beside the current one
 * (SCRIPT_NAME "/cgi-bin/main" gives "/cgi-bin/session/login/") —
 * "static" is /static/<filename>.  "_anchor" adds a #fragment;
 * "_external": true gives an absolute URL whose scheme and host are
 * PREFERRED_URL_SCHEME and SERVER_NAME when SERVER_NAME is set, else the
 * request's (fl_request_scheme, fl_request_host: the Host header, or a
 * trusted proxy's X-Forwarded-Proto/-Host).  Returns an arena string, or NULL when no URL can be built:
 * an unknown or NULL endpoint, a missing value or one its converter
 * refuses, `values` not an object.  That is a bug in the application, as
 * Flask's BuildError is: it is logged and the request answers the 500 page
 * whatever the view returns, so fl_redirect(c, fl_url_for(c, ".login",
 * NULL), 0) needs no check.  The same holds for url_for in templates. */
const char *fl_url_for(fl_ctx *c, const char *endpoint, json_t *values);

/* fl_is_safe_url — whether redirecting to `url` (a Referer, a ?next=)
 * keeps the visitor on this site: a path ("/x", but not the
 * scheme-relative "//host" or "/\\host") or an http(s) URL whose host is
 * this request's Host (Flask-Login's is_safe_url).  Control characters and
 * backslashes make it unsafe.  Returns 1 when safe. */
int fl_is_safe_url(fl_ctx *c, const char *url);

/* fl_text — a text/plain (or `mimetype`, NULL = text/plain) response of
 * `body` (copied).  Returns 0; a NULL `body` is a bug: logged, 500. */
int fl_text(fl_ctx *c, int status, const char *mimetype, const char *body);

/* fl_html — a text/html response from already-safe HTML (as fl_text). */
int fl_html(fl_ctx *c, int status, const char *html);

/* fl_jsonify — jsonify(value): an application/json response; steals the
 * reference to `value`. */
int fl_jsonify(fl_ctx *c, int status, json_t *value);

/* fl_set_header — set a response header; FL_EINVAL for CR/LF or a bad
 * name (nothing is set). */
fl_err fl_set_header(fl_ctx *c, const char *name, const char *value);

/* Cookie options for fl_set_cookie (werkzeug's set_cookie). */
typedef struct fl_cookie_opts {
	long max_age;          /* seconds; -1 = not sent */
	time_t expires;        /* absolute; 0 = not sent */
	const char *path;      /* NULL = "/" */
	const char *domain;    /* NULL = host only */
	int secure;            /* the Secure attribute */
	int httponly;          /* the HttpOnly attribute */
	const char *samesite;  /* "Strict", "Lax", "None" or NULL */
} fl_cookie_opts;

/* fl_cookie_opts with every option unset. */
#define FL_COOKIE_DEFAULTS { -1, 0, NULL, NULL, 0, 0, NULL }

/* fl_set_cookie — add a Set-Cookie header (werkzeug dump_cookie format).
 * `key` must be an RFC 6265 token and `value` cookie-octets; otherwise
 * FL_EINVAL and no header is added (the view answers 400). */
fl_err fl_set_cookie(fl_ctx *c, const char *key, const char *value, const fl_cookie_opts *o);

/* fl_delete_cookie — expire cookie `key` (Max-Age=0, Expires in 1970). */
fl_err fl_delete_cookie(fl_ctx *c, const char *key, const char *path, const char *domain);

/* Work to run after the response has reached the client (mail). */
typedef void (*fl_deferred_fn)(fl_ctx *c, void *ud);

/* fl_defer — run `fn(c, ud)` after the response is sent (at most 8). */
fl_err fl_defer(fl_ctx *c, fl_deferred_fn fn, void *ud);

#endif
