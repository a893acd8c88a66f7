/* login.c — Flask-Login in C: the user id in the session ("_user_id",
 * "_fresh"), the current user loaded once per request through the
 * application's user_loader, unauthorized() and the safe `next`. */
#include <string.h>

#include "web/ctx_internal.h"
#include "web/errors.h"
#include "web/login.h"
#include "web/sessions.h"
#include "http/http.h"

/* Where fl_current_user keeps the user for the request (Flask-Login:
 * g._login_user); JSON null for an anonymous visitor. */
#define LOGIN_USER_KEY "_login_user"

static const fl_application *application(fl_ctx *c)
{
	return c->app && c->app->bp ? c->app->bp->app : NULL;
}

fl_err fl_login_user(fl_ctx *c, const char *user_id)
{
	if (!user_id || !*user_id || !fl_utf8_valid(user_id, strlen(user_id)))
		return FL_EINVAL;
	/* A new session id before the session says who is logged in: an id
	 * planted before the login (session fixation) is worth nothing. */
	fl_regenerate_session(c);
	json_t *s = fl_get_session(c);
	json_object_set_new(s, "_user_id", json_string(user_id));
	json_object_set_new(s, "_fresh", json_true());
	/* Loaded again, for this id, when next asked for. */
	json_object_del(c->g, LOGIN_USER_KEY);
	return FL_OK;
}

void fl_logout_user(fl_ctx *c)
{
	json_t *s = fl_get_session(c);
	/* Only what is there: deleting an absent key must not mark the
	 * session changed (a cookie for nothing). */
	static const char *const keys[] = { "_user_id", "_fresh", "_id" };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (json_object_get(s, keys[i]))
			json_object_del(s, keys[i]);
	json_object_set_new(c->g, LOGIN_USER_KEY, json_null());
}

json_t *fl_current_user(fl_ctx *c)
{
	json_t *cached = json_object_get(c->g, LOGIN_USER_KEY);
	if (cached)
		return json_is_null(cached) ? NULL : cached;
	json_t *user = NULL;
	const char *id = json_string_value(json_object_get(fl_get_session(c), "_user_id"));
	if (id) {
		const fl_application *app = application(c);
		if (!app || !app->user_loader)
			fl_app_fail(c, "fl_current_user: someone is logged in but the application "
				"has no user_loader");
		else {
			int s = app->user_loader(c, id, &user);
			if (s) {
				fl_state(c)->fail_status = s >= 400 && s <= 599 ? s : 500;
				user = NULL;
			}
		}
	}
	json_object_set_new(c->g, LOGIN_USER_KEY, user ? user : json_null());
	return user;
}

/* The path and query of this request as the client asked for it (the
 * path percent-encoded as werkzeug's request.full_path, the query as sent). */
static const char *this_page(fl_ctx *c)
{
	fl_buf b;
	fl_buf_init(&b, c->arena);
	const char *script = c->req.script_name ? c->req.script_name : "";
	const char *path = c->req.path ? c->req.path : "/";
	fl_url_quote_buf(&b, script, strlen(script), FL_QUOTE_PATH);
	fl_url_quote_buf(&b, path, strlen(path), FL_QUOTE_PATH);
	if (c->req.query_string && *c->req.query_string) {
		fl_buf_putc(&b, '?');
		fl_buf_puts(&b, c->req.query_string);
	}
	return fl_buf_cstr(&b);
}

int fl_unauthorized(fl_ctx *c)
{
	fl_request_state *st = fl_state(c);
	if (st->fail_status)
		return st->fail_status;
	const fl_application *app = application(c);
	if (!app || !app->login_view || fl_wants_json(c))
		return fl_abort(c, 401, NULL);
	const char *message = app->login_message ? app->login_message : FL_LOGIN_MESSAGE;
	if (*message)
		fl_flash(c, message, "message");
	json_t *values = json_pack("{s:s}", "next", this_page(c));
	const char *url = fl_url_for(c, app->login_view, values);
	json_decref(values);
	return fl_redirect(c, url, 0);
}

const char *fl_next_url(fl_ctx *c)
{
	const char *next = fl_get_arg(c, "next");
	if (!next)
		next = fl_get_form_value(c, "next");
	return next && fl_is_safe_url(c, next) ? next : NULL;
}
