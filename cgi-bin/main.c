/* main — Flasky's main blueprint: the NameForm index page (also at
 * /fields/, written field by field) and /user/<name>.
 * The Flask original (app/main/views.py):
 *
 *     @main.route('/', methods=['GET', 'POST'])
 *     def index():
 *         form = NameForm()
 *         if form.validate_on_submit():
 *             user = User.query.filter_by(username=form.name.data).first()
 *             ...
 *             return redirect(url_for('.index'))
 *         return render_template('index.html', form=form, name=session.get('name'),
 *                                known=session.get('known', False))
 */
#include <string.h>

#include "flagon.h"
#include "app/email.h"
#include "app/blueprints.h"
#include "app/flasky.h"
#include "app/models.h"

/* ---- forms (app/main/forms.py) ---- */

static const fl_validator name_validators[] = {
	FL_DATA_REQUIRED(NULL),
	FL_LENGTH(1, 64, NULL),
	FL_VALIDATORS_END,
};

static const fl_field_def name_form_fields[] = {
	FL_STRING_FIELD("name", "What is your name?", name_validators),
	FL_SUBMIT_FIELD("submit", "Submit"),
	FL_FIELDS_END,
};

static const fl_form_def NameForm = { "NameForm", name_form_fields };

/* ---- views (app/main/views.py) ---- */

static int remember_user(fl_ctx *c, const char *name)
{
	fl_db *db = fl_get_db(c);
	fl_query *q = fl_query_new(db, c->arena, &User);
	json_t *user = NULL;
	fl_err e = fl_query_first(fl_query_filter_by(q, "username", json_string(name)), &user);
	if (e)
		return fl_abort_db(c, e);
	json_t *session = fl_get_session(c);
	if (!user) {
		user = json_pack("{s:s}", "username", name);
		e = fl_db_add(db, &User, user);
		if (!e)
			e = fl_db_commit(db);
		if (e)
			return fl_abort_db(c, e);
		json_object_set_new(session, "known", json_false());
		/* if app.config['FLASKY_ADMIN']: send_email(admin, 'New User',
		 * 'mail/new_user', user=user) — rendered now, sent after the
		 * response; a mail problem never fails the page. */
		const char *admin = fl_config_get_str(c->config, "FLASKY_ADMIN");
		if (admin && *admin)
			(void)send_email(c, admin, "New User", "mail/new_user",
				json_pack("{s:{s:s}}", "user", "username", name));
	} else {
		json_object_set_new(session, "known", json_true());
	}
	return 0;
}

/* The NameForm page: `template` shows it, `endpoint` is where a valid
 * POST redirects to (the page itself: post/redirect/get). */
static int name_form_page(fl_ctx *c, const char *template, const char *endpoint)
{
	fl_form *form = fl_new_form(c, &NameForm);
	json_t *session = fl_get_session(c);
	if (fl_validate_on_submit(c, form)) {
		const char *name = fl_form_data(form, "name");
		int s = remember_user(c, name);
		if (s)
			return s;
		json_t *old = json_object_get(session, "name");
		int same = json_is_string(old) && strcmp(json_string_value(old), name) == 0;
		if (json_is_string(old) && !same)
			fl_flash(c, "Looks like you have changed your name!", NULL);
		/* A new name is this application's login: the session gets a new
		 * id, so one planted before (session fixation) is left behind. */
		if (!same)
			fl_regenerate_session(c);
		json_object_set_new(session, "name", json_string(name));
		return fl_redirect(c, fl_url_for(c, endpoint, NULL), 303);
	}
	json_t *known = json_object_get(session, "known");
	return fl_render(c, 0, template, json_pack("{s:o, s:O, s:b}",
		"form", fl_make_form_context(c, form),
		"name", json_object_get(session, "name") ? json_object_get(session, "name") : json_null(),
		"known", json_is_true(known)));
}

static int index_view(fl_ctx *c)
{
	return name_form_page(c, "index.html", ".index");
}

/* The same page with the form written field by field, as chapter 4 of the
 * Flask book does before Flask-Bootstrap: {{ form.hidden_tag() }}
 * {{ form.name.label }} {{ form.name() }} {{ form.submit() }}. */
static int fields_view(fl_ctx *c)
{
	return name_form_page(c, "fields.html", ".fields");
}

static int user_view(fl_ctx *c)
{
	return fl_render(c, 0, "user.html", json_pack("{s:s}", "name", fl_get_view_arg(c, "name")));
}

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET | FL_M_POST, index_view, 0 },
	{ "/user/<name>", "user", FL_M_GET, user_view, 0 },
	{ "/fields/", "fields", FL_M_GET | FL_M_POST, fields_view, 0 },
	FL_ROUTES_END,
};

const fl_blueprint main_blueprint = {
	.name = "main", .routes = routes, .app = &flasky_app,
};

int main(void)
{
	return fl_run(&main_blueprint);
}
