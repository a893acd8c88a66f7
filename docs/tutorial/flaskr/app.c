/* app.c — the flaskr application (Flask's create_app in
 * flaskr/__init__.py): its name, its models, its hooks.  Every blueprint
 * program of flaskr points to it, and the framework starts each of them
 * with what it declares. */
#include "flaskr/flaskr.h"

/* app.config.from_mapping(UPLOAD_FOLDER=...): where the posts' images go,
 * relative to the project root unless absolute; the environment sets it
 * like every key (UPLOAD_FOLDER=/srv/flaskr/uploads). */
static const fl_config_key config_keys[] = {
	{ "UPLOAD_FOLDER", FL_CONFIG_STR, .defaults = FL_CONFIG_DEFAULT("var/flaskr-uploads") },
	FL_CONFIG_KEYS_END,
};

static const fl_template_function filters[] = {
	{ "datetimeformat", flaskr_datetimeformat },
	FL_TEMPLATE_FUNCTIONS_END,
};

const fl_application flaskr_app = {
	.name = "flaskr",
	.config_keys = config_keys,
	.models = flaskr_models,
	.template_filters = filters,
	.template_folder = "docs/tutorial/flaskr/templates",
};
