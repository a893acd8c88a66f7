/* user.c — who is logged in: auth.py's load_logged_in_user and
 * login_required.
 *
 *     @bp.before_app_request
 *     def load_logged_in_user():
 *         user_id = session.get('user_id')
 *         if user_id is None:
 *             g.user = None
 *         else:
 *             g.user = get_db().execute(
 *                 'SELECT * FROM user WHERE id = ?', (user_id,)
 *             ).fetchone()
 */
#include <string.h>

#include "flaskr/flaskr.h"

int flaskr_load_logged_in_user(fl_ctx *c)
{
	json_t *user = NULL;
	json_t *user_id = json_object_get(fl_get_session(c), "user_id");
	if (json_is_integer(user_id)) {
		fl_err e = fl_get(fl_get_db(c), c->arena, &User, user_id, &user);
		if (e)
			return fl_abort_db(c, e);
	}
	json_object_set_new(c->g, "user", user ? user : json_null());
	return 0;
}

int flaskr_login_required(fl_ctx *c)
{
	if (!json_is_null(json_object_get(c->g, "user")))
		return 0;
	const char *here = fl_arena_printf(c->arena, "%s%s%s%s", c->req.script_name,
		c->req.path, *c->req.query_string ? "?" : "", c->req.query_string);
	const char *next = fl_url_quote(c->arena, here, strlen(here), FL_QUOTE_PLUS);
	return fl_redirect(c, fl_arena_printf(c->arena, "/cgi-bin/auth/login?next=%s", next), 0);
}
