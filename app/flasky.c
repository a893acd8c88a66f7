/* flasky.c — the Flasky application's declaration (see flasky.h). */
#include "app/flasky.h"

#include "app/blueprints.h"
#include "app/commands.h"
#include "app/config.h"
#include "app/models.h"
#include "app/seed.h"
#include "app/templating.h"
#include "web/bootstrap.h"
#include "web/moment.h"

/* The book's `bootstrap = Bootstrap(); moment = Moment()`: Flasky's own
 * pages keep their Bootstrap 5 layout (templates/base.html), and a page
 * written for Flask-Bootstrap 3 or Flask-Moment renders too. */
static const fl_extension *const flasky_extensions[] = { &fl_bootstrap, &fl_moment, NULL };

const fl_application flasky_app = {
	.name = "flasky",
	.config_keys = flasky_config_keys,
	.init_config = flasky_init_config,
	.models = flasky_models,
	.seed = flasky_seed,
	.blueprints = flasky_blueprints,
	.commands = flasky_commands,
	.template_filters = flasky_template_filters,
	.context_processors = flasky_context_processors,
	.extensions = flasky_extensions,
	.migrations_directory = "sql/migrations",
};
