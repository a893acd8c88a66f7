/* app_internal.h — the application object every web/ source reads, and
 * what start-up (app.c) calls in the other files.  The private part of a
 * request context is ctx_internal.h.  Not part of the public API. */
#ifndef FL_APP_INTERNAL_H
#define FL_APP_INTERNAL_H

#include <fcgiapp.h>

#include "cache/cache.h"
#include "session/session.h"
#include "web/app.h"
#include "web/application.h"
#include "web/ctx.h"
#include "web/helpers.h"

struct fl_app {
	const fl_blueprint *bp;
	fl_config config;
	char *root;
	const char *template_folder; /* relative to root: the application's, or "templates" */
	char mount[128];           /* "/cgi-bin/<name>" when SCRIPT_NAME is absent */
	fl_url_map *url_map;
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
};

/* Register url_for, get_flashed_messages, csrf_token with the templates
 * (templating.c; start-up). */
void fl_app_register_template_globals(fl_app *app);

/* Catch a fault inside a view so the client still gets its 500 page
 * (guard.c; fl_run, once). */
void fl_app_install_crash_guard(void);

/* Serve one request whose CGI variables are `envp`, from parsing to
 * teardown (dispatch.c; fl_run's loop). */
void fl_app_handle(fl_app *app, char **envp);

#endif
