/* app.h — the application and the life of a request (Flask's app.py and
 * ctx.py).
 *
 * A blueprint is a static table of routes plus optional hooks; its program's
 * main() is one line:
 *
 *     int main(void) { return fl_run(&main_blueprint); }
 *
 * fl_run() does the per-process start-up once (configuration, database,
 * templates, URL map), then serves requests: as FastCGI when started by a
 * FastCGI server, otherwise one plain CGI request from the environment and
 * stdin.  For every request it builds an fl_ctx — request, response,
 * session, g — whose memory is one arena freed when the request ends.
 *
 * Order of a request: parse → route (404, 405, 308) → read body (413/400) →
 * before_request → CSRF check on unsafe methods (400) → view → after_request
 * → save session → write response → deferred work (mail) → teardown.
 */
#ifndef FL_APP_H
#define FL_APP_H

#include <jansson.h>
#include <stdarg.h>

#include "base/arena.h"
#include "base/config.h"
#include "data/db.h"
#include "base/err.h"
#include "form/form.h"
#include "data/query.h"
#include "http/request.h"
#include "http/response.h"
#include "http/routing.h"
#include "template/template.h"

/* The application: one per process (opaque). */
typedef struct fl_app fl_app;
typedef struct fl_ctx fl_ctx;

/* A blueprint: one program under cgi-bin/. */
typedef struct fl_blueprint {
	const char *name;           /* "main": mounted at /cgi-bin/main */
	const fl_route *routes;     /* table ending with FL_ROUTES_END */
	int csrf_exempt;            /* the whole blueprint skips CSRF (the JSON API) */
	/* Every error of this blueprint (400 bad body, 401, 404, 405, 413,
	 * 415, 422, 500 ...) is answered as JSON {"message": "..."} with its
	 * status instead of the HTML error page (flask-restful's Api). */
	int json_errors;
	/* The application the blueprint belongs to (web/application.h): its
	 * configuration keys and models.  NULL: built-in keys only. */
	const struct fl_application *app;
	/* The models the blueprint registers with its database,
	 * NULL-terminated (db.Model subclasses); NULL: the application's. */
	const struct fl_model *const *models;
	/* How to create a missing table, named in the 503 page ("the route
	 * /cgi-bin/model/createmodel/"); NULL: "./manage db upgrade". */
	const char *create_tables_hint;
	/* Hooks; each may be NULL.  setup runs once per process after the
	 * database is open (Flask's before_first_request belongs here too);
	 * a non-zero return stops start-up. */
	int (*setup)(fl_app *app);
	int (*before_request)(fl_ctx *c);   /* non-zero: abort with that status */
	void (*after_request)(fl_ctx *c);
	void (*teardown_request)(fl_ctx *c, int failed);
} fl_blueprint;

/* Ends a route table. */
#define FL_ROUTES_END { NULL, NULL, 0, NULL, 0 }

/* Work to run after the response has reached the client (mail). */
typedef void (*fl_deferred_fn)(fl_ctx *c, void *ud);

/* The request context.  Views receive it; its fields are read-only to them
 * except through the functions below. */
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
	/* private */
	struct fl_session *session_;
	json_t *flashes_;           /* popped once per request */
	const char *csrf_token_;
	const char *abort_message_;
	struct fl_deferred { fl_deferred_fn fn; void *ud; } deferred_[8];
	size_t ndeferred_;
};

/* fl_run — start the program for blueprint `bp` and serve until the
 * FastCGI server stops it (or one request as plain CGI).  Returns the exit
 * status: 0, or 1 with a one-line reason on stderr when start-up failed
 * (bad configuration, unreadable database, template syntax error).  With
 * FLAGON_ROUTES=1 in the environment it prints the URL map and exits. */
int fl_run(const fl_blueprint *bp);

/* fl_app_config — the process configuration. */
const fl_config *fl_app_config(const fl_app *app);

/* fl_app_db — the process database connection (opened at start-up). */
fl_db *fl_app_db(fl_app *app);

/* fl_app_templates — the process template environment. */
fl_tpl_env *fl_app_templates(fl_app *app);

/* ---- the request ---- */

/* fl_get_arg — request.args.get(name): the first query value, or NULL. */
const char *fl_get_arg(fl_ctx *c, const char *name);

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

/* fl_get_db — the database connection, for views. */
fl_db *fl_get_db(fl_ctx *c);

/* ---- responses ---- */

/* fl_abort — abort(status): remember `message` (may be NULL; printf-style)
 * for the error page and return `status`, so a view can write
 * `return fl_abort(c, 404, NULL);`. */
int fl_abort(fl_ctx *c, int status, const char *message, ...)
	__attribute__((format(printf, 3, 4)));

/* fl_redirect — redirect(location, code): `code` 301/302/303/307/308
 * (0 = 302).  `location` may not hold control characters (else 500).
 * Returns 0, or 500 when the location is unusable. */
int fl_redirect(fl_ctx *c, const char *location, int code);

/* fl_render — render_template(name, context): render `name` with
 * `context` (a JSON object, may be NULL; the globals session, request, g,
 * config are added) into a text/html response with status `status`
 * (0 = 200).  Returns 0, or 500 after logging the template error. */
int fl_render(fl_ctx *c, int status, const char *name, json_t *context);

/* fl_text — a text/plain (or `mimetype`, NULL = text/plain) response. */
int fl_text(fl_ctx *c, int status, const char *mimetype, const char *body);

/* fl_html — a text/html response from already-safe HTML. */
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

/* fl_is_safe_url — whether redirecting to `url` (a Referer, a ?next=)
 * keeps the visitor on this site: a path ("/x", but not the
 * scheme-relative "//host" or "/\\host") or an http(s) URL whose host is
 * this request's Host (Flask-Login's is_safe_url).  Control characters and
 * backslashes make it unsafe.  Returns 1 when safe. */
int fl_is_safe_url(fl_ctx *c, const char *url);

/* fl_url_for — url_for(endpoint, **values): `values` is a JSON object or
 * NULL (borrowed).  Returns an arena string, or NULL after logging when the
 * endpoint is unknown or a value is missing. */
const char *fl_url_for(fl_ctx *c, const char *endpoint, json_t *values);

/* fl_defer — run `fn(c, ud)` after the response is sent (at most 8). */
fl_err fl_defer(fl_ctx *c, fl_deferred_fn fn, void *ud);

/* ---- database errors as HTTP answers (Flask-SQLAlchemy's *_or_404) ---- */

/* fl_abort_db — turn a database error into the answer a user should see:
 * FL_ENOTFOUND → 404; FL_EEXISTS/FL_ECONSTRAINT → 409 "... already exists";
 * FL_EINVAL → 400 naming the column; FL_ENOTABLE → 503 naming the missing
 * table and how to create it (the blueprint's create_tables_hint);
 * FL_EBUSY → 503; anything else → 500 (logged).  Rolls back the open
 * transaction so nothing half-written survives.  Returns the status. */
int fl_abort_db(fl_ctx *c, fl_err e);

/* fl_get_or_404 — Model.query.get_or_404(id): *row, or 404 (other errors
 * through fl_abort_db).  Returns 0 when found. */
int fl_get_or_404(fl_ctx *c, const struct fl_model *m, long long id, json_t **row);

/* fl_first_or_404 — query.first_or_404(): *row, or 404.  Returns 0 when
 * found. */
int fl_first_or_404(fl_ctx *c, struct fl_query *q, json_t **row);

/* ---- forms (Flask-WTF's FlaskForm) ---- */

/* fl_new_form — FlaskForm(): a form of type `def` filled from request.form
 * when the request submits data (POST, PUT, PATCH, DELETE).  Arena-owned. */
fl_form *fl_new_form(fl_ctx *c, const fl_form_def *def);

/* fl_validate_on_submit — form.validate_on_submit(): the request submits
 * data and every validator passes.  (The CSRF token was already checked
 * for the whole request before the view ran.) */
int fl_validate_on_submit(fl_ctx *c, fl_form *f);

/* fl_make_form_context — the form as the JSON the templates' quick_form
 * macro renders, with this request's CSRF token as a hidden field. */
json_t *fl_make_form_context(fl_ctx *c, fl_form *f);

/* ---- session, flash, CSRF ---- */

/* fl_get_session — the session (a JSON object in Flask's tagged form), opened
 * on first use.  Change it with jansson; it is saved at the end of the
 * request when it changed. */
json_t *fl_get_session(fl_ctx *c);

/* fl_clear_session — session.clear(): empty it; the cookie is expired. */
void fl_clear_session(fl_ctx *c);

/* fl_regenerate_session — give the session a new id, keeping its data
 * (call it at login, before storing who logged in: no session fixation).
 * With a server-side store the old record is deleted and a new random id
 * issued; with the signed cookie a new cookie is sent. */
void fl_regenerate_session(fl_ctx *c);

/* fl_flash — flash(message, category) (category NULL = "message"). */
void fl_flash(fl_ctx *c, const char *message, const char *category);

/* fl_get_flashed_messages — get_flashed_messages(with_categories): the
 * messages flashed before this request (a JSON array, borrowed); the
 * same list for every call within one request, gone from the session. */
json_t *fl_get_flashed_messages(fl_ctx *c, int with_categories);

/* fl_csrf_token — csrf_token(): this request's token (arena string),
 * creating the session's raw token on first use. */
const char *fl_csrf_token(fl_ctx *c);

#endif
