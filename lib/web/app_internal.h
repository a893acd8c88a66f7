/* app_internal.h — the application object every web/ source reads, and
 * what start-up (app.c) calls in the other files.  The private part of a
 * request context is ctx_internal.h.  Not part of the public API. */
#ifndef FL_APP_INTERNAL_H
#define FL_APP_INTERNAL_H

#include <fcgiapp.h>

#include "cache/cache.h"
#include "http/url_memo.h"
#include "session/session.h"
#include "web/app.h"
#include "web/application.h"
#include "web/ctx.h"
#include "web/helpers.h"

/* The kinds of application-wide tables (hooks.c): what the application
 * and its blueprints register for every request (before_app_request & co.,
 * app_errorhandler). */
typedef enum fl_app_wide_kind {
	FL_WIDE_BEFORE,     /* fl_before_request_fn arrays */
	FL_WIDE_AFTER,      /* fl_after_request_fn arrays */
	FL_WIDE_TEARDOWN,   /* fl_teardown_request_fn arrays */
	FL_WIDE_ERRORS,     /* fl_error_handler tables */
	FL_WIDE__MAX
} fl_app_wide_kind;

/* The application-wide tables of one kind, in Flask's registration order:
 * the application's own, then each blueprint's in the order of
 * fl_application.blueprints (only the serving blueprint's when the
 * application lists none).  Each element points to a table's first
 * entry; NULL tables are left out. */
typedef struct fl_app_wide {
	const void **tables;       /* heap, freed at exit */
	size_t n;
} fl_app_wide;

struct fl_app {
	const fl_blueprint *bp;
	fl_config config;
	char *root;
	const char *template_folder; /* relative to root: the application's, or "templates" */
	char mount[128];           /* "/cgi-bin/<name>" when SCRIPT_NAME is absent */
	fl_url_map *url_map;
	fl_url_memo *url_memo;      /* url_for's results (http/url_memo.h), or NULL */
	fl_db *db;
	fl_tpl_env *templates;
	fl_arena *arena;           /* the request arena, reused */
	FCGX_Request *fcgi;        /* NULL under plain CGI */
	/* The backends, chosen once by start-up from the configuration;
	 * requests only use them. */
	const fl_session_store *session_store; /* SESSION_TYPE's (never NULL once started) */
	fl_session_store *server_store; /* the same when server-side (freed at exit), else NULL */
	fl_session_config session_config; /* the SESSION_* keys, for every request */
	fl_cache *cache;           /* CACHE_TYPE's backend (never NULL once started) */
	fl_cache *limits;          /* where rate limits count (ratelimit.h): the cache
	                              when it is shared (sqlite, redis), else own_limits */
	fl_cache *own_limits;      /* a sqlite store on the database for them, or NULL */
	fl_app_wide wide[FL_WIDE__MAX]; /* collected once by start-up (hooks.c) */
	/* ---- the test client (issue 18, testing.c): in-process requests ---- */
	const struct fl_app_io *io; /* NULL: FastCGI or CGI; else where the body comes
	                              from and the response goes (no exec after a crash) */
	int crashed;               /* under io: the signal a request crashed with, else 0 */
};

/* Where an in-process request (the test client) reads its body and writes
 * its response, instead of FastCGI or stdin/stdout. */
typedef struct fl_app_io {
	/* Read at most n bytes of the body into buf: bytes read, 0 at its end,
	 * -1 on an error. */
	long (*read)(void *ud, char *buf, size_t n);
	/* Take n bytes of the response (status line, headers, body). */
	void (*write)(void *ud, const char *p, size_t n);
	void *ud;
} fl_app_io;

/* Start `app` (zeroed) as a program of blueprint `bp`: root, configuration
 * (from the environment), URL map, database, cache, session store,
 * templates compiled, the blueprint's setup (app.c; fl_run and the test
 * client).  -1 after logging why; call fl_app_stop either way. */
int fl_app_start(fl_app *app, const fl_blueprint *bp);

/* Free everything fl_app_start made (app.c); `app` itself stays the
 * caller's. */
void fl_app_stop(fl_app *app);

/* Collect app->wide from the blueprint's application (hooks.c; start-up,
 * once).  -1 when out of memory. */
int fl_app_collect_wide(fl_app *app);

/* Free what fl_app_collect_wide allocated (hooks.c; exit). */
void fl_app_free_wide(fl_app *app);

/* Register url_for, get_flashed_messages, csrf_token with the templates
 * (templating.c; start-up). */
void fl_app_register_template_globals(fl_app *app);

/* The application's template environment, as every program of it builds
 * it (templating.c; start-up, and `manage render`, render_cli.c): sets
 * app->template_folder (the application's, else "templates") and
 * app->templates to an env searching `first_dir` (NULL: none) and then
 * app->root/template_folder, with url_for, get_flashed_messages,
 * csrf_token and the application's filters, tests and globals
 * registered.  Needs app->bp, app->root and app->config.  Returns
 * app->templates (freed with fl_tpl_env_free), or NULL. */
fl_tpl_env *fl_app_new_templates(fl_app *app, const char *first_dir);

/* Render `name` (or, when name is NULL, the template text `source`, as
 * Flask's render_template_string) into `out` with `ctx` (a JSON object
 * in the request arena; the caller has run the context processors) as
 * the context, and the globals of request `c` — session, request, g,
 * config — as the render's globals (fl_tpl_render_ex).  Errors as
 * fl_tpl_render (templating.c: fl_render and `manage render`). */
fl_err fl_app_render_with_globals(fl_ctx *c, const char *name, const char *source,
	json_t *ctx, fl_buf *out, fl_tpl_error *err);

/* Catch a fault inside a view so the client still gets its 500 page
 * (guard.c; fl_run, once). */
void fl_app_install_crash_guard(void);

/* Serve one request whose CGI variables are `envp`, from parsing to
 * teardown (dispatch.c; fl_run's loop). */
void fl_app_handle(fl_app *app, char **envp);

#endif
