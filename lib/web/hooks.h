/* hooks.h — the request hooks of a blueprint or of the whole application
 * (Flask's before_request, after_request, teardown_request, and a
 * blueprint's before_app_request & co., which are application-wide: the
 * fl_blueprint fields before_app_request, after_app_request and
 * teardown_app_request).
 *
 * Each phase is a NULL-terminated array of functions, written in the
 * blueprint's (or application's) table with FL_HOOKS:
 *
 *     static const fl_blueprint posts = {
 *         .name = "posts", .routes = routes, .app = &blog_app,
 *         .before_request = FL_HOOKS(load_user, check_banned),
 *         .after_request = FL_HOOKS(add_headers),
 *     };
 *
 * Order, as Flask's: before_request runs the application-wide hooks (the
 * application's own, then its blueprints' *_app_request ones in the order
 * of fl_application.blueprints), then the blueprint's, each in the order
 * written; after_request and teardown_request run the blueprint's, then
 * the application-wide ones, all in REVERSE order (the last registered
 * first), like Flask's reversed().
 * Where they run in a request is app.h's "Order of a request".
 *
 * This header only declares types, so that web/application.h (below
 * web/app.h) can use them too: the request context is forward-declared.
 */
#ifndef FL_HOOKS_H
#define FL_HOOKS_H

/* The request context (web/ctx.h). */
typedef struct fl_ctx fl_ctx;

/* A before_request hook.  It runs after routing and reading the body,
 * before the CSRF check and the view.  It returns:
 *   - 0 to go on (the next hook, then CSRF, then the view);
 *   - an HTTP status >= 400 to abort with that error (fl_abort: its
 *     message, the error handlers, the error page);
 *   - 0 after building a response itself — `return fl_redirect(c, url, 0);`
 *     or fl_text, fl_html, fl_jsonify, fl_render — and then the request is
 *     ANSWERED: the remaining before_request hooks, the CSRF check, the
 *     login check and the view are skipped, while after_request, the
 *     session save, the deferred work and teardown_request still run
 *     (Flask: a before_request function that returns a value).
 * The library knows a response was built because every response helper
 * marks the response (fl_response.body_set); setting a header alone
 * (fl_set_header, fl_set_cookie) does not answer. */
typedef int (*fl_before_request_fn)(fl_ctx *c);

/* An after_request hook: change the response about to be sent (headers,
 * cookies) — the view's, an answering hook's or an error handler's (not
 * after a crash).  Runs before the session is saved. */
typedef void (*fl_after_request_fn)(fl_ctx *c);

/* A teardown_request hook: runs after the response was sent and the
 * deferred work ran, whatever happened; `failed` is non-zero when the
 * answer was a 5xx (Flask passes the exception). */
typedef void (*fl_teardown_request_fn)(fl_ctx *c, int failed);

/* FL_HOOKS(f, ...) — a NULL-terminated array of the hook functions given
 * (all of one phase's type), as a compound literal: at file scope it has
 * static storage, so a static blueprint or application table can point to
 * it.  Its type is taken from the first function (GNU C __typeof__), so a
 * function of the wrong phase is a compile-time error. */
#define FL_HOOKS(...) \
	((const __typeof__(&*(FL_HOOKS_FIRST_(__VA_ARGS__, 0))) []){ __VA_ARGS__, NULL })
/* The first argument of FL_HOOKS (an implementation detail). */
#define FL_HOOKS_FIRST_(first, ...) first

#endif
