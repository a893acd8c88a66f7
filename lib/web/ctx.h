/* ctx.h — the request context (Flask's ctx.py and globals.py): what a view
 * receives, and the request as a view reads it (request.args, .form,
 * .cookies, .headers, .view_args).
 *
 * The request loop makes one context per request in the request arena; it
 * is gone when the request ends.  Its public fields are read-only to views
 * except `g` and through the functions of the other web/ headers; what the
 * library keeps per request besides (the opened session, the popped flashes,
 * the CSRF token, the abort message, the deferred work) is private to web/.
 */
#ifndef FL_CTX_H
#define FL_CTX_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/config.h"
#include "http/request.h"
#include "http/response.h"
#include "http/routing.h"

/* The application: one per process (opaque; web/app.h). */
typedef struct fl_app fl_app;
/* The request context (below). */
typedef struct fl_ctx fl_ctx;

/* The request context.  Views receive it; its fields are read-only to them
 * except through the functions of web/ (and `g`, theirs to fill). */
struct fl_ctx {
	fl_app *app;                /* the application */
	const fl_config *config;    /* app.config */
	fl_arena *arena;            /* memory for this request only */
	fl_request req;             /* the request */
	fl_response resp;           /* the response being built */
	const fl_route *route;      /* the matched rule (NULL before routing) */
	fl_view_arg view_args[FL_MAX_VIEW_ARGS]; /* request.view_args */
	size_t nview_args;          /* how many view_args */
	json_t *g;                  /* flask.g: per-request values */
};

/* fl_ctx_new — a fresh request context for `app` whose memory is arena `a`
 * (Flask's app.request_context; with `app` NULL, test_request_context for
 * unit tests).  The response is initialised (200, no header, no body), g is
 * an empty object (made with jansson's current allocator: set
 * fl_json_set_arena(a) first), no route is matched and the request is all
 * zero: fill it with fl_request_init() or by hand.  With `app` NULL the
 * configuration is all zero and only what needs no application works (the
 * request accessors, the response helpers, abort, resources); the session,
 * templates, url_for and the database need one.  Owned by `a` (gone when it
 * is reset); never NULL. */
fl_ctx *fl_ctx_new(fl_app *app, fl_arena *a);

/* fl_get_arg — request.args.get(name): the first query value, or NULL. */
const char *fl_get_arg(fl_ctx *c, const char *name);

/* fl_get_arg_int — request.args.get(name, type=int), read strictly: the
 * first query value of `name` as a decimal integer of ASCII digits with an
 * optional leading '-' (fl_parse_decimal).  Stricter than Python's int():
 * "%201" (" 1"), "+1" and "1_0" are not integers.  Returns FL_OK and sets
 * *out; FL_ENOTFOUND when the argument is absent; FL_EINVAL when it is not
 * such an integer or does not fit a long long (*out untouched). */
fl_err fl_get_arg_int(fl_ctx *c, const char *name, long long *out);

/* fl_get_form_value — request.form.get(name): the first form value, or NULL. */
const char *fl_get_form_value(fl_ctx *c, const char *name);

/* fl_get_cookie — request.cookies.get(name), or NULL. */
const char *fl_get_cookie(fl_ctx *c, const char *name);

/* fl_get_header — the request header `name`, or NULL. */
const char *fl_get_header(fl_ctx *c, const char *name);

/* fl_get_view_arg — the text matched by converter `name`, or NULL. */
const char *fl_get_view_arg(fl_ctx *c, const char *name);

/* fl_get_view_arg_int — the value matched by an <int:name> converter (0 when
 * absent). */
long long fl_get_view_arg_int(fl_ctx *c, const char *name);

/* ---- the request's own URL (issue 15: request.url, host, endpoint) ---- */

/* fl_request_scheme — request.scheme: "https" or "http".  From a trusted
 * proxy (TRUSTED_PROXIES lists REMOTE_ADDR) the last entry of
 * X-Forwarded-Proto when it is http or https (werkzeug's ProxyFix,
 * x_proto=1); else "https" when the server says HTTPS=on (or 1) or
 * REQUEST_SCHEME=https; else "http".  Static storage. */
const char *fl_request_scheme(fl_ctx *c);

/* fl_request_host — request.host: the host[:port] the client asked for,
 * without the scheme's default port (werkzeug's get_host): from a trusted
 * proxy the last entry of X-Forwarded-Host (ProxyFix, x_host=1), else the
 * Host header.  A value that is not a plain host[:port]
 * (fl_host_is_valid: letters, digits, '-', '.', '_', a bracketed IPv6
 * address, a numeric port) is never used: SERVER_NAME, then the server's
 * SERVER_NAME:SERVER_PORT, then "localhost" take its place, so the result
 * is always safe in a URL or a header.  Arena memory. */
const char *fl_request_host(fl_ctx *c);

/* fl_request_url — request.url: scheme://host/script_name/path?query as
 * werkzeug 2.2 builds it (get_current_url: the path percent-encoded with
 * url_quote, the query kept with its escapes, then uri_to_iri, so "é"
 * shows as itself and "%2F", "%20", "%25" stay escaped).  Scheme and host
 * as fl_request_scheme and fl_request_host.  Arena memory. */
const char *fl_request_url(fl_ctx *c);

/* fl_external_url_root — the "scheme://host" that url_for(...,
 * _external=True) puts in front of a path: PREFERRED_URL_SCHEME and
 * SERVER_NAME when SERVER_NAME is set (Flask), else fl_request_scheme and
 * fl_request_host.  Arena memory. */
const char *fl_external_url_root(fl_ctx *c);

/* fl_request_blueprint — request.blueprint: the name of the blueprint
 * whose route matched, or NULL before routing (and for a request no route
 * took: a 404).  Static storage. */
const char *fl_request_blueprint(fl_ctx *c);

/* fl_request_endpoint — request.endpoint: "blueprint.endpoint"
 * ("main.index") of the matched route, or NULL before routing or when no
 * route matched.  Arena memory. */
const char *fl_request_endpoint(fl_ctx *c);

/* fl_request_referrer — request.referrer: the Referer header as sent, or
 * NULL.  The client's word: check it (fl_is_safe_url) before redirecting
 * to it. */
const char *fl_request_referrer(fl_ctx *c);

/* ---- request.args.get(name, default, type=int) ---- */

/* fl_get_arg_int_or — request.args.get(name, default_value, type=int) in
 * one call: the first query value of `name` read by fl_get_arg_int's
 * strict parser, or `default_value` when the argument is absent or is not
 * such an integer (werkzeug returns the default on the ValueError), so
 * `?page=abc` and `?page=` give the default, never an error. */
long long fl_get_arg_int_or(fl_ctx *c, const char *name, long long default_value);

#endif
