/* auth.c — flaskr's auth blueprint (Flask's flaskr/auth.py): register,
 * log in, log out.  Mounted at /cgi-bin/auth. */
#include "flaskr/flaskr.h"

/* ---- forms ---- */

static const fl_validator username_validators[] = {
	FL_DATA_REQUIRED("Username is required."),
	FL_VALIDATORS_END,
};

static const fl_validator password_validators[] = {
	FL_DATA_REQUIRED("Password is required."),
	FL_VALIDATORS_END,
};

static const fl_field_def register_fields[] = {
	FL_STRING_FIELD("username", "Username", username_validators),
	FL_PASSWORD_FIELD("password", "Password", password_validators),
	FL_SUBMIT_FIELD("submit", "Register"),
	FL_FIELDS_END,
};

static const fl_form_def RegisterForm = { "RegisterForm", register_fields };

static const fl_field_def login_fields[] = {
	FL_STRING_FIELD("username", "Username", username_validators),
	FL_PASSWORD_FIELD("password", "Password", password_validators),
	FL_SUBMIT_FIELD("submit", "Log In"),
	FL_FIELDS_END,
};

static const fl_form_def LoginForm = { "LoginForm", login_fields };

/* ---- views ---- */

static int register_view(fl_ctx *c)
{
	fl_form *form = fl_new_form(c, &RegisterForm);
	if (fl_validate_on_submit(c, form)) {
		const char *username = fl_form_data(form, "username");
		const char *hash = fl_generate_password_hash(c->arena,
			fl_form_data(form, "password"), NULL);
		if (!hash)
			return fl_abort(c, 500, NULL);
		fl_db *db = fl_get_db(c);
		fl_err e = fl_db_add(db, &User, json_pack("{s:s, s:s}",
			"username", username, "password", hash));
		if (!e)
			e = fl_db_commit(db);
		if (!e)
			return fl_redirect(c, fl_url_for(c, "auth.login", NULL), 303);
		if (e != FL_EEXISTS)
			return fl_abort_db(c, e);
		fl_db_rollback(db);
		fl_flash(c, fl_arena_printf(c->arena, "User %s is already registered.", username),
			"error");
	}
	return fl_render(c, 0, "auth/register.html", json_pack("{s:o}",
		"form", fl_make_form_context(c, form)));
}

static int login_view(fl_ctx *c)
{
	fl_form *form = fl_new_form(c, &LoginForm);
	if (fl_validate_on_submit(c, form)) {
		json_t *user;
		fl_query *q = fl_query_new(fl_get_db(c), c->arena, &User);
		fl_query_filter_by(q, "username", json_string(fl_form_data(form, "username")));
		fl_err e = fl_query_first(q, &user);
		if (e)
			return fl_abort_db(c, e);
		const char *error = NULL;
		if (!user)
			error = "Incorrect username.";
		else if (!fl_check_password_hash(
				json_string_value(json_object_get(user, "password")),
				fl_form_data(form, "password")))
			error = "Incorrect password.";
		if (!error) {
			fl_login_user(c, fl_arena_printf(c->arena, "%lld",
				json_integer_value(json_object_get(user, "id"))));
			const char *next = fl_next_url(c);
			return fl_redirect(c, next ? next : fl_url_for(c, "blog.index", NULL), 303);
		}
		fl_flash(c, error, "error");
	}
	return fl_render(c, 0, "auth/login.html", json_pack("{s:o}",
		"form", fl_make_form_context(c, form)));
}

static int logout_view(fl_ctx *c)
{
	fl_logout_user(c);
	return fl_redirect(c, fl_url_for(c, "blog.index", NULL), 0);
}

/* ---- the blueprint ---- */

static const fl_route routes[] = {
	{ "/register", "register", FL_M_GET | FL_M_POST, register_view, 0 },
	{ "/login", "login", FL_M_GET | FL_M_POST, login_view, 0 },
	{ "/logout", "logout", FL_M_GET, logout_view, 0 },
	FL_ROUTES_END,
};

const fl_blueprint auth_blueprint = {
	.name = "auth", .routes = routes, .app = &flaskr_app,
	.before_app_request = FL_HOOKS(flaskr_load_logged_in_user),
};

int main(void)
{
	return fl_run(&auth_blueprint);
}
