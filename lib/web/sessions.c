/* sessions.c — the session, flashed messages and CSRF protection of a
 * request context (Flask's session proxy, flash helpers, Flask-WTF's
 * CSRFProtect). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/ctx_internal.h"
#include "web/sessions.h"
#include "base/clock.h"
#include "form/csrf.h"
#include "session/flash.h"
#include "base/log.h"
#include "session/session.h"

static void session_config(const fl_config *cfg, fl_session_config *sc)
{
	fl_session_config_init(sc);
	sc->secret_key = cfg->secret_key;
	sc->permanent_lifetime = cfg->permanent_session_lifetime;
	sc->cookie_name = cfg->session_cookie_name;
	sc->path = cfg->session_cookie_path;
	sc->domain = cfg->session_cookie_domain;
	sc->secure = cfg->session_cookie_secure;
	sc->httponly = cfg->session_cookie_httponly;
	sc->samesite = cfg->session_cookie_samesite;
	sc->refresh_each_request = cfg->session_refresh_each_request;
}

static fl_session *ctx_session(fl_ctx *c)
{
	fl_request_state *st = fl_state(c);
	if (!st->session) {
		fl_session_config sc;
		session_config(c->config, &sc);
		fl_session *s = fl_arena_calloc(c->arena, 1, sizeof *s);
		const char *cookie = fl_get_cookie(c, sc.cookie_name);
		fl_err e = fl_session_open(fl_app_session_store(c->app), &sc, c->arena, cookie,
			fl_now(), s);
		if (e)
			fl_warning("session store: %s; serving an empty session", fl_strerror(e));
		st->session = s;
	}
	return st->session;
}

json_t *fl_get_session(fl_ctx *c)
{
	return ctx_session(c)->data;
}

void fl_clear_session(fl_ctx *c)
{
	json_object_clear(fl_get_session(c));
}

void fl_app_save_session(fl_ctx *c)
{
	fl_session *session = fl_state(c)->session;
	if (!session)
		return;
	fl_session_config sc;
	const char *header = NULL;
	session_config(c->config, &sc);
	fl_err e = fl_session_save_header(fl_app_session_store(c->app), &sc, c->arena, session,
		fl_now(), &header);
	if (e) {
		fl_error("cannot save the session: %s", fl_strerror(e));
		return;
	}
	/* The page depends on the cookie: caches must not share it. */
	fl_response_set_header(&c->resp, "Vary", "Cookie");
	if (header)
		fl_response_add_header(&c->resp, "Set-Cookie", header);
}

void fl_flash(fl_ctx *c, const char *message, const char *category)
{
	fl_err e = fl_flash_push(fl_get_session(c), message, category);
	if (e)
		fl_error("flash: %s", fl_strerror(e));
}

json_t *fl_get_flashed_messages(fl_ctx *c, int with_categories)
{
	/* Flask pops the list once per request and keeps it on the request
	 * context, so every call in this request sees the same messages. */
	return fl_flash_get(fl_get_session(c), &fl_state(c)->flashes, with_categories, NULL);
}

const char *fl_csrf_token(fl_ctx *c)
{
	fl_request_state *st = fl_state(c);
	if (!st->csrf_token) {
		const char *token = NULL;
		fl_err e = fl_csrf_generate(c->config->secret_key, 0, fl_get_session(c), c->arena,
			fl_now(), &token);
		if (e) {
			fl_error("cannot make a CSRF token: %s", fl_strerror(e));
			return "";
		}
		st->csrf_token = token;
	}
	return st->csrf_token;
}

int fl_app_check_csrf(fl_ctx *c)
{
	fl_method m = c->req.method;
	if (m == FL_GET || m == FL_HEAD || m == FL_OPTIONS)
		return 0;
	if (c->app->bp->csrf_exempt || (c->route->flags & FL_ROUTE_CSRF_EXEMPT))
		return 0;
	/* Flask-WTF looks in the form first, then in the X-CSRFToken and
	 * X-CSRF-Token headers. */
	const char *token = fl_get_form_value(c, "csrf_token");
	if (!token || !*token)
		token = fl_get_header(c, "X-CSRFToken");
	if (!token || !*token)
		token = fl_get_header(c, "X-CSRF-Token");
	fl_err e = fl_csrf_validate(c->config->secret_key, 0, fl_get_session(c), c->arena, token,
		c->config->csrf_time_limit, fl_now());
	if (e == FL_OK)
		return 0;
	return fl_abort(c, 400, "%s", e == FL_ECSRFMISSING ? "The CSRF token is missing."
		: "The CSRF token is invalid.");
}

void fl_app_teardown_db(fl_ctx *c, int failed)
{
	fl_db *db = c->app->db;
	if (!db || !fl_db_in_transaction(db))
		return;
	if (!failed && c->config->commit_on_teardown) {
		fl_err e = fl_db_commit(db);
		if (e == FL_OK)
			return;
		fl_error("commit on teardown failed: %s", fl_db_errmsg(db));
	}
	fl_db_rollback(db);
}

/* The directory of the filesystem store: $FLAGON_VAR/sessions, else
 * <root>/var/sessions. */
static char *sessions_dir(const fl_app *app)
{
	const char *var = getenv("FLAGON_VAR");
	char *dir = NULL;
	if (var && *var) {
		if (asprintf(&dir, "%s/sessions", var) < 0)
			dir = NULL;
	} else if (asprintf(&dir, "%s/var/sessions", app->root ? app->root : ".") < 0) {
		dir = NULL;
	}
	return dir;
}

/* Build the store SESSION_TYPE names; NULL after logging why. */
static fl_session_store *make_store(fl_app *app)
{
	const char *type = app->config.session_type ? app->config.session_type : "null";
	fl_session_store *st = NULL;
	fl_err e = FL_OK;
	if (strcmp(type, "sqlite") == 0) {
		if (!app->db) {
			fl_error("SESSION_TYPE=sqlite needs the database open first");
			return NULL;
		}
		e = fl_session_sqlite_store(app->db, &st);
	} else if (strcmp(type, "filesystem") == 0) {
		char *dir = sessions_dir(app);
		e = dir ? fl_session_fs_store(dir, &st) : FL_ENOMEM;
		free(dir);
	} else if (strcmp(type, "redis") == 0) {
		e = fl_session_redis_store(app->config.redis_url, 0, &st);
	} else {
		fl_error("SESSION_TYPE '%s' is unknown", type);
		return NULL;
	}
	if (e) {
		fl_error("SESSION_TYPE=%s: %s", type, fl_strerror(e));
		return NULL;
	}
	return st;
}

const struct fl_session_store *fl_app_session_store(fl_app *app)
{
	/* Built once per process (start-up calls this first); the signed
	 * cookie is Flask's default. */
	if (!app->session_store) {
		const char *type = app->config.session_type;
		if (!type || strcmp(type, "null") == 0)
			app->session_store = fl_session_cookie_store();
		else
			app->session_store = make_store(app);
	}
	return app->session_store;
}

void fl_regenerate_session(fl_ctx *c)
{
	fl_session *s = ctx_session(c);
	fl_session_config sc;
	session_config(c->config, &sc);
	fl_err e = fl_session_regenerate_id(fl_app_session_store(c->app), &sc, c->arena, s);
	if (e)
		fl_warning("session store: cannot delete the old session record: %s", fl_strerror(e));
}
