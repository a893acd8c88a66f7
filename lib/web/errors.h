/* errors.h — error handlers (Flask's @bp.errorhandler, @bp.app_errorhandler
 * and @app.errorhandler) and what they need: the HTTP error they handle
 * (werkzeug's HTTPException) and whether the client wants JSON.
 *
 * A blueprint and the whole application (fl_blueprint.error_handlers,
 * fl_application.error_handlers) each have a table of handlers by status,
 * with FL_ANY_ERROR for a handler of every error:
 *
 *     static int not_found(fl_ctx *c, const fl_http_error *e)
 *     {
 *         if (fl_wants_json(c))
 *             return fl_jsonify(c, e->code, json_pack("{s:s}", "error", "not found"));
 *         return fl_render(c, e->code, "404.html", NULL);
 *     }
 *     static const fl_error_handler errors[] = {
 *         { 404, not_found },
 *         { FL_ANY_ERROR, any_error },
 *         FL_ERROR_HANDLERS_END,
 *     };
 *
 * They run for every error of a request: routing's 404 and 405, a bad
 * body's 400 and 413, CSRF's 400, a view's or hook's abort, the 500 of a
 * crash or of a bug the library caught, the login check's 401, a web
 * server's error document request, and on json_errors blueprints too.
 * Which one (fl_find_error_handler): the blueprint's handler of that
 * status, else the application's (its own, then those its blueprints
 * register for it: app_errorhandler); then the blueprint's FL_ANY_ERROR,
 * else the application's (Flask looks up the code in the blueprint, then
 * the application, before the HTTPException class).
 *
 * A handler builds the response and returns 0; it chooses the status
 * (fl_render's `status` 0 means 200, as `return render_template(...)`
 * without `, 404` does in Flask: pass e->code).  It starts from an empty
 * response; Allow (405), WWW-Authenticate (401) and Retry-After that the
 * error carried are put back afterwards, whatever the handler did, and the
 * usual headers (X-Content-Type-Options ...) added.  A non-zero return, a
 * handler that built nothing, a bug the library caught inside it (a
 * url_for that cannot build) or a crash in it give the built-in error page
 * of the ORIGINAL status instead (a crash: after which the process
 * restarts, as after any crash).
 */
#ifndef FL_ERRORS_H
#define FL_ERRORS_H

#include <stddef.h>

/* The request context (web/ctx.h). */
typedef struct fl_ctx fl_ctx;

/* The error a handler receives (werkzeug's HTTPException). */
typedef struct fl_http_error {
	int code;                   /* the status, 400..599 */
	const char *name;           /* werkzeug's name: "Not Found" */
	/* fl_abort's message when there was one, else werkzeug's default
	 * description of the code ("The requested URL was not found on the
	 * server. ..."); plain text, not HTML: escape it. */
	const char *description;
} fl_http_error;

/* An error handler: build a response for error `e` and return 0, or
 * return non-zero to leave it to the built-in error page. */
typedef int (*fl_error_handler_fn)(fl_ctx *c, const fl_http_error *e);

/* One entry of an error handler table. */
typedef struct fl_error_handler {
	int code;                   /* the status handled, or FL_ANY_ERROR */
	fl_error_handler_fn handler; /* NULL only in FL_ERROR_HANDLERS_END */
} fl_error_handler;

/* The `code` of a handler of every error (Flask's errorhandler(HTTPException)). */
#define FL_ANY_ERROR (-1)

/* Ends an error handler table. */
#define FL_ERROR_HANDLERS_END { 0, NULL }

/* fl_find_error_handler — the handler for status `code`: the first entry
 * for `code` in `bp` (the blueprint's own table), else in the
 * application-wide tables `app[0..napp)` in order (the application's own,
 * then its blueprints' app_error_handlers, as web/hooks.h orders them),
 * else the first FL_ANY_ERROR entry in `bp`, else in `app` in order.  Any
 * table may be NULL.  Returns NULL when none handles it. */
fl_error_handler_fn fl_find_error_handler(const fl_error_handler *bp,
	const fl_error_handler *const *app, size_t napp, int code);

/* fl_http_error_description — werkzeug's default description of HTTP
 * error `code` (its HTTPException subclasses' `description`, e.g. 404's
 * "The requested URL was not found on the server. If you entered the URL
 * manually please check your spelling and try again."), or the reason
 * phrase for a code werkzeug has no class for.  A static string. */
const char *fl_http_error_description(int code);

/* fl_wants_json — whether the client prefers JSON to HTML: werkzeug's
 * `request.accept_mimetypes.accept_json and not
 * request.accept_mimetypes.accept_html` (the Flask book's errors.py),
 * read with http/accept.h, where a type with q=0 is not accepted.
 * "Accept: application/json" is 1; a browser's Accept, any-type (star/star) and no
 * Accept header are 0. */
int fl_wants_json(fl_ctx *c);

#endif
