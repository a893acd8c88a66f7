/* app.c — the flaskr application (Flask's create_app in
 * flaskr/__init__.py): its name, its models, its hooks.  Every blueprint
 * program of flaskr points to it, and the framework starts each of them
 * with what it declares. */
#include "flaskr/flaskr.h"

static const fl_template_function filters[] = {
	{ "datetimeformat", flaskr_datetimeformat },
	FL_TEMPLATE_FUNCTIONS_END,
};

const fl_application flaskr_app = {
	.name = "flaskr",
	.models = flaskr_models,
	.template_filters = filters,
	.template_folder = "docs/tutorial/flaskr/templates",
};
