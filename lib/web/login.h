/* login.h — who is logged in (Flask-Login): login_user, logout_user,
 * current_user, unauthorized() and login_required, driven by the
 * application's login_view, login_message and user_loader
 * (fl_application, web/application.h).
 *
 * The session holds the user's id under "_user_id" and "_fresh", as
 * Flask-Login stores them, so a Flask application with the same SECRET_KEY
 * reads the same login.  A view that needs a user writes
 *
 *     json_t *user = fl_current_user(c);
 *     if (!user)
 *         return fl_unauthorized(c);
 *
 * or its route carries FL_ROUTE_LOGIN_REQUIRED (http/routing.h), which
 * does the same before the view, after the before_request hooks and the
 * CSRF check.  The login view sends the visitor back with fl_next_url:
 *
 *     fl_login_user(c, id);
 *     const char *next = fl_next_url(c);
 *     return fl_redirect(c, next ? next : fl_url_for(c, "main.index", NULL), 0);
 */
#ifndef FL_LOGIN_H
#define FL_LOGIN_H

#include <jansson.h>

#include "base/err.h"
#include "web/ctx.h"

/* Flask-Login's default login_message. */
#define FL_LOGIN_MESSAGE "Please log in to access this page."

/* fl_login_user — login_user(user): remember `user_id` (a non-empty UTF-8
 * string, e.g. the row id in decimal) in the session as "_user_id", with
 * "_fresh" true.  Before that the session gets a new id
 * (fl_regenerate_session: with a server-side store a new random record id,
 * against session fixation).  The next fl_current_user loads the user
 * through the application's user_loader.  Returns FL_OK, or FL_EINVAL for
 * a NULL, empty or non-UTF-8 `user_id` (nothing changed). */
fl_err fl_login_user(fl_ctx *c, const char *user_id);

/* fl_logout_user — logout_user(): drop "_user_id", "_fresh" and "_id"
 * from the session (the rest of it, flashes included, stays); the visitor
 * is anonymous for the rest of the request. */
void fl_logout_user(fl_ctx *c);

/* fl_current_user — current_user: the logged-in user as the application's
 * user_loader returned it (borrowed; kept in g as "_login_user" for the
 * rest of the request, so the loader runs at most once per request), or
 * NULL for an anonymous visitor — also when the stored id names a user
 * that is gone (the loader found none).  When the loader fails with a
 * status, NULL, and the request answers that status whatever the view
 * does (fl_unauthorized returns it).  With someone logged in but no
 * user_loader: a bug, logged, the request answers 500. */
json_t *fl_current_user(fl_ctx *c);

/* fl_unauthorized — LoginManager.unauthorized(): what an anonymous visitor
 * gets where a user is required.  With the application's login_view, and
 * unless the client wants JSON (fl_wants_json): flash login_message
 * (category "message") and redirect (302) to url_for(login_view) with
 * ?next= the path and query of this request
 * (SCRIPT_NAME + PATH_INFO, percent-encoded, then "?" and the query as
 * sent), returning 0.  Otherwise abort(401): returns 401.  After a failed
 * user_loader, returns its status instead. */
int fl_unauthorized(fl_ctx *c);

/* fl_next_url — the page to go back to after logging in: the `next`
 * query argument (else the `next` form field) when fl_is_safe_url says it
 * stays on this site, else NULL (absent, another host, "//host", a
 * scheme other than http(s)).  The string is the request's. */
const char *fl_next_url(fl_ctx *c);

#endif
