/* app_internal.h — what app.c, ctx.c, sessions.c, templating.c, view_cache.c and db.c
 * share.  Not part of the public API. */
#ifndef FL_APP_INTERNAL_H
#define FL_APP_INTERNAL_H

#include <fcgiapp.h>

#include "cache/cache.h"
#include "session/session.h"
#include "web/app.h"
#include "web/ctx.h"
#include "web/helpers.h"

struct fl_app {
	const fl_blueprint *bp;
	fl_config config;
	char *root;
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
};

/* ---- response caching of one request (view_cache.c) ---- */

/* What fl_app_cache_begin() prepared for fl_app_cache_end(): lives on
 * dispatch()'s stack for one request. */
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

/* Register url_for, get_flashed_messages, csrf_token with the templates. */
void fl_app_register_template_globals(fl_app *app);

/* Set the Allow header from a method mask. */
void fl_app_set_allow(fl_ctx *c, unsigned allowed);

/* Replace the response with the error page for `status`. */
void fl_app_error_page(fl_ctx *c, int status);

/* Security headers, charset, Vary — just before the response is written. */
void fl_app_finish_headers(fl_ctx *c);

/* CSRF check for unsafe methods: 0, or 400 with the message set. */
int fl_app_check_csrf(fl_ctx *c);

/* Write the session cookie if the session changed. */
void fl_app_save_session(fl_ctx *c);

/* Commit on teardown (SQLALCHEMY_COMMIT_ON_TEARDOWN) or roll back. */
void fl_app_teardown_db(fl_ctx *c, int failed);

/* The mount point to put in front of URLs: SCRIPT_NAME, else /cgi-bin/<bp>. */
const char *fl_app_script_name(fl_ctx *c);

#endif
