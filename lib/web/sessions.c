/* sessions.c — the session, flashed messages and CSRF protection of a
 * request context (Flask's session proxy, flash helpers, Flask-WTF's
 * CSRFProtect). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "web/ctx_internal.h"
#include "web/sessions.h"
#include "base/clock.h"
#include "form/csrf.h"
#include "session/flash.h"
#include "base/log.h"
#include "session/session.h"

static fl_session *ctx_session(fl_ctx *c)
{
	fl_request_state *st = fl_state(c);
	if (!st->session) {
		const fl_session_config *sc = &c->app->session_config;
		fl_session *s = fl_arena_calloc(c->arena, 1, sizeof *s);
		const char *cookie = fl_get_cookie(c, sc->cookie_name);
		fl_err e = fl_session_open(c->app->session_store, sc, c->arena, cookie, fl_now(), s);
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
	const char *header = NULL;
	fl_err e = fl_session_save_header(c->app->session_store, &c->app->session_config, c->arena,
		session, fl_now(), &header);
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

void fl_regenerate_session(fl_ctx *c)
{
	fl_session *s = ctx_session(c);
	fl_err e = fl_session_regenerate_id(c->app->session_store, &c->app->session_config,
		c->arena, s);
	if (e)
		fl_warning("session store: cannot delete the old session record: %s", fl_strerror(e));
}

const char *fl_cookie_name_reserved(fl_ctx *c, const char *name)
{
	const char *session = c->app->session_config.cookie_name;
	if (!name)
		return NULL;
	if (strcmp(name, session && *session ? session : "session") == 0)
		return "it is the session cookie";
	if (strncasecmp(name, "__Host-", 7) == 0 || strncasecmp(name, "__Secure-", 9) == 0)
		return "the __Host- and __Secure- prefixes are for cookies set with Secure";
	return NULL;
}
