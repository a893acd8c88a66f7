/* flasky.c — the Flasky application's declaration (see flasky.h). */
#include "app/flasky.h"

#include "app/blueprints.h"
#include "app/commands.h"
#include "app/config.h"
#include "app/models.h"
#include "app/seed.h"
#include "app/templating.h"

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
};
