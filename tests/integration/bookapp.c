/* bookapp — the application of Miguel Grinberg's "Flask Web Development"
 * (Flasky), chapters 3 and 4, written with Flagon, for
 * tests/integration/test_flask_book.py (which runs the book's real Flask
 * application beside it) and tests/browser/test_browser_book.py.  Its
 * templates are the book's, unchanged: tests/book/templates/.  The
 * Makefile builds it to $(BUILD)/tests/integration/bookapp.
 *
 *     bootstrap = Bootstrap(app)          .extensions = { &fl_bootstrap,
 *     moment = Moment(app)                                &fl_moment, NULL }
 *
 * Views (the book's):
 *   GET|POST /          chapter 4's NameForm: on a valid POST the name goes
 *                       into the session ("Looks like you have changed your
 *                       name!" when it changes), then a redirect to /;
 *                       index.html with form and name
 *   GET /ch3            chapter 3's index: ch3/index.html with current_time
 *                       (moment(current_time).format('LLL'), fromNow)
 *   GET /user/<name>    user.html
 *   GET /boom           abort(500), for the 500 handler
 * Error handlers: 404 → 404.html, 500 → 500.html, with their status.
 */
#include <string.h>
#include <time.h>

#include "flagon.h"

static const fl_validator name_v[] = { FL_DATA_REQUIRED(NULL), FL_VALIDATORS_END };
static const fl_field_def name_fields[] = {
	FL_STRING_FIELD("name", "What is your name?", name_v),
	FL_SUBMIT_FIELD("submit", "Submit"),
	FL_FIELDS_END,
};
static const fl_form_def NameForm = { "NameForm", name_fields };

static int index_view(fl_ctx *c)
{
	fl_form *form = fl_new_form(c, &NameForm);
	json_t *session = fl_get_session(c);
	if (fl_validate_on_submit(c, form)) {
		const char *name = fl_form_data(form, "name");
		json_t *old = json_object_get(session, "name");
		if (json_is_string(old) && strcmp(json_string_value(old), name) != 0)
			fl_flash(c, "Looks like you have changed your name!", NULL);
		json_object_set_new(session, "name", json_string(name));
		return fl_redirect(c, fl_url_for(c, ".index", NULL), 302);
	}
	json_t *name = json_object_get(session, "name");
	return fl_render(c, 0, "index.html", json_pack("{s:o, s:O}",
		"form", fl_make_form_context(c, form), "name", name ? name : json_null()));
}

static int ch3_view(fl_ctx *c)
{
	/* datetime.utcnow(), as a DATETIME column holds it */
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%d %H:%M:%S", &tm);
	return fl_render(c, 0, "ch3/index.html", json_pack("{s:s}", "current_time", now));
}

static int user_view(fl_ctx *c)
{
	return fl_render(c, 0, "user.html", json_pack("{s:s}", "name", fl_get_view_arg(c, "name")));
}

static int boom_view(fl_ctx *c)
{
	return fl_abort(c, 500, NULL);
}

static int page_not_found(fl_ctx *c, const fl_http_error *e)
{
	return fl_render(c, 404, "404.html", NULL);
}

static int internal_server_error(fl_ctx *c, const fl_http_error *e)
{
	return fl_render(c, 500, "500.html", NULL);
}

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET | FL_M_POST, index_view, 0 },
	{ "/ch3", "ch3", FL_M_GET, ch3_view, 0 },
	{ "/user/<name>", "user", FL_M_GET, user_view, 0 },
	{ "/boom", "boom", FL_M_GET, boom_view, 0 },
	FL_ROUTES_END,
};

static const fl_error_handler handlers[] = {
	{ 404, page_not_found },
	{ 500, internal_server_error },
	FL_ERROR_HANDLERS_END,
};

static const fl_extension *const extensions[] = { &fl_bootstrap, &fl_moment, NULL };

static const fl_application book_application = {
	.name = "bookapp",
	.error_handlers = handlers,
	.template_folder = "tests/book/templates",
	.extensions = extensions,
};

static const fl_blueprint bookapp_blueprint = {
	.name = "bookapp",
	.routes = routes,
	.app = &book_application,
};

int main(void)
{
	return fl_run(&bookapp_blueprint);
}
