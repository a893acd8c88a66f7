/* user.c — who is logged in.  Flask's flaskr loads the user itself:
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
 *
 * Flagon's login (web/login.h, Flask-Login's) keeps the id in the session
 * and calls the application's user_loader once per request; the hook only
 * hands the user to the templates as g.user. */
#include "flaskr/flaskr.h"

int flaskr_load_user(fl_ctx *c, const char *user_id, json_t **user)
{
	long long id;
	*user = NULL;
	if (!user_id || user_id[0] == '0' || !fl_parse_decimal(user_id, false, &id))
		return 0;
	fl_err e = fl_get(fl_get_db(c), c->arena, &User, json_integer(id), user);
	return e ? fl_abort_db(c, e) : 0;
}

int flaskr_load_logged_in_user(fl_ctx *c)
{
	json_t *user = fl_current_user(c);
	json_object_set(c->g, "user", user ? user : json_null());
	return 0;
}
