/* sessions.h — the session of a request (Flask's session proxy, from
 * sessions.py), flashed messages (helpers.flash, get_flashed_messages) and
 * the CSRF token (Flask-WTF's csrf_token).
 *
 * The store that keeps the session (SESSION_TYPE: the signed cookie,
 * sqlite, filesystem or redis) is chosen once at start-up; the session
 * is opened from it on first use in a request and saved at the end of the
 * request when it changed.  CSRF tokens are checked by the request loop
 * before the view of every unsafe request (POST, PUT, PATCH, DELETE).
 */
#ifndef FL_SESSIONS_H
#define FL_SESSIONS_H

#include <jansson.h>

#include "web/ctx.h"

/* fl_get_session — the session (a JSON object in Flask's tagged form), opened
 * on first use.  Change it with jansson; it is saved at the end of the
 * request when it changed. */
json_t *fl_get_session(fl_ctx *c);

/* fl_clear_session — session.clear(): empty it; the cookie is expired. */
void fl_clear_session(fl_ctx *c);

/* fl_regenerate_session — give the session a new id, keeping its data
 * (call it at login, before storing who logged in: no session fixation).
 * With a server-side store the old record is deleted and a new random id
 * issued; with the signed cookie a new cookie is sent. */
void fl_regenerate_session(fl_ctx *c);

/* fl_cookie_name_reserved — whether a view that sets or deletes cookies
 * by a name the client chose must refuse `name`, and why: the session
 * cookie's name (SESSION_COOKIE_NAME, compared exactly, as cookie names
 * are case-sensitive) — setting it would plant a session or a session id
 * the attacker knows (session fixation), deleting it would log the visitor
 * out — and names with the __Host- or __Secure- prefix (RFC 6265bis
 * §4.1.3, matched case-insensitively as browsers do), which browsers
 * accept only with Secure and so belong to code that sets them on purpose.
 * Returns a static English reason to put in the 400 message ("it is the
 * session cookie"), or NULL when the name is free.  fl_set_cookie itself
 * does not check: an application may set such cookies deliberately. */
const char *fl_cookie_name_reserved(fl_ctx *c, const char *name);

/* fl_flash — flash(message, category) (category NULL = "message"). */
void fl_flash(fl_ctx *c, const char *message, const char *category);

/* fl_get_flashed_messages — get_flashed_messages(with_categories): the
 * messages flashed before this request (a JSON array, borrowed); the
 * same list for every call within one request, gone from the session. */
json_t *fl_get_flashed_messages(fl_ctx *c, int with_categories);

/* fl_csrf_token — csrf_token(): this request's token (arena string),
 * creating the session's raw token on first use. */
const char *fl_csrf_token(fl_ctx *c);

#endif
