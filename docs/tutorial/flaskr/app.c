/* app.c — the flaskr application (Flask's create_app in
 * flaskr/__init__.py): everything the framework needs to start each of its
 * programs the same way. */
#include "flaskr/flaskr.h"

/* app.config.from_mapping(UPLOAD_FOLDER=...): where the posts' images go,
 * relative to the project root unless absolute; the environment sets it
 * like every key (UPLOAD_FOLDER=/srv/flaskr/uploads). */
static const fl_config_key config_keys[] = {
	{ "UPLOAD_FOLDER", FL_CONFIG_STR, .defaults = FL_CONFIG_DEFAULT("var/flaskr-uploads") },
	FL_CONFIG_KEYS_END,
};

static const fl_blueprint *const blueprints[] = { &auth_blueprint, &blog_blueprint, NULL };

static const fl_template_function filters[] = {
	{ "datetimeformat", flaskr_datetimeformat },
	FL_TEMPLATE_FUNCTIONS_END,
};

static const fl_error_handler error_handlers[] = {
	{ 404, flaskr_page_not_found },
	{ FL_ANY_ERROR, flaskr_http_error },
	FL_ERROR_HANDLERS_END,
};

const fl_application flaskr_app = {
	.name = "flaskr",
	.config_keys = config_keys,
	.models = flaskr_models,
	.blueprints = blueprints,
	.login_view = "auth.login",
	.user_loader = flaskr_load_user,
	.template_filters = filters,
	.error_handlers = error_handlers,
	.template_folder = "docs/tutorial/flaskr/templates",
	.migrations_directory = "docs/tutorial/flaskr/migrations",
};
