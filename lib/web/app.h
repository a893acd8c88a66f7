/* app.h — the application and the life of a request (Flask's app.py).
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
 * before_request hooks (the application's, then the blueprint's; a hook
 * may answer, skipping what follows up to the view) → CSRF check on unsafe
 * methods (400) → login check of FL_ROUTE_LOGIN_REQUIRED routes (web/login.h)
 * → view → on an error, the error handler (web/errors.h) or the error page
 * → after_request hooks (the blueprint's, then the application's, each
 * last-registered first) → save session → write response → deferred work
 * (mail) → teardown hooks (same order as after_request).
 *
 * What a view receives is the request context (web/ctx.h); what it does
 * with it is in helpers.h (responses, redirect, url_for, cookies),
 * templating.h, sessions.h (session, flash, CSRF), forms.h, db.h and
 * view_cache.h, all under web/ and all included by flagon.h.
 */
#ifndef FL_APP_H
#define FL_APP_H

#include <jansson.h>
#include <stdio.h>

#include "base/config.h"
#include "data/db.h"
#include "http/routing.h"
#include "template/template.h"
#include "web/errors.h"
#include "web/hooks.h"

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
	/* setup runs once per process after the database is open (Flask's
	 * before_first_request belongs here too); a non-zero return stops
	 * start-up.  NULL: nothing to do. */
	int (*setup)(fl_app *app);
	/* The blueprint's request hooks (web/hooks.h): NULL-terminated
	 * arrays, FL_HOOKS(f, g), or NULL for none.  The application-wide
	 * ones (fl_application's, then the blueprints' *_app_request) run
	 * around them: before_request first, after_request and
	 * teardown_request last. */
	const fl_before_request_fn *before_request;
	const fl_after_request_fn *after_request;
	const fl_teardown_request_fn *teardown_request;
	/* flask-jwt-extended's @jwt.user_lookup_loader (web/jwt.h): once
	 * fl_jwt_required has verified a token, load the user it names.
	 * `jwt_data` holds every claim (borrowed; "sub" is the identity, a
	 * string the client may have chosen if the key leaked: parse it
	 * strictly).  Return 0 with *user set to the user (a JSON object in the
	 * request arena, e.g. a row), or to NULL when there is none — deleted
	 * since the token was issued, or never there: the request then answers
	 * 401 "Error loading the user <sub>" — or return an HTTP status to
	 * abort with (a database error: fl_abort_db).  fl_get_current_user
	 * gives the user to the view.  NULL: a valid token is enough. */
	int (*jwt_user_lookup)(fl_ctx *c, json_t *jwt_data, json_t **user);
	/* Error handlers (web/errors.h): @bp.errorhandler(code), a table
	 * ending with FL_ERROR_HANDLERS_END, or NULL.  They come before the
	 * application's of the same code. */
	const fl_error_handler *error_handlers;
	/* What the blueprint registers for the WHOLE application (Flask's
	 * @bp.before_app_request, after_app_request, teardown_app_request and
	 * app_errorhandler): they run for every blueprint of the application,
	 * as if written in fl_application's tables, after the application's
	 * own in the order of fl_application.blueprints (web/hooks.h).
	 * NULL: none. */
	const fl_before_request_fn *before_app_request;
	const fl_after_request_fn *after_app_request;
	const fl_teardown_request_fn *teardown_app_request;
	const fl_error_handler *app_error_handlers;
} fl_blueprint;

/* Ends a route table. */
#define FL_ROUTES_END { NULL, NULL, 0, NULL, 0 }

/* fl_run — start the program for blueprint `bp` and serve until the
 * FastCGI server stops it (or one request as plain CGI).  Returns the exit
 * status: 0, or 1 with a one-line reason on stderr when start-up failed
 * (bad configuration, unreadable database, template syntax error, a
 * malformed rule).  Its URL map holds every blueprint of bp->app
 * (fl_blueprint_url_map): it serves bp's routes and builds the URLs of
 * all.  With FLAGON_ROUTES=1 in the environment it prints that map
 * (fl_print_routes) and exits.  With FLAGON_MAX_REQUESTS=N (a whole
 * number; 0 or unset: no limit) a FastCGI process ends cleanly after
 * serving N requests, as PHP_FCGI_MAX_REQUESTS does; a value that is not
 * a number stops start-up. */
int fl_run(const fl_blueprint *bp);

/* fl_blueprint_url_map — the URL map a program serving `bp` uses: bp's
 * routes (matched), then those of every other blueprint of bp->app, in
 * the order of fl_application.blueprints (built by url_for as
 * "name.endpoint"); without an application or a list, bp's alone.
 * Returns a map to free with fl_url_map_free, or NULL with the reason in
 * `why` (a malformed rule, two blueprints of one name). */
fl_url_map *fl_blueprint_url_map(const fl_blueprint *bp, char *why, size_t whylen);

/* fl_print_routes — print the URL map of fl_blueprint_url_map(bp) to
 * `out` (Flask's `flask routes`): a header, then one line per rule of
 * every blueprint: endpoint, methods, and the rule under the blueprint's
 * mount "/cgi-bin/<name>".  Returns 0, or -1 after logging why the map
 * cannot be built. */
int fl_print_routes(const fl_blueprint *bp, FILE *out);

/* fl_app_config — the process configuration. */
const fl_config *fl_app_config(const fl_app *app);

/* fl_app_db — the process database connection (opened at start-up). */
fl_db *fl_app_db(fl_app *app);

/* fl_app_templates — the process template environment. */
fl_tpl_env *fl_app_templates(fl_app *app);

#endif
