/* session — sessions and login (the Flask-Session demo).  The Flask
 * original:
 *
 *     @blue.route('/writesession/')
 *     def writesession():
 *         session['age'] = 18
 *         return '写入成功'
 *
 *     @blue.route('/login/')
 *     def login():
 *         return render_template('Login.html')
 *
 *     @blue.route('/loginsuccess/', methods=['POST'])
 *     def loginsuccess():
 *         session['username'] = request.form.get('username')
 *         return redirect(url_for('blue.welcome'))
 *
 *     @blue.route('/welcome/')
 *     def welcome():
 *         return render_template('welcome.html', username=session.get('username'))
 *
 *     @blue.route('/logout/', methods=['GET', 'POST'])
 *     def logout():
 *         session.clear()
 *         return redirect(url_for('blue.login'))
 *
 * Where the session lives is SESSION_TYPE's business (null: the signed
 * cookie; sqlite, filesystem, redis: server-side, the cookie holds an id).
 */
#include <string.h>

#include "flagon.h"
#include "app/blueprints.h"
#include "app/flasky.h"

/* Longest accepted user name, in characters (code points, Python's len()). */
#define USERNAME_MAX 64

static int writesession(fl_ctx *c)
{
	json_object_set_new(fl_get_session(c), "age", json_integer(18));
	return fl_html(c, 200, "写入成功");
}

static int login(fl_ctx *c)
{
	return fl_render(c, 0, "Login.html", NULL);
}

static int to_login(fl_ctx *c, const char *message, int code)
{
	if (message)
		fl_flash(c, message, "warning");
	return fl_redirect(c, fl_url_for(c, ".login", NULL), code);
}

static int loginsuccess(fl_ctx *c)
{
	const char *username = fl_get_form_value(c, "username");
	/* A name is required; white space alone (str.isspace) does not count. */
	if (!username || fl_utf8_is_blank(username, strlen(username)))
		return to_login(c, "Please enter a username.", 303);
	if (fl_utf8_length(username) > USERNAME_MAX)
		return to_login(c, fl_arena_printf(c->arena, "The username is too long "
			"(%d characters at most).", USERNAME_MAX), 303);
	/* A new session id at login: an id planted before cannot be used to
	 * ride on this login (session fixation). */
	fl_regenerate_session(c);
	json_object_set_new(fl_get_session(c), "username", json_string(username));
	return fl_redirect(c, fl_url_for(c, ".welcome", NULL), 303);
}

static int welcome(fl_ctx *c)
{
	json_t *username = json_object_get(fl_get_session(c), "username");
	if (!json_is_string(username) || !*json_string_value(username))
		return to_login(c, "Please log in first.", 302);
	return fl_render(c, 0, "welcome.html", json_pack("{s:O}", "username", username));
}

static int logout(fl_ctx *c)
{
	/* Empty: the cookie is expired and the server-side record deleted
	 * when the session is saved. */
	fl_clear_session(c);
	return fl_redirect(c, fl_url_for(c, ".login", NULL), c->req.method == FL_POST ? 303 : 302);
}

static const fl_route routes[] = {
	{ "/writesession/", "writesession", FL_M_GET, writesession, 0 },
	{ "/login/", "login", FL_M_GET, login, 0 },
	{ "/loginsuccess/", "loginsuccess", FL_M_POST, loginsuccess, 0 },
	{ "/welcome/", "welcome", FL_M_GET, welcome, 0 },
	{ "/logout/", "logout", FL_M_GET | FL_M_POST, logout, 0 },
	FL_ROUTES_END,
};

const fl_blueprint session_blueprint = {
	.name = "session", .routes = routes, .app = &flasky_app,
};

int main(void)
{
	return fl_run(&session_blueprint);
}
